// JSONata translations (cxpact extension). jsonata 2.x only evaluates asynchronously; translateResponse is
// synchronous (the contract engine calls it in tight loops), so evaluateJsonataSync runs the real jsonata library
// in one long-lived worker thread and blocks on Atomics.wait until it answers. evaluateJsonata is the in-process
// async variant. Compiled expressions are cached on both sides.

import jsonata from 'jsonata';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { currentLimits } from '../limits';
import { compileSafeRegex } from '../safe-regex';

/**
 * jsonata's RegexEngine seam: regex literals in expressions (`/(a+)+$/`, $match, $replace, $split, $contains) run on
 * the linear-time engine instead of JavaScript's backtracking one. jsonata constructs it with the literal's RegExp
 * and drives it through `lastIndex` and `exec`.
 */
class SafeJsonataRegex {
  lastIndex = 0;
  private readonly re;
  constructor(literal: RegExp) {
    this.re = compileSafeRegex(literal.source, { dialect: 'ecmascript', flags: literal.flags.replace(/[^ims]/g, ''), nativeFallback: () => literal });
  }
  exec(s: string): (RegExpExecArray & { index: number }) | null {
    const m = this.re.execFrom(s, this.lastIndex);
    if (m === null) return null;
    const out = [m.match, ...m.groups] as unknown as RegExpExecArray;
    out.index = m.index;
    this.lastIndex = m.index + m.match.length;
    return out;
  }
}

/** jsonata's own guard rails from the budget: a timeout and a maximum evaluation depth (runaway recursion). */
function guardOptions(): { timeout: number; stack: number; RegexEngine: RegExpConstructor } {
  const limits = currentLimits();
  // jsonata's depth counts evaluation frames (several per nesting level of the expression).
  return { timeout: limits.timeMs, stack: Math.max(500, limits.depth * 50), RegexEngine: SafeJsonataRegex as unknown as RegExpConstructor };
}

const guardedCache = new Map<string, Compiled>();

/** The expression compiled with the guard rails in force (cached per expression and limits). */
function guardedJsonata(expression: string): Compiled {
  const options = guardOptions();
  const key = `${options.timeout}\u0000${options.stack}\u0000${expression}`;
  let c = guardedCache.get(key);
  if (c === undefined) {
    c = jsonata(expression, options);
    if (guardedCache.size > 2000) guardedCache.clear();
    guardedCache.set(key, c);
  }
  return c;
}

export type JsonataOutcome = { ok: true; value: unknown } | { ok: false; error: string; position?: number; token?: string };

type Compiled = ReturnType<typeof jsonata>;
const compiled = new Map<string, Compiled | { error: string; position?: number; token?: string }>();

interface JsonataErrorLike {
  message?: string;
  position?: number;
  token?: string;
  code?: string;
}

function describe(e: unknown): { error: string; position?: number; token?: string } {
  const x = (typeof e === 'object' && e !== null ? e : {}) as JsonataErrorLike;
  let msg = x.message ?? String(e);
  if (x.code === 'D1012') msg = `the expression did not finish within its time budget (${msg}); a non-terminating recursion or a huge range? Raise the budget with --budget-time-ms / CXPACT_BUDGET_TIME_MS`;
  if (x.code === 'U1001' || /Maximum call stack|stack overflow/i.test(msg)) msg = 'the expression nests too deep, or a recursive function does not terminate (JSONata ran out of stack)';
  if (/Invalid (string|array) length/i.test(msg)) msg = 'the expression built a value larger than JavaScript can hold (a huge string or array)';
  return {
    error: `${x.code ? `${x.code}: ` : ''}${msg}${typeof x.position === 'number' ? ` (at position ${x.position})` : ''}`,
    ...(typeof x.position === 'number' ? { position: x.position } : {}),
    ...(typeof x.token === 'string' ? { token: x.token } : {}),
  };
}

/** Compiles a JSONata expression (cached). Returns the error instead of throwing. */
export function compileJsonata(expression: string): Compiled | { error: string; position?: number; token?: string } {
  let c = compiled.get(expression);
  if (!c) {
    try {
      c = jsonata(expression, { RegexEngine: SafeJsonataRegex as unknown as RegExpConstructor });
    } catch (e) {
      c = describe(e);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(expression, c);
  }
  return c;
}

/** jsonata sequences carry extra properties and may hold functions: reduce to plain JSON. */
function plain(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v) ?? 'null');
}

/** Evaluates in-process (async). */
export async function evaluateJsonata(expression: string, body: unknown, bindings: Record<string, unknown>): Promise<JsonataOutcome> {
  const c = compileJsonata(expression);
  if ('error' in c) return { ok: false, ...c };
  try {
    // A fresh evaluation object with the guard rails of the budget in force (the compiled AST is shared).
    return { ok: true, value: plain(await guardedJsonata(expression).evaluate(body, bindings)) };
  } catch (e) {
    return { ok: false, ...describe(e) };
  }
}

