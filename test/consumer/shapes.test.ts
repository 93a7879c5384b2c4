// `cxpact consumer` end to end on every definition shape: Terraform (.tf with several actions, .tf.json), the
// Platform API object (with and without an inline template) and the UI export, in one run against real Pact mock
// servers. Each action of a multi-action file gets its own cases; a pacts folder inside data-actions/ is skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts, type ConsumerReport } from '../../src/io/consumer-run';

const ROOT = path.resolve(__dirname, '..', '..');
const TF = path.join(ROOT, 'test/fixtures/terraform');
const UI_EXPORT = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/create-case.json'), 'utf8'),
);

let dir: string;
let report: ConsumerReport;
let pacts: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-shapes-'));
  fs.mkdirSync(path.join(dir, 'crm-tf'));
  fs.mkdirSync(path.join(dir, 'crm-tfjson'));
  fs.mkdirSync(path.join(dir, 'platform'));
  fs.copyFileSync(path.join(TF, 'cx-as-code-crm/data-actions.tf'), path.join(dir, 'crm-tf/data-actions.tf'));
  fs.copyFileSync(path.join(TF, 'cx-as-code-json/actions.tf.json'), path.join(dir, 'crm-tfjson/actions.tf.json'));
  const platform = {
    id: 'custom_-_0d9c0a3e',
    integrationId: 'a1b2',
    version: 3,
    selfUri: '/api/v2/integrations/actions/custom_-_0d9c0a3e',
    ...UI_EXPORT,
  };
  fs.writeFileSync(path.join(dir, 'platform/create-case.json'), JSON.stringify(platform));
  const byUri = structuredClone(platform);
  delete byUri.config.request.requestTemplate;
  byUri.config.request.requestTemplateUri =
    '/api/v2/integrations/actions/custom_-_0d9c0a3e/templates/requestTemplate.vm';
  fs.writeFileSync(path.join(dir, 'platform/by-uri.json'), JSON.stringify(byUri));
  pacts = path.join(dir, 'pacts');
  // a stale pact in the output folder inside data-actions/ must not be read as an action
  fs.mkdirSync(pacts);
  fs.writeFileSync(
    path.join(pacts, 'old.json'),
    JSON.stringify({ consumer: { name: 'x' }, provider: { name: 'y' }, interactions: [] }),
  );
  report = await runConsumerContracts({ dataActionsDir: dir, pactsDir: pacts, engine: await defaultEngine() });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function byName(name: string) {
  const found = report.actions.find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name}: ${report.actions.map((a) => a.name).join(', ')}`);
  return found;
}

describe('every definition shape through cxpact consumer', () => {
  it('runs each action of a .tf file with its own cases and writes the pair pact', () => {
    const tfActions = report.actions.filter((a) => a.file.endsWith('data-actions.tf'));
    expect(tfActions.map((a) => a.name).sort()).toEqual([
      'Create Case',
      'Get Customer Summary',
      'Lookup Customer By Phone (draft)',
    ]);
    for (const a of tfActions) {
      expect(a.ok).toBe(true);
      // each action's report holds only its own cases (derived: success, absent-field per default, failure); only
      // the success case has a provider state and goes into the pact, the others are checked by the emulator
      expect(a.cases.filter((c) => c.providerState !== undefined).map((c) => c.providerState)).toEqual([
        `${a.name}: the backend returns a valid response`,
      ]);
      expect(a.cases.filter((c) => c.checkedBy === 'pact').map((c) => c.kind)).toEqual(['success']);
    }
    expect(byName('Lookup Customer By Phone (draft)').cases.map((c) => c.kind)).toEqual(['success', 'failure']);
    const pact = JSON.parse(fs.readFileSync(path.join(pacts, 'genesys-data-actions-crm-tf.json'), 'utf8'));
    expect(pact.metadata.pactSpecification.version).toBe('4.0');
    expect(pact.interactions.length).toBe(
      tfActions.reduce((n, a) => n + a.cases.filter((c) => c.checkedBy === 'pact').length, 0),
    );
    expect(pact.interactions.length).toBe(tfActions.length);
  });

  it('runs a .tf.json action', () => {
    const a = report.actions.find((x) => x.file.endsWith('actions.tf.json'));
    expect(a?.ok).toBe(true);
    expect(fs.existsSync(path.join(pacts, 'genesys-data-actions-crm-tfjson.json'))).toBe(true);
  });

  it('runs a Platform API object and rejects a template given only by URI, naming the field and the fix', () => {
    const ok = report.actions.find((x) => x.file.endsWith('create-case.json'));
    expect(ok?.ok).toBe(true);
    const uri = report.actions.find((x) => x.file.endsWith('by-uri.json'));
    expect(uri?.ok).toBe(false);
    expect(uri?.errors[0]).toMatchObject({ at: { path: '$.config.request.requestTemplateUri' } });
    expect(String(uri?.errors[0]?.fix)).not.toBe('');
    const pact = JSON.parse(fs.readFileSync(path.join(pacts, 'genesys-data-actions-platform.json'), 'utf8'));
    expect(pact.interactions.every((i: { request: { method: string } }) => i.request.method === 'POST')).toBe(true);
  });

  it('counts cases once per action, skips the pacts folder and exits non-zero for the broken one', async () => {
    expect(report.actions.some((a) => a.file.startsWith(pacts))).toBe(false);
    expect(report.totals.cases).toBe(report.actions.reduce((n, a) => n + a.cases.length, 0));
    expect(report.totals.actions).toBe(6);
    const out: string[] = [];
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd: dir };
    const code = await runCli(['consumer', '--data-actions', dir, '--pacts', pacts], io);
    expect(code).toBe(1);
    expect(out.join('')).toMatch(/FAIL platform :: .*by-uri\.json/);
    expect(out.join('')).toMatch(/PASS crm-tf :: Create Case/);
  });
});
