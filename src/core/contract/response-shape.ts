// The response half of a generated contract: which response fields the translation reads (a trie of paths),
// example bodies derived from the output schema, and the pact body pruned to exactly the fields read, each with a
// type matcher. Pure.

import type { JsonSchema } from '../data-action';
import { eachLike, like, matcherFor, matchersForValue, reify, type MatchableJson } from './matchers';
import { exampleForSchema } from './schema-example';

/** One step of a response path. `each` = any element of an array (wildcard, filter, slice). */
export type PathStep =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | {
      kind: 'each';
      filterFields: string[][] /** `@.x == 'v'` literals, so derived examples pass the filter. */;
      filterValues?: { field: string[]; value: unknown }[];
    };

/** A response field the translation reads. */
export interface FieldRead {
  steps: PathStep[];
  /** The translation variable or output that reads it (for messages). */
  variable: string;
  /** The JSONPath / JSONata expression as written (for messages). */
  expression: string;
  /** translationMapDefaults has an entry for this variable. */
  hasDefault: boolean;
  /** The output schema of the value at the end of the path, when known. */
  schema?: JsonSchema;
  /** Whether the value at the end of the path is used whole (object/array read as a unit). */
  whole?: boolean;
  /** How the value is used (src/core/data-action/reads.ts): the value, its size, a filter condition, an existence test. */
  usage?: 'value' | 'size' | 'filter' | 'exists';
  /** The path came from a deep scan (`..x`). */
  deep?: boolean;
}

/** Renders steps as a JSONPath-like string (`$.customer.tickets[*].id`). */
export function stepsToPath(steps: PathStep[]): string {
  let out = '$';
  for (const s of steps) {
    if (s.kind === 'key') out += /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s.key) ? `.${s.key}` : `['${s.key}']`;
    else if (s.kind === 'index') out += `[${s.index}]`;
    else out += '[*]';
  }
  return out;
}

interface TrieNode {
  keys: Map<string, TrieNode>;
  /** Array access: the highest index read + 1 (min length), and any element read. */
  element?: TrieNode;
  minItems: number;
  /** A read ends here. */
  reads: FieldRead[];
}

function node(): TrieNode {
  return { keys: new Map(), minItems: 0, reads: [] };
}

/** Builds the trie of fields read; filter fields of `each` steps are reads too (the filter needs them). */
export function buildTrie(reads: FieldRead[]): TrieNode {
  const root = node();
  const add = (steps: PathStep[], read: FieldRead | undefined): void => {
    let cur = root;
    for (const step of steps) {
      if (step.kind === 'key') {
        let next = cur.keys.get(step.key);
        if (next === undefined) {
          next = node();
          cur.keys.set(step.key, next);
        }
        cur = next;
      } else {
        cur.element ??= node();
        cur.minItems = Math.max(cur.minItems, step.kind === 'index' ? step.index + 1 : 1);
        cur = cur.element;
      }
    }
    if (read !== undefined) cur.reads.push(read);
  };
  for (const read of reads) {
    add(read.steps, read);
    read.steps.forEach((step, i) => {
      if (step.kind === 'each')
        for (const f of step.filterFields)
          add([...read.steps.slice(0, i + 1), ...f.map((key) => ({ kind: 'key' as const, key }))], undefined);
    });
  }
  return root;
}

function walkTrie(root: TrieNode, steps: PathStep[]): TrieNode | undefined {
  let cur: TrieNode | undefined = root;
  for (const step of steps) {
    if (cur === undefined) return undefined;
    cur = step.kind === 'key' ? cur.keys.get(step.key) : cur.element;
  }
  return cur;
}

function leafSchema(reads: FieldRead[]): JsonSchema | undefined {
  return reads.find((r) => r.schema !== undefined)?.schema;
}

/**
 * A response body containing exactly the fields read, with example values from their schemas.
 * `omit` lists reads left out (absent-field cases).
 */
