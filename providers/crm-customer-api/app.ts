// The example provider: a small CRM customer API (node:http, in-memory data) that honours the contracts of the
// example Data Actions in data-actions/crm-customer-api/ (lookup by phone, open tickets, create case, update
// account). Provider states seed the data (store.ts) through POST /_pact/provider-states (see states.ts).
// The customer object carries its identifier as `customerId`. `renameCustomerId` starts the "breaking change"
// variant: the backend renames `customerId` to `customer_id` (in the customer object and in a created case),
// which the verifier must catch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyProviderState, type ProviderStateRequest } from './states';
import { CrmStore, type Account, type Customer, type SupportCase } from './store';

export {
  CrmStore,
  demoCustomer,
  normalisePhone,
  type Account,
  type AccountTier,
  type Customer,
  type SupportCase,
  type Ticket,
} from './store';

export interface CrmApiOptions {
  /** The breaking-change variant: the customer's `customerId` comes back as `customer_id`. */
  renameCustomerId?: boolean;
  /** When set, every API call needs `Authorization: Bearer <token>` (the verifier injects it from env). */
  token?: string;
  /** Exposes POST /_pact/provider-states. On by default; a production deployment would turn it off. */
  providerStates?: boolean;
  store?: CrmStore;
}

export interface RunningCrmApi {
  url: string;
  port: number;
  store: CrmStore;
  server: http.Server;
  close(): Promise<void>;
}

/** The API lives under /api/v1 (as the Data Actions call it); the same routes also answer without the prefix. */
const PREFIXES = ['/api/v1'];

