// Shared helpers for broker tests: a real broker on 127.0.0.1:0 with a temp SQLite db, the official pact CLI,
// pact files, and a small JSON HTTP client.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker, type StartBrokerOptions } from '../../src/broker';
import { runPactCli, type PactCliResult } from '../../src/broker/pact-cli';

export interface TestBroker extends RunningBroker {
  dir: string;
  dbFile: string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cxpact-${prefix}-`));
}

export async function startTestBroker(opts: StartBrokerOptions = {}): Promise<TestBroker> {
  const dir = tempDir('broker');
  const dbFile = opts.dbFile ?? path.join(dir, 'broker.sqlite');
  const b = await startBroker({ port: 0, host: '127.0.0.1', webhookRetryDelaysMs: [50, 100], ...opts, dbFile });
  return {
    ...b,
    dir,
    dbFile,
    stop: async () => {
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `pact broker <args>` against the broker (credentials via env). */
export function pactBroker(broker: { url: string }, args: string[], env: Record<string, string> = {}): Promise<PactCliResult> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PACT_BROKER_HTTP_RETRIES: '0' };
  return runPactCli(['broker', ...args, '--broker-base-url', broker.url], { env: { ...base, ...env } });
}

export interface InteractionSpec {
  description: string;
  state?: string;
  path: string;
  body: unknown;
}

export function pactJson(consumer: string, provider: string, interactions: InteractionSpec[]): Record<string, unknown> {
  return {
    consumer: { name: consumer },
    provider: { name: provider },
    interactions: interactions.map((i) => ({
      description: i.description,
      ...(i.state === undefined ? {} : { providerState: i.state }),
      request: { method: 'GET', path: i.path },
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: i.body },
    })),
    metadata: { pactSpecification: { version: '2.0.0' } },
  };
}

export function writePact(dir: string, consumer: string, provider: string, interactions: InteractionSpec[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${consumer}-${provider}.json`);
  fs.writeFileSync(file, JSON.stringify(pactJson(consumer, provider, interactions), null, 2));
  return file;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { Accept: 'application/hal+json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Publishes a pact through the API (POST /contracts/publish) — faster than the CLI for setup. */
export async function publishViaApi(
  url: string,
  consumer: string,
  version: string,
  provider: string,
  interactions: InteractionSpec[],
  opts: { branch?: string; tags?: string[]; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const content = Buffer.from(JSON.stringify(pactJson(consumer, provider, interactions))).toString('base64');
  return call(
    'POST',
    `${url}/contracts/publish`,
    {
      pacticipantName: consumer,
      pacticipantVersionNumber: version,
      ...(opts.branch === undefined ? {} : { branch: opts.branch }),
      ...(opts.tags === undefined ? {} : { tags: opts.tags }),
      contracts: [{ consumerName: consumer, providerName: provider, specification: 'pact', contentType: 'application/json', content }],
    },
    opts.headers,
  );
}

export const THINGS: InteractionSpec[] = [{ description: 'a request for things', state: 'things exist', path: '/things', body: { things: [1, 2] } }];
