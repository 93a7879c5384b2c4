// The lint rules: pure functions over the parsed DataAction model. Each finding has a stable dotted code,
// a severity, the JSON path of the field and a fix. Rules follow /work/shared/docs/genesys-data-actions.md
// (sections 3, 4.2-4.4, 6 and 7 "gotchas").
import type { DataAction, JsonSchema } from '../data-action/model';
import { CxpactError } from '../errors';
import { genesysTools, parseVelocity, renderSuccessTemplate, velocityReferences, type VelocityTemplate } from '../velocity';
import type { Expr, Node, RefNode } from '../velocity/ast';
import { isDefinite, type PathAst } from '../jsonpath/ast';
import { parseJsonPath } from '../jsonpath/parser';
import { evaluatePath } from '../jsonpath/evaluate';
import { renderRequest } from '../data-action/render-request';
import { fieldPath, member, type Field, type LintFinding, type Severity } from './types';
import { cxpactCommand } from '../../io/cli-spelling';
import { findDotAfterValue } from './velocity-gotchas';
import { isRecord } from '../json';
import { budgetFindings } from './budget-rules';
import type { Limits } from '../limits';

const TOOL_NAMES = new Set(Object.keys(genesysTools()));
/** Inputs the platform adds to `$input` itself (section 3.1). */
const RESERVED_INPUTS = new Set(['rawRequest', 'orgId', 'integrationId']);
const REQUEST_ROOTS = new Set(['input', 'credentials', 'authResponse']);
const INPUT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;


interface TemplateField {
  field: Field;
  /** Name as Genesys reports it. */
  name: string;
  text: string;
}

class Collector {
  readonly findings: LintFinding[] = [];
  /** Literal secrets found in the definition: never repeated in a finding's message (reports are CI artifacts). */
  readonly secrets = new Set<string>();
  constructor(private readonly action: DataAction) {}
  add(code: string, severity: Severity, field: Field, message: string, fix: string, pos?: { line: number; column: number }): void {
    this.findings.push({
      code,
      severity,
      message,
      file: this.action.file,
      path: fieldPath(this.action, field),
      fix,
      action: this.action.name,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
    });
  }
}

/** The request templates that are actually rendered (GET and HEAD send no body). */
function requestTemplates(action: DataAction): TemplateField[] {
  const out: TemplateField[] = [{ field: { kind: 'url' }, name: 'requestUrlTemplate', text: action.request.urlTemplate }];
  for (const [name, value] of Object.entries(action.request.headers)) out.push({ field: { kind: 'header', name }, name: `header ${name}`, text: value });
  if (sendsBody(action)) out.push({ field: { kind: 'body' }, name: 'requestTemplate', text: action.request.bodyTemplate });
  return out;
}

/** POST/PUT/PATCH send the rendered body; a DELETE only when it defines its own template (as renderRequest does). */
function sendsBody(action: DataAction): boolean {
  const m = action.request.method;
  if (m === 'POST' || m === 'PUT' || m === 'PATCH') return true;
  if (m !== 'DELETE') return false;
  const t = action.request.bodyTemplate.trim();
  return t !== '' && !/^\$!?\{?input\.rawRequest\}?$/.test(t);
}

function parseTemplate(c: Collector, t: TemplateField): VelocityTemplate | undefined {
  try {
    return parseVelocity(t.text, t.name);
  } catch (error) {
    const e = error as CxpactError & { line?: number; column?: number };
    c.add('lint.template.syntax', 'error', t.field, `${t.name} is not valid Velocity: ${e.message}`, 'Fix the Velocity syntax at that line and column (unbalanced #if/#end, an unclosed ${...}).', {
      line: e.line ?? 1,
      column: e.column ?? 1,
    });
    return undefined;
  }
}

/** 1-based line/column -> offset in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l += 1) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + column - 1;
}

/** References written directly in template text (output position), with the text right after each. */
interface OutputRef {
  ref: RefNode;
  before: string;
  after: string;
}

function outputRefs(template: VelocityTemplate): OutputRef[] {
  const out: OutputRef[] = [];
  const text = template.source;
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.type === 'ref') {
        const start = offsetOf(text, n.line, n.column);
        const end = start + n.source.length;
        out.push({ ref: n, before: text.slice(Math.max(0, start - 200), start), after: text.slice(end, end + 200) });
      } else if (n.type === 'if') {
        n.branches.forEach((b) => visit(b.body));
        if (n.otherwise) visit(n.otherwise);
      } else if (n.type === 'foreach' || n.type === 'macro') visit(n.body);
    }
  };
  visit(template.nodes);
  return out;
}

