// check-recorded --publish against the real local broker (src/broker, node:sqlite over real HTTP): the outcome
// lands as a verification of the provider, version = recording-set fingerprint on branch `recorded`, and the
// matrix shows it; a vendor's rename publishes a failed verification under a new provider version.
import fs from 'node:fs';
import path from 'node:path';
import { cli } from '../verify/cli-io';
import { CRM_API_KEY, startFakeApis, type FakeApis } from './fake-apis';
import { crmTestConfig, deadPort, makeWorkspace, type Workspace } from './helpers';

// The broker is another helper's module; this suite switches itself on once it exists.
const brokerModule = path.join(__dirname, '../../src/broker/index.ts');
const haveBroker = fs.existsSync(brokerModule);
const maybe = haveBroker ? describe : describe.skip;

interface RunningBroker {
  url: string;
  close(): Promise<void>;
}

maybe('publishing recorded checks to the local broker', () => {
  let broker: RunningBroker;
  let fake: FakeApis;
  let ws: Workspace;

  beforeEach(async () => {
    ws = makeWorkspace({ pacts: [], configs: { 'vendor-crm': crmTestConfig() } });
    const { startBroker } = (await import('../../src/broker')) as {
      startBroker: (o: Record<string, unknown>) => Promise<RunningBroker>;
    };
    broker = await startBroker({ port: 0, host: '127.0.0.1', dbFile: path.join(ws.root, 'broker.sqlite') });
    fake = await startFakeApis();
    const pact = fs.readFileSync(path.join(__dirname, 'fixtures/pacts/genesys-data-actions-vendor-crm.json'), 'utf8');
    const res = await fetch(`${broker.url}/pacts/provider/vendor-crm/consumer/genesys-data-actions/version/1.0.0`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: pact,
    });
    expect(res.status).toBeLessThan(300);
  });

  afterEach(async () => {
    await fake.close();
    await broker.close();
    ws.cleanup();
  });

  /** Versions of vendor-crm the broker has as currently deployed to `environment` (its own API). */
  async function deployedVersions(environment: string): Promise<string[]> {
    const envs = (await (
      await fetch(`${broker.url}/environments`, { headers: { Accept: 'application/hal+json' } })
    ).json()) as { _embedded?: { environments?: Array<{ name: string; uuid: string }> } };
    const e = (envs._embedded?.environments ?? []).find((x) => x.name === environment);
    if (e === undefined) return [];
    const res = await fetch(
      `${broker.url}/environments/${e.uuid}/deployed-versions/currently-deployed?pacticipant=vendor-crm`,
      { headers: { Accept: 'application/hal+json' } },
    );
    const body = (await res.json()) as {
      _embedded?: { deployedVersions?: Array<{ _embedded?: { version?: { number?: string } } }> };
    };
    return (body._embedded?.deployedVersions ?? []).map((d) => d._embedded?.version?.number ?? '?');
  }

  async function matrixRows(): Promise<
    Array<{ provider: { version: { number: string } }; verificationResult: { success: boolean } | null }>
  > {
    const q = 'q[][pacticipant]=genesys-data-actions&q[][version]=1.0.0&latestby=cvp';
    const res = await fetch(`${broker.url}/matrix?${q}`, { headers: { Accept: 'application/hal+json' } });
    const body = (await res.json()) as {
      matrix: Array<{ provider: { version: { number: string } }; verificationResult: { success: boolean } | null }>;
    };
    return body.matrix;
  }

  test('a matching recording set is published as a successful verification, the rename as a failed one', async () => {
    const env = { VENDOR_CRM_BASE_URL: fake.url, VENDOR_CRM_API_KEY: CRM_API_KEY };
    const args = ['--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--broker-url', broker.url];
    // record from the broker's pacts
    const rec = await cli(['record', ...args], env);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('from the latest pacts for vendor-crm in the broker');

    // --record-deployment: the checked recording set is what the vendor runs in production now (no grepping of
    // the fingerprint in a pipeline).
    const ok = await cli([
      'check-recorded',
      ...args,
      '--publish',
      '--record-deployment',
      'production',
      '--create-environment',
    ]);
    expect(ok.code).toBe(0);
    const version = /fingerprint (rec-[0-9a-f]{16})/.exec(ok.stdout)![1]!;
    expect(ok.stdout).toContain(
      `Published a successful verification of vendor-crm version ${version} (branch recorded) for the pact with genesys-data-actions`,
    );
    expect(ok.stdout).toContain('Created environment production in the broker.');
    expect(ok.stdout).toContain(`Recorded: vendor-crm ${version} is deployed to production.`);
    expect(await deployedVersions('production')).toEqual([version]);
    let rows = await matrixRows();
    expect(rows.some((r) => r.provider.version.number === version && r.verificationResult?.success === true)).toBe(
      true,
    );
    const branch = await fetch(`${broker.url}/pacticipants/vendor-crm/branches/recorded/versions/${version}`, {
      headers: { Accept: 'application/hal+json' },
    });
    expect(branch.status).toBe(200);

    // can-i-deploy counts the recorded check once the recording set is recorded as deployed
    const b = ['--broker-url', broker.url];
    const yes = await cli([
      'can-i-deploy',
      '--pacticipant',
      'genesys-data-actions',
      '--version',
      '1.0.0',
      '--to-environment',
      'production',
      ...b,
    ]);
    expect(yes.code).toBe(0);

    fake.renamed = true;
    expect((await cli(['record', ...args], env)).code).toBe(0);
    const bad = await cli(['check-recorded', ...args, '--publish', '--record-deployment', 'production', '--json']);
    // A failed check still records the vendor's (changed) live API as deployed, so the gate says no; exit 1.
    expect(bad.code).toBe(1);
    const badJson = JSON.parse(bad.stdout) as { providerVersion: string; deployment?: { environment: string } };
    expect(badJson.deployment).toEqual({ environment: 'production', createdEnvironment: false });
    expect(await deployedVersions('production')).toEqual([badJson.providerVersion]);
    const badText = await cli(['check-recorded', ...args, '--publish']);
    expect(badText.code).toBe(1);
    expect(badText.stdout).toContain('(renamed?)');
    const renamedVersion = /fingerprint (rec-[0-9a-f]{16})/.exec(badText.stdout)![1]!;
    expect(renamedVersion).not.toBe(version);
    expect(renamedVersion).toBe(badJson.providerVersion);
    expect(badText.stdout).toContain(`Published a FAILED verification of vendor-crm version ${renamedVersion}`);
    // Without --record-deployment the output says how to let the gate count it.
    expect(badText.stdout).toContain('--publish --record-deployment <env>');
    rows = await matrixRows();
    expect(
      rows.some((r) => r.provider.version.number === renamedVersion && r.verificationResult?.success === false),
    ).toBe(true);
    const no = await cli([
      'can-i-deploy',
      '--pacticipant',
      'genesys-data-actions',
      '--version',
      '1.0.0',
      '--to-environment',
      'production',
      ...b,
    ]);
    expect(no.code).toBe(1);
  }, 60_000);

  test('--record-deployment needs --publish; an environment the broker does not have is a usage error after the check output', async () => {
    const args = ['--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--broker-url', broker.url];
    const noPublish = await cli(['check-recorded', ...args, '--record-deployment', 'production']);
    expect(noPublish.code).toBe(2);
    expect(noPublish.stderr).toContain('--record-deployment needs --publish');
    const env = { VENDOR_CRM_BASE_URL: fake.url, VENDOR_CRM_API_KEY: CRM_API_KEY };
    expect((await cli(['record', ...args], env)).code).toBe(0);
    const unknownEnv = await cli(['check-recorded', ...args, '--publish', '--record-deployment', 'staging']);
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stdout).toContain('Recorded check passed.');
    expect(unknownEnv.stdout).toContain('Published a successful verification of vendor-crm');
    expect(unknownEnv.stderr).toContain('The broker has no environment "staging"');
    expect(unknownEnv.stderr).toContain('--create-environment');
    expect(await deployedVersions('staging')).toEqual([]);
  }, 60_000);

  test('--publish without a broker is a usage error; an unreachable broker exits 2', async () => {
    const noBroker = await cli([
      'check-recorded',
      '--provider',
      'vendor-crm',
      '--providers-dir',
      ws.providersDir,
      '--publish',
    ]);
    expect(noBroker.code).toBe(2);
    expect(noBroker.stderr).toContain('--publish needs the broker');
    const port = await deadPort();
    const down = await cli([
      'check-recorded',
      '--provider',
      'vendor-crm',
      '--providers-dir',
      ws.providersDir,
      '--publish',
      '--broker-url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`The Pact Broker at http://127.0.0.1:${port} is unreachable`);
  });
});

