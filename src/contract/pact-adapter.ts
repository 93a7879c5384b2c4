// The ONLY module that talks to Pact (pact-js' core, the Rust FFI): replays InteractionSpecs against real Pact V4
// mock servers over real HTTP, and writes V4 pact files. Everything else in src/contract is plain data.
//
// Speed (measured with scripts/bench.ts and micro-benchmarks on 2 cores): the Rust mock server matches every
// request against every interaction it holds, so one server for a whole pair gets slower per request as it grows
// (20 interactions: ~4 ms CPU per request); one server per interaction pays ~0.4 ms to start and stop. Batches of
// 3 interactions with distinct requests, 6 servers in flight, one keep-alive connection per server and shutting
// idle servers down a few batches later cost the least: ~1.2 ms CPU per interaction. Interactions sharing a
// request (success / absent-field / failure of one action) land in different batches. Large runs (>= 60 batches)
// replay on worker threads (see replayOnWorkers) so the blocking FFI calls leave the main thread free.

import { makeConsumerPact, type ConsumerPact, type ConsumerInteraction, type MatchingResult } from '@pact-foundation/pact-core';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isMatcher } from '../core/contract/matchers';
import { checkInteractionSpec, type InteractionSpec } from '../core/contract/interaction';
import { pactFileName } from '../core/contract/pact-file';

/** Pact FFI specification version for V4 pacts. */
const PACT_V4 = 5;

export interface ReplayItem {
  /** Caller's id for the result. */
  id: string;
  spec: InteractionSpec;
}

/** What the mock server answered for one interaction, and whether the request matched. */
export interface ReplayResult {
  id: string;
  /** false when the FFI rejected the interaction or the request did not match it. */
  ok: boolean;
  status?: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, the text otherwise. */
  body?: unknown;
  /** Human-readable mismatches reported by the mock server, or the FFI/HTTP error. */
  problems: string[];
}

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

/** The mock server matches on method + path first; interactions sharing them go to different servers. */
function requestKey(spec: InteractionSpec): string {
  return `${spec.request.method} ${spec.request.path}`;
}

function headerValue(value: string | object): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Registers one spec on an FFI interaction (the pact-js V4 builder does the same calls). */
function register(interaction: ConsumerInteraction, spec: InteractionSpec, withComments = true): void {
  interaction.uponReceiving(spec.description);
  for (const state of spec.providerStates) {
    if (state.params !== undefined && Object.keys(state.params).length > 0) interaction.givenWithParams(state.name, JSON.stringify(state.params));
    else interaction.given(state.name);
  }
  // Comments only matter in the written pact; replay servers skip them.
  if (withComments) for (const comment of spec.comments) interaction.addTextComment(comment);
  const req = spec.request;
  interaction.withRequest(req.method, req.pathMatcher === undefined ? req.path : JSON.stringify(req.pathMatcher));
  for (const [name, values] of Object.entries(req.query)) values.forEach((v, i) => interaction.withQuery(name, i, headerValue(v)));
  for (const [name, value] of Object.entries(req.headers)) interaction.withRequestHeader(name, 0, headerValue(value));
  if (req.body !== undefined) {
    if (req.body.kind === 'json') interaction.withRequestBody(JSON.stringify(req.body.json), req.body.contentType);
    else interaction.withRequestBody(req.body.text, req.body.contentType);
  }
  const res = spec.response;
  interaction.withStatus(res.status);
  for (const [name, value] of Object.entries(res.headers)) interaction.withResponseHeader(name, 0, headerValue(value));
  if (res.body !== undefined) {
    const contentType = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    const ct = contentType === undefined ? 'application/json' : isMatcher(contentType) ? String(contentType.value) : contentType;
    interaction.withResponseBody(JSON.stringify(res.body), ct);
  }
}

function describeMismatch(m: MatchingResult): string {
  if ('type' in m) {
    switch (m.type) {
      case 'request-match':
        return 'matched';
      case 'request-mismatch':
        return `${m.method} ${m.path}: ${m.mismatches.map((x) => ('mismatch' in x ? x.mismatch : JSON.stringify(x))).join('; ')}`;
      case 'request-not-found':
        return `${m.method} ${m.path}: the mock server has no interaction for this request`;
      case 'missing-request':
        return `${m.method} ${m.path}: expected request was never sent`;
      default:
        return JSON.stringify(m);
    }
  }
  return m.error;
}

/**
 * One HTTP exchange with the mock server over node:http. A batch shares one keep-alive connection (measured: a
 * quarter less CPU than a connection per request); the agent is destroyed before the server shuts down.
 */
