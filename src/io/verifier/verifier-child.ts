// The child process of verifier-process.ts: reads a ChildRequest from stdin, loads the provider config (its
// state-handler functions and request filter run here, beside the verifier), runs the pact-js Verifier and writes
// a ChildResult to file descriptor 3. Everything the verifier prints goes to this process's stdout: the log file.
import fs from 'node:fs';
import type { VerifierOptions } from '@pact-foundation/pact';
import { messageOf } from '../../core/errors';
import { loadProviderConfig } from './config';
import { buildRequestFilter, runVerifier, stateChangeUrlHandlers } from './run';
import type { ChildRequest, ChildResult } from './verifier-process';

async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

async function main(): Promise<ChildResult> {
  const req = JSON.parse(await readStdin()) as ChildRequest;
  const config = await loadProviderConfig(req.cwd, req.provider);
  const options: VerifierOptions = { ...req.options };
  const baseUrl = options.providerBaseUrl ?? '';
  const stateHandlers =
    config.stateHandlers ??
    (config.stateChangeUrl !== undefined ? stateChangeUrlHandlers(config.stateChangeUrl, baseUrl) : undefined);
  if (stateHandlers !== undefined) options.stateHandlers = stateHandlers;
  // The parent already warned about unset variables and stopped on required ones.
  const filter = buildRequestFilter(config, process.env, () => undefined);
  if (filter !== undefined) options.requestFilter = filter as unknown as NonNullable<VerifierOptions['requestFilter']>;
  try {
    return { ok: true, raw: await runVerifier(options, false) };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}

main().then(
  (result) => {
    fs.writeSync(3, JSON.stringify(result));
    process.exit(0);
  },
  (error: unknown) => {
    fs.writeSync(3, JSON.stringify({ ok: false, message: messageOf(error) } satisfies ChildResult));
    process.exit(0);
  },
);
