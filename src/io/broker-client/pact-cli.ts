// Runs the official Rust `pact` CLI shipped in @pact-foundation/pact-cli (pact_broker-client) as a child process:
// the one runner behind publish, record-deployment and create-environment. Never prints; never blocks the event
// loop (an in-process broker must keep serving while the CLI talks to it).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CxpactError } from '../../core/errors';
import { pactCliEnv, type BrokerTarget } from './target';

/** Absolute path of the CLI's node entry (`bin/pact.js`), found through the package's own package.json. */
export function pactCliEntry(): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve('@pact-foundation/pact-cli/package.json');
  } catch (error) {
    throw new CxpactError(
      'broker.pact-cli.missing',
      'The official pact CLI (@pact-foundation/pact-cli) is not installed.',
      {
        fix: 'Run `npm install` (it is a dependency of cxpact).',
        cause: error,
      },
    );
  }
  const pkg = require(pkgJson) as { bin?: Record<string, string> | string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.['pact'] ?? 'bin/pact.js');
  return path.join(path.dirname(pkgJson), bin);
}

export interface PactCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PactCliOptions {
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has code 128 (default 120 s). */
  timeoutMs?: number;
}

/**
 * Runs `pact <args...>`. Credentials travel in `env` (PACT_BROKER_TOKEN / _USERNAME / _PASSWORD), never in args;
 * runPactCliAgainst builds that environment from a BrokerTarget.
 */
export function runPactCli(args: string[], opts: PactCliOptions = {}): Promise<PactCliResult> {
  const entry = pactCliEntry();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: opts.cwd,
      // PACT_DO_NOT_TRACK is the user's to set (Pact's usage tracking); cxpact passes it through unchanged.
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr });
    });
  });
}

/** Runs `pact <args...>` against `target`: its URL and credentials in the child's environment (pactCliEnv). */
export function runPactCliAgainst(
  target: BrokerTarget,
  args: string[],
  opts: Omit<PactCliOptions, 'env'> & { baseEnv?: NodeJS.ProcessEnv } = {},
): Promise<PactCliResult> {
  const { baseEnv, ...rest } = opts;
  return runPactCli(args, { ...rest, env: pactCliEnv(target, baseEnv ?? process.env) });
}
