// What changed between two versions of one pact (the broker's and a local file): interactions added, removed
// and changed, and for a changed one which request parts and response fields. Used to explain a publish
// conflict (a broker refuses different content for a consumer version it has). Pure.
import { isRecord } from '../json';
import type { PactFile, PactInteraction } from './pact-file';

export interface InteractionChange {
  description: string;
  /** `status 200 -> 404`, `response body $.customer.tier: added`, `request changed`, ... */
  changes: string[];
}

export interface PactDiff {
  added: string[];
  removed: string[];
  changed: InteractionChange[];
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isRecord(v))
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => k !== '_id')
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function interactions(pact: PactFile): Map<string, Readonly<Record<string, unknown>>> {
  const out = new Map<string, Readonly<Record<string, unknown>>>();
  const key = (i: PactInteraction): string => JSON.stringify([i.description, i.providerStates.map((st) => st.name)]);
  for (const i of pact.interactions) out.set(key(i), i.raw);
  return out;
}

/** Leaf paths of a JSON value (`$.customer.tier`, arrays as `[*]`), with their value as JSON text. */
function leaves(value: unknown, at = '$', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(at, '[]');
    for (const v of value) leaves(v, `${at}[*]`, out);
  } else if (isRecord(value)) {
    if (Object.keys(value).length === 0) out.set(at, '{}');
    for (const [k, v] of Object.entries(value))
      leaves(v, /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(k) ? `${at}.${k}` : `${at}['${k}']`, out);
  } else if (!out.has(at)) out.set(at, JSON.stringify(value));
  return out;
}

function bodyContent(part: unknown): unknown {
  if (!isRecord(part)) return undefined;
  const body = part['body'];
  return isRecord(body) && 'content' in body ? body['content'] : body;
}

function responseChanges(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const out: string[] = [];
  const b = isRecord(before['response']) ? before['response'] : {};
  const a = isRecord(after['response']) ? after['response'] : {};
  if (!same(b['status'], a['status']))
    out.push(`response status ${JSON.stringify(b['status'])} -> ${JSON.stringify(a['status'])}`);
  const bh = isRecord(b['headers']) ? b['headers'] : {};
  const ah = isRecord(a['headers']) ? a['headers'] : {};
  for (const h of new Set([...Object.keys(bh), ...Object.keys(ah)])) {
    if (!same(bh[h], ah[h]))
      out.push(`response header ${h}: ${JSON.stringify(bh[h] ?? null)} -> ${JSON.stringify(ah[h] ?? null)}`);
  }
  const bl = leaves(bodyContent(b));
  const al = leaves(bodyContent(a));
  for (const [p, v] of al) {
    if (!bl.has(p)) out.push(`response body ${p}: added`);
    else if (bl.get(p) !== v) out.push(`response body ${p}: ${bl.get(p)} -> ${v}`);
  }
  for (const p of bl.keys()) if (!al.has(p)) out.push(`response body ${p}: removed`);
  const rules = (x: Record<string, unknown>): Record<string, unknown> => {
    const mr = x['matchingRules'];
    return isRecord(mr) && isRecord(mr['body']) ? mr['body'] : {};
  };
  const br = rules(b);
  const ar = rules(a);
  for (const p of new Set([...Object.keys(br), ...Object.keys(ar)])) {
    if (br[p] !== undefined && ar[p] !== undefined && !same(br[p], ar[p]))
      out.push(`response body ${p}: matching rule changed`);
  }
  if (out.length === 0 && !same(b, a)) out.push('response changed (values or matching rules)');
  return out;
}

/** The difference from `before` (the broker's pact) to `after` (the local file). */
export function diffPacts(before: PactFile, after: PactFile): PactDiff {
  const b = interactions(before);
  const a = interactions(after);
  const diff: PactDiff = { added: [], removed: [], changed: [] };
  for (const [k, i] of a) {
    const old = b.get(k);
    if (old === undefined) {
      diff.added.push(String(i['description']));
      continue;
    }
    if (same(old, i)) continue;
    const changes: string[] = [];
    if (!same(old['request'], i['request'])) changes.push('request changed (method, path, query, headers or body)');
    changes.push(...responseChanges(old, i));
    if (changes.length === 0) changes.push('comments or metadata changed');
    diff.changed.push({ description: String(i['description']), changes });
  }
  for (const [k, i] of b) if (!a.has(k)) diff.removed.push(String(i['description']));
  return diff;
}

/** True when nothing that matters changed. */
export function isEmptyDiff(d: PactDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}
