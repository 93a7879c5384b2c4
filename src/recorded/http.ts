// Polite HTTP for recording: a request-rate limiter shared by all workers, exponential backoff with full jitter
// on 429 and 5xx that honours Retry-After, and errors that say what happened without echoing credentials.
import { parseRetryAfter, realSleep, retryDelay, type RetryPolicy, type Sleeper } from '../auth/backoff';
import { CxpactError, messageOf } from '../shared/errors';

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
  onRetry?: (info: { attempt: number; status: number; delayMs: number; retryAfter: boolean }) => void;
}

export interface PreparedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** One fetch, rate-limited. Connection failures become `recorded.provider.unreachable`. */
async function sendOnce(original: PreparedRequest, o: SendOptions): Promise<Omit<HttpResult, 'attempts'>> {
  await o.limiter.acquire();
  const req = o.beforeSend === undefined ? original : await o.beforeSend(original);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const timeout = (error as Error).name === 'TimeoutError';
    throw new CxpactError(
      timeout ? 'recorded.provider.timeout' : 'recorded.provider.unreachable',
      timeout
        ? `${req.method} ${new URL(req.url).origin} did not answer within ${o.timeoutMs} ms.`
        : `Cannot reach the provider at ${new URL(req.url).origin} (${cause ?? messageOf(error)}).`,
      { fix: 'Check the base URL (record.config.json baseUrl/region or --base-url) and the network; raise timeoutMs for slow APIs.' },
    );
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, bodyText: await res.text(), sent: req };
}

/**
 * Sends with retries on 429 and 5xx (exponential backoff with jitter; Retry-After wins when present).
 * Returns the last response after the retries are used up; the caller decides whether it is a failure.
 */
export async function sendWithRetry(req: PreparedRequest, o: SendOptions, send: (r: PreparedRequest) => Promise<Omit<HttpResult, 'attempts'>> = (r) => sendOnce(r, o)): Promise<HttpResult> {
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    const res = await send(req);
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= o.retry.maxRetries) return { ...res, attempts: attempt + 1 };
    const ra = parseRetryAfter(res.headers['retry-after']);
    // Retry-After wins, even over maxDelayMs (the record config's policy): retrying earlier only earns another 429.
    const delayMs = retryDelay(o.retry, attempt, ra);
    o.onRetry?.({ attempt: attempt + 1, status: res.status, delayMs, retryAfter: ra !== undefined });
    await sleep(delayMs);
  }
}

export { sendOnce };
