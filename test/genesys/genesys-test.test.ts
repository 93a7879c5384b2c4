// genesys-test against the loopback Genesys-like API: the platform's TestExecutionResult (documented shape,
// section 5) compared with cxpact's emulation, drafts, 429 backoff, name mapping, audit log, no secret printed.
import fs from 'node:fs';
import path from 'node:path';
import type { TestExecutionResult } from '../../src/io/genesys-client/client';
import { startFakeGenesys, type FakeAction, type FakeGenesys, type TestCall } from './fake-genesys';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  cleanupTmpDirs,
  envFor,
  expectNoSecret,
  runCommand,
  sampleAction,
  tmpDir,
} from './helpers';

/** The backend's answer per phone number (what the platform's execute step received). */
const BACKEND: Record<string, { status: number; body: unknown }> = {
  '+15551234567': { status: 200, body: { id: 'CUST-1', tier: 'VIP', extra: true } },
  '+15550000000': { status: 200, body: { id: 'CUST-2' } },
  '+15559999999': { status: 404, body: { message: 'no such customer' } },
};

/**
 * What the platform reports for the sample action (hand-written from the documented shapes: numbered operations
 * with name/success/result/error, finalResult, success). `tamper` lets a test make the platform disagree.
 */
function platformAnswer(call: TestCall, tamper: { finalResult?: unknown; url?: string } = {}): TestExecutionResult {
  const phone = String(call.input['phone']);
  const url = tamper.url ?? `https://crm.example.com/customers?phone=${encodeURIComponent(phone).replace(/%20/g, '+')}`;
  const backend = BACKEND[phone] ?? { status: 500, body: {} };
  const operations: TestExecutionResult['operations'] = [
    { step: 1, name: 'Validate input against the input contract', success: true, result: call.input },
    { step: 2, name: 'Resolve request URL template', success: true, result: { url, method: 'GET' } },
  ];
  if (backend.status !== 200) {
    operations.push({
      step: 3,
      name: 'Execute request',
      success: false,
      result: { statusCode: backend.status, body: JSON.stringify(backend.body) },
      error: { message: `HTTP ${backend.status}`, code: 'bad.request', status: 400 },
    });
    return {
      operations,
      success: false,
      error: { message: `HTTP ${backend.status} from remote endpoint`, code: 'bad.request', status: 400 },
    };
  }
  const body = backend.body as Record<string, unknown>;
  const translation = { customerId: body['id'], tier: body['tier'] ?? 'basic' };
  operations.push(
    { step: 3, name: 'Execute request', success: true, result: { statusCode: 200, body: JSON.stringify(body) } },
    { step: 4, name: 'Resolve translation map', success: true, result: translation },
    { step: 5, name: 'Apply success template', success: true, result: translation },
    { step: 6, name: 'Validate output against the output contract', success: true, result: translation },
  );
  return { operations, success: true, finalResult: tamper.finalResult ?? translation };
}

