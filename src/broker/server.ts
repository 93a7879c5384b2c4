// The one place the broker binds a socket: node:http with @hono/node-server answering through BrokerApp.fetch.
// The request body limit is enforced here on the raw stream (a declared or streamed body above it gets 413 before
// it is buffered), then the buffered body is handed to the app.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { BrokerApp, hasCredentials } from './app';
import type { BrokerAppOptions } from './context';
import { HAL } from './http';
import { DEFAULT_DB_FILE, openStore } from './store';
import type { BrokerStore } from './store/types';
import { WebhookPolicy } from './webhook-policy';
import { CxpactError } from '../core/errors';

export interface StartBrokerOptions extends BrokerAppOptions {
  /** Port to listen on; 0 picks a free one. Default 9292. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** SQLite file. Default `.pact-broker/broker.sqlite` (relative to the working directory). Ignored with databaseUrl. */
  dbFile?: string;
  /**
   * PostgreSQL URL (postgres://user:password@host:5432/db): several broker processes on one database are one
   * broker. Default: SQLite (dbFile).
   */
  databaseUrl?: string;
  /** Connections per process to PostgreSQL. Default 10. */
  databasePoolSize?: number;
  /** Serve over an already open store instead of opening one (the broker then does not close it). */
  store?: BrokerStore;
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
  store: BrokerStore;
  close(): Promise<void>;
}

export { DEFAULT_DB_FILE };

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/**
 * Refuses options that would start an unsafe or broken broker, before anything is opened: an empty token,
 * username or password (`--basic-auth admin:` would let anyone write with an empty password), a malformed
 * --base-url, and malformed webhook host allow-list entries.
 */
export function checkBrokerOptions(opts: BrokerAppOptions): void {
  const a = opts.auth ?? {};
  const empty = (v: string | undefined): boolean => v !== undefined && v.trim() === '';
  const secrets: [string, string | undefined][] = [
    ['the read-write token (--token)', a.token],
    ['the read-only token (--read-only-token)', a.readOnlyToken],
    ['the read-write basic auth username (--basic-auth)', a.basic?.username],
    ['the read-write basic auth password (--basic-auth)', a.basic?.password],
    ['the read-only basic auth username (--read-only-basic-auth)', a.readOnlyBasic?.username],
    ['the read-only basic auth password (--read-only-basic-auth)', a.readOnlyBasic?.password],
  ];
  for (const [what, value] of secrets) {
    if (empty(value)) {
      throw new CxpactError('broker.empty-secret', `Refusing to start: ${what} is empty, which anyone could send.`, {
        path: what.replace(/^.*\((--[\w-]+)\)$/, '$1'),
        fix: 'Give a non-empty secret (from a file with --token-file / --basic-auth-file, or the environment), or leave that credential out.',
      });
    }
  }
  if (opts.baseUrl !== undefined) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(opts.baseUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new CxpactError(
        'broker.invalid-base-url',
        `--base-url must be an http:// or https:// URL (got "${opts.baseUrl}").`,
        { path: '--base-url', fix: 'Pass e.g. --base-url https://pact-broker.example.com.' },
      );
  }
  try {
    new WebhookPolicy(opts.webhookPolicy);
  } catch (error) {
    throw new CxpactError('broker.invalid-webhook-hosts', (error as Error).message, {
      path: '--webhook-hosts',
      fix: 'Use host names, *.domain, IP addresses, address/prefix ranges or /regular expressions/.',
    });
  }
}

/** Starts the broker over HTTP; resolves once listening. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<RunningBroker> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  checkBrokerOptions(opts);
  // Open (no credentials) is only for loopback: refuse another interface before touching the database.
  if (!isLoopbackHost(host) && !hasCredentials(opts.auth)) {
    if (opts.allowOpen !== true) {
      throw new CxpactError(
        'broker.open-non-loopback',
        `Refusing to listen on ${host} without credentials: anyone who can reach it could publish, overwrite and delete contracts.`,
        {
          path: '--host',
          fix: 'Configure --token (or --basic-auth) for a shared broker, bind --host 127.0.0.1, or pass --allow-open if the network is trusted.',
        },
      );
    }
    log(
      `[broker] WARNING: listening on ${host} without authentication (--allow-open); anyone who can reach it can write.`,
    );
  }
  const ownStore = opts.store === undefined;
  const store =
    opts.store ??
    (await openStore({ dbFile: opts.dbFile, databaseUrl: opts.databaseUrl, poolSize: opts.databasePoolSize, log }));
  const app = new BrokerApp(store, opts);
  const listener = getRequestListener(app.fetch);

  const server = http.createServer((req, res) => {
    const started = Date.now();
    if (opts.logRequests === true)
      res.on('finish', () =>
        log(
          `[broker] ${req.method} ${(req.url ?? '').split('?')[0]} -> ${res.statusCode} (${Date.now() - started} ms)`,
        ),
      );
    const tooLarge = (close: boolean): void => {
      if (res.headersSent) return;
      const body = JSON.stringify({
        error: `Request body exceeds the limit of ${app.maxBodyBytes} bytes (--max-body-bytes).`,
      });
      res.writeHead(413, {
        'Content-Type': HAL,
        'Content-Length': String(Buffer.byteLength(body)),
        ...(close ? { Connection: 'close' } : {}),
      });
      res.end(body);
    };
    // A declared oversized body: answer and close. A streamed one: answer, then drain the rest.
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > app.maxBodyBytes) {
      tooLarge(true);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > app.maxBodyBytes) {
        over = true;
        chunks.length = 0;
        tooLarge(false);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (over) return;
      // @hono/node-server reads a pre-read body from `rawBody` instead of the (now consumed) stream.
      (req as http.IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks);
      void listener(req, res);
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
    app.close();
    if (ownStore) await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  app.setBoundAddress(host, port);
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
      app.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownStore) await store.close();
    },
  };
}
