// Lint rules over the response: the translation map (JSONPath syntax, defaults that are not JSON text, never used
// or of the wrong type, indefinite paths into scalar outputs), the success template (references, quoted values,
// JSON for the default case, required outputs). Pure.
import type { JsonSchema } from '../../data-action/model';
import { translationPathSyntax } from '../../data-action/problems';
import { schemaExample } from '../../contract/schema-example';
import { isDefinite, type PathAst } from '../../jsonpath/ast';
import { parseJsonPath } from '../../jsonpath/parser';
import { evaluatePath } from '../../jsonpath/evaluate';
import { isRecord } from '../../json';
import { renderSuccessTemplate, velocityReferences } from '../../velocity';
import type { CxpactError } from '../../errors';
import {
  caseMatch,
  outputRefs,
  properties,
  TOOL_NAMES,
  typesOf,
  type LintContext,
  type TemplateField,
} from '../context';

interface TranslationVar {
  name: string;
  path?: PathAst;
  /** The path yields an array (filter, wildcard, deep scan, union, slice). */
  indefinite: boolean;
  /** The path ends in a function (size(), length(), ...): a number. */
  numericFunction: boolean;
  defaultText?: string;
  defaultValid: boolean;
}

/**
 * An indefinite path that resolves on any document (a deep scan or wildcard from the root yields [] when nothing
 * matches): Genesys applies a default only when the path fails to resolve, so such a default never applies.
 * A path through a missing property before its first indefinite step (`$.results[?(...)]` on {}) does fail.
 */
function alwaysResolves(path: PathAst): boolean {
  try {
    return evaluatePath(path, {}).found && evaluatePath(path, []).found;
  } catch {
    return false;
  }
}

function translationVars(c: LintContext): Map<string, TranslationVar> {
  const action = c.action;
  const vars = new Map<string, TranslationVar>();
  const defaults = action.response.translationMapDefaults;
  for (const [name, expression] of Object.entries(action.response.translationMap)) {
    let path: PathAst | undefined;
    try {
      path = parseJsonPath(expression);
    } catch (error) {
      // The same code, message and fix as the translation reports at run time.
      const e = translationPathSyntax(action, name, error);
      c.add(e.code, { kind: 'translationMap', key: name }, e.message, e.fix ?? '');
    }
    const last = path?.segments[path.segments.length - 1];
    vars.set(name, {
      name,
      path,
      indefinite: path !== undefined && !isDefinite(path),
      numericFunction:
        last?.kind === 'function' && ['size', 'length', 'sum', 'avg', 'min', 'max', 'stddev'].includes(last.name),
      defaultValid: true,
    });
  }
  for (const [name, text] of Object.entries(defaults)) {
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    const v = vars.get(name) ?? { name, indefinite: false, numericFunction: false, defaultValid: true };
    v.defaultText = text;
    v.defaultValid = valid;
    vars.set(name, v);
    if (!valid && v.path !== undefined && v.indefinite && alwaysResolves(v.path)) {
      // Dead default: its text is never inserted, so it cannot break the output. Worth a warning, not an error.
      c.add(
        'lint.translation.default-unused',
        { kind: 'translationMapDefaults', key: name },
        `The default of "${name}" (${JSON.stringify(text)}) is never used: ${action.response.translationMap[name] ?? name} always resolves (to [] when nothing matches), and the default is not JSON text either.`,
        'Remove the default: an indefinite path yields [] when nothing matches, so a fallback belongs in the success template ($successTemplateUtils.firstFromArray with a default, or #if on the array).',
      );
    } else if (!valid) {
      const quoted = JSON.stringify(JSON.stringify(text));
      c.add(
        'lint.translation.default-unquoted',
        { kind: 'translationMapDefaults', key: name },
        `The default of "${name}" is ${JSON.stringify(text)}, which is not JSON text: defaults are inserted verbatim, so a string default needs its own quotes.`,
        `Write "${name}": ${quoted} (a JSON string inside the JSON string).`,
      );
    }
  }
  return vars;
}

/** Finds the schema of an output property by name, at any depth (first match, breadth first). */
function outputProperty(schema: JsonSchema, name: string): JsonSchema | undefined {
  const queue: JsonSchema[] = [schema];
  while (queue.length > 0) {
    const s = queue.shift() as JsonSchema;
    const props = properties(s);
    if (props[name] !== undefined) return props[name];
    queue.push(...Object.values(props));
    if (isRecord(s['items'])) queue.push(s['items']);
  }
  return undefined;
}

