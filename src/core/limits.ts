// Budgets and limits for evaluating untrusted definitions. Hostile input is normal input for a CI tool: every
// evaluation of one Data Action (parsing its file, building its cases and requests, translating a response,
// validating) runs under a time, step and memory budget, and every parser and walker has a size and depth limit.
// Exceeding one is a finding (a CxpactError with a `budget.*` or `limit.*` code naming the construct), never a hang,
// a crash or a raw JavaScript error. Pure: the clock and the heap size are read through src/core/clock.ts;
// docs/decisions/0006.
//
// How budgets are enforced (see docs/decisions/0006-budgets-and-limits.md):
//   * cooperatively: the engines call Budget.tick() in their loops (Velocity directives and loop iterations, JSONPath
//     nodes visited); every few thousand steps the clock and the heap are read. Regexes from definitions run on a
//     linear-time engine (safe-regex.ts), JSONata with its own timeout and depth guard;
//   * as a backstop: the drivers run synchronous evaluations under guardedEach() (src/io/backstop.ts), which asks
//     V8 to terminate JavaScript that outlives its budget (node:vm's timeout, one watchdog per batch of evaluations,
//     so the normal path pays it once per budget period, not once per action).

import { heapUsedMb, now } from './clock';
import { CxpactError } from './errors';
import type { LimitCode } from './codes';

export interface Limits {
  /** Wall-clock budget of one evaluation step of one action, in milliseconds. */
  timeMs: number;
  /** Heap one evaluation step may add, in MB (measured at the engines' check points; approximate). */
  memoryMb: number;
  /** Steps one evaluation may take: Velocity nodes rendered and loop iterations, JSONPath nodes visited. */
  steps: number;
  /** Largest definition or cases file, in bytes. */
  fileBytes: number;
  /** Longest string in a definition (name, URL, header, template, translationMap path or default), in characters. */
  stringLength: number;
  /** Deepest nesting of JSON (definitions, schemas, cases, response bodies, outputs), HCL, templates and paths. */
  depth: number;
  /** Longest text an evaluation builds (a rendered template, a string made in a template), in characters. */
  outputLength: number;
  /** Most headers in one request. */
  headers: number;
  /** Most values (objects, arrays, keywords) in one JSON schema: compiling a validator takes time linear in it. */
  schemaNodes: number;
}

interface LimitSpec {
  key: keyof Limits;
  flag: string;
  env: string;
  default: number;
  unit: string;
  what: string;
}

