// Waiting politely before a retry, shared by every client that calls a rate-limited API (the recorder and the
// Genesys Cloud client): Retry-After parsing, exponential backoff with full jitter, and the wait for one retry.
// Pure apart from `sleep`; the random source is injectable so tests can pin the jitter.

export type Sleeper = (ms: number) => Promise<void>;

/** setTimeout as a promise. */
export const realSleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff step; doubles with every retry. */
  baseDelayMs: number;
  /** Cap of one backoff wait. */
  maxDelayMs: number;
  /** Random extra wait in [0, n) added to a Retry-After so concurrent callers do not return at once (default 0). */
  retryAfterJitterMs?: number;
  /** Cap of a Retry-After wait (default none: the server's Retry-After wins over maxDelayMs). */
  maxRetryAfterMs?: number;
}

/** Retry-After as seconds or an HTTP date -> ms, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Full-jitter exponential backoff for retry number `retry` (0 = the first retry): a random whole number of ms in
 * [0, min(maxDelayMs, baseDelayMs * 2^retry)].
 * @example backoffDelay({ maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 }, 3, () => 1) // 800
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * cap);
}

/**
 * The wait before retry number `retry` (0-based): the server's Retry-After when it sent one (plus the policy's
 * jitter, capped by maxRetryAfterMs), else full-jitter exponential backoff.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs === undefined) return backoffDelay(policy, retry, random);
  const jitter = policy.retryAfterJitterMs !== undefined && policy.retryAfterJitterMs > 0 ? Math.floor(random() * policy.retryAfterJitterMs) : 0;
  return Math.min(policy.maxRetryAfterMs ?? Number.POSITIVE_INFINITY, retryAfterMs + jitter);
}
