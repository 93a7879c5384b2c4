// The Genesys Cloud login host half of the loopback fakes (test/genesys/fake-genesys.ts, test/recorded/fake-apis.ts):
// POST /oauth/token with the client credentials grant and HTTP Basic client authentication, tokens that expire and
// can be revoked. Runs inside the fake's real node:http server; no mocked HTTP client anywhere.
import type http from 'node:http';

export interface FakeLoginOptions {
  clientId: string;
  clientSecret: string;
  /** Token lifetime in seconds for the next login (read at every login, default 3600). */
  expiresIn?: () => number;
  /** Tokens are `<prefix><n>` (plus a random tail with randomTail). */
  tokenPrefix: string;
  randomTail?: boolean;
  /** `description` of the 401 answer to bad credentials (tests echo a secret here to prove it is never printed). */
  rejectDescription?: string;
  /** Wait before answering a login (widens the window for concurrent callers in single-flight tests). */
  delayMs?: number;
  /** Tokens are `mint(n)` instead (e.g. with `+` and `/`, to test every encoded form a token may be echoed in). */
  mint?: (n: number) => string;
}

/** One faulty login answer: a status (with a Retry-After), or headers followed by a body that never ends. */
export type LoginFault = { status: number; retryAfter?: string; stall?: undefined } | { stall: 'body' };

export class FakeLoginHost {
  /** Logins that issued a token. */
  logins = 0;
  /** Every token issued, so tests can assert none lands in a file or an output. */
  readonly issued: string[] = [];
  /** Live tokens -> expiry (epoch ms). */
  private readonly live = new Map<string, number>();
  /** Faults for the next logins: status (and Retry-After) each answers with. */
  private faults: LoginFault[] = [];
  /** Every request to /oauth/token (faulted or not): time of arrival. */
  readonly attempts: number[] = [];

  constructor(private readonly options: FakeLoginOptions) {}

  /** Answers `POST /oauth/token` and returns true; returns false for every other request. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, body: string): Promise<boolean> {
    if (req.method !== 'POST' || pathname !== '/oauth/token') return false;
    this.attempts.push(Date.now());
    const fault = this.faults.shift();
    if (fault?.stall === 'body') {
      // Headers, then a body that never ends (closed with the server).
      res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
      res.write('{"access_token": "');
      return true;
    }
    if (fault !== undefined) {
      res.writeHead(fault.status, {
        'Content-Type': 'application/json; charset=UTF-8',
        ...(fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }),
      });
      res.end(JSON.stringify({ error: fault.status === 429 ? 'too_many_requests' : 'temporarily_unavailable' }));
      return true;
    }
    const { clientId, clientSecret } = this.options;
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected || !body.includes('grant_type=client_credentials')) {
      json(res, 401, {
        error: 'invalid_client',
        description: this.options.rejectDescription ?? 'client not found or bad secret',
      });
      return true;
    }
    this.logins += 1;
    const token =
      this.options.mint?.(this.logins) ??
      `${this.options.tokenPrefix}${this.logins}${this.options.randomTail === true ? `-${Math.random().toString(36).slice(2, 12)}` : ''}`;
    const expiresIn = this.options.expiresIn?.() ?? 3600;
    this.live.set(token, Date.now() + expiresIn * 1000);
    this.issued.push(token);
    if (this.options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn });
    return true;
  }

  /** Whether an Authorization header carries a live (issued, unexpired, not revoked) bearer token. */
  accepts(authorization: string | undefined): boolean {
    const token = (authorization ?? '').startsWith('Bearer ') ? (authorization ?? '').slice('Bearer '.length) : '';
    const expiry = this.live.get(token);
    return expiry !== undefined && expiry >= Date.now();
  }

  /** The next logins answer these statuses (e.g. 429 with a Retry-After, 503) before a login succeeds again. */
  failNext(...faults: LoginFault[]): void {
    this.faults.push(...faults);
  }

  /** Invalidates every token issued so far (the API then answers 401). */
  revokeAll(): void {
    this.live.clear();
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