/** Every limit with its default, flag and environment variable (the README table is generated from the same words). */
export const LIMIT_SPECS: readonly LimitSpec[] = [
  // Real definitions evaluate in well under 100 ms; 10 s leaves room for a slow CI machine and a big response.
  {
    key: 'timeMs',
    flag: 'budget-time-ms',
    env: 'CXPACT_BUDGET_TIME_MS',
    default: 10_000,
    unit: 'ms',
    what: 'wall-clock time per action and step',
  },
  // Far above what a real translation allocates (a few MB), far below what kills a 2 GB CI container.
  {
    key: 'memoryMb',
    flag: 'budget-memory-mb',
    env: 'CXPACT_BUDGET_MEMORY_MB',
    default: 512,
    unit: 'MB',
    what: 'heap growth per action and step',
  },
  // A template looping over a 10,000-element response with 50 nodes per element takes 500,000 steps.
  {
    key: 'steps',
    flag: 'budget-steps',
    env: 'CXPACT_BUDGET_STEPS',
    default: 2_000_000,
    unit: 'steps',
    what: 'Velocity nodes and loop iterations, JSONPath nodes visited',
  },
  // The largest real definition in the corpus is 6 KB; cases files may carry recorded response bodies.
  {
    key: 'fileBytes',
    flag: 'limit-file-bytes',
    env: 'CXPACT_LIMIT_FILE_BYTES',
    default: 8 * 1024 * 1024,
    unit: 'bytes',
    what: 'size of a definition or cases file',
  },
  // The longest real string (a request template) is 2,004 characters.
  {
    key: 'stringLength',
    flag: 'limit-string',
    env: 'CXPACT_LIMIT_STRING',
    default: 65_536,
    unit: 'characters',
    what: 'length of one string in a definition (name, URL, header, template, path) or of a .jsonata file',
  },
  // Real definitions nest 14 deep; 100 keeps every recursive walker far from the stack limit.
  {
    key: 'depth',
    flag: 'limit-depth',
    env: 'CXPACT_LIMIT_DEPTH',
    default: 100,
    unit: 'levels',
    what: 'nesting of JSON, schemas, HCL, templates, outputs',
  },
  {
    key: 'outputLength',
    flag: 'limit-output',
    env: 'CXPACT_LIMIT_OUTPUT',
    default: 4 * 1024 * 1024,
    unit: 'characters',
    what: 'length of a rendered template or a string built by one',
  },
  // HTTP servers commonly refuse more than 100 request headers.
  {
    key: 'headers',
    flag: 'limit-headers',
    env: 'CXPACT_LIMIT_HEADERS',
    default: 100,
    unit: 'headers',
    what: 'headers in one request',
  },
  // Real contracts hold a few hundred values; compiling 20,000 takes a few seconds.
  {
    key: 'schemaNodes',
    flag: 'limit-schema',
    env: 'CXPACT_LIMIT_SCHEMA',
    default: 20_000,
    unit: 'values',
    what: 'values in one input or output schema (large enums count once)',
  },
];

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze(
  Object.fromEntries(LIMIT_SPECS.map((s) => [s.key, s.default])) as unknown as Limits,
);

/** `Limits` from an options object over the defaults; throws a usage error for a value that is not a positive number. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const spec of LIMIT_SPECS) {
    const v = overrides[spec.key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new CxpactError(
        'usage.invalid-limit',
        `The ${spec.what} limit must be a positive number, found ${String(v)}.`,
        {
          path: `--${spec.flag}`,
          fix: `Pass --${spec.flag} <${spec.unit}> (default ${spec.default}) or set ${spec.env}.`,
        },
      );
    }
    out[spec.key] = v;
  }
  return out;
}

/** Option specs for node's parseArgs: one string option per limit. */
export const LIMIT_ARGS: Record<string, { type: 'string' }> = Object.fromEntries(
  LIMIT_SPECS.map((s) => [s.flag, { type: 'string' as const }]),
);

/** Lines for a command's --help: every budget/limit flag, its environment variable and default. */
export const LIMITS_HELP = `Budgets and limits (flag, environment variable, default; see README "Limits and budgets"):
${LIMIT_SPECS.map((s) => `  --${`${s.flag} <n>`.padEnd(24)} ${s.env.padEnd(26)} ${String(s.default).padStart(8)} ${s.unit}: ${s.what}`).join('\n')}
`;

