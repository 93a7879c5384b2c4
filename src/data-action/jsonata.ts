// JSONata translations (cxpact extension). jsonata 2.x only evaluates asynchronously; translateResponse is
// synchronous (the contract engine calls it in tight loops), so evaluateJsonataSync runs the real jsonata library
// in one long-lived worker thread and blocks on Atomics.wait until it answers. evaluateJsonata is the in-process
// async variant. Compiled expressions are cached on both sides.

import jsonata from 'jsonata';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

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
  const msg = x.message ?? String(e);
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
      c = jsonata(expression);
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
    return { ok: true, value: plain(await c.evaluate(body, bindings)) };
  } catch (e) {
    return { ok: false, ...describe(e) };
  }
}

// ---- synchronous bridge ----

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const jsonata = require(workerData.jsonataPath);
const port = workerData.port;
const flag = new Int32Array(workerData.flag);
const cache = new Map();
function describe(e) {
  const x = (typeof e === 'object' && e !== null) ? e : {};
  const msg = x.message !== undefined ? x.message : String(e);
  const out = { error: (x.code ? x.code + ': ' : '') + msg + (typeof x.position === 'number' ? ' (at position ' + x.position + ')' : '') };
  if (typeof x.position === 'number') out.position = x.position;
  if (typeof x.token === 'string') out.token = x.token;
  return out;
}
port.on('message', async (m) => {
  let reply;
  try {
    let c = cache.get(m.expression);
    if (!c) { c = jsonata(m.expression); cache.set(m.expression, c); }
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
    workerData: { port: port2, flag: sab, jsonataPath: require.resolve('jsonata') },
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

/** How long one synchronous evaluation may take before it is reported as a timeout. */
const SYNC_TIMEOUT_MS = 10_000;

/** Evaluates synchronously (blocking on a worker thread running the real jsonata). */
export function evaluateJsonataSync(expression: string, body: unknown, bindings: Record<string, unknown>): JsonataOutcome {
  const c = compileJsonata(expression);
  if ('error' in c) return { ok: false, ...c };
  const b = getBridge();
  Atomics.store(b.flag, 0, 0);
  try {
    b.port.postMessage({ expression, body, bindings });
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
      return { ok: false, error: `the JSONata expression did not finish within ${SYNC_TIMEOUT_MS / 1000} s` };
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
