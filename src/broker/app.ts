// The broker as a library app: a Hono application over a BrokerStore. `app.fetch(request)` answers a standard
// Request with a Response and `app.request(path, init)` does the same for a path, so the whole broker is testable
// without a socket; the one socket lives in server.ts. The routes are one file per resource in routes/.
import crypto from 'node:crypto';
import { Hono } from 'hono';
import {
  DEFAULT_MAX_BODY_BYTES,
  hal,
  Routes,
  WRITE_METHODS,
  type BrokerAppOptions,
  type BrokerAuthConfig,
  type BrokerEnv,
  type Ctx,
} from './context';
import { badRequest, HttpError, Links } from './http';
import { registerRoutes } from './routes';
import { checkOrigin, HostPolicy, isReadOnlyExempt } from './security';
import { StoreConflictError, StoreInputError } from './store/sql';
import type { BrokerStore } from './store/types';
import { WebhookPolicy } from './webhook-policy';
import { WebhookDispatcher } from './webhooks';

export { DEFAULT_MAX_BODY_BYTES, type BrokerAppOptions, type BrokerAuthConfig } from './context';

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export function hasCredentials(a: BrokerAuthConfig | undefined): boolean {
  return (
    a !== undefined &&
    (a.token !== undefined || a.readOnlyToken !== undefined || a.basic !== undefined || a.readOnlyBasic !== undefined)
  );
}

export class BrokerApp {
  readonly hono: Hono<BrokerEnv>;
  readonly store: BrokerStore;
  readonly webhooks: WebhookDispatcher;
  readonly maxBodyBytes: number;
  private readonly opts: BrokerAppOptions;
  private readonly fixedBase: string | undefined;
  /** The address the broker listens on (http://127.0.0.1:9292), when it is one address (not 0.0.0.0 or ::). */
  private boundBase: string | undefined;
  /** The Host names the broker answers to (others get 421). */
  readonly hosts: HostPolicy;
  /** The path of --base-url (http://host/pb -> /pb): requests under it are served without it. */
  readonly prefix: string;

  constructor(store: BrokerStore, opts: BrokerAppOptions = {}) {
    this.store = store;
    this.opts = opts;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.webhooks = new WebhookDispatcher(store, {
      retryDelaysMs: opts.webhookRetryDelaysMs,
      timeoutMs: opts.webhookTimeoutMs,
      log: opts.log,
      policy: new WebhookPolicy(opts.webhookPolicy),
    });
    this.fixedBase = opts.baseUrl?.replace(/\/+$/, '');
    this.prefix = this.fixedBase === undefined ? '' : new URL(this.fixedBase).pathname.replace(/\/+$/, '');
    this.hosts = new HostPolicy(opts.allowedHosts ?? [], this.fixedBase);

    const app = new Hono<BrokerEnv>({ strict: false });
    app.use('*', async (c, next) => {
      const url = new URL(c.req.url);
      const host = c.req.header('host');
      // DNS rebinding: the Host must be one of the broker's names; links never come from any other Host. The
      // heartbeat answers any Host (health checks from load balancers name the target in many ways; it says nothing).
      if (url.pathname !== '/diagnostic/status/heartbeat') this.hosts.check(host);
      c.set('links', new Links(this.fixedBase ?? this.boundBase ?? url.origin));
      c.set('query', url.searchParams);
      this.authorize(c);
      // A web page on another origin must not write (a "simple" cross-site POST needs no preflight).
      checkOrigin(c.req.method, c.req.header('origin'), c.req.header('sec-fetch-site'), host, this.fixedBase);
      let body = Buffer.alloc(0);
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
        body = Buffer.from(await c.req.arrayBuffer());
        if (body.length > this.maxBodyBytes) {
          throw new HttpError(413, {
            error: `Request body of ${body.length} bytes exceeds the limit of ${this.maxBodyBytes} bytes (--max-body-bytes).`,
          });
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

  /**
   * Called by startBroker once listening: links then use this address (unless --base-url), and its host name is
   * served. A wildcard address (0.0.0.0, ::) keeps links on each request's (checked) Host.
   */
  setBoundAddress(host: string, port: number): void {
    const h = host.replace(/^\[|\]$/g, '');
    if (h === '' || h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0') return;
    this.hosts.add(h);
    this.boundBase = `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  }

  get authEnabled(): boolean {
    return hasCredentials(this.opts.auth);
  }

  /** Answers one request. Paths under the --base-url path (context path) are served without it. */
  fetch = async (request: Request): Promise<Response> => {
    if (this.prefix !== '') {
      const url = new URL(request.url);
      if (url.pathname === this.prefix || url.pathname.startsWith(`${this.prefix}/`)) {
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
    this.opts.log?.(
      `[broker] error ${reference}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return hal(500, {
      error: { message: `An error occurred (${error instanceof Error ? error.message : String(error)})`, reference },
    });
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
      const match = (cred: { username: string; password: string } | undefined): boolean =>
        cred !== undefined && safeEqual(user, cred.username) && safeEqual(pass, cred.password);
      if (match(a.basic)) role = 'rw';
      else if (match(a.readOnlyBasic)) role = 'ro';
    }
    const method = c.req.method;
    const write = WRITE_METHODS.has(method);
    if (role === undefined) {
      // Public read covers reads and fetching pacts for verification, as the Pact Broker's allow_public_read does.
      if (a.publicRead === true && header === '' && (!write || isReadOnlyExempt(method, path))) return;
      throw new HttpError(
        401,
        {
          error:
            header === ''
              ? 'Authentication required: send an Authorization header (Bearer token or Basic credentials).'
              : 'Invalid credentials.',
        },
        { 'WWW-Authenticate': 'Bearer realm="cxpact-broker", Basic realm="cxpact-broker"' },
      );
    }
    // The one write read-only credentials may make: POST /pacts/provider/{provider}/for-verification (a read in
    // all but method). POST /webhooks/provider/{provider}/for-verification and the like are writes.
    if (write && role === 'ro' && !isReadOnlyExempt(method, path)) {
      throw new HttpError(403, { error: `The credentials used are read-only and cannot ${method} ${path}.` });
    }
  }
}