/** Limits from command-line values (`--budget-time-ms 5000`) over environment variables over the defaults. */
export function limitsFromArgs(values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Limits {
  const overrides: Partial<Limits> = {};
  for (const spec of LIMIT_SPECS) {
    const flag = values[spec.flag];
    const raw = typeof flag === 'string' ? flag : env[spec.env];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) {
      const source = typeof flag === 'string' ? `--${spec.flag}` : spec.env;
      throw new CxpactError('usage.invalid-limit', `${source} must be a positive number, found "${raw}".`, {
        path: source,
        fix: `Pass a positive number of ${spec.unit} (default ${spec.default}).`,
      });
    }
    overrides[spec.key] = n;
  }
  return resolveLimits(overrides);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

const RAISE: Record<string, string> = Object.fromEntries(LIMIT_SPECS.map((s) => [s.key, `--${s.flag} / ${s.env}`]));

/** A budget (time, steps, memory) or limit (size, depth) was exceeded. Codes `budget.*` and `limit.*`. */
export class LimitExceededError extends CxpactError<LimitCode> {
  /** Which limit: a key of Limits. */
  readonly limit: keyof Limits;
  /** The construct that exceeded it, filled in by the innermost engine that knows (`#foreach at line 2 ...`). */
  construct?: string;

  constructor(code: LimitCode, limit: keyof Limits, message: string, fix: string, construct?: string) {
    super(code, message, { fix: `${fix} (or raise the limit: ${RAISE[limit] ?? limit})`, details: { limit } });
    this.name = 'LimitExceededError';
    this.limit = limit;
    this.construct = construct;
  }

  /** The same error, naming `construct` when none was named yet (the innermost construct wins). */
  within(construct: string): LimitExceededError {
    if (this.construct !== undefined) return this;
    const e = new LimitExceededError(
      this.code,
      this.limit,
      `${this.message} in ${construct}`,
      this.fix?.replace(/ \(or raise the limit: .*\)$/, '') ?? '',
      construct,
    );
    return e;
  }
}

/** `limit.size`: an input larger than the limit (refused before it is processed). */
export function sizeLimitError(
  what: string,
  size: number,
  limit: keyof Limits,
  max: number,
  fix: string,
): LimitExceededError {
  return new LimitExceededError(
    'limit.size',
    limit,
    `${what} is ${size.toLocaleString('en-US')} ${unitOf(limit)} long; the limit is ${max.toLocaleString('en-US')}`,
    fix,
  );
}

/** `limit.depth`: nesting deeper than the limit. */
export function depthLimitError(what: string, max: number, fix: string): LimitExceededError {
  return new LimitExceededError('limit.depth', 'depth', `${what} nests deeper than ${max} levels`, fix);
}

function unitOf(limit: keyof Limits): string {
  return LIMIT_SPECS.find((s) => s.key === limit)?.unit ?? '';
}

// ---------------------------------------------------------------------------------------------------------------
// The budget of one evaluation

/** Steps between two reads of the clock and the heap. */
const CHECK_EVERY = 4096;

/** The budget of one evaluation step of one action: a deadline, a step counter and a heap baseline. */
export class Budget {
  readonly limits: Limits;
  readonly startedAt: number;
  private readonly deadline: number;
  private readonly heapStart: number;
  private used = 0;
  private nextCheck = CHECK_EVERY;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = resolveLimits(limits);
    this.startedAt = now();
    this.deadline = this.startedAt + this.limits.timeMs;
    this.heapStart = heapUsedMb();
  }

  /** Counts `n` steps; throws LimitExceededError when the steps, time or memory budget is spent. */
  tick(n = 1): void {
    this.used += n;
    if (this.used > this.limits.steps) {
      throw new LimitExceededError(
        'budget.steps',
        'steps',
        `the evaluation took more than ${this.limits.steps.toLocaleString('en-US')} steps`,
        'Bound the loop or recursion (iterate a smaller list, fewer nested loops)',
      );
    }
    if (this.used >= this.nextCheck) {
      this.nextCheck = this.used + CHECK_EVERY;
      this.check();
    }
  }

  /** Reads the clock and the heap; throws when the time or memory budget is spent. */
  check(): void {
    if (now() > this.deadline) throw this.timeError();
    const grown = heapUsedMb() - this.heapStart;
    if (grown > this.limits.memoryMb) {
      throw new LimitExceededError(
        'budget.memory',
        'memoryMb',
        `the evaluation grew the heap by ${Math.round(grown)} MB, more than its ${this.limits.memoryMb} MB budget`,
        'Build smaller values (fewer or shorter list items and strings)',
      );
    }
  }

  timeError(): LimitExceededError {
    return new LimitExceededError(
      'budget.time',
      'timeMs',
      `the evaluation did not finish within its ${this.limits.timeMs.toLocaleString('en-US')} ms budget`,
      'Make the expression cheaper (fewer nested loops, smaller lists)',
    );
  }

  /** Milliseconds left (at least 1). */
  remainingMs(): number {
    return Math.max(1, this.deadline - now());
  }

  stepsUsed(): number {
    return this.used;
  }

  /** Throws when a built text is longer than the output limit. */
  checkLength(length: number, what: string): void {
    if (length > this.limits.outputLength) {
      throw new LimitExceededError(
        'limit.output',
        'outputLength',
        `${what} would be ${length.toLocaleString('en-US')} characters long, more than the ${this.limits.outputLength.toLocaleString('en-US')} allowed`,
        'Build shorter text',
      );
    }
  }
}

