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
    const { startBroker } = (await import('../../src/broker')) as { startBroker: (o: Record<string, unknown>) => Promise<RunningBroker> };
    broker = await startBroker({ port: 0, host: '127.0.0.1', dbFile: path.join(ws.root, 'broker.sqlite') });
    fake = await startFakeApis();
    const pact = fs.readFileSync(path.join(__dirname, 'fixtures/pacts/genesys-data-actions-vendor-crm.json'), 'utf8');
    const res = await fetch(`${broker.url}/pacts/provider/vendor-crm/consumer/genesys-data-actions/version/1.0.0`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: pact });
    expect(res.status).toBeLessThan(300);
  });

  afterEach(async () => {
    await fake.close();
    await broker.close();
    ws.cleanup();
  });

  async function matrixRows(): Promise<Array<{ provider: { version: { number: string } }; verificationResult: { success: boolean } | null }>> {
    const q = 'q[][pacticipant]=genesys-data-actions&q[][version]=1.0.0&latestby=cvp';
    const res = await fetch(`${broker.url}/matrix?${q}`, { headers: { Accept: 'application/hal+json' } });
    const body = (await res.json()) as { matrix: Array<{ provider: { version: { number: string } }; verificationResult: { success: boolean } | null }> };
    return body.matrix;
  }

  test('a matching recording set is published as a successful verification, the rename as a failed one', async () => {
    const env = { VENDOR_CRM_BASE_URL: fake.url, VENDOR_CRM_API_KEY: CRM_API_KEY };
    const args = ['--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--broker-url', broker.url];
    // record from the broker's pacts
    const rec = await cli(['record', ...args], env);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('from the latest pacts for vendor-crm in the broker');

    const ok = await cli(['check-recorded', ...args, '--publish']);
    expect(ok.code).toBe(0);
    const version = /fingerprint (rec-[0-9a-f]{16})/.exec(ok.stdout)![1]!;
    expect(ok.stdout).toContain(`Published a successful verification of vendor-crm version ${version} (branch recorded) for the pact with genesys-data-actions`);
    let rows = await matrixRows();
    expect(rows.some((r) => r.provider.version.number === version && r.verificationResult?.success === true)).toBe(true);
    const branch = await fetch(`${broker.url}/pacticipants/vendor-crm/branches/recorded/versions/${version}`, { headers: { Accept: 'application/hal+json' } });
    expect(branch.status).toBe(200);

    // can-i-deploy counts the recorded check once the recording set is recorded as deployed
    const b = ['--broker-url', broker.url];
    const dep = await cli(['record-deployment', '--pacticipant', 'vendor-crm', '--version', version, '--environment', 'production', '--create-environment', ...b]);
    expect(dep.code).toBe(0);
    const yes = await cli(['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', '1.0.0', '--to-environment', 'production', ...b]);
    expect(yes.code).toBe(0);

    fake.renamed = true;
    expect((await cli(['record', ...args], env)).code).toBe(0);
    const bad = await cli(['check-recorded', ...args, '--publish']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('(renamed?)');
    const renamedVersion = /fingerprint (rec-[0-9a-f]{16})/.exec(bad.stdout)![1]!;
    expect(renamedVersion).not.toBe(version);
    expect(bad.stdout).toContain(`Published a FAILED verification of vendor-crm version ${renamedVersion}`);
    rows = await matrixRows();
    expect(rows.some((r) => r.provider.version.number === renamedVersion && r.verificationResult?.success === false)).toBe(true);
    expect((await cli(['record-deployment', '--pacticipant', 'vendor-crm', '--version', renamedVersion, '--environment', 'production', ...b])).code).toBe(0);
    const no = await cli(['can-i-deploy', '--pacticipant', 'genesys-data-actions', '--version', '1.0.0', '--to-environment', 'production', ...b]);
    expect(no.code).toBe(1);
  }, 60_000);

  test('--publish without a broker is a usage error; an unreachable broker exits 2', async () => {
    const noBroker = await cli(['check-recorded', '--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--publish']);
    expect(noBroker.code).toBe(2);
    expect(noBroker.stderr).toContain('--publish needs the broker');
    const port = await deadPort();
    const down = await cli(['check-recorded', '--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--publish', '--broker-url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`Cannot reach the Pact Broker at http://127.0.0.1:${port}`);
  });
});

test('the broker suite is switched on', () => {
  // Fails loudly if src/broker disappears, instead of silently skipping the publish proof.
  expect(haveBroker).toBe(true);
});
