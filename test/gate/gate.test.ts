// The gate against the real local broker (startBroker, SQLite in a temp dir), the official pact CLI for
// publishing, the real verifier and the example CRM provider: yes when verified and deployed, no with reasons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBroker, type RunningBroker } from '../../src/broker';
import { canIDeploy } from '../../src/io/broker-client/can-i-deploy';
import { runPactCliAgainst } from '../../src/io/broker-client/pact-cli';
import { startCrmApi, type RunningCrmApi } from '../../providers/crm-customer-api/app';
import { cli, REPO_ROOT } from '../verify/cli-io';
import { execFileSync } from 'node:child_process';

const PACT = path.join(REPO_ROOT, 'test/fixtures/pacts/genesys-data-actions-crm-customer-api.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-gate-'));
let broker: RunningBroker;
let crm: RunningCrmApi;
let renamed: RunningCrmApi;

beforeAll(async () => {
  broker = await startBroker({ port: 0, dbFile: path.join(tmp, 'broker.sqlite') });
  crm = await startCrmApi();
  renamed = await startCrmApi({ renameCustomerId: true });
  const published = await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
    'broker',
    'publish',
    PACT,
    '--consumer-app-version',
    'c1',
    '--branch',
    'main',
  ]);
  expect(published.code).toBe(0);
});
afterAll(async () => {
  await Promise.all([broker?.close(), crm?.close(), renamed?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ PACT_BROKER_BASE_URL: broker.url });

describe('can-i-deploy and record-deployment against the local broker', () => {
  it('says no while no provider version is deployed to the environment, with the command that fixes it', async () => {
    const created = await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
      'broker',
      'create-environment',
      '--name',
      'production',
      '--production',
    ]);
    expect(created.code).toBe(0);
    const run = await cli(
      [
        'can-i-deploy',
        '--pacticipant',
        'genesys-data-actions',
        '--version',
        'c1',
        '--to-environment',
        'production',
        '--retry-while-unknown',
        '1',
        '--retry-interval',
        '0',
      ],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Can genesys-data-actions c1 be deployed to production? NO');
    expect(run.stderr).toMatch(/crm-customer-api/);
    expect(run.stderr).toContain('fix:');
    expect(run.stderr).toContain('npm run pact:record-deployment -- --pacticipant crm-customer-api');
  });

  it('says yes once the provider verified (results published) and its deployment is recorded', async () => {
    const verify = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        crm.url,
        '--publish',
        '--provider-version',
        'p1',
        '--provider-branch',
        'main',
      ],
      env(),
    );
    expect(verify.stdout).toContain('7 of 7 interaction(s) passed.');
    expect(verify.stdout).toContain('Results published to the broker as crm-customer-api p1.');
    expect(verify.code).toBe(0);
    const rec = await cli(
      ['record-deployment', '--pacticipant', 'crm-customer-api', '--version', 'p1', '--environment', 'production'],
      env(),
    );
    expect(rec.stdout).toContain('Recorded: crm-customer-api p1 is deployed to production.');
    expect(rec.code).toBe(0);
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'c1', '--to-environment', 'production'],
      env(),
    );
    expect(run.stdout).toContain('Can genesys-data-actions c1 be deployed to production? YES');
    expect(run.stdout).toContain('✓ crm-customer-api p1 verified the pact of genesys-data-actions c1');
    expect(run.code).toBe(0);
    const json = await cli(
      [
        'can-i-deploy',
        '--pacticipant',
        'genesys-data-actions',
        '--version',
        'c1',
        '--to-environment',
        'production',
        '--json',
      ],
      env(),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ deployable: true, attempts: 1 });
  });

  it('says no for the renamed provider: its verification fails and is published, the gate names it', async () => {
    const rec = await cli(
      ['record-deployment', '--pacticipant', 'genesys-data-actions', '--version', 'c1', '--environment', 'production'],
      env(),
    );
    expect(rec.code).toBe(0);
    const verify = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        renamed.url,
        '--publish',
        '--provider-version',
        'p2',
        '--provider-branch',
        'main',
      ],
      env(),
    );
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      'expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
    );
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'crm-customer-api', '--version', 'p2', '--to-environment', 'production'],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Can crm-customer-api p2 be deployed to production? NO');
    expect(run.stderr).toContain('✗ crm-customer-api p2 FAILED verification of the pact of genesys-data-actions c1');
    expect(run.stderr).toContain('fix: see the mismatches with npm run pact:verify -- --provider crm-customer-api');
  });

  it('pending pacts: a new expectation on a consumer branch fails verification without failing the provider build; the gate says no', async () => {
    // The consumer's feature branch expects a field the provider does not have yet (content never verified).
    const pact = JSON.parse(fs.readFileSync(PACT, 'utf8')) as {
      interactions: Array<{
        description: string;
        response: { body?: { content?: { customer?: Record<string, unknown> } } };
      }>;
    };
    const lookup = pact.interactions.find((i) => i.description.includes('known VIP caller'))!;
    lookup.response.body!.content!.customer!.loyaltyLevel = 'gold';
    const file = path.join(tmp, 'loyalty.json');
    fs.writeFileSync(file, JSON.stringify(pact));
    expect(
      (
        await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
          'broker',
          'publish',
          file,
          '--consumer-app-version',
          'c4',
          '--branch',
          'feat/loyalty',
        ])
      ).code,
    ).toBe(0);

    const verify = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        crm.url,
        '--publish',
        '--provider-version',
        'p4',
        '--provider-branch',
        'feat/loyalty',
      ],
      env(),
    );
    expect(verify.stdout).toContain('(1 on pending pacts, not fatal)');
    expect(verify.stdout).toContain("expected field customer.loyaltyLevel is missing from the provider's response");
    expect(verify.stdout).toContain('Pending pacts: this provider branch has never verified them successfully');
    expect(verify.code).toBe(0);
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'c4', '--to-environment', 'production'],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Can genesys-data-actions c4 be deployed to production? NO');
    expect(run.stderr).toMatch(/✗ crm-customer-api( p1)? never verified the pact of genesys-data-actions c4/);
  });

  it('words a third-party provider without a recorded check as a vendor, with the record/check commands', async () => {
    const cwd = fs.mkdtempSync(path.join(tmp, 'proj-'));
    fs.mkdirSync(path.join(cwd, 'providers/vendor-crm'), { recursive: true });
    fs.writeFileSync(
      path.join(cwd, 'providers/vendor-crm/provider.config.json'),
      JSON.stringify({ name: 'vendor-crm', thirdParty: true }),
    );
    const pact = JSON.parse(fs.readFileSync(PACT, 'utf8')) as { provider: { name: string } };
    pact.provider.name = 'vendor-crm';
    const file = path.join(cwd, 'vendor.json');
    fs.writeFileSync(file, JSON.stringify(pact));
    expect(
      (
        await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
          'broker',
          'publish',
          file,
          '--consumer-app-version',
          'c2',
          '--branch',
          'main',
        ])
      ).code,
    ).toBe(0);
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'c2', '--to-environment', 'production'],
      env(),
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/vendor vendor-crm has no recorded check/);
    // The temp cwd has no package.json with cxpact's scripts (like a backend repo): the fix says npx cxpact.
    expect(run.stderr).toContain(
      'npx cxpact check-recorded --provider vendor-crm --publish --record-deployment production',
    );
    // --ignore (or PACT_BROKER_CAN_I_DEPLOY_IGNORE) leaves it out of the decision, and says so.
    const ignored = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'c2', '--to-environment', 'production'],
      { ...env(), PACT_BROKER_CAN_I_DEPLOY_IGNORE: 'vendor-crm' },
      cwd,
    );
    expect(ignored.stdout).toContain('vendor-crm ignored');
    expect(ignored.code).toBe(0);
  });
});

