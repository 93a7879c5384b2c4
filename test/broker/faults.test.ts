// Faults: 20 concurrent publishers lose nothing; a broker process killed with SIGKILL in the middle of
// publishing restarts with a consistent database and every acknowledged publication intact.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { call, pactBroker, publishViaApi, startTestBroker, tempDir, writePact, type InteractionSpec } from './helpers';

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, '../..');
const interactionsFor = (n: number): InteractionSpec[] => [{ description: `request ${n}`, path: `/things/${n}`, body: { n } }];

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
    const results = await Promise.all(jobs.map((j) => pactBroker(broker, ['publish', j.dir, '--consumer-app-version', j.version, '--branch', 'main', '--tag', `t${j.version}`])));
    results.forEach((r) => expect(r.code).toBe(0));
    for (const j of jobs) {
      const pact = await call('GET', `${broker.url}/pacts/provider/${j.provider}/consumer/${j.consumer}/version/${j.version}`);
      expect(pact.status).toBe(200);
      expect(pact.body.interactions[0].description).toBe(`request ${j.version.split('.')[2]}`);
      const v = await call('GET', `${broker.url}/pacticipants/${j.consumer}/versions/${j.version}`);
      expect(v.body._embedded.tags.map((t: { name: string }) => t.name)).toEqual([`t${j.version}`]);
    }
    const metrics = await call('GET', `${broker.url}/metrics`);
    expect(metrics.body.pactPublications.count).toBe(20);
    expect(metrics.body.pacticipantVersions.count).toBe(20);
  } finally {
    await broker.stop();
  }
});

function startChild(dbFile: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(REPO, 'src/cli/main.ts'), 'broker', '--port', '0', '--db', dbFile, '--quiet'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`broker child did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker child exited (${code}): ${out}`));
    });
  });
}

test('a broker killed with SIGKILL mid-publishing restarts with a consistent database', async () => {
  const dir = tempDir('sigkill');
  const dbFile = path.join(dir, 'broker.sqlite');
  try {
    const first = await startChild(dbFile);
    const acknowledged: string[] = [];
    let stop = false;
    const publisher = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const version = `${w}.${i}.0`;
        try {
          const r = await publishViaApi(first.url, 'Killed', version, `Prov${w % 2}`, interactionsFor(w * 1000 + i), { branch: 'main', tags: ['dev'] });
          if (r.status === 200) acknowledged.push(`${version}|Prov${w % 2}`);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const running = Array.from({ length: 6 }, (_, w) => publisher(w));
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(running);
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r));
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    // The database is consistent: integrity and foreign keys hold, and every version has its pact + branch + tag.
    const second = await startChild(dbFile);
    try {
      const db = new DatabaseSync(dbFile, { readOnly: true });
      expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
      const orphans = db
        .prepare(
          `SELECT v.number FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = 'Killed'
           AND (NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.consumer_version_id = v.id)
             OR NOT EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.version_id = v.id)
             OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id))`,
        )
        .all();
      expect(orphans).toEqual([]);
      db.close();
      for (const a of acknowledged) {
        const [version, provider] = a.split('|');
        const r = await call('GET', `${second.url}/pacts/provider/${provider}/consumer/Killed/version/${version}`);
        expect(r.status).toBe(200);
      }
      // And it keeps accepting publications.
      expect((await publishViaApi(second.url, 'Killed', 'after-restart', 'Prov0', interactionsFor(99999))).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      const code = second.child.exitCode ?? (await new Promise<number | null>((r) => second.child.once('exit', (c) => r(c))));
      expect(code).toBe(0); // SIGTERM closes cleanly
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
