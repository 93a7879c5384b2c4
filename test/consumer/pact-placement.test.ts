// What goes into a pact (issue 8): only what a provider can honour in its normal running. Derived failure and
// absent-field cases, and failure cases of a cases file without a provider state, are checked by the emulator and
// reported, never written; the report says where each case was checked. Plus the stable-pact rules (no
// " - Exported <date>" in descriptions, Content-Type matched by media type) and the errors that finish the job
// (did you mean, typed defaults, an absent-field case that tests nothing, `$esc.url(...).json`).
// Real Pact mock servers throughout (runConsumerContracts / runCli in-process).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts, type ConsumerReport } from '../../src/io/consumer-run';
import { lintAction } from '../../src/core/lint/registry';
import { parseDefinitionFile } from '../../src/core/data-action';
import { parsePact } from '../../src/core/recorded/pacts';
import { checkResponse } from '../../src/core/recorded/check';

const ROOT = path.resolve(__dirname, '..', '..');
const LOOKUP = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.json'), 'utf8'),
);
const VIP_BODY = {
  customer: {
    customerId: 'CUST-1001',
    fullName: 'Ada Lovelace',
    tier: 'VIP',
    openTickets: 2,
    flags: { blacklisted: false },
  },
};

const dirs: string[] = [];
afterAll(() =>
  dirs.forEach((d) => {
    fs.rmSync(d, { recursive: true, force: true });
  }),
);

function tmpdir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-placement-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function io(cwd: string): CliIO & { text: () => string } {
  const out: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd, text: () => out.join('') };
}

async function run(
  dir: string,
): Promise<{ report: ConsumerReport; pact: (provider: string) => { interactions: Array<Record<string, any>> } }> {
  const report = await runConsumerContracts({
    dataActionsDir: path.join(dir, 'data-actions'),
    pactsDir: path.join(dir, 'pacts'),
    engine: await defaultEngine(),
  });
  return {
    report,
    pact: (provider) =>
      JSON.parse(fs.readFileSync(path.join(dir, 'pacts', `genesys-data-actions-${provider}.json`), 'utf8')),
  };
}

