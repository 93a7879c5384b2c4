// Runs the official `pact` CLI (@pact-foundation/pact-cli, the Rust pact_broker-client) as a child process.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** Absolute path of the `pact` bin script of @pact-foundation/pact-cli (a Node script). */
export function pactCliPath(): string {
  const pkgFile = require.resolve('@pact-foundation/pact-cli/package.json');
  const pkg = require(pkgFile) as { bin?: Record<string, string> | string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.pact;
  if (bin === undefined) throw new Error('@pact-foundation/pact-cli has no `pact` bin entry');
  return path.join(path.dirname(pkgFile), bin);
}

export interface PactCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pact <args...>` asynchronously (never spawnSync: an in-process broker must keep serving).
 * Credentials should travel in `env` (PACT_BROKER_TOKEN / _USERNAME / _PASSWORD), not in args. When `env` is
 * given it is the child's whole environment.
 */
export function runPactCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<PactCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pactCliPath(), ...args], {
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