function properties(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const props = schema?.['properties'];
  if (!isRecord(props)) return {};
  const out: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(props)) if (isRecord(v)) out[k] = v;
  return out;
}

function typesOf(schema: JsonSchema | undefined): string[] {
  const t = schema?.['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

function caseMatch(name: string, candidates: Iterable<string>): string | undefined {
  for (const c of candidates) if (c !== name && c.toLowerCase() === name.toLowerCase()) return c;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Secrets in URL / headers / body

const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|apikey|x-apikey|x-auth-token|x-access-token|access-token|auth-token|token|x-token|ocp-apim-subscription-key|x-functions-key|private-token|x-client-secret|client-secret|client_secret|password|x-password|cookie)$/i;
const SECRET_PARAM = /^(api[-_]?key|apikey|key|token|access[-_]?token|auth[-_]?token|secret|client[-_]?secret|password|passwd|pwd|sig|signature|code|subscription-key|x-api-key)$/i;
const TOKEN_SHAPES: Array<[RegExp, string]> = [
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JWT'],
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{10,}/, 'a Stripe key'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bAIza[0-9A-Za-z_-]{30,}/, 'a Google API key'],
];

/** The template text with every Velocity reference and directive removed: what is literally written. */
function literalText(template: VelocityTemplate): string {
  let out = '';
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.type === 'text') out += n.value;
      else if (n.type === 'ref') out += '\u0000';
      else if (n.type === 'if') {
        n.branches.forEach((b) => visit(b.body));
        if (n.otherwise) visit(n.otherwise);
      } else if (n.type === 'foreach') visit(n.body);
    }
  };
  visit(template.nodes);
  return out;
}

/** A literal credential-looking value: long enough, no spaces, not a placeholder. */
function looksLikeSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 8 || /\s/.test(v) || v.includes('\u0000')) return false;
  if (/^(x+|\*+|<[^>]*>|\{\{[^}]*\}\}|your[-_ ]?.*|changeme|placeholder|redacted|none|null|undefined)$/i.test(v)) return false;
  return /^[A-Za-z0-9._~+/=:-]+$/.test(v);
}