describe('can-i-deploy retries while results are unknown', () => {
  it('asks again until the provider has verified and been deployed, then says yes', async () => {
    // A second provider whose results arrive while the gate waits (as a webhook-triggered provider pipeline would).
    const cwd = fs.mkdtempSync(path.join(tmp, 'retry-'));
    fs.mkdirSync(path.join(cwd, 'providers/crm-retry'), { recursive: true });
    fs.writeFileSync(
      path.join(cwd, 'providers/crm-retry/provider.config.json'),
      JSON.stringify({ name: 'crm-retry', stateChangeUrl: '/_pact/provider-states' }),
    );
    const pact = JSON.parse(fs.readFileSync(PACT, 'utf8')) as { provider: { name: string } };
    pact.provider.name = 'crm-retry';
    const file = path.join(cwd, 'retry.json');
    fs.writeFileSync(file, JSON.stringify(pact));
    expect(
      (
        await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
          'broker',
          'publish',
          file,
          '--consumer-app-version',
          'c3',
          '--branch',
          'main',
        ])
      ).code,
    ).toBe(0);

    const retries: number[] = [];
    const result = await canIDeploy({
      broker: { baseUrl: broker.url, auth: {} },
      pacticipant: 'genesys-data-actions',
      version: 'c3',
      environment: 'production',
      retryWhileUnknown: 3,
      retryIntervalSeconds: 0,
      onRetry: (attempt) => retries.push(attempt),
      // While the gate waits, the provider pipeline verifies and records its deployment.
      sleep: async () => {
        if (retries.length !== 1) return;
        const v = await cli(
          [
            'verify',
            '--provider',
            'crm-retry',
            '--provider-base-url',
            crm.url,
            '--publish',
            '--provider-version',
            'r1',
            '--provider-branch',
            'main',
          ],
          env(),
          cwd,
        );
        expect(v.code).toBe(0);
        expect(
          (
            await cli(
              ['record-deployment', '--pacticipant', 'crm-retry', '--version', 'r1', '--environment', 'production'],
              env(),
              cwd,
            )
          ).code,
        ).toBe(0);
      },
    });
    expect(retries).toEqual([1]);
    expect(result.attempts).toBe(2);
    expect(result.deployable).toBe(true);
    expect(result.reasons.map((r) => r.message)).toContain('crm-retry r1 verified the pact of genesys-data-actions c3');
  });
});

