// One meaning per exit code, and publishing what you meant (issue 8). Every command that talks to a broker
// exits 2 when it is unreachable or refuses the credentials, and a URL without a scheme is a usage error that
// says "add http://". `publish` warns when the Data Action folders have uncommitted changes under HEAD's version,
// and explains a conflict once (which interactions, which response fields). can-i-deploy tells "verified by X and
// failed" from "never verified". Real processes: the local broker (`cxpact broker`), the official `pact` CLI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { captureCli, type CliRun } from '../helpers/cli-run';
import { REPO_ROOT, startBrokerProcess, stopProcess, type Started } from '../helpers/processes';

jest.setTimeout(180_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-provider-side-'));
const LOOKUP = fs.readFileSync(
  path.join(REPO_ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.json'),
  'utf8',
);
const LOOKUP_CASES = fs.readFileSync(
  path.join(REPO_ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.cases.json'),
  'utf8',
);

let broker: Started;
afterAll(async () => {
  if (broker !== undefined) await stopProcess(broker.child);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function cli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return captureCli(argv, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd);
}

/** A git repository holding one provider folder with the lookup action and its cases, committed. */
function repo(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'data-actions/crm'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data-actions/crm/lookup.json'), LOOKUP);
  fs.writeFileSync(path.join(dir, 'data-actions/crm/lookup.cases.json'), LOOKUP_CASES);
  fs.writeFileSync(path.join(dir, '.gitignore'), 'pacts/\n.cxpact/\n');
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  return dir;
}

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('one meaning per exit code', () => {
  let dir: string;
  let refusing: http.Server;
  let refusingUrl: string;
  beforeAll(async () => {
    dir = repo('exit-codes');
    expect((await cli(['consumer'], dir)).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'providers/crm'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'providers/crm/provider.config.json'),
      JSON.stringify({ name: 'crm', baseUrl: 'http://127.0.0.1:1' }),
    );
    fs.mkdirSync(path.join(dir, 'providers/vendor'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'providers/vendor/record.config.json'),
      JSON.stringify({ provider: 'vendor', baseUrl: 'http://127.0.0.1:1' }),
    );
    refusing = http.createServer((_req, res) =>
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized"}'),
    );
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => refusing.close(r)));

  const commands: Array<[string, string[]]> = [
    ['publish', ['publish', '--consumer-app-version', 'v1']],
    ['verify', ['verify', '--provider', 'crm']],
    [
      'can-i-deploy',
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'v1', '--to-environment', 'production'],
    ],
    [
      'record-deployment',
      ['record-deployment', '--pacticipant', 'genesys-data-actions', '--version', 'v1', '--environment', 'production'],
    ],
    ['record', ['record', '--provider', 'vendor']],
    ['check-recorded', ['check-recorded', '--provider', 'vendor']],
  ];

  it.each(commands)(
    '%s: an unreachable broker, a refusing broker and a URL without a scheme all exit 2',
    async (_name, argv) => {
      const down = await cli([...argv, '--broker-url', `http://127.0.0.1:${await closedPort()}`], dir);
      expect({ code: down.code, err: down.stderr }).toMatchObject({
        code: 2,
        err: expect.stringMatching(/unreachable|Cannot reach the Pact Broker/),
      });
      const refused = await cli([...argv, '--broker-url', refusingUrl], dir);
      expect({ code: refused.code, err: refused.stderr }).toMatchObject({ code: 2, err: expect.stringMatching(/401/) });
      const schemeless = await cli([...argv, '--broker-url', '127.0.0.1:9292'], dir);
      expect(schemeless.code).toBe(2);
      expect(schemeless.stderr).toContain('fix: add http:// (or https://): --broker-url http://127.0.0.1:9292');
      const fromEnv = await cli(argv, dir, { PACT_BROKER_BASE_URL: 'localhost:9292' });
      expect(fromEnv.code).toBe(2);
      expect(fromEnv.stderr).toContain('fix: add http:// (or https://): PACT_BROKER_BASE_URL=http://localhost:9292');
    },
  );

  it('verify: a provider base URL without a scheme is a usage error', async () => {
    const run = await cli(['verify', '--provider', 'crm', '--provider-base-url', 'localhost:8080'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The provider base URL (--provider-base-url) "localhost:8080" has no scheme.');
    expect(run.stderr).toContain('fix: add http:// (or https://): "http://localhost:8080".');
  });
});

describe('publishing what you meant', () => {
  beforeAll(async () => {
    broker = await startBrokerProcess(path.join(tmp, 'broker.sqlite'));
  });

  it("warns that the version is HEAD's when the Data Action folders have uncommitted changes, naming the files and the fix", async () => {
    const dir = repo('dirty');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    fs.writeFileSync(
      path.join(dir, 'data-actions/crm/lookup.json'),
      LOOKUP.replace('"timeoutSeconds": 10', '"timeoutSeconds": 12'),
    );
    fs.writeFileSync(
      path.join(dir, 'data-actions/crm/new.json'),
      LOOKUP.replace('CRM - Lookup Customer By Phone', 'CRM - Lookup Again'),
    );
    expect((await cli(['consumer'], dir)).code).toBe(0);
    const run = await cli(['publish', '--broker-url', broker.url], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `[cxpact] Warning: data-actions has uncommitted changes, but the pacts are published as version ${head.slice(0, 12)}, HEAD's commit, which does not contain them:`,
    );
    expect(run.stderr).toContain(' M data-actions/crm/lookup.json');
    expect(run.stderr).toContain('?? data-actions/crm/new.json');
    expect(run.stderr).toContain('fix: commit them (git add data-actions && git commit)');
    // An explicit version is the user's choice: no warning.
    const explicit = await cli(['publish', '--broker-url', broker.url, '--consumer-app-version', 'explicit-1'], dir);
    expect(explicit.code).toBe(0);
    expect(explicit.stderr).not.toContain('uncommitted');
  });

  it('explains a conflict once: which interaction and which response fields changed', async () => {
    const dir = repo('conflict');
    expect((await cli(['consumer'], dir)).code).toBe(0);
    expect((await cli(['publish', '--broker-url', broker.url, '--consumer-app-version', 'c-1'], dir)).code).toBe(0);
    // The VIP example is now a Premium customer: same version, different pact content.
    const cases = JSON.parse(LOOKUP_CASES);
    cases.cases[0].response.body.customer.tier = 'Premium';
    cases.cases[0].expectedOutput.accountTier = 'Premium';
    fs.writeFileSync(path.join(dir, 'data-actions/crm/lookup.cases.json'), JSON.stringify(cases, null, 2));
    expect((await cli(['consumer'], dir)).code).toBe(0);
    const run = await cli(['publish', '--broker-url', broker.url, '--consumer-app-version', 'c-1'], dir);
    expect(run.code).toBe(1);
    const all = run.stdout + run.stderr;
    expect(all).not.toContain('Cannot change the content of the pact');
    expect(all).toContain(
      '[cxpact] genesys-data-actions version c-1 already has a different pact with crm in the broker',
    );
    expect(all).toContain('  changed: "CRM - Lookup Customer By Phone / vip-customer: a lookup of a known VIP caller"');
    expect(all).toContain('      response body $.customer.tier: "VIP" -> "Premium"');
    expect(all.match(/already has a different pact/g)).toHaveLength(1);
    expect(run.stderr).toContain(
      'fix: Publish the changed pacts under a new consumer version (--consumer-app-version)',
    );
  });
});

describe('can-i-deploy: "verified and failed" is not "never verified"', () => {
  it('says when no version ever verified the pact, and names the version that verified it and failed', async () => {
    const dir = repo('gate');
    expect((await cli(['consumer'], dir)).code).toBe(0);
    const env = { PACT_BROKER_BASE_URL: broker.url };
    expect((await cli(['publish', '--consumer-app-version', 'g-1', '--branch', 'main'], dir, env)).code).toBe(0);
    expect(
      (
        await cli(
          [
            'record-deployment',
            '--pacticipant',
            'genesys-data-actions',
            '--version',
            'g-1',
            '--environment',
            'uat',
            '--create-environment',
          ],
          dir,
          env,
        )
      ).code,
    ).toBe(0);
    const never = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'g-1', '--to-environment', 'uat'],
      dir,
      env,
    );
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(
      'no version of crm is recorded as deployed to uat, so nothing there has verified genesys-data-actions g-1 (no version of crm has ever verified it)',
    );
    // A crm build verifies the pact and fails (published, as CI does), but is not deployed anywhere.
    const res = await fetch(`${broker.url}/pacts/provider/crm/consumer/genesys-data-actions/version/g-1`, {
      headers: { Accept: 'application/hal+json' },
    });
    const pact = (await res.json()) as { _links: Record<string, { href: string }> };
    const posted = await fetch(pact._links['pb:publish-verification-results']!.href, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        success: false,
        providerApplicationVersion: 'p-bad',
        verifiedBy: { implementation: 'test' },
      }),
    });
    expect(posted.status).toBeLessThan(300);
    const failed = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'g-1', '--to-environment', 'uat'],
      dir,
      env,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Can genesys-data-actions g-1 be deployed to uat? NO\n');
    expect(failed.stderr).toContain('crm p-bad verified it and FAILED');
    expect(failed.stderr).toContain('fix: see the mismatches with npx cxpact verify --provider crm');
    expect(failed.stderr).not.toContain('has ever verified it');
  });
});
