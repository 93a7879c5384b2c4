// `cxpact broker` command: help text (options, env vars, exit codes) and start-up errors. (Running it as a real
// process, printing its URL and closing on SIGTERM is covered by faults.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { startBroker } from '../../src/broker';
import { isLoopbackHost } from '../../src/broker/server';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { startTestBroker, tempDir } from './helpers';

function io(): CliIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    cwd: process.cwd(),
    env: {},
    stdout: (t: string) => (r.out += t),
    stderr: (t: string) => (r.err += t),
  };
  return r;
}

test('--help lists options, environment variables and exit codes', async () => {
  const c = io();
  expect(await runCli(['broker', '--help'], c)).toBe(0);
  for (const s of [
    '--port',
    '--db',
    '--database-url',
    '--database-pool-size',
    'PACT_BROKER_DATABASE_URL',
    '--base-url',
    '--token',
    '--read-only-token',
    '--basic-auth',
    '--max-body-bytes',
    'CXPACT_BROKER_TOKEN',
    'PACT_BROKER_BASIC_AUTH_USERNAME',
    'Exit codes',
  ]) {
    expect(c.out).toContain(s);
  }
});

test('usage errors exit 2 and name the flag; a port in use exits 1 with the fix', async () => {
  const bad = io();
  expect(await runCli(['broker', '--port', 'abc'], bad)).toBe(2);
  expect(bad.err).toMatch(/--port must be a number/);
  const auth = io();
  expect(await runCli(['broker', '--basic-auth', 'nocolon'], auth)).toBe(2);
  expect(auth.err).toMatch(/--basic-auth must be user:password/);
  const busy = await startTestBroker();
  try {
    const c = io();
    expect(await runCli(['broker', '--port', String(busy.port), '--db', path.join(busy.dir, 'other.sqlite')], c)).toBe(
      1,
    );
    expect(c.err).toMatch(/Port \d+ on 127.0.0.1 is already in use/);
    expect(c.err).toMatch(/--port 0/);
  } finally {
    await busy.stop();
  }
});

