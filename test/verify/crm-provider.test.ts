// The example CRM provider verified with the real pact-js Verifier through `cxpact verify`:
// the honest provider passes, the variant that renames customerId fails with a hint naming both fields.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCrmApi, type RunningCrmApi } from '../../providers/crm-customer-api/app';
import { cli, REPO_ROOT } from './cli-io';
import { checkProviderReachable, unreachableProviderFix } from '../../src/io/verifier/run';
import { CxpactError } from '../../src/core/errors';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/pacts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-verify-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cxpact verify against the example CRM provider', () => {
  let api: RunningCrmApi;
  afterEach(async () => api?.close());

  it('verifies the provider that honours the contract and writes a passing JUnit report', async () => {
    api = await startCrmApi();
    const junit = path.join(tmp, 'ok.xml');
    const run = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      api.url,
      '--pact-files',
      FIXTURES,
      '--junit',
      junit,
    ]);
    expect(run.stderr).not.toContain('✗');
    expect(run.stdout).toContain('7 of 7 interaction(s) passed.');
    expect(run.code).toBe(0);
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="7" failures="0"');
  });

  it('fails the variant that renames customerId to customer_id, naming the missing field and the renamed one', async () => {
    api = await startCrmApi({ renameCustomerId: true });
    const junit = path.join(tmp, 'renamed.xml');
    const run = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      api.url,
      '--pact-files',
      FIXTURES,
      '--junit',
      junit,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'body $.customer: expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
    );
    expect(run.stderr).toContain(
      '✗ genesys-data-actions -> crm-customer-api: "CRM - Lookup Customer By Phone: a lookup of a known VIP caller"',
    );
    // Only the two lookups read the customer's customerId: tickets, cases, accounts and the 404 still pass.
    expect(run.stderr).toContain('5 of 7 interaction(s) passed, 2 failed');
    expect(fs.readFileSync(junit, 'utf8')).toContain('failures="2"');
  });

  it('injects credentials from env per request (401 without them, pass with them) and never prints the secret', async () => {
    const secret = 's3cr3t-token-value';
    api = await startCrmApi({ token: secret });
    const without = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      api.url,
      '--pact-files',
      FIXTURES,
    ]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('CRM_API_TOKEN is not set');
    const withToken = await cli(
      ['verify', '--provider', 'crm-customer-api', '--provider-base-url', api.url, '--pact-files', FIXTURES],
      { CRM_API_TOKEN: secret },
    );
    expect(withToken.code).toBe(0);
    expect(withToken.stdout + withToken.stderr).not.toContain(secret);
  });

  it('honours the pacts `cxpact consumer` generates from data-actions/ today, and the renamed variant breaks them', async () => {
    const pacts = path.join(tmp, 'generated');
    const consumer = await cli(['consumer', '--pacts', pacts]);
    expect(consumer.code).toBe(0);
    api = await startCrmApi();
    const ok = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      api.url,
      '--pact-files',
      pacts,
    ]);
    expect(ok.stderr).not.toContain('✗');
    expect(ok.stdout).toMatch(/(\d+) of \1 interaction\(s\) passed\./);
    expect(ok.code).toBe(0);
    await api.close();
    api = await startCrmApi({ renameCustomerId: true });
    const broken = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      api.url,
      '--pact-files',
      pacts,
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      'expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
    );
    // Each failure points back at the Data Action and the case it came from.
    expect(broken.stderr).toContain(
      'cxpact: generated from data-actions/crm-customer-api/lookup-customer-by-phone.json',
    );
    expect(broken.stderr).toMatch(
      /cxpact case: data-actions\/crm-customer-api\/lookup-customer-by-phone\.cases\.json \$\.cases\[\d\]/,
    );
  });

  it('uses PROVIDER_BASE_URL when no flag is given', async () => {
    api = await startCrmApi();
    const run = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--pact-files',
        path.join(FIXTURES, 'genesys-data-actions-crm-customer-api.json'),
      ],
      {
        PROVIDER_BASE_URL: api.url,
      },
    );
    expect(run.stdout).toContain(`Verifying crm-customer-api at ${api.url}`);
    expect(run.code).toBe(0);
  });
});

