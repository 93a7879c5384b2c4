// Redaction before anything is written: configured headers, JSON body paths (PII), and any known secret value
// wherever and however encoded it appears (tokens echoed by an API, a client secret in an error body).
import { SecretScrubber } from '../secrets';
import { formatPath, parseRulePath, type PathToken, type RuleToken } from './rules';
import { jsonType } from '../json';

export const REDACTED = '[REDACTED]';

/** Copies `headers` with the values of every redacted header (case-insensitive) replaced. */
export function redactHeaders(headers: Record<string, string>, redacted: readonly string[]): Record<string, string> {
  const set = new Set(redacted.map((h) => h.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = set.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

export interface RedactedField {
  /** Concrete JSON path of the replaced value, e.g. `$.entities[0].email`. */
  path: string;
  /** JSON type of the original value, so the check can still hold it to type rules. */
  type: string;
}

function redactAt(value: unknown, tokens: RuleToken[], i: number, at: PathToken[], out: RedactedField[]): unknown {
  if (i >= tokens.length) {
    if (value === undefined) return value;
    out.push({ path: formatPath(at), type: jsonType(value) });
    return REDACTED;
  }
  const t = tokens[i]!;
  if (Array.isArray(value)) {
    if (t.kind === 'star-index' || t.kind === 'star')
      return value.map((v, n) => redactAt(v, tokens, i + 1, [...at, n], out));
    if (t.kind === 'index' && t.index < value.length) {
      const copy = value.slice();
      copy[t.index] = redactAt(value[t.index], tokens, i + 1, [...at, t.index], out);
      return copy;
    }
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    if (t.kind === 'star')
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactAt(v, tokens, i + 1, [...at, k], out)]));
    if (t.kind === 'field' && t.name in obj)
      return { ...obj, [t.name]: redactAt(obj[t.name], tokens, i + 1, [...at, t.name], out) };
  }
  return value;
}

/**
 * Replaces the values at the given JSON paths (`$.a.b`, `$.list[*].email`, `$.*.phone`) with `[REDACTED]` and
 * lists what was replaced (concrete path + original JSON type).
 */
export function redactBody(body: unknown, paths: readonly string[]): { body: unknown; redacted: RedactedField[] } {
  let out = body;
  const redacted: RedactedField[] = [];
  for (const p of paths) {
    const tokens = parseRulePath(p);
    if (tokens === undefined || tokens.length < 2) continue;
    out = redactAt(out, tokens, 1, ['$'], redacted);
  }
  return { body: out, redacted };
}

/**
 * Deep-replaces every occurrence of the secrets inside string values (and keys) of a JSON value, in every form a
 * response can carry them: raw, URL-encoded, JSON-escaped, HTML-escaped, base64/base64url (src/core/secrets.ts).
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  return new SecretScrubber(secrets, REDACTED).value(value);
}