describe('what goes into a pact', () => {
  it('writes file cases with an author-written state (failure included) and success cases without a state; a stateless failure case is emulator-only', async () => {
    const dir = tmpdir({
      'data-actions/crm/lookup.json': LOOKUP,
      'data-actions/crm/lookup.cases.json': {
        cases: [
          {
            name: 'plain',
            input: { phoneNumber: '+15551234567' },
            response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: VIP_BODY },
          },
          {
            name: 'not-found',
            kind: 'failure',
            providerState: 'no customer with phone +15550000000 exists',
            input: { phoneNumber: '+15550000000' },
            response: { status: 404 },
          },
          {
            name: 'crm-down',
            kind: 'failure',
            input: { phoneNumber: '+15551234567' },
            response: { status: 503, body: { message: 'down' } },
          },
          {
            name: 'no-count',
            kind: 'absent-field',
            absentField: 'openTickets',
            input: { phoneNumber: '+15551234567' },
            response: { status: 200, body: VIP_BODY },
          },
        ],
      },
    });
    const { report, pact } = await run(dir);
    expect(report.ok).toBe(true);
    const cases = report.actions[0]!.cases;
    expect(cases.map((c) => [c.name, c.checkedBy])).toEqual([
      ['plain', 'pact'],
      ['not-found', 'pact'],
      ['crm-down', 'emulator'],
      ['no-count', 'emulator'],
    ]);
    expect(cases.find((c) => c.name === 'crm-down')?.checkedByReason).toMatch(
      /a provider cannot be asked to fail without one/,
    );
    expect(report.totals).toMatchObject({ cases: 4, inPacts: 2, emulatorOnly: 2, passed: 4 });
    const written = pact('crm').interactions;
    expect(written.map((i) => i.description)).toEqual([
      'CRM - Lookup Customer By Phone / not-found: not-found',
      'CRM - Lookup Customer By Phone / plain: plain',
    ]);
    expect(written.find((i) => i.description.includes('plain'))?.providerStates ?? []).toEqual([]);
    expect(written.find((i) => i.description.includes('not-found'))?.providerStates).toEqual([
      { name: 'no customer with phone +15550000000 exists' },
    ]);
    expect(written.some((i) => i.response.status === 503)).toBe(false);
  });

  it('checks the derived failure and absent-field cases by the emulator (a broken default still fails) and says so in text and --json', async () => {
    const broken = structuredClone(LOOKUP);
    // The default for openTickets is not a number any more: the derived absent-field case must catch it offline.
    broken.config.response.translationMapDefaults.openTickets = '"none"';
    const dir = tmpdir({ 'data-actions/crm/ok.json': LOOKUP, 'data-actions/crm/broken.json': broken });
    const human = io(dir);
    expect(await runCli(['consumer'], human)).toBe(1);
    const text = human.text();
    expect(text).toMatch(
      /ok {3}derived-failure \[failure\] -> emulator only\n\s+\(derived failure case: a provider cannot be asked to fail/,
    );
    expect(text).toMatch(/FAIL derived-absent-openTickets \[absent-field\] -> emulator only/);
    expect(text).toMatch(
      /ok {3}derived-success \[success\] given "CRM - Lookup Customer By Phone: the backend returns a valid response" -> pact/,
    );
    const json = io(dir);
    await runCli(['consumer', '--json'], json);
    const report = JSON.parse(json.text()) as ConsumerReport;
    for (const a of report.actions) {
      expect(a.cases.map((c) => `${c.kind}:${c.checkedBy}`)).toEqual([
        'success:pact',
        'absent-field:emulator',
        'absent-field:emulator',
        'failure:emulator',
      ]);
      expect(a.cases.every((c) => typeof c.checkedByReason === 'string' && c.checkedByReason.length > 20)).toBe(true);
    }
    // Only the derived success of each action is in the pact (two actions of the same name: the slug tells them apart).
    const written = JSON.parse(
      fs.readFileSync(path.join(dir, 'pacts', 'genesys-data-actions-crm.json'), 'utf8'),
    ).interactions;
    expect(written).toHaveLength(2);
    expect(written.every((i: { response: { status: number } }) => i.response.status === 200)).toBe(true);
  });

  it('says "an older pact file was removed" only when there was one', async () => {
    const bad = structuredClone(LOOKUP);
    bad.contract.input.inputSchema.properties.phoneNumber.pattern = '^ZZZ$';
    const dir = tmpdir({ 'data-actions/crm/bad.json': bad });
    const first = io(dir);
    expect(await runCli(['consumer'], first)).toBe(1);
    expect(first.text()).toContain('pact: none written for genesys-data-actions -> crm (no passing interaction)\n');
    fs.mkdirSync(path.join(dir, 'pacts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pacts', 'genesys-data-actions-crm.json'), '{"old": true}');
    const second = io(dir);
    expect(await runCli(['consumer'], second)).toBe(1);
    expect(second.text()).toContain('(no passing interaction; an older pact file for the pair was removed)');
    expect(fs.existsSync(path.join(dir, 'pacts', 'genesys-data-actions-crm.json'))).toBe(false);
  });
});

