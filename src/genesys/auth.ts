// OAuth client-credentials login for the Genesys Cloud Platform API.
// The token is reused until shortly before it expires; concurrent callers share one refresh (single flight);
// the client calls `invalidate` after a 401 so the next call logs in again. Secrets never appear in messages.
import { CxpactError } from '../shared/errors';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenProviderOptions extends ClientCredentials {
  /** `https://login.<region-domain>` or a loopback URL in tests. */
  loginBase: string;
  /** Refresh this long before expiry (default 60 s, capped at a tenth of the token lifetime). */
  refreshSkewMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  /** When to stop reusing it (epoch ms). */
  refreshAt: number;
}

/** Replaces every occurrence of each secret (and its Basic-auth form) with `***`. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/** Reads GENESYS_CLOUD_CLIENT_ID / GENESYS_CLOUD_CLIENT_SECRET; a clear error names the missing variable. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): ClientCredentials {
  const clientId = env['GENESYS_CLOUD_CLIENT_ID'] ?? '';
  const clientSecret = env['GENESYS_CLOUD_CLIENT_SECRET'] ?? '';
  const missing = [clientId === '' ? 'GENESYS_CLOUD_CLIENT_ID' : undefined, clientSecret === '' ? 'GENESYS_CLOUD_CLIENT_SECRET' : undefined].filter(
    (v): v is string => v !== undefined,
  );
  if (missing.length > 0) {
    throw new CxpactError('genesys.auth.missing-credentials', `Missing OAuth client credentials: ${missing.join(', ')} not set.`, {
      path: missing.join(', '),
      fix: 'Create an OAuth client (grant type Client Credentials, role with integrations:action:view/execute) in Genesys Cloud Admin and export its id and secret in those variables.',
    });
  }
  return { clientId, clientSecret };
}

export class TokenProvider {
  private cached: CachedToken | undefined;
  private inFlight: Promise<string> | undefined;
  /** How many times a token was requested from the login host (observable in tests). */
  logins = 0;
  private readonly now: () => number;

  constructor(private readonly options: TokenProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A valid bearer token; logs in when there is none or it is about to expire. Concurrent callers share one login. */
  async getToken(): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.refreshAt) return this.cached.token;
    if (this.inFlight === undefined) {
      this.inFlight = this.login().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** Forget `token` (after a 401) so the next getToken logs in again; a newer token is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async login(): Promise<string> {
    const { loginBase, clientId, clientSecret } = this.options;
    const url = `${loginBase}/oauth/token`;
    this.logins += 1;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new CxpactError('genesys.auth.unreachable', `Cannot reach the Genesys Cloud login host ${loginBase}: ${(error as Error).message}.`, {
        path: 'GENESYS_CLOUD_REGION',
        fix: 'Check the region (GENESYS_CLOUD_REGION / --region) and the network; behind a proxy, use --login-url.',
      });
    }
    const text = await response.text();
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new CxpactError(
        'genesys.auth.invalid-credentials',
        `The login host rejected the OAuth client credentials (HTTP ${response.status}${oauthError(text)}).`,
        {
          path: 'GENESYS_CLOUD_CLIENT_ID',
          fix: 'Check GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET, that the OAuth client uses the Client Credentials grant, and that it belongs to the org of this region.',
        },
      );
    }
    if (!response.ok) {
      throw new CxpactError('genesys.auth.failed', `Login failed with HTTP ${response.status} from ${url}.`, {
        fix: 'Retry later; if it persists, check the Genesys Cloud status page for the region.',
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const token = record['access_token'];
    if (typeof token !== 'string' || token === '') {
      throw new CxpactError('genesys.auth.failed', `The login host answered without an access_token (${url}).`, {
        fix: 'Check --login-url / the region: the host does not behave like a Genesys Cloud login host.',
      });
    }
    const expiresIn = typeof record['expires_in'] === 'number' ? record['expires_in'] : 3600;
    const lifetimeMs = expiresIn * 1000;
    const skew = Math.min(this.options.refreshSkewMs ?? 60_000, lifetimeMs / 10);
    this.cached = { token, refreshAt: this.now() + lifetimeMs - skew };
    return token;
  }
}

function oauthError(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const code = typeof body['error'] === 'string' ? body['error'] : undefined;
    return code === undefined ? '' : `: ${code.replace(/[^\w .-]/g, '').slice(0, 60)}`;
  } catch {
    return '';
  }
}
