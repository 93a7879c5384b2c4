// V4 matching-rule paths and the selection of the rule that applies to a value, as pact_models does it:
// a rule applies to its path and, by prefix, to everything below it ("type matching cascades"); when several
// apply, the heaviest wins (exact tokens weigh 2, wildcards 1, multiplied along the path), then the longest.
import type { RuleCategory, RuleGroup } from './model';

/** A parsed rule path: `$` then field names, indices, `*` (any field) or `[*]` (any index). */
export type RuleToken =
  | { kind: 'root' }
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'star' }
  | { kind: 'star-index' };

export type PathToken = string | number;

export interface CompiledRule {
  path: string;
  tokens: RuleToken[];
  group: RuleGroup;
}

/** Parses `$.a.b[0]['odd key'][*].*`; unparseable paths give undefined (the rule is ignored, as Pact does). */
export function parseRulePath(p: string): RuleToken[] | undefined {
  const tokens: RuleToken[] = [];
  let i = 0;
  if (p.startsWith('$')) {
    tokens.push({ kind: 'root' });
    i = 1;
  } else {
    // Header and query rules are keyed by bare names.
    return [{ kind: 'root' }, { kind: 'field', name: p }];
  }
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      i += 1;
      if (p[i] === '*') {
        tokens.push({ kind: 'star' });
        i += 1;
        continue;
      }
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j += 1;
      if (j === i) return undefined;
      tokens.push({ kind: 'field', name: p.slice(i, j) });
      i = j;
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = p.slice(i + 1, end);
      if (inner === '*') tokens.push({ kind: 'star-index' });
      else if (/^\d+$/.test(inner)) tokens.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$/.test(inner) || /^".*"$/.test(inner)) tokens.push({ kind: 'field', name: inner.slice(1, -1) });
      else return undefined;
      i = end + 1;
    } else {
      return undefined;
    }
  }
  return tokens;
}

const compiledCache = new WeakMap<RuleCategory, CompiledRule[]>();

export function compileCategory(category: RuleCategory | undefined): CompiledRule[] {
  if (category === undefined) return [];
  const hit = compiledCache.get(category);
  if (hit !== undefined) return hit;
  const out: CompiledRule[] = [];
  for (const [p, group] of Object.entries(category)) {
    const tokens = parseRulePath(p);
    if (tokens !== undefined) out.push({ path: p, tokens, group });
  }
  compiledCache.set(category, out);
  return out;
}

function tokenWeight(t: RuleToken, actual: PathToken, first: boolean): number {
  if (first) return t.kind === 'root' ? 2 : 0;
  switch (t.kind) {
    case 'root':
      return 0;
    case 'field':
      return typeof actual === 'string' && actual === t.name ? 2 : 0;
    case 'index':
      return typeof actual === 'number' && actual === t.index ? 2 : 0;
    case 'star-index':
      return typeof actual === 'number' ? 1 : 0;
    case 'star':
      return 1;
  }
}

/** Weight of `rule` for `path` (path[0] is the root `$`): 0 when it does not apply. */
export function ruleWeight(rule: CompiledRule, path: readonly PathToken[]): number {
  const t = rule.tokens;
  if (t.length > path.length) return 0;
  let w = 1;
  for (let i = 0; i < t.length; i++) {
    w *= tokenWeight(t[i]!, path[i]!, i === 0);
    if (w === 0) return 0;
  }
  return w;
}

export interface SelectedRule {
  rule: CompiledRule;
  /** The rule was written for a parent path and cascades down to this one. */
  cascaded: boolean;
}

/** The rule that governs `path`, or undefined (then plain equality applies). */
export function selectRule(rules: readonly CompiledRule[], path: readonly PathToken[]): SelectedRule | undefined {
  let best: CompiledRule | undefined;
  let bestW = 0;
  for (const r of rules) {
    const w = ruleWeight(r, path);
    if (w === 0) continue;
    if (w > bestW || (w === bestW && best !== undefined && r.tokens.length > best.tokens.length)) {
      best = r;
      bestW = w;
    }
  }
  if (best === undefined) return undefined;
  return { rule: best, cascaded: best.tokens.length !== path.length };
}

/** `$.a[0]['b c']` from path tokens. */
export function formatPath(path: readonly PathToken[]): string {
  let out = '$';
  for (let i = 1; i < path.length; i++) {
    const t = path[i]!;
    if (typeof t === 'number') out += `[${t}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(t)) out += `.${t}`;
    else out += `['${t}']`;
  }
  return out;
}
