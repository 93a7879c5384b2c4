// The few broker HTTP calls cxpact makes itself (reachability, auth check, /matrix, environments).
// Network only; never prints. Credentials come from the caller (env), never from files, and are never echoed.
import { cxpactCommand } from '../cli-spelling';
import { CxpactError, messageOf } from '../../core/errors';

export interface BrokerAuth {
  token?: string;
  username?: string;
  password?: string;
}

export interface BrokerTarget {
  baseUrl: string;
  auth: BrokerAuth;
}

/** Broker URL from the flag, else `PACT_BROKER_BASE_URL`; credentials from `PACT_BROKER_TOKEN` or `_USERNAME`/`_PASSWORD`. */
export function brokerTarget(flagUrl: string | undefined, env: NodeJS.ProcessEnv): BrokerTarget | undefined {
  const baseUrl = flagUrl ?? (env.PACT_BROKER_BASE_URL || undefined);
  if (baseUrl === undefined) return undefined;
  if (!/^https?:\/\/[^/?#\s]/i.test(baseUrl)) {
    // A usage error (exit 2), before anything tries to reach it: `127.0.0.1:9292` would be read as a scheme.
    const from = flagUrl !== undefined ? '--broker-url' : 'PACT_BROKER_BASE_URL';
    throw new CxpactError('usage.broker-url', `The broker URL ${JSON.stringify(baseUrl)} (${from}) is not an http(s) URL.`, {
      fix: /^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ? 'Use an http:// or https:// URL.' : `add http:// (or https://): ${from}${from === '--broker-url' ? ' ' : '='}http://${baseUrl.replace(/^\/+/, '')}`,
    });
  }
  const auth: BrokerAuth = {};
  if (env.PACT_BROKER_TOKEN) auth.token = env.PACT_BROKER_TOKEN;
  if (env.PACT_BROKER_USERNAME) auth.username = env.PACT_BROKER_USERNAME;
  if (env.PACT_BROKER_PASSWORD) auth.password = env.PACT_BROKER_PASSWORD;
  return { baseUrl: baseUrl.replace(/\/+$/, ''), auth };
}

/** The Authorization header the official clients send: the token wins over username/password. */
export function authorizationHeader(auth: BrokerAuth): string | undefined {
  if (auth.token !== undefined) return `Bearer ${auth.token}`;
  if (auth.username !== undefined) return `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  return undefined;
}

export interface BrokerResponse {
  status: number;
  body: unknown;
  text: string;
}

/** Error codes that mean "could not ask the broker" (exit 2 in the CLI), as opposed to a broker answer. */
export const BROKER_UNAVAILABLE_CODES = new Set(['broker.unreachable', 'broker.unauthorized', 'broker.error']);

/** Sends one request to the broker. Connection failures become `broker.unreachable`; 401/403 `broker.unauthorized`. */
export async function brokerRequest(
  target: BrokerTarget,
  pathAndQuery: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<BrokerResponse> {
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${target.baseUrl}${pathAndQuery}`;
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' };
  const auth = authorizationHeader(target.auth);
  if (auth !== undefined) headers.Authorization = auth;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? messageOf(error);
    throw new CxpactError('broker.unreachable', `Cannot reach the Pact Broker at ${target.baseUrl} (${reason}).`, {
      fix: `Check --broker-url / PACT_BROKER_BASE_URL and that the broker is running (\`${cxpactCommand(undefined, 'broker')}\` starts a local one).`,
      cause: error,
    });
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status === 401 || res.status === 403) {
    throw new CxpactError(
      'broker.unauthorized',
      `The Pact Broker at ${target.baseUrl} refused the credentials (HTTP ${res.status}${auth === undefined ? ', none were sent' : ''}).`,
      {
        fix: 'Set PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD) to valid credentials; in GitLab keep them as masked CI/CD variables.',
      },
    );
  }
  return { status: res.status, body, text };
}

/** GET / — proves the broker answers and accepts our credentials before a long-running step starts. */
export async function checkBroker(target: BrokerTarget): Promise<void> {
  const res = await brokerRequest(target, '/', { timeoutMs: 10_000 });
  if (res.status >= 500 || res.status === 404) {
    throw new CxpactError('broker.error', `The Pact Broker at ${target.baseUrl} answered GET / with HTTP ${res.status}.`, {
      fix: 'Check that --broker-url points at the broker root (not a pact URL) and that the broker is healthy.',
    });
  }
}

/** Error messages from a broker error body: `{errors: [..]}`, `{errors: {field: [..]}}` or `{error: ..}`. */
export function brokerErrorMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { errors?: unknown; error?: unknown };
  const out: string[] = [];
  if (Array.isArray(b.errors)) out.push(...b.errors.map(String));
  else if (typeof b.errors === 'object' && b.errors !== null) {
    for (const [k, v] of Object.entries(b.errors)) out.push(...(Array.isArray(v) ? v.map((m) => `${k}: ${String(m)}`) : [`${k}: ${String(v)}`]));
  }
  if (typeof b.error === 'string') out.push(b.error);
  else if (typeof b.error === 'object' && b.error !== null && typeof (b.error as { message?: unknown }).message === 'string') {
    out.push((b.error as { message: string }).message);
  }
  return out;
}
