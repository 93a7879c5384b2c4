// Benchmark of the cxpact broker on either store: npm run bench:broker -- --help
//
// Seeds N pacticipants x M versions (branches, tags, pacts, verifications, deployments) straight into the
// database in bulk (the rows the broker itself would have written: same schema, same content shas), starts the
// broker as its own OS process(es) (`cxpact broker`), and measures over real HTTP:
//   * can-i-deploy (GET /matrix ... environment=production) p50/p95,
//   * the matrix between two versions p50/p95,
//   * pacts for verification (POST, 3 selectors, pending, WIP) p50/p95,
//   * publish throughput (POST /contracts/publish, new consumer versions, C requests in flight),
//   * the broker process's peak memory (VmHWM), and CPU time per request of the broker and (when it runs on this
//     machine) PostgreSQL: on a machine busy with other work latencies read high, CPU time per request much less.
// Targets at 500 x 2,000 (one million versions): can-i-deploy p95 <= 20 ms, pacts-for-verification p95 <= 50 ms,
// publish >= 200 contracts/s. A benchmark, not a test: it prints figures and never fails on them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore, redactDatabaseUrl } from '../src/broker';
import { contentSha, withInteractionIds } from '../src/broker/pact-content';
import { killAllBrokerProcesses, startBrokerProcess, type BrokerProcess } from '../test/broker/broker-process';
import { startPgCluster, withChildren, type PgCluster } from '../test/broker/pg-cluster';

const HELP = `Usage: npm run bench:broker -- [options]

Seeds pacticipants x versions into a broker database (bulk, outside the timed part), starts the broker as its own
process and measures can-i-deploy, the matrix, pacts for verification and publish throughput over HTTP, plus the
broker's peak memory. Prints figures; never fails on them.

Options:
  --pacticipants <n>     pacticipants (default 50; the one-million-version target is 500)
  --versions <m>         versions per pacticipant (default 2000)
  --database-url <url>   PostgreSQL database to use (must be empty, or seeded by an earlier run with the same
                         sizes, which is then reused); default: SQLite in a temp dir
  --postgres             start a throwaway local PostgreSQL server (Debian's postgresql binaries) and use it
  --db <file>            SQLite file to seed once and reuse on later runs (kept afterwards)
  --processes <k>        broker processes on the database, requests spread over them (PostgreSQL; default 1)
  --iterations <n>       timed requests per measurement, after 10 warm-up requests (default 200)
  --publishes <n>        contracts published for the throughput figure, after 50 warm-up publishes (default 2000)
  --concurrency <c>      publishes in flight (default 8)
  --json <file>          also write the figures as JSON
  --help                 this text
`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    help: { type: 'boolean' },
    json: { type: 'string' },
    db: { type: 'string' },
    'database-url': { type: 'string' },
    postgres: { type: 'boolean' },
    processes: { type: 'string', default: '1' },
    pacticipants: { type: 'string', default: '50' },
    versions: { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '200' },
    publishes: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
if (values.help === true) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name: keyof typeof values, min: number): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer >= ${min} (got "${String(values[name])}")\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const N_P = int('pacticipants', 2);
const N_V = int('versions', 2);
const ITER = int('iterations', 1);
const PUBLISHES = int('publishes', 1);
const CONC = int('concurrency', 1);
const PROCESSES = int('processes', 1);
const RUN = Date.now().toString(36);

const name = (i: number): string => `service-${String(i).padStart(3, '0')}`;
const providersOf = (i: number): number[] => [...new Set([(i + 1) % N_P, (i + 7) % N_P])].filter((j) => j !== i);
const pact = (consumer: string, provider: string, rev: number): Record<string, unknown> => ({
  consumer: { name: consumer },
  provider: { name: provider },
  interactions: [
    {
      description: `get item rev ${rev}`,
      providerState: 'an item exists',
      request: { method: 'GET', path: `/items/${rev}` },
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: rev, name: 'x' } },
    },
    {
      description: 'list items',
      request: { method: 'GET', path: '/items' },
      response: { status: 200, body: [{ id: 1 }] },
    },
  ],
  metadata: { pactSpecification: { version: '2.0.0' } },
});
const deployedVersion = `1.${N_V - 1}.0`;