function send(port: number, spec: InteractionSpec, agent: http.Agent | false = false): Promise<Omit<ReplayResult, 'id' | 'ok' | 'problems'>> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.request.headers)) headers[k] = isMatcher(v) ? String(v.value) : v;
  let body: string | undefined;
  if (spec.request.body !== undefined) {
    body = spec.request.body.kind === 'json' ? JSON.stringify(spec.request.body.json) : spec.request.body.text;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = spec.request.body.contentType;
  }
  const url = new URL(spec.request.rawPathAndQuery, `http://127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: spec.request.method, path: `${url.pathname}${url.search}`, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const outHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          let parsed: unknown = text;
          if (/json/i.test(outHeaders['content-type'] ?? '') || /^\s*[[{]/.test(text)) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: outHeaders, ...(text === '' ? {} : { body: parsed }) });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Splits items into batches whose requests are pairwise distinct (method + path). */
export function planBatches<T extends ReplayItem>(items: T[], batchSize: number): T[][] {
  const batches: { items: T[]; keys: Set<string> }[] = [];
  for (const item of items) {
    const key = requestKey(item.spec);
    let target = batches.find((b) => b.items.length < batchSize && !b.keys.has(key));
    if (target === undefined) {
      target = { items: [], keys: new Set() };
      batches.push(target);
    }
    target.items.push(item);
    target.keys.add(key);
  }
  return batches.map((b) => b.items);
}

/** Mock servers whose batch is done, shut down a little later (once idle their shutdown does not block). */
type Cleanup = { pact: ConsumerPact; port: number };

async function runBatch(batch: ReplayItem[], done: Cleanup[]): Promise<ReplayResult[]> {
  const pact = makeConsumerPact('cxpact-replay', 'cxpact-replay', PACT_V4, 'error');
  const results = new Map<string, ReplayResult>();
  const registered: ReplayItem[] = [];
  for (const item of batch) {
    try {
      register(pact.newInteraction(item.spec.description), item.spec, false);
      registered.push(item);
    } catch (error) {
      results.set(item.id, { id: item.id, ok: false, headers: {}, problems: [`Pact rejected the interaction: ${(error as Error).message}`] });
    }
  }
  if (registered.length > 0) {
    let port: number;
    try {
      port = pact.createMockServer('127.0.0.1', 0);
    } catch (error) {
      for (const item of registered) {
        results.set(item.id, { id: item.id, ok: false, headers: {}, problems: [`The Pact mock server did not start: ${(error as Error).message}`] });
      }
      return batch.map((b) => results.get(b.id) as ReplayResult);
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await Promise.all(
        registered.map(async (item) => {
          try {
            const answer = await send(port, item.spec, agent);
            results.set(item.id, { id: item.id, ok: true, problems: [], ...answer });
          } catch (error) {
            results.set(item.id, { id: item.id, ok: false, headers: {}, problems: [`HTTP request to the mock server failed: ${(error as Error).message}`] });
          }
        }),
      );
      if (!pact.mockServerMatchedSuccessfully(port)) {
        for (const mismatch of pact.mockServerMismatches(port)) {
          const where = 'path' in mismatch && typeof mismatch.path === 'string' ? mismatch.path : undefined;
          const method = 'method' in mismatch && typeof mismatch.method === 'string' ? mismatch.method : undefined;
          for (const item of registered) {
            const hit = where === undefined || (item.spec.request.path === where && (method === undefined || method === item.spec.request.method));
            if (!hit) continue;
            const r = results.get(item.id);
            if (r !== undefined) {
              r.ok = false;
              r.problems.push(describeMismatch(mismatch));
            }
          }
        }
      }
    } finally {
      agent.destroy();
      done.push({ pact, port });
    }
  }
  return batch.map((b) => results.get(b.id) as ReplayResult);
}

function cleanup(list: Cleanup[], keep: number): void {
  while (list.length > keep) {
    const c = list.shift() as Cleanup;
    c.pact.cleanupMockServer(c.port);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying on worker threads. On the calling thread the blocking FFI calls (starting a mock server waits for it to
// listen, stopping one waits for its task to end) and the HTTP client work add up to most of a large run, and they
// serialise with everything else. Worker threads each load a second Node-API instance of the same Pact native
// library (the FFI keeps one process-wide registry of mock servers, so nothing is shared but the library) and
// replay whole batches with the same calls the pact-js V4 builder makes. Measured on 2 cores with 1000 actions:
// see scripts/bench.ts.

const WORKER_THRESHOLD = 60;

function defaultWorkers(): number {
  return Math.min(2, Math.max(1, os.availableParallelism()));
}

/** The native Pact library pact-core loaded (its path), loading it first if needed. */
function pactBinding(): string | undefined {
  const find = (): string | undefined => Object.keys(require.cache).find((k) => /[/\\]pact-core[^/\\]*[/\\].*\.node$/.test(k));
  if (find() === undefined) makeConsumerPact('cxpact-replay', 'cxpact-replay', PACT_V4, 'error');
  return find();
}

/** Plain JavaScript run by each worker (kept in step with register(), send() and runBatch() above). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const ffi = require(workerData.binding);
const REQ = 0, RES = 1;
const isMatcher = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'pact:matcher:type' in v;
const hv = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
function register(pact, spec) {
  const it = ffi.pactffiNewInteraction(pact, spec.description);
  ffi.pactffiUponReceiving(it, spec.description);
  for (const st of spec.providerStates) {
    if (st.params !== undefined && Object.keys(st.params).length > 0) ffi.pactffiGivenWithParams(it, st.name, JSON.stringify(st.params));
    else ffi.pactffiGiven(it, st.name);
  }
  const req = spec.request;
  if (!ffi.pactffiWithRequest(it, req.method, req.pathMatcher === undefined ? req.path : JSON.stringify(req.pathMatcher))) throw new Error('withRequest failed');
  for (const [name, values] of Object.entries(req.query)) values.forEach((v, i) => ffi.pactffiWithQueryParameter(it, name, i, hv(v)));
  for (const [name, value] of Object.entries(req.headers)) ffi.pactffiWithHeader(it, REQ, name, 0, hv(value));
  if (req.body !== undefined) {
    const ok = req.body.kind === 'json' ? ffi.pactffiWithBody(it, REQ, req.body.contentType, JSON.stringify(req.body.json)) : ffi.pactffiWithBody(it, REQ, req.body.contentType, req.body.text);
    if (!ok) throw new Error('withRequestBody failed');
  }
  const res = spec.response;
  ffi.pactffiResponseStatus(it, JSON.stringify(res.status));
  for (const [name, value] of Object.entries(res.headers)) ffi.pactffiWithHeader(it, RES, name, 0, hv(value));
  if (res.body !== undefined) {
    const found = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type');
    const c = found === undefined ? 'application/json' : isMatcher(found[1]) ? String(found[1].value) : found[1];
    if (!ffi.pactffiWithBody(it, RES, c, JSON.stringify(res.body))) throw new Error('withResponseBody failed');
  }
}
function send(port, spec, agent) {
  const headers = {};
  for (const [k, v] of Object.entries(spec.request.headers)) headers[k] = isMatcher(v) ? String(v.value) : v;
  let body;
  if (spec.request.body !== undefined) {
    body = spec.request.body.kind === 'json' ? JSON.stringify(spec.request.body.json) : spec.request.body.text;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = spec.request.body.contentType;
  }
  const url = new URL(spec.request.rawPathAndQuery, 'http://127.0.0.1:' + port);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: spec.request.method, path: url.pathname + url.search, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const out = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        let parsed = text;
        if (/json/i.test(out['content-type'] || '') || /^\\s*[[{]/.test(text)) { try { parsed = JSON.parse(text); } catch { parsed = text; } }
        resolve(Object.assign({ status: res.statusCode || 0, headers: out }, text === '' ? {} : { body: parsed }));
      });
    });
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}
function describe(m) {
  switch (m.type) {
    case 'request-mismatch': return m.method + ' ' + m.path + ': ' + (m.mismatches || []).map((x) => ('mismatch' in x ? x.mismatch : JSON.stringify(x))).join('; ');
    case 'request-not-found': return m.method + ' ' + m.path + ': the mock server has no interaction for this request';
    case 'missing-request': return m.method + ' ' + m.path + ': expected request was never sent';
    default: return m.error !== undefined ? String(m.error) : JSON.stringify(m);
  }
}
const done = [];
function cleanup(keep) { while (done.length > keep) ffi.pactffiCleanupMockServer(done.shift()); }
async function runBatch(batch) {
  const pact = ffi.pactffiNewPact('cxpact-replay', 'cxpact-replay');
  ffi.pactffiWithSpecification(pact, ${PACT_V4});
  const results = new Map();
  const registered = [];
  for (const item of batch) {
    try { register(pact, item.spec); registered.push(item); }
    catch (e) { results.set(item.id, { id: item.id, ok: false, headers: {}, problems: ['Pact rejected the interaction: ' + (e && e.message || e)] }); }
  }
  if (registered.length > 0) {
    const port = ffi.pactffiCreateMockServerForTransport(pact, '127.0.0.1', 0, 'http', '');
    if (!(port > 0)) {
      for (const item of registered) results.set(item.id, { id: item.id, ok: false, headers: {}, problems: ['The Pact mock server did not start (FFI code ' + port + ')'] });
    } else {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await Promise.all(registered.map(async (item) => {
          try { results.set(item.id, Object.assign({ id: item.id, ok: true, problems: [] }, await send(port, item.spec, agent))); }
          catch (e) { results.set(item.id, { id: item.id, ok: false, headers: {}, problems: ['HTTP request to the mock server failed: ' + (e && e.message || e)] }); }
        }));
        if (!ffi.pactffiMockServerMatched(port)) {
          for (const m of JSON.parse(ffi.pactffiMockServerMismatches(port))) {
            const where = typeof m.path === 'string' ? m.path : undefined;
            const method = typeof m.method === 'string' ? m.method : undefined;
            for (const item of registered) {
              const hit = where === undefined || (item.spec.request.path === where && (method === undefined || method === item.spec.request.method));
              const r = results.get(item.id);
              if (hit && r !== undefined) { r.ok = false; r.problems.push(describe(m)); }
            }
          }
        }
      } finally {
        agent.destroy();
        done.push(port);
      }
    }
  }
  return batch.map((b) => results.get(b.id));
}
// Pull-based: ask the main thread for the next chunk while the current one still runs (no drain between chunks).
const queue = [];
const results = [];
const waiters = [];
let noMore = false, asked = false, started = false, concurrency = 3, lag = 4;
function wake() { waiters.splice(0).forEach((w) => w()); }
function ask() { if (!asked && !noMore) { asked = true; parentPort.postMessage({ type: 'more', results: results.splice(0) }); } }
async function take() {
  for (;;) {
    if (queue.length > 0) { const b = queue.shift(); if (queue.length < concurrency * 2) ask(); return b; }
    if (noMore) return undefined;
    ask();
    await new Promise((r) => waiters.push(r));
  }
}
async function runner() {
  for (;;) {
    const batch = await take();
    if (batch === undefined) return;
    results.push(...(await runBatch(batch)));
    cleanup(lag);
  }
}
function finish() { cleanup(0); parentPort.postMessage({ type: 'ended', results: results.splice(0) }); }
parentPort.on('message', (m) => {
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
    Promise.all(Array.from({ length: concurrency }, runner)).then(finish);
  }
  wake();
});
`;

/** Batches handed to a worker at a time: both workers pull from one queue (a slower one takes less), and no
 * worker holds the whole run's specs in memory at once. A worker asks for the next chunk before it runs dry. */
const WORKER_CHUNK = 12;

type WorkerReply = { type: 'more' | 'ended'; results: ReplayResult[] };

/**
 * Replays batches on `count` worker threads; undefined when workers cannot run here (the caller then replays
 * in-process). A worker that fails leaves what it had not answered, and the rest of the queue, to an in-process
 * replay.
 */
async function replayOnWorkers(batches: ReplayItem[][], count: number, options: ReplayOptions): Promise<ReplayResult[] | undefined> {
  const binding = pactBinding();
  if (binding === undefined) return undefined;
  const chunks: ReplayItem[][][] = [];
  for (let i = 0; i < batches.length; i += WORKER_CHUNK) chunks.push(batches.slice(i, i + WORKER_CHUNK));
  const concurrency = Math.max(1, Math.ceil((options.concurrency ?? 6) / count));
  const lag = Math.max(1, Math.ceil((options.cleanupLag ?? 8) / count));
  const out = new Map<string, ReplayResult>();
  let next = 0;
  const rest = async (unanswered: ReplayItem[][]): Promise<void> => {
    for (const r of await replayInProcess(unanswered, options)) out.set(r.id, r);
    while (next < chunks.length) for (const r of await replayInProcess(chunks[next++] as ReplayItem[][], options)) out.set(r.id, r);
  };
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          let worker: Worker;
          try {
            worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { binding } });
          } catch (error) {
            options.onWorkerFallback?.((error as Error).message);
            void rest([]).then(resolve);
            return;
          }
          const given: ReplayItem[][] = [];
          let finished = false;
          const fail = (reason: string): void => {
            if (finished) return;
            finished = true;
            void worker.terminate();
            options.onWorkerFallback?.(reason);
            void rest(given.filter((b) => b.some((item) => !out.has(item.id)))).then(resolve);
          };
          const feed = (): void => {
            if (next < chunks.length) {
              const chunk = chunks[next++] as ReplayItem[][];
              given.push(...chunk);
              worker.postMessage({ type: 'batches', batches: chunk.map((b) => b.map((item) => ({ id: item.id, spec: item.spec }))), concurrency, lag });
            } else {
              worker.postMessage({ type: 'none' });
            }
          };
          worker.on('message', (m: WorkerReply) => {
            if (finished) return;
            for (const r of m.results) out.set(r.id, r);
            if (m.type === 'more') feed();
            else {
              finished = true;
              void worker.terminate();
              resolve();
            }
          });
          worker.once('error', (e) => fail(e.message));
          worker.once('exit', (code) => fail(`the replay worker exited with code ${code}`));
          feed();
        }),
    ),
  );
  return [...out.values()];
}

