// `cxpact record` and `cxpact check-recorded` end to end in-process, against a real loopback server playing the
// Genesys Cloud login host and Public API (and a vendor CRM). No mocked HTTP clients.
import fs from 'node:fs';
import path from 'node:path';
import { cli } from '../verify/cli-io';
import { CLIENT_ID, CLIENT_SECRET, CRM_API_KEY, startFakeApis, type FakeApis } from './fake-apis';
import { crmTestConfig, deadPort, genesysTestConfig, makeWorkspace, type Workspace } from './helpers';

const GENESYS_PACT = 'genesys-data-actions-genesys-cloud-api.json';
const CRM_PACT = 'genesys-data-actions-vendor-crm.json';

let fake: FakeApis;
let ws: Workspace;

beforeEach(async () => {
  fake = await startFakeApis();
});

afterEach(async () => {
  await fake.close();
  ws?.cleanup();
});

function genesysEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { GENESYS_CLOUD_CLIENT_ID: CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET, ...extra };
}

function recordGenesys(extraArgs: string[] = [], env = genesysEnv()) {
  return cli(
    [
      'record',
      '--provider',
      'genesys-cloud-api',
      '--providers-dir',
      ws.providersDir,
      '--pacts',
      ws.pactsDir,
      '--base-url',
      fake.url,
      '--login-url',
      fake.url,
      ...extraArgs,
    ],
    env,
  );
}

function checkGenesys(extraArgs: string[] = []) {
  return cli([
    'check-recorded',
    '--provider',
    'genesys-cloud-api',
    '--providers-dir',
    ws.providersDir,
    '--pacts',
    ws.pactsDir,
    ...extraArgs,
  ]);
}

describe('record -> redacted recordings -> check passes', () => {
  test('records every interaction with OAuth, redacts secrets and PII, and the check passes', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const rec = await recordGenesys();
    expect(rec.stderr).toContain('✓');
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('Recorded 2 of 2 interaction(s) of genesys-cloud-api');
    expect(fake.logins).toBe(1);
    // every API request carried a bearer token from the login host
    expect(fake.requests.every((r) => /^Bearer tok-/.test(r.authorization ?? ''))).toBe(true);

    const files = ws.recordingFiles('genesys-cloud-api');
    expect(files).toHaveLength(2);
    const everything = files.map((f) => f.text).join('\n') + rec.stdout + rec.stderr;
    for (const secret of [
      CLIENT_SECRET,
      ...fake.tokens,
      'cookie-secret-abc123',
      'agent.smith@example.com',
      'c0ffee00-1111',
    ]) {
      expect(everything).not.toContain(secret);
    }
    const ok = files.map((f) => JSON.parse(f.text) as Record<string, any>).find((r) => r.response.status === 200)!;
    expect(ok.interaction.description).toBe(
      'Get Queue Estimated Wait Time / queue-with-estimate: a request for the estimated wait time of the support queue',
    );
    expect(ok.request).toMatchObject({
      method: 'GET',
      path: '/api/v2/routing/queues/6f1d2a4e-3b7c-4d8e-9f10-1a2b3c4d5e6f/mediatypes/call/estimatedwaittime',
    });
    expect(ok.request.headers.authorization).toBe('[REDACTED]');
    expect(ok.response.headers['set-cookie']).toBe('[REDACTED]');
    expect(ok.response.headers['inin-correlation-id']).toBe('[REDACTED]');
    expect(ok.response.body.debug).toBe('[REDACTED]');
    expect(ok.response.body.results[0].estimatedWaitTimeSeconds).toBe(42);
    expect(Date.parse(ok.recordedAt)).toBeGreaterThan(Date.now() - 60_000);

    const check = await checkGenesys();
    expect(check.stdout).toContain('2 of 2 interaction(s) match their recordings');
    expect(check.code).toBe(0);
    const json = await checkGenesys(['--json']);
    const doc = JSON.parse(json.stdout) as { passed: boolean; providerVersion: string; findings: unknown[] };
    expect(doc.passed).toBe(true);
    expect(doc.providerVersion).toMatch(/^rec-[0-9a-f]{16}$/);
    expect(doc.findings).toEqual([]);
  });

  test('stays under the rate limit (request starts at least 1/rate apart)', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: { 'genesys-cloud-api': genesysTestConfig({ rateLimit: { requestsPerSecond: 4 } }) },
    });
    const rec = await recordGenesys();
    expect(rec.code).toBe(0);
    const [a, b] = fake.requests.map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(200);
  });
});

