// The consumer and run drivers evaluate each action under its own budget, with a hard time limit behind the
// budgets: an evaluation that never yields (here an engine step spinning forever, standing in for any code path no
// budget covers) is stopped, reported on its action, and every other action is still checked and its pact written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts } from '../../src/io/consumer-run';
import type { DataActionEngine } from '../../src/core/contract/engine';
import { captureCli } from '../helpers/cli-run';

const ROOT = path.resolve(__dirname, '..', '..');
const GOOD = path.join(ROOT, 'data-actions', 'crm-customer-api');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-budgets-'));
  const crm = path.join(dir, 'data-actions', 'crm');
  fs.mkdirSync(crm, { recursive: true });
  for (const f of fs.readdirSync(GOOD)) fs.copyFileSync(path.join(GOOD, f), path.join(crm, f));
  const spinner = JSON.parse(fs.readFileSync(path.join(GOOD, 'lookup-customer-by-phone.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  spinner['name'] = 'Spinner';
  fs.writeFileSync(path.join(crm, 'spinner.json'), JSON.stringify(spinner));
  fs.copyFileSync(path.join(GOOD, 'lookup-customer-by-phone.cases.json'), path.join(crm, 'spinner.cases.json'));
  const loop = structuredClone(spinner) as { name: string; config: { response: { successTemplate: string } } };
  loop.name = 'Looper';
  loop.config.response.successTemplate = '#foreach($i in [1..1000000])#foreach($j in [1..1000000])#end#end{}';
  fs.writeFileSync(path.join(crm, 'looper.json'), JSON.stringify(loop));
  fs.copyFileSync(path.join(GOOD, 'lookup-customer-by-phone.cases.json'), path.join(crm, 'looper.cases.json'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('consumer: a budget per action', () => {
  it("stops an evaluation that never yields, reports it on its action, and writes the other actions' pact", async () => {
    const real = await defaultEngine();
    const engine: DataActionEngine = {
      ...real,
      renderRequest: (action, input) => {
        if (action.name === 'Spinner') for (;;);
        return real.renderRequest(action, input);
      },
    };
    const report = await runConsumerContracts({
      dataActionsDir: path.join(dir, 'data-actions'),
      pactsDir: path.join(dir, 'pacts'),
      engine,
      limits: { timeMs: 400 },
    });
    const spinner = report.actions.find((a) => a.name === 'Spinner');
    expect(spinner?.errors).toEqual([
      expect.objectContaining({
        code: 'budget.time',
        at: { file: path.join(dir, 'data-actions', 'crm', 'spinner.json') },
      }),
    ]);
    const looper = report.actions.find((a) => a.name === 'Looper');
    expect(looper?.cases.flatMap((c) => c.problems.map((p) => p.code))).toContain('budget.steps');
    const others = report.actions.filter((a) => a.name !== 'Spinner' && a.name !== 'Looper');
    expect(others.length).toBeGreaterThanOrEqual(4);
    expect(others.every((a) => a.ok)).toBe(true);
    // The pact holds every passing case checked by the pact (the others are checked by the emulator only).
    const cases = report.actions.flatMap((a) => a.cases).filter((c) => c.ok && c.checkedBy === 'pact').length;
    expect(cases).toBeGreaterThanOrEqual(others.flatMap((a) => a.cases).filter((c) => c.checkedBy === 'pact').length);
    expect(report.pacts[0]?.interactions).toBe(cases);
    const pact = JSON.parse(fs.readFileSync(report.pacts[0]?.pactFile as string, 'utf8')) as {
      interactions: unknown[];
    };
    expect(pact.interactions).toHaveLength(cases);
  }, 120_000);

  it('takes budgets from flags and environment variables, and refuses a bad value as a usage error', async () => {
    const bad = await captureCli(
      ['consumer', '--data-actions', 'data-actions', '--pacts', 'pacts', '--budget-steps', 'lots'],
      {},
      dir,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--budget-steps must be a positive number');
    const env = await captureCli(
      ['consumer', '--data-actions', 'data-actions', '--pacts', 'pacts', '--json'],
      { CXPACT_BUDGET_STEPS: '10' },
      dir,
    );
    const report = JSON.parse(env.stdout) as {
      actions: { errors: { code: string }[]; cases: { problems: { code: string }[] }[] }[];
    };
    const codes = report.actions.flatMap((a) => [
      ...a.errors.map((e) => e.code),
      ...a.cases.flatMap((c) => c.problems.map((p) => p.code)),
    ]);
    expect(codes).toContain('budget.steps');
    expect(env.code).toBe(1);
  }, 120_000);
});

describe('run: budgets and limits', () => {
  it('reports a budget finding naming the file, never a raw error', async () => {
    const input = path.join(dir, 'input.json');
    fs.writeFileSync(input, JSON.stringify({ phoneNumber: '+15551234567' }));
    const response = path.join(dir, 'response.json');
    fs.writeFileSync(
      response,
      JSON.stringify({
        status: 200,
        headers: {},
        body: {
          customer: { customerId: 'C', fullName: 'A', tier: 'gold', openTickets: 1, flags: { blacklisted: false } },
        },
      }),
    );
    const r = await captureCli(
      ['run', path.join('data-actions', 'crm', 'looper.json'), '--input', input, '--response', response, '--json'],
      {},
      dir,
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { errors: { code?: string; file?: string; message: string }[] };
    expect(out.errors).toEqual([
      expect.objectContaining({
        code: 'budget.steps',
        file: path.join(dir, 'data-actions', 'crm', 'looper.json'),
        message: expect.stringContaining('#foreach ($j in ...)'),
      }),
    ]);
  });

  it('refuses an input nested past the depth limit (a self-referencing input schema)', async () => {
    const deep = `${'{"phoneNumber":"+1","child":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const input = path.join(dir, 'deep-input.json');
    fs.writeFileSync(input, deep);
    const def = JSON.parse(fs.readFileSync(path.join(GOOD, 'lookup-customer-by-phone.json'), 'utf8')) as {
      contract: { input: { inputSchema: unknown } };
    };
    def.contract.input.inputSchema = {
      type: 'object',
      properties: { phoneNumber: { type: 'string' }, child: { $ref: '#' } },
    };
    const file = path.join(dir, 'self-ref.json');
    fs.writeFileSync(file, JSON.stringify(def));
    const r = await captureCli(['run', file, '--input', input, '--json', '--limit-depth', '50'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/Maximum call stack|RangeError/);
    const out = JSON.parse(r.stdout) as { errors: { code?: string }[] };
    expect(out.errors.map((e) => e.code)).toEqual(['limit.depth', 'limit.depth']);
  });
});
