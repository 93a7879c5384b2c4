// Runs the real pact-js Verifier against a tiny real provider HTTP server on 127.0.0.1:0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';

export interface VerifyOutcome {
  ok: boolean;
  error?: string;
  output: string;
}

/** Starts a provider answering every request with `body`, runs the Verifier, stops the provider. */
export async function verifyWithProvider(body: unknown, options: Partial<VerifierOptions>): Promise<VerifyOutcome> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    const out = await new Verifier({
      provider: 'Bar',
      providerBaseUrl: `http://127.0.0.1:${port}`,
      logLevel: 'error',
      stateHandlers: { 'things exist': async () => undefined },
      ...options,
    } as VerifierOptions).verifyProvider();
    return { ok: true, output: typeof out === 'string' ? out : JSON.stringify(out) };
  } catch (error) {
    return { ok: false, error: (error as Error).message, output: '' };
  } finally {
    server.close();
  }
}
