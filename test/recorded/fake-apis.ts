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
  /** The next n API requests answer 429 (the first one with Retry-After: retryAfter when set; a list sets one per answer). */
  storm(n: number, retryAfter?: string | string[]): void;
  /** The next n API requests never answer (`headers`), or send their headers and never finish the body (`body`). */
  stall(n: number, where: 'headers' | 'body'): void;
  /** The login host half: `login.failNext(...)` makes logins answer 429/5xx, `login.attempts` counts every try. */
  login: FakeLoginHost;
  /**
   * The API echoes the bearer token in every form a careless API might: URL-encoded (either hex case), JSON-escaped
   * inside a string, HTML-escaped, base64 and base64url (alone and inside a longer encoded value), in the body of
   * the queue answer, in response headers, and in a text/html 404 page.
   */
  echoEncoded: boolean;
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

/** Every form of `token` the echoing API writes (what a recording must contain none of). */
export function encodedForms(token: string): Record<string, string> {
  const b64 = Buffer.from(token).toString('base64');
  return {
    raw: token,
    urlEncoded: encodeURIComponent(token),
    urlEncodedLower: encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    doubleUrlEncoded: encodeURIComponent(encodeURIComponent(token)),
    formEncoded: new URLSearchParams({ t: token }).toString().slice(2),
    jsonSlash: token.replace(/\//g, '\\/'),
    jsonUnicode: token.replace(/\+/g, '\\u002b').replace(/\//g, '\\u002F'),
    html: token.replace(/\+/g, '&#43;').replace(/\//g, '&#x2f;'),
    base64: b64,
    base64url: Buffer.from(token).toString('base64url'),
    base64Embedded: Buffer.from(`session:${token}:end`).toString('base64'),
  };
}

export async function startFakeApis(options: { tokens?: 'plain' | 'tricky' } = {}): Promise<FakeApis> {
  let storm = 0;
  let stormRetryAfter: string[] = [];
  let fail = 0;
  let failStatus = 503;
  let stall = 0;
  let stallWhere: 'headers' | 'body' = 'headers';
  const stalled: http.ServerResponse[] = [];
  // Tricky tokens hold `+`, `/` and `=`, so their encoded forms differ from the raw one (tok%2B1%2Fsecret...).
  const mint =
    options.tokens === 'tricky'
      ? (n: number) => `tok+${n}/s3cret=${Math.random().toString(36).slice(2, 14)}`
      : undefined;
  const login = new FakeLoginHost({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenPrefix: 'tok-',
    randomTail: true,
    expiresIn: () => state.expiresIn,
    ...(mint === undefined ? {} : { mint }),
  });
  const state: FakeApis = {
    url: '',
    get logins() {
      return login.logins;
    },
    requests: [],
    expiresIn: 3600,
    storm(n, retryAfter) {
      storm = n;
      stormRetryAfter = retryAfter === undefined ? [] : Array.isArray(retryAfter) ? [...retryAfter] : [retryAfter];
    },
    stall(n, where) {
      stall = n;
      stallWhere = where;
    },
    login,
    echoEncoded: false,
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
  const json = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
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
      state.requests.push({
        path: u.pathname,
        at: Date.now(),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      if (stall > 0) {
        stall -= 1;
        stalled.push(res);
        if (stallWhere === 'body') {
          res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
          res.write('{"results": [');
        }
        return; // answered never (closed with the server)
      }
      if (storm > 0) {
        storm -= 1;
        const h: Record<string, string> = {};
        const ra = stormRetryAfter.shift();
        if (ra !== undefined) h['Retry-After'] = ra;
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
          const forms = encodedForms(token);
          if (m[1] === OK_QUEUE) {
            json(
              res,
              200,
              {
                results: [{ intent: 'OFFER', formula: 'BEST', estimatedWaitTimeSeconds: 42 }],
                // The API echoes things a recording must never keep.
                ...(state.echoDebug
                  ? { debug: { requestedBy: 'agent.smith@example.com', authorization: `Bearer ${token}` } }
                  : {}),
                // ...in places no redact.bodyPaths names, in every encoding.
                ...(state.echoEncoded
                  ? {
                      links: {
                        self: `https://api.example.com/next?access_token=${forms.urlEncoded}&x=1`,
                        lower: `?t=${forms.urlEncodedLower}`,
                        twice: `?u=${forms.doubleUrlEncoded}`,
                        form: `t=${forms.formEncoded}`,
                      },
                      // A JSON document inside a string, escaped as some serialisers do (\/ and \u002b).
                      payload: `{"auth":"${forms.jsonSlash}","again":"${forms.jsonUnicode}"}`,
                      html: `<a href="/x?t=${forms.html}">x</a>`,
                      session: forms.base64,
                      cookie: forms.base64url,
                      state: forms.base64Embedded,
                    }
                  : {}),
              },
              {
                'Set-Cookie': 'ININ-session=cookie-secret-abc123; HttpOnly',
                'ININ-Correlation-Id': 'c0ffee00-1111-2222-3333-444455556666',
                ...(state.echoEncoded
                  ? {
                      Link: `<https://api.example.com/next?access_token=${forms.urlEncoded}>; rel="next"`,
                      'X-Echo': forms.base64,
                    }
                  : {}),
              },
            );
          } else if (state.echoEncoded) {
            res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8' });
            res.end(
              `<html><body>Queue not found. Request: GET /x?access_token=${forms.urlEncoded} auth=${forms.html} json={"t":"${forms.jsonUnicode}"} b=${forms.base64url}</body></html>`,
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
          json(res, 200, {
            [id]: 'C-1001',
            fullName: 'Ada Lovelace',
            email: 'ada@example.com',
            accountTier: 'Premium',
            openTickets: 2,
          });
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
      for (const r of stalled.splice(0)) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