// ---- synchronous bridge ----

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const jsonata = require(workerData.jsonataPath);
const { RE2JS } = require(workerData.re2Path);
const port = workerData.port;
// The same linear-time regex engine as in-process (shared/safe-regex.ts), for regex literals RE2 reads.
class SafeRegex {
  constructor(literal) {
    this.lastIndex = 0;
    let flags = 0;
    if (literal.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
    if (literal.flags.includes('m')) flags |= RE2JS.MULTILINE;
    if (literal.flags.includes('s')) flags |= RE2JS.DOTALL;
    try { this.re = RE2JS.compile(RE2JS.translateRegExp(literal.source), flags); } catch { this.native = new RegExp(literal.source, literal.flags.includes('g') ? literal.flags : literal.flags + 'g'); }
  }
  exec(s) {
    if (this.native) { this.native.lastIndex = this.lastIndex; const m = this.native.exec(s); this.lastIndex = this.native.lastIndex; return m; }
    const m = this.re.matcher(s);
    if (!m.find(this.lastIndex)) return null;
    const out = [m.group()];
    for (let g = 1; g <= m.groupCount(); g++) out.push(m.group(g) === null ? undefined : m.group(g));
    out.index = m.start();
    this.lastIndex = m.end();
    return out;
  }
}
const flag = new Int32Array(workerData.flag);
const cache = new Map();
function describe(e) {
  const x = (typeof e === 'object' && e !== null) ? e : {};
  let msg = x.message !== undefined ? x.message : String(e);
  // Raw JavaScript errors never reach a user (the same wording as in-process).
  if (/Maximum call stack|stack overflow/i.test(msg)) msg = 'the expression nests too deep, or a recursive function does not terminate (JSONata ran out of stack)';
  if (/Invalid (string|array) length/i.test(msg)) msg = 'the expression built a value larger than JavaScript can hold (a huge string or array)';
  const out = { error: (x.code ? x.code + ': ' : '') + msg + (typeof x.position === 'number' ? ' (at position ' + x.position + ')' : '') };
  if (typeof x.position === 'number') out.position = x.position;
  if (typeof x.token === 'string') out.token = x.token;
  return out;
}
port.on('message', async (m) => {
  let reply;
  try {
    const key = m.timeout + '\u0000' + m.stack + '\u0000' + m.expression;
    let c = cache.get(key);
    if (!c) { c = jsonata(m.expression, { timeout: m.timeout, stack: m.stack, RegexEngine: SafeRegex }); if (cache.size > 2000) cache.clear(); cache.set(key, c); }
    const v = await c.evaluate(m.body, m.bindings);
    reply = { ok: true, value: v === undefined ? undefined : JSON.parse(JSON.stringify(v) ?? 'null') };
  } catch (e) {
    reply = Object.assign({ ok: false }, describe(e));
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Bridge {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let bridge: Bridge | undefined;

function getBridge(): Bridge {
  if (bridge) return bridge;
  const { port1, port2 } = new MessageChannel();
  const sab = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, flag: sab, jsonataPath: require.resolve('jsonata'), re2Path: require.resolve('re2js') },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    bridge = undefined;
  });
  bridge = { worker, port: port1, flag: new Int32Array(sab) };
  return bridge;
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));


/** Evaluates synchronously (blocking on a worker thread running the real jsonata). */
export function evaluateJsonataSync(expression: string, body: unknown, bindings: Record<string, unknown>): JsonataOutcome {
  const c = compileJsonata(expression);
  if ('error' in c) return { ok: false, ...c };
  const b = getBridge();
  Atomics.store(b.flag, 0, 0);
  const guard = guardOptions();
  // jsonata's own timeout stops a runaway expression; the wait below stops one that never yields (a native regex).
  const SYNC_TIMEOUT_MS = guard.timeout + 1000;
  try {
    b.port.postMessage({ expression, body, bindings, timeout: guard.timeout, stack: guard.stack });
  } catch (e) {
    return { ok: false, error: `the response or input cannot be passed to JSONata: ${e instanceof Error ? e.message : String(e)}` };
  }
  const waited = Atomics.wait(b.flag, 0, 0, SYNC_TIMEOUT_MS);
  let msg = receiveMessageOnPort(b.port);
  // The reply is queued before the flag is set; a few short waits cover any delivery lag.
  for (let i = 0; !msg && waited !== 'timed-out' && i < 50; i++) {
    Atomics.wait(SLEEP, 0, 0, 1);
    msg = receiveMessageOnPort(b.port);
  }
  if (!msg) {
    if (waited === 'timed-out') {
      void b.worker.terminate();
      bridge = undefined;
      return { ok: false, error: `the JSONata expression did not finish within its ${guard.timeout} ms budget (raise it with --budget-time-ms / CXPACT_BUDGET_TIME_MS)` };
    }
    return { ok: false, error: 'the JSONata worker did not answer' };
  }
  return msg.message as JsonataOutcome;
}

/** Stops the worker thread (tests / CLI shutdown). Safe to call when none runs. */
export async function stopJsonataWorker(): Promise<void> {
  const b = bridge;
  bridge = undefined;
  if (b) {
    b.port.close();
    await b.worker.terminate();
  }
}
