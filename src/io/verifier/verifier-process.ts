// Runs the pact-js Verifier in a child process, so its per-interaction log (written by the Rust core straight to
// the process's stdout) goes to a log file instead of the user's terminal. The child loads the same provider config
// (state-handler functions and the request filter run there, next to the verifier), reads its options from stdin
// and writes the verifier's JSON result to file descriptor 3. Secrets travel only in the child's environment.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VerifierOptions } from '@pact-foundation/pact';
import { CxpactError } from '../../core/errors';

/** What the child needs: the serialisable verifier options plus where to load the provider config from. */
export interface ChildRequest {
  cwd: string;
  provider: string;
  /** VerifierOptions without functions (stateHandlers and requestFilter are rebuilt in the child). */
  options: VerifierOptions;
  /** Remove PACT_BROKER_BASE_URL from the child's environment (a file run must not add a broker source). */
  shieldBrokerEnv: boolean;
  /** The provider config file (a TypeScript one needs tsx in the child). */
  configFile: string;
}

export type ChildResult = { ok: true; raw: string } | { ok: false; message: string };

/** Where the verifier's log goes: a file (created with its folder), or the terminal (`write`, default stdout). */
export type VerifierLog = { kind: 'file'; file: string } | { kind: 'inherit'; write?: (text: string) => void };

function childEntry(): string {
  const ts = path.join(__dirname, 'verifier-child.ts');
  return fs.existsSync(ts) ? ts : path.join(__dirname, 'verifier-child.js');
}

/** The last lines of a log file (for a verifier that died before answering). */
function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Copies a stream line by line to `write`, with every secret replaced by [REDACTED]: the log never holds an
 * injected credential, even at debug level or when a provider echoes one back.
 */
function scrubbed(
  stream: NodeJS.ReadableStream | null,
  secrets: string[],
  write: (text: string) => void,
): Promise<void> {
  const scrub = (text: string): string => secrets.reduce((t, v) => t.split(v).join('[REDACTED]'), text);
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (d: string) => {
    pending += d;
    const cut = pending.lastIndexOf('\n');
    if (cut === -1) return;
    write(scrub(pending.slice(0, cut + 1)));
    pending = pending.slice(cut + 1);
  });
  return new Promise((resolve) => {
    if (stream === null) return resolve();
    stream.on('end', () => {
      if (pending !== '') write(scrub(pending));
      resolve();
    });
  });
}

/**
 * Runs the verifier in a child process; resolves to what the verifier resolved or rejected with. `secrets` (the
 * values of the credential variables, broker token or password) are scrubbed from everything it prints.
 */
export async function runVerifierChild(
  req: ChildRequest,
  env: NodeJS.ProcessEnv,
  log: VerifierLog,
  secrets: string[] = [],
): Promise<ChildResult> {
  let write: (text: string) => void =
    log.kind === 'inherit' && log.write !== undefined ? log.write : (t) => process.stdout.write(t);
  let fd: number | undefined;
  if (log.kind === 'file') {
    fs.mkdirSync(path.dirname(log.file), { recursive: true });
    const opened = fs.openSync(log.file, 'w');
    fd = opened;
    write = (t) => fs.writeSync(opened, t);
  }
  const childEnv: NodeJS.ProcessEnv = { ...env };
  if (req.shieldBrokerEnv) delete childEnv.PACT_BROKER_BASE_URL;
  // Run from cxpact's TypeScript sources (ts-jest, tsx), the child needs tsx to load them; compiled (dist/), it runs
  // JavaScript and compiles a provider.config.ts on its own when it loads it (loadProviderConfig). pact-js is
  // preloaded before tsx registers its hooks: loading its many files through them costs a second or more.
  const entry = childEntry();
  const tsx = entry.endsWith('.ts') ? ['--import', pathToFileURL(require.resolve('tsx')).href] : [];
  const pact = require.resolve('@pact-foundation/pact');
  const child = spawn(process.execPath, ['--no-deprecation', '--require', pact, ...tsx, entry], {
    cwd: req.cwd,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  // Ctrl-C reaches the whole process group; a plain exit of this process (SIGTERM handled, an error) takes the
  // verifier with it.
  const killChild = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killChild);
  const long = secrets.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  const copied = Promise.all([scrubbed(child.stdout, long, write), scrubbed(child.stderr, long, write)]);
  let result = '';
  const resultStream = child.stdio[3] as NodeJS.ReadableStream | null;
  resultStream?.setEncoding('utf8');
  resultStream?.on('data', (d: string) => (result += d));
  child.stdin?.end(JSON.stringify(req));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => process.removeListener('exit', killChild));
  await copied;
  if (fd !== undefined) fs.closeSync(fd);
  try {
    return JSON.parse(result) as ChildResult;
  } catch {
    const where = log.kind === 'file' ? ` Its log (${log.file}) ends with:\n${tail(log.file)}` : '';
    throw new CxpactError(
      'verify.verifier-failed',
      `The pact verifier process ended (exit ${code ?? 'by a signal'}) without a result.${where}`,
      {
        fix: 'Rerun with --log-level debug to see the verifier log in the terminal.',
      },
    );
  }
}