function checkSecrets(c: Collector, t: TemplateField, template: VelocityTemplate): void {
  const literal = literalText(template);
  const fix = 'Store the value in the integration\'s credentials and reference it as ${credentials.<name>} (or ${authResponse.access_token} with a User Defined (OAuth) integration).';
  for (const [re, what] of TOKEN_SHAPES) {
    const token = re.exec(literal);
    if (token !== null) {
      c.secrets.add(token[0]);
      c.add('lint.secret.literal', 'error', t.field, `${t.name} contains a literal secret (${what}).`, fix);
      return;
    }
  }
  if (t.field.kind === 'header' && SECRET_HEADER.test(t.field.name)) {
    const value = literal.replace(/^\s*(bearer|basic|token|digest|apikey|sharedaccesssignature|sso-key)\s+/i, '');
    if (looksLikeSecret(value)) {
      c.secrets.add(value.trim());
      c.add('lint.secret.literal', 'error', t.field, `Header ${t.field.name} holds a literal credential instead of a reference.`, fix);
      return;
    }
  }
  if (t.field.kind === 'url') {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s:]+):([^/@\s]+)@/i.exec(literal);
    if (userinfo !== null && userinfo[2] !== '\u0000') {
      c.secrets.add(userinfo[2] ?? '');
      c.add('lint.secret.literal', 'error', t.field, 'The URL carries a literal user:password.', fix);
      return;
    }
  }
  if (t.field.kind === 'url' || t.field.kind === 'body') {
    // query strings and form bodies: name=value; JSON bodies: "name": "value"
    const pairs = [...literal.matchAll(/(?:[?&]|^)([A-Za-z][\w-]*)=([^&#\s"]*)/g), ...literal.matchAll(/"([A-Za-z][\w-]*)"\s*:\s*"([^"]*)"/g)];
    for (const m of pairs) {
      const name = m[1] ?? '';
      const value = m[2] ?? '';
      const decoded = decodeURIComponentSafe(value);
      // Generic names (key, code, sig) hold a secret only when the value looks random: long, letters and digits.
      const generic = /^(key|code|sig)$/i.test(name);
      if (SECRET_PARAM.test(name) && looksLikeSecret(decoded) && (!generic || (decoded.length >= 20 && /\d/.test(decoded) && /[A-Za-z]/.test(decoded)))) {
        c.secrets.add(value);
        c.secrets.add(decoded);
        c.add('lint.secret.literal', 'error', t.field, `${t.name} sends "${name}" with a literal value: a secret in the definition.`, fix);
        return;
      }
    }
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Contract rules

function walkSchema(schema: unknown, at: string, visit: (node: Record<string, unknown>, at: string) => void): void {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => walkSchema(s, `${at}[${i}]`, visit));
    return;
  }
  if (!isRecord(schema)) return;
  visit(schema, at);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      if (isRecord(v)) for (const [name, sub] of Object.entries(v)) walkSchema(sub, `${at}.${k}${member(name)}`, visit);
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      walkSchema(v, `${at}.${k}`, visit);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      walkSchema(v, `${at}.${k}`, visit);
    }
  }
}

function isArraySchema(s: unknown): boolean {
  return isRecord(s) && (typesOf(s).includes('array') || (s['type'] === undefined && s['items'] !== undefined));
}

function checkContracts(c: Collector, action: DataAction): void {
  const input = action.inputSchema;
  const output = action.outputSchema;
  for (const [which, schema] of [
    ['inputSchema', input],
    ['outputSchema', output],
  ] as const) {
    walkSchema(schema, '', (node, at) => {
      if (typeof node['$ref'] === 'string') {
        c.add('lint.contract.ref', 'error', { kind: which, sub: `${at}['$ref']` }, `The ${which === 'inputSchema' ? 'input' : 'output'} contract uses $ref, which Genesys does not support.`, 'Inline the referenced schema.');
      }
    });
  }

  // Output: present, no nested arrays, no dotted keys.
  if (!isRecord(output) || Object.keys(output).length === 0) {
    // Custom-auth actions (and their Terraform resource) have no user-defined contract.
    if (action.actionType !== 'customAuth')
      c.add('lint.contract.output-missing', 'error', { kind: 'outputSchema' }, 'The action has no output contract (successSchema).', 'Add contract.output.successSchema: {"type": "object", "properties": {...}} listing the outputs the flow reads (an empty "properties" when it reads none).');
  } else {
    walkSchema(output, '', (node, at) => {
      if (!isArraySchema(node)) return;
      const items = node['items'];
      const nested = Array.isArray(items) ? items.some(isArraySchema) : isArraySchema(items);
      if (nested) {
        c.add('lint.contract.nested-array', 'error', { kind: 'outputSchema', sub: `${at}.items` }, 'The output contract has an array inside an array, which Genesys rejects.', 'Wrap the inner array in an object ({"type": "object", "properties": {"values": {"type": "array", ...}}}).');
      }
      void at;
    });
    walkSchema(output, '', (node, at) => {
      for (const name of Object.keys(properties(node))) {
        if (name.includes('.')) {
          c.add('lint.contract.output-dotted-key', 'warning', { kind: 'outputSchema', sub: `${at}.properties${member(name)}` }, `Output property "${name}" contains a dot; flattened output (Architect, outbound rules) cannot tell it from nesting.`, 'Use a nested object instead of a dotted name.');
        }
      }
    });
  }

  // Input: flat object of primitives, valid names, no reserved names.
  if (!isRecord(input) || Object.keys(input).length === 0) return;
  const rootTypes = typesOf(input);
  if (rootTypes.length > 0 && !rootTypes.includes('object')) {
    c.add('lint.contract.input-not-flat', 'error', { kind: 'inputSchema', sub: '.type' }, `The input contract's root type is ${rootTypes.join('/')}; Genesys requires a flat object.`, 'Make the input contract {"type": "object", "properties": {...}} with string/integer/number/boolean properties.');
  }
  for (const [name, prop] of Object.entries(properties(input))) {
    const sub = `.properties${member(name)}`;
    const types = typesOf(prop);
    if (types.includes('object') || types.includes('array') || prop['properties'] !== undefined || prop['items'] !== undefined) {
      c.add('lint.contract.input-not-flat', 'error', { kind: 'inputSchema', sub }, `Input "${name}" is ${types.includes('array') || prop['items'] !== undefined ? 'an array' : 'an object'}; Genesys only accepts a flat input contract of primitive properties.`, 'Pass the value as a JSON string input and parse it in the request template, or split it into several primitive inputs.');
    }
    if (RESERVED_INPUTS.has(name)) {
      c.add('lint.contract.input-reserved', 'error', { kind: 'inputSchema', sub }, `Input "${name}" is reserved: the platform overwrites $input.${name}.`, 'Rename the input.');
    } else if (!INPUT_NAME.test(name)) {
      c.add('lint.contract.input-name', 'error', { kind: 'inputSchema', sub }, `Input name "${name}" is not allowed (must match ^[A-Za-z][A-Za-z0-9_-]*$).`, 'Rename the input to letters, digits, "_" and "-", starting with a letter.');
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Request templates: references, inputs, URL scheme, literal text after a reference

function checkRequest(c: Collector, action: DataAction, usedInputs: Set<string>): { rawRequestUsed: boolean } {
  const declared = new Set(Object.keys(properties(action.inputSchema)));
  const allowedRoots = new Set([...REQUEST_ROOTS, ...TOOL_NAMES]);
  let rawRequestUsed = false;
  for (const t of requestTemplates(action)) {
    const template = parseTemplate(c, t);
    if (template === undefined) continue;
    checkSecrets(c, t, template);
    for (const ref of velocityReferences(template)) {
      if (ref.local) continue;
      if (!allowedRoots.has(ref.root)) {
        const wrongCase = caseMatch(ref.root, allowedRoots);
        if (wrongCase !== undefined) {
          if (wrongCase === 'input' && ref.path[0] !== undefined) usedInputs.add(caseMatch(ref.path[0], declared) ?? ref.path[0]);
          c.add('lint.reference.wrong-case', 'error', t.field, `${ref.source} uses $${ref.root}; references are case-sensitive, so it is never set.`, `Write ${ref.source.replace(ref.root, wrongCase)}.`, ref);
        } else {
          c.add('lint.reference.undefined', 'error', t.field, `${ref.source} refers to $${ref.root}, which is not set in a request template.`, 'Use $input.<name> (input contract), $credentials.<name> (integration credentials) or a tool ($esc, $math, ...).', ref);
        }
        continue;
      }
      if (ref.root !== 'input' || ref.path.length === 0) continue;
      const name = ref.path[0] ?? '';
      if (name === 'rawRequest') {
        rawRequestUsed = true;
        continue;
      }
      if (RESERVED_INPUTS.has(name)) continue;
      if (declared.has(name)) {
        usedInputs.add(name);
        continue;
      }
      const wrongCase = caseMatch(name, declared);
      if (wrongCase !== undefined) {
        usedInputs.add(wrongCase);
        c.add('lint.reference.wrong-case', 'error', t.field, `${ref.source} uses input "${name}" but the input contract declares "${wrongCase}" (names are case-sensitive).`, `Write $input.${wrongCase}.`, ref);
      } else {
        c.add('lint.input.undeclared', 'error', t.field, `${ref.source} uses input "${name}", which the input contract does not declare: it is never set.`, `Add "${name}" to contract.input.inputSchema.properties, or fix the name.`, ref);
      }
    }
    // `${input.x}.replace(...)`: the method call is outside the braces and is sent as literal text.
    for (const o of outputRefs(template)) {
      if (!o.ref.formal) continue;
      if (o.before.endsWith('"') && /^\}+"/.test(o.after)) {
        c.add('lint.template.stray-brace', 'error', t.field, `In ${t.name}, a "}" follows ${o.ref.source} inside a JSON string: it is sent as part of the value.`, `Remove the extra "}" after ${o.ref.source}.`, o.ref);
      }
      const m = /^\.(replace|replaceAll|substring|toLowerCase|toUpperCase|trim|split|length|concat|indexOf)\(/.exec(o.after);
      if (m !== null) {
        c.add('lint.template.method-outside-reference', 'error', t.field, `In ${t.name}, ".${m[1]}(...)" follows ${o.ref.source} outside its braces, so it is sent as literal text, not called.`, `Move the call inside the braces: \${${o.ref.source.replace(/^\$!?\{/, '').replace(/\}$/, '')}.${m[1]}(...)}.`, o.ref);
      }
    }
  }
  const accept = Object.entries(action.request.headers).find(([k]) => k.toLowerCase() === 'accept');
  if (accept !== undefined && !/json|\*\/\*|\$/i.test(accept[1])) {
    c.add('lint.request.accept-not-json', 'error', { kind: 'header', name: accept[0] }, `The Accept header asks for "${accept[1]}"; Data Actions need a JSON response and Genesys requires a JSON media type here.`, 'Set Accept to application/json (or remove the header).');
  }
  const url = action.request.urlTemplate.trim();
  if (/^http:\/\//i.test(url)) {
    // Only scheme and host: the rest may hold a literal secret (reported on its own, never repeated).
    const origin = /^http:\/\/(?:[^/?#@]*@)?([^/?#]*)/i.exec(url)?.[1] ?? '';
    c.add('lint.url.insecure', 'error', { kind: 'url' }, `The request URL uses plain HTTP (http://${origin}/...).`, 'Use an https:// URL; Data Actions send inputs and credentials over this connection.');
  }
  return { rawRequestUsed };
}

// ---------------------------------------------------------------------------------------------------------
// Response: translation map, defaults, success template

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

function translationVars(c: Collector, action: DataAction): Map<string, TranslationVar> {
  const vars = new Map<string, TranslationVar>();
  const defaults = action.response.translationMapDefaults;
  for (const [name, expression] of Object.entries(action.response.translationMap)) {
    let path: PathAst | undefined;
    try {
      path = parseJsonPath(expression);
    } catch (error) {
      c.add('lint.translation.path-syntax', 'error', { kind: 'translationMap', key: name }, `Translation "${name}" has an invalid JSONPath "${expression}": ${(error as Error).message.split('\n')[0]}`, 'Write a Jayway JsonPath starting with $, e.g. $.customer.id or $.items[0].id.');
    }
    const last = path?.segments[path.segments.length - 1];
    vars.set(name, {
      name,
      path,
      indefinite: path !== undefined && !isDefinite(path),
      numericFunction: last?.kind === 'function' && ['size', 'length', 'sum', 'avg', 'min', 'max', 'stddev'].includes(last.name),
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
        'warning',
        { kind: 'translationMapDefaults', key: name },
        `The default of "${name}" (${JSON.stringify(text)}) is never used: ${action.response.translationMap[name] ?? name} always resolves (to [] when nothing matches), and the default is not JSON text either.`,
        'Remove the default: an indefinite path yields [] when nothing matches, so a fallback belongs in the success template ($successTemplateUtils.firstFromArray with a default, or #if on the array).',
      );
    } else if (!valid) {
      const quoted = JSON.stringify(JSON.stringify(text));
      c.add(
        'lint.translation.default-unquoted',
        'error',
        { kind: 'translationMapDefaults', key: name },
        `The default of "${name}" is ${JSON.stringify(text)}, which is not JSON text: defaults are inserted verbatim, so a string default needs its own quotes.`,
        `Write "${name}": ${quoted} (a JSON string inside the JSON string).`,
      );
    }
  }
  return vars;
}

/** A sample JSON value for a schema (for rendering the default case). */
function sampleFor(schema: JsonSchema | undefined, depth = 0): unknown {
  const types = typesOf(schema);
  const type = types.find((t) => t !== 'null') ?? types[0];
  if (depth > 8) return null;
  switch (type) {
    case 'string':
      return Array.isArray(schema?.['enum']) && typeof schema['enum'][0] === 'string' ? schema['enum'][0] : 'sample';
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = schema?.['items'];
      return isRecord(items) ? [sampleFor(items, depth + 1)] : [];
    }
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(properties(schema))) out[k] = sampleFor(v, depth + 1);
      return out;
    }
  }
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

function checkResponse(c: Collector, action: DataAction): void {
  const vars = translationVars(c, action);
  const t: TemplateField = { field: { kind: 'successTemplate' }, name: 'successTemplate', text: action.response.successTemplate };
  const template = parseTemplate(c, t);
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
      c.add('lint.reference.wrong-case', 'error', t.field, `${ref.source} uses $${ref.root}; references are case-sensitive and the translation map defines "${wrongCase}".`, `Write $${wrongCase}.`, ref);
    } else if (ref.root === 'input') {
      // Not documented as available (spec 4.3, unverified either way): a warning, and the default case is not rendered.
      c.add('lint.success-template.input-reference', 'warning', t.field, `${ref.source}: Genesys documents only translation-map variables, $rawResult and the tools for the success template; $input may not be set (strict mode then fails the action).`, `Map the value from the response in translationMap, or check with \`${cxpactCommand(undefined, 'genesys-test')}\` that the platform provides $input here.`, ref);
    } else {
      c.add('lint.reference.undefined', 'error', t.field, `${ref.source} is not defined: the success template only sees translation-map variables, $rawResult and the tools; Genesys fails with "Variable $${ref.root} has not been set".`, `Add "${ref.root}" to config.response.translationMap, or fix the name.`, ref);
    }
  }
  for (const name of Object.keys(action.response.translationMap)) {
    if (!used.has(name)) {
      c.add('lint.translation.unused', 'warning', { kind: 'translationMap', key: name }, `Translation "${name}" is never used by the success template${/^\s*\$!?\{?rawResult\}?\s*$/.test(action.response.successTemplate) ? ' (it returns ${rawResult})' : ''}.`, `Use \${${name}} in the success template, or remove the entry.`);
    }
  }

  // `"${x}"` around a translation value: x is already JSON text with its quotes.
  const refs = outputRefs(template);
  for (const o of refs) {
    const v = vars.get(o.ref.root);
    if (v === undefined || o.ref.parts.length > 0) continue;
    if (!o.before.endsWith('"') || !o.after.startsWith('"')) continue;
    if (v.numericFunction) continue; // "${count}" turns a number into a string on purpose
    c.add('lint.success-template.quoted-value', 'error', t.field, `"${o.ref.source}" wraps a translation value in quotes, but it is already JSON text ("abc" with its quotes): a string renders as ""abc"" and breaks the JSON.`, `Write ${o.ref.source} without the surrounding quotes.`, o.ref);
  }

  // A default whose JSON type the output property does not accept: the absent-field case always fails validation.
  if (isRecord(action.outputSchema)) {
    for (const o of refs) {
      const v = vars.get(o.ref.root);
      if (v === undefined || o.ref.parts.length > 0 || v.defaultText === undefined || !v.defaultValid || v.indefinite) continue;
      const key = /"([^"\\]+)"\s*:\s*$/.exec(o.before)?.[1];
      if (key === undefined || /^\s*"/.test(o.after)) continue;
      const types = typesOf(outputProperty(action.outputSchema, key));
      if (types.length === 0) continue;
      const value: unknown = JSON.parse(v.defaultText);
      const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
      const fits = types.includes(actual) || (actual === 'integer' && types.includes('number'));
      if (!fits) {
        c.add(
          'lint.translation.default-type',
          'error',
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
        c.add('lint.output.type-unreachable', 'error', { kind: 'translationMap', key: v.name }, `Translation "${v.name}" uses an indefinite JSONPath (${action.response.translationMap[v.name]}) that always yields an array, but output "${key}" is ${types.join('/')}: validation always fails.`, `Use $successTemplateUtils.firstFromArray("\${${v.name}}", "$esc.quote$esc.quote") in the template, or declare "${key}" as an array.`);
      } else if (v.numericFunction && !types.includes('integer') && !types.includes('number')) {
        c.add('lint.output.type-unreachable', 'error', { kind: 'translationMap', key: v.name }, `Translation "${v.name}" (${action.response.translationMap[v.name]}) yields a number, but output "${key}" is ${types.join('/')}.`, `Declare "${key}" as integer, or write "\${${v.name}}" to make it a string.`);
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
      const items = prop !== undefined && typesOf(prop).includes('array') && isRecord(prop['items']) ? sampleFor(prop['items']) : 'sample';
      ctx[v.name] = JSON.stringify([items]);
    }
    else if (v.numericFunction) ctx[v.name] = '1';
    else {
      const prop = outputProperty(action.outputSchema, v.name);
      ctx[v.name] = JSON.stringify(prop === undefined ? 'sample' : sampleFor(prop));
    }
  }
  const rawResult = JSON.stringify(sampleFor(action.outputSchema));
  let rendered: string;
  try {
    rendered = renderSuccessTemplate(action.response.successTemplate, ctx, rawResult);
  } catch (error) {
    const e = error as CxpactError & { line?: number; column?: number };
    c.add('lint.success-template.render-error', 'error', t.field, `The success template fails to render for the default case: ${e.message}`, 'Fix the template at that line and column.', e.line === undefined ? undefined : { line: e.line, column: e.column ?? 1 });
    return;
  }
  let parsedOutput: unknown;
  try {
    parsedOutput = JSON.parse(rendered);
  } catch (error) {
    if (quotedValues > 0) return;
    c.add(
      'lint.success-template.invalid-json',
      'error',
      t.field,
      `The success template does not render valid JSON for the default case (${(error as Error).message}): ${rendered.length > 160 ? rendered.slice(0, 160) + '…' : rendered}`,
      'Check quotes, commas and braces; translation values are JSON text already (no quotes around ${x}).',
    );
    return;
  }
  // A required output the template never writes (only when the template builds the object itself).
  const required = isRecord(action.outputSchema) && Array.isArray(action.outputSchema['required']) ? action.outputSchema['required'] : [];
  if (isRecord(parsedOutput) && !/\$!?\{?rawResult\b/.test(action.response.successTemplate)) {
    for (const name of required) {
      if (typeof name !== 'string' || name in parsedOutput) continue;
      c.add(
        'lint.output.required-missing',
        'error',
        { kind: 'outputSchema', sub: '.required' },
        `Output "${name}" is required by the output contract, but the success template never writes it: every execution fails validation.`,
        `Add "${name}" to the success template, or remove it from contract.output.successSchema.required.`,
      );
    }
  }
}

/**
 * Sample input sets for rendering: every declared input, typed. A string input may be meant as a value ("1" fits
 * both a quoted and a bare JSON position) or as a JSON fragment spliced into an object (`"k": "v"`), so the string
 * inputs try both; the body is wrong only when no combination renders JSON.
 */
function sampleInputSets(action: DataAction): Array<Record<string, unknown>> {
  const base: Record<string, unknown> = {};
  const strings: string[] = [];
  for (const [name, prop] of Object.entries(properties(action.inputSchema))) {
    const types = typesOf(prop);
    const enumFirst = Array.isArray(prop['enum']) ? prop['enum'][0] : undefined;
    if (enumFirst !== undefined) base[name] = enumFirst;
    else if (types.includes('boolean')) base[name] = true;
    else if (types.includes('integer') || types.includes('number')) base[name] = 1;
    else {
      base[name] = '1';
      strings.push(name);
    }
  }
  const sets: Array<Record<string, unknown>> = [base];
  if (strings.length > 0 && strings.length <= 6) {
    for (let mask = 1; mask < 2 ** strings.length; mask += 1) {
      const set = { ...base };
      strings.forEach((name, i) => {
        if (mask & (2 ** i)) set[name] = '"k": "v"';
      });
      sets.push(set);
    }
  } else if (strings.length > 6) {
    sets.push(Object.fromEntries(Object.entries(base).map(([k, v]) => [k, strings.includes(k) ? '"k": "v"' : v])));
  }
  return sets;
}

/** A JSON request body (by Content-Type, or by its first character) must render valid JSON with sample inputs. */
function checkRequestBody(c: Collector, action: DataAction): void {
  if (!sendsBody(action)) return;
  const contentType = Object.entries(action.request.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const template = action.request.bodyTemplate.trim();
  const jsonByType = contentType !== undefined && /json/i.test(contentType);
  const jsonByShape = contentType === undefined && (template.startsWith('{') || template.startsWith('['));
  if (!jsonByType && !jsonByShape) return;
  if (/^\$!?\{?input\.rawRequest\}?$/.test(template)) return;
  let first: { body: string; error: string } | undefined;
  for (const input of sampleInputSets(action)) {
    let body: string | undefined;
    try {
      body = renderRequest(action, input, { strict: false, checkUrl: false }).body;
    } catch {
      return; // reference and syntax problems are reported by the other rules
    }
    if (body === undefined || body.trim() === '') return;
    try {
      JSON.parse(body);
      return;
    } catch (error) {
      first ??= { body, error: (error as Error).message };
    }
  }
  if (first === undefined) return;
  c.add(
    'lint.request.invalid-json',
    'error',
    { kind: 'body' },
    `The request template does not render valid JSON with every input set (${first.error}): ${first.body.length > 160 ? first.body.slice(0, 160) + '…' : first.body}`,
    'Check braces, commas and quotes in the request template; quote string inputs ("$esc.jsonString(${input.x})").',
  );
}

function checkTimeout(c: Collector, action: DataAction): void {
  const t = action.timeoutSeconds;
  if (t === undefined) return;
  if (!Number.isInteger(t) || t < 1 || t > 60) {
    c.add('lint.config.timeout-range', 'error', { kind: 'timeout' }, `timeoutSeconds is ${t}; Genesys accepts a whole number from 1 to 60.`, 'Set config.timeoutSeconds between 1 and 60 (the default is 60).');
  } else if (action.actionType === 'customAuth') {
    c.add('lint.config.timeout-custom-auth', 'warning', { kind: 'timeout' }, 'timeoutSeconds is not valid on a custom-auth action.', 'Remove config.timeoutSeconds from the custom-auth action.');
  }
}

/** The inputs an #if condition tests positively (`$input.x`, `$input.x != ""`; not under `!`). */
function guardedInputs(e: Expr, out: Set<string>): void {
  switch (e.type) {
    case 'refExpr':
      if (e.ref.root === 'input' && e.ref.parts[0]?.type === 'prop') out.add(e.ref.parts[0].name);
      return;
    case 'binary':
      guardedInputs(e.left, out);
      guardedInputs(e.right, out);
      return;
    default:
      return;
  }
}

/**
 * Positions (`line:column`) of the references a template renders as output with no enclosing #if/#elseif that
 * tests the input they start with (`#if($input.x) ... ${input.x} ... #end`). Directive arguments are not output.
 */
function unguardedOutputRefs(nodes: Node[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (list: Node[], guarded: ReadonlySet<string>): void => {
    for (const n of list) {
      switch (n.type) {
        case 'ref':
          out.set(`${n.line}:${n.column}`, new Set(guarded));
          break;
        case 'if':
          for (const b of n.branches) {
            const g = new Set(guarded);
            guardedInputs(b.condition, g);
            visit(b.body, g);
          }
          if (n.otherwise !== undefined) visit(n.otherwise, guarded);
          break;
        case 'foreach':
          visit(n.body, guarded);
          if (n.otherwise !== undefined) visit(n.otherwise, guarded);
          break;
        case 'macro':
          visit(n.body, guarded);
          break;
        default:
          break;
      }
    }
  };
  visit(nodes, new Set());
  return out;
}

/**
 * An input the contract does not require, rendered in the URL or a header by a plain (non-quiet) reference outside
 * an #if that tests it: Genesys renders with strict references, so the request fails when the flow leaves it out.
 */
function checkOptionalInputsGuarded(c: Collector, action: DataAction): void {
  const declared = Object.keys(properties(action.inputSchema));
  if (declared.length === 0) return;
  const requiredList = action.inputSchema?.['required'];
  const required = new Set(Array.isArray(requiredList) ? requiredList.filter((x): x is string => typeof x === 'string') : []);
  const optional = new Set(declared.filter((n) => !required.has(n) && !RESERVED_INPUTS.has(n)));
  if (optional.size === 0) return;
  for (const t of requestTemplates(action)) {
    if (t.field.kind !== 'url' && t.field.kind !== 'header') continue;
    let template: VelocityTemplate;
    try {
      template = parseVelocity(t.text, t.name);
    } catch {
      continue; // reported by lint.template.syntax
    }
    const outputs = unguardedOutputRefs(template.nodes);
    const reported = new Set<string>();
    for (const ref of velocityReferences(template)) {
      if (ref.local || ref.quiet || ref.root !== 'input') continue;
      const name = ref.path[0];
      if (name === undefined || !optional.has(name) || reported.has(name)) continue;
      const guards = outputs.get(`${ref.line}:${ref.column}`);
      if (guards === undefined || guards.has(name)) continue; // not rendered as output, or inside #if($input.name)
      reported.add(name);
      c.add(
        'lint.input.optional-unguarded',
        // info, not warning: most real definitions list no `required` inputs and their flows always pass them.
        'info',
        t.field,
        `${t.name} renders ${ref.source}, but "${name}" is not in the input contract's required list: when the flow leaves it out, the request fails (Genesys renders with strict references).`,
        `Make "${name}" required in the input contract, use $!{input.${name}}, or wrap it in #if($input.${name}).`,
        ref,
      );
    }
  }
}

function checkInputsUsed(c: Collector, action: DataAction, usedInputs: Set<string>, rawRequestUsed: boolean): void {
  if (rawRequestUsed && sendsBody(action)) return; // ${input.rawRequest} sends every input
  for (const name of Object.keys(properties(action.inputSchema))) {
    if (usedInputs.has(name) || RESERVED_INPUTS.has(name)) continue;
    c.add(
      'lint.input.unused',
      'warning',
      { kind: 'inputSchema', sub: `.properties${member(name)}` },
      `Input "${name}" is declared in the input contract but no request template uses it${sendsBody(action) ? '' : ` (this ${action.request.method} sends no body, so \${input.rawRequest} does not send it)`}.`,
      `Use \${input.${name}} in the URL, a header or the body, or remove it from the input contract.`,
    );
  }
}

export interface LintOptions {
  /** Also report info findings (e.g. `lint.input.optional-unguarded`); off by default. */
  info?: boolean;
  /** Budgets and limits of linting one action (defaults: shared/limits.ts). */
  limits?: Partial<Limits>;
}

/** All findings for one action, in a stable order (by path, then code). */
export function lintAction(action: DataAction, options: LintOptions = {}): LintFinding[] {
  const c = new Collector(action);
  const usedInputs = new Set<string>();
  checkContracts(c, action);
  const { rawRequestUsed } = checkRequest(c, action, usedInputs);
  checkInputsUsed(c, action, usedInputs, rawRequestUsed);
  if (options.info === true) checkOptionalInputsGuarded(c, action);
  checkRequestBody(c, action);
  for (const f of findDotAfterValue(action)) {
    c.add('lint.template.dot-after-value', 'error', f.field, `In ${f.template}, Velocity reads ".${f.property}" in ${f.source} as a property of the value before it, so the request fails at run time.`, `End the reference before the dot: write ${f.fixed}.`, f);
  }
  checkResponse(c, action);
  checkTimeout(c, action);
  c.findings.push(...budgetFindings(action));
  const secrets = [...c.secrets].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return c.findings;
  const redact = (text: string): string => secrets.reduce((t, v) => t.split(v).join('***'), text);
  return c.findings.map((f) => ({ ...f, message: redact(f.message), fix: redact(f.fix) }));
}
