// The example provider: a small CRM customer API (node:http, in-memory data) that the example Data Actions in
// data-actions/crm-customer-api/ call. Provider states seed the data through POST /_pact/provider-states.
// `renameCustomerId` starts the "breaking change" variant that returns customer_id instead of customerId.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { applyProviderState, type ProviderStateRequest } from './states';

export type AccountTier = 'Standard' | 'Premium' | 'VIP';

export interface Customer {
  customerId: string;
  fullName: string;
  phone: string;
  email: string;
  accountTier: AccountTier;
  openTickets: number;
  isBlacklisted: boolean;
}

export interface SupportCase {
  caseId: string;
  customerId: string;
  subject: string;
  description: string;
  priority: 'Low' | 'Normal' | 'High';
  status: 'Open';
  createdAt: string;
}

/** The in-memory data behind the API; provider states reset and seed it. */
export class CrmStore {
  readonly customers = new Map<string, Customer>();
  readonly cases = new Map<string, SupportCase>();

  constructor() {
    this.reset();
  }

  /** Back to the demo data set, so the API is useful when started by hand. */
  reset(): void {
    this.customers.clear();
    this.cases.clear();
    this.upsert({ customerId: 'C-1001', fullName: 'Ada Lovelace', phone: '+15551234567', email: 'ada@example.com', accountTier: 'Premium', openTickets: 2, isBlacklisted: false });
    this.upsert({ customerId: 'C-1002', fullName: 'Grace Hopper', phone: '+15557654321', email: 'grace@example.com', accountTier: 'VIP', openTickets: 0, isBlacklisted: false });
  }

  upsert(c: Customer): Customer {
    // One customer per phone number: seeding a phone replaces whoever had it.
    for (const [id, other] of this.customers) if (other.phone === c.phone && id !== c.customerId) this.customers.delete(id);
    this.customers.set(c.customerId, c);
    return c;
  }

  byPhone(phone: string): Customer | undefined {
    const wanted = normalisePhone(phone);
    for (const c of this.customers.values()) if (normalisePhone(c.phone) === wanted) return c;
    return undefined;
  }
}

/** Digits only, keeping a leading +: `+1 (555) 123-4567` and `+15551234567` are the same number. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

export interface CrmApiOptions {
  /** The breaking-change variant: `customerId` is returned as `customer_id`. */
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

/** Path prefixes the API also answers under, so `/api/v1/customers` and `/customers` are the same resource. */
const PREFIXES = ['/api/v1', '/v1', '/api'];

