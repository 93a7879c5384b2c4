// Replays recordings through the real pact-js Verifier: a loopback server answers each interaction's request
// with its recorded response, and the official Rust verifier judges it. Used by the equivalence test (same
// verdicts as the fast checker) and by the benchmark (how much the checker saves).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Verifier } from '@pact-foundation/pact';
import { summariseVerification, type VerificationSummary } from '../../core/verify/hints';
import type { LoadedRecording } from '../../core/recorded/model';

export interface ReplayServer {
  url: string;
  close(): Promise<void>;
}

const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** A loopback server answering with recorded responses, chosen by method + path + query, then provider state. */
export async function startReplayServer(
  recordings: readonly LoadedRecording[],
  currentState: () => string | undefined,
): Promise<ReplayServer> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = [...u.searchParams.entries()]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const candidates = recordings.filter((r) => {
      const rq = r.recording.request;
      const rqQuery = Object.entries(rq.query ?? {})
        .flatMap(([k, vs]) => vs.map((v) => [k, v] as const))
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      return rq.method.toUpperCase() === req.method && rq.path === u.pathname && rqQuery === query;
    });
    const state = currentState();
    const rec =
      candidates.find((c) => c.recording.interaction.providerStates.some((s) => s.name === state)) ?? candidates[0];
    req.resume();
    if (rec === undefined) {
      res.writeHead(599, { 'content-type': 'text/plain' });
      res.end('no recording for this request');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec.recording.response.headers))
      if (!HOP_HEADERS.has(k.toLowerCase())) headers[k] = v;
    const body = rec.recording.response.body;
    res.writeHead(rec.recording.response.status, headers);
    res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs the pact-js Verifier over `pactFile` against the recordings; returns its per-interaction summary. */
export async function verifyRecordingsWithPactJs(
  pactFile: string,
  provider: string,
  recordings: readonly LoadedRecording[],
  stateNames: readonly string[],
): Promise<VerificationSummary> {
  let state: string | undefined;
  const server = await startReplayServer(recordings, () => state);
  const stateHandlers: Record<string, () => Promise<void>> = {};
  for (const name of stateNames) {
    stateHandlers[name] = async () => {
      state = name;
    };
  }
  const saved = process.env.PACT_BROKER_BASE_URL;
  delete process.env.PACT_BROKER_BASE_URL;
  try {
    let raw: string;
    try {
      raw = await new Verifier({
        provider,
        providerBaseUrl: server.url,
        pactUrls: [pactFile],
        stateHandlers,
        logLevel: 'error',
      }).verifyProvider();
    } catch (error) {
      raw = error instanceof Error ? error.message : String(error);
    }
    return summariseVerification(raw);
  } finally {
    if (saved !== undefined) process.env.PACT_BROKER_BASE_URL = saved;
    await server.close();
  }
}