function stripPrefix(pathname: string): string {
  for (const p of PREFIXES) if (pathname === p || pathname.startsWith(`${p}/`)) return pathname.slice(p.length) || '/';
  return pathname;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  return JSON.parse(text) as unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes `$.a.b` paths from a response body (only plain dotted paths; others are ignored). */
function omit(body: Record<string, unknown>, paths: Iterable<string>): Record<string, unknown> {
  for (const p of paths) {
    const parts = p.replace(/^\$\.?/, '').split('.');
    if (parts.some((s) => s === '' || /[[\]()*?@]/.test(s))) continue;
    let node: unknown = body;
    for (const key of parts.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
    if (isRecord(node)) delete node[parts[parts.length - 1]!];
  }
  return body;
}

const LANGUAGES = ['en-US', 'es-US', 'fr-CA'] as const;

/** The HTTP handler; exported so tests can mount it on their own server. */
export function createCrmHandler(options: CrmApiOptions = {}): { handler: http.RequestListener; store: CrmStore } {
  const store = options.store ?? new CrmStore();
  const customerView = (c: Customer): Record<string, unknown> => {
    const { id, tickets: _t, phone: _p, products: _pr, preferences: _pf, lifetimeValue: _lv, ...rest } = c;
    // The API names the identifier `customerId`; the breaking variant renames it to `customer_id`.
    const customer = options.renameCustomerId === true ? { customer_id: id, ...rest } : { customerId: id, ...rest };
    return omit({ customer: structuredClone(customer) }, store.omitted);
  };
  const handler: http.RequestListener = (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const route = stripPrefix(url.pathname).replace(/\/+$/, '') || '/';

      if (route === '/_pact/provider-states' && method === 'POST' && options.providerStates !== false) {
        const body = await readJson(req);
        if (!isRecord(body) || typeof body.state !== 'string')
          return send(res, 400, { error: 'expected {state, params, action}' });
        return send(res, 200, applyProviderState(store, body as unknown as ProviderStateRequest));
      }
      if (route === '/' && method === 'GET') return send(res, 200, { service: 'crm-customer-api', status: 'ok' });

      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return send(res, 401, { error: 'unauthorized', message: 'A valid bearer token is required.' });
      }
      if (store.unavailable) return send(res, 503, { error: 'service unavailable', message: 'Service Unavailable' });

      // GET /customers?phone=+15551234567
      if (route === '/customers' && method === 'GET') {
        const phone = url.searchParams.get('phone');
        if (phone === null || phone.trim() === '')
          return send(res, 400, { error: 'query parameter phone is required' });
        const c = store.byPhone(phone);
        if (c === undefined) return send(res, 404, { error: 'customer not found' });
        return send(res, 200, customerView(c));
      }

      // GET /customers/{id}, /customers/{id}/tickets and /customers/{id}/profile
      const customerMatch = /^\/customers\/([^/]+)(\/tickets|\/profile)?$/.exec(route);
      if (customerMatch !== null && method === 'GET') {
        const c = store.customers.get(decodeURIComponent(customerMatch[1]!));
        if (c === undefined) return send(res, 404, { error: 'customer not found' });
        if (customerMatch[2] === undefined) return send(res, 200, customerView(c));
        if (customerMatch[2] === '/tickets')
          return send(res, 200, omit({ tickets: structuredClone(c.tickets) }, store.omitted));
        const [firstName, ...last] = c.fullName.split(' ');
        const profile = {
          profile: {
            firstName: firstName ?? '',
            lastName: last.join(' '),
            segment: c.tier,
            preferences: structuredClone(c.preferences),
            metrics: { lifetimeValue: c.lifetimeValue, since: c.createdAt.slice(0, 10) },
          },
          products: structuredClone(c.products),
        };
        return send(res, 200, omit(profile, store.omitted));
      }

      // POST /cases {customerId, subject, priority, channel}
      if (route === '/cases' && method === 'POST') {
        const body = await readJson(req);
        if (!isRecord(body)) return send(res, 400, { error: 'body must be a JSON object' });
        const problems: string[] = [];
        if (typeof body.customerId !== 'string' || body.customerId === '') problems.push('customerId is required');
        if (typeof body.subject !== 'string' || body.subject === '') problems.push('subject is required');
        if (
          typeof body.priority !== 'number' ||
          !Number.isInteger(body.priority) ||
          body.priority < 1 ||
          body.priority > 5
        ) {
          problems.push('priority must be an integer from 1 to 5');
        }
        if (problems.length > 0) return send(res, 400, { error: problems.join('; ') });
        const c = store.customers.get(body.customerId as string);
        if (c === undefined) return send(res, 404, { error: 'customer not found' });
        const caseNumber = store.takeCaseNumber();
        const created: SupportCase = {
          id: `CASE-${caseNumber}`,
          caseNumber,
          customerId: c.id,
          subject: body.subject as string,
          priority: body.priority as number,
          channel: typeof body.channel === 'string' ? body.channel : 'unknown',
          status: 'New',
          createdAt: new Date().toISOString(),
          owner: { queue: (body.priority as number) <= 2 ? 'Tier 1' : 'Tier 2' },
        };
        store.cases.set(created.id, created);
        c.openTickets = (c.openTickets ?? 0) + 1;
        const { customerId, ...rest } = created;
        const view = options.renameCustomerId === true ? { ...rest, customer_id: customerId } : created;
        return send(res, 201, omit(structuredClone(view) as unknown as Record<string, unknown>, store.omitted));
      }

      // PATCH /accounts/{id} {preferredLanguage, callbackOptIn}
      const accountMatch = /^\/accounts\/([^/]+)$/.exec(route);
      if (accountMatch !== null && (method === 'PATCH' || method === 'GET')) {
        const account = store.accounts.get(decodeURIComponent(accountMatch[1]!));
        if (account === undefined) return send(res, 404, { error: 'account not found' });
        if (method === 'PATCH') {
          const body = await readJson(req);
          if (!isRecord(body)) return send(res, 400, { error: 'body must be a JSON object' });
          const problems: string[] = [];
          if (body.preferredLanguage !== undefined) {
            if (LANGUAGES.includes(body.preferredLanguage as Account['preferredLanguage']))
              account.preferredLanguage = body.preferredLanguage as Account['preferredLanguage'];
            else problems.push(`preferredLanguage must be one of ${LANGUAGES.join(', ')}`);
          }
          if (body.callbackOptIn !== undefined) {
            if (typeof body.callbackOptIn === 'boolean') account.callbackOptIn = body.callbackOptIn;
            else problems.push('callbackOptIn must be a boolean');
          }
          if (problems.length > 0) return send(res, 400, { error: problems.join('; ') });
        }
        return send(res, 200, omit({ account: structuredClone(account) }, store.omitted));
      }

      return send(res, 404, { error: `no route for ${method} ${url.pathname}` });
    })().catch((error: unknown) => {
      if (!res.headersSent) {
        const bad = error instanceof SyntaxError;
        send(res, bad ? 400 : 500, { error: bad ? 'malformed JSON body' : 'internal error', message: String(error) });
      }
    });
  };
  return { handler, store };
}

/** Starts the API on 127.0.0.1 (port 0 picks a free port). */
export async function startCrmApi(
  options: CrmApiOptions & { port?: number; host?: string } = {},
): Promise<RunningCrmApi> {
  const { handler, store } = createCrmHandler(options);
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    store,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
