// Pact content helpers: the verification-relevant sha (shared across consumer versions) and interaction `_id`s.
import crypto from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort())
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sha1(text: string): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}

function withoutId(interaction: unknown): unknown {
  if (interaction === null || typeof interaction !== 'object' || Array.isArray(interaction)) return interaction;
  const { _id: _ignored, ...rest } = interaction as Record<string, unknown>;
  return rest;
}

function specVersion(pact: Record<string, unknown>): unknown {
  const metadata = pact.metadata as Record<string, unknown> | undefined;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') return null;
  const spec = (metadata.pactSpecification ??
    metadata['pact-specification'] ??
    metadata.pactSpecificationVersion) as unknown;
  if (spec !== null && typeof spec === 'object') return (spec as Record<string, unknown>).version ?? null;
  return spec ?? null;
}

/**
 * The content sha the broker keys pact versions by: only what affects verification (interactions and/or
 * messages, sorted, plus the specification version), so identical contracts from new consumer versions share
 * a pact version and therefore its verification results.
 */
export function contentSha(pact: Record<string, unknown>): string {
  const relevant: Record<string, unknown> = { specification: specVersion(pact) };
  for (const key of ['interactions', 'messages']) {
    const list = pact[key];
    if (Array.isArray(list)) relevant[key] = list.map((i) => canonicalJson(withoutId(i))).sort();
  }
  return sha1(canonicalJson(relevant));
}

/** Adds `_id` (sha1 of the interaction without `_id`, keys sorted) to each interaction/message. */
export function withInteractionIds(pact: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pact };
  for (const key of ['interactions', 'messages']) {
    const list = pact[key];
    if (Array.isArray(list)) {
      out[key] = list.map((i) => {
        if (i === null || typeof i !== 'object' || Array.isArray(i)) return i;
        return { _id: sha1(canonicalJson(withoutId(i))), ...(withoutId(i) as Record<string, unknown>) };
      });
    }
  }
  return out;
}

/** A short human diff between two pacts: interactions added/removed by description. */
export function describeDiff(oldPact: Record<string, unknown>, newPact: Record<string, unknown>): string {
  const list = (p: Record<string, unknown>): Map<string, string> => {
    const m = new Map<string, string>();
    for (const key of ['interactions', 'messages']) {
      const arr = p[key];
      if (!Array.isArray(arr)) continue;
      for (const i of arr) {
        const desc =
          i !== null && typeof i === 'object' ? String((i as Record<string, unknown>).description ?? '?') : '?';
        m.set(canonicalJson(withoutId(i)), desc);
      }
    }
    return m;
  };
  const a = list(oldPact);
  const b = list(newPact);
  const lines: string[] = [];
  for (const [k, d] of a) if (!b.has(k)) lines.push(`- interaction "${d}"`);
  for (const [k, d] of b) if (!a.has(k)) lines.push(`+ interaction "${d}"`);
  return lines.length === 0 ? 'No interaction changes (metadata only).' : lines.join('\n');
}
