// Retry-After parsing and the retry wait: both forms of the header, values that would stall or overflow, and a
// sleep that cannot overflow setTimeout (a single timer of more than 2^31-1 ms fires at once).
import { MAX_TIMER_MS, parseRetryAfter, realSleep, retryWait } from './retry';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  test('delay-seconds, decimals tolerated', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  test('HTTP dates in all three forms of RFC 9110; a past date means now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Thu Jan  1 00:00:10 2026', NOW)).toBeGreaterThanOrEqual(0);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', NOW)).toBe(0);
  });

  test('absurd values stay finite and large (the caller caps them); garbage is no value', () => {
    expect(parseRetryAfter('100000000000000000000', NOW)).toBe(1e23);
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(Number.MAX_VALUE);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBeGreaterThan(2.5e14);
    for (const bad of [undefined, null, '', '  ', '-5', '1e9', 'soon', 'x'.repeat(100)])
      expect(parseRetryAfter(bad, NOW)).toBeUndefined();
  });
});

describe('retryWait', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2000 };

  test('a Retry-After under the cap is the wait; over it, the cap, flagged', () => {
    expect(retryWait(policy, 0, 1500)).toEqual({ delayMs: 1500, retryAfterMs: 1500, capped: false });
    expect(retryWait(policy, 0, 3_600_000)).toEqual({ delayMs: 2000, retryAfterMs: 3_600_000, capped: true });
    expect(retryWait(policy, 0, Number.MAX_VALUE)).toEqual({
      delayMs: 2000,
      retryAfterMs: Number.MAX_VALUE,
      capped: true,
    });
  });

  test('without Retry-After: full-jitter backoff, never above maxDelayMs', () => {
    expect(retryWait(policy, 0, undefined, () => 0.999)).toEqual({ delayMs: 99, capped: false });
    expect(retryWait(policy, 20, undefined, () => 0.999).delayMs).toBe(1998);
  });
});

describe('realSleep', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a delay longer than one timer can hold is waited in full, not fired at once', async () => {
    jest.useFakeTimers();
    let done = false;
    const sleeping = realSleep(MAX_TIMER_MS + 5_000).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS - 1_000);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(5_000);
    await sleeping;
    expect(done).toBe(true);
  });

  test('NaN and negative delays do not wait', async () => {
    jest.useFakeTimers();
    let n = 0;
    const both = Promise.all([realSleep(Number.NaN), realSleep(-5)]).then(() => (n = 2));
    await jest.advanceTimersByTimeAsync(0);
    await both;
    expect(n).toBe(2);
  });
});
