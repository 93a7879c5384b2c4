// Several broker processes on one PostgreSQL database are one broker: migrations applied exactly once when they
// start at once, concurrent writes through both neither lost nor duplicated (publishes, verification numbers,
// deployments), the same can-i-deploy answer through either, and nothing acknowledged lost when one is killed
// with SIGKILL. Real processes (`cxpact broker --database-url` via PACT_BROKER_DATABASE_URL), a real PostgreSQL.
import path from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/broker';
import { PG_MIGRATIONS } from '../../src/broker/migrations/postgres';
import { killAllBrokerProcesses, startBrokerProcess, type BrokerProcess } from './broker-process';
import {
  call,
  pactBroker,
  publishContinuously,
  publishViaApi,
  tempDir,
  TORN_VERSIONS_SQL,
  writePact,
  type InteractionSpec,
} from './helpers';
import { startPgCluster, type PgCluster } from './pg-cluster';

jest.setTimeout(180_000);

let cluster: PgCluster;
beforeAll(async () => {
  // Default durability settings (fsync on): what a team's server runs with.
  cluster = await startPgCluster();
}, 120_000);
afterAll(async () => {
  await killAllBrokerProcesses();
  await cluster?.stop();
}, 60_000);
afterEach(async () => {
  await killAllBrokerProcesses();
});

const interactionsFor = (n: number): InteractionSpec[] => [
  { description: `request ${n}`, path: `/things/${n}`, body: { n } },
];

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

async function twoBrokers(url: string): Promise<[BrokerProcess, BrokerProcess]> {
  const env = { PACT_BROKER_DATABASE_URL: url };
  return Promise.all([startBrokerProcess(['--quiet'], env), startBrokerProcess(['--quiet'], env)]);
}

test('stores and processes starting at once on an empty database apply each migration exactly once', async () => {
  const url = await cluster.createDatabase('migrate');
  // Eight stores racing in one process: without the advisory lock, concurrent CREATE TABLEs fail.
  const stores = await Promise.all(Array.from({ length: 8 }, () => PostgresStore.open(url)));
  await Promise.all(stores.map((s) => s.close()));
  const applied = await sql<{ version: number; n: string }>(
    url,
    'SELECT version, COUNT(*) AS n FROM cxpact_schema_migrations GROUP BY version ORDER BY version',
  );
  expect(applied.map((r) => [r.version, Number(r.n)])).toEqual(PG_MIGRATIONS.map((m) => [m.version, 1]));
  // Two broker processes starting at once on another empty database.
  const url2 = await cluster.createDatabase('migrate');
  const [a, b] = await twoBrokers(url2);
  expect((await call('GET', `${a.url}/diagnostic/status/heartbeat`)).status).toBe(200);
  expect((await call('GET', `${b.url}/diagnostic/status/heartbeat`)).status).toBe(200);
  expect(Number((await sql<{ n: string }>(url2, 'SELECT COUNT(*) AS n FROM cxpact_schema_migrations'))[0]!.n)).toBe(
    PG_MIGRATIONS.length,
  );
});

test('concurrent writes through two processes: nothing lost, nothing duplicated, one current deployment', async () => {
  const url = await cluster.createDatabase('shared');
  const [a, b] = await twoBrokers(url);
  const via = (i: number): BrokerProcess => (i % 2 === 0 ? a : b);

  // 40 distinct publications, alternating processes, all in flight at once; 10 more versions published through
  // both processes at the same moment with the same content.
  const distinct = Array.from({ length: 40 }, (_, i) => ({
    consumer: `Consumer${i % 4}`,
    provider: `Provider${i % 3}`,
    version: `1.0.${i}`,
    n: i,
  }));
  const twice = Array.from({ length: 10 }, (_, i) => ({
    consumer: 'Twice',
    provider: 'Provider0',
    version: `2.0.${i}`,
    n: 500 + i,
  }));
  const results = await Promise.all([
    ...distinct.map((j, i) =>
      publishViaApi(via(i).url, j.consumer, j.version, j.provider, interactionsFor(j.n), {
        branch: 'main',
        tags: ['dev'],
      }),
    ),
    ...twice.flatMap((j) =>
      [a, b].map((p) =>
        publishViaApi(p.url, j.consumer, j.version, j.provider, interactionsFor(j.n), {
          branch: 'main',
          tags: ['dev'],
        }),
      ),
    ),
  ]);
  expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
  for (const [i, j] of [...distinct, ...twice].entries()) {
    const other = via(i + 1);
    const pact = await call(
      'GET',
      `${other.url}/pacts/provider/${j.provider}/consumer/${j.consumer}/version/${j.version}`,
    );
    expect(pact.status).toBe(200);
    expect(pact.body.interactions[0].description).toBe(`request ${j.n}`);
  }
  const [ma, mb] = await Promise.all([call('GET', `${a.url}/metrics`), call('GET', `${b.url}/metrics`)]);
  expect(ma.body).toEqual(mb.body);
  expect(ma.body.pactPublications.count).toBe(50);
  expect(ma.body.pacticipantVersions.count).toBe(50);
  expect(ma.body.pacticipants.count).toBe(8); // Consumer0-3, Provider0-2, Twice: none created twice
  const dupTags = await sql(url, 'SELECT version_id, name FROM tags GROUP BY version_id, name HAVING COUNT(*) > 1');
  expect(dupTags).toEqual([]);

  // 20 verification results for one pact version, through both at once: 20 results numbered 1..20.
  const pact = await call('GET', `${a.url}/pacts/provider/Provider0/consumer/Consumer0/version/1.0.0`);
  const href = pact.body._links['pb:publish-verification-results'].href as string;
  const verifs = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      call('POST', href.replace(a.url, via(i).url), { success: true, providerApplicationVersion: `9.${i}.0` }),
    ),
  );
  expect(verifs.map((v) => v.status)).toEqual(verifs.map(() => 201));
  const numbers = verifs.map((v) => Number(String(v.body._links.self.href).split('/').pop())).sort((x, y) => x - y);
  expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

  // 12 deployments of different versions of one provider to one environment, through both at once: each
  // replaces the one before, so exactly one is current.
  const env = await call('POST', `${a.url}/environments`, { name: 'production', production: true });
  expect(env.status).toBe(201);
  const deployments = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      call(
        'POST',
        `${via(i).url}/pacticipants/Provider0/versions/9.${i}.0/deployed-versions/environment/${env.body.uuid}`,
        {},
      ),
    ),
  );
  expect(deployments.map((d) => d.status)).toEqual(deployments.map(() => 201));
  for (const p of [a, b]) {
    const current = await call(
      'GET',
      `${p.url}/environments/${env.body.uuid}/deployed-versions/currently-deployed?pacticipant=Provider0`,
    );
    expect(current.body._embedded.deployedVersions).toHaveLength(1);
  }

  // Different fields of one pacticipant updated at once through both: neither update is lost.
  const patches = await Promise.all(
    ['displayName', 'mainBranch', 'repositoryUrl', 'repositoryName', 'repositoryNamespace'].map((field, i) =>
      call(
        'PATCH',
        `${via(i).url}/pacticipants/Newcomer`,
        { [field]: `${field}-value` },
        { 'Content-Type': 'application/merge-patch+json' },
      ),
    ),
  );
  expect(patches.map((x) => x.status).filter((st) => st !== 200 && st !== 201)).toEqual([]);
  const newcomer = (await call('GET', `${b.url}/pacticipants/Newcomer`)).body;
  expect([
    newcomer.displayName,
    newcomer.mainBranch,
    newcomer.repositoryUrl,
    newcomer.repositoryName,
    newcomer.repositoryNamespace,
  ]).toEqual([
    'displayName-value',
    'mainBranch-value',
    'repositoryUrl-value',
    'repositoryName-value',
    'repositoryNamespace-value',
  ]);
});

