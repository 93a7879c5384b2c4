// Shared helpers for broker tests: a real broker on 127.0.0.1:0 over a real store (a temp SQLite file, or a fresh
// database on a throwaway PostgreSQL server), the official pact CLI, pact files, and a small JSON HTTP client.
//
// The broker suite runs against both stores: wrap a test file's hooks and tests in forEachStore(() => { ... }).
// Inside, startTestBroker() and openTestStore() use that block's store. CXPACT_TEST_BROKER_STORES=sqlite (or
// postgres) narrows it while developing; the test command runs both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  openStore,
  startBroker,
  type BrokerStore,
  type RunningBroker,
  type StartBrokerOptions,
  type StoreKind,
} from '../../src/broker';
import { runPactCli, type PactCliResult } from '../../src/io/broker-client/pact-cli';
import { startPgCluster, type PgCluster } from './pg-cluster';

export interface TestBroker extends RunningBroker {
  dir: string;
  /** The SQLite file (sqlite store). */
  dbFile: string;
  /** The PostgreSQL URL (postgres store). */
  databaseUrl: string | undefined;
  kind: StoreKind;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cxpact-${prefix}-`));
}

/** The stores the suite runs against (default both). */
export function storeKinds(): StoreKind[] {
  const wanted = (process.env.CXPACT_TEST_BROKER_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  const kinds = (['sqlite', 'postgres'] as const).filter((k) => wanted.includes(k));
  if (kinds.length === 0)
    throw new Error(
      `CXPACT_TEST_BROKER_STORES=${process.env.CXPACT_TEST_BROKER_STORES} names no store (sqlite, postgres)`,
    );
  return kinds;
}

/** One store of the suite: SQLite files in temp dirs, or databases on one PostgreSQL server per test file. */
export class StoreUnderTest {
  private cluster: PgCluster | undefined;
  constructor(readonly kind: StoreKind) {}

  private template: string | undefined;

  async setup(): Promise<void> {
    if (this.kind !== 'postgres') return;
    // Durability settings off: these servers live for one test file (the shared-database test keeps them on).
    this.cluster = await startPgCluster({
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    // Each test's database is a copy of one migrated by the store itself (CREATE DATABASE ... TEMPLATE): the
    // migrations run once per file instead of once per test.
    const url = await this.cluster.createDatabase('template');
    await (await openStore({ databaseUrl: url })).close();
    this.template = new URL(url).pathname.slice(1);
  }

  async teardown(): Promise<void> {
    await this.cluster?.stop();
    this.cluster = undefined;
  }

  get pg(): PgCluster {
    if (this.cluster === undefined)
      throw new Error('no PostgreSQL server: use this inside forEachStore, for the postgres store');
    return this.cluster;
  }

  /** Where a new, empty broker database is: a file in `dir`, or a fresh PostgreSQL database. */
  async newDatabase(dir: string): Promise<{ dbFile: string; databaseUrl?: string }> {
    if (this.kind === 'sqlite') return { dbFile: path.join(dir, 'broker.sqlite') };
    return {
      dbFile: path.join(dir, 'unused.sqlite'),
      databaseUrl: await this.pg.createDatabase('broker', this.template),
    };
  }
}

let current: StoreUnderTest | undefined;

/** Runs the enclosed hooks and tests once per store (describe blocks named after the store); `only` narrows them. */
export function forEachStore(fn: (store: StoreUnderTest) => void, only?: StoreKind[]): void {
  const kinds = storeKinds().filter((k) => only === undefined || only.includes(k));
  if (kinds.length === 0) {
    test.skip(`no store selected (CXPACT_TEST_BROKER_STORES=${process.env.CXPACT_TEST_BROKER_STORES ?? ''})`, () =>
      undefined);
    return;
  }
  describe.each(kinds)('%s store', (kind) => {
    const store = new StoreUnderTest(kind);
    beforeAll(async () => {
      current = store;
      await store.setup();
    }, 120_000);
    afterAll(async () => {
      current = undefined;
      await store.teardown();
    }, 120_000);
    fn(store);
  });
}

/** The store of the enclosing forEachStore block (SQLite outside one). */
export function currentStore(): StoreUnderTest {
  return current ?? new StoreUnderTest('sqlite');
}

/** Starts a broker on 127.0.0.1:0 over a new database of the current store (or `opts.dbFile` / `opts.databaseUrl`). */
export async function startTestBroker(opts: StartBrokerOptions = {}): Promise<TestBroker> {
  const dir = tempDir('broker');
  const store = currentStore();
  const db =
    opts.dbFile !== undefined || opts.databaseUrl !== undefined
      ? { dbFile: opts.dbFile ?? path.join(dir, 'broker.sqlite'), databaseUrl: opts.databaseUrl }
      : await store.newDatabase(dir);
  const b = await startBroker({ port: 0, host: '127.0.0.1', webhookRetryDelaysMs: [50, 100], ...opts, ...db });
  return {
    ...b,
    dir,
    dbFile: db.dbFile,
    databaseUrl: db.databaseUrl,
    kind: db.databaseUrl === undefined ? 'sqlite' : 'postgres',
    stop: async () => {
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a new, empty store of the current kind (for tests of the app without a socket). */
export async function openTestStore(dir: string): Promise<BrokerStore> {
  return openStore(await currentStore().newDatabase(dir));
}

/** Runs `pact broker <args>` against the broker (credentials via env). */
export function pactBroker(
  broker: { url: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<PactCliResult> {
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

export async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { Accept: 'application/hal+json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown;
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
      contracts: [
        {
          consumerName: consumer,
          providerName: provider,
          specification: 'pact',
          contentType: 'application/json',
          content,
        },
      ],
    },
    opts.headers,
  );
}

/** Webhook policy for tests whose receivers listen on this machine (http://127.0.0.1:port): named explicitly, as a user must. */
export const LOCAL_WEBHOOKS = { schemes: ['http', 'https'], hosts: ['127.0.0.1'] };

export const THINGS: InteractionSpec[] = [
  { description: 'a request for things', state: 'things exist', path: '/things', body: { things: [1, 2] } },
];

/** Versions of `consumer` missing their pact, branch or tag: what a torn (half-committed) publication leaves. */
export const TORN_VERSIONS_SQL = (
  consumer: string,
): string => `SELECT v.number FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = '${consumer.replace(/'/g, "''")}'
  AND (NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.consumer_version_id = v.id)
    OR NOT EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.version_id = v.id)
    OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id))`;

/**
 * Publishes new versions of `consumer` from `workers` concurrent loops until stopped (or until the broker goes away:
 * a reset connection ends a loop). `acknowledged` holds "version|provider" of every publication answered 200.
 */
export function publishContinuously(
  url: string,
  consumer: string,
  workers = 6,
): { acknowledged: string[]; stop(): Promise<void> } {
  const acknowledged: string[] = [];
  let stopped = false;
  const loop = async (w: number): Promise<void> => {
    for (let i = 0; !stopped; i++) {
      const version = `${w}.${i}.0`;
      try {
        const r = await publishViaApi(
          url,
          consumer,
          version,
          `Prov${w % 2}`,
          [{ description: `request ${w * 1000 + i}`, path: `/things/${w * 1000 + i}`, body: { n: w * 1000 + i } }],
          { branch: 'main', tags: ['dev'] },
        );
        if (r.status === 200) acknowledged.push(`${version}|Prov${w % 2}`);
      } catch {
        return; // connection reset by a kill
      }
    }
  };
  const running = Array.from({ length: workers }, (_, w) => loop(w));
  return {
    acknowledged,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}
