// Runs the official Rust `pact` CLI shipped in @pact-foundation/pact-cli. Spawns a process; never prints.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { CxpactError } from '../../core/errors';
import type { BrokerTarget } from './http';

/** Absolute path of the CLI's node entry (`bin/pact.js`), found through the package's own package.json. */
export function pactCliEntry(): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve('@pact-foundation/pact-cli/package.json');
  } catch (error) {
    throw new CxpactError('gate.pact-cli.missing', 'The official pact CLI (@pact-foundation/pact-cli) is not installed.', {
      fix: 'Run `npm install` (it is a dependency of cxpact).',
      cause: error,
    });
  }
  const pkg = require(pkgJson) as { bin?: Record<string, string> };
  const rel = pkg.bin?.pact ?? 'bin/pact.js';
  return path.join(path.dirname(pkgJson), rel);
}

export interface PactCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pact <args>` against `broker`. The broker URL and credentials travel in the child's env
 * (PACT_BROKER_*), not argv, so they never show up in process listings or logs.
 */
export function runPactCli(args: string[], broker: BrokerTarget, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<PactCliResult> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const k of ['PACT_BROKER_BASE_URL', 'PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete env[k];
  env.PACT_BROKER_BASE_URL = broker.baseUrl;
  if (broker.auth.token !== undefined) env.PACT_BROKER_TOKEN = broker.auth.token;
  else if (broker.auth.username !== undefined) {
    env.PACT_BROKER_USERNAME = broker.auth.username;
    env.PACT_BROKER_PASSWORD = broker.auth.password ?? '';
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [pactCliEntry(), ...args],
      { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