let current: Budget | undefined;
let defaults: Partial<Limits> = {};

/**
 * Runs `fn` under a budget: the enclosing one when an evaluation is already running (an engine call inside a
 * driver's per-action budget), else a new one from `limits` (or the process defaults set by setDefaultLimits).
 * For synchronous work only: the budget is the one in force while `fn` runs.
 */
export function withBudget<T>(fn: (budget: Budget) => T, limits?: Partial<Limits>): T {
  if (current !== undefined) return fn(current);
  const budget = new Budget(limits ?? defaults);
  current = budget;
  try {
    return fn(budget);
  } finally {
    current = undefined;
  }
}

/** Runs `fn` under a fresh budget, even inside another one (a driver starting the next action). */
export function withNewBudget<T>(limits: Partial<Limits> | undefined, fn: (budget: Budget) => T): T {
  const saved = current;
  current = new Budget(limits ?? defaults);
  try {
    return fn(current);
  } finally {
    current = saved;
  }
}

/** The budget in force, if any. */
export function activeBudget(): Budget | undefined {
  return current;
}

/** The limits engines apply when no budget is in force (library use): the drivers set them from flags/env. */
export function setDefaultLimits(limits: Partial<Limits>): void {
  defaults = { ...limits };
}

/** The limits in force: the active budget's, else the process defaults. */
export function currentLimits(): Limits {
  return current?.limits ?? resolveLimits(defaults);
}

// ---------------------------------------------------------------------------------------------------------------
// After a termination (src/io/backstop.ts): module caches reset, the budget in force restored

const resetHooks: (() => void)[] = [];

/** Registers a function that resets a module's caches after an evaluation was terminated half-way. */
export function onTerminated(hook: () => void): void {
  resetHooks.push(hook);
}

/** Runs the reset hooks (the backstop calls it after terminating JavaScript: no finally block ran). */
export function runTerminationHooks(): void {
  for (const hook of resetHooks) hook();
}

/** Puts back the budget that was in force before a guarded batch (the backstop calls it). */
export function restoreBudget(budget: Budget | undefined): void {
  current = budget;
}

/** Starts a fresh budget for the next action of a driver's loop (ended by the loop's guard or endBudget). */
export function startBudget(limits?: Partial<Limits>): Budget {
  current = new Budget(limits ?? defaults);
  return current;
}

/** Ends the budget startBudget started. */
export function endBudget(): void {
  current = undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Raw JavaScript errors never reach a user

/**
 * A LimitExceededError for the JavaScript errors that mean "too big or too deep" (stack overflow, a string or array
 * past V8's maximum, a vm timeout); undefined for anything else.
 */
/** The error V8 raises when a vm script outlives its timeout (src/io/backstop.ts). */
export function isVmTimeout(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  );
}

