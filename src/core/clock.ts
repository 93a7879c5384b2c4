// The budgets' clock and heap gauge: the one place the pure core reads the time and the heap. A budget (src/core/
// limits.ts) reads them every few thousand evaluation steps; nothing else in src/core does.

/** Milliseconds since the epoch. */
export function now(): number {
  return Date.now();
}

/** Readings taken through process.memoryUsage() before node:v8 is loaded. */
const READINGS_BEFORE_V8 = 32;
let readings = 0;
let v8: typeof import('node:v8') | undefined;

/**
 * Heap in use, in MB: V8's used heap size. The first readings come from process.memoryUsage() (about 10 µs: it also
 * reads the RSS), the later ones from node:v8's statistics (a tenth of that), which is loaded only then: loading it
 * loads Node's stream modules, a few ms that a short command (`cxpact run` of one action) would spend for nothing.
 */
export function heapUsedMb(): number {
  if (v8 === undefined && ++readings > READINGS_BEFORE_V8) v8 = require('node:v8') as typeof import('node:v8');
  if (v8 !== undefined) return v8.getHeapStatistics().used_heap_size / (1024 * 1024);
  // biome-ignore lint/style/noRestrictedGlobals: V8's used heap, the figure node:v8 gives (no cwd, env, exit or streams)
  return process.memoryUsage().heapUsed / (1024 * 1024);
}