test('open (no credentials) on a non-loopback host is refused before anything is bound or created, unless --allow-open', async () => {
  const dir = tempDir('open');
  try {
    const dbFile = path.join(dir, 'never.sqlite');
    const c = io();
    expect(await runCli(['broker', '--host', '0.0.0.0', '--port', '0', '--db', dbFile], c)).toBe(1);
    expect(c.err).toMatch(/Refusing to listen on 0\.0\.0\.0 without credentials/);
    expect(c.err).toMatch(/--token/);
    expect(c.err).toMatch(/--allow-open/);
    expect(c.out).not.toMatch(/listening/);
    expect(fs.existsSync(dbFile)).toBe(false);
    // The library entry point refuses too (the gate, verify and e2e use it).
    await expect(startBroker({ host: '::', port: 0, dbFile })).rejects.toMatchObject({
      code: 'broker.open-non-loopback',
    });
    expect(fs.existsSync(dbFile)).toBe(false);
    // The help names the escape hatch.
    const h = io();
    await runCli(['broker', '--help'], h);
    expect(h.out).toContain('--allow-open');
    expect(h.out).toContain('CXPACT_BROKER_ALLOW_OPEN');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loopback spellings stay open without credentials; other hosts are not loopback', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
    expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.10', 'example.com', '127.example.com'])
    expect(isLoopbackHost(h)).toBe(false);
});

test('--database-url: not PostgreSQL or beside --db is a usage error; an unreachable server exits 1 without the password', async () => {
  const mysql = io();
  expect(await runCli(['broker', '--port', '0', '--database-url', 'mysql://u:hunter2@db/broker'], mysql)).toBe(2);
  expect(mysql.err).toMatch(/--database-url must be a postgres:\/\//);
  expect(mysql.err).not.toContain('hunter2');
  const both = io();
  expect(
    await runCli(['broker', '--port', '0', '--db', 'x.sqlite', '--database-url', 'postgres://u@127.0.0.1/db'], both),
  ).toBe(2);
  expect(both.err).toMatch(/--db \(SQLite\) and --database-url \(PostgreSQL\)/);
  const pool = io();
  expect(await runCli(['broker', '--database-pool-size', '0'], pool)).toBe(2);
  expect(pool.err).toMatch(/--database-pool-size must be an integer/);
  // Nothing listens on port 1: the broker cannot start, says where (password hidden) and what to check.
  const down = io();
  down.env = { PACT_BROKER_DATABASE_URL: 'postgres://cx:hunter2@127.0.0.1:1/broker' };
  expect(await runCli(['broker', '--port', '0'], down)).toBe(1);
  expect(down.err).toMatch(/could not start on postgres:\/\/cx:\*\*\*@127\.0\.0\.1:1\/broker/);
  expect(down.err).toMatch(/Check that PostgreSQL is reachable/);
  expect(down.err + down.out).not.toContain('hunter2');
});

describe('secrets: never empty, from files or the environment, and a warning when given as flags', () => {
  test('empty passwords and tokens are refused at start (usage error, nothing bound or created)', async () => {
    const dir = tempDir('secrets');
    try {
      const dbFile = path.join(dir, 'never.sqlite');
      const run = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> => {
        const c = io();
        c.env = env;
        return { code: await runCli(['broker', '--port', '0', '--db', dbFile, ...args], c), err: c.err };
      };
      let r = await run(['--host', '0.0.0.0', '--basic-auth', 'admin:']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--basic-auth has an empty password, which would let anyone write with username admin/);
      r = await run(['--token', '']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--token is empty/);
      r = await run(['--read-only-token', '   ']);
      expect(r.code).toBe(2);
      r = await run([], { PACT_BROKER_BASIC_AUTH_USERNAME: 'admin' });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/PACT_BROKER_BASIC_AUTH_PASSWORD \(for PACT_BROKER_BASIC_AUTH_USERNAME=admin\) is empty/);
      r = await run([], {
        PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME: 'viewer',
        PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD: '',
      });
      expect(r.code).toBe(2);
      r = await run([], { CXPACT_BROKER_TOKEN: '' });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/CXPACT_BROKER_TOKEN is empty/);
      fs.writeFileSync(path.join(dir, 'empty-token'), '\n', { mode: 0o600 });
      r = await run(['--token-file', path.join(dir, 'empty-token')]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--token-file .*empty-token is empty/);
      r = await run(['--token-file', path.join(dir, 'missing')]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--token-file .*missing cannot be read: ENOENT/);
      r = await run(['--token', 'a', '--token-file', path.join(dir, 'empty-token')]);
      expect(r.code).toBe(2);
      expect(fs.existsSync(dbFile)).toBe(false);
      // The library refuses too.
      await expect(
        startBroker({ port: 0, dbFile, auth: { basic: { username: 'admin', password: '' } } }),
      ).rejects.toMatchObject({ code: 'broker.empty-secret' });
      await expect(startBroker({ port: 0, dbFile, auth: { readOnlyToken: '' } })).rejects.toMatchObject({
        code: 'broker.empty-secret',
      });
      expect(fs.existsSync(dbFile)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--database-url with a password warns that ps shows it (the password itself is never printed)', async () => {
    const c = io();
    expect(
      await runCli(['broker', '--port', '0', '--database-url', 'postgres://cx:hunter2@127.0.0.1:1/broker'], c),
    ).toBe(1);
    expect(c.err).toMatch(
      /--database-url carries a password, which every user of this machine can read in the process list \(ps\); prefer PACT_BROKER_DATABASE_URL/,
    );
    expect(c.err + c.out).not.toContain('hunter2');
    const quiet = io();
    quiet.env = { PACT_BROKER_DATABASE_URL: 'postgres://cx:hunter2@127.0.0.1:1/broker' };
    expect(await runCli(['broker', '--port', '0'], quiet)).toBe(1);
    expect(quiet.err).not.toMatch(/process list/);
  });

  test('a malformed webhook host entry or --base-url is refused at start', async () => {
    const c = io();
    expect(await runCli(['broker', '--port', '0', '--webhook-hosts', '/[/'], c)).toBe(1);
    expect(c.err).toMatch(/The webhook host entry \/\[\/ is not a valid regular expression/);
    const d = io();
    expect(await runCli(['broker', '--port', '0', '--base-url', 'ftp://x'], d)).toBe(1);
    expect(d.err).toMatch(/--base-url must be an http:\/\/ or https:\/\/ URL/);
  });

  test('--help names the secret files, the Host allow-list, the webhook lists and first-tag-as-branch', async () => {
    const c = io();
    await runCli(['broker', '--help'], c);
    for (const s of [
      '--token-file',
      '--basic-auth-file',
      '--allowed-host',
      'CXPACT_BROKER_ALLOWED_HOSTS',
      '--webhook-schemes',
      'PACT_BROKER_WEBHOOK_HOST_WHITELIST',
      '--no-first-tag-as-branch',
      'PACT_BROKER_USE_FIRST_TAG_AS_BRANCH',
      'PACT_BROKER_TOKEN',
    ]) {
      expect(c.out).toContain(s);
    }
  });
});