describe('faults while recording', () => {
  test('a 429 storm with Retry-After and a 5xx are retried with backoff; progress shows each retry', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: {
        'genesys-cloud-api': genesysTestConfig({
          concurrency: 1,
          retry: { maxRetries: 4, baseDelayMs: 10, maxDelayMs: 2000 },
        }),
      },
    });
    fake.storm(3, '1');
    const origFail = fake.failNext.bind(fake);
    origFail(0, 503);
    const rec = await recordGenesys();
    expect(rec.code).toBe(0);
    expect(rec.stderr).toMatch(/HTTP 429, retry 1\/4 in 1\.0 s \(Retry-After\)/);
    expect(rec.stderr).toMatch(/HTTP 429, retry 2\/4/);
    expect(rec.stderr).toMatch(/after 4 attempts/);
    // Retry-After: 1 was honoured between the first and the second attempt
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(900);
    expect(ws.recordingFiles('genesys-cloud-api')).toHaveLength(2);
  });

  test('a 5xx is retried, and a provider that keeps failing is reported, never skipped (exit 1)', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: {
        'genesys-cloud-api': genesysTestConfig({
          concurrency: 1,
          retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 },
        }),
      },
    });
    fake.failNext(100, 503);
    const rec = await recordGenesys();
    expect(rec.code).toBe(1);
    expect(rec.stdout).toContain('Recorded 0 of 2 interaction(s)');
    expect(rec.stdout).toContain('gave up after 3 attempt(s): HTTP 503');
    expect(rec.stdout).toMatch(/2 interaction\(s\) were not recorded/);
    expect(ws.recordingFiles('genesys-cloud-api')).toHaveLength(0);
  });

  test('a 429 storm that outlasts the retries: each interaction is reported as not recorded with the rerun command (exit 1)', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: {
        'genesys-cloud-api': genesysTestConfig({
          concurrency: 1,
          retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 },
        }),
      },
    });
    fake.storm(1000, '0');
    const rec = await recordGenesys();
    expect(rec.code).toBe(1);
    expect(rec.stderr).toMatch(/HTTP 429, retry 1\/2/);
    expect(rec.stdout).toContain('Recorded 0 of 2 interaction(s)');
    expect(rec.stdout).toContain('gave up after 3 attempt(s): HTTP 429');
    expect(rec.stdout).toContain(
      '2 interaction(s) were not recorded; fix the cause and rerun `npm run pact:record -- --provider genesys-cloud-api`',
    );
    expect(fake.requests).toHaveLength(6);
    expect(ws.recordingFiles('genesys-cloud-api')).toHaveLength(0);
  });

  test('a token revoked mid-run: the 401 forces one refresh and the request is retried once', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: { 'genesys-cloud-api': genesysTestConfig({ concurrency: 1, rateLimit: { requestsPerSecond: 5 } }) },
    });
    const timer = setInterval(() => {
      if (fake.requests.length >= 1 && fake.logins === 1) fake.revokeAll();
    }, 5);
    const rec = await recordGenesys();
    clearInterval(timer);
    expect(rec.code).toBe(0);
    expect(rec.stderr).toContain('HTTP 401, token refreshed, retrying once');
    expect(fake.logins).toBe(2);
    expect(ws.recordingFiles('genesys-cloud-api')).toHaveLength(2);
  });

  test('expiring tokens are refreshed before they expire (no 401 needed)', async () => {
    ws = makeWorkspace({
      pacts: [GENESYS_PACT],
      configs: { 'genesys-cloud-api': genesysTestConfig({ concurrency: 1, rateLimit: { requestsPerSecond: 1 } }) },
    });
    fake.expiresIn = 1; // refresh window: the last 100 ms of a 1 s token
    const rec = await recordGenesys();
    expect(rec.code).toBe(0);
    expect(fake.logins).toBe(2);
    expect(rec.stderr).not.toContain('HTTP 401');
    const [a, b] = fake.requests.map((r) => r.authorization);
    expect(a).not.toBe(b);
  });

  test('unreachable provider: exit 2 with the URL and what to check', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const port = await deadPort();
    const rec = await cli(
      [
        'record',
        '--provider',
        'genesys-cloud-api',
        '--providers-dir',
        ws.providersDir,
        '--pacts',
        ws.pactsDir,
        '--base-url',
        `http://127.0.0.1:${port}`,
        '--login-url',
        fake.url,
      ],
      genesysEnv(),
    );
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(`Cannot reach the provider at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(rec.stderr).toContain('fix:');
  });

  test('bad credentials: exit 2, the login host named, the secret never printed', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const wrong = 'wrong-secret-value-123456';
    const rec = await recordGenesys([], genesysEnv({ GENESYS_CLOUD_CLIENT_SECRET: wrong }));
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(
      `The login host ${fake.url} rejected the OAuth client credentials (HTTP 401: invalid_client)`,
    );
    expect(rec.stderr).toContain('GENESYS_CLOUD_CLIENT_SECRET');
    expect(rec.stdout + rec.stderr).not.toContain(wrong);
    expect(fake.requests).toHaveLength(0);
  });

  test('missing credentials: exit 1 naming the variables and the config file', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const rec = await recordGenesys([], { GENESYS_CLOUD_CLIENT_ID: CLIENT_ID });
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('needs the environment variable(s) GENESYS_CLOUD_CLIENT_SECRET');
    expect(rec.stderr).toContain('record.config.json $.auth');
  });

  test('the API and login hosts can come from the environment (GENESYS_CLOUD_API_BASE_URL / _LOGIN_BASE_URL)', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const rec = await cli(
      ['record', '--provider', 'genesys-cloud-api', '--providers-dir', ws.providersDir, '--pacts', ws.pactsDir],
      genesysEnv({
        GENESYS_CLOUD_API_BASE_URL: fake.url,
        GENESYS_CLOUD_LOGIN_BASE_URL: fake.url,
        GENESYS_CLOUD_REGION: 'mypurecloud.ie',
      }),
    );
    expect(rec.code).toBe(0);
    expect(fake.logins).toBe(1);
    const bad = await cli(
      ['record', '--provider', 'genesys-cloud-api', '--providers-dir', ws.providersDir, '--pacts', ws.pactsDir],
      genesysEnv({ GENESYS_CLOUD_API_BASE_URL: 'not a url' }),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GENESYS_CLOUD_API_BASE_URL "not a url" is not an absolute URL');
  });

  test('unknown region: exit 1 listing the known regions', async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const rec = await cli(
      ['record', '--provider', 'genesys-cloud-api', '--providers-dir', ws.providersDir, '--pacts', ws.pactsDir],
      genesysEnv({ GENESYS_CLOUD_REGION: 'mars.pure.cloud' }),
    );
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('Unknown Genesys Cloud region "mars.pure.cloud"');
    expect(rec.stderr).toContain('mypurecloud.ie (eu-west-1)');
    expect(rec.stderr).toContain('euw2.pure.cloud (eu-west-2)');
    expect(rec.stderr).toContain('record.config.json GENESYS_CLOUD_REGION');
  });

  test('a pact with no interactions: record and check both say so and fail', async () => {
    ws = makeWorkspace({ pacts: [], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const doc = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/pacts', GENESYS_PACT), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(path.join(ws.pactsDir, GENESYS_PACT), JSON.stringify({ ...doc, interactions: [] }));
    const rec = await recordGenesys();
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('has no HTTP interactions: nothing to record for it');
    const check = await checkGenesys();
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('empty pact');
    expect(check.stdout).toContain('has no HTTP interactions, so there is nothing to check');
  });

  test('no pacts at all for the provider: exit 1 naming the pacts dir and the fix', async () => {
    ws = makeWorkspace({ pacts: [CRM_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    const check = await checkGenesys();
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('No pact for provider genesys-cloud-api');
    expect(check.stderr).toContain('Pacts there are for: vendor-crm');
  });
});

describe('check-recorded findings', () => {
  beforeEach(async () => {
    ws = makeWorkspace({ pacts: [GENESYS_PACT], configs: { 'genesys-cloud-api': genesysTestConfig() } });
    expect((await recordGenesys()).code).toBe(0);
  });

  test('stale recordings fail with how to refresh them', async () => {
    const file = ws.recordingFiles('genesys-cloud-api')[0]!.file;
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as { recordedAt: string };
    rec.recordedAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    fs.writeFileSync(file, JSON.stringify(rec));
    const check = await checkGenesys();
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/recordedAt: the recording is 40 day\(s\) old .* older than 30 day\(s\)/);
    expect(check.stdout).toContain('fix: Refresh the recordings: npm run pact:record -- --provider genesys-cloud-api');
    const fresh = await checkGenesys(['--max-age-days', '60']);
    expect(fresh.code).toBe(0);
  });

  test('a recording that matches no interaction, and an interaction without a recording, are findings', async () => {
    const [first, second] = ws.recordingFiles('genesys-cloud-api');
    fs.copyFileSync(first!.file, path.join(path.dirname(first!.file), 'an-old-interaction--0000beef.json'));
    fs.rmSync(second!.file);
    const check = await checkGenesys(['--json']);
    expect(check.code).toBe(1);
    const doc = JSON.parse(check.stdout) as { findings: Array<{ code: string; file?: string; message: string }> };
    const codes = doc.findings.map((f) => f.code).sort();
    expect(codes).toEqual(['recorded.missing', 'recorded.unmatched']);
    expect(doc.findings.find((f) => f.code === 'recorded.unmatched')!.file).toContain(
      'an-old-interaction--0000beef.json',
    );
    // --prune re-records and removes what matches no interaction
    const pruned = await recordGenesys(['--prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/removed .*an-old-interaction--0000beef\.json/);
    expect((await checkGenesys()).code).toBe(0);
  });

  test('a broken recording file is reported without hiding the other findings', async () => {
    const [first] = ws.recordingFiles('genesys-cloud-api');
    fs.writeFileSync(first!.file, '{ not json');
    const check = await checkGenesys(['--json']);
    expect(check.code).toBe(1);
    const codes = (JSON.parse(check.stdout) as { findings: Array<{ code: string }> }).findings
      .map((f) => f.code)
      .sort();
    expect(codes).toEqual(['recorded.missing', 'recorded.recording.malformed']);
  });

  test('--junit writes a report GitLab can read', async () => {
    const out = path.join(ws.root, 'reports', 'recorded.xml');
    const check = await checkGenesys(['--junit', out]);
    expect(check.code).toBe(0);
    const xml = fs.readFileSync(out, 'utf8');
    expect(xml).toContain('<testsuites');
    expect(xml).toContain('queue-with-estimate');
    expect(xml).toContain('failures="0"');
  });
});

describe('a vendor renames customerId to customer_id', () => {
  test('the matching set passes; after the rename the check fails with the hint and the fingerprint changes', async () => {
    ws = makeWorkspace({ pacts: [CRM_PACT], configs: { 'vendor-crm': crmTestConfig() } });
    const env = { VENDOR_CRM_BASE_URL: fake.url, VENDOR_CRM_API_KEY: CRM_API_KEY };
    const args = ['--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--pacts', ws.pactsDir];
    const rec = await cli(['record', ...args], env);
    expect(rec.code).toBe(0);
    const files = ws.recordingFiles('vendor-crm');
    expect(files).toHaveLength(2);
    const all = files.map((f) => f.text).join('\n');
    expect(all).not.toContain(CRM_API_KEY);
    expect(all).not.toContain('ada@example.com');
    const pass = await cli(['check-recorded', ...args, '--json']);
    expect(pass.code).toBe(0);
    const before = (JSON.parse(pass.stdout) as { providerVersion: string }).providerVersion;

    fake.renamed = true;
    expect((await cli(['record', ...args], env)).code).toBe(0);
    const fail = await cli(['check-recorded', ...args]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('✗ genesys-data-actions: "Lookup Customer By Phone / known-caller: a known caller"');
    expect(fail.stdout).toContain(
      '$.customerId: expected field $.customerId is missing; the recorded response has $.customer_id (renamed?)',
    );
    expect(fail.stdout).toContain('hint: The vendor seems to have renamed "customerId" to "customer_id"');
    expect(fail.stdout).toContain('0 of 2 interaction(s) match their recordings, 2 failed');
    const after = (JSON.parse((await cli(['check-recorded', ...args, '--json'])).stdout) as { providerVersion: string })
      .providerVersion;
    expect(after).not.toBe(before);
  });

  test('an unfilled {{credentials.X}} placeholder is reported per interaction with the config field to add', async () => {
    ws = makeWorkspace({
      pacts: [CRM_PACT],
      configs: { 'vendor-crm': crmTestConfig({ auth: { kind: 'none' }, credentials: {} }) },
    });
    const rec = await cli(
      ['record', '--provider', 'vendor-crm', '--providers-dir', ws.providersDir, '--pacts', ws.pactsDir],
      { VENDOR_CRM_BASE_URL: fake.url },
    );
    expect(rec.code).toBe(1);
    expect(rec.stdout).toContain('uses {{credentials.apiKey}}, which the record config cannot fill');
    expect(fake.requests).toHaveLength(0);
  });
});
