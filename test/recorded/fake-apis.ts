// A real node:http server on 127.0.0.1 playing the third-party side: a Genesys Cloud login host (/oauth/token,
// client credentials with HTTP Basic) and the Public API path the example Data Action calls, plus a vendor CRM
// with an API key. Knobs for faults: 429 storms with Retry-After, 5xx, expiring and revoked tokens, renames.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeLoginHost } from '../genesys/fake-login-host';

export const CLIENT_ID = 'client-id-7f3a91';
export const CLIENT_SECRET = 'cs-SUPER-secret-9d8c7b6a5f4e';
export const CRM_API_KEY = 'crm-key-Zx81-secret-42';
export const OK_QUEUE = '6f1d2a4e-3b7c-4d8e-9f10-1a2b3c4d5e6f';

export interface FakeApis {
  url: string;
  /** Logins at /oauth/token that issued a token. */
  readonly logins: number;
  /** Every API request: path, time and the Authorization it carried. */
  requests: Array<{ path: string; at: number; authorization?: string }>;
  /** Token lifetime in seconds for the next logins. */
  expiresIn: number;
  /** The next n API requests answer 429 (the first one with Retry-After: retryAfter when set). */
  storm(n: number, retryAfter?: string): void;
  /** The next n API requests answer `status` (5xx). */
  failNext(n: number, status: number): void;
  /** Invalidates every token issued so far (the API then answers 401). */
  revokeAll(): void;
  /** The CRM renames customerId to customer_id. */
  renamed: boolean;
  /** Echo PII and the token in a `debug` field of the queue answer (default true). */
  echoDebug: boolean;
  /** Tokens issued (so tests can assert none of them lands in a file). */
  tokens: string[];
  close(): Promise<void>;
}

export async function startFakeApis(): Promise<FakeApis> {
  let storm = 0;
  let stormRetryAfter: string | undefined;
  let fail = 0;
  let failStatus = 503;
  const login = new FakeLoginHost({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenPrefix: 'tok-', randomTail: true, expiresIn: () => state.expiresIn });
  const state: FakeApis = {
    url: '',
    get logins() {
      return login.logins;
    },
    requests: [],
    expiresIn: 3600,
    storm(n, retryAfter) {
      storm = n;
      stormRetryAfter = retryAfter;
    },
    failNext(n, status) {
      fail = n;
      failStatus = status;
    },
    revokeAll() {
      login.revokeAll();
    },
    renamed: false,
    echoDebug: true,
    tokens: login.issued,
    close: async () => undefined,
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      if (await login.handle(req, res, u.pathname, body)) return;
      state.requests.push({ path: u.pathname, at: Date.now(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      if (storm > 0) {
        storm -= 1;
        const h: Record<string, string> = {};
        if (stormRetryAfter !== undefined) {
          h['Retry-After'] = stormRetryAfter;
          stormRetryAfter = undefined;
        }
        json(res, 429, { message: 'Rate limit exceeded the maximum', code: 'too.many.requests', status: 429 }, h);
        return;
      }
      if (fail > 0) {
        fail -= 1;
        json(res, failStatus, { message: 'upstream unavailable', status: failStatus });
        return;
      }
      if (u.pathname.startsWith('/api/v2/')) {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!login.accepts(req.headers.authorization)) {
          json(res, 401, { message: 'Authentication failed', code: 'authentication.required', status: 401 });
          return;
        }
        const m = /^\/api\/v2\/routing\/queues\/([^/]+)\/mediatypes\/call\/estimatedwaittime$/.exec(u.pathname);
        if (m !== null && req.method === 'GET') {
          if (m[1] === OK_QUEUE) {
            json(
              res,
              200,
              {
                results: [{ intent: 'OFFER', formula: 'BEST', estimatedWaitTimeSeconds: 42 }],
                // The API echoes things a recording must never keep.
                ...(state.echoDebug ? { debug: { requestedBy: 'agent.smith@example.com', authorization: `Bearer ${token}` } } : {}),
              },
              { 'Set-Cookie': 'ININ-session=cookie-secret-abc123; HttpOnly', 'ININ-Correlation-Id': 'c0ffee00-1111-2222-3333-444455556666' },
            );
          } else {
            json(res, 404, { message: `Queue ${m[1]} not found`, code: 'not.found', status: 404 });
          }
          return;
        }
        json(res, 404, { message: 'no such route', status: 404 });
        return;
      }
      if (u.pathname.startsWith('/v1/')) {
        if (req.headers['x-api-key'] !== CRM_API_KEY) {
          json(res, 401, { error: 'bad api key' });
          return;
        }
        const id = state.renamed ? 'customer_id' : 'customerId';
        if (u.pathname === '/v1/customers' && req.method === 'GET' && u.searchParams.get('phone') === '+15551234567') {
          json(res, 200, { [id]: 'C-1001', fullName: 'Ada Lovelace', email: 'ada@example.com', accountTier: 'Premium', openTickets: 2 });
          return;
        }
        if (u.pathname === '/v1/customers/C-1001/cases' && req.method === 'POST') {
          const sent = JSON.parse(body || '{}') as Record<string, unknown>;
          json(res, 201, { caseId: 'CASE-9', [id]: 'C-1001', status: 'Open', subject: sent.subject });
          return;
        }
        json(res, 404, { error: 'not found' });
        return;
      }
      json(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