describe('gate: bad input and faults', () => {
  it('unknown pacticipant: no (exit 1), listing the pacticipants the broker knows', async () => {
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actionz', '--version', 'c1', '--to-environment', 'production'],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The broker does not know genesys-data-actionz');
    expect(run.stderr).toContain('genesys-data-actions');
  });

  it('unknown version of a consumer: the fix publishes that version (not the git sha) and does not verify it as a provider', async () => {
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'nope', '--to-environment', 'production'],
      env(),
    );
    expect(run.code).toBe(1);
    const all = run.stdout + run.stderr;
    expect(all).toContain(
      'fix: genesys-data-actions is a consumer: publish its pacts as version nope: npm run pact:consumer && npm run pact:publish -- --consumer-app-version nope',
    );
    expect(all).not.toContain('--provider genesys-data-actions');
  });

  it('unknown version of a provider: the fix verifies with --provider-version <that version>', async () => {
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'crm-customer-api', '--version', 'nope', '--to-environment', 'production'],
      env(),
    );
    expect(run.code).toBe(1);
    const all = run.stdout + run.stderr;
    expect(all).toContain(
      'fix: crm-customer-api is a provider: verify its pacts as version nope and publish the results: npm run pact:verify -- --provider crm-customer-api --provider-version nope --publish',
    );
    expect(all).not.toContain('--consumer-app-version');
  });

  it('unknown environment: usage error (exit 2) with the create-environment command', async () => {
    const run = await cli(
      ['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', 'c1', '--to-environment', 'staging'],
      env(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('create-environment --name staging');
    const rec = await cli(
      ['record-deployment', '--pacticipant', 'genesys-data-actions', '--version', 'c1', '--environment', 'staging'],
      env(),
    );
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain('The broker has no environment "staging" (it has: production)');
  });

  it('record-deployment of a version the broker does not have: exit 1 with the publish hint', async () => {
    const rec = await cli(
      [
        'record-deployment',
        '--pacticipant',
        'crm-customer-api',
        '--version',
        'never-published',
        '--environment',
        'production',
      ],
      env(),
    );
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('The broker has no version never-published of crm-customer-api');
  });

  it('unreachable broker: exit 2 for can-i-deploy, record-deployment and verify', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const a = await cli([
      'can-i-deploy',
      '--pacticipant',
      'x',
      '--version',
      '1',
      '--to-environment',
      'production',
      '--broker-url',
      url,
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`The Pact Broker at ${url} is unreachable (ECONNREFUSED)`);
    const b = await cli([
      'record-deployment',
      '--pacticipant',
      'x',
      '--version',
      '1',
      '--environment',
      'production',
      '--broker-url',
      url,
    ]);
    expect(b.code).toBe(2);
    const c = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      crm.url,
      '--broker-url',
      url,
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('is unreachable');
  });

  it('a pact URL the broker does not have: exit 1 naming the URL and the 404', async () => {
    const url = `${broker.url}/pacts/provider/crm-customer-api/consumer/genesys-data-actions/version/nope`;
    const run = await cli(
      ['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url, '--pact-url', url],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The verifier could not load the pacts for crm-customer-api (the pact at ${url})`);
    expect(run.stderr).toContain('404 Not Found');
  });

  it('missing broker URL and bad numbers are usage errors (exit 2)', async () => {
    expect(
      (await cli(['can-i-deploy', '--pacticipant', 'x', '--version', '1', '--to-environment', 'production'])).code,
    ).toBe(2);
    const bad = await cli(
      [
        'can-i-deploy',
        '--pacticipant',
        'x',
        '--version',
        '1',
        '--to-environment',
        'p',
        '--retry-while-unknown',
        'lots',
      ],
      env(),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retry-while-unknown must be a non-negative number');
  });
});

describe('gate: a broker that requires a token', () => {
  let secured: RunningBroker;
  beforeAll(async () => {
    secured = await startBroker({ port: 0, dbFile: path.join(tmp, 'secured.sqlite'), auth: { token: 'right-token' } });
  });
  afterAll(async () => secured?.close());

  it('wrong credentials (401): exit 2 naming the variables to fix, and the token is never printed', async () => {
    const e = { PACT_BROKER_BASE_URL: secured.url, PACT_BROKER_TOKEN: 'wrong-token' };
    const a = await cli(['can-i-deploy', '--pacticipant', 'x', '--version', '1', '--to-environment', 'production'], e);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('answered 401 Unauthorized: the credentials were rejected');
    expect(a.stderr).toContain('PACT_BROKER_TOKEN');
    const v = await cli(['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url], e);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('answered 401 Unauthorized: the credentials were rejected');
    const r = await cli(
      ['record-deployment', '--pacticipant', 'x', '--version', '1', '--environment', 'production'],
      e,
    );
    expect(r.code).toBe(2);
    for (const out of [a, v, r]) expect(out.stdout + out.stderr).not.toContain('wrong-token');
  });

  it('the right token gets an answer', async () => {
    const run = await cli(['can-i-deploy', '--pacticipant', 'x', '--version', '1', '--to-environment', 'production'], {
      PACT_BROKER_BASE_URL: secured.url,
      PACT_BROKER_TOKEN: 'right-token',
    });
    expect(run.stderr).not.toContain('401 Unauthorized');
    expect(run.code).not.toBe(0);
  });
});

describe('verify in CI (CI=true): results are published with the commit sha and branch, no flags needed', () => {
  let ciBroker: RunningBroker;
  beforeAll(async () => {
    ciBroker = await startBroker({ port: 0, dbFile: path.join(tmp, 'ci.sqlite') });
    const published = await runPactCliAgainst({ baseUrl: ciBroker.url, auth: {} }, [
      'broker',
      'publish',
      PACT,
      '--consumer-app-version',
      'c1',
      '--branch',
      'main',
    ]);
    expect(published.code).toBe(0);
  });
  afterAll(async () => ciBroker?.close());

  async function branchHasVersion(branch: string, version: string): Promise<number> {
    const res = await fetch(
      `${ciBroker.url}/pacticipants/crm-customer-api/branches/${encodeURIComponent(branch)}/versions/${encodeURIComponent(version)}`,
      { headers: { Accept: 'application/hal+json' } },
    );
    return res.status;
  }

  it('GitLab variables: CI_COMMIT_SHA is the provider version, CI_COMMIT_BRANCH its branch', async () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url], {
      CI: 'true',
      CI_COMMIT_SHA: sha,
      CI_COMMIT_BRANCH: 'feature-rename',
      CI_JOB_URL: 'http://ci.example/jobs/1',
      PACT_BROKER_BASE_URL: ciBroker.url,
    });
    expect(run.stdout).toContain(`(publishing results as version ${sha} on feature-rename)`);
    expect(run.stdout).toContain(`Results published to the broker as crm-customer-api ${sha}.`);
    expect(run.code).toBe(0);
    expect(await branchHasVersion('feature-rename', sha)).toBe(200);
    expect(await branchHasVersion('main', sha)).toBe(404);
  });

  it('without the GitLab variables the git sha and branch of the working tree are used', async () => {
    const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const sha = git(['rev-parse', 'HEAD']);
    const branch = git(['rev-parse', '--abbrev-ref', 'HEAD']);
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url], {
      CI: 'true',
      PACT_BROKER_BASE_URL: ciBroker.url,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Results published to the broker as crm-customer-api ${sha}.`);
    if (branch !== 'HEAD') expect(await branchHasVersion(branch, sha)).toBe(200);
  });

  it('local pact files in CI are verified but not published, and the output says why', async () => {
    const run = await cli(
      ['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url, '--pact-files', PACT],
      { CI: 'true', CI_COMMIT_SHA: 'local-files-sha', CI_COMMIT_BRANCH: 'y' },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('CI=true, but the pacts come from local files, so the results are not published');
    expect(await branchHasVersion('y', 'local-files-sha')).toBe(404);
  });

  it('--no-publish in CI keeps the results local', async () => {
    const run = await cli(
      ['verify', '--provider', 'crm-customer-api', '--provider-base-url', crm.url, '--no-publish'],
      { CI: 'true', CI_COMMIT_SHA: 'no-publish-sha', CI_COMMIT_BRANCH: 'x', PACT_BROKER_BASE_URL: ciBroker.url },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Results published');
    expect(await branchHasVersion('x', 'no-publish-sha')).toBe(404);
  });
});
