// `cxpact publish` (npm run pact:publish) against the cxpact broker: git defaults, CI variables, auth, and
// clear errors for an unreachable broker, 401, missing pacts and conflicts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { call, forEachStore, startTestBroker, tempDir, type TestBroker, THINGS, writePact } from './helpers';

jest.setTimeout(60_000);

const TOKEN = 'publish-token-abc';
let broker: TestBroker;
let repo: string;

function io(cwd: string, env: NodeJS.ProcessEnv): CliIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdout: (t: string) => (r.out += t),
    stderr: (t: string) => (r.err += t),
  };
  return r;
}

forEachStore(() => {
  beforeAll(async () => {
    broker = await startTestBroker({ auth: { token: TOKEN } });
    repo = tempDir('publish');
    writePact(path.join(repo, 'pacts'), 'Web', 'Orders', THINGS);
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'feature-x');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  });
  afterAll(async () => {
    await broker.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  test('publishes pacts/ with the git sha and branch by default', async () => {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const c = io(repo, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
    const code = await runCli(['publish'], c);
    expect(c.err).toBe('');
    expect(code).toBe(0);
    expect(c.out).toContain(`as version ${sha} (branch feature-x)`);
    expect(c.out).toMatch(/Pact successfully published for Web version/);
    expect(c.out + c.err).not.toContain(TOKEN);
    const v = await call('GET', `${broker.url}/pacticipants/Web/versions/${sha}`, undefined, {
      Authorization: `Bearer ${TOKEN}`,
    });
    expect(v.status).toBe(200);
    expect(v.body._embedded.branchVersions[0].name).toBe('feature-x');
  });

  test('CI_COMMIT_SHA / CI_COMMIT_REF_NAME / CI_JOB_URL and --tag are used', async () => {
    const c = io(repo, {
      PACT_BROKER_BASE_URL: broker.url,
      PACT_BROKER_TOKEN: TOKEN,
      CI_COMMIT_SHA: 'ci-sha-1',
      CI_COMMIT_REF_NAME: 'main',
      CI_JOB_URL: 'http://gitlab/job/1',
    });
    expect(await runCli(['publish', '--tag', 'dev,rc'], c)).toBe(0);
    const v = await call('GET', `${broker.url}/pacticipants/Web/versions/ci-sha-1`, undefined, {
      Authorization: `Bearer ${TOKEN}`,
    });
    expect(v.body.buildUrl).toBe('http://gitlab/job/1');
    expect(v.body._embedded.tags.map((t: { name: string }) => t.name).sort()).toEqual(['dev', 'rc']);
    expect(v.body._embedded.branchVersions[0].name).toBe('main');
  });

  test('401: a clear error naming the variables to set', async () => {
    const c = io(repo, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'wrong' });
    expect(await runCli(['publish', '--consumer-app-version', '9'], c)).toBe(2);
    expect(c.err).toMatch(/401 Unauthorized: the credentials were rejected/);
    expect(c.err).toMatch(/PACT_BROKER_TOKEN/);
    expect(c.err).not.toContain('wrong');
  });

  test('unreachable broker: a clear error', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const c = io(repo, {});
    expect(
      await runCli(['publish', '--broker-url', `http://127.0.0.1:${port}`, '--consumer-app-version', '9'], c),
    ).toBe(2);
    expect(c.err).toMatch(/unreachable/);
    // The temp repo declares no npm scripts, so the hint is the form that works there.
    expect(c.err).toContain('Start one with `npx cxpact broker`');
    // In a repository with cxpact's npm scripts the same error names the npm script.
    fs.writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify({ name: 'integration-repo', scripts: { broker: 'cxpact broker' } }),
    );
    const withScripts = io(repo, {});
    expect(
      await runCli(['publish', '--broker-url', `http://127.0.0.1:${port}`, '--consumer-app-version', '9'], withScripts),
    ).toBe(2);
    expect(withScripts.err).toContain('Start one with `npm run broker`');
    fs.rmSync(path.join(repo, 'package.json'));
  });

  test('missing pacts, missing broker URL and content conflicts are reported with a fix', async () => {
    const empty = tempDir('nopacts');
    try {
      const c1 = io(empty, { PACT_BROKER_BASE_URL: broker.url });
      expect(await runCli(['publish', '--consumer-app-version', '1'], c1)).toBe(1);
      expect(c1.err).toMatch(/The pacts directory pacts does not exist/);
      const c2 = io(repo, {});
      expect(await runCli(['publish', '--consumer-app-version', '1'], c2)).toBe(2);
      expect(c2.err).toMatch(/PACT_BROKER_BASE_URL/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const changed = tempDir('changed');
    try {
      writePact(path.join(changed, 'pacts'), 'Web', 'Orders', [
        { description: 'something else', path: '/else', body: { e: 1 } },
      ]);
      const c = io(changed, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
      expect(await runCli(['publish', '--consumer-app-version', 'ci-sha-1'], c)).toBe(1);
      expect(c.err).toMatch(/Publish the changed pacts under a new consumer version \(--consumer-app-version\)/);
      expect(c.err).toContain('added: "something else"');
    } finally {
      fs.rmSync(changed, { recursive: true, force: true });
    }
  });
});