function writeRepo(cwd: string, action: FakeAction, extra: Record<string, unknown> = {}, cases?: unknown): void {
  const dir = path.join(cwd, 'data-actions', 'crm');
  fs.mkdirSync(dir, { recursive: true });
  const slug = action.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  fs.writeFileSync(
    path.join(dir, `${slug}.json`),
    JSON.stringify(
      {
        name: action.name,
        integrationType: 'custom-rest-actions',
        actionType: 'custom',
        config: action.config,
        contract: action.contract,
        secure: false,
        ...extra,
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(dir, `${slug}.cases.json`),
    JSON.stringify(
      cases ?? {
        cases: [
          {
            name: 'vip',
            description: 'a VIP caller',
            providerState: 'a VIP customer exists',
            input: { phone: '+15551234567' },
            response: { status: 200, headers: {}, body: { id: 'CUST-1', tier: 'VIP' } },
          },
          {
            name: 'no-tier',
            description: 'a caller without tier',
            providerState: 'a customer without tier exists',
            input: { phone: '+15550000000' },
            response: { status: 200, headers: {}, body: { id: 'CUST-2' } },
          },
        ],
      },
    ),
  );
}

describe('cxpact genesys-test', () => {
  let fake: FakeGenesys | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  afterAll(() => cleanupTmpDirs());

  it('runs every case through /test, agrees with the emulation step by step, reports latency and writes an audit log', async () => {
    const action = sampleAction('act-1', 'Lookup Customer');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [action],
      testHandler: (call) => ({ body: platformAnswer(call), delayMs: 5 }),
    });
    const cwd = tmpDir('gtest');
    writeRepo(cwd, action, { id: 'act-1' });
    const run = await runCommand(['genesys-test', '--json', '--repeat', '2'], envFor(fake.url), cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      totals: Record<string, number>;
      actions: Array<{
        actionId: string;
        draft: boolean;
        latency: { median: number; p95: number; calls: number };
        cases: Array<{ case: string; fidelity: { compared: string[]; differences: unknown[] } }>;
      }>;
    };
    expect(report.totals).toEqual({
      actions: 1,
      cases: 4,
      agreed: 4,
      differing: 0,
      uncompared: 0,
      failedCalls: 0,
      skipped: 0,
    });
    const a = report.actions[0]!;
    expect(a.actionId).toBe('act-1');
    expect(a.draft).toBe(false);
    expect(a.latency.calls).toBe(4);
    expect(a.latency.median).toBeGreaterThan(0);
    expect(a.latency.p95).toBeGreaterThanOrEqual(a.latency.median);
    expect(a.cases[0]!.fidelity.compared).toEqual([
      'request',
      'execute',
      'translation',
      'template',
      'final',
      'outcome',
    ]);
    // No listing needed: the definition has the org id. The published endpoint was used.
    expect(fake.requests.filter((r) => r.url.startsWith('/api/v2/integrations/actions?'))).toEqual([]);
    expect(
      fake.requests.filter((r) => r.method === 'POST' && r.url === '/api/v2/integrations/actions/act-1/test'),
    ).toHaveLength(4);

    const audit = fs
      .readFileSync(path.join(cwd, 'reports', 'genesys-test-audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit[0]).toMatchObject({ event: 'start' });
    expect(
      audit.filter((e) => e['event'] === 'api' && e['path'] === '/api/v2/integrations/actions/act-1/test'),
    ).toHaveLength(4);
    expect(audit.filter((e) => e['event'] === 'case')).toHaveLength(4);
    expect(audit.find((e) => e['event'] === 'case')).toMatchObject({
      action: 'Lookup Customer',
      actionId: 'act-1',
      inputKeys: ['phone'],
      platformSuccess: true,
      cxpactSuccess: true,
      differences: [],
    });
    expect(audit.at(-1)).toMatchObject({ event: 'end', agreed: 4 });
    const auditText = JSON.stringify(audit);
    expectNoSecret(auditText);
    expect(auditText).not.toContain('fake-token');
    expect(auditText).not.toContain('+15551234567'); // input values stay out of the log
  });

  it("reports each difference with the step, the platform value and cxpact's value; exit 1", async () => {
    const action = sampleAction('act-1', 'Lookup Customer');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [action],
      testHandler: (call) => ({
        body: platformAnswer(
          call,
          call.input['phone'] === '+15550000000'
            ? {
                finalResult: { customerId: 'CUST-2', tier: null },
                url: 'https://crm.example.com/customers?phone=15550000000',
              }
            : {},
        ),
      }),
    });
    const cwd = tmpDir('gtest-diff');
    writeRepo(cwd, action, { id: 'act-1' });
    const run = await runCommand(['genesys-test'], envFor(fake.url), cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("1 agree with cxpact's emulation, 1 differ");
    expect(run.stdout).toContain(
      'case no-tier: request [step 2 (Resolve request URL template)] url: platform "https://crm.example.com/customers?phone=15550000000" vs cxpact "https://crm.example.com/customers?phone=%2B15550000000"',
    );
    expect(run.stdout).toContain(
      'case no-tier: final finalResult: platform {"customerId":"CUST-2","tier":null} vs cxpact {"customerId":"CUST-2","tier":"basic"}',
    );
    expectNoSecret(run.stdout + run.stderr);
  });

  it('agrees on the failure path: the backend answers 404, platform and cxpact both fail', async () => {
    const action = sampleAction('act-1', 'Lookup Customer');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [action],
      testHandler: (call) => ({ body: platformAnswer(call) }),
    });
    const cwd = tmpDir('gtest-fail');
    writeRepo(
      cwd,
      action,
      { id: 'act-1' },
      {
        cases: [
          {
            name: 'unknown',
            kind: 'failure',
            description: 'unknown caller',
            providerState: 'no customer',
            input: { phone: '+15559999999' },
            response: { status: 404, headers: {}, body: {} },
          },
        ],
      },
    );
    const run = await runCommand(['genesys-test', '--json'], envFor(fake.url), cwd);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      actions: Array<{
        cases: Array<{
          fidelity: { platformSuccess: boolean; cxpactSuccess: boolean; differences: unknown[]; platformError: string };
        }>;
      }>;
    };
    expect(report.actions[0]!.cases[0]!.fidelity).toMatchObject({
      platformSuccess: false,
      cxpactSuccess: false,
      differences: [],
      platformError: 'step 3 (Execute request): HTTP 404',
    });
  });

  it('uses /draft/test for a definition marked "draft": true, maps by name when there is no id, and retries 429s', async () => {
    const action = sampleAction('act-9', 'Lookup Customer - Exported 2024-11-19 @ 14:32');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [{ ...action, name: 'Lookup Customer' }, sampleAction('other', 'Other')],
      rateLimitTests: { count: 1, retryAfter: '0' },
      testHandler: (call) => ({ body: platformAnswer(call) }),
    });
    const cwd = tmpDir('gtest-draft');
    writeRepo(cwd, action, { draft: true });
    const run = await runCommand(['genesys-test', '--only', 'Lookup Customer'], envFor(fake.url), cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[act-9, draft]: 2 case run(s)');
    expect(fake.requests.filter((r) => r.url === '/api/v2/integrations/actions/act-9/draft/test')).toHaveLength(3); // one 429 + two cases
    const audit = fs.readFileSync(path.join(cwd, 'reports', 'genesys-test-audit.jsonl'), 'utf8');
    expect(audit).toContain('"status":429');
    expect(audit).toContain('"retry":"429"');
  });

  it('an action missing from the org is reported; one without cases runs with derived inputs; the others still run', async () => {
    const known = sampleAction('act-1', 'Lookup Customer');
    const noCases = sampleAction('act-2', 'No Cases');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [known, noCases],
      testHandler: (call) => ({ body: platformAnswer(call) }),
    });
    const cwd = tmpDir('gtest-missing');
    writeRepo(cwd, known);
    writeRepo(cwd, sampleAction('zzz', 'Not Deployed'));
    const dir = path.join(cwd, 'data-actions', 'crm');
    fs.writeFileSync(
      path.join(dir, 'no-cases.json'),
      JSON.stringify({ name: noCases.name, config: noCases.config, contract: noCases.contract }),
    );
    const run = await runCommand(['genesys-test'], envFor(fake.url), cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✓ Lookup Customer [act-1]: 2 case run(s)');
    expect(run.stdout).toContain(
      '✗ Not Deployed (data-actions/crm/not-deployed.json): Data Action "Not Deployed" is not in the org',
    );
    // No cases file: one run with inputs derived from the input contract (as pact:consumer derives them).
    expect(run.stdout).toContain(
      '✓ No Cases [act-2]: 1 case run(s) (inputs derived from the input contract: no cases file)',
    );
    const calls = fake.requests.filter((r) => r.url === '/api/v2/integrations/actions/act-2/test');
    expect(calls.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ phone: '+15551234567' }]);
    const audit = fs
      .readFileSync(path.join(cwd, 'reports', 'genesys-test-audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.find((e) => e['event'] === 'case' && e['actionId'] === 'act-2')).toMatchObject({
      case: 'derived-input',
      casesSource: 'derived',
      differences: [],
    });
    expect(audit.find((e) => e['event'] === 'case' && e['actionId'] === 'act-1')).toMatchObject({
      casesSource: 'file',
    });
  });

  it('--draft sends every action to /draft/test; without it a published definition uses /test', async () => {
    const action = sampleAction('act-1', 'Lookup Customer');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [action],
      testHandler: (call) => ({ body: platformAnswer(call) }),
    });
    const cwd = tmpDir('gtest-draftflag');
    writeRepo(cwd, action, { id: 'act-1' });
    const draft = await runCommand(['genesys-test', '--draft'], envFor(fake.url), cwd);
    expect(draft.code).toBe(0);
    expect(draft.stdout).toContain('[act-1, draft]: 2 case run(s)');
    const published = await runCommand(['genesys-test'], envFor(fake.url), cwd);
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('[act-1]: 2 case run(s)');
    const tests = fake.requests.filter((r) => r.url.endsWith('/test')).map((r) => r.url);
    expect(tests).toEqual([
      '/api/v2/integrations/actions/act-1/draft/test',
      '/api/v2/integrations/actions/act-1/draft/test',
      '/api/v2/integrations/actions/act-1/test',
      '/api/v2/integrations/actions/act-1/test',
    ]);
  });

  it('a platform answer without any comparable step is not counted as agreement; exit 1', async () => {
    const action = sampleAction('act-1', 'Lookup Customer');
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [action],
      testHandler: () => ({ body: { operations: [], success: true, finalResult: { customerId: 'X', tier: 'basic' } } }),
    });
    const cwd = tmpDir('gtest-uncompared');
    writeRepo(cwd, action);
    const run = await runCommand(['genesys-test', '--json'], envFor(fake.url), cwd);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { totals: unknown }).totals).toEqual({
      actions: 1,
      cases: 2,
      agreed: 0,
      differing: 0,
      uncompared: 2,
      failedCalls: 0,
      skipped: 0,
    });
    const text = await runCommand(['genesys-test'], envFor(fake.url), cwd);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("0 agree with cxpact's emulation, 0 differ, 2 not comparable");
    expect(text.stdout).toContain(
      "case vip: not comparable: the platform's answer (success) has no request or execute step cxpact can check",
    );
  });

  it('a write action (POST) without cases is skipped with the reason unless --derive-writes', async () => {
    const create = sampleAction('act-3', 'Create Note', {
      requestType: 'POST',
      requestUrlTemplate: 'https://crm.example.com/notes',
      headers: { 'Content-Type': 'application/json' },
    });
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [create],
      testHandler: (call) => ({ body: platformAnswer(call) }),
    });
    const cwd = tmpDir('gtest-write');
    const dir = path.join(cwd, 'data-actions', 'crm');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'create-note.json'),
      JSON.stringify({ name: create.name, config: create.config, contract: create.contract }),
    );
    const skipped = await runCommand(['genesys-test'], envFor(fake.url), cwd);
    expect(skipped.stdout).toContain(
      '- Create Note (data-actions/crm/create-note.json): skipped, no cases file (create-note.cases.json), and derived inputs are not sent to a POST action',
    );
    expect(skipped.stdout).toContain('pass --derive-writes');
    expect(fake.requests.filter((r) => r.url.endsWith('/test'))).toHaveLength(0);
    const derived = await runCommand(['genesys-test', '--derive-writes'], envFor(fake.url), cwd);
    expect(derived.stdout).toContain(
      'Create Note [act-3]: 1 case run(s) (inputs derived from the input contract: no cases file)',
    );
    expect(
      fake.requests
        .filter((r) => r.url === '/api/v2/integrations/actions/act-3/test')
        .map((r) => JSON.parse(r.body) as unknown),
    ).toEqual([{ phone: '+15551234567' }]);
    expectNoSecret(skipped.stdout + skipped.stderr + derived.stdout + derived.stderr);
  });

  describe('bad input: clear message, non-zero exit, no secret printed', () => {
    it('unknown region', async () => {
      const run = await runCommand(
        ['genesys-test', '--region', 'xx-nowhere-1'],
        { GENESYS_CLOUD_CLIENT_ID: CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET },
        tmpDir('gt-region'),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Unknown Genesys Cloud region "xx-nowhere-1"');
      expect(run.stderr).toContain('at --region');
      expectNoSecret(run.stdout + run.stderr);
      // From the environment, the message names the variable.
      const env = await runCommand(
        ['genesys-test'],
        {
          GENESYS_CLOUD_REGION: 'xx-nowhere-1',
          GENESYS_CLOUD_CLIENT_ID: CLIENT_ID,
          GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET,
        },
        tmpDir('gt-region-env'),
      );
      expect(env.code).toBe(2);
      expect(env.stderr).toContain('at GENESYS_CLOUD_REGION');
    });

    it('--max-retries below 0 is a usage error (exit 2)', async () => {
      const run = await runCommand(
        ['genesys-test', '--region', 'eu-west-1', '--max-retries=-1'],
        { GENESYS_CLOUD_CLIENT_ID: CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET },
        tmpDir('gt-flag'),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--max-retries must be an integer >= 0, got "-1"');
    });

    it('bad credentials', async () => {
      const action = sampleAction('act-1', 'Lookup Customer');
      fake = await startFakeGenesys({
        clientId: CLIENT_ID,
        clientSecret: 'other-secret',
        actions: [action],
        echoInErrors: CLIENT_SECRET,
      });
      const cwd = tmpDir('gt-creds');
      writeRepo(cwd, action, { id: 'act-1' });
      const run = await runCommand(['genesys-test'], envFor(fake.url), cwd);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('rejected the OAuth client credentials');
      expectNoSecret(
        run.stdout + run.stderr + fs.readFileSync(path.join(cwd, 'reports', 'genesys-test-audit.jsonl'), 'utf8'),
      );
    });

    it('missing scopes (403) on the test endpoint', async () => {
      const action = sampleAction('act-1', 'Lookup Customer');
      fake = await startFakeGenesys({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        actions: [action],
        forbidden: true,
        echoInErrors: CLIENT_SECRET,
      });
      const cwd = tmpDir('gt-403');
      writeRepo(cwd, action, { id: 'act-1' });
      const run = await runCommand(['genesys-test'], envFor(fake.url), cwd);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('HTTP 403');
      expect(run.stderr).toContain('integrations:action:execute');
      expectNoSecret(run.stdout + run.stderr);
    });
  });
});
