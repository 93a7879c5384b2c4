// `npm run bench:broker` at a tiny size, so the benchmark behind the README's figures keeps working: it seeds,
// starts the broker as its own process, measures over HTTP, writes its figures as JSON and stops what it started.
// No figure is judged (a benchmark, not a timed test): only that each was measured and that the publishes it
// counted were really stored.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/broker';
import { tempDir } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Figures {
  store: string;
  seed: { versions: number };
  canIDeploy: { n: number; p95: number; cpuMsPerRequest: { broker: number; postgres?: number } };
  pactsForVerification: { n: number; p95: number };
  publish: { contracts: number; perSecond: number; cpuMsPerContract: { broker: number; generator: number } };
  brokerMemoryMb: { peak: number }[];
}

function runBench(args: string[]): Figures {
  const dir = tempDir('bench-smoke');
  const json = path.join(dir, 'figures.json');
  const r = spawnSync(
    TSX,
    [
      'scripts/bench-broker.ts',
      '--pacticipants',
      '3',
      '--versions',
      '20',
      '--iterations',
      '5',
      '--publishes',
      '20',
      '--json',
      json,
      ...args,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`bench:broker exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  expect(r.stdout).toMatch(/publish throughput \(POST \/contracts\/publish, 8 in flight\): \d+ contracts\/s/);
  return JSON.parse(fs.readFileSync(json, 'utf8')) as Figures;
}

/** Processes whose command line mentions `text` (the broker processes the benchmark started). */
function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text)) out.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return out;
}

function expectMeasured(f: Figures): void {
  expect(f.seed.versions).toBe(60);
  for (const l of [f.canIDeploy, f.pactsForVerification]) {
    expect(l.n).toBe(5);
    expect(l.p95).toBeGreaterThan(0);
  }
  expect(f.canIDeploy.cpuMsPerRequest.broker).toBeGreaterThanOrEqual(0);
  expect(f.publish.contracts).toBe(20);
  expect(f.publish.perSecond).toBeGreaterThan(0);
  expect(f.publish.cpuMsPerContract.generator).toBeGreaterThan(0);
  expect(f.brokerMemoryMb[0]!.peak).toBeGreaterThan(0);
}

test('on SQLite: figures for every measurement, the warm-up and timed publishes stored, no broker left running', async () => {
  const db = path.join(tempDir('bench-smoke'), 'bench.sqlite');
  const f = runBench(['--db', db]);
  expect(f.store).toBe('sqlite');
  expectMeasured(f);
  // 60 seeded versions, then 50 warm-up and 20 timed publishes, each a new consumer version with one pact.
  const store = await openStore({ dbFile: db });
  try {
    const c = await store.counts();
    expect(c.versions).toBe(60 + 50 + 20);
    expect(c.pactPublications).toBe(60 + 50 + 20);
  } finally {
    await store.close();
  }
  expect(processesMentioning(db)).toEqual([]);
}, 150_000);

test('on a throwaway PostgreSQL (--postgres): the same figures, plus PostgreSQL CPU per request', () => {
  const f = runBench(['--postgres']);
  expect(f.store).toBe('postgres');
  expectMeasured(f);
  expect(f.canIDeploy.cpuMsPerRequest.postgres).toBeGreaterThanOrEqual(0);
}, 150_000);
