// Waiting politely before a retry, shared by every client that calls a rate-limited API (the recorder and the
// Genesys Cloud client): Retry-After parsing, exponential backoff with full jitter, and the wait for one retry.
// Pure apart from `sleep`; the random source is injectable so tests can pin the jitter.

export type Sleeper = (ms: number) => Promise<void>;

/** The longest delay one setTimeout takes (2^31-1 ms, ~24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * setTimeout as a promise, safe for any delay: a delay past MAX_TIMER_MS is waited in steps (a single timer would
 * overflow and fire at once); NaN and negative delays wait nothing.
 */
export const realSleep: Sleeper = async (ms) => {
  let left = Number.isFinite(ms) ? Math.max(0, ms) : ms > 0 ? Number.MAX_SAFE_INTEGER : 0;
  do {
    const step = Math.min(left, MAX_TIMER_MS);
    await new Promise((resolve) => setTimeout(resolve, step));
    left -= step;
  } while (left > 0);
};

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff step; doubles with every retry. */
  baseDelayMs: number;
  /** Cap of one backoff wait. */
  maxDelayMs: number;
  /** Random extra wait in [0, n) added to a Retry-After so concurrent callers do not return at once (default 0). */
  retryAfterJitterMs?: number;
  /** Cap of a Retry-After wait (default maxDelayMs: no single wait is longer, whatever the server asks). */
  maxRetryAfterMs?: number;
}

/**
 * Retry-After (RFC 9110 §10.2.3) as ms: delay-seconds (`120`, decimals tolerated) or an HTTP date
 * (`Fri, 31 Dec 2027 23:59:59 GMT`, also the obsolete RFC 850 and asctime forms). Undefined when absent or
 * unreadable. Absurd values are kept (finite: a number too large for a double is Number.MAX_VALUE) for the caller
 * to cap and to report as sent.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(Math.round(Number(v) * 1000), Number.MAX_VALUE);
  // A date names a day or a month: "-5" or "1e9" are not dates (Date.parse would read them as years).
  if (!/[A-Za-z]{3}/.test(v) || v.length > 64) return undefined;
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
 * jitter), else full-jitter exponential backoff; never longer than maxRetryAfterMs (default maxDelayMs).
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  return retryWait(policy, retry, retryAfterMs, random).delayMs;
}

export interface RetryWait {
  delayMs: number;
  /** The server's Retry-After, when it sent one. */
  retryAfterMs?: number;
  /** True when the Retry-After was longer than the cap (the wait is the cap). */
  capped: boolean;
}

/** retryDelay with the reason: whether a Retry-After set the wait and whether the cap shortened it. */
export function retryWait(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): RetryWait {
  if (retryAfterMs === undefined) return { delayMs: backoffDelay(policy, retry, random), capped: false };
  const cap = Math.max(0, policy.maxRetryAfterMs ?? policy.maxDelayMs);
  const jitter =
    policy.retryAfterJitterMs !== undefined && policy.retryAfterJitterMs > 0
      ? Math.floor(random() * policy.retryAfterJitterMs)
      : 0;
  const wanted = retryAfterMs + jitter;
  return { delayMs: Math.min(cap, wanted), retryAfterMs, capped: retryAfterMs > cap };
}
