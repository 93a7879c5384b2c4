// The budgets' clock and heap gauge: the one place the pure core reads the time and the heap. A budget (src/core/
// limits.ts) reads them every few thousand evaluation steps; nothing else in src/core does.
import v8 from 'node:v8';

/** Milliseconds since the epoch. */
export function now(): number {
  return Date.now();
}

/** Heap in use, in MB (v8's statistics: a tenth of the cost of process.memoryUsage(), which also reads the RSS). */
export function heapUsedMb(): number {
  return v8.getHeapStatistics().used_heap_size / (1024 * 1024);
}
