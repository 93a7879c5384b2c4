// The broker as a library app: a Hono application over a BrokerStore. `app.fetch(request)` answers a standard
// Request with a Response and `app.request(path, init)` does the same for a path, so the whole broker is testable
// without a socket; the one socket lives in server.ts. The routes are one file per resource in routes/.
import crypto from 'node:crypto';
import { Hono } from 'hono';
import { DEFAULT_MAX_BODY_BYTES, hal, Routes, WRITE_METHODS, type BrokerAppOptions, type BrokerAuthConfig, type BrokerEnv, type Ctx } from './context';
import { badRequest, HttpError, Links } from './http';
import { registerRoutes } from './routes';
import { StoreConflictError, StoreInputError } from './store/sql';
import type { BrokerStore } from './store/types';
import { WebhookDispatcher } from './webhooks';

export { DEFAULT_MAX_BODY_BYTES, type BrokerAppOptions, type BrokerAuthConfig } from './context';

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export function hasCredentials(a: BrokerAuthConfig | undefined): boolean {
  return a !== undefined && (a.token !== undefined || a.readOnlyToken !== undefined || a.basic !== undefined || a.readOnlyBasic !== undefined);
}

export class BrokerApp {
  readonly hono: Hono<BrokerEnv>;
  readonly store: BrokerStore;
  readonly webhooks: WebhookDispatcher;
  readonly maxBodyBytes: number;
  private readonly opts: BrokerAppOptions;
  private readonly fixedBase: string | undefined;
  /** The path of --base-url (http://host/pb -> /pb): requests under it are served without it. */
  readonly prefix: string;

  constructor(store: BrokerStore, opts: BrokerAppOptions = {}) {
    this.store = store;
    this.opts = opts;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.webhooks = new WebhookDispatcher(store, { retryDelaysMs: opts.webhookRetryDelaysMs, timeoutMs: opts.webhookTimeoutMs, log: opts.log });
    this.fixedBase = opts.baseUrl?.replace(/\/+$/, '');
    this.prefix = this.fixedBase === undefined ? '' : new URL(this.fixedBase).pathname.replace(/\/+$/, '');

    const app = new Hono<BrokerEnv>({ strict: false });
    app.use('*', async (c, next) => {
      const url = new URL(c.req.url);
      c.set('links', new Links(this.fixedBase ?? url.origin));
      c.set('query', url.searchParams);
      this.authorize(c);
      let body = Buffer.alloc(0);
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
        body = Buffer.from(await c.req.arrayBuffer());
        if (body.length > this.maxBodyBytes) {
          throw new HttpError(413, { error: `Request body of ${body.length} bytes exceeds the limit of ${this.maxBodyBytes} bytes (--max-body-bytes).` });
        }
      }
      c.set('body', body);
      for (const part of url.pathname.split('/')) {
        try {
          decodeURIComponent(part);
        } catch {
          throw badRequest({ path: [`The path ${url.pathname} is not valid percent-encoding.`] });
        }
      }
      await next();
    });
    registerRoutes(new Routes(app, { store, webhooks: this.webhooks, opts }));
    app.notFound((c) => hal(404, { error: `No resource at ${new URL(c.req.url).pathname}` }));
    app.onError((error) => this.errorResponse(error));
    this.hono = app;
  }

  get authEnabled(): boolean {
    return hasCredentials(this.opts.auth);
  }

  /** Answers one request. Paths under the --base-url path (context path) are served without it. */
  fetch = async (request: Request): Promise<Response> => {
    if (this.prefix !== '') {
      const url = new URL(request.url);
      if (url.pathname === this.prefix || url.pathname.startsWith(this.prefix + '/')) {
        url.pathname = url.pathname.slice(this.prefix.length) || '/';
        const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
        request = new Request(url, { method: request.method, headers: request.headers, body });
      }
    }
    return this.hono.fetch(request);
  };

  /** Like Hono's `app.request`: a path (on http://localhost) or full URL, answered without a socket. */
  request(input: string | URL, init?: RequestInit): Promise<Response> {
    const url = input instanceof URL ? input : new URL(input, 'http://localhost');
    return this.fetch(new Request(url, init));
  }

  /** Stops webhook executions (the store is closed by its owner). */
  close(): void {
    this.webhooks.close();
  }

  private errorResponse(error: unknown): Response {
    if (error instanceof HttpError) return hal(error.status, error.body, error.extraHeaders);
    if (error instanceof StoreConflictError) return hal(409, { errors: { conflict: [error.message] } });
    if (error instanceof StoreInputError) return hal(400, { errors: { input: [error.message] } });
    const reference = crypto.randomBytes(5).toString('hex');
    this.opts.log?.(`[broker] error ${reference}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return hal(500, { error: { message: `An error occurred (${error instanceof Error ? error.message : String(error)})`, reference } });
  }

  private authorize(c: Ctx): void {
    const a = this.opts.auth;
    const path = new URL(c.req.url).pathname;
    if (a === undefined || !this.authEnabled || path === '/diagnostic/status/heartbeat') return;
    const header = c.req.header('authorization') ?? '';
    let role: 'rw' | 'ro' | undefined;
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (bearer !== null) {
      const t = bearer[1]!.trim();
      if (a.token !== undefined && safeEqual(t, a.token)) role = 'rw';
      else if (a.readOnlyToken !== undefined && safeEqual(t, a.readOnlyToken)) role = 'ro';
    } else if (basic !== null) {
      const decoded = Buffer.from(basic[1]!.trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const user = i < 0 ? decoded : decoded.slice(0, i);
      const pass = i < 0 ? '' : decoded.slice(i + 1);
      const match = (cred: { username: string; password: string } | undefined): boolean => cred !== undefined && safeEqual(user, cred.username) && safeEqual(pass, cred.password);
      if (match(a.basic)) role = 'rw';
      else if (match(a.readOnlyBasic)) role = 'ro';
    }
    const method = c.req.method;
    const write = WRITE_METHODS.has(method);
    if (role === undefined) {
      if (!write && a.publicRead === true && header === '') return;
      throw new HttpError(401, { error: header === '' ? 'Authentication required: send an Authorization header (Bearer token or Basic credentials).' : 'Invalid credentials.' }, { 'WWW-Authenticate': 'Bearer realm="cxpact-broker", Basic realm="cxpact-broker"' });
    }
    if (write && role === 'ro' && !(method === 'POST' && path.endsWith('/for-verification'))) {
      throw new HttpError(403, { error: `The credentials used are read-only and cannot ${method} ${path}.` });
    }
  }
}
