// OAuth 2.0 client credentials (RFC 6749 §4.4) as the Genesys Cloud login host speaks it:
// `POST <login>/oauth/token`, `grant_type=client_credentials`, HTTP Basic client authentication.
// The one token client of cxpact (`cxpact record` and the Genesys commands). The token is reused until shortly before
// it expires; concurrent callers share one login (single flight); after a 401, `forceRefresh` / `withBearerRetry`
// replace the rejected token once for everybody. A login answered 429 or 5xx is retried with the same backoff as
// API calls (Retry-After honoured up to the policy's maxDelayMs). Messages never contain the secret or a token.
import { CxpactError, messageOf, type Code, type ErrorLocation } from '../core/errors';
import { isRecord } from '../core/json';
import { parseRetryAfter, realSleep, retryWait, type RetryPolicy, type Sleeper } from './retry';
import { SecretScrubber } from '../core/secrets';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The login failures, each with its own error code. */
export type LoginFailure = 'unreachable' | 'rejected' | 'failed' | 'no-token';

/** How login errors are reported to the caller's user: codes, where the settings live. */
export interface LoginErrorContext {
  /** Error code per failure (defaults `auth.login.<failure>`). */
  codes?: Partial<Record<LoginFailure, Code>>;
  /** Where the login host is set, for fixes (default "the region / login URL in record.config.json"). */
  hostSetting?: string;
  /** Attached to host errors (unreachable, no token). */
  hostLocation?: ErrorLocation;
  /** Attached to rejected credentials (default: the client id variable, when named). */
  credentialsLocation?: ErrorLocation;
}

export interface ClientCredentialsOptions extends ClientCredentials {
  /** e.g. `https://login.mypurecloud.ie` (the token URL is `<loginBaseUrl>/oauth/token`). */
  loginBaseUrl: string;
  /** Names of the environment variables the credentials came from, used in error messages. */
  clientIdEnv?: string;
  clientSecretEnv?: string;
  /** Stop reusing a token this long before it expires (default 60 s, at most a tenth of its lifetime). */
  refreshSkewMs?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Clock (epoch ms); injectable so tests can expire tokens. */
  now?: () => number;
  errors?: LoginErrorContext;
  /** Retries of a login answered 429 or 5xx (default: 5 retries, 500 ms doubling, at most 30 s per wait). */
  retry?: RetryPolicy;
  sleep?: Sleeper;
  random?: () => number;
  /** Called before each wait for a login retry (progress output). */
  onRetry?: (info: LoginRetryInfo) => void;
}

export interface LoginRetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  status: number;
  delayMs: number;
  retryAfterMs?: number;
  /** The Retry-After was longer than the policy's cap: the wait is the cap. */
  capped: boolean;
}

/** The login retry policy when the caller sets none. */
export const DEFAULT_LOGIN_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface AccessToken {
  accessToken: string;
  /** Epoch ms after which the token is no longer reused. */
  refreshAt: number;
}

