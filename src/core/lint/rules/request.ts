// Lint rules over the request templates: references and the inputs they name, the URL scheme, the Accept header,
// literal text right after a reference (a stray brace, a method call outside the braces), `$value.json` read as a
// property, and a JSON body that does not render JSON with sample inputs. Pure.
import type { DataAction } from '../../data-action/model';
import { renderRequest } from '../../data-action/render-request';
import { velocityReferences } from '../../velocity';
import { findDotAfterValue } from '../velocity-gotchas';
import {
  caseMatch,
  outputRefs,
  properties,
  RESERVED_INPUTS,
  requestTemplates,
  sendsBody,
  TOOL_NAMES,
  typesOf,
  type LintContext,
} from '../context';

const REQUEST_ROOTS = new Set(['input', 'credentials', 'authResponse']);

function checkReferences(c: LintContext): void {
  const action = c.action;
  const usedInputs = c.usedInputs;
  const declared = new Set(Object.keys(properties(action.inputSchema)));
  const allowedRoots = new Set([...REQUEST_ROOTS, ...TOOL_NAMES]);
  let rawRequestUsed = false;
  for (const t of requestTemplates(action)) {
    const template = c.template(t);
    if (template === undefined) continue;
    for (const ref of velocityReferences(template)) {
      if (ref.local) continue;
      if (!allowedRoots.has(ref.root)) {
        const wrongCase = caseMatch(ref.root, allowedRoots);
        if (wrongCase !== undefined) {
          if (wrongCase === 'input' && ref.path[0] !== undefined)
            usedInputs.add(caseMatch(ref.path[0], declared) ?? ref.path[0]);
          c.add(
            'lint.reference.wrong-case',
            t.field,
            `${ref.source} uses $${ref.root}; references are case-sensitive, so it is never set.`,
            `Write ${ref.source.replace(ref.root, wrongCase)}.`,
            ref,
          );
        } else {
          c.add(
            'lint.reference.undefined',
            t.field,
            `${ref.source} refers to $${ref.root}, which is not set in a request template.`,
            'Use $input.<name> (input contract), $credentials.<name> (integration credentials) or a tool ($esc, $math, ...).',
            ref,
          );
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
        c.add(
          'lint.reference.wrong-case',
          t.field,
          `${ref.source} uses input "${name}" but the input contract declares "${wrongCase}" (names are case-sensitive).`,
          `Write $input.${wrongCase}.`,
          ref,
        );
      } else {
        c.add(
          'lint.input.undeclared',
          t.field,
          `${ref.source} uses input "${name}", which the input contract does not declare: it is never set.`,
          `Add "${name}" to contract.input.inputSchema.properties, or fix the name.`,
          ref,
        );
      }
    }
    // `${input.x}.replace(...)`: the method call is outside the braces and is sent as literal text.
    for (const o of outputRefs(template)) {
      if (!o.ref.formal) continue;
      if (o.before.endsWith('"') && /^\}+"/.test(o.after)) {
        c.add(
          'lint.template.stray-brace',
          t.field,
          `In ${t.name}, a "}" follows ${o.ref.source} inside a JSON string: it is sent as part of the value.`,
          `Remove the extra "}" after ${o.ref.source}.`,
          o.ref,
        );
      }
      const m = /^\.(replace|replaceAll|substring|toLowerCase|toUpperCase|trim|split|length|concat|indexOf)\(/.exec(
        o.after,
      );
      if (m !== null) {
        c.add(
          'lint.template.method-outside-reference',
          t.field,
          `In ${t.name}, ".${m[1]}(...)" follows ${o.ref.source} outside its braces, so it is sent as literal text, not called.`,
          `Move the call inside the braces: \${${o.ref.source.replace(/^\$!?\{/, '').replace(/\}$/, '')}.${m[1]}(...)}.`,
          o.ref,
        );
      }
    }
  }
  const accept = Object.entries(action.request.headers).find(([k]) => k.toLowerCase() === 'accept');
  if (accept !== undefined && !/json|\*\/\*|\$/i.test(accept[1])) {
    c.add(
      'lint.request.accept-not-json',
      { kind: 'header', name: accept[0] },
      `The Accept header asks for "${accept[1]}"; Data Actions need a JSON response and Genesys requires a JSON media type here.`,
      'Set Accept to application/json (or remove the header).',
    );
  }
  const url = action.request.urlTemplate.trim();
  if (/^http:\/\//i.test(url)) {
    // Only scheme and host: the rest may hold a literal secret (reported on its own, never repeated).
    const origin = /^http:\/\/(?:[^/?#@]*@)?([^/?#]*)/i.exec(url)?.[1] ?? '';
    c.add(
      'lint.url.insecure',
      { kind: 'url' },
      `The request URL uses plain HTTP (http://${origin}/...).`,
      'Use an https:// URL; Data Actions send inputs and credentials over this connection.',
    );
  }
  c.rawRequestUsed = rawRequestUsed;
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
function checkRequestBody(c: LintContext): void {
  const action = c.action;
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
    { kind: 'body' },
    `The request template does not render valid JSON with every input set (${first.error}): ${first.body.length > 160 ? `${first.body.slice(0, 160)}…` : first.body}`,
    'Check braces, commas and quotes in the request template; quote string inputs ("$esc.jsonString(${input.x})").',
  );
}

/** `$esc.url(${input.id}).json`: Velocity reads `.json` as a property of the string before it. */
function checkDotAfterValue(c: LintContext): void {
  for (const f of findDotAfterValue(c.action)) {
    c.add(
      'lint.template.dot-after-value',
      f.field,
      `In ${f.template}, Velocity reads ".${f.property}" in ${f.source} as a property of the value before it, so the request fails at run time.`,
      `End the reference before the dot: write ${f.fixed}.`,
      f,
    );
  }
}

/** Family `request`. */
export function checkRequest(c: LintContext): void {
  checkReferences(c);
  checkRequestBody(c);
  checkDotAfterValue(c);
}
