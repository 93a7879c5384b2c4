// The recorded check: pure and fast. Given the pacts of a provider and its recordings, yields findings with
// stable dotted codes. Implements Pact V4 response matching (status, headers, JSON body with matching rules)
// the way the Rust core behaves; test/recorded/verifier-equivalence.test.ts replays recordings through the
// real pact-js Verifier and asserts the same verdicts. No fs, no network, no clock (the caller passes `now`).
import { DEFAULT_FORMATS, formatToRegex } from './formats';
import { compileCategory, formatPath, selectRule, type CompiledRule, type PathToken, type SelectedRule } from './rules';
import {
  isJsonContentType,
  type ExpectedResponse,
  type Finding,
  type LoadedPact,
  type LoadedRecording,
  type MatcherDef,
  type PactInteraction,
  type Recording,
  type RuleCategory,
} from './model';
import { npxSpelling, type Spelling } from '../spelling';
import { findSimilarKey } from '../similar';
import type { RecordedCode } from '../codes';
import { isRecord, jsonType } from '../json';

export interface CheckInput {
  provider: string;
  pacts: LoadedPact[];
  recordings: LoadedRecording[];
  /** Reference time for staleness (default: no staleness check). */
  now?: Date;
  /** Recordings older than this many days are stale. */
  maxAgeDays?: number;
  /** The command that refreshes recordings, for fix texts. */
  recordCommand?: string;
  /** How fixes spell cxpact commands where the user runs them (default `npx cxpact ...`). */
  spell?: Spelling;
}

/** What one comparison step reports before it is turned into a Finding. */
interface Problem {
  code: RecordedCode;
  path: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
  hint?: string;
}

type Obj = Record<string, unknown>;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

const regexCache = new Map<string, RegExp | null>();