maybe('recorded checks against a broker that requires a token', () => {
  let broker: RunningBroker;
  let ws: Workspace;
  beforeAll(async () => {
    ws = makeWorkspace({ pacts: [], configs: { 'vendor-crm': crmTestConfig() } });
    const { startBroker } = (await import('../../src/broker')) as {
      startBroker: (o: Record<string, unknown>) => Promise<RunningBroker>;
    };
    broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      dbFile: path.join(ws.root, 'secured.sqlite'),
      auth: { token: 'right-token' },
    });
  });
  afterAll(async () => {
    await broker?.close();
    ws?.cleanup();
  });

  test('wrong credentials: record and check-recorded --publish exit 2 naming the variables, never the token', async () => {
    const args = ['--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--broker-url', broker.url];
    const env = { PACT_BROKER_TOKEN: 'wrong-token' };
    const rec = await cli(['record', ...args], {
      ...env,
      VENDOR_CRM_BASE_URL: 'http://127.0.0.1:9',
      VENDOR_CRM_API_KEY: 'k',
    });
    const check = await cli(['check-recorded', ...args, '--publish', '--record-deployment', 'production'], env);
    for (const run of [rec, check]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('answered 401 Unauthorized: the credentials were rejected');
      expect(run.stderr).toContain('PACT_BROKER_TOKEN');
      expect(run.stdout + run.stderr).not.toContain('wrong-token');
    }
  });
});

test('the broker suite is switched on', () => {
  // Fails loudly if src/broker disappears, instead of silently skipping the publish proof.
  expect(haveBroker).toBe(true);
});
