// Golden test over the corpus: for every action, build a plausible response body from what its translation reads
// (its JSONPaths — filters are satisfied — and, for `${rawResult}`, its output schema), translate it as Genesys
// would, and check the output is valid against the action's successSchema — or fails with the documented error
// where the author left a bug. A second pass removes every field that has a translationMapDefaults entry and checks
// the defaults behave (JSON text defaults work; an unquoted string default fails like on Genesys).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compileJsonPath, type FilterExpr, type Operand, type PathAst, type Segment } from '../../src/core/jsonpath';
import {
  parseDefinitionFile,
  responseFieldsRead,
  translateResponse,
  validateOutput,
  type DataAction,
  type JsonSchema,
} from '../../src/core/data-action';
import { isRecord } from '../../src/core/json';

const DIR = path.join(__dirname, '..', 'fixtures', 'corpus', 'data-actions');

type Json = unknown;
type Obj = Record<string, Json>;

/** An example value for a schema (first enum value, first non-null type). */
function example(schema: JsonSchema | undefined, depth = 0): Json {
  if (!schema || depth > 20) return 'sample';
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  let type = schema['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'string':
      return schema['format'] === 'date-time' ? '2026-01-01T00:00:00.000Z' : 'sample';
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = schema['items'];
      if (Array.isArray(items)) return items.map((i) => example(i as JsonSchema, depth + 1));
      return [example(isRecord(items) ? items : undefined, depth + 1)];
    }
    default: {
      const props = schema['properties'];
      const out: Obj = {};
      if (isRecord(props))
        for (const [k, v] of Object.entries(props)) out[k] = example(isRecord(v) ? v : undefined, depth + 1);
      return out;
    }
  }
}

/** Sets the fields a filter tests so that `el` satisfies it. */
function satisfy(expr: FilterExpr, el: Obj): void {
  switch (expr.kind) {
    case 'and':
      satisfy(expr.left, el);
      satisfy(expr.right, el);
      return;
    case 'or':
      satisfy(expr.left, el);
      return;
    case 'not':
      return;
    case 'exists':
      if (expr.path.root === '@') place(el, expr.path.segments, 0, 'present');
      return;
    case 'compare': {
      const lit = (o: Operand): { v: Json } | undefined => (o.kind === 'literal' ? { v: o.value } : undefined);
      const relPath = (o: Operand): PathAst | undefined =>
        o.kind === 'path' && o.path.root === '@' ? o.path : undefined;
      const [p, l] = relPath(expr.left) ? [relPath(expr.left), lit(expr.right)] : [relPath(expr.right), lit(expr.left)];
      if (!p || !l) return;
      let value: Json = l.v;
      if (expr.op === '!=')
        value = typeof l.v === 'string' ? `${l.v}-other` : typeof l.v === 'number' ? l.v + 1 : 'other';
      else if (expr.op === '>' || expr.op === '>=') value = Number(l.v) + 1;
      else if (expr.op === '<' || expr.op === '<=') value = Number(l.v) - 1;
      else if (expr.op === 'in' && Array.isArray(l.v)) value = l.v[0];
      if (expr.op === 'in' && p === relPath(expr.right)) {
        // 'x' in @.a[*].b
        place(el, p.segments, 0, l.v);
        return;
      }
      place(el, p.segments, 0, value);
      return;
    }
  }
}

