// OAuth 2.0 client credentials (RFC 6749 §4.4) as the Genesys Cloud login host speaks it:
// `POST <login>/oauth/token`, `grant_type=client_credentials`, HTTP Basic client authentication.
// The token is reused until shortly before it expires; concurrent callers share one refresh (single flight);
// `fetchWithToken` retries once after a 401 with a forced refresh. Messages never contain the secret or a token.
import { CxpactError, messageOf } from '../shared/errors';

export interface ClientCredentialsOptions {
  /** e.g. `https://login.mypurecloud.ie` (the token URL is `<loginBaseUrl>/oauth/token`). */
  loginBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Names of the environment variables the credentials came from, used in error messages. */
  clientIdEnv?: string;
  clientSecretEnv?: string;
  /** Stop reusing a token this long before it expires (default 60 s, at most a tenth of its lifetime). */
  refreshSkewMs?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Clock (epoch ms); injectable so tests can expire tokens. */
  now?: () => number;
}

export interface AccessToken {
  accessToken: string;
  /** Epoch ms after which the token is no longer reused. */
  refreshAt: number;
}

/** Replaces every occurrence of each secret (length >= 4) with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s === undefined || s.length < 4) continue;
    out = out.split(s).join('[REDACTED]');
  }
  return out;
}

export class ClientCredentialsTokenSource {
  private current: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  /** Tokens issued by the login host so far (how many logins happened). */
  logins = 0;
  /** Every token this source has seen, so callers can scrub them from anything they write. */
  readonly issuedTokens = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The secrets to keep out of files and logs: the client secret and every token issued. */
  secrets(): string[] {
    return [this.options.clientSecret, ...this.issuedTokens];
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
    const { loginBaseUrl, clientId, clientSecret } = this.options;
    const idEnv = this.options.clientIdEnv ?? 'the client id variable';
    const secretEnv = this.options.clientSecretEnv ?? 'the client secret variable';
    const url = `${loginBaseUrl.replace(/\/+$/, '')}/oauth/token`;
    this.logins += 1;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CxpactError('auth.login.unreachable', `Cannot reach the login host ${loginBaseUrl} (${cause ?? scrub(messageOf(error), this.options)}).`, {
        fix: 'Check the region / login URL in record.config.json and the network (proxy, firewall).',
      });
    }
    const text = await res.text();
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new CxpactError(
        'auth.login.rejected',
        `The login host ${loginBaseUrl} rejected the OAuth client credentials (HTTP ${res.status}${oauthErrorCode(text)}).`,
        {
          fix: `Check ${idEnv} and ${secretEnv}: the OAuth client must exist in this region's org and use the Client Credentials grant.`,
        },
      );
    }
    if (!res.ok) {
      throw new CxpactError('auth.login.failed', `Login at ${url} failed with HTTP ${res.status}.`, {
        fix: 'Retry later; if it persists, check the vendor status page for the region.',
      });
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // handled below: no access_token
    }
    const accessToken = body['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new CxpactError('auth.login.no-token', `The login host answered ${url} without an access_token.`, {
        fix: 'Check the login URL: it does not behave like an OAuth token endpoint.',
      });
    }
    this.issuedTokens.add(accessToken);
    const expiresIn = typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : 3600;
    const lifetime = expiresIn * 1000;
    const skew = Math.min(this.options.refreshSkewMs ?? 60_000, lifetime / 10);
    return { accessToken, refreshAt: this.now() + lifetime - skew };
  }
}

function scrub(text: string, o: ClientCredentialsOptions): string {
  return redactSecrets(text, [o.clientSecret]);
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
