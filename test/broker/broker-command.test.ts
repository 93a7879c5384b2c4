// `cxpact broker` command: help text (options, env vars, exit codes) and start-up errors. (Running it as a real
// process, printing its URL and closing on SIGTERM is covered by faults.test.ts.)
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { startTestBroker } from './helpers';

function io(): CliIO & { out: string; err: string } {
  const r = { out: '', err: '', cwd: process.cwd(), env: {}, stdout: (t: string) => (r.out += t), stderr: (t: string) => (r.err += t) };
  return r;
}

test('--help lists options, environment variables and exit codes', async () => {
  const c = io();
  expect(await runCli(['broker', '--help'], c)).toBe(0);
  for (const s of ['--port', '--db', '--base-url', '--token', '--read-only-token', '--basic-auth', '--max-body-bytes', 'CXPACT_BROKER_TOKEN', 'PACT_BROKER_BASIC_AUTH_USERNAME', 'Exit codes']) {
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
    expect(await runCli(['broker', '--port', String(busy.port), '--db', path.join(busy.dir, 'other.sqlite')], c)).toBe(1);
    expect(c.err).toMatch(/Port \d+ on 127.0.0.1 is already in use/);
    expect(c.err).toMatch(/--port 0/);
  } finally {
    await busy.stop();
  }
});