export function exampleBody(reads: FieldRead[]): unknown {
  const trie = buildTrie(reads);
  const literals = new Map<TrieNode, unknown>();
  for (const read of reads) {
    read.steps.forEach((step, i) => {
      if (step.kind !== 'each' || step.filterValues === undefined) return;
      for (const fv of step.filterValues) {
        const target = walkTrie(trie, [
          ...read.steps.slice(0, i + 1),
          ...fv.field.map((key) => ({ kind: 'key' as const, key })),
        ]);
        if (target !== undefined) literals.set(target, fv.value);
      }
    });
  }
  const build = (n: TrieNode, name: string): unknown => {
    if (literals.has(n)) return literals.get(n);
    if (
      n.reads.length > 0 &&
      n.keys.size === 0 &&
      n.element === undefined &&
      n.reads.every((r) => r.usage === 'size')
    ) {
      // `.size()` / `.length()`: an array (what real APIs put there), one element
      return [{}];
    }
    if (n.reads.length > 0 && n.keys.size === 0 && n.element === undefined) {
      const schema = leafSchema(n.reads);
      return exampleForSchema(schema, name);
    }
    if (n.element !== undefined) {
      const item = build(n.element, name.replace(/s$/, ''));
      return Array.from({ length: Math.max(1, n.minItems) }, () => item);
    }
    const out: Record<string, unknown> = {};
    for (const [k, child] of n.keys) out[k] = build(child, k);
    return out;
  };
  return build(trie, 'body');
}

export interface PruneResult {
  /** The pact body: only fields read, with matchers. */
  body: MatchableJson;
  /** Reads whose field is not in the example body: `[path, read]`. */
  missing: { path: string; read?: FieldRead }[];
}

/**
 * Prunes a concrete response body to the fields read and puts a type matcher on each. Arrays become `eachLike`
 * of the first element that has the fields read (min = highest index read + 1).
 */
export function pactBodyFromExample(example: unknown, reads: FieldRead[]): PruneResult {
  const trie = buildTrie(reads);
  const missing: PruneResult['missing'] = [];
  const walk = (value: unknown, n: TrieNode, path: string): MatchableJson => {
    const schema = leafSchema(n.reads);
    const isLeaf = n.keys.size === 0 && n.element === undefined;
    if (
      isLeaf &&
      Array.isArray(value) &&
      n.reads.length > 0 &&
      n.reads.every((r) => (r as { usage?: string }).usage === 'size')
    ) {
      // Only the size is read (`.size()` / `.length()`): an array, whatever its elements hold.
      const m = eachLike({}, 0);
      m.value = value.map((v) => (typeof v === 'object' && v !== null ? {} : (v as MatchableJson)));
      if (value.length === 0) return like([]);
      return m;
    }
    if (isLeaf) {
      if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
        return matchersForValue(value, (p) => (p === '$' ? schema : p === '$[*]' ? itemsOf(schema) : undefined));
      }
      return matcherFor(value, schema);
    }
    if (n.element !== undefined) {
      if (!Array.isArray(value)) {
        missing.push({ path: `${path}[*]`, read: firstRead(n.element) });
        return like([]);
      }
      if (value.length === 0) {
        missing.push({ path: `${path}[0]`, read: firstRead(n.element) });
        return like([]);
      }
      const element = n.element;
      let at = value.findIndex((v) => hasAll(v, element));
      if (at === -1) at = 0;
      // Matchers on one element that has every field read; the others pruned the same way, as plain examples.
      const examples = value.map((v, i) =>
        i === at ? walk(v, element, `${path}[*]`) : (reify(pruneOnly(v, element)) as MatchableJson),
      );
      const m = eachLike(examples[at] as MatchableJson, Math.max(1, n.minItems));
      m.value = examples;
      return m;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      for (const [k, child] of n.keys) missing.push({ path: `${path}.${k}`, read: firstRead(child) });
      return {};
    }
    const out: Record<string, MatchableJson> = {};
    const obj = value as Record<string, unknown>;
    for (const [k, child] of n.keys) {
      if (!(k in obj)) {
        missing.push({ path: `${path}.${k}`, read: firstRead(child) });
        continue;
      }
      out[k] = walk(obj[k], child, `${path}.${k}`);
    }
    return out;
  };
  return { body: walk(example, trie, '$'), missing };
}

/** The value pruned to the fields of a trie node (no matchers); missing fields are simply left out. */
function pruneOnly(value: unknown, n: TrieNode): unknown {
  if (n.keys.size === 0 && n.element === undefined) return value;
  if (n.element !== undefined)
    return Array.isArray(value) ? value.map((v) => pruneOnly(v, n.element as TrieNode)) : value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, child] of n.keys) if (k in value) out[k] = pruneOnly((value as Record<string, unknown>)[k], child);
  return out;
}

