// The Pact FFI mock-server driver: the only module set that talks to Pact's core. Replays InteractionSpecs against
// real Pact V4 mock servers over real HTTP (mock-server.ts), on this thread or on worker threads for large runs,
// writes V4 pact files, and runs a hand-written interaction the pact-js way. Everything else in cxpact's consumer
// side is plain data.
//
// Worker threads. On the calling thread the blocking FFI calls (starting a mock server waits for it to listen,
// stopping one waits for its task to end) and the HTTP client work add up to most of a large run, and they
// serialise with everything else. From 60 batches on (~180 interactions; below that the start-up costs more), the
// batches are replayed on two worker threads running worker.ts (see docs/decisions/0007-pact-ffi-driver.md for how
// a worker finds its code compiled or as TypeScript). Measured on 2 cores with 1000 actions: scripts/bench.ts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkInteractionSpec, type InteractionSpec } from '../../core/contract/interaction';
import { pactFileName } from '../../core/contract/pact-file';
import { addonFile } from './ffi';
import { planBatches, replayBatches, type ReplayItem, type ReplayResult } from './mock-server';
import { describeMismatch, FfiPact } from './pact';
import { WORKER_ROLE, type FromWorker, type ToWorker, type WorkerData } from './protocol';

export interface ReplayOptions {
  /** Interactions per mock server (default 3: measured cheapest in CPU; a server matches each request against all its interactions). */
  batchSize?: number;
  /** Mock servers in flight at once (default 6). */
  concurrency?: number;
  /** Finished mock servers kept a little before shutdown (default 8): shutting down an idle server is cheap. */
  cleanupLag?: number;
  /** Worker threads replaying batches (default: 2, or 1 on a single core; 0 = all on the calling thread). */
  workers?: number;
  /** Fewest batches worth starting worker threads for (default 60: below that the startup costs more). */
  workerThreshold?: number;
  /** Called when a worker thread failed and its batches were replayed in-process instead. */
  onWorkerFallback?: (reason: string) => void;
}

const WORKER_THRESHOLD = 60;

/** Batches handed to a worker at a time: both workers pull from one queue and none holds the whole run's specs. */
const WORKER_CHUNK = 12;

function defaultWorkers(): number {
  return Math.min(2, Math.max(1, os.availableParallelism()));
}

/**
 * How a replay worker is started. Compiled (dist/, the installed package, the npm scripts) this module sits beside
 * worker.js and the worker runs that. Run from the TypeScript sources (ts-jest, tsx) there is no worker.js: the
 * worker runs worker.ts through tsx's CommonJS hook (tsx is a dependency), after the flags of this process.
 */
export function workerEntry(): { file: string; execArgv?: string[] } {
  if (path.extname(__filename) !== '.ts') return { file: path.join(__dirname, 'worker.js') };
  return {
    file: path.join(__dirname, 'worker.ts'),
    execArgv: [...process.execArgv, '--require', require.resolve('tsx/cjs')],
  };
}

/**
 * Replays batches on `count` worker threads. A worker that fails (cannot start, throws, exits) leaves what it had
 * not answered, and the rest of the queue, to an in-process replay; `onWorkerFallback` says why.
 */
