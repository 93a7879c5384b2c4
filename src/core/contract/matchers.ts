// Pact matcher objects as plain data (the V3/V4 "integration JSON" the Pact FFI reads), and the mapping from a
// Data Action's output schema to them. Pure: no pact-js import, no I/O. The adapter hands these objects to the FFI
// unchanged; tests can snapshot and diff them without a mock server.

import type { JsonSchema } from '../data-action';

/** The matcher kinds cxpact emits (a subset of pact-js `MatchersV3`). */
export type MatcherType = 'type' | 'integer' | 'decimal' | 'number' | 'regex' | 'boolean' | 'equality';

/** A pact matcher in integration-JSON form, e.g. `{"pact:matcher:type": "integer", "value": 3}`. */
export interface Matcher {
  'pact:matcher:type': MatcherType;
  value: unknown;
  regex?: string;
  /** For arrays matched with `eachLike`: the minimum length. */
  min?: number;
}

/** A JSON value that may contain matchers anywhere inside it. */
export type MatchableJson =
  | null
  | boolean
  | number
  | string
  | MatchableJson[]
  | { [key: string]: MatchableJson }
  | Matcher;

export function isMatcher(value: unknown): value is Matcher {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'pact:matcher:type' in value;
}

/** Same type as the example (pact `like`). */
export function like(value: unknown): Matcher {
  return { 'pact:matcher:type': 'type', value };
}

/** An integer (no decimal places). */
export function integer(value = 1): Matcher {
  if (!Number.isInteger(value)) throw new TypeError(`integer() needs an integer example, got ${value}`);
  return { 'pact:matcher:type': 'integer', value };
}

/** A number with decimal places (JSON schema `number`). */
export function decimal(value = 1.5): Matcher {
  return { 'pact:matcher:type': 'decimal', value };
}

/** A boolean (pact-js `boolean()` is a type matcher on a boolean example). */
export function boolean(value = true): Matcher {
  return { 'pact:matcher:type': 'type', value };
}

/** A string matching `regex` (anchored by cxpact). */
export function regex(pattern: string, value: string): Matcher {
  if (!new RegExp(pattern).test(value)) {
    throw new TypeError(`regex() example ${JSON.stringify(value)} does not match /${pattern}/`);
  }
  return { 'pact:matcher:type': 'regex', regex: pattern, value };
}

/** An array of at least `min` elements, each like `template` (pact `eachLike`). */
export function eachLike(template: MatchableJson, min = 1): Matcher {
  return { 'pact:matcher:type': 'type', min, value: Array.from({ length: Math.max(1, min) }, () => template) };
}

/**
 * `eachLike` whose example array holds `template` followed by more example elements (plain values): pact derives
 * the element rules from the template, and the mock server answers with all the examples.
 */
export function eachLikeWithExamples(template: MatchableJson, more: unknown[], min = 1): Matcher {
  return { 'pact:matcher:type': 'type', min, value: [template, ...(more as MatchableJson[])] };
}

/** Escapes a literal for use inside a regex. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regex accepting exactly the given enum values. */
export function enumRegex(values: readonly unknown[]): string {
  return `^(${values.map((v) => escapeRegex(String(v))).join('|')})$`;
}

/** The example value of a matchable JSON tree: matchers replaced by their examples (pact-js `reify`). */
export function reify(value: MatchableJson | unknown): unknown {
  if (isMatcher(value)) return reify(value.value);
  if (Array.isArray(value)) return value.map((v) => reify(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = reify(v);
    return out;
  }
  return value;
}

/** Lists the matchers in a tree with their JSON path (`$.a.b[*]`), for reports and tests. */
export function listMatchers(value: unknown, path = '$'): { path: string; matcher: Matcher }[] {
  const found: { path: string; matcher: Matcher }[] = [];
  if (isMatcher(value)) {
    found.push({ path, matcher: value });
    if (Array.isArray(value.value))
      value.value.forEach((v) => {
        found.push(...listMatchers(v, `${path}[*]`));
      });
    return found;
  }
  if (Array.isArray(value))
    value.forEach((v, i) => {
      found.push(...listMatchers(v, `${path}[${i}]`));
    });
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) found.push(...listMatchers(v, `${path}.${k}`));
  }
  return found;
}

/** The first JSON-schema type of `schema` (`["string","null"]` -> `string`). */
export function schemaType(schema: JsonSchema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  const t = schema['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t))
    return t.find((x): x is string => typeof x === 'string' && x !== 'null') ?? (t[0] as string | undefined);
  if (typeof schema['properties'] === 'object') return 'object';
  if (schema['items'] !== undefined) return 'array';
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return typeof schema['enum'][0];
  return undefined;
}

export function schemaEnum(schema: JsonSchema | undefined): unknown[] | undefined {
  const e = schema?.['enum'];
  return Array.isArray(e) && e.length > 0 ? e : undefined;
}

/**
 * The matcher for one leaf value: the output schema (when known) decides the kind (enum -> regex, integer vs
 * decimal, boolean), the example value otherwise.
 * @example matcherFor(3, { type: 'integer' }) // { 'pact:matcher:type': 'integer', value: 3 }
 */
export function matcherFor(example: unknown, schema?: JsonSchema): MatchableJson {
  const values = schemaEnum(schema);
  if (values !== undefined && typeof example === 'string' && values.every((v) => typeof v === 'string')) {
    const pattern = enumRegex(values);
    if (new RegExp(pattern).test(example)) return regex(pattern, example);
  }
  const type = schemaType(schema);
  if (typeof example === 'number') {
    if (type === 'integer' || (type === undefined && Number.isInteger(example))) {
      return Number.isInteger(example) ? integer(example) : decimal(example);
    }
    if (type === 'number')
      return Number.isInteger(example) ? { 'pact:matcher:type': 'number', value: example } : decimal(example);
    if (type === undefined) return decimal(example);
    return like(example);
  }
  if (typeof example === 'boolean') return boolean(example);
  if (example === null) return null;
  if (typeof example === 'string') return like(example);
  return like(example);
}

/**
 * A whole JSON value turned into matchers: objects recurse, arrays become `eachLike` of their first element,
 * leaves get `matcherFor`. `schemaAt` supplies the output schema of a response path when it is known.
 */
export function matchersForValue(
  value: unknown,
  schemaAt: (path: string) => JsonSchema | undefined = () => undefined,
  path = '$',
): MatchableJson {
  if (Array.isArray(value)) {
    if (value.length === 0) return like([]);
    // Matchers on the first element (pact applies them to every element), the others kept as example data so
    // the mock returns the same array the case describes.
    return eachLikeWithExamples(matchersForValue(value[0], schemaAt, `${path}[*]`), value.slice(1), 1);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, MatchableJson> = {};
    for (const [k, v] of Object.entries(value)) out[k] = matchersForValue(v, schemaAt, `${path}.${k}`);
    return out;
  }
  return matcherFor(value, schemaAt(path));
}