test('can-i-deploy gives the same answer through either process', async () => {
  const url = await cluster.createDatabase('cid');
  const [a, b] = await twoBrokers(url);
  const dir = tempDir('cid');
  writePact(path.join(dir, 'pacts'), 'Web', 'Orders', interactionsFor(1));
  expect((await pactBroker(a, ['create-environment', '--name', 'production', '--production'])).code).toBe(0);
  expect(
    (await pactBroker(b, ['publish', path.join(dir, 'pacts'), '--consumer-app-version', '1.0.0', '--branch', 'main']))
      .code,
  ).toBe(0);
  expect(
    (
      await pactBroker(a, [
        'record-deployment',
        '--pacticipant',
        'Orders',
        '--version',
        '5.0.0',
        '--environment',
        'production',
      ])
    ).code,
  ).not.toBe(0); // unknown version yet
  expect((await call('PUT', `${b.url}/pacticipants/Orders/versions/5.0.0`, {})).status).toBe(201);
  expect(
    (
      await pactBroker(a, [
        'record-deployment',
        '--pacticipant',
        'Orders',
        '--version',
        '5.0.0',
        '--environment',
        'production',
      ])
    ).code,
  ).toBe(0);
  const ask = (p: BrokerProcess): ReturnType<typeof pactBroker> =>
    pactBroker(p, ['can-i-deploy', '--pacticipant', 'Web', '--version', '1.0.0', '--to-environment', 'production']);
  const strip = (s: string): string => s.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'BROKER');
  // Not verified yet: "no" through both.
  let [ra, rb] = await Promise.all([ask(a), ask(b)]);
  expect(ra.code).toBe(1);
  expect(rb.code).toBe(1);
  expect(strip(ra.stdout)).toBe(strip(rb.stdout));
  // Verified through B: "yes" through both.
  const pact = await call('GET', `${a.url}/pacts/provider/Orders/consumer/Web/version/1.0.0`);
  expect(
    (
      await call('POST', pact.body._links['pb:publish-verification-results'].href.replace(a.url, b.url), {
        success: true,
        providerApplicationVersion: '5.0.0',
      })
    ).status,
  ).toBe(201);
  [ra, rb] = await Promise.all([ask(a), ask(b)]);
  expect(ra.code).toBe(0);
  expect(rb.code).toBe(0);
  expect(strip(ra.stdout)).toBe(strip(rb.stdout));
  expect(ra.stdout).toMatch(/Computer says yes/);
});

test('SIGKILL of one process loses nothing it acknowledged; the other serves it all and keeps working', async () => {
  const url = await cluster.createDatabase('kill');
  const [a, b] = await twoBrokers(url);
  const publishing = publishContinuously(a.url, 'Killed');
  const acknowledged = publishing.acknowledged;
  while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
  a.signal('SIGKILL');
  await publishing.stop();
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await a.kill();
  expect(a.groupAlive()).toBe(false);
  await expect(fetch(`${a.url}/diagnostic/status/heartbeat`)).rejects.toThrow();
  for (const x of acknowledged) {
    const [version, provider] = x.split('|');
    expect((await call('GET', `${b.url}/pacts/provider/${provider}/consumer/Killed/version/${version}`)).status).toBe(
      200,
    );
  }
  // No half-written publication: every version of Killed has its pact, branch and tag.
  expect(await sql(url, TORN_VERSIONS_SQL('Killed'))).toEqual([]);
  expect((await publishViaApi(b.url, 'Killed', 'after-kill', 'Prov0', interactionsFor(99999))).status).toBe(200);
});
