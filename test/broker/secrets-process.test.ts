// Secrets given to a real `cxpact broker` process: from a file (no warning), as a flag (a warning: `ps` shows
// it), from the environment (PACT_BROKER_TOKEN, the clients' variable), a file others can read (a warning).
import fs from 'node:fs';
import path from 'node:path';
import { killAllBrokerProcesses, startBrokerProcess } from './broker-process';
import { call, tempDir } from './helpers';

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  dir = tempDir('secrets-process');
});
afterEach(async () => killAllBrokerProcesses());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ps = /puts a secret on the command line, where every user of this machine can read it \(ps\)/;

test('--token-file: auth on, the token never printed, no warning', async () => {
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'file-token-s3cr3t\n', { mode: 0o600 });
  const b = await startBrokerProcess(['--db', path.join(dir, 'a.sqlite'), '--token-file', file]);
  expect((await call('GET', `${b.url}/`)).status).toBe(401);
  expect((await call('GET', `${b.url}/`, undefined, { Authorization: 'Bearer file-token-s3cr3t' })).status).toBe(200);
  expect((await call('GET', `${b.url}/`, undefined, { Authorization: 'Bearer file-token' })).status).toBe(401);
  expect(b.output()).not.toMatch(ps);
  expect(b.output()).not.toContain('file-token-s3cr3t');
  expect(b.output()).toMatch(/auth: read-write credentials/);
});

test('--basic-auth-file with user:password; a file other users can read gets a warning', async () => {
  const file = path.join(dir, 'basic');
  fs.writeFileSync(file, 'ci:basic-pass\n', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  const b = await startBrokerProcess(['--db', path.join(dir, 'b.sqlite'), '--basic-auth-file', file]);
  expect(
    (
      await call('GET', `${b.url}/`, undefined, {
        Authorization: `Basic ${Buffer.from('ci:basic-pass').toString('base64')}`,
      })
    ).status,
  ).toBe(200);
  expect(b.output()).toMatch(/basic \(--basic-auth-file\) is readable by other users of this machine; chmod 600 it/);
  expect(b.output()).not.toContain('basic-pass');
});

test('--token as a flag works but warns that ps shows it; PACT_BROKER_TOKEN from the environment does not', async () => {
  const flagged = await startBrokerProcess(['--db', path.join(dir, 'c.sqlite'), '--token', 'flag-token-s3cr3t']);
  expect((await call('GET', `${flagged.url}/`, undefined, { Authorization: 'Bearer flag-token-s3cr3t' })).status).toBe(
    200,
  );
  expect(flagged.output()).toMatch(ps);
  expect(flagged.output()).not.toContain('flag-token-s3cr3t');
  const fromEnv = await startBrokerProcess(['--db', path.join(dir, 'd.sqlite')], {
    PACT_BROKER_TOKEN: 'env-token-s3cr3t',
  });
  expect((await call('GET', `${fromEnv.url}/`)).status).toBe(401);
  expect((await call('GET', `${fromEnv.url}/`, undefined, { Authorization: 'Bearer env-token-s3cr3t' })).status).toBe(
    200,
  );
  expect(fromEnv.output()).not.toMatch(ps);
});
