// Faults: 20 concurrent publishers lose nothing; a broker process killed with SIGKILL in the middle of publishing
// is really gone (the broker process itself, not a wrapper: its whole process group), and a restarted broker has a
// consistent database with every acknowledged publication intact. On each store.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { killAllBrokerProcesses, startBrokerProcess, type BrokerProcess } from './broker-process';
import {
  call,
  currentStore,
  forEachStore,
  pactBroker,
  publishContinuously,
  publishViaApi,
  startTestBroker,
  tempDir,
  TORN_VERSIONS_SQL,
  writePact,
  type InteractionSpec,
} from './helpers';

jest.setTimeout(120_000);

const interactionsFor = (n: number): InteractionSpec[] => [
  { description: `request ${n}`, path: `/things/${n}`, body: { n } },
];

const ORPHANS = TORN_VERSIONS_SQL('Killed');

afterEach(async () => {
  await killAllBrokerProcesses();
});

forEachStore((store) => {
  test('20 concurrent publishers (official CLI processes) lose nothing', async () => {
    const broker = await startTestBroker();
    try {
      const jobs = Array.from({ length: 20 }, (_, i) => {
        const consumer = `Consumer${i % 4}`;
        const provider = `Provider${i % 3}`;
        const dir = path.join(broker.dir, `p${i}`);
        writePact(dir, consumer, provider, interactionsFor(i));
        return { consumer, provider, version: `1.0.${i}`, dir };
      });
      const results = await Promise.all(
        jobs.map((j) =>
          pactBroker(broker, [
            'publish',
            j.dir,
            '--consumer-app-version',
            j.version,
            '--branch',
            'main',
            '--tag',
            `t${j.version}`,
          ]),
        ),
      );
      for (const r of results) expect(r.code).toBe(0);
      for (const j of jobs) {
        const pact = await call(
          'GET',
          `${broker.url}/pacts/provider/${j.provider}/consumer/${j.consumer}/version/${j.version}`,
        );
        expect(pact.status).toBe(200);
        expect(pact.body.interactions[0].description).toBe(`request ${j.version.split('.')[2]}`);
        const v = await call('GET', `${broker.url}/pacticipants/${j.consumer}/versions/${j.version}`);
        expect(v.body._embedded.tags.map((t: { name: string }) => t.name)).toEqual([`t${j.version}`]);
      }
      const metrics = await call('GET', `${broker.url}/metrics`);
      expect(metrics.body.pactPublications.count).toBe(20);
      expect(metrics.body.pacticipantVersions.count).toBe(20);
      expect(metrics.body.pacticipants.count).toBe(7);
    } finally {
      await broker.stop();
    }
  });

  test('a broker killed with SIGKILL mid-publishing is gone, and its restart has every acknowledged publication', async () => {
    const dir = tempDir('sigkill');
    const where = await currentStore().newDatabase(dir);
    const dbArgs = where.databaseUrl === undefined ? ['--db', where.dbFile] : [];
    const dbEnv = where.databaseUrl === undefined ? {} : { PACT_BROKER_DATABASE_URL: where.databaseUrl };
    let second: BrokerProcess | undefined;
    try {
      const first = await startBrokerProcess([...dbArgs, '--quiet'], dbEnv);
      const publishing = publishContinuously(first.url, 'Killed');
      const acknowledged = publishing.acknowledged;
      while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
      first.signal('SIGKILL');
      await publishing.stop();
      // The process that was listening is the one that died (no wrapper survived it), with its whole group.
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await first.kill();
      expect(first.groupAlive()).toBe(false);
      await expect(fetch(`${first.url}/diagnostic/status/heartbeat`)).rejects.toThrow();
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);

      // The database is consistent: every version has its pact + branch + tag (and SQLite's own checks pass).
      second = await startBrokerProcess([...dbArgs, '--quiet'], dbEnv);
      if (store.kind === 'sqlite') {
        const db = new DatabaseSync(where.dbFile, { readOnly: true });
        try {
          expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
          expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
          expect(db.prepare(ORPHANS).all()).toEqual([]);
        } finally {
          db.close();
        }
      } else {
        const client = new pg.Client({ connectionString: where.databaseUrl });
        await client.connect();
        try {
          expect((await client.query(ORPHANS)).rows).toEqual([]);
        } finally {
          await client.end();
        }
      }
      for (const a of acknowledged) {
        const [version, provider] = a.split('|');
        const r = await call('GET', `${second.url}/pacts/provider/${provider}/consumer/Killed/version/${version}`);
        expect(r.status).toBe(200);
      }
      // And it keeps accepting publications.
      expect((await publishViaApi(second.url, 'Killed', 'after-restart', 'Prov0', interactionsFor(99999))).status).toBe(
        200,
      );
      // SIGTERM closes cleanly, and nothing of the process group is left.
      second.signal('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      await second.kill();
      expect(second.groupAlive()).toBe(false);
    } finally {
      await second?.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