function stripPrefix(pathname: string): string {
  for (const p of PREFIXES) if (pathname === p || pathname.startsWith(`${p}/`)) return pathname.slice(p.length) || '/';
  return pathname;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
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

const TIERS: readonly AccountTier[] = ['Standard', 'Premium', 'VIP'];

/** The HTTP handler; exported so tests can mount it on their own server. */
export function createCrmHandler(options: CrmApiOptions = {}): { handler: http.RequestListener; store: CrmStore } {
  const store = options.store ?? new CrmStore();
  const view = (c: Customer): Record<string, unknown> => {
    const { customerId, ...rest } = c;
    return options.renameCustomerId === true ? { customer_id: customerId, ...rest } : { customerId, ...rest };
  };
  const handler: http.RequestListener = (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const route = stripPrefix(url.pathname).replace(/\/+$/, '') || '/';

      if (route === '/_pact/provider-states' && method === 'POST' && options.providerStates !== false) {
        const body = await readJson(req);
        if (!isRecord(body) || typeof body.state !== 'string') return send(res, 400, { error: 'expected {state, params, action}' });
        const result = applyProviderState(store, body as unknown as ProviderStateRequest);
        return send(res, 200, result);
      }
      if (route === '/' && method === 'GET') return send(res, 200, { service: 'crm-customer-api', status: 'ok' });

      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return send(res, 401, { error: 'unauthorized', message: 'A valid bearer token is required.' });
      }

      // GET /customers?phone=...   (also /customers/search?phone=...)
      if ((route === '/customers' || route === '/customers/search') && method === 'GET') {
        const phone = url.searchParams.get('phone') ?? url.searchParams.get('phoneNumber');
        if (phone === null || phone.trim() === '') return send(res, 400, { error: 'bad_request', message: 'query parameter phone is required' });
        const c = store.byPhone(phone);
        if (c === undefined) return send(res, 404, { error: 'not_found', message: `No customer with phone ${phone}` });
        return send(res, 200, view(c));
      }

      const customerMatch = /^\/customers\/([^/]+)$/.exec(route);
      if (customerMatch !== null) {
        const id = decodeURIComponent(customerMatch[1]!);
        const c = store.customers.get(id);
        if (method === 'GET') return c === undefined ? send(res, 404, { error: 'not_found', message: `No customer ${id}` }) : send(res, 200, view(c));
        if (method === 'PATCH' || method === 'PUT') {
          if (c === undefined) return send(res, 404, { error: 'not_found', message: `No customer ${id}` });
          const body = await readJson(req);
          if (!isRecord(body)) return send(res, 400, { error: 'bad_request', message: 'body must be a JSON object' });
          const problems: string[] = [];
          const next: Customer = { ...c };
          if (body.accountTier !== undefined) {
            if (TIERS.includes(body.accountTier as AccountTier)) next.accountTier = body.accountTier as AccountTier;
            else problems.push(`accountTier must be one of ${TIERS.join(', ')}`);
          }
          for (const key of ['fullName', 'email', 'phone'] as const) {
            if (body[key] !== undefined) {
              if (typeof body[key] === 'string') next[key] = body[key] as string;
              else problems.push(`${key} must be a string`);
            }
          }
          if (body.isBlacklisted !== undefined) {
            if (typeof body.isBlacklisted === 'boolean') next.isBlacklisted = body.isBlacklisted;
            else problems.push('isBlacklisted must be a boolean');
          }
          if (problems.length > 0) return send(res, 400, { error: 'bad_request', message: problems.join('; ') });
          store.upsert(next);
          return send(res, 200, view(next));
        }
      }

      // POST /customers/{id}/cases  or  POST /cases {customerId}
      const casesMatch = /^\/customers\/([^/]+)\/cases$/.exec(route);
      if ((casesMatch !== null || route === '/cases') && method === 'POST') {
        const body = await readJson(req);
        if (!isRecord(body)) return send(res, 400, { error: 'bad_request', message: 'body must be a JSON object' });
        const id = casesMatch !== null ? decodeURIComponent(casesMatch[1]!) : String(body.customerId ?? body.customer_id ?? '');
        const c = store.customers.get(id);
        if (c === undefined) return send(res, 404, { error: 'not_found', message: `No customer ${id}` });
        const subject = typeof body.subject === 'string' ? body.subject : '';
        if (subject === '') return send(res, 400, { error: 'bad_request', message: 'subject is required' });
        const priority = body.priority === 'Low' || body.priority === 'High' ? body.priority : 'Normal';
        const created: SupportCase = {
          caseId: `CASE-${randomUUID().slice(0, 8).toUpperCase()}`,
          customerId: c.customerId,
          subject,
          description: typeof body.description === 'string' ? body.description : '',
          priority,
          status: 'Open',
          createdAt: new Date().toISOString(),
        };
        store.cases.set(created.caseId, created);
        store.upsert({ ...c, openTickets: c.openTickets + 1 });
        const { customerId, ...rest } = created;
        return send(res, 201, options.renameCustomerId === true ? { ...rest, customer_id: customerId } : created);
      }

      return send(res, 404, { error: 'not_found', message: `No route for ${method} ${url.pathname}` });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, error instanceof SyntaxError ? 400 : 500, { error: error instanceof SyntaxError ? 'bad_request' : 'internal', message: String(error) });
    });
  };
  return { handler, store };
}

/** Starts the API on 127.0.0.1 (port 0 picks a free port). */
export async function startCrmApi(options: CrmApiOptions & { port?: number; host?: string } = {}): Promise<RunningCrmApi> {
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
