// Replaying interactions against real Pact V4 mock servers: the code the calling thread and the replay workers
// (worker.ts) share. An interaction is registered with the same FFI calls the pact-js V4 builder makes, its request
// is sent over real HTTP, and the mock server's verdict is read back.
//
// Speed (measured with scripts/bench.ts and micro-benchmarks on 2 cores): the Rust mock server matches every
// request against every interaction it holds, so one server for a whole pair gets slower per request as it grows
// (20 interactions: ~4 ms CPU per request); one server per interaction pays ~0.4 ms to start and stop. Batches of
// 3 interactions with distinct requests, 6 servers in flight, one keep-alive connection per server and shutting
// idle servers down a few batches later cost the least: ~1.2 ms CPU per interaction. Interactions sharing a
// request (success / absent-field / failure of one action) land in different batches.

import http from 'node:http';
import { isMatcher } from '../../core/contract/matchers';
import type { InteractionSpec } from '../../core/contract/interaction';
import { messageOf } from '../../core/errors';
import { describeMismatch, FfiPact } from './pact';

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

/** The mock server matches on method + path first; interactions sharing them go to different servers. */
function requestKey(spec: InteractionSpec): string {
  return `${spec.request.method} ${spec.request.path}`;
}

/**
 * One HTTP exchange with the mock server over node:http. A batch shares one keep-alive connection (measured: a
 * quarter less CPU than a connection per request); the agent is destroyed before the server shuts down.
 */
export function send(
  port: number,
  spec: InteractionSpec,
  agent: http.Agent | false = false,
): Promise<Omit<ReplayResult, 'id' | 'ok' | 'problems'>> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.request.headers)) headers[k] = isMatcher(v) ? String(v.value) : v;
  let body: string | undefined;
  if (spec.request.body !== undefined) {
    body = spec.request.body.kind === 'json' ? JSON.stringify(spec.request.body.json) : spec.request.body.text;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = spec.request.body.contentType;
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
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
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

/**
 * Mock servers whose batch is done, shut down a little later: once idle, shutting one down does not block on its
 * connections. `retire(keep)` shuts down all but the `keep` most recent.
 */
export class FinishedServers {
  private readonly list: { pact: FfiPact; port: number }[] = [];

  add(pact: FfiPact, port: number): void {
    this.list.push({ pact, port });
  }

  retire(keep: number): void {
    while (this.list.length > keep) {
      const c = this.list.shift();
      c?.pact.stopMockServer(c.port);
    }
  }
}

/** Replays one batch (requests pairwise distinct) on one new mock server; one failing interaction never stops the others. */
export async function runBatch(batch: ReplayItem[], finished: FinishedServers): Promise<ReplayResult[]> {
  const pact = new FfiPact('cxpact-replay', 'cxpact-replay');
  const results = new Map<string, ReplayResult>();
  const failed = (item: ReplayItem, problem: string): void => {
    results.set(item.id, { id: item.id, ok: false, headers: {}, problems: [problem] });
  };
  const registered: ReplayItem[] = [];
  for (const item of batch) {
    try {
      pact.addInteraction(item.spec, false);
      registered.push(item);
    } catch (error) {
      failed(item, `Pact rejected the interaction: ${messageOf(error)}`);
    }
  }
  const answers = (): ReplayResult[] => batch.map((b) => results.get(b.id) as ReplayResult);
  if (registered.length === 0) return answers();
  let port: number;
  try {
    port = pact.startMockServer();
  } catch (error) {
    for (const item of registered) failed(item, `The Pact mock server did not start: ${messageOf(error)}`);
    return answers();
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await Promise.all(
      registered.map(async (item) => {
        try {
          const answer = await send(port, item.spec, agent);
          results.set(item.id, { id: item.id, ok: true, problems: [], ...answer });
        } catch (error) {
          failed(item, `HTTP request to the mock server failed: ${messageOf(error)}`);
        }
      }),
    );
    if (!pact.matched(port)) {
      for (const mismatch of pact.mismatches(port)) {
        const where = 'path' in mismatch && typeof mismatch.path === 'string' ? mismatch.path : undefined;
        const method = 'method' in mismatch && typeof mismatch.method === 'string' ? mismatch.method : undefined;
        for (const item of registered) {
          const hit =
            where === undefined ||
            (item.spec.request.path === where && (method === undefined || method === item.spec.request.method));
          const r = results.get(item.id);
          if (!hit || r === undefined) continue;
          r.ok = false;
          r.problems.push(describeMismatch(mismatch));
        }
      }
    }
  } finally {
    agent.destroy();
    finished.add(pact, port);
  }
  return answers();
}

/** Replays planned batches on this thread, `concurrency` mock servers in flight. */
export async function replayBatches(
  batches: ReplayItem[][],
  concurrency: number,
  cleanupLag: number,
): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  const finished = new FinishedServers();
  let next = 0;
  const runners = Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (next < batches.length) {
      const batch = batches[next++] as ReplayItem[];
      out.push(...(await runBatch(batch, finished)));
      finished.retire(cleanupLag);
    }
  });
  try {
    await Promise.all(runners);
  } finally {
    finished.retire(0);
  }
  return out;
}
