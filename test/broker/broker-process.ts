// `cxpact broker` as a real OS process for fault tests. It runs as ONE node process (node --import tsx, not the
// tsx CLI, which would put a wrapper process between the test and the broker), in its own process group, so a
// signal reaches the broker itself and every child it has (tsx's esbuild service), and nothing outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

export interface BrokerProcess {
  child: ChildProcess;
  /** PID of the broker process (the leader of its process group). */
  pid: number;
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Sends a signal to the whole process group. */
  signal(sig: NodeJS.Signals): void;
  /** Resolves with the exit code / signal once the broker process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True while any process of the group is alive. */
  groupAlive(): boolean;
  /** SIGKILLs the group if anything of it is left, and waits until it is gone. */
  kill(): Promise<void>;
}

const started = new Set<BrokerProcess>();

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function startBrokerProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BrokerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'broker', '--port', '0', ...args],
      {
        cwd: REPO,
        env: { ...process.env, ...env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const pid = child.pid!;
    let out = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    const bp: BrokerProcess = {
      child,
      pid,
      url: '',
      output: () => out,
      signal: (sig) => {
        try {
          process.kill(-pid, sig);
        } catch {
          /* gone */
        }
      },
      exited,
      groupAlive: () => groupAlive(pid),
      kill: async () => {
        if (groupAlive(pid)) bp.signal('SIGKILL');
        await exited;
        for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        started.delete(bp);
      },
    };
    started.add(bp);
    const timer = setTimeout(() => {
      void bp.kill();
      reject(new Error(`broker process did not start within 60 s: ${out}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null && bp.url === '') {
        clearTimeout(timer);
        bp.url = m[1]!;
        resolve(bp);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (bp.url === '') reject(new Error(`broker process exited (${code ?? signal}) before listening: ${out}`));
    });
  });
}

/** Kills every broker process a test started and has not stopped (use in afterEach/afterAll). */
export async function killAllBrokerProcesses(): Promise<void> {
  await Promise.all([...started].map((b) => b.kill()));
}