function itemsOf(schema: JsonSchema | undefined): JsonSchema | undefined {
  const items = schema?.['items'];
  return (Array.isArray(items) ? items[0] : items) as JsonSchema | undefined;
}

function firstRead(n: TrieNode): FieldRead | undefined {
  if (n.reads.length > 0) return n.reads[0];
  for (const child of n.keys.values()) {
    const r = firstRead(child);
    if (r !== undefined) return r;
  }
  return n.element === undefined ? undefined : firstRead(n.element);
}

function hasAll(value: unknown, n: TrieNode): boolean {
  if (n.keys.size === 0) return value !== undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const [k, child] of n.keys) {
    if (!(k in value)) return false;
    if (!hasAll((value as Record<string, unknown>)[k], child)) return false;
  }
  return true;
}

/** Removes the field of `read` from a body (absent-field cases); returns a copy. */
export function removeField(body: unknown, read: FieldRead): unknown {
  const copy: unknown = structuredClone(body);
  const remove = (value: unknown, steps: PathStep[]): void => {
    if (steps.length === 0 || value === null || typeof value !== 'object') return;
    const [step, ...rest] = steps as [PathStep, ...PathStep[]];
    if (step.kind === 'key') {
      if (Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      if (rest.length === 0) delete obj[step.key];
      else remove(obj[step.key], rest);
    } else if (Array.isArray(value)) {
      if (step.kind === 'index') {
        if (rest.length === 0) value.splice(step.index, 1);
        else remove(value[step.index], rest);
      } else if (rest.length === 0) value.length = 0;
      else
        value.forEach((v) => {
          remove(v, rest);
        });
    }
  };
  remove(copy, read.steps);
  return copy;
}

/** Parses a simple JSONPath (keys, indexes, wildcards, filters) into steps; undefined when it is not a path. */
export function parseSimpleJsonPath(expression: string): PathStep[] | undefined {
  let s = expression.trim();
  if (!s.startsWith('$')) return undefined;
  s = s.slice(1);
  const steps: PathStep[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      // Deep scan: any depth satisfies it; the simplest response holding the field has it right here.
      i += 1;
      if (s[i + 1] === '[' || s[i + 1] === '*') i += 1;
      continue;
    }
    if (s[i] === '.') {
      i++;
      if (s[i] === '[') continue;
      const m = /^([A-Za-z_$@][\w$@-]*|\*)(\(\))?/.exec(s.slice(i));
      if (!m) return undefined;
      if (m[2] !== undefined) return steps; // function call (.length(), .size()): reads the value before it
      if (m[1] === '*') steps.push({ kind: 'each', filterFields: [] });
      else steps.push({ kind: 'key', key: m[1] as string });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = findBracketEnd(s, i);
      if (end === -1) return undefined;
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      const m = /^['"](.*)['"]$/.exec(inner);
      if (m) steps.push({ kind: 'key', key: m[1] as string });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (inner.startsWith('?')) {
        const fields = [...inner.matchAll(/@((?:\.[A-Za-z_$][\w$-]*|\['[^']+'\])+)/g)].map((f) =>
          (f[1] as string).split(/\.|\['|'\]/).filter((p) => p !== ''),
        );
        const values: { field: string[]; value: unknown }[] = [];
        for (const m of inner.matchAll(
          /@((?:\.[A-Za-z_$][\w$-]*)+)\s*==\s*('([^']*)'|"([^"]*)"|-?\d+(?:\.\d+)?|true|false)/g,
        )) {
          const raw = m[2] as string;
          const value = m[3] ?? m[4] ?? (raw === 'true' ? true : raw === 'false' ? false : Number(raw));
          values.push({ field: (m[1] as string).split('.').filter((p) => p !== ''), value });
        }
        steps.push({ kind: 'each', filterFields: fields, ...(values.length > 0 ? { filterValues: values } : {}) });
      } else steps.push({ kind: 'each', filterFields: [] });
    } else return undefined;
  }
  return steps;
}

function findBracketEnd(s: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  return -1;
}
