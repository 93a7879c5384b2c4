// Benchmark of the cxpact broker (npm run bench:broker [-- --json file] [--pacticipants 50] [--versions 2000]).
// Seeds pacticipants x versions with branches, tags, pacts, verifications and deployments through the store,
// then measures over real HTTP: publish throughput (POST /contracts/publish) and p50/p95 latency of can-i-deploy
// (GET /matrix to an environment), the matrix between two versions, and pacts for verification.
// Targets (2 cores): can-i-deploy p95 <= 20 ms, pacts-for-verification p95 <= 50 ms, publish >= 100/s.
// A benchmark, not a test: it prints figures and never fails on them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker, Store } from '../src/broker';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    json: { type: 'string' },
    db: { type: 'string' },
    pacticipants: { type: 'string', default: '50' },
    versions: { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '200' },
    publishes: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
  },
});
const N_P = Number(values.pacticipants);
const N_V = Number(values.versions);
const ITER = Number(values.iterations);
const PUBLISHES = Number(values.publishes);
const CONC = Number(values.concurrency);
const RUN = Date.now().toString(36);

const name = (i: number): string => `service-${String(i).padStart(2, '0')}`;
const providersOf = (i: number): number[] => [(i + 1) % N_P, (i + 7) % N_P];
const pact = (consumer: string, provider: string, rev: number): Record<string, unknown> => ({
  consumer: { name: consumer },
  provider: { name: provider },
  interactions: [
    { description: `get item rev ${rev}`, providerState: 'an item exists', request: { method: 'GET', path: `/items/${rev}` }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: rev, name: 'x' } } },
    { description: 'list items', request: { method: 'GET', path: '/items' }, response: { status: 200, body: [{ id: 1 }] } },
  ],
  metadata: { pactSpecification: { version: '2.0.0' } },
});

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function timeRequests(label: string, make: (i: number) => { url: string; init?: RequestInit }, check: (body: unknown) => void): Promise<{ p50: number; p95: number; mean: number; n: number }> {
  const times: number[] = [];
  for (let i = 0; i < ITER + 10; i++) {
    const { url, init } = make(i);
    const t0 = performance.now();
    const res = await fetch(url, init);
    const text = await res.text(); // latency = until the whole response has arrived
    const dt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${text.slice(0, 300)}`);
    if (i === 0) check(JSON.parse(text) as unknown);
    if (i >= 10) times.push(dt); // warm-up excluded
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), mean: times.reduce((a, b) => a + b, 0) / times.length, n: times.length };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-bench-broker-'));
  // --db <file>: seed into that file once and reuse it on later runs (kept afterwards; publishes add to it).
  const dbFile = values.db ?? path.join(dir, 'broker.sqlite');
  const reuse = values.db !== undefined && fs.existsSync(values.db);
  const t0 = performance.now();
  const store = new Store(dbFile);
  if (reuse) console.log(`Reusing the seeded database ${dbFile}`);
  else seed(store);
  const seedSeconds = (performance.now() - t0) / 1000;
  const counts = {
    versions: Number(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM versions')!.n),
    pactPublications: Number(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pact_publications')!.n),
    pactVersions: Number(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pact_versions')!.n),
    verifications: Number(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM verifications')!.n),
  };
  store.close();
  console.log(`${reuse ? 'Opened' : 'Seeded'} in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`);
  await measure(dir, dbFile, seedSeconds, counts);
}

const deployedVersion = `1.${N_V - 1}.0`;

function seed(store: Store): void {
  console.log(`Seeding ${N_P} pacticipants x ${N_V} versions ...`);
  const envs = [store.createEnvironment({ name: 'production', production: true }), store.createEnvironment({ name: 'staging', production: false })];
  const ps = Array.from({ length: N_P }, (_, i) => store.createPacticipant(name(i), { mainBranch: 'main' }));
  const BATCH = 200;
  for (let start = 0; start < N_V; start += BATCH) {
    store.tx(() => {
      for (let v = start; v < Math.min(N_V, start + BATCH); v++) {
        for (let i = 0; i < N_P; i++) {
          const p = ps[i]!;
          const { version } = store.ensureVersion(p.id, `1.${v}.0`, `http://ci/${i}/${v}`);
          store.addVersionToBranch(p, version.id, v % 10 === 9 ? `feat-${v}` : 'main');
          if (v % 100 === 0) store.addTag(p.id, version.id, 'release');
          for (const j of providersOf(i)) store.publishPact(p, version, ps[j]!, pact(p.name, ps[j]!.name, Math.floor(v / 20)), false);
        }
      }
    });
    // Providers verify the content of their consumers' main-branch heads every 10 versions.
    if ((start / BATCH) % 1 === 0) {
      store.tx(() => {
        const v = Math.min(N_V, start + BATCH) - 1;
        for (let i = 0; i < N_P; i++) {
          const consumer = ps[i]!;
          const cv = store.version(consumer.id, `1.${v}.0`)!;
          for (const j of providersOf(i)) {
            const pub = store.publication(cv.id, ps[j]!.id)!;
            const pv = store.pactVersionById(pub.pactVersionId);
            const providerVersion = store.version(ps[j]!.id, `1.${v}.0`)!;
            store.createVerification({ pactVersion: pv, providerVersion, success: (i + v) % 17 !== 0, buildUrl: null, testResults: [], verifiedBy: null, wip: false, pending: false, consumerVersionNumbers: [cv.number] });
          }
        }
      });
    }
  }
  // Deploy the last fully verified version of everyone to production and staging.
  store.tx(() => {
    for (const p of ps) {
      const v = store.version(p.id, deployedVersion)!;
      store.recordDeployment(v, envs[0]!, null);
      store.recordDeployment(store.version(p.id, `1.${Math.max(0, N_V - 2)}.0`)!, envs[1]!, null);
    }
  });
}