export function limitErrorFromRaw(error: unknown, what = 'the evaluation'): LimitExceededError | undefined {
  if (error instanceof LimitExceededError) return error;
  if (isVmTimeout(error))
    return new LimitExceededError(
      'budget.time',
      'timeMs',
      `${what} did not finish within its budget and was stopped`,
      'Make the definition cheaper to evaluate',
    );
  if (!(error instanceof RangeError)) return undefined;
  const m = error.message;
  if (/call stack/i.test(m)) return depthLimitError(what, currentLimits().depth, 'Nest less deeply');
  if (/Invalid (string|array|typed array) length|Array buffer allocation failed|allocation failed/i.test(m)) {
    return new LimitExceededError(
      'limit.output',
      'outputLength',
      `${what} built a value larger than JavaScript can hold`,
      'Build smaller values',
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Depth of parsed JSON, measured without recursion

/**
 * The JSON path of the first value nested deeper than `max` levels in `value` (`$.a[0].b...`, shortened), or
 * undefined when it nests at most `max` deep. Iterative: safe on any depth JSON.parse produced.
 */
export function tooDeep(value: unknown, max: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 1, path: '$' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (depth > max) return path.length > 120 ? `${path.slice(0, 120)}…` : path;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'object' && x !== null)
          stack.push({ v: x, depth: depth + 1, path: path.length > 120 ? path : `${path}[${i}]` });
      }
    } else {
      for (const k of Object.keys(v as object)) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null)
          stack.push({
            v: x,
            depth: depth + 1,
            path: path.length > 120 ? path : `${path}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `['${k}']`}`,
          });
      }
    }
  }
  return undefined;
}

/** The number of values in `value` (objects, arrays and scalars), counting at most up to `max + 1`; iterative. */
export function countValues(value: unknown, max: number, skipKeys: ReadonlySet<string> = new Set()): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= max) {
    const v = stack.pop();
    count++;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) if (!skipKeys.has(k)) stack.push(x);
  }
  return count;
}

/** The JSON path and length of the first string (value or key) longer than `max` in `value`, iteratively. */
export function tooLong(value: unknown, max: number): { path: string; length: number } | undefined {
  if (typeof value === 'string') return value.length > max ? { path: '$', length: value.length } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '$' }];
  const name = (k: string): string =>
    k.length > 40 ? `['${k.slice(0, 40)}…']` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `['${k}']`;
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [`[${i}]`, x])
      : Object.entries(v as object).map(([k, x]) => [k, x]);
    for (const [k, x] of entries) {
      const p = Array.isArray(v) ? `${path}${k}` : `${path}${name(k)}`;
      if (!Array.isArray(v) && k.length > max) return { path: p, length: k.length };
      if (typeof x === 'string' && x.length > max) return { path: p, length: x.length };
      if (typeof x === 'object' && x !== null) stack.push({ v: x, path: p.length > 200 ? path : p });
    }
  }
  return undefined;
}

/**
 * JSON text of a report, never a raw "Maximum call stack size exceeded" or "Invalid string length": when the value
 * cannot be serialised as it is, values nested deeper than the depth limit and strings longer than the output
 * limit are replaced by a note saying so.
 */
export function safeJson(value: unknown, indent = 2): string {
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const limits = currentLimits();
    return JSON.stringify(pruned(value, limits.depth, limits.outputLength), null, indent) ?? 'null';
  }
}

/** An iterative copy of JSON-like data with deep values and long strings replaced by notes. */
function pruned(value: unknown, maxDepth: number, maxString: number): unknown {
  const copy = (v: unknown): unknown =>
    typeof v === 'string' && v.length > maxString ? `[${v.length} characters omitted]` : v;
  if (typeof value !== 'object' || value === null) return copy(value);
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: { from: object; to: Record<string, unknown> | unknown[]; depth: number }[] = [
    { from: value, to: root as Record<string, unknown>, depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop() as (typeof stack)[number];
    for (const [k, v] of Object.entries(from)) {
      let out: unknown = copy(v);
      if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
        if (depth >= maxDepth) out = `[nested deeper than ${maxDepth} levels: omitted]`;
        else {
          out = Array.isArray(v) ? [] : {};
          stack.push({ from: v, to: out as Record<string, unknown>, depth: depth + 1 });
        }
      }
      (to as Record<string, unknown>)[k] = out;
    }
  }
  return root;
}
