// The messages between the driver (driver.ts) and a replay worker (worker.ts). Pull-based: a worker asks for more
// before it runs dry, so both workers share one queue (a slower one takes less) and no worker holds the whole run.

import type { ReplayItem, ReplayResult } from './mock-server';

/** Driver -> worker: the next chunk of batches (the first one also sets the worker's pace), or "no more". */
export type ToWorker =
  | { type: 'batches'; batches: ReplayItem[][]; concurrency: number; lag: number }
  | { type: 'none' };

/** Worker -> driver: results so far, with a request for more work or the news that it has finished. */
export type FromWorker = { type: 'more' | 'ended'; results: ReplayResult[] };

/** The `workerData.role` a replay worker is started with. */
export const WORKER_ROLE = 'cxpact-pact-replay';

/** What a replay worker is started with: its role, and the Pact addon file the driver's thread loaded. */
export interface WorkerData {
  role: typeof WORKER_ROLE;
  addon: string;
}
