// A replay worker thread (started by driver.ts): replays the batches the driver hands it with the very code the
// calling thread uses (mock-server.ts), on its own Node-API instance of the Pact native library (the FFI keeps one
// process-wide registry of mock servers, so nothing is shared but the library). It asks for the next chunk while
// the current one still runs, so there is no drain between chunks.

import { parentPort, workerData } from 'node:worker_threads';
import { useAddon } from './ffi';
import { FinishedServers, runBatch, type ReplayItem, type ReplayResult } from './mock-server';
import { WORKER_ROLE, type FromWorker, type ToWorker, type WorkerData } from './protocol';

/** Runs the pull loop on `port` until the driver says there is no more. */
export function serveReplays(port: NonNullable<typeof parentPort>): void {
  const queue: ReplayItem[][] = [];
  const results: ReplayResult[] = [];
  const waiters: (() => void)[] = [];
  const finished = new FinishedServers();
  let noMore = false;
  let asked = false;
  let started = false;
  let concurrency = 3;
  let lag = 4;

  const post = (message: FromWorker): void => port.postMessage(message);
  const wake = (): void =>
    waiters.splice(0).forEach((w) => {
      w();
    });
  const ask = (): void => {
    if (asked || noMore) return;
    asked = true;
    post({ type: 'more', results: results.splice(0) });
  };
  const take = async (): Promise<ReplayItem[] | undefined> => {
    for (;;) {
      const batch = queue.shift();
      if (batch !== undefined) {
        if (queue.length < concurrency * 2) ask();
        return batch;
      }
      if (noMore) return undefined;
      ask();
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const runner = async (): Promise<void> => {
    for (let batch = await take(); batch !== undefined; batch = await take()) {
      results.push(...(await runBatch(batch, finished)));
      finished.retire(lag);
    }
  };
  const finish = (): void => {
    finished.retire(0);
    post({ type: 'ended', results: results.splice(0) });
  };

  port.on('message', (m: ToWorker) => {
    asked = false;
    if (m.type === 'none') {
      noMore = true;
      if (!started) finish();
      wake();
      return;
    }
    queue.push(...m.batches);
    if (!started) {
      started = true;
      concurrency = m.concurrency;
      lag = m.lag;
      void Promise.all(Array.from({ length: concurrency }, runner)).then(finish);
    }
    wake();
  });
}

// Started as a replay worker (and only then: importing this module elsewhere does nothing).
const data = workerData as Partial<WorkerData> | null;
if (parentPort !== null && data?.role === WORKER_ROLE && typeof data.addon === 'string') {
  useAddon(data.addon);
  serveReplays(parentPort);
}