function compileRegex(src: string): RegExp | null {
  let re = regexCache.get(src);
  if (re === undefined) {
    try {
      // Anchored: the Rust core requires the whole value to match (see the equivalence test).
      re = new RegExp(`^(?:${src})$`, 'u');
    } catch {
      try {
        re = new RegExp(`^(?:${src})$`);
      } catch {
        re = null;
      }
    }
    regexCache.set(src, re);
  }
  return re;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return undefined;
  return undefined;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Checks one matcher against one value; undefined when it matches, else the problem (without path). */
function matchOne(
  m: MatcherDef,
  expected: unknown,
  actual: unknown,
  cascaded: boolean,
): Omit<Problem, 'path'> | undefined {
  const kind = typeof m.match === 'string' ? m.match : 'type';
  if (kind === 'values' && (typeof actual !== 'object' || actual === null)) {
    // On a value below a `values` map, the Rust core compares by equality (a cascaded `values` is not `type`).
    return deepEqual(expected, actual)
      ? undefined
      : {
          code: 'recorded.body.value-mismatch',
          message: `expected ${show(expected)} but found ${show(actual)} (values rule: equal to the pact's example)`,
          expected,
          actual,
        };
  }
  switch (kind) {
    case 'values':
    case 'type':
    case 'min':
    case 'max':
    case 'minType':
    case 'maxType':
    case 'eachKey':
    case 'eachValue':
    case 'arrayContains': {
      if (jsonType(expected) !== jsonType(actual) && !(typeof expected === 'number' && typeof actual === 'number')) {
        return {
          code: 'recorded.body.type-mismatch',
          message: `expected ${jsonType(expected)} (like ${show(expected)}) but found ${jsonType(actual)} ${show(actual)}`,
          expected: jsonType(expected),
          actual,
        };
      }
      if (Array.isArray(actual) && !cascaded) {
        const min = typeof m.min === 'number' ? m.min : undefined;
        const max = typeof m.max === 'number' ? m.max : undefined;
        if (min !== undefined && actual.length < min) {
          return {
            code: 'recorded.body.array-too-short',
            message: `expected at least ${min} item(s) but found ${actual.length}`,
            expected: { min },
            actual: actual.length,
          };
        }
        if (max !== undefined && actual.length > max) {
          return {
            code: 'recorded.body.array-too-long',
            message: `expected at most ${max} item(s) but found ${actual.length}`,
            expected: { max },
            actual: actual.length,
          };
        }
      }
      return undefined;
    }
    case 'equality':
      return deepEqual(expected, actual)
        ? undefined
        : {
            code: 'recorded.body.value-mismatch',
            message: `expected exactly ${show(expected)} but found ${show(actual)}`,
            expected,
            actual,
          };
    case 'regex': {
      const src = typeof m.regex === 'string' ? m.regex : '';
      const re = compileRegex(src);
      const text = scalarText(actual);
      if (re === null)
        return { code: 'recorded.rule.invalid', message: `the pact's regex /${src}/ does not compile`, expected: src };
      if (text === undefined || !re.test(text)) {
        return {
          code: 'recorded.body.value-mismatch',
          message: `expected a value matching /${src}/ but found ${show(actual)}`,
          expected: src,
          actual,
        };
      }
      return undefined;
    }
    case 'include': {
      const v = String(m.value ?? '');
      const text = scalarText(actual);
      return text?.includes(v)
        ? undefined
        : {
            code: 'recorded.body.value-mismatch',
            message: `expected a value including ${show(v)} but found ${show(actual)}`,
            expected: v,
            actual,
          };
    }
    case 'integer':
      return typeof actual === 'number' && Number.isInteger(actual)
        ? undefined
        : {
            code: 'recorded.body.type-mismatch',
            message: `expected an integer but found ${jsonType(actual)} ${show(actual)}`,
            expected: 'integer',
            actual,
          };
    case 'decimal':
      return typeof actual === 'number' && !Number.isInteger(actual)
        ? undefined
        : {
            code: 'recorded.body.type-mismatch',
            message: `expected a decimal number but found ${jsonType(actual)} ${show(actual)}`,
            expected: 'decimal',
            actual,
          };
    case 'number':
      return typeof actual === 'number'
        ? undefined
        : {
            code: 'recorded.body.type-mismatch',
            message: `expected a number but found ${jsonType(actual)} ${show(actual)}`,
            expected: 'number',
            actual,
          };
    case 'boolean':
      return typeof actual === 'boolean' || actual === 'true' || actual === 'false'
        ? undefined
        : {
            code: 'recorded.body.type-mismatch',
            message: `expected a boolean but found ${jsonType(actual)} ${show(actual)}`,
            expected: 'boolean',
            actual,
          };
    case 'null':
      return actual === null
        ? undefined
        : {
            code: 'recorded.body.type-mismatch',
            message: `expected null but found ${jsonType(actual)} ${show(actual)}`,
            expected: null,
            actual,
          };
    case 'notEmpty': {
      const empty =
        actual === null ||
        actual === undefined ||
        actual === '' ||
        (Array.isArray(actual) && actual.length === 0) ||
        (isRecord(actual) && Object.keys(actual).length === 0);
      if (jsonType(expected) !== jsonType(actual)) {
        return {
          code: 'recorded.body.type-mismatch',
          message: `expected a non-empty ${jsonType(expected)} but found ${jsonType(actual)} ${show(actual)}`,
          expected: jsonType(expected),
          actual,
        };
      }
      return empty
        ? {
            code: 'recorded.body.value-mismatch',
            message: `expected a non-empty value but found ${show(actual)}`,
            expected: 'not empty',
            actual,
          }
        : undefined;
    }
    case 'semver': {
      const text = scalarText(actual);
      return text !== undefined && SEMVER.test(text)
        ? undefined
        : {
            code: 'recorded.body.value-mismatch',
            message: `expected a semantic version but found ${show(actual)}`,
            expected: 'semver',
            actual,
          };
    }
    case 'date':
    case 'time':
    case 'datetime':
    case 'timestamp': {
      const fmt =
        typeof m.format === 'string' ? m.format : typeof m[kind] === 'string' ? (m[kind] as string) : undefined;
      const re = fmt !== undefined ? formatToRegex(fmt) : DEFAULT_FORMATS[kind === 'timestamp' ? 'datetime' : kind]!;
      return typeof actual === 'string' && re.test(actual)
        ? undefined
        : {
            code: 'recorded.body.format-mismatch',
            message: `expected a ${kind} in format ${fmt ?? 'ISO 8601'} but found ${show(actual)}`,
            expected: fmt ?? 'ISO 8601',
            actual,
          };
    }
    case 'contentType':
      return undefined;
    default:
      return {
        code: 'recorded.rule.unsupported',
        message: `matching rule "${kind}" is not supported by the recorded check`,
        expected: kind,
      };
  }
}

/** Applies a rule group (AND/OR of matchers); problems are returned for the group. */
function matchGroup(sel: SelectedRule, expected: unknown, actual: unknown): Omit<Problem, 'path'>[] {
  const { matchers, combine } = sel.rule.group;
  const problems: Omit<Problem, 'path'>[] = [];
  for (const m of matchers) {
    const p = matchOne(m, expected, actual, sel.cascaded);
    if (p === undefined) {
      if (combine === 'OR') return [];
    } else problems.push(p);
  }
  if (combine === 'OR' && problems.length < matchers.length) return [];
  return combine === 'OR' ? problems.slice(0, 1) : problems;
}

/** Compares a JSON body value by value. `rules` are the body rules compiled. */
class BodyComparer {
  readonly problems: Problem[] = [];
  constructor(
    private rules: readonly CompiledRule[],
    /** Redacted body paths -> the original JSON type (values there are `[REDACTED]`). */
    private redacted?: ReadonlyMap<string, string>,
  ) {}

  compare(expected: unknown, actual: unknown, path: PathToken[]): void {
    if (this.redacted !== undefined && this.redacted.size > 0) {
      const original = this.redacted.get(formatPath(path));
      if (original !== undefined) {
        // The value was redacted before it was written: only its type can still be held to the pact.
        const want = jsonType(expected);
        if (want !== original && !(want === 'number' && original === 'number')) {
          this.add(path, {
            code: 'recorded.body.type-mismatch',
            message: `expected ${want} but the recorded (redacted) value was ${original}`,
            expected: want,
            actual: original,
          });
        }
        return;
      }
    }
    if (Array.isArray(expected)) this.compareList(expected, actual, path);
    else if (isRecord(expected)) this.compareMap(expected, actual, path);
    else this.compareLeaf(expected, actual, path);
  }

  private add(path: PathToken[], p: Omit<Problem, 'path'>): void {
    this.problems.push({ ...p, path: formatPath(path) });
  }

  private typeMismatch(expected: unknown, actual: unknown, path: PathToken[]): void {
    this.add(path, {
      code: 'recorded.body.type-mismatch',
      message: `expected ${jsonType(expected)} but found ${jsonType(actual)} ${show(actual)}`,
      expected: jsonType(expected),
      actual,
    });
  }

  private compareMap(expected: Obj, actual: unknown, path: PathToken[]): void {
    const sel = selectRule(this.rules, path);
    if (!isRecord(actual)) {
      const ps = sel === undefined ? [] : matchGroup(sel, expected, actual);
      if (ps.length > 0) for (const p of ps) this.add(path, p);
      else this.typeMismatch(expected, actual, path);
      return;
    }
    const act = actual as Obj;
    const kinds = sel?.rule.group.matchers.map((m) => m.match) ?? [];
    if (
      sel !== undefined &&
      !sel.cascaded &&
      (kinds.includes('values') || kinds.includes('eachValue') || kinds.includes('eachKey'))
    ) {
      const template = Object.values(expected)[0];
      for (const m of sel.rule.group.matchers) {
        if (m.match === 'eachKey') {
          const nested = nestedRules(m);
          for (const k of Object.keys(act)) {
            for (const r of nested) {
              const p = matchOne(r, k, k, false);
              if (p !== undefined) this.add([...path, k], { ...p, message: `key ${show(k)}: ${p.message}` });
            }
          }
        }
      }
      if (kinds.includes('values') || kinds.includes('eachValue')) {
        const eachValue = sel.rule.group.matchers.find((m) => m.match === 'eachValue');
        for (const [k, v] of Object.entries(act)) {
          if (eachValue !== undefined) {
            for (const r of nestedRules(eachValue)) {
              const p = matchOne(r, template, v, false);
              if (p !== undefined) this.add([...path, k], p);
            }
          } else if (template !== undefined) this.compare(template, v, [...path, k]);
        }
        return;
      }
    }
    const actualKeys = Object.keys(act);
    const missing: string[] = [];
    for (const k of Object.keys(expected)) {
      if (!(k in act)) missing.push(k);
      else this.compare(expected[k], act[k], [...path, k]);
    }
    if (missing.length > 0) {
      const extra = actualKeys.filter((k) => !(k in expected));
      for (const k of missing) {
        const similar = findSimilarKey(k, extra.length > 0 ? extra : actualKeys);
        const full = formatPath([...path, k]);
        this.add([...path, k], {
          code: 'recorded.body.missing-field',
          message:
            similar === undefined
              ? `expected field ${full} is missing from the recorded response`
              : `expected field ${full} is missing; the recorded response has ${formatPath([...path, similar])} (renamed?)`,
          expected: k,
          actual: actualKeys,
          ...(similar === undefined
            ? {}
            : {
                hint: `The vendor seems to have renamed "${k}" to "${similar}": the consumer's Data Action must read "${similar}" (change its translationMap and contract), or the vendor must restore "${k}".`,
              }),
        });
      }
    }
  }

  private compareList(expected: unknown[], actual: unknown, path: PathToken[]): void {
    const sel = selectRule(this.rules, path);
    if (!Array.isArray(actual)) {
      if (sel !== undefined) {
        const ps = matchGroup(sel, expected, actual);
        if (ps.length > 0) for (const p of ps) this.add(path, p);
        else this.typeMismatch(expected, actual, path);
      } else this.typeMismatch(expected, actual, path);
      return;
    }
    if (sel !== undefined) {
      const contains = sel.rule.group.matchers.find((m) => m.match === 'arrayContains');
      if (contains !== undefined && !sel.cascaded) {
        this.arrayContains(contains, expected, actual, path);
        return;
      }
      for (const p of matchGroup(sel, expected, actual)) this.add(path, p);
      if (expected.length === 0) return;
      for (let i = 0; i < actual.length; i++)
        this.compare(i < expected.length ? expected[i] : expected[0], actual[i], [...path, i]);
      return;
    }
    if (expected.length === 0 && actual.length > 0) {
      this.add(path, {
        code: 'recorded.body.array-length',
        message: `expected an empty list but found ${actual.length} item(s)`,
        expected: 0,
        actual: actual.length,
      });
      return;
    }
    for (let i = 0; i < expected.length && i < actual.length; i++) this.compare(expected[i], actual[i], [...path, i]);
    if (expected.length !== actual.length) {
      this.add(path, {
        code: 'recorded.body.array-length',
        message: `expected a list with ${expected.length} item(s) but found ${actual.length} (the pact has no eachLike/min rule here)`,
        expected: expected.length,
        actual: actual.length,
      });
    }
  }

  private arrayContains(m: MatcherDef, expected: unknown[], actual: unknown[], path: PathToken[]): void {
    const variants = Array.isArray(m.variants) ? (m.variants as Obj[]) : [];
    for (const v of variants) {
      const index = typeof v.index === 'number' ? v.index : 0;
      const exp = expected[index];
      const nested = compileCategory(isRecord(v.rules) ? (v.rules as RuleCategory) : {});
      const found = actual.some((item) => {
        const c = new BodyComparer(nested);
        c.compare(exp, item, ['$']);
        return c.problems.length === 0;
      });
      if (!found) {
        this.add(path, {
          code: 'recorded.body.array-contains',
          message: `expected the list to contain an item like ${show(exp)} but none matched`,
          expected: exp,
          actual,
        });
      }
    }
  }

  private compareLeaf(expected: unknown, actual: unknown, path: PathToken[]): void {
    const sel = selectRule(this.rules, path);
    if (sel !== undefined) {
      for (const p of matchGroup(sel, expected, actual)) this.add(path, p);
      return;
    }
    if (!deepEqual(expected, actual)) {
      const code =
        jsonType(expected) === jsonType(actual) ? 'recorded.body.value-mismatch' : 'recorded.body.type-mismatch';
      this.add(path, {
        code,
        message: `expected ${show(expected)} but found ${show(actual)} (the pact has no matching rule here, so the value must be equal)`,
        expected,
        actual,
      });
    }
  }
}

function nestedRules(m: MatcherDef): MatcherDef[] {
  const r = m.rules;
  if (Array.isArray(r)) return r.filter(isRecord) as MatcherDef[];
  return [];
}

const STATUS_CLASSES: Record<string, (s: number) => boolean> = {
  information: (s) => s >= 100 && s < 200,
  success: (s) => s >= 200 && s < 300,
  redirect: (s) => s >= 300 && s < 400,
  clientError: (s) => s >= 400 && s < 500,
  serverError: (s) => s >= 500 && s < 600,
  nonError: (s) => s < 400,
  error: (s) => s >= 400,
};

/** A body rule's failure on a header value is the header's. */
const HEADER_CODE: Partial<Record<RecordedCode, RecordedCode>> = {
  'recorded.body.value-mismatch': 'recorded.header.value-mismatch',
  'recorded.body.type-mismatch': 'recorded.header.type-mismatch',
  'recorded.body.format-mismatch': 'recorded.header.format-mismatch',
};

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

function headerRules(category: RuleCategory | undefined, name: string): SelectedRule | undefined {
  if (category === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [k, group] of Object.entries(category)) {
    const bare = k.replace(/^\$\.?/, '').replace(/^\['(.*)'\]$/, '$1');
    if (bare.toLowerCase() === lower) return { rule: { path: k, tokens: [], group }, cascaded: false };
  }
  return undefined;
}

function mediaTypeMatches(expected: string, actual: string): boolean {
  const parse = (v: string) => {
    const [base, ...params] = v.split(';');
    const map = new Map<string, string>();
    for (const p of params) {
      const [k, val] = p.split('=');
      if (k !== undefined && val !== undefined)
        map.set(k.trim().toLowerCase(), val.trim().replace(/^"|"$/g, '').toLowerCase());
    }
    return { base: (base ?? '').trim().toLowerCase(), params: map };
  };
  const e = parse(expected);
  const a = parse(actual);
  if (e.base !== a.base) return false;
  for (const [k, v] of e.params) if (a.params.get(k) !== v) return false;
  return true;
}

/** Checks a recorded response against an interaction's expected response. Yields problems (path + message). */
export function* checkResponse(
  expected: ExpectedResponse,
  actual: Recording['response'],
  redactions?: Recording['redactions'],
): Generator<Problem> {
  const redactedBody =
    redactions?.body !== undefined && redactions.body.length > 0
      ? new Map(redactions.body.map((r) => [r.path, r.type]))
      : undefined;
  const redactedHeaders = new Set((redactions?.headers ?? []).map((h) => h.toLowerCase()));
  // Status
  const statusSel =
    expected.matchingRules.status !== undefined ? Object.values(expected.matchingRules.status)[0] : undefined;
  const statusRule = statusSel?.matchers.find((m) => m.match === 'statusCode');
  if (statusRule !== undefined) {
    const want = statusRule.status;
    const ok = Array.isArray(want)
      ? want.includes(actual.status)
      : typeof want === 'string' && STATUS_CLASSES[want] !== undefined
        ? STATUS_CLASSES[want](actual.status)
        : actual.status === expected.status;
    if (!ok)
      yield {
        code: 'recorded.status.mismatch',
        path: 'status',
        message: `expected status ${Array.isArray(want) ? want.join('|') : String(want)} but the recorded response has ${actual.status}`,
        expected: want,
        actual: actual.status,
      };
  } else if (actual.status !== expected.status) {
    yield {
      code: 'recorded.status.mismatch',
      path: 'status',
      message: `expected status ${expected.status} but the recorded response has ${actual.status}`,
      expected: expected.status,
      actual: actual.status,
    };
  }

  // Headers
  for (const [name, values] of Object.entries(expected.headers)) {
    const want = values.join(', ');
    const got = headerValue(actual.headers, name);
    if (got === undefined) {
      yield {
        code: 'recorded.header.missing',
        path: `header ${name}`,
        message: `expected header ${name}: ${want} but the recorded response has no ${name} header`,
        expected: want,
      };
      continue;
    }
    if (redactedHeaders.has(name.toLowerCase())) continue; // present, value redacted: nothing more to compare
    const sel = headerRules(expected.matchingRules.header, name);
    if (sel !== undefined) {
      for (const p of matchGroup(sel, want, got))
        yield { ...p, code: HEADER_CODE[p.code] ?? p.code, path: `header ${name}` };
      continue;
    }
    const same =
      name.toLowerCase() === 'content-type'
        ? mediaTypeMatches(want, got)
        : deepEqual(
            want.split(',').map((s) => s.trim()),
            got.split(',').map((s) => s.trim()),
          );
    if (!same)
      yield {
        code: 'recorded.header.mismatch',
        path: `header ${name}`,
        message: `expected header ${name}: ${want} but found ${got}`,
        expected: want,
        actual: got,
      };
  }

  // Body
  const body = expected.body;
  if (body === undefined) return;
  let act = actual.body;
  if (act === undefined || act === '') {
    if (body.content === '') return;
    yield {
      code: 'recorded.body.missing',
      path: '$',
      message: 'expected a response body but the recorded response has none',
      expected: body.content,
    };
    return;
  }
  const rules = compileCategory(expected.matchingRules.body);
  if (body.isJson) {
    const ct = headerValue(actual.headers, 'content-type');
    if (ct !== undefined && !isJsonContentType(ct)) {
      yield {
        code: 'recorded.body.content-type',
        path: 'header Content-Type',
        message: `expected a JSON body but the recorded response is ${ct}`,
        expected: body.contentType ?? 'application/json',
        actual: ct,
      };
      return;
    }
    if (typeof act === 'string' && typeof body.content !== 'string') {
      try {
        act = JSON.parse(act);
      } catch {
        yield {
          code: 'recorded.body.not-json',
          path: '$',
          message: 'expected a JSON body but the recorded body does not parse as JSON',
          actual: act,
        };
        return;
      }
    }
  }
  const c = new BodyComparer(rules, redactedBody);
  c.compare(body.content, act, ['$']);
  yield* c.problems;
}

/** The response checks of one interaction against its recording, as findings. */
export function* checkInteraction(
  interaction: PactInteraction,
  rec: LoadedRecording,
  recordCommand?: string,
): Generator<Finding> {
  const base = {
    consumer: interaction.consumer,
    provider: interaction.provider,
    interaction: interaction.description,
    key: interaction.key,
  };
  const r = rec.recording.request;
  const q = interaction.request;
  const sameQuery = deepEqual(normaliseQuery(q.query), normaliseQuery(r.query ?? {}));
  if (r.method.toUpperCase() !== q.method || r.path !== q.path || !sameQuery) {
    yield {
      ...base,
      code: 'recorded.request.changed',
      severity: 'error',
      at: { file: rec.file, path: 'request' },
      message: `the recording was made for ${r.method} ${r.path}${queryText(r.query)} but the pact now sends ${q.method} ${q.path}${queryText(q.query)}`,
      expected: { method: q.method, path: q.path, query: q.query },
      actual: { method: r.method, path: r.path, query: r.query ?? {} },
      fix: `Re-record: ${recordCommand ?? npxSpelling('record', `--provider ${interaction.provider}`)}`,
    };
    return;
  }
  for (const { path, hint, ...p } of checkResponse(
    interaction.response,
    rec.recording.response,
    rec.recording.redactions,
  )) {
    yield { ...base, severity: 'error', ...p, at: { file: rec.file, path }, ...(hint === undefined ? {} : { hint }) };
  }
}

function normaliseQuery(q: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(q).sort()) out[k] = q[k]!;
  return out;
}

