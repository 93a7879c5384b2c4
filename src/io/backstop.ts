// The backstop behind the budgets: synchronous JavaScript that outlives its time budget (a regex or a loop in a
// library that never yields) is terminated by V8 through node:vm's timeout, the finding recorded and the next item
// run. The drivers (lint, consumer, run) use it around each action; the budgets themselves are src/core/limits.ts.
import vm from 'node:vm';
import { now } from '../core/clock';
import { activeBudget, isVmTimeout, LimitExceededError, restoreBudget, runTerminationHooks } from '../core/limits';

const guardContext = vm.createContext({});
const guardScript = new vm.Script('__cxpactRun()');

/**
 * Runs `each(item)` for every item, synchronously, with a hard wall-clock limit of `limitMs` per item: JavaScript
 * still running after it is terminated by V8 (whatever it is doing: a regex, a loop in a library), `onTimeout(item)`
 * records the finding, and the next item runs. One watchdog serves a batch of items (a new batch starts when half
 * the limit has passed), so the cost is a fraction of a millisecond per `limitMs / 2` of work.
 */
export function guardedEach<T>(
  items: readonly T[],
  limitMs: number,
  each: (item: T) => void,
  onTimeout: (item: T) => void,
): void {
  let next = 0;
  const outer = activeBudget();
  while (next < items.length) {
    const batchStart = now();
    let running: number | undefined;
    const runBatch = (): void => {
      while (next < items.length && now() - batchStart < limitMs / 2) {
        running = next++;
        each(items[running] as T);
        running = undefined;
      }
    };
    (guardContext as Record<string, unknown>)['__cxpactRun'] = runBatch;
    try {
      guardScript.runInContext(guardContext, { timeout: Math.ceil(limitMs * 1.5) });
    } catch (error) {
      if (!isVmTimeout(error) || running === undefined) throw error;
      // Terminated JavaScript ran no finally blocks: caches it was filling are reset before the next item.
      runTerminationHooks();
      onTimeout(items[running] as T);
    } finally {
      (guardContext as Record<string, unknown>)['__cxpactRun'] = undefined;
      restoreBudget(outer);
    }
  }
}

/**
 * The same backstop for a loop written inline: `run(more)` is called under a watchdog and processes items while
 * `more()` (the batch still has time for a whole item) and returns true when every item is done. When JavaScript
 * outlives the limit it is terminated, `onTimeout()` records the finding and moves past the item, and `run` is
 * called again to go on.
 */
export function guardedLoop(limitMs: number, run: (more: () => boolean) => boolean, onTimeout: () => void): void {
  const outer = activeBudget();
  for (;;) {
    const batchStart = now();
    let done = false;
    (guardContext as Record<string, unknown>)['__cxpactRun'] = () => {
      done = run(() => now() - batchStart < limitMs / 2);
    };
    try {
      guardScript.runInContext(guardContext, { timeout: Math.ceil(limitMs * 1.5) });
    } catch (error) {
      if (!isVmTimeout(error)) throw error;
      runTerminationHooks();
      onTimeout();
    } finally {
      (guardContext as Record<string, unknown>)['__cxpactRun'] = undefined;
      restoreBudget(outer);
    }
    if (done) return;
  }
}

/** Runs `fn` synchronously with a hard wall-clock limit; a timeout becomes a `budget.time` LimitExceededError. */
export function guarded<T>(limitMs: number, fn: () => T): T {
  let result: { value: T } | undefined;
  let timedOut = false;
  guardedEach(
    [0],
    limitMs,
    () => {
      result = { value: fn() };
    },
    () => {
      timedOut = true;
    },
  );
  if (timedOut || result === undefined) {
    throw new LimitExceededError(
      'budget.time',
      'timeMs',
      `the evaluation did not finish within its ${limitMs.toLocaleString('en-US')} ms budget and was stopped`,
      'Make the definition cheaper to evaluate',
    );
  }
  return result.value;
}
