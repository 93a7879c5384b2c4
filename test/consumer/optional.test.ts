// A field read by a path with a translation default stays required in the pact (a renamed field falling back to
// its default is the failure cxpact exists to catch) unless a case opts out with `optional`. Real mock servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts, type ConsumerReport } from '../../src/io/consumer-run';

const ROOT = path.resolve(__dirname, '..', '..');
const UPDATE = fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/update-account.json'), 'utf8');
const input = { accountId: 'ACC-1', preferredLanguage: 'fr-CA', callbackOptIn: true };
const full = { account: { id: 'ACC-1', preferredLanguage: 'fr-CA', callbackOptIn: true, balance: 12.5 } };
const noBalance = { account: { id: 'ACC-1', preferredLanguage: 'fr-CA', callbackOptIn: true } };

let dir: string;
let report: ConsumerReport;
let pact: {
  interactions: { description: string; response: { body?: { content: Record<string, Record<string, unknown>> } } }[];
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-optional-'));
  const crm = path.join(dir, 'crm');
  fs.mkdirSync(crm);
  for (const name of ['required', 'opted-out'])
    fs.writeFileSync(path.join(crm, `${name}.json`), UPDATE.replace('"CRM - Update Account"', `"Update ${name}"`));
  const kase = (name: string, body: unknown, optional?: string[]) => ({
    name,
    providerState: `account ACC-1 (${name})`,
    input,
    response: { status: 200, headers: { 'Content-Type': 'application/json' }, body },
    ...(optional ? { optional } : {}),
  });
  fs.writeFileSync(
    path.join(crm, 'required.cases.json'),
    JSON.stringify({
      cases: [
        kase('with-balance', full),
        kase('balance-renamed', { account: { ...noBalance.account, accountBalance: 3 } }),
      ],
    }),
  );
  fs.writeFileSync(
    path.join(crm, 'opted-out.cases.json'),
    JSON.stringify({ cases: [kase('no-balance', noBalance, ['balance'])] }),
  );
  report = await runConsumerContracts({
    dataActionsDir: dir,
    pactsDir: path.join(dir, 'pacts'),
    engine: await defaultEngine(),
  });
  pact = JSON.parse(fs.readFileSync(path.join(dir, 'pacts', 'genesys-data-actions-crm.json'), 'utf8'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('defaulted fields and the optional opt-out', () => {
  it('keeps a defaulted field required in the pact', () => {
    expect(JSON.parse(UPDATE).config.response.translationMapDefaults.balance).toBeDefined();
    const i = pact.interactions.find((x) => x.description.includes('with-balance'));
    expect(i?.response.body?.content['account']?.['balance']).toBe(12.5);
  });

  it('fails a case whose field fell back to its default, naming output, path and response field', () => {
    const c = report.actions.find((a) => a.name === 'Update required')?.cases.find((x) => x.name === 'balance-renamed');
    expect(c?.ok).toBe(false);
    expect(c?.problems.find((p) => p.code === 'translation.default.used')).toMatchObject({
      output: 'balance',
      expression: '$.account.balance',
      responseField: '$.account.balance',
    });
    expect(pact.interactions.some((x) => x.description.includes('balance-renamed'))).toBe(false);
  });

  it('lets a case opt out: the default is accepted and the pact does not require the field', () => {
    const a = report.actions.find((x) => x.name === 'Update opted-out');
    expect(a?.ok).toBe(true);
    expect(a?.cases[0]?.output).toMatchObject({ balance: 0 });
    const i = pact.interactions.find((x) => x.description.includes('no-balance'));
    expect(i).toBeDefined();
    expect(i?.response.body?.content['account']).not.toHaveProperty('balance');
  });
});