/**
 * Replaces every occurrence of each secret (length >= 4; longest first, so a secret inside another is no leak)
 * with `replacement`, in every form it can take: raw, URL-encoded, JSON-escaped, HTML-escaped, base64 (./secrets).
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>, replacement = '[REDACTED]'): string {
  return new SecretScrubber(secrets, replacement).text(text);
}

/** The HTTP Basic credentials of an OAuth client (`Basic base64(id:secret)`). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export class ClientCredentialsTokenSource {
  private current: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  /** Requests sent to the login host so far (each retry of a login counts). */
  logins = 0;
  /** Every token this source has seen, so callers can scrub them from anything they write. */
  readonly issuedTokens = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The secrets to keep out of files and logs: the client secret, its Basic-auth form and every token issued. */
  secrets(): string[] {
    const { clientId, clientSecret } = this.options;
    return [clientSecret, basicAuthorization(clientId, clientSecret).slice('Basic '.length), ...this.issuedTokens];
  }

  /** A valid access token; logs in when there is none or it is about to expire. Concurrent callers share one login. */
  async getToken(): Promise<string> {
    const cur = this.current;
    if (cur !== undefined && this.now() < cur.refreshAt) return cur.accessToken;
    return (await this.refresh()).accessToken;
  }

  /**
   * Forces a new token unless another caller already replaced `rejected` (then that newer token is returned).
   * Used after a 401: the token may have been revoked before its expiry.
   */
  async forceRefresh(rejected: string): Promise<string> {
    const cur = this.current;
    if (cur !== undefined && cur.accessToken !== rejected && this.now() < cur.refreshAt) return cur.accessToken;
    if (cur?.accessToken === rejected) this.current = undefined;
    return (await this.refresh()).accessToken;
  }

  private refresh(): Promise<AccessToken> {
    if (this.inFlight === undefined) {
      this.inFlight = this.login().then(
        (token) => {
          this.current = token;
          this.inFlight = undefined;
          return token;
        },
        (error: unknown) => {
          this.inFlight = undefined;
          throw error;
        },
      );
    }
    return this.inFlight;
  }

  private async login(): Promise<AccessToken> {
    const { loginBaseUrl } = this.options;
    const ctx = this.options.errors ?? {};
    const code = (failure: LoginFailure): Code => ctx.codes?.[failure] ?? `auth.login.${failure}`;
    const url = `${loginBaseUrl.replace(/\/+$/, '')}/oauth/token`;
    const policy = this.options.retry ?? DEFAULT_LOGIN_RETRY;
    const sleep = this.options.sleep ?? realSleep;
    for (let retry = 0; ; retry++) {
      const res = await this.exchange(url, code);
      const transient = res.status === 429 || res.status >= 500;
      if (!transient || retry >= policy.maxRetries) return this.tokenFrom(res, url, code, retry + 1);
      const wait = retryWait(policy, retry, parseRetryAfter(res.retryAfter), this.options.random);
      this.options.onRetry?.({
        attempt: retry + 1,
        status: res.status,
        delayMs: wait.delayMs,
        ...(wait.retryAfterMs === undefined ? {} : { retryAfterMs: wait.retryAfterMs }),
        capped: wait.capped,
      });
      await sleep(wait.delayMs);
    }
  }

  /** One POST to the token endpoint, body read; a broken connection or a timeout (before or during the answer) is `unreachable`. */
  private async exchange(
    url: string,
    code: (failure: LoginFailure) => Code,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const { loginBaseUrl, clientId, clientSecret } = this.options;
    const ctx = this.options.errors ?? {};
    const hostSetting = ctx.hostSetting ?? 'the region / login URL in record.config.json';
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const signal = AbortSignal.timeout(timeoutMs);
    const fail = (error: unknown, phase: 'headers' | 'body'): CxpactError => {
      const timedOut = signal.aborted || (error as Error | undefined)?.name === 'TimeoutError';
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const why = timedOut
        ? phase === 'headers'
          ? `no answer within ${timeoutMs} ms`
          : `the answer did not finish within ${timeoutMs} ms`
        : `${phase === 'body' ? 'the connection broke during the answer: ' : ''}${cause ?? redactSecrets(messageOf(error), this.secrets())}`;
      return new CxpactError(code('unreachable'), `Cannot reach the login host ${loginBaseUrl} (${why}).`, {
        ...ctx.hostLocation,
        fix: `Check ${hostSetting} and the network (proxy, firewall).`,
      });
    };
    this.logins += 1;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: basicAuthorization(clientId, clientSecret),
        },
        body: 'grant_type=client_credentials',
        signal,
      });
    } catch (error) {
      throw fail(error, 'headers');
    }
    try {
      return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
    } catch (error) {
      throw fail(error, 'body');
    }
  }

  /** The token of a final login answer, or the error of its status. */
  private tokenFrom(
    res: { status: number; text: string },
    url: string,
    code: (failure: LoginFailure) => Code,
    attempts: number,
  ): AccessToken {
    const { loginBaseUrl } = this.options;
    const ctx = this.options.errors ?? {};
    const hostSetting = ctx.hostSetting ?? 'the region / login URL in record.config.json';
    const idEnv = this.options.clientIdEnv ?? 'the client id variable';
    const secretEnv = this.options.clientSecretEnv ?? 'the client secret variable';
    const { status, text } = res;
    if (status === 400 || status === 401 || status === 403) {
      throw new CxpactError(
        code('rejected'),
        `The login host ${loginBaseUrl} rejected the OAuth client credentials (HTTP ${status}${oauthErrorCode(text)}).`,
        {
          ...(ctx.credentialsLocation ??
            (this.options.clientIdEnv === undefined ? {} : { path: this.options.clientIdEnv })),
          fix: `Check ${idEnv} and ${secretEnv}: the OAuth client must exist in this region's org and use the Client Credentials grant.`,
        },
      );
    }
    if (status < 200 || status >= 300) {
      throw new CxpactError(
        code('failed'),
        `Login at ${url} failed with HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}.`,
        {
          fix: 'Retry later; if it persists, check the Genesys Cloud status page for the region.',
        },
      );
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) body = parsed;
    } catch {
      // handled below: no access_token
    }
    const accessToken = body['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new CxpactError(code('no-token'), `The login host answered ${url} without an access_token.`, {
        ...ctx.hostLocation,
        fix: `Check ${hostSetting}: the host does not behave like an OAuth token endpoint.`,
      });
    }
    this.issuedTokens.add(accessToken);
    const expiresIn = typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : 3600;
    const lifetime = expiresIn * 1000;
    const skew = Math.min(this.options.refreshSkewMs ?? 60_000, lifetime / 10);
    return { accessToken, refreshAt: this.now() + lifetime - skew };
  }
}

function oauthErrorCode(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return typeof body['error'] === 'string' ? `: ${body['error'].replace(/[^\w .-]/g, '').slice(0, 60)}` : '';
  } catch {
    return '';
  }
}

/**
 * Sends a request with `Authorization: Bearer <token>`; on a 401 it forces one token refresh and retries once.
 * `send` builds and sends the request for a given Authorization header value.
 */
export async function withBearerRetry<T extends { status: number }>(
  source: ClientCredentialsTokenSource,
  send: (authorization: string) => Promise<T>,
): Promise<T> {
  const token = await source.getToken();
  const first = await send(`Bearer ${token}`);
  if (first.status !== 401) return first;
  const fresh = await source.forceRefresh(token);
  return send(`Bearer ${fresh}`);
}
