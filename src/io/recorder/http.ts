// Polite HTTP for recording: a request-rate limiter shared by all workers, exponential backoff with full jitter
// on 429 and 5xx that honours Retry-After up to the policy's maxDelayMs, and errors that say what happened without
// echoing credentials. One error code per cause: a timeout is `recorded.provider.timeout` whether it struck before
// the headers or while the body was arriving; a broken connection is `recorded.provider.unreachable` either way.
import { parseRetryAfter, realSleep, retryWait, type RetryPolicy, type Sleeper } from '../retry';
import { CxpactError, messageOf } from '../../core/errors';

/** Spaces request starts at least 1/rate seconds apart across all callers. */
export class RateLimiter {
  private next = 0;
  /** Request starts, in epoch ms (observable in tests). */
  readonly starts: number[] = [];
  constructor(
    private readonly requestsPerSecond: number,
    private readonly sleep: Sleeper = realSleep,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(): Promise<void> {
    const interval = 1000 / this.requestsPerSecond;
    const t = this.now();
    const slot = Math.max(t, this.next);
    this.next = slot + interval;
    if (slot > t) await this.sleep(slot - t);
    this.starts.push(this.now());
  }
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** Attempts it took (1 = no retry). */
  attempts: number;
  /** The request as last sent (after `beforeSend`). */
  sent: PreparedRequest;
}

export interface SendOptions {
  limiter: RateLimiter;
  retry: RetryPolicy;
  timeoutMs: number;
  sleep?: Sleeper;
  /** Runs right before each attempt goes out, after the rate-limit wait (e.g. to put a fresh token on it). */
  beforeSend?: (req: PreparedRequest) => Promise<PreparedRequest>;
  /** Called before each backoff wait (progress output). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  attempt: number;
  status: number;
  delayMs: number;
  /** The wait follows the server's Retry-After. */
  retryAfter: boolean;
  /** The server's Retry-After (ms), when it sent a readable one. */
  retryAfterMs?: number;
  /** The Retry-After was longer than retry.maxDelayMs: the wait is that cap. */
  capped: boolean;
}

export interface PreparedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** The failure of one exchange as the error of its cause (timeout or broken connection), never echoing the URL's query. */
function exchangeError(
  error: unknown,
  req: PreparedRequest,
  timeoutMs: number,
  phase: 'headers' | 'body',
): CxpactError {
  const origin = new URL(req.url).origin;
  const name = (error as Error | undefined)?.name;
  const timeout =
    name === 'TimeoutError' ||
    (name === 'AbortError' && (error as { cause?: { name?: string } }).cause?.name === 'TimeoutError');
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  if (timeout) {
    return new CxpactError(
      'recorded.provider.timeout',
      phase === 'headers'
        ? `${req.method} ${origin} did not answer within ${timeoutMs} ms.`
        : `${req.method} ${origin} started answering but did not finish its answer within ${timeoutMs} ms.`,
      { fix: 'Raise timeoutMs in record.config.json for slow APIs, or check the staging API and the network.' },
    );
  }
  return new CxpactError(
    'recorded.provider.unreachable',
    phase === 'headers'
      ? `Cannot reach the provider at ${origin} (${cause ?? messageOf(error)}).`
      : `The connection to the provider at ${origin} broke while its answer was arriving (${cause ?? messageOf(error)}).`,
    {
      fix: 'Check the base URL (record.config.json baseUrl/region or --base-url) and the network; raise timeoutMs for slow APIs.',
    },
  );
}

/**
 * One fetch, rate-limited; the timeout covers the whole exchange (headers and body). Connection failures become
 * `recorded.provider.unreachable`, timeouts `recorded.provider.timeout`, wherever in the exchange they happen.
 */
async function sendOnce(original: PreparedRequest, o: SendOptions): Promise<Omit<HttpResult, 'attempts'>> {
  await o.limiter.acquire();
  const req = o.beforeSend === undefined ? original : await o.beforeSend(original);
  const signal = AbortSignal.timeout(o.timeoutMs);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw exchangeError(error, req, o.timeoutMs, 'headers');
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  let bodyText: string;
  try {
    bodyText = await res.text();
  } catch (error) {
    throw exchangeError(signal.aborted ? signal.reason : error, req, o.timeoutMs, 'body');
  }
  return { status: res.status, headers, bodyText, sent: req };
}

/**
 * Sends with retries on 429 and 5xx (exponential backoff with jitter; a Retry-After sets the wait, capped by the
 * policy's maxDelayMs).
 * Returns the last response after the retries are used up; the caller decides whether it is a failure.
 */
export async function sendWithRetry(
  req: PreparedRequest,
  o: SendOptions,
  send: (r: PreparedRequest) => Promise<Omit<HttpResult, 'attempts'>> = (r) => sendOnce(r, o),
): Promise<HttpResult> {
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    const res = await send(req);
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= o.retry.maxRetries) return { ...res, attempts: attempt + 1 };
    // Retry-After sets the wait, up to retry.maxDelayMs: `Retry-After: 3600` must not stall a CI job for an hour,
    // and an absurd value (or a far HTTP date) must not overflow the timer into an immediate retry.
    const wait = retryWait(o.retry, attempt, parseRetryAfter(res.headers['retry-after']));
    o.onRetry?.({
      attempt: attempt + 1,
      status: res.status,
      delayMs: wait.delayMs,
      retryAfter: wait.retryAfterMs !== undefined,
      ...(wait.retryAfterMs === undefined ? {} : { retryAfterMs: wait.retryAfterMs }),
      capped: wait.capped,
    });
    await sleep(wait.delayMs);
  }
}

export { sendOnce };