/** The in-process replay of already planned batches. */
async function replayInProcess(batches: ReplayItem[][], options: ReplayOptions): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  const done: Cleanup[] = [];
  const lag = options.cleanupLag ?? 8;
  let next = 0;
  const runners = Array.from({ length: Math.max(1, options.concurrency ?? 6) }, async () => {
    while (next < batches.length) {
      const batch = batches[next++] as ReplayItem[];
      out.push(...(await runBatch(batch, done)));
      cleanup(done, lag);
    }
  });
  try {
    await Promise.all(runners);
  } finally {
    cleanup(done, 0);
  }
  return out;
}

/**
 * Replays every interaction against real Pact mock servers (127.0.0.1, port 0) and returns what each answered.
 * One failing interaction never stops the others.
 */
export async function replayInteractions(items: ReplayItem[], options: ReplayOptions = {}): Promise<Map<string, ReplayResult>> {
  const batches = planBatches(items, options.batchSize ?? 3);
  const out = new Map<string, ReplayResult>();
  if (batches.length >= (options.workerThreshold ?? WORKER_THRESHOLD) && (options.workers ?? defaultWorkers()) > 0) {
    const pooled = await replayOnWorkers(batches, options.workers ?? defaultWorkers(), options);
    if (pooled !== undefined) {
      for (const r of pooled) out.set(r.id, r);
      return out;
    }
  }
  for (const r of await replayInProcess(batches, options)) out.set(r.id, r);
  return out;
}