/** Family `response`. */
export function checkResponse(c: LintContext): void {
  const action = c.action;
  const vars = translationVars(c);
  const t: TemplateField = {
    field: { kind: 'successTemplate' },
    name: 'successTemplate',
    text: action.response.successTemplate,
  };
  const template = c.template(t);
  if (template === undefined) return;
  const allowed = new Set([...vars.keys(), 'rawResult', ...TOOL_NAMES]);
  const used = new Set<string>();
  let undefinedRefs = 0;
  for (const ref of velocityReferences(template)) {
    if (ref.local) continue;
    used.add(ref.root);
    if (allowed.has(ref.root)) continue;
    undefinedRefs += 1;
    const wrongCase = caseMatch(ref.root, allowed);
    if (wrongCase !== undefined) {
      c.add(
        'lint.reference.wrong-case',
        t.field,
        `${ref.source} uses $${ref.root}; references are case-sensitive and the translation map defines "${wrongCase}".`,
        `Write $${wrongCase}.`,
        ref,
      );
    } else if (ref.root === 'input') {
      // Not documented as available (spec 4.3, unverified either way): a warning, and the default case is not rendered.
      c.add(
        'lint.success-template.input-reference',
        t.field,
        `${ref.source}: Genesys documents only translation-map variables, $rawResult and the tools for the success template; $input may not be set (strict mode then fails the action).`,
        `Map the value from the response in translationMap, or check with \`${c.spell('genesys-test')}\` that the platform provides $input here.`,
        ref,
      );
    } else {
      c.add(
        'lint.reference.undefined',
        t.field,
        `${ref.source} is not defined: the success template only sees translation-map variables, $rawResult and the tools; Genesys fails with "Variable $${ref.root} has not been set".`,
        `Add "${ref.root}" to config.response.translationMap, or fix the name.`,
        ref,
      );
    }
  }
  for (const name of Object.keys(action.response.translationMap)) {
    if (!used.has(name)) {
      c.add(
        'lint.translation.unused',
        { kind: 'translationMap', key: name },
        `Translation "${name}" is never used by the success template${/^\s*\$!?\{?rawResult\}?\s*$/.test(action.response.successTemplate) ? ' (it returns ${rawResult})' : ''}.`,
        `Use \${${name}} in the success template, or remove the entry.`,
      );
    }
  }

  // `"${x}"` around a translation value: x is already JSON text with its quotes.
  const refs = outputRefs(template);
  for (const o of refs) {
    const v = vars.get(o.ref.root);
    if (v === undefined || o.ref.parts.length > 0) continue;
    if (!o.before.endsWith('"') || !o.after.startsWith('"')) continue;
    if (v.numericFunction) continue; // "${count}" turns a number into a string on purpose
    c.add(
      'lint.success-template.quoted-value',
      t.field,
      `"${o.ref.source}" wraps a translation value in quotes, but it is already JSON text ("abc" with its quotes): a string renders as ""abc"" and breaks the JSON.`,
      `Write ${o.ref.source} without the surrounding quotes.`,
      o.ref,
    );
  }

  // A default whose JSON type the output property does not accept: the absent-field case always fails validation.
  if (isRecord(action.outputSchema)) {
    for (const o of refs) {
      const v = vars.get(o.ref.root);
      if (v === undefined || o.ref.parts.length > 0 || v.defaultText === undefined || !v.defaultValid || v.indefinite)
        continue;
      const key = /"([^"\\]+)"\s*:\s*$/.exec(o.before)?.[1];
      if (key === undefined || /^\s*"/.test(o.after)) continue;
      const types = typesOf(outputProperty(action.outputSchema, key));
      if (types.length === 0) continue;
      const value: unknown = JSON.parse(v.defaultText);
      const actual =
        value === null
          ? 'null'
          : Array.isArray(value)
            ? 'array'
            : typeof value === 'number'
              ? Number.isInteger(value)
                ? 'integer'
                : 'number'
              : typeof value;
      const fits = types.includes(actual) || (actual === 'integer' && types.includes('number'));
      if (!fits) {
        c.add(
          'lint.translation.default-type',
          { kind: 'translationMapDefaults', key: v.name },
          `The default of "${v.name}" is ${v.defaultText} (${actual}), but output "${key}" is ${types.join('/')}: whenever the default applies, validation fails.`,
          actual === 'null'
            ? `Use a default of type ${types[0]}${types[0] === 'string' ? ' (e.g. "\\"\\"")' : ''}, or declare "type": ${JSON.stringify([...types, 'null'])} for "${key}".`
            : `Use a default of type ${types[0]}${types[0] === 'string' ? ` (a quoted string, e.g. "\\"${String(value)}\\"")` : ''}, or widen the output type.`,
        );
      }
    }
  }

  // A filter / wildcard path (always an array) or a numeric function into a scalar output property.
  const output = action.outputSchema;
  if (isRecord(output)) {
    for (const o of refs) {
      const v = vars.get(o.ref.root);
      if (v === undefined || o.ref.parts.length > 0 || (!v.indefinite && !v.numericFunction)) continue;
      const key = /"([^"\\]+)"\s*:\s*$/.exec(o.before)?.[1];
      if (key === undefined || /^\s*"/.test(o.after)) continue;
      const prop = outputProperty(output, key);
      const types = typesOf(prop);
      if (types.length === 0) continue;
      if (v.indefinite && !types.includes('array')) {
        c.add(
          'lint.output.type-unreachable',
          { kind: 'translationMap', key: v.name },
          `Translation "${v.name}" uses an indefinite JSONPath (${action.response.translationMap[v.name]}) that always yields an array, but output "${key}" is ${types.join('/')}: validation always fails.`,
          `Use $successTemplateUtils.firstFromArray("\${${v.name}}", "$esc.quote$esc.quote") in the template, or declare "${key}" as an array.`,
        );
      } else if (v.numericFunction && !types.includes('integer') && !types.includes('number')) {
        c.add(
          'lint.output.type-unreachable',
          { kind: 'translationMap', key: v.name },
          `Translation "${v.name}" (${action.response.translationMap[v.name]}) yields a number, but output "${key}" is ${types.join('/')}.`,
          `Declare "${key}" as integer, or write "\${${v.name}}" to make it a string.`,
        );
      }
    }
  }

  // Render the default case and check the output is JSON (a quoted value was already reported: its cause).
  if (undefinedRefs > 0) return;
  const quotedValues = c.findings.filter((f) => f.code === 'lint.success-template.quoted-value').length;
  const ctx: Record<string, string> = {};
  for (const v of vars.values()) {
    if (v.defaultText !== undefined && v.defaultValid && !v.indefinite) ctx[v.name] = v.defaultText;
    else if (v.indefinite) {
      const prop = outputProperty(action.outputSchema, v.name);
      const items =
        prop !== undefined && typesOf(prop).includes('array') && isRecord(prop['items'])
          ? schemaExample(prop['items'], { style: 'minimal' })
          : 'sample';
      ctx[v.name] = JSON.stringify([items]);
    } else if (v.numericFunction) ctx[v.name] = '1';
    else {
      const prop = outputProperty(action.outputSchema, v.name);
      ctx[v.name] = JSON.stringify(prop === undefined ? 'sample' : schemaExample(prop, { style: 'minimal' }));
    }
  }
  const rawResult = JSON.stringify(schemaExample(action.outputSchema, { style: 'minimal' }));
  let rendered: string;
  try {
    rendered = renderSuccessTemplate(action.response.successTemplate, ctx, rawResult);
  } catch (error) {
    const e = error as CxpactError & { line?: number; column?: number };
    c.add(
      'lint.success-template.render-error',
      t.field,
      `The success template fails to render for the default case: ${e.message}`,
      'Fix the template at that line and column.',
      e.line === undefined ? undefined : { line: e.line, column: e.column ?? 1 },
    );
    return;
  }
  let parsedOutput: unknown;
  try {
    parsedOutput = JSON.parse(rendered);
  } catch (error) {
    if (quotedValues > 0) return;
    c.add(
      'lint.success-template.invalid-json',
      t.field,
      `The success template does not render valid JSON for the default case (${(error as Error).message}): ${rendered.length > 160 ? `${rendered.slice(0, 160)}…` : rendered}`,
      'Check quotes, commas and braces; translation values are JSON text already (no quotes around ${x}).',
    );
    return;
  }
  // A required output the template never writes (only when the template builds the object itself).
  const required =
    isRecord(action.outputSchema) && Array.isArray(action.outputSchema['required'])
      ? action.outputSchema['required']
      : [];
  if (isRecord(parsedOutput) && !/\$!?\{?rawResult\b/.test(action.response.successTemplate)) {
    for (const name of required) {
      if (typeof name !== 'string' || name in parsedOutput) continue;
      c.add(
        'lint.output.required-missing',
        { kind: 'outputSchema', sub: '.required' },
        `Output "${name}" is required by the output contract, but the success template never writes it: every execution fails validation.`,
        `Add "${name}" to the success template, or remove it from contract.output.successSchema.required.`,
      );
    }
  }
}