describe('stable, portable pacts', () => {
  it('drops the UI export suffix from descriptions, so re-exporting an unchanged action writes the same pact', async () => {
    const exported = (when: string) => ({
      ...structuredClone(LOOKUP),
      name: `CRM - Lookup Customer By Phone - Exported ${when}`,
    });
    const a = tmpdir({ 'data-actions/crm/lookup.json': exported('2024-11-19 @ 14:32') });
    const b = tmpdir({ 'data-actions/crm/lookup.json': exported('2025-02-03 @ 9:05') });
    const ra = await run(a);
    const rb = await run(b);
    expect(ra.report.ok && rb.report.ok).toBe(true);
    const descriptions = ra.pact('crm').interactions.map((i) => i.description);
    expect(descriptions).toEqual([
      'CRM - Lookup Customer By Phone / derived-success: a CRM - Lookup Customer By Phone request',
    ]);
    expect(fs.readFileSync(path.join(a, 'pacts', 'genesys-data-actions-crm.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(b, 'pacts', 'genesys-data-actions-crm.json'), 'utf8'),
    );
  });

  it('matches a Content-Type with parameters from a cases file by its media type', async () => {
    const dir = tmpdir({
      'data-actions/crm/lookup.json': LOOKUP,
      'data-actions/crm/lookup.cases.json': {
        cases: [
          {
            name: 'charset',
            input: { phoneNumber: '+15551234567' },
            response: { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: VIP_BODY },
          },
        ],
      },
    });
    const { report, pact } = await run(dir);
    expect(report.ok).toBe(true);
    const response = pact('crm').interactions[0]!.response;
    expect(response.headers['Content-Type']).toEqual(['application/json; charset=utf-8']);
    const rule = response.matchingRules.header['Content-Type'].matchers[0];
    expect(rule.match).toBe('regex');
    for (const ok of ['application/json', 'application/json; charset=utf-8', 'application/json;charset=ISO-8859-1'])
      expect(new RegExp(rule.regex).test(ok)).toBe(true);
    for (const bad of ['text/html', 'application/jsonx', 'application/problem+json'])
      expect(new RegExp(rule.regex).test(bad)).toBe(false);
    // The recorded check (vendor APIs) honours the same matcher as the Verifier (proven with the real Verifier in
    // test/verify/honest-provider.test.ts).
    const interaction = parsePact(pact('crm'), 'pact').interactions[0]!;
    const recorded = (contentType: string) => [
      ...checkResponse(interaction.response, { status: 200, headers: { 'content-type': contentType }, body: VIP_BODY }),
    ];
    expect(recorded('application/json')).toEqual([]);
    expect(recorded('text/html').map((p) => p.code)).toContain('recorded.header.value-mismatch');
  });
});

describe('errors that finish the job', () => {
  it('fails an absent-field case whose field no response has (a typo in the path), with did-you-mean', async () => {
    const typo = structuredClone(LOOKUP);
    typo.config.response.translationMap.openTickets = '$.customer.openTicket';
    const dir = tmpdir({
      'data-actions/crm/typo.json': typo,
      'data-actions/crm/typo.cases.json': {
        cases: [
          {
            name: 'vip',
            providerState: 's',
            input: { phoneNumber: '+15551234567' },
            response: { status: 200, body: VIP_BODY },
            optional: ['openTickets'],
          },
          {
            name: 'no-count',
            kind: 'absent-field',
            absentField: 'openTickets',
            providerState: 's2',
            input: { phoneNumber: '+15551234567' },
            response: { status: 200, body: VIP_BODY },
          },
        ],
      },
    });
    const { report } = await run(dir);
    const noCount = report.actions[0]!.cases.find((c) => c.name === 'no-count')!;
    expect(noCount.ok).toBe(false);
    const problem = noCount.problems.find((p) => p.code === 'case.absent-field.never-present');
    expect(problem?.message).toContain('absentField "openTickets" reads $.customer.openTicket');
    expect(problem?.message).toContain('did you mean customer.openTickets?');
    expect(problem?.fix).toContain('$.customer.openTicket -> $.customer.openTickets');
    // the success case that opted out of the field passes: the typo only shows through the absent-field case
    expect(report.actions[0]!.cases.find((c) => c.name === 'vip')?.ok).toBe(true);
  });

  it('says "did you mean" for a path that resolves nowhere and types the suggested default from the output schema', async () => {
    const renamed = structuredClone(LOOKUP);
    delete renamed.config.response.translationMapDefaults.openTickets;
    const dir = tmpdir({
      'data-actions/crm/renamed.json': renamed,
      'data-actions/crm/renamed.cases.json': {
        cases: [
          {
            name: 'snake',
            providerState: 's',
            input: { phoneNumber: '+15551234567' },
            response: {
              status: 200,
              body: {
                customer: {
                  customerId: 'C',
                  fullName: 'F',
                  tier: 'VIP',
                  open_tickets: 3,
                  flags: { blacklisted: true },
                },
              },
            },
          },
        ],
      },
    });
    const { report } = await run(dir);
    const problem = report.actions[0]!.cases[0]!.problems.find((p) => p.code === 'translation.path.not-found');
    expect(problem?.message).toContain('did you mean customer.open_tickets?');
    expect(problem?.fix).toContain('"translationMapDefaults": { "openTickets": "0" }');
  });

  it('lints `$esc.url(${input.id}).json` as an error with the braced form as the fix, and `run` gives the same fix', async () => {
    const action = structuredClone(LOOKUP);
    action.config.request.requestUrlTemplate =
      'https://crm.example.com/api/v1/customers/$esc.url(${input.phoneNumber}).json';
    const dir = tmpdir({ 'data-actions/crm/dotted.json': action });
    const file = path.join(dir, 'data-actions/crm/dotted.json');
    const parsed = parseDefinitionFile(file, fs.readFileSync(file, 'utf8'));
    const findings = lintAction(parsed.actions[0]!);
    const finding = findings.find((f) => f.code === 'lint.template.dot-after-value');
    expect(finding).toMatchObject({ severity: 'error', at: { path: '$.config.request.requestUrlTemplate' } });
    expect(finding?.fix).toBe('End the reference before the dot: write ${esc.url(${input.phoneNumber})}.json.');
    // the fixed template has no such finding
    action.config.request.requestUrlTemplate =
      'https://crm.example.com/api/v1/customers/${esc.url(${input.phoneNumber})}.json';
    fs.writeFileSync(file, JSON.stringify(action));
    expect(
      lintAction(parseDefinitionFile(file, fs.readFileSync(file, 'utf8')).actions[0]!).some(
        (f) => f.code === 'lint.template.dot-after-value',
      ),
    ).toBe(false);
    action.config.request.requestUrlTemplate =
      'https://crm.example.com/api/v1/customers/$esc.url(${input.phoneNumber}).json';
    fs.writeFileSync(file, JSON.stringify(action));
    const out = io(dir);
    expect(await runCli(['run', file, '--input', '{"phoneNumber": "+15551234567"}'], out)).toBe(1);
    expect(out.text()).toContain(
      'fix: in requestUrlTemplate, Velocity reads ".json" in $esc.url(${input.phoneNumber}).json as a property of the value before it; end the reference before the dot: write ${esc.url(${input.phoneNumber})}.json',
    );
  });

  it('`run` takes inline JSON for --response, documents it, and says did-you-mean with a typed default', async () => {
    const renamed = structuredClone(LOOKUP);
    delete renamed.config.response.translationMapDefaults.openTickets;
    const dir = tmpdir({ 'data-actions/crm/renamed.json': renamed });
    const help = io(dir);
    await runCli(['run', '--help'], help);
    expect(help.text()).toContain('--response <json|file>');
    expect(help.text()).toContain(`--response '{"status": 200, "body": {"customer": {"customerId": "C-1"}}}'`);
    const out = io(dir);
    const response = JSON.stringify({
      status: 200,
      body: {
        customer: { customerId: 'C', fullName: 'F', tier: 'VIP', open_tickets: 3, flags: { blacklisted: true } },
      },
    });
    expect(
      await runCli(
        [
          'run',
          path.join(dir, 'data-actions/crm/renamed.json'),
          '--input',
          '{"phoneNumber": "+15551234567"}',
          '--response',
          response,
        ],
        out,
      ),
    ).toBe(1);
    expect(out.text()).toContain('Did you mean customer.open_tickets? ($.customer.open_tickets is in the response)');
    expect(out.text()).toContain(
      'fix: read $.customer.open_tickets in translationMap.openTickets, or add a default: "translationMapDefaults": { "openTickets": "0" }',
    );
  });
});
