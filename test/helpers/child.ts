// Child processes in tests: each in its own process group, so stopping it stops everything it started (npx -> node
// -> cxpact -> the pact CLI); a deadline per step that names the step and shows the output tail, so a hang fails
// with what hung instead of a bare jest timeout; output captured and shown only when the step fails.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the deadline killed it. */
  timedOut: boolean;
  /** The deadline it ran under. */
  timeoutMs: number;
}

export interface ChildOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the whole process group after this long (default 120 s). */
  timeoutMs?: number;
  /** Named in the timeout message (default: the command line). */
  what?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** After SIGTERM to the group, how long before SIGKILL. */
const KILL_AFTER_MS = 5_000;

/** Sends `signal` to the child's whole process group (it leads one: spawned detached). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Stops a child started with `detached: true` and everything it started: SIGTERM to its process group, SIGKILL
 * after a grace period; resolves when the child itself has exited.
 */
export async function stopGroup(child: ChildProcess, graceMs = KILL_AFTER_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL'); // its own children may outlive it
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL');
}

/** Runs a command to completion in its own process group, with a deadline. Never rejects for a non-zero exit. */
export function runChild(cmd: string, args: string[], options: ChildOptions): Promise<ChildRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(child);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the command left behind in its group (a daemon it forgot) goes with it.
      signalGroup(child, 'SIGKILL');
      resolve({ code, signal, stdout, stderr, timedOut, timeoutMs });
    });
  });
}

/** Why a step failed, with the tail of its output; or undefined when it exited 0 in time. */
export function stepFailure(what: string, run: ChildRun): string | undefined {
  if (run.code === 0 && !run.timedOut) return undefined;
  const how = run.timedOut
    ? `did not finish within ${run.timeoutMs / 1000} s (killed, process group and all)`
    : `exited ${run.code ?? run.signal}`;
  return `${what} ${how}\n--- stdout (tail)\n${run.stdout.slice(-4000)}\n--- stderr (tail)\n${run.stderr.slice(-4000)}`;
}
