// `cxpact consumer` end to end in-process: the shipped examples pass; every kind of bad input gets its own clear
// error while every other action is still checked; the command exits non-zero. Real Pact mock servers throughout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts, type ConsumerReport, type ActionReport } from '../../src/io/consumer-run';

const ROOT = path.resolve(__dirname, '..', '..');
const LOOKUP = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.json'), 'utf8'),
);
const LOOKUP_CASES = fs.readFileSync(
  path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.cases.json'),
  'utf8',
);

function tmpdir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-consumer-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function io(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd };
}

function withAction(patch: (a: typeof LOOKUP) => void): typeof LOOKUP {
  const copy = structuredClone(LOOKUP);
  patch(copy);
  return copy;
}

function action(report: ConsumerReport, file: string): ActionReport {
  const found = report.actions.find((a) => path.basename(a.file) === file);
  if (!found) throw new Error(`no report for ${file}: ${report.actions.map((a) => a.file).join(', ')}`);
  return found;
}

const dirs: string[] = [];
afterAll(() =>
  dirs.forEach((d) => {
    fs.rmSync(d, { recursive: true, force: true });
  }),
);

describe('cxpact consumer on the shipped examples', () => {
  it('passes every case and writes one V4 pact per provider folder', async () => {
    const pacts = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-pacts-'));
    dirs.push(pacts);
    const cli = io(ROOT);
    const code = await runCli(['consumer', '--data-actions', path.join(ROOT, 'data-actions'), '--pacts', pacts], cli);
    const text = cli.out.join('');
    expect({ code, text }).toMatchObject({ code: 0 });
    expect(text).toMatch(/PASS crm-customer-api :: CRM - Lookup Customer By Phone/);
    const files = fs.readdirSync(pacts).sort();
    expect(files).toEqual([
      'genesys-data-actions-crm-customer-api.json',
      'genesys-data-actions-genesys-cloud-api.json',
    ]);
    const pact = JSON.parse(fs.readFileSync(path.join(pacts, files[0] as string), 'utf8'));
    expect(pact.metadata.pactSpecification.version).toBe('4.0');
    const vip = pact.interactions.find((i: { description: string }) => i.description.includes('vip-customer'));
    // only the fields the translation reads
    expect(vip.response.body.content).toEqual({
      customer: {
        customerId: 'CUST-1001',
        fullName: 'Ada Lovelace',
        tier: 'VIP',
        openTickets: 2,
        flags: { blacklisted: false },
      },
    });
    expect(vip.response.matchingRules.body['$.customer.tier'].matchers[0]).toEqual({
      match: 'regex',
      regex: '^(Standard|Premium|VIP)$',
    });
    expect(vip.response.matchingRules.body['$.customer.openTickets'].matchers[0].match).toBe('integer');
    expect(vip.response.matchingRules.body['$.customer.flags.blacklisted'].matchers[0].match).toBe('type');
    expect(vip.request.matchingRules.header.Authorization.matchers[0].match).toBe('regex');
    expect(vip.request.query).toEqual({ phone: ['+15551234567'] });
    expect(vip.providerStates[0]).toEqual({
      name: 'a customer with phone +15551234567 exists',
      params: { phone: '+15551234567', customerId: 'CUST-1001', tier: 'VIP' },
    });
    const absent = pact.interactions.find((i: { description: string }) => i.description.includes('no-ticket-count'));
    expect(absent.response.body.content.customer.openTickets).toBeUndefined();
    const failure = pact.interactions.find((i: { description: string }) => i.description.includes('unknown-caller'));
    expect(failure.response.status).toBe(404);
    const tickets = pact.interactions.find((i: { description: string }) => i.description.includes('mixed-tickets'));
    expect(tickets.response.matchingRules.body['$.tickets'].matchers[0]).toEqual({ match: 'type', min: 1 });
    // derived cases for update-account: only the success is in the pact; the absent balance and the failure are
    // checked by the emulator (a provider cannot be asked to be down), and the report says so
    const derived = pact.interactions.filter((i: { description: string }) =>
      i.description.startsWith('CRM - Update Account'),
    );
    expect(derived.map((i: { providerStates: { name: string }[] }) => i.providerStates[0]?.name)).toEqual([
      'CRM - Update Account: the backend returns a valid response',
    ]);
    expect(text).toMatch(
      /derived-failure \[failure\] -> emulator only\n\s+\(derived failure case: a provider cannot be asked to fail/,
    );
    expect(text).toMatch(/derived-absent-balance \[absent-field\] -> emulator only/);
    expect(text).toMatch(
      /derived-success \[success\] given "CRM - Update Account: the backend returns a valid response" -> pact/,
    );
    // a failure case from a cases file keeps its author's provider state and is in the pact
    expect(text).toMatch(/unknown-caller \[failure\] given "no customer with phone \+15550000000 exists" -> pact/);
    expect(text).toMatch(/12 cases \(10 in pacts, 2 checked by the emulator only\)/);
    expect(JSON.stringify(pact)).not.toMatch(/apiKey"\s*:|secret/i);
    const gc = JSON.parse(fs.readFileSync(path.join(pacts, files[1] as string), 'utf8'));
    expect(gc.interactions[0].request.path).toMatch(/^\/api\/v2\/routing\/queues\//);
  });
});

describe('failing well', () => {
  let report: ConsumerReport;
  let pacts: string;
  beforeAll(async () => {
    const lookup = (name: string) => `crm/${name}.json`;
    const cases = (name: string) => ({ [`crm/${name}.cases.json`]: LOOKUP_CASES });
    const dir = tmpdir({
      [lookup('good')]: LOOKUP,
      ...cases('good'),
      'crm/malformed.json': '{ "name": "Broken", "config": { ',
      [lookup('no-contract')]: withAction((a) => delete a.contract),
      [lookup('velocity-error')]: withAction(
        (a) =>
          (a.config.request.requestUrlTemplate =
            'https://crm.example.com/api/v1/customers?phone=#if(${input.phoneNumber}'),
      ),
      [lookup('jsonpath-error')]: withAction(
        (a) => (a.config.response.translationMap.customerId = '$.customer[?(@.id == '),
      ),
      [lookup('bad-inputs')]: LOOKUP,
      'crm/bad-inputs.cases.json': JSON.stringify({
        cases: [
          {
            name: 'letters',
            providerState: 'x',
            input: { phoneNumber: 'not-a-phone' },
            response: { status: 200, body: JSON.parse(LOOKUP_CASES).cases[0].response.body },
          },
        ],
      }),
      [lookup('defaulted')]: LOOKUP,
      'crm/defaulted.cases.json': JSON.stringify({
        cases: [
          {
            name: 'renamed',
            providerState: 'a customer exists',
            input: { phoneNumber: '+15551234567' },
            response: {
              status: 200,
              body: {
                customer: {
                  customerId: 'C',
                  fullName: 'F',
                  tier: 'VIP',
                  open_tickets: 1,
                  flags: { blacklisted: true },
                },
              },
            },
          },
        ],
      }),
      [lookup('null-output')]: LOOKUP,
      'crm/null-output.cases.json': JSON.stringify({
        cases: [
          {
            name: 'null-name',
            providerState: 'a customer without a name exists',
            input: { phoneNumber: '+15551234567' },
            response: {
              status: 200,
              body: {
                customer: {
                  customerId: 'C',
                  fullName: null,
                  tier: 'VIP',
                  openTickets: 1,
                  flags: { blacklisted: true },
                },
              },
            },
          },
        ],
      }),
      'schema/schema-break.json': withAction(
        (a) => (a.contract.output.successSchema.properties.customerId = { type: 'integer' }),
      ),
      'schema/schema-break.cases.json': LOOKUP_CASES,
      'crm/bad-cases.json': LOOKUP,
      'crm/bad-cases.cases.json': '{"cases": [ {"name": "x", "providerState": 7} ]}',
      'broken-config/cxpact.json': '{"provider": "has spaces"}',
      'broken-config/a.json': LOOKUP,
      'jsonata/a.json': withAction((a) => {
        a.config.response.translationMap = {};
        a.config.response.translationMapDefaults = {};
      }),
      'jsonata/a.jsonata': '{ "customerId": customer.id, ',
    });
    dirs.push(dir);
    pacts = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-pacts-'));
    dirs.push(pacts);
    report = await runConsumerContracts({ dataActionsDir: dir, pactsDir: pacts, engine: await defaultEngine() });
  });

  it('still checks the good action and fails the run', () => {
    expect(report.ok).toBe(false);
    expect(action(report, 'good.json').ok).toBe(true);
    expect(action(report, 'good.json').cases.map((c) => c.ok)).toEqual([true, true, true]);
    // the pair's pact holds the passing interactions only
    const pact = JSON.parse(fs.readFileSync(path.join(pacts, 'genesys-data-actions-crm.json'), 'utf8'));
    expect(pact.interactions.length).toBe(3);
  });

  it('reports malformed JSON with the file', () => {
    const a = action(report, 'malformed.json');
    expect(a.ok).toBe(false);
    expect(JSON.stringify(a.errors)).toMatch(/JSON/i);
    expect(a.errors[0]?.at.file).toMatch(/malformed\.json$/);
  });

  it('reports a missing contract', () => {
    const a = action(report, 'no-contract.json');
    expect(a.ok).toBe(false);
    expect(JSON.stringify(a.errors)).toMatch(/contract/i);
  });

  it('reports a Velocity syntax error', () => {
    const a = action(report, 'velocity-error.json');
    expect(a.ok).toBe(false);
    expect(JSON.stringify(a)).toMatch(/velocity|template|syntax|parse/i);
  });

  it('reports a JSONPath error', () => {
    const a = action(report, 'jsonpath-error.json');
    expect(a.ok).toBe(false);
    expect(JSON.stringify(a)).toMatch(/JSONPath|path/i);
    expect(JSON.stringify(a)).toMatch(/customerId/);
  });

  it('reports case inputs breaking the input schema', () => {
    const a = action(report, 'bad-inputs.json');
    expect(a.cases[0]?.problems[0]?.code).toBe('case.input.invalid');
    expect(a.cases[0]?.problems[0]?.message).toMatch(/phoneNumber|pattern/);
  });

  it('fails an output that fell back to its default, naming output, path and response field', () => {
    const a = action(report, 'defaulted.json');
    const p = a.cases[0]?.problems.find((x) => x.code === 'translation.default.used');
    expect(p).toMatchObject({
      output: 'openTickets',
      expression: '$.customer.openTickets',
      responseField: '$.customer.openTickets',
    });
  });

  it('fails a null output, naming the output and the path', () => {
    const a = action(report, 'null-output.json');
    const p = a.cases[0]?.problems.find((x) => x.code === 'translation.output.null' || x.code.startsWith('output'));
    expect(p?.message).toMatch(/fullName/);
  });

  it('reports an invalid cases file with its JSON path', () => {
    const a = action(report, 'bad-cases.json');
    expect(a.errors.map((e) => e.at.path)).toEqual(
      expect.arrayContaining(['$.cases[0].providerState', '$.cases[0].response']),
    );
  });

  it('reports a bad cxpact.json naming the field', () => {
    expect(report.errors.some((e) => e.at.path === '$.provider' && String(e.at.file).endsWith('cxpact.json'))).toBe(
      true,
    );
  });

  it('reports a JSONata syntax error', () => {
    const a = action(report, 'a.json');
    expect(a.ok).toBe(false);
    expect(a.errors[0]).toMatchObject({ code: 'translation.jsonata.syntax' });
    expect(String(a.errors[0]?.message)).not.toMatch(/\[object Object\]/);
    expect(String(a.errors[0]?.message)).toMatch(/position \d+: \S+/);
    expect(String(a.errors[0]?.at.file)).toMatch(/a\.jsonata$/);
    expect(a.errors[0]?.fix).toMatch(/JSONata/);
  });

  it('fails outputs that break the output schema, naming the action, case, output, path and response field', () => {
    const a = action(report, 'schema-break.json');
    expect(a.ok).toBe(false);
    const p = a.cases.find((c) => c.name === 'vip-customer')?.problems.find((x) => x.code === 'output.schema.invalid');
    expect(p).toMatchObject({
      output: 'customerId',
      expression: '$.customer.customerId',
      responseField: '$.customer.customerId',
    });
    expect(p?.message).toMatch(/customerId.*integer/);
    expect(a.name).toBe('CRM - Lookup Customer By Phone');
    // the failure case of that action passes on its own
    expect(a.cases.find((c) => c.kind === 'failure')?.ok).toBe(true);
  });

  it('names the pair from cxpact.json', async () => {
    const dir = tmpdir({
      'folder/cxpact.json': { provider: 'crm-v2', consumer: 'ivr-flows' },
      'folder/lookup.json': LOOKUP,
      'folder/lookup.cases.json': LOOKUP_CASES,
    });
    dirs.push(dir);
    const r = await runConsumerContracts({
      dataActionsDir: dir,
      pactsDir: path.join(dir, 'pacts'),
      engine: await defaultEngine(),
    });
    expect(r.ok).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'pacts'))).toEqual(['ivr-flows-crm-v2.json']);
    const pact = JSON.parse(fs.readFileSync(path.join(dir, 'pacts', 'ivr-flows-crm-v2.json'), 'utf8'));
    expect([pact.consumer.name, pact.provider.name]).toEqual(['ivr-flows', 'crm-v2']);
  });

  it('prints the report as JSON with --json, and explains an empty directory', async () => {
    const empty = tmpdir({});
    dirs.push(empty);
    const cli = io(empty);
    const code = await runCli(
      ['consumer', '--data-actions', empty, '--pacts', path.join(empty, 'pacts'), '--json'],
      cli,
    );
    expect(code).toBe(1);
    const json = JSON.parse(cli.out.join(''));
    expect(json.ok).toBe(false);
    expect(json.errors[0].code).toBe('layout.no-actions');
    expect(json.errors[0].fix).toMatch(/provider/);
  });

  it('prints every problem and exits 1 from the CLI', async () => {
    const dir = tmpdir({ 'crm/good.json': LOOKUP, 'crm/malformed.json': '{' });
    dirs.push(dir);
    const cli = io(dir);
    const code = await runCli(['consumer', '--data-actions', dir, '--pacts', path.join(dir, 'pacts')], cli);
    expect(code).toBe(1);
    const text = cli.out.join('');
    expect(text).toMatch(/FAIL crm :: malformed\.json/);
    expect(text).toMatch(/PASS crm :: CRM - Lookup Customer By Phone/);
  });
});
