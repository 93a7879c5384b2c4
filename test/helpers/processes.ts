// Real processes for provider-side tests: start one (the local broker, a backend) and wait for the first
// http://127.0.0.1:<port> it prints; stop it with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cxpactArgs } from './cli-bin';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface Started {
  child: ChildProcess;
  url: string;
}

/** Starts `cmd args` in its own process group; resolves with the first loopback URL it prints. */
export function startProcess(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let out = '';
    const timer = setTimeout(() => {
      void stopProcess(child);
      reject(new Error(`no URL within 60 s: ${out}`));
    }, 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${out}`));
    });
  });
}

/** `cxpact broker` on a free port with its own SQLite file, as a real process. */
export function startBrokerProcess(dbFile: string): Promise<Started> {
  return startProcess(process.execPath, cxpactArgs(['broker', '--port', '0', '--db', dbFile, '--quiet']), REPO_ROOT);
}

/**
 * SIGTERM to the process group, SIGKILL after 5 s; resolves when the child has exited. The 5 s timer is cleared as
 * soon as the child exits: left running, it would keep the jest worker alive after the file ends.
 */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
