// A throwaway PostgreSQL server for tests and the benchmark: Debian's `postgresql` binaries (installed by
// scripts/setup-system.sh), initdb into a temp dir, started on 127.0.0.1 on a free port, stopped (the postmaster
// and every process it started) by stop(). PostgreSQL refuses to run as root, so as root it runs as the `postgres`
// user. Its child processes put themselves in their own process groups (setsid), so they are found by parent pid.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/<db> */
  url(database?: string): string;
  port: number;
  /** Creates a fresh database (empty, or a copy of `template`) and returns its URL. */
  createDatabase(prefix?: string, template?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** PID of the postmaster. */
  pid: number;
  /** The postmaster and the processes it started (backends, checkpointer, ...), as they are now. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Directory with initdb and postgres: PATH, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPgBin(): string {
  const fromPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .find((d) => d !== '' && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'postgres')));
  if (fromPath !== undefined) return fromPath;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin. Install them with `bash scripts/setup-system.sh` (Debian package postgresql).',
    );
  }
  return path.join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** uid/gid to run the server as: ourselves, or `postgres` (else `nobody`) when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
    } catch {
      /* try the next */
    }
  }
  throw new Error('Running as root, but neither a postgres nor a nobody user exists to run PostgreSQL as.');
}

/** `pid` and its live children. */
export function withChildren(pid: number): number[] {
  const out = [pid];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface PgClusterOptions {
  /** Extra server settings (-c name=value), e.g. { fsync: 'off' } for tests. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const as = runAs();
  if (as !== undefined) fs.chownSync(dir, as.uid, as.gid);
  const ids = as === undefined ? {} : { uid: as.uid, gid: as.gid };
  const tail = (): string =>
    fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...ids, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  }
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      max_connections: '200',
      ...opts.settings,
    };
    const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const out = fs.openSync(logFile, 'a');
    // Its own process group (detached), so stop() can signal the postmaster and every backend at once.
    const c = spawn(path.join(bin, 'postgres'), args, {
      ...ids,
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    const ready = await Promise.race([
      waitReady(port, 30_000).then(
        () => true,
        () => false,
      ),
      exited.then(() => false),
    ]);
    if (ready) {
      child = c;
      break;
    }
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
    if (!/could not bind|Address already in use/.test(tail())) break;
  }
  if (child === undefined || child.pid === undefined) {
    const log = tail();
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start:\n${log}`);
  }
  const server = child;
  const pid = child.pid;
  // If this process dies without stop(), do not leave the server behind (its children exit with it).
  const onExit = (): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', onExit);
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let stopped = false;
  return {
    port,
    pid,
    pids: () => (alive(pid) ? withChildren(pid) : []),
    url,
    createDatabase: async (prefix = 'cxpact', template?: string) => {
      const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
      await admin((c) =>
        c.query(`CREATE DATABASE "${name}"${template === undefined ? '' : ` TEMPLATE "${template}"`}`),
      );
      return url(name);
    },
    dropDatabase: async (dbUrl) => {
      const name = new URL(dbUrl).pathname.slice(1);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      const exited =
        server.exitCode !== null || server.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((r) => server.once('exit', () => r()));
      const members = alive(pid) ? withChildren(pid) : [];
      // Fast shutdown (disconnects clients, checkpoints), then every process by force if it lingers.
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* gone */
      }
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
      if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
        for (const m of [pid, ...members]) {
          try {
            process.kill(m, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        await exited;
      }
      // The server's processes leave with the postmaster; make sure none is left.
      for (let i = 0; i < 100 && members.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      const left = members.filter(alive);
      for (const m of left) {
        try {
          process.kill(m, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (alive(pid) || left.some(alive)) throw new Error(`PostgreSQL (pid ${pid}) did not stop`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      connectionTimeoutMillis: 1000,
    });
    try {
      await c.connect();
      await c.end();
      return;
    } catch (error) {
      await c.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