function queryText(q: Record<string, string[]> | undefined): string {
  if (q === undefined || Object.keys(q).length === 0) return '';
  const sp = new URLSearchParams();
  for (const [k, vs] of Object.entries(q)) for (const v of vs) sp.append(k, v);
  return `?${sp.toString()}`;
}

/**
 * Checks every interaction of the pacts against its recording. Yields, in a stable order: empty pacts, then per
 * pact and interaction (missing recording, stale, request changed, response mismatches), then unmatched recordings.
 */
export function* checkRecorded(input: CheckInput): Generator<Finding> {
  const spell = input.spell ?? npxSpelling;
  const recordCommand = input.recordCommand ?? spell('record', `--provider ${input.provider}`);
  const byKey = new Map<string, LoadedRecording>();
  for (const r of input.recordings) byKey.set(`${r.consumer}\u0000${r.key}`, r);
  const used = new Set<string>();
  const maxAgeMs = input.maxAgeDays !== undefined ? input.maxAgeDays * 86_400_000 : undefined;
  for (const pact of input.pacts) {
    if (pact.interactions.length === 0) {
      yield {
        code: 'recorded.pact.empty',
        severity: 'error',
        consumer: pact.consumer,
        provider: pact.provider,
        at: { file: pact.source },
        message: `the pact between ${pact.consumer} and ${pact.provider} has no HTTP interactions, so there is nothing to check`,
        fix: `Regenerate it with \`${spell('consumer')}\` (are the Data Actions of ${pact.provider} missing cases?), or delete it.`,
      };
      continue;
    }
    for (const it of pact.interactions) {
      const k = `${it.consumer}\u0000${it.key}`;
      const rec = byKey.get(k);
      const about = { consumer: it.consumer, provider: it.provider, interaction: it.description, key: it.key };
      if (rec === undefined) {
        yield {
          code: 'recorded.missing',
          severity: 'error',
          ...about,
          at: {},
          message: `no recording for "${it.description}" (expected recordings/${it.consumer}/${it.key}.json)`,
          fix: `Record it: ${recordCommand}`,
        };
        continue;
      }
      used.add(k);
      if (maxAgeMs !== undefined && input.now !== undefined) {
        const at = Date.parse(rec.recording.recordedAt);
        const age = input.now.getTime() - at;
        if (!Number.isFinite(at) || age > maxAgeMs) {
          yield {
            code: 'recorded.stale',
            severity: 'error',
            ...about,
            at: { file: rec.file, path: 'recordedAt' },
            message: Number.isFinite(at)
              ? `the recording is ${Math.floor(age / 86_400_000)} day(s) old (recorded ${rec.recording.recordedAt}); recordings older than ${input.maxAgeDays} day(s) no longer prove what the vendor returns`
              : `the recording has no valid recordedAt (${show(rec.recording.recordedAt)})`,
            fix: `Refresh the recordings: ${recordCommand}`,
          };
        }
      }
      yield* checkInteraction(it, rec, recordCommand);
    }
  }
  for (const r of input.recordings) {
    const k = `${r.consumer}\u0000${r.key}`;
    if (used.has(k)) continue;
    const pact = input.pacts.find((p) => p.consumer === r.consumer);
    const sameDescription = pact?.interactions.find((i) => i.description === r.recording.interaction.description);
    yield {
      code: 'recorded.unmatched',
      severity: 'error',
      consumer: r.consumer,
      provider: input.provider,
      interaction: r.recording.interaction.description,
      key: r.key,
      at: { file: r.file },
      message:
        pact === undefined
          ? `the recording belongs to consumer ${r.consumer}, which has no pact with ${input.provider}`
          : sameDescription !== undefined
            ? `the recording matches no interaction: "${r.recording.interaction.description}" exists, but with provider state(s) ${sameDescription.providerStates.map((s) => `"${s.name}"`).join(', ') || '(none)'} instead of ${r.recording.interaction.providerStates.map((s) => `"${s.name}"`).join(', ') || '(none)'}`
            : `the recording matches no interaction of the pact between ${r.consumer} and ${input.provider} ("${r.recording.interaction.description}")`,
      fix: `Delete ${r.file} if the interaction was removed from the contract (\`${recordCommand} --prune\` removes every such file), or re-record: ${recordCommand}`,
    };
  }
}

