// A Velocity template that does not parse is one clear error for its action (file, JSON path, line/column, fix),
// not a copy per case; the other actions of the run are still checked. Real mock servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts, type ConsumerReport } from '../../src/io/consumer-run';

const ROOT = path.resolve(__dirname, '..', '..');
const UPDATE = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/update-account.json'), 'utf8'),
);

let dir: string;
let report: ConsumerReport;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-templates-'));
  fs.mkdirSync(path.join(dir, 'crm'));
  const write = (name: string, patch: (a: typeof UPDATE) => void) => {
    const a = structuredClone(UPDATE);
    patch(a);
    fs.writeFileSync(path.join(dir, 'crm', `${name}.json`), JSON.stringify(a));
  };
  write('good', () => undefined);
  write(
    'bad-url',
    (a) => (a.config.request.requestUrlTemplate = 'https://crm.example.com/api/v1/accounts/#if(${input.accountId}'),
  );
  write('bad-success', (a) => (a.config.response.successTemplate = '{"accountId": #if(${accountId}}'));
  report = await runConsumerContracts({
    dataActionsDir: dir,
    pactsDir: path.join(dir, 'pacts'),
    engine: await defaultEngine(),
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byFile = (f: string) => report.actions.find((a) => path.basename(a.file) === f);

describe('Velocity syntax errors', () => {
  it('reports a request template that does not parse once, with file, path, position and fix', () => {
    const a = byFile('bad-url.json');
    expect(a?.ok).toBe(false);
    expect(a?.cases).toEqual([]);
    expect(a?.errors).toHaveLength(1);
    expect(a?.errors[0]).toMatchObject({
      code: 'velocity.syntax',
      at: { path: '$.config.request.requestUrlTemplate' },
    });
    expect(String(a?.errors[0]?.at.file)).toMatch(/bad-url\.json$/);
    expect(String(a?.errors[0]?.message)).toMatch(/line 1, column \d+/);
    expect(String(a?.errors[0]?.fix)).toMatch(/Velocity/);
  });

  it('fails the cases of a success template that does not parse, naming the template and position', () => {
    const a = byFile('bad-success.json');
    expect(a?.ok).toBe(false);
    const success = a?.cases.find((c) => c.kind === 'success');
    expect(success?.ok).toBe(false);
    expect(success?.problems.map((p) => p.message).join('\n')).toMatch(/successTemplate\[line 1, column \d+\]/);
  });

  it('removes a stale pact of a pair with no passing interaction', async () => {
    const only = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-stale-'));
    try {
      fs.mkdirSync(path.join(only, 'crm'));
      fs.copyFileSync(path.join(dir, 'crm', 'bad-url.json'), path.join(only, 'crm', 'bad-url.json'));
      const pacts = path.join(only, 'out');
      fs.mkdirSync(pacts);
      fs.writeFileSync(path.join(pacts, 'genesys-data-actions-crm.json'), '{"stale": true}');
      fs.writeFileSync(path.join(pacts, 'genesys-data-actions-other.json'), '{"untouched": true}');
      const r = await runConsumerContracts({ dataActionsDir: only, pactsDir: pacts, engine: await defaultEngine() });
      expect(r.ok).toBe(false);
      expect(fs.readdirSync(pacts)).toEqual(['genesys-data-actions-other.json']);
    } finally {
      fs.rmSync(only, { recursive: true, force: true });
    }
  });

  it('still checks the good action and fails the run', () => {
    expect(byFile('good.json')?.ok).toBe(true);
    expect(report.ok).toBe(false);
  });
});
