// Near-identical names: `customer_id` for `customerId`, `custmerId` for `customerId`. Pure.

/** Lower-cases and drops `_`, `-`, `.` and spaces: `customer_id`, `Customer-ID` and `customerId` all become `customerid`. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[_\-\s.]/g, '');
}

/** Levenshtein distance, two-row dynamic programming. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * The key in `candidates` that looks like a rename of `missing`, or undefined.
 * Same key after normalising case, `_` and `-` wins; otherwise a small edit distance on the normalised forms
 * (1 for short keys, 2 from 6 characters on) so `customerId`/`custmerId` match but `id`/`ok` do not.
 * @example findSimilarKey('customerId', ['customer_id', 'fullName']) // 'customer_id'
 */
export function findSimilarKey(missing: string, candidates: readonly string[], parentKey?: string): string | undefined {
  const target = normaliseKey(missing);
  const exact = candidates.find((c) => c !== missing && normaliseKey(c) === target);
  if (exact !== undefined) return exact;
  // `customer.id` renamed to `customer.customer_id`: the key now repeats its parent's name.
  if (parentKey !== undefined && parentKey !== '') {
    const parent = normaliseKey(parentKey).replace(/s$/, '');
    const prefixed = candidates.find((c) => c !== missing && normaliseKey(c) === parent + target);
    if (prefixed !== undefined) return prefixed;
  }
  const budget = target.length >= 6 ? 2 : target.length >= 3 ? 1 : 0;
  let best: { key: string; distance: number } | undefined;
  for (const c of candidates) {
    if (c === missing) continue;
    const d = editDistance(target, normaliseKey(c));
    if (d <= budget && (best === undefined || d < best.distance)) best = { key: c, distance: d };
  }
  return best?.key;
}