// ------------------------------------------------------------------------------------------------ bulk seeding
type Value = string | number | boolean | null;
interface Table {
  name: string;
  /** Column name and PostgreSQL array type for unnest(). */
  cols: [string, string][];
}
const T = {
  pacticipants: {
    name: 'pacticipants',
    cols: [
      ['id', 'bigint'],
      ['name', 'text'],
      ['display_name', 'text'],
      ['main_branch', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  versions: {
    name: 'versions',
    cols: [
      ['id', 'bigint'],
      ['pacticipant_id', 'bigint'],
      ['number', 'text'],
      ['build_url', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  branches: {
    name: 'branches',
    cols: [
      ['id', 'bigint'],
      ['pacticipant_id', 'bigint'],
      ['name', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
  branchVersions: {
    name: 'branch_versions',
    cols: [
      ['branch_id', 'bigint'],
      ['version_id', 'bigint'],
      ['created_at', 'timestamptz'],
    ],
  },
  tags: {
    name: 'tags',
    cols: [
      ['version_id', 'bigint'],
      ['pacticipant_id', 'bigint'],
      ['name', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
  pactVersions: {
    name: 'pact_versions',
    cols: [
      ['id', 'bigint'],
      ['consumer_id', 'bigint'],
      ['provider_id', 'bigint'],
      ['sha', 'text'],
      ['content', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
  publications: {
    name: 'pact_publications',
    cols: [
      ['id', 'bigint'],
      ['consumer_id', 'bigint'],
      ['provider_id', 'bigint'],
      ['consumer_version_id', 'bigint'],
      ['pact_version_id', 'bigint'],
      ['revision', 'integer'],
      ['created_at', 'timestamptz'],
    ],
  },
  integrations: {
    name: 'integrations',
    cols: [
      ['consumer_id', 'bigint'],
      ['provider_id', 'bigint'],
      ['created_at', 'timestamptz'],
    ],
  },
  verifications: {
    name: 'verifications',
    cols: [
      ['id', 'bigint'],
      ['pact_version_id', 'bigint'],
      ['provider_version_id', 'bigint'],
      ['provider_id', 'bigint'],
      ['consumer_id', 'bigint'],
      ['number', 'integer'],
      ['success', 'boolean'],
      ['build_url', 'text'],
      ['test_results', 'text'],
      ['verified_by', 'text'],
      ['wip', 'boolean'],
      ['pending', 'boolean'],
      ['consumer_version_numbers', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
  environments: {
    name: 'environments',
    cols: [
      ['id', 'bigint'],
      ['uuid', 'text'],
      ['name', 'text'],
      ['display_name', 'text'],
      ['production', 'boolean'],
      ['contacts', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  deployed: {
    name: 'deployed_versions',
    cols: [
      ['id', 'bigint'],
      ['uuid', 'text'],
      ['version_id', 'bigint'],
      ['pacticipant_id', 'bigint'],
      ['environment_id', 'bigint'],
      ['application_instance', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
} satisfies Record<string, Table>;

interface Sink {
  /** Inserts rows in one transaction. */
  insert(table: Table, rows: Value[][]): Promise<void>;
  finish(): Promise<void>;
}

function sqliteSink(file: string): Sink {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000');
  const stmts = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  return {
    insert: async (table, rows) => {
      let s = stmts.get(table.name);
      if (s === undefined) {
        s = db.prepare(
          `INSERT INTO ${table.name} (${table.cols.map((c) => c[0]).join(', ')}) VALUES (${table.cols.map(() => '?').join(', ')})`,
        );
        stmts.set(table.name, s);
      }
      db.exec('BEGIN IMMEDIATE');
      for (const r of rows) s.run(...(r.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)) as SQLInputValue[]));
      db.exec('COMMIT');
    },
    finish: async () => {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

async function pgSink(url: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Only this loading session: a crash mid-seed loses the last batches, which a re-run re-seeds anyway.
  await client.query('SET synchronous_commit = off');
  return {
    // One JSON document per batch (serialised natively; PostgreSQL parses it fast), not one parameter per value.
    insert: async (table, rows) => {
      if (rows.length === 0) return;
      const cols = table.cols.map((c) => c[0]);
      const doc = JSON.stringify(rows.map((r) => Object.fromEntries(cols.map((c, k) => [c, r[k]]))));
      await client.query(
        `INSERT INTO ${table.name} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM json_populate_recordset(NULL::${table.name}, $1::json)`,
        [doc],
      );
    },
    finish: async () => {
      for (const t of [
        'pacticipants',
        'versions',
        'branches',
        'pact_versions',
        'pact_publications',
        'verifications',
        'environments',
        'deployed_versions',
      ]) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${t}', 'id'), GREATEST((SELECT MAX(id) FROM ${t}), 1))`,
        );
      }
      // What autovacuum does after a bulk load anyway (PostgreSQL >= 13 vacuums insert-only tables too): statistics
      // and the visibility map that index-only scans use.
      await client.query('VACUUM ANALYZE');
      await client.end();
    },
  };
}

/** Writes the same rows the broker would have written for this history, in blocks of versions. */
async function seed(sink: Sink): Promise<void> {
  console.log(`Seeding ${N_P} pacticipants x ${N_V} versions (${(N_P * N_V).toLocaleString('en')} versions) ...`);
  const t0 = Date.now() - (N_V + 10) * 60_000;
  const at = (v: number, i: number): string => new Date(t0 + v * 60_000 + i).toISOString();
  await sink.insert(
    T.pacticipants,
    Array.from({ length: N_P }, (_, i) => [
      i + 1,
      name(i),
      name(i).replace(/^s/, 'S').replace('-', ' '),
      'main',
      at(0, 0),
      at(0, 0),
    ]),
  );
  await sink.insert(T.environments, [
    [1, crypto.randomUUID(), 'production', 'Production', true, '[]', at(0, 0), at(0, 0)],
    [2, crypto.randomUUID(), 'staging', 'Staging', false, '[]', at(0, 0), at(0, 0)],
  ]);
  await sink.insert(
    T.branches,
    Array.from({ length: N_P }, (_, i) => [i + 1, i + 1, 'main', at(0, i)]),
  );
  const integrations: Value[][] = [];
  for (let i = 0; i < N_P; i++) for (const j of providersOf(i)) integrations.push([i + 1, j + 1, at(0, i)]);
  await sink.insert(T.integrations, integrations);

  const versionId = (v: number, i: number): number => v * N_P + i + 1;
  const pactVersionIds = new Map<string, number>();
  const pactVersionOf = new Map<number, number>(); // consumer version id * N_P + provider -> pact version id
  let nextBranch = N_P + 1;
  let nextPactVersion = 1;
  let nextPublication = 1;
  let nextVerification = 1;
  const BLOCK = 100;
  for (let start = 0; start < N_V; start += BLOCK) {
    const end = Math.min(N_V, start + BLOCK);
    const versions: Value[][] = [];
    const branches: Value[][] = [];
    const branchVersions: Value[][] = [];
    const tags: Value[][] = [];
    const pactVersions: Value[][] = [];
    const publications: Value[][] = [];
    for (let v = start; v < end; v++) {
      for (let i = 0; i < N_P; i++) {
        const vid = versionId(v, i);
        const t = at(v, i);
        versions.push([vid, i + 1, `1.${v}.0`, `http://ci/${i}/${v}`, t, t]);
        let branchId = i + 1;
        if (v % 10 === 9) {
          branchId = nextBranch++;
          branches.push([branchId, i + 1, `feat-${v}`, t]);
        }
        branchVersions.push([branchId, vid, t]);
        if (v % 100 === 0) tags.push([vid, i + 1, 'release', t]);
        const rev = Math.floor(v / 20);
        for (const j of providersOf(i)) {
          const key = `${i}:${j}:${rev}`;
          let pvId = pactVersionIds.get(key);
          if (pvId === undefined) {
            pvId = nextPactVersion++;
            pactVersionIds.set(key, pvId);
            const content = pact(name(i), name(j), rev);
            pactVersions.push([
              pvId,
              i + 1,
              j + 1,
              contentSha(content),
              JSON.stringify(withInteractionIds(content)),
              t,
            ]);
          }
          pactVersionOf.set(vid * N_P + j, pvId);
          publications.push([nextPublication++, i + 1, j + 1, vid, pvId, 1, t]);
        }
      }
    }
    await sink.insert(T.versions, versions);
    await sink.insert(T.branches, branches);
    await sink.insert(T.branchVersions, branchVersions);
    await sink.insert(T.tags, tags);
    await sink.insert(T.pactVersions, pactVersions);
    await sink.insert(T.publications, publications);
    // Providers verify their consumers' content every 200 versions (the version at the end of each 200).
    const verifications: Value[][] = [];
    for (let v = start; v < end; v++) {
      if (v % 200 !== 199 && v !== N_V - 1) continue;
      for (let i = 0; i < N_P; i++) {
        for (const j of providersOf(i)) {
          const pvId = pactVersionOf.get(versionId(v, i) * N_P + j)!;
          verifications.push([
            nextVerification++,
            pvId,
            versionId(v, j),
            j + 1,
            i + 1,
            1,
            (i + v) % 17 !== 0,
            null,
            '[]',
            null,
            false,
            false,
            JSON.stringify([`1.${v}.0`]),
            at(v, N_P + i),
          ]);
        }
      }
    }
    await sink.insert(T.verifications, verifications);
    // Only the pact version ids of the last verified block are needed later.
    if (start + BLOCK < N_V)
      for (const k of [...pactVersionOf.keys()]) if (k < versionId(start, 0) * N_P) pactVersionOf.delete(k);
    process.stdout.write(`\r  ${end.toLocaleString('en')} / ${N_V.toLocaleString('en')} versions per pacticipant`);
  }
  process.stdout.write('\n');
  // Everyone's last version is in production, the one before in staging.
  const deployed: Value[][] = [];
  for (let i = 0; i < N_P; i++) {
    deployed.push([deployed.length + 1, crypto.randomUUID(), versionId(N_V - 1, i), i + 1, 1, null, at(N_V, i)]);
    deployed.push([
      deployed.length + 1,
      crypto.randomUUID(),
      versionId(Math.max(0, N_V - 2), i),
      i + 1,
      2,
      null,
      at(N_V, i),
    ]);
  }
  await sink.insert(T.deployed, deployed);
  await sink.finish();
}

// ------------------------------------------------------------------------------------------------ measuring
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

interface Latency {
  p50: number;
  p95: number;
  mean: number;
  n: number;
  /** CPU time per request (user + system) of the broker process(es) and, when it runs on this machine, PostgreSQL. */
  cpuMsPerRequest: { broker: number; postgres?: number };
}

const CLK_TCK = 100; // Linux USER_HZ
/** [utime + stime, cutime + cstime] of a process in ms, from /proc/<pid>/stat (0 when it is gone). */
function procCpu(pid: number): [number, number] {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const x = f
      .slice(f.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return [((x[11]! + x[12]!) * 1000) / CLK_TCK, ((x[13]! + x[14]!) * 1000) / CLK_TCK];
  } catch {
    return [0, 0];
  }
}
/** CPU ms a PostgreSQL server has used so far: its live processes, plus what the postmaster collected from exited ones. */
function postgresCpu(postmaster: number): number {
  return procCpu(postmaster)[1] + withChildren(postmaster).reduce((sum, pid) => sum + procCpu(pid)[0], 0);
}

/** The postmaster's pid when the server runs on this machine (the parent of our backend), else undefined. */
async function localPostmaster(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    const stat = fs.readFileSync(`/proc/${backend}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return /postgres|postmaster/.test(fs.readFileSync(`/proc/${ppid}/comm`, 'utf8')) ? ppid : undefined;
  } catch {
    return undefined; // another machine (or no /proc)
  } finally {
    await client.end();
  }
}
interface CpuMeters {
  broker: () => number;
  postgres?: () => number;
}

// The load generator shares the machine with the broker (and PostgreSQL): node:http over kept-alive connections,
// which costs a third of fetch()'s CPU per request (measured: 0.5 ms against 1.5 ms per publish), so the figures
// are the broker's and not the generator's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
interface Sent {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
function send(url: string, init: Sent = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...init.headers,
      ...(init.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(init.body)) }),
    };
    const req = http.request(url, { method: init.method ?? 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function timeRequests(
  label: string,
  make: (i: number) => { url: string; init?: Sent },
  check: (body: unknown) => void,
  cpu: CpuMeters,
): Promise<Latency> {
  const times: number[] = [];
  const cpu0 = { broker: cpu.broker(), postgres: cpu.postgres?.() };
  for (let i = 0; i < ITER + 10; i++) {
    const { url, init } = make(i);
    const t0 = performance.now();
    const res = await send(url, init); // latency = until the whole response has arrived
    const text = res.text;
    const dt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${text.slice(0, 300)}`);
    if (i === 0) check(JSON.parse(text) as unknown);
    if (i >= 10) times.push(dt); // warm-up excluded
  }
  const n = ITER + 10;
  const cpuMsPerRequest = {
    broker: (cpu.broker() - cpu0.broker) / n,
    ...(cpu.postgres === undefined ? {} : { postgres: (cpu.postgres() - cpu0.postgres!) / n }),
  };
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    n: times.length,
    cpuMsPerRequest,
  };
}

/** Peak resident memory (VmHWM) and, now, its anonymous (heap) and file-backed (the memory-mapped SQLite file) parts. */
function memoryMb(pid: number): { peak: number; anon: number; file: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
    return { peak: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return undefined;
  }
}

async function measure(brokers: BrokerProcess[], postmaster: number | undefined): Promise<Record<string, unknown>> {
  const urlOf = (i: number): string => brokers[i % brokers.length]!.url;
  const cpu: CpuMeters = {
    broker: () => brokers.reduce((sum, b) => sum + procCpu(b.pid)[0] + procCpu(b.pid)[1], 0),
    ...(postmaster === undefined ? {} : { postgres: () => postgresCpu(postmaster) }),
  };
  const cid = await timeRequests(
    'can-i-deploy',
    (i) => ({
      url: `${urlOf(i)}/matrix?q[][pacticipant]=${name(i % N_P)}&q[][version]=${deployedVersion}&latestby=cvpv&environment=production`,
    }),
    (b) => {
      const s = (b as { summary: { deployable: unknown } }).summary;
      if (s.deployable === undefined) throw new Error('can-i-deploy: no summary.deployable');
    },
    cpu,
  );
  const matrix = await timeRequests(
    'matrix',
    (i) => ({
      url: `${urlOf(i)}/matrix?q[][pacticipant]=${name(i % N_P)}&q[][version]=${deployedVersion}&q[][pacticipant]=${name((i + 1) % N_P)}&q[][version]=${deployedVersion}&latestby=cvpv`,
    }),
    (b) => {
      if (!Array.isArray((b as { matrix: unknown }).matrix)) throw new Error('matrix: no rows array');
    },
    cpu,
  );
  const pfvBody = JSON.stringify({
    consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }, { tag: 'release', latest: true }],
    includePendingStatus: true,
    includeWipPactsSince: '2020-01-01',
    providerVersionBranch: 'main',
  });
  const pfv = await timeRequests(
    'pacts-for-verification',
    (i) => ({
      url: `${urlOf(i)}/pacts/provider/${name(i % N_P)}/for-verification`,
      init: {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/hal+json' },
        body: pfvBody,
      },
    }),
    (b) => {
      const pacts = (b as { _embedded: { pacts: unknown[] } })._embedded.pacts;
      if (pacts.length === 0) throw new Error('pacts-for-verification returned no pacts');
    },
    cpu,
  );
  // Publish throughput: new consumer versions, each with one contract, CONC in flight; like the latencies, after a
  // warm-up (the broker's code paths compiled, every pooled connection's statements prepared).
  const WARMUP = 50;
  let next = 0;
  let until = WARMUP;
  const worker = async (): Promise<void> => {
    while (next < until) {
      const k = next++;
      const i = k % N_P;
      const provider = name(providersOf(i)[0]!);
      const content = Buffer.from(JSON.stringify(pact(name(i), provider, 100_000 + k))).toString('base64');
      const res = await send(`${urlOf(k)}/contracts/publish`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/hal+json' },
        body: JSON.stringify({
          pacticipantName: name(i),
          pacticipantVersionNumber: `2.${k}.0-${RUN}`,
          branch: 'main',
          tags: ['bench'],
          contracts: [
            {
              consumerName: name(i),
              providerName: provider,
              specification: 'pact',
              contentType: 'application/json',
              content,
            },
          ],
        }),
      });
      const text = res.text;
      if (res.status !== 200) throw new Error(`publish: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CONC }, worker));
  until = WARMUP + PUBLISHES;
  const publishCpu0 = { broker: cpu.broker(), postgres: cpu.postgres?.(), generator: process.cpuUsage() };
  const tp0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, worker));
  const publishPerSecond = PUBLISHES / ((performance.now() - tp0) / 1000);
  const publishCpu = {
    broker: (cpu.broker() - publishCpu0.broker) / PUBLISHES,
    ...(cpu.postgres === undefined ? {} : { postgres: (cpu.postgres() - publishCpu0.postgres!) / PUBLISHES }),
    generator: (({ user, system }) => (user + system) / 1000 / PUBLISHES)(process.cpuUsage(publishCpu0.generator)),
  };
  const memory = brokers.map((b) => memoryMb(b.pid) ?? { peak: NaN, anon: NaN, file: NaN });
  return {
    canIDeploy: cid,
    matrix,
    pactsForVerification: pfv,
    publish: { contracts: PUBLISHES, concurrency: CONC, perSecond: publishPerSecond, cpuMsPerContract: publishCpu },
    brokerMemoryMb: memory,
  };
}

// ------------------------------------------------------------------------------------------------ main
async function counts(
  where: { dbFile: string } | { databaseUrl: string },
): Promise<{ versions: number; pactPublications: number; pactVersions: number; verifications: number }> {
  const store = await openStore(where);
  try {
    const c = await store.counts();
    return {
      versions: c.versions,
      pactPublications: c.pactPublications,
      pactVersions: c.pactVersions,
      verifications: c.verifications,
    };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  if (values.postgres === true && values['database-url'] !== undefined)
    throw new Error('--postgres starts its own server; do not pass --database-url too');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-bench-broker-'));
  let cluster: PgCluster | undefined;
  const brokers: BrokerProcess[] = [];
  try {
    let databaseUrl = values['database-url'];
    if (values.postgres === true) {
      cluster = await startPgCluster();
      databaseUrl = await cluster.createDatabase('bench');
    }
    const kind = databaseUrl === undefined ? 'sqlite' : 'postgres';
    if (kind === 'sqlite' && PROCESSES > 1)
      throw new Error('--processes > 1 needs PostgreSQL (--database-url or --postgres)');
    const dbFile = values.db ?? path.join(dir, 'broker.sqlite');
    const where = databaseUrl === undefined ? { dbFile } : { databaseUrl };
    // Open once through the store: creates the schema (migrations) exactly as the broker does.
    const before = await counts(where);
    const t0 = performance.now();
    let reused = false;
    if (before.versions > 0) {
      if (before.versions < N_P * N_V)
        throw new Error(
          `The database already holds ${before.versions} versions, fewer than ${N_P} x ${N_V}: use an empty database (or the one an earlier run with these sizes seeded).`,
        );
      reused = true;
      console.log(`Reusing the seeded database (${before.versions.toLocaleString('en')} versions)`);
    } else {
      await seed(databaseUrl === undefined ? sqliteSink(dbFile) : await pgSink(databaseUrl));
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    const seeded = await counts(where);
    console.log(`${reused ? 'Opened' : 'Seeded'} in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(seeded)}`);

    const dbArgs = databaseUrl === undefined ? ['--db', dbFile] : [];
    const env = databaseUrl === undefined ? {} : { PACT_BROKER_DATABASE_URL: databaseUrl };
    for (let k = 0; k < (kind === 'postgres' ? PROCESSES : 1); k++)
      brokers.push(await startBrokerProcess([...dbArgs, '--quiet'], env));
    const figures = await measure(brokers, databaseUrl === undefined ? undefined : await localPostmaster(databaseUrl));
    const cid = figures.canIDeploy as Latency;
    const matrix = figures.matrix as Latency;
    const pfv = figures.pactsForVerification as Latency;
    const publish = figures.publish as {
      perSecond: number;
      cpuMsPerContract: { broker: number; postgres?: number; generator: number };
    };
    const memory = figures.brokerMemoryMb as { peak: number; anon: number; file: number }[];

    const cpuText = (c: { broker: number; postgres?: number }): string =>
      `CPU/request: broker ${c.broker.toFixed(1)} ms${c.postgres === undefined ? '' : `, postgres ${c.postgres.toFixed(1)} ms`}`;
    const fmt = (r: Latency): string =>
      `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (${cpuText(r.cpuMsPerRequest)})`;
    const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');
    const load = os.loadavg()[0]!;
    console.log('');
    console.log(
      `cxpact broker benchmark: ${kind}${kind === 'postgres' ? ` (${redactDatabaseUrl(databaseUrl!)}, ${brokers.length} broker process${brokers.length > 1 ? 'es' : ''})` : ''}, ${N_P} pacticipants x ${N_V} versions = ${(N_P * N_V).toLocaleString('en')} versions; ${os.cpus().length} CPUs, Node ${process.version}, load average ${load.toFixed(1)}${load > os.cpus().length ? ' (busy machine: latencies read high)' : ''}`,
    );
    console.log(
      `  can-i-deploy (GET /matrix ... environment=production):   ${fmt(cid)}  [target p95 <= 20 ms: ${verdict(cid.p95 <= 20)}]`,
    );
    console.log(`  matrix between two versions:                              ${fmt(matrix)}`);
    console.log(
      `  pacts for verification (POST, 3 selectors, pending, WIP): ${fmt(pfv)}  [target p95 <= 50 ms: ${verdict(pfv.p95 <= 50)}]`,
    );
    console.log(
      `  publish throughput (POST /contracts/publish, ${CONC} in flight): ${publish.perSecond.toFixed(0)} contracts/s (${cpuText(publish.cpuMsPerContract)}; load generator on this machine ${publish.cpuMsPerContract.generator.toFixed(1)} ms)  [target >= 200/s: ${verdict(publish.perSecond >= 200)}]`,
    );
    console.log(
      `  broker memory: peak RSS (VmHWM) ${memory.map((m) => `${m.peak.toFixed(0)} MB`).join(', ')}; at the end ${memory.map((m) => `${m.anon.toFixed(0)} MB anonymous + ${m.file.toFixed(0)} MB file-backed (code, ${kind === 'sqlite' ? 'the memory-mapped database' : 'libraries'})`).join(', ')}`,
    );
    const report = {
      benchmark: 'broker',
      store: kind,
      brokerProcesses: brokers.length,
      pacticipants: N_P,
      versionsPerPacticipant: N_V,
      seed: { seconds: seedSeconds, reused, ...seeded },
      cpus: os.cpus().length,
      loadAverage1m: load,
      node: process.version,
      ...figures,
      targets: { canIDeployP95Ms: 20, pactsForVerificationP95Ms: 50, publishPerSecond: 200 },
    };
    if (values.json !== undefined) {
      fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
      fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`  figures written to ${values.json}`);
    }
  } finally {
    await killAllBrokerProcesses();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