/**
 * Writes one V4 pact file `<consumer>-<provider>.json` holding exactly `specs` (replacing an older file).
 * Returns the file path.
 */
export function writePact(consumer: string, provider: string, specs: InteractionSpec[], pactsDir: string, metadata: Record<string, string> = {}): string {
  fs.mkdirSync(pactsDir, { recursive: true });
  const file = path.join(pactsDir, pactFileName(consumer, provider));
  fs.rmSync(file, { force: true });
  const pact: ConsumerPact = makeConsumerPact(consumer, provider, PACT_V4, 'error');
  for (const [k, v] of Object.entries(metadata)) pact.addMetadata('cxpact', k, v);
  for (const spec of specs) register(pact.newInteraction(spec.description), spec);
  pact.writePactFile(pactsDir, false);
  return file;
}

/**
 * Runs a hand-written interaction the pact-js way: starts a mock server holding `spec`, calls `test(baseUrl)`,
 * checks the mock saw exactly the expected request, and on success merges the interaction into the pair's pact.
 * @example await executeInteraction({ consumer: 'ivr', provider: 'crm', spec, pactsDir }, async (url) => fetch(`${url}/customers`))
 */
export async function executeInteraction<T>(
  options: { consumer: string; provider: string; spec: InteractionSpec; pactsDir?: string; writeIf?: (result: T) => boolean },
  test: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const invalid = checkInteractionSpec(options.spec, `interaction "${options.spec.description}"`);
  if (invalid.length > 0) throw invalid[0];
  const pact = makeConsumerPact(options.consumer, options.provider, PACT_V4, 'error');
  register(pact.newInteraction(options.spec.description), options.spec);
  const port = pact.createMockServer('127.0.0.1', 0);
  try {
    const result = await test(`http://127.0.0.1:${port}`);
    if (!pact.mockServerMatchedSuccessfully(port)) {
      const problems = pact.mockServerMismatches(port).map(describeMismatch);
      throw new Error(`Pact mock server mismatches for "${options.spec.description}":\n  ${problems.join('\n  ')}`);
    }
    if (options.pactsDir !== undefined && (options.writeIf === undefined || options.writeIf(result))) {
      fs.mkdirSync(options.pactsDir, { recursive: true });
      pact.writePactFile(options.pactsDir, true);
    }
    return result;
  } finally {
    pact.cleanupMockServer(port);
  }
}