async function replayOnWorkers(
  batches: ReplayItem[][],
  count: number,
  options: ReplayOptions,
): Promise<ReplayResult[]> {
  const addon = addonFile();
  if (addon === undefined) {
    options.onWorkerFallback?.('the Pact native library loaded in this process was not found in its report');
    return replayBatches(batches, options.concurrency ?? 6, options.cleanupLag ?? 8);
  }
  const chunks: ReplayItem[][][] = [];
  for (let i = 0; i < batches.length; i += WORKER_CHUNK) chunks.push(batches.slice(i, i + WORKER_CHUNK));
  const concurrency = Math.max(1, Math.ceil((options.concurrency ?? 6) / count));
  const lag = Math.max(1, Math.ceil((options.cleanupLag ?? 8) / count));
  const inProcess = (rest: ReplayItem[][]): Promise<ReplayResult[]> =>
    replayBatches(rest, options.concurrency ?? 6, options.cleanupLag ?? 8);
  const out = new Map<string, ReplayResult>();
  let next = 0;
  const rest = async (unanswered: ReplayItem[][]): Promise<void> => {
    for (const r of await inProcess(unanswered)) out.set(r.id, r);
    while (next < chunks.length) for (const r of await inProcess(chunks[next++] as ReplayItem[][])) out.set(r.id, r);
  };
  const entry = workerEntry();
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let worker: Worker;
      try {
        const workerData: WorkerData = { role: WORKER_ROLE, addon };
        worker = new Worker(entry.file, {
          workerData,
          ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
        });
      } catch (error) {
        options.onWorkerFallback?.((error as Error).message);
        void rest([]).then(resolve);
        return;
      }
      const given: ReplayItem[][] = [];
      let finished = false;
      const post = (message: ToWorker): void => worker.postMessage(message);
      const fail = (reason: string): void => {
        if (finished) return;
        finished = true;
        void worker.terminate();
        options.onWorkerFallback?.(reason);
        void rest(given.filter((b) => b.some((item) => !out.has(item.id)))).then(resolve);
      };
      const feed = (): void => {
        if (next >= chunks.length) {
          post({ type: 'none' });
          return;
        }
        const chunk = chunks[next++] as ReplayItem[][];
        given.push(...chunk);
        post({
          type: 'batches',
          batches: chunk.map((b) => b.map((item) => ({ id: item.id, spec: item.spec }))),
          concurrency,
          lag,
        });
      };
      worker.on('message', (m: FromWorker) => {
        if (finished) return;
        for (const r of m.results) out.set(r.id, r);
        if (m.type === 'more') return feed();
        finished = true;
        void worker.terminate();
        resolve();
      });
      worker.once('error', (e) => fail(e.message));
      worker.once('exit', (code) => fail(`the replay worker exited with code ${code}`));
      feed();
    });
  await Promise.all(Array.from({ length: count }, runWorker));
  return [...out.values()];
}

/**
 * Replays every interaction against real Pact mock servers (127.0.0.1, port 0) and returns what each answered,
 * by item id. One failing interaction never stops the others.
 * @example const answers = await replayInteractions([{ id: 'found', spec }]); answers.get('found')?.body
 */
export async function replayInteractions(
  items: ReplayItem[],
  options: ReplayOptions = {},
): Promise<Map<string, ReplayResult>> {
  const batches = planBatches(items, options.batchSize ?? 3);
  const workers = options.workers ?? defaultWorkers();
  const results =
    batches.length >= (options.workerThreshold ?? WORKER_THRESHOLD) && workers > 0
      ? await replayOnWorkers(batches, workers, options)
      : await replayBatches(batches, options.concurrency ?? 6, options.cleanupLag ?? 8);
  return new Map(results.map((r) => [r.id, r]));
}

/**
 * Writes one V4 pact file `<consumer>-<provider>.json` holding exactly `specs` (replacing an older file).
 * Returns the file path.
 */
export function writePact(
  consumer: string,
  provider: string,
  specs: InteractionSpec[],
  pactsDir: string,
  metadata: Record<string, string> = {},
): string {
  fs.mkdirSync(pactsDir, { recursive: true });
  const file = path.join(pactsDir, pactFileName(consumer, provider));
  fs.rmSync(file, { force: true });
  const pact = new FfiPact(consumer, provider);
  for (const [k, v] of Object.entries(metadata)) pact.addMetadata('cxpact', k, v);
  for (const spec of specs) pact.addInteraction(spec);
  pact.writePactFile(pactsDir, false);
  return file;
}

/**
 * Runs a hand-written interaction the pact-js way: starts a mock server holding `spec`, calls `test(baseUrl)`,
 * checks the mock saw exactly the expected request, and on success merges the interaction into the pair's pact.
 * @example await executeInteraction({ consumer: 'ivr', provider: 'crm', spec, pactsDir }, async (url) => fetch(`${url}/customers`))
 */
export async function executeInteraction<T>(
  options: {
    consumer: string;
    provider: string;
    spec: InteractionSpec;
    pactsDir?: string;
    writeIf?: (result: T) => boolean;
  },
  test: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const invalid = checkInteractionSpec(options.spec, `interaction "${options.spec.description}"`);
  if (invalid.length > 0) throw invalid[0];
  const pact = new FfiPact(options.consumer, options.provider);
  pact.addInteraction(options.spec);
  const port = pact.startMockServer();
  try {
    const result = await test(`http://127.0.0.1:${port}`);
    if (!pact.matched(port)) {
      const problems = pact.mismatches(port).map(describeMismatch);
      throw new Error(`Pact mock server mismatches for "${options.spec.description}":\n  ${problems.join('\n  ')}`);
    }
    if (options.pactsDir !== undefined && (options.writeIf === undefined || options.writeIf(result))) {
      fs.mkdirSync(options.pactsDir, { recursive: true });
      pact.writePactFile(options.pactsDir, true);
    }
    return result;
  } finally {
    pact.stopMockServer(port);
  }
}
