// The one place the broker binds a socket: node:http -> BrokerApp.handle -> response.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrokerApp, type BrokerAppOptions, type BrokerAuthConfig } from './app';
import type { BrokerRequest } from './http';
import { Store } from './store';
import { CxpactError } from '../shared/errors';

export interface StartBrokerOptions extends BrokerAppOptions {
  /** Port to listen on; 0 picks a free one. Default 9292. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** SQLite file. Default `.pact-broker/broker.sqlite` (relative to the working directory). */
  dbFile?: string;
  /** Public base URL for links; default: from the request's Host header. */
  baseUrl?: string;
  auth?: BrokerAuthConfig;
  /** Log one line per request (never headers, so never tokens). */
  logRequests?: boolean;
  /**
   * Allow binding a non-loopback interface without credentials (anyone who reaches it can write). Without it,
   * startBroker refuses such a host with a CxpactError ('broker.open-non-loopback').
   */
  allowOpen?: boolean;
}

export interface RunningBroker {
  /** e.g. http://127.0.0.1:9292 */
  url: string;
  port: number;
  app: BrokerApp;
  store: Store;
  close(): Promise<void>;
}

export const DEFAULT_DB_FILE = '.pact-broker/broker.sqlite';

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function hasCredentials(a: BrokerAuthConfig | undefined): boolean {
  return a !== undefined && (a.token !== undefined || a.readOnlyToken !== undefined || a.basic !== undefined || a.readOnlyBasic !== undefined);
}

/** Starts the broker over HTTP; resolves once listening. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<RunningBroker> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  // Open (no credentials) is only for loopback: refuse another interface before touching the database.
  if (!isLoopbackHost(host) && !hasCredentials(opts.auth)) {
    if (opts.allowOpen !== true) {
      throw new CxpactError('broker.open-non-loopback', `Refusing to listen on ${host} without credentials: anyone who can reach it could publish, overwrite and delete contracts.`, {
        path: '--host',
        fix: 'Configure --token (or --basic-auth) for a shared broker, bind --host 127.0.0.1, or pass --allow-open if the network is trusted.',
      });
    }
    log(`[broker] WARNING: listening on ${host} without authentication (--allow-open); anyone who can reach it can write.`);
  }
  const store = new Store(opts.dbFile ?? DEFAULT_DB_FILE);
  const app = new BrokerApp(store, opts);
  const fixedBase = opts.baseUrl?.replace(/\/+$/, '');
  // A base URL with a path (http://host/pb, behind a proxy or as a context path) is served under that prefix.
  const prefix = fixedBase === undefined ? '' : new URL(fixedBase).pathname.replace(/\/+$/, '');

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers['content-length'] ?? '0');
    const reply = (status: number, headers: Record<string, string>, body: string): void => {
      if (res.headersSent) return;
      res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      if (opts.logRequests === true) log(`[broker] ${req.method} ${(req.url ?? '').split('?')[0]} -> ${status} (${Date.now() - started} ms)`);
    };
    // A declared oversized body: answer and close. A streamed one: answer, then drain the rest.
    const tooLargeReply = (close: boolean): void => {
      tooLarge = true;
      reply(413, { 'Content-Type': 'application/hal+json;charset=utf-8', ...(close ? { Connection: 'close' } : {}) }, JSON.stringify({ error: `Request body exceeds the limit of ${app.maxBodyBytes} bytes (--max-body-bytes).` }));
      req.resume();
    };
    if (Number.isFinite(declared) && declared > app.maxBodyBytes) {
      tooLargeReply(true);
      return;
    }
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > app.maxBodyBytes) {
        chunks.length = 0;
        tooLargeReply(false);
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooLarge) return;
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      let path = q < 0 ? rawUrl : rawUrl.slice(0, q);
      if (prefix !== '' && (path === prefix || path.startsWith(prefix + '/'))) path = path.slice(prefix.length) || '/';
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const base = fixedBase ?? `http://${req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`}`;
      const brokerReq: BrokerRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: path === '' ? '/' : path,
        query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
        headers,
        body: Buffer.concat(chunks),
        baseUrl: base,
      };
      app
        .handle(brokerReq)
        .then((r) => reply(r.status, r.headers, r.body))
        .catch((error: unknown) => reply(500, { 'Content-Type': 'application/json' }, JSON.stringify({ error: { message: String(error) } })));
    });
  });
  server.keepAliveTimeout = 5000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 9292, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    app.webhooks.close();
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed = false;
  return {
    url,
    port,
    app,
    store,
    close: async () => {
      if (closed) return;
      closed = true;
      app.webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