describe('cxpact verify: bad input and faults', () => {
  it('rejects a pact with no interactions, naming the file and the fix', async () => {
    const api = await startCrmApi();
    try {
      const run = await cli([
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        api.url,
        '--pact-files',
        path.join(FIXTURES, 'empty'),
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('has no interactions, so verifying it would prove nothing');
      expect(run.stderr).toContain('empty/genesys-data-actions-crm-customer-api.json');
      expect(run.stderr).toContain('npm run pact:consumer');
    } finally {
      await api.close();
    }
  });

  it('a broken pact file in the directory is reported without hiding the verification of the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-verify-mixed-'));
    fs.copyFileSync(path.join(FIXTURES, 'genesys-data-actions-crm-customer-api.json'), path.join(dir, 'good.json'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"consumer": {"name": "x"}, ');
    const api = await startCrmApi();
    try {
      const run = await cli([
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        api.url,
        '--pact-files',
        dir,
      ]);
      expect(run.stdout).toContain('7 of 7 interaction(s) passed.');
      expect(run.stderr).toContain(`Cannot read pact file ${path.join(dir, 'broken.json')}`);
      expect(run.stderr).toContain('1 pact file(s) were skipped');
      expect(run.code).toBe(1);
    } finally {
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the known providers for an unknown provider name', async () => {
    const run = await cli(['verify', '--provider', 'crm-customr-api', '--pact-files', FIXTURES]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unknown provider "crm-customr-api"');
    expect(run.stderr).toMatch(/known providers: .*crm-customer-api/);
  });

  it('points a third-party provider (record config only) at the recorded checks', async () => {
    const cwd = fs.mkdtempSync(path.join(tmp, 'third-'));
    fs.mkdirSync(path.join(cwd, 'providers/vendor-x'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'providers/vendor-x/record.config.json'), '{}');
    const run = await cli(['verify', '--provider', 'vendor-x', '--pact-files', FIXTURES], {}, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('vendor-x is a third-party provider');
    // The temp cwd has no package.json with cxpact's scripts (like a backend repo): the fix says npx cxpact.
    expect(run.stderr).toContain('npx cxpact check-recorded --provider vendor-x --publish');
  });

  it('exits 2 with a clear message when the provider is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await cli([
      'verify',
      '--provider',
      'crm-customer-api',
      '--provider-base-url',
      `http://127.0.0.1:${port}`,
      '--pact-files',
      FIXTURES,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot reach the provider at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(run.stderr).toContain('fix: Start the provider first');
    expect(run.stderr).toContain(
      'fix: Start the provider first (e.g. `npx tsx providers/crm-customer-api/server.ts --port 8080`) and pass --provider-base-url or set PROVIDER_BASE_URL.',
    );
    expect(run.stderr).not.toContain('<name>');
  });

  it('suggests a start script for an unreachable provider only when providers/<name>/server.ts exists', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const cwd = fs.mkdtempSync(path.join(tmp, 'noserver-'));
    fs.mkdirSync(path.join(cwd, 'providers/billing-api'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'providers/billing-api/provider.config.json'), '{}');
    const error = await checkProviderReachable(`http://127.0.0.1:${port}`, 'billing-api', cwd).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CxpactError);
    expect((error as CxpactError).code).toBe('verify.provider.unreachable');
    expect((error as CxpactError).fix).toBe(
      'Start the provider billing-api first and pass --provider-base-url or set PROVIDER_BASE_URL with the URL it listens on.',
    );
    // With a server.ts the start script is named with the real provider name.
    fs.writeFileSync(path.join(cwd, 'providers/billing-api/server.ts'), '');
    expect(unreachableProviderFix('billing-api', cwd)).toBe(
      'Start the provider first (e.g. `npx tsx providers/billing-api/server.ts --port 8080`) and pass --provider-base-url or set PROVIDER_BASE_URL.',
    );
  });

  it('fails (exit 1) when no pacts for the provider are in the directory and names the providers that are', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-verify-none-'));
    fs.copyFileSync(path.join(FIXTURES, 'genesys-data-actions-billing-api.json'), path.join(dir, 'billing.json'));
    try {
      const run = await cli([
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        'http://127.0.0.1:9',
        '--pact-files',
        dir,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('No pact for provider crm-customer-api');
      expect(run.stderr).toContain('Pacts there are for: billing-api');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a usage error (exit 2) without --provider', async () => {
    const run = await cli(['verify']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs --provider');
  });
});