async function measure(dir: string, dbFile: string, seedSeconds: number, counts: Record<string, number>): Promise<void> {
  const broker = await startBroker({ port: 0, host: '127.0.0.1', dbFile });
  const url = broker.url;
  try {
    // can-i-deploy: a consumer version to production (providers' deployed versions must have verified it).
    const cid = await timeRequests(
      'can-i-deploy',
      (i) => ({ url: `${url}/matrix?q[][pacticipant]=${name(i % N_P)}&q[][version]=${deployedVersion}&latestby=cvpv&environment=production` }),
      (b) => {
        const s = (b as { summary: { deployable: unknown } }).summary;
        if (s.deployable === undefined) throw new Error('can-i-deploy: no summary.deployable');
      },
    );
    const matrix = await timeRequests(
      'matrix',
      (i) => ({ url: `${url}/matrix?q[][pacticipant]=${name(i % N_P)}&q[][version]=${deployedVersion}&q[][pacticipant]=${name((i + 1) % N_P)}&q[][version]=${deployedVersion}&latestby=cvpv` }),
      (b) => {
        if (!Array.isArray((b as { matrix: unknown }).matrix)) throw new Error('matrix: no rows array');
      },
    );
    const pfvBody = JSON.stringify({
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }, { tag: 'release', latest: true }],
      includePendingStatus: true,
      includeWipPactsSince: '2020-01-01',
      providerVersionBranch: 'main',
    });
    const pfv = await timeRequests(
      'pacts-for-verification',
      (i) => ({ url: `${url}/pacts/provider/${name(i % N_P)}/for-verification`, init: { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/hal+json' }, body: pfvBody } }),
      (b) => {
        const pacts = (b as { _embedded: { pacts: unknown[] } })._embedded.pacts;
        if (pacts.length === 0) throw new Error('pacts-for-verification returned no pacts');
      },
    );

    // Publish throughput: new consumer versions, each with one contract, CONC in flight.
    let next = 0;
    const tp0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < PUBLISHES) {
        const k = next++;
        const i = k % N_P;
        const provider = name(providersOf(i)[0]!);
        const content = Buffer.from(JSON.stringify(pact(name(i), provider, 100_000 + k))).toString('base64');
        const res = await fetch(`${url}/contracts/publish`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/hal+json' },
          body: JSON.stringify({ pacticipantName: name(i), pacticipantVersionNumber: `2.${k}.0-${RUN}`, branch: 'main', tags: ['bench'], contracts: [{ consumerName: name(i), providerName: provider, specification: 'pact', contentType: 'application/json', content }] }),
        });
        await res.text();
        if (res.status !== 200) throw new Error(`publish: HTTP ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: CONC }, worker));
    const publishPerSecond = PUBLISHES / ((performance.now() - tp0) / 1000);

    const fmt = (r: { p50: number; p95: number }): string => `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms`;
    const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');
    console.log('');
    console.log(`cxpact broker benchmark (${N_P} pacticipants x ${N_V} versions, ${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}${os.loadavg()[0]! > os.cpus().length ? ': the machine is busy, latencies read high' : ''})`);
    console.log(`  can-i-deploy (GET /matrix ... environment=production): ${fmt(cid)}  [target p95 <= 20 ms: ${verdict(cid.p95 <= 20)}]`);
    console.log(`  matrix between two versions:                            ${fmt(matrix)}`);
    console.log(`  pacts for verification (POST, 3 selectors, pending, WIP): ${fmt(pfv)}  [target p95 <= 50 ms: ${verdict(pfv.p95 <= 50)}]`);
    console.log(`  publish throughput (POST /contracts/publish, ${CONC} in flight): ${publishPerSecond.toFixed(0)} contracts/s  [target >= 100/s: ${verdict(publishPerSecond >= 100)}]`);
    const report = {
      benchmark: 'broker',
      pacticipants: N_P,
      versionsPerPacticipant: N_V,
      seed: { seconds: seedSeconds, reused: values.db !== undefined, ...counts },
      cpus: os.cpus().length,
      loadAverage1m: os.loadavg()[0],
      node: process.version,
      canIDeploy: cid,
      matrix,
      pactsForVerification: pfv,
      publish: { contracts: PUBLISHES, concurrency: CONC, perSecond: publishPerSecond },
      targets: { canIDeployP95Ms: 20, pactsForVerificationP95Ms: 50, publishPerSecond: 100 },
    };
    if (values.json !== undefined) {
      fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
      fs.writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
      console.log(`  figures written to ${values.json}`);
    }
  } finally {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
