// The broker HTTP calls cxpact makes itself (reachability, auth check, /matrix, pacts, results), with retry and
// backoff on transient failures and one error code per condition, whichever command asks. Network only; never prints.
import { CxpactError, messageOf } from '../../core/errors';
import { isRecord } from '../../core/json';
import { cxpactCommand } from '../cli-spelling';
import { parseRetryAfter, realSleep, retryWait, type RetryPolicy } from '../retry';
import { authorizationHeader, type BrokerTarget } from './target';

export interface BrokerResponse {
  status: number;
  body: unknown;
  text: string;
}

/** Error codes that mean "could not ask the broker" (exit 2 in the CLI), as opposed to a broker answer. */
export const BROKER_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'broker.unreachable',
  'broker.unauthorized',
  'broker.forbidden',
  'broker.error',
]);

/**
 * Two retries of idempotent requests, 250 ms doubling to 2 s with full jitter: a broker restarting behind a load
 * balancer (502/503/504), a rate limit (429, its Retry-After honoured up to the cap) or a dropped connection.
 */
export const DEFAULT_BROKER_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 2_000 };

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
/** Connection failures worth another try; a refused connection or an unknown host is an answer, not a hiccup. */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function unreachable(target: BrokerTarget, reason: string, cause: unknown): CxpactError {
  return new CxpactError('broker.unreachable', `The Pact Broker at ${target.baseUrl} is unreachable (${reason}).`, {
    path: '--broker-url',
    fix: `Start one with \`${cxpactCommand(target.cwd, 'broker')}\` (or check --broker-url / PACT_BROKER_BASE_URL and the network).`,
    cause,
  });
}

/** 401 and 403 are answers about the credentials, never retried, each with its own code and fix. */
function refused(target: BrokerTarget, status: number, sentCredentials: boolean): CxpactError {
  if (status === 401) {
    return new CxpactError(
      'broker.unauthorized',
      `The Pact Broker at ${target.baseUrl} answered 401 Unauthorized: ${sentCredentials ? 'the credentials were rejected' : 'no credentials were sent'}.`,
      {
        path: 'PACT_BROKER_TOKEN',
        fix: 'Set PACT_BROKER_TOKEN (bearer token) or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD (basic auth) to credentials the broker accepts; in GitLab keep them as masked CI/CD variables.',
      },
    );
  }
  return new CxpactError(
    'broker.forbidden',
    `The Pact Broker at ${target.baseUrl} answered 403 Forbidden: the credentials lack the permission for this request.`,
    {
      path: 'PACT_BROKER_TOKEN',
      fix: 'Use credentials with the permission it needs (publishing pacts, results or deployments needs read-write credentials).',
    },
  );
}

/**
 * Sends one request to the broker (retrying idempotent ones on transient failures). Connection failures become
 * `broker.unreachable`; 401 `broker.unauthorized`; 403 `broker.forbidden`. Other statuses are returned.
 */
export async function brokerRequest(
  target: BrokerTarget,
  pathAndQuery: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<BrokerResponse> {
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${target.baseUrl}${pathAndQuery}`;
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' };
  const auth = authorizationHeader(target.auth);
  if (auth !== undefined) headers.Authorization = auth;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const policy = target.retry ?? DEFAULT_BROKER_RETRY;
  const sleep = target.sleep ?? realSleep;
  const idempotent = method === 'GET' || method === 'HEAD' || method === 'PUT';
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < policy.maxRetries;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? messageOf(error);
      if (canRetry && idempotent && cause?.code !== undefined && TRANSIENT_NETWORK.has(cause.code)) {
        await sleep(retryWait(policy, attempt, undefined).delayMs);
        continue;
      }
      throw unreachable(target, reason, error);
    }
    const text = await res.text();
    if (canRetry && TRANSIENT_STATUS.has(res.status) && (idempotent || res.status === 429)) {
      await sleep(retryWait(policy, attempt, parseRetryAfter(res.headers.get('retry-after'))).delayMs);
      continue;
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status === 401 || res.status === 403) throw refused(target, res.status, auth !== undefined);
    return { status: res.status, body, text };
  }
}

/**
 * GET / — proves the broker answers and accepts the credentials before a long-running step starts (publish, record,
 * verify, record-deployment). Throws the same codes as brokerRequest, and `broker.error` when the root is not a broker.
 */
export async function checkBroker(target: BrokerTarget): Promise<void> {
  const res = await brokerRequest(target, '/', { timeoutMs: 10_000 });
  if (res.status >= 400) {
    throw new CxpactError(
      'broker.error',
      `The Pact Broker at ${target.baseUrl} answered HTTP ${res.status} to GET /.`,
      {
        path: '--broker-url',
        fix: 'Check that --broker-url points at the broker root (the URL that serves the API index) and that the broker is healthy.',
      },
    );
  }
}

/** Error messages from a broker error body: `{errors: [..]}`, `{errors: {field: [..]}}` or `{error: ..}`. */
export function brokerErrorMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { errors?: unknown; error?: unknown };
  const out: string[] = [];
  if (Array.isArray(b.errors)) out.push(...b.errors.map(String));
  else if (typeof b.errors === 'object' && b.errors !== null) {
    for (const [k, v] of Object.entries(b.errors))
      out.push(...(Array.isArray(v) ? v.map((m) => `${k}: ${String(m)}`) : [`${k}: ${String(v)}`]));
  }
  if (typeof b.error === 'string') out.push(b.error);
  else if (
    typeof b.error === 'object' &&
    b.error !== null &&
    typeof (b.error as { message?: unknown }).message === 'string'
  ) {
    out.push((b.error as { message: string }).message);
  }
  return out;
}

/** Official clients take only the path of a HAL href and resolve it against the configured base URL. */
export function pathOf(href: string, baseUrl: string): string {
  try {
    const u = new URL(href);
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const p = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname;
    return `${p}${u.search}`;
  } catch {
    return href;
  }
}

/** The href of a HAL link of a broker resource, when it has one. */
export function halLink(body: unknown, rel: string): string | undefined {
  if (!isRecord(body) || !isRecord(body['_links'])) return undefined;
  const l = body['_links'][rel];
  return isRecord(l) && typeof l['href'] === 'string' ? l['href'] : undefined;
}