export interface InteractionVerdict {
  consumer: string;
  description: string;
  key: string;
  id?: string;
  success: boolean;
  findings: Finding[];
}

export interface CheckSummary {
  provider: string;
  passed: boolean;
  interactions: InteractionVerdict[];
  /** Findings not tied to one interaction of the pacts (empty pacts, unmatched recordings). */
  other: Finding[];
  findings: Finding[];
}

/** Runs the checker and groups findings per interaction. */
export function summariseCheck(input: CheckInput): CheckSummary {
  const findings = [...checkRecorded(input)];
  const verdicts: InteractionVerdict[] = [];
  const index = new Map<string, InteractionVerdict>();
  for (const p of input.pacts) {
    for (const it of p.interactions) {
      const v: InteractionVerdict = {
        consumer: it.consumer,
        description: it.description,
        key: it.key,
        ...(it.id === undefined ? {} : { id: it.id }),
        success: true,
        findings: [],
      };
      verdicts.push(v);
      index.set(`${it.consumer}\u0000${it.key}`, v);
    }
  }
  const other: Finding[] = [];
  for (const f of findings) {
    const v =
      f.code === 'recorded.unmatched'
        ? undefined
        : f.key !== undefined && f.consumer !== undefined
          ? index.get(`${f.consumer}\u0000${f.key}`)
          : undefined;
    if (v === undefined) other.push(f);
    else {
      v.findings.push(f);
      if (f.severity === 'error') v.success = false;
    }
  }
  return {
    provider: input.provider,
    passed: findings.every((f) => f.severity !== 'error'),
    interactions: verdicts,
    other,
    findings,
  };
}