/** Makes `segs` resolve in `node`, putting `leaf` at the end (unless something is already there). */
function place(node: Json, segs: Segment[], i: number, leaf: Json): Json {
  if (i >= segs.length) return node;
  const s = segs[i];
  const last = i === segs.length - 1;
  const fresh = (): Json => {
    const n = segs[i + 1];
    if (!n) return leaf;
    if (n.kind === 'index' || n.kind === 'wildcard' || n.kind === 'slice' || n.kind === 'filter') return [];
    if (n.kind === 'function') return n.name === 'length' || n.name === 'size' ? [{}] : n.name === 'keys' ? {} : [1];
    return {};
  };
  switch (s!.kind) {
    case 'scan':
      return place(node, segs, i + 1, leaf);
    case 'property': {
      if (!isRecord(node)) return node;
      for (const name of s!.names) {
        if (!(name in node) || (last && node[name] === 'present')) node[name] = fresh();
        node[name] = place(node[name], segs, i + 1, leaf);
      }
      return node;
    }
    case 'index': {
      if (!Array.isArray(node)) return node;
      for (const idx of s!.indexes) {
        const need = idx < 0 ? -idx : idx + 1;
        while (node.length < need) node.push(fresh());
        const at = idx < 0 ? node.length + idx : idx;
        node[at] = place(node[at], segs, i + 1, leaf);
      }
      return node;
    }
    case 'wildcard':
    case 'slice': {
      if (isRecord(node)) return node;
      if (!Array.isArray(node)) return node;
      if (node.length === 0) node.push(fresh());
      node[0] = place(node[0], segs, i + 1, leaf);
      return node;
    }
    case 'filter': {
      if (!Array.isArray(node)) return node;
      let el = node.find(
        (e) =>
          isRecord(e) &&
          Array.isArray(compileJsonPath(`$[?(${s!.source})]`).evaluate([e]).value) &&
          (compileJsonPath(`$[?(${s!.source})]`).evaluate([e]).value as Json[]).length > 0,
      );
      if (!el) {
        el = {};
        satisfy(s!.expr, el as Obj);
        node.push(el);
      }
      const idx = node.indexOf(el);
      node[idx] = place(el, segs, i + 1, leaf);
      return node;
    }
    case 'function':
      return node;
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The leaf value a translationMap variable should get so that the output validates: the success template says
 * which output property the variable feeds (`"key": ${var}`, `"key": ${successTemplateUtils.firstFromArray("${var}")}`)
 * or that the variable is the whole output (`${var}`).
 */
function leafFor(action: DataAction, variable: string, definite: boolean): Json {
  const t = action.response.successTemplate;
  const v = escapeRe(variable);
  if (new RegExp(`^\\s*\\$!?\\{?${v}\\}?\\s*$`).test(t)) {
    const root = action.outputSchema;
    return !definite && root['type'] === 'array'
      ? example(isRecord(root['items']) ? (root['items'] as JsonSchema) : undefined)
      : example(root);
  }
  const m = new RegExp(
    `"([^"]+)"\\s*:\\s*(\\$\\{?successTemplateUtils\\.firstFromArray\\(\\s*"?)?\\$!?\\{?${v}\\b`,
  ).exec(t);
  const props = action.outputSchema['properties'];
  const key = m ? m[1] : variable;
  const s = isRecord(props) && isRecord(props[key!]) ? (props[key!] as JsonSchema) : undefined;
  if (!s) return 'sample';
  const viaFirst = m !== null && m[2] !== undefined;
  if (!definite && !viaFirst && s['type'] === 'array')
    return example(isRecord(s['items']) ? (s['items'] as JsonSchema) : undefined);
  return example(s);
}

/** A plausible 200 response body for the action. */
function plausibleBody(action: DataAction, omitDefaulted = false): Json {
  const entries = Object.entries(action.response.translationMap);
  const first = entries.map(([, e]) => {
    try {
      return compileJsonPath(e).ast;
    } catch {
      return undefined;
    }
  })[0];
  const rootIsArray =
    first?.segments[0]?.kind === 'index' ||
    (first?.segments[0]?.kind === 'function' && action.outputSchema['type'] !== 'object');
  let body: Json = /rawResult/.test(action.response.successTemplate)
    ? example(action.outputSchema)
    : rootIsArray
      ? []
      : {};
  if (rootIsArray && !Array.isArray(body)) body = [];
  for (const [variable, expr] of entries) {
    if (omitDefaulted && variable in action.response.translationMapDefaults) continue;
    let jp: ReturnType<typeof compileJsonPath>;
    try {
      jp = compileJsonPath(expr);
    } catch {
      continue;
    }
    body = place(body, jp.ast.segments, 0, leafFor(action, variable, jp.definite));
  }
  return body;
}

/**
 * Corpus actions whose translation fails on a plausible response because of their author's bug (or a Genesys
 * behaviour the emulator reproduces), with the expected error code and message.
 */
const EXPECTED_FAILURES: Record<string, { code: string; message: RegExp }> = {
  // HCL `$$.id` is not an escape, so Genesys receives the JSONPath `$$.id`.
  'survey-sms-delivery-blueprint__action.from-tf.json': { code: 'translation.jsonpath.syntax', message: /"\$\$\.id"/ },
  // The output schema requires `status`, but the success template only produces `name` and `build`.
  'terraform-provider-genesyscloud__example_action.from-tf.json': {
    code: 'output.schema.invalid',
    message: /required property "status" is missing/,
  },
};

/** Same, for the pass where every field with a default is missing from the response. */
const EXPECTED_DEFAULT_FAILURES: Record<string, { code: string; message: RegExp }> = {
  ...EXPECTED_FAILURES,
  // Unquoted string defaults: the template renders bare text.
  'callback-prioritization__Get-Interaction-State.custom.json': {
    code: 'translation.output.not-json',
    message: /\{"state": disconnected\}/,
  },
  'gc-presence-update-from-ms-teams__Get-Genesys-Cloud-User-Presence.custom.json': {
    code: 'translation.output.not-json',
    message: /"systemPresence": Not Found/,
  },
  'update-ms-teams-user-presence-blueprint__Find-Teams-User-Id-Multiple-externalIds.custom.json': {
    code: 'translation.output.not-json',
    message: /"MsTeamsUserId": Not Found/,
  },
  // Default `[0].[0]` is not a JSON array, so firstFromArray fails.
  'public-api-get-call-offered-count-data-action-module__Get-Call-Offered-Count.json': {
    code: 'velocity.method-failed',
    message: /firstFromArray/,
  },
  // Defaults that are valid JSON but violate the output contract (no coercion: "" is not an integer, null is not a string).
  'callback-prioritization__Get-Callback-Priority.custom.json': {
    code: 'output.schema.invalid',
    message: /\/priority: instance type \(string\)/,
  },
  'public-api-get-oldest-call-waiting-use-within-script-data-action-module__Get-Oldest-Call-Waiting-Use-Within-Script.json':
    { code: 'output.schema.invalid', message: /\/OLDEST_CALL_WAITING: instance type \(null\)/ },
  'public-api-get-user-routing-status-by-email-data-action-module__Get-User-Routing-Status-by-Email.json': {
    code: 'output.schema.invalid',
    message: /\/routingStatus: instance type \(null\)/,
  },
  // translationMapDefaults.buildNumber = "UNKNOWN" is not JSON text.
  'terraform-provider-genesyscloud__example_action.from-tf.json': {
    code: 'translation.output.not-json',
    message: /"build": UNKNOWN/,
  },
};

const actions: { file: string; action: DataAction }[] = [];

beforeAll(async () => {
  const files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const r = parseDefinitionFile(path.join(DIR, f), await fs.readFile(path.join(DIR, f), 'utf8'));
    for (const action of r.actions) actions.push({ file: f, action });
  }
});

function outcome(action: DataAction, body: Json): { ok: true } | { ok: false; code: string; message: string } {
  const t = translateResponse(action, { status: 200, headers: { 'Content-Type': 'application/json' }, body });
  if (t.errors.length > 0) return { ok: false, code: t.errors[0]!.code, message: t.errors[0]!.message };
  const issues = validateOutput(action, t.output);
  if (issues.length > 0) return { ok: false, code: issues[0]!.code, message: issues.map((i) => i.message).join('; ') };
  return { ok: true };
}

test('all 128 corpus actions are loaded', () => {
  expect(actions).toHaveLength(128);
});

test('every corpus action translates a plausible response into an output valid against its successSchema (or fails as documented)', () => {
  const problems: string[] = [];
  let translated = 0;
  for (const { file, action } of actions) {
    const o = outcome(action, plausibleBody(action));
    const expected = EXPECTED_FAILURES[file];
    if (expected) {
      if (o.ok || o.code !== expected.code || !expected.message.test(o.message))
        problems.push(`${file}: expected ${expected.code} ${expected.message}, got ${JSON.stringify(o)}`);
    } else if (!o.ok) {
      problems.push(`${file}: ${o.code}: ${o.message}\n  body: ${JSON.stringify(plausibleBody(action)).slice(0, 400)}`);
    } else translated++;
  }
  expect(problems).toEqual([]);
  expect(translated).toBe(actions.length - Object.keys(EXPECTED_FAILURES).length);
});

test('with every defaulted field missing, JSON-text defaults keep the output valid', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const { file, action } of actions) {
    if (Object.keys(action.response.translationMapDefaults).length === 0) continue;
    checked++;
    const body = plausibleBody(action, true);
    const t = translateResponse(action, { status: 200, headers: {}, body });
    const o = outcome(action, body);
    const expected = EXPECTED_DEFAULT_FAILURES[file];
    if (expected) {
      if (o.ok || o.code !== expected.code || !expected.message.test(o.message))
        problems.push(`${file}: expected ${expected.code}, got ${JSON.stringify(o)}`);
      continue;
    }
    if (!o.ok) {
      problems.push(`${file}: ${o.code}: ${o.message}\n  body: ${JSON.stringify(body).slice(0, 300)}`);
      continue;
    }
    // A variable whose path could not resolve must have used its default (never silently something else).
    for (const [name, v] of Object.entries(t.translation)) {
      if (!v.resolved && !v.defaulted) problems.push(`${file}: ${name} neither resolved nor defaulted`);
    }
  }
  expect(problems).toEqual([]);
  expect(checked).toBeGreaterThan(30);
});

test('every corpus action with a translation reads at least one response field', () => {
  const problems: string[] = [];
  for (const { file, action } of actions) {
    if (EXPECTED_FAILURES[file]?.code === 'translation.jsonpath.syntax') {
      expect(() => responseFieldsRead(action)).toThrow(
        expect.objectContaining({ code: 'translation.jsonpath.syntax' }),
      );
      continue;
    }
    const reads = responseFieldsRead(action);
    const hasTranslation = Object.keys(action.response.translationMap).length > 0;
    if (
      hasTranslation &&
      reads.filter((r) => r.source === 'translationMap').length < Object.keys(action.response.translationMap).length
    ) {
      problems.push(
        `${file}: ${reads.length} reads for ${Object.keys(action.response.translationMap).length} translationMap entries`,
      );
    }
  }
  expect(problems).toEqual([]);
});
