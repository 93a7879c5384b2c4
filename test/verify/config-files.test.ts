// Config files are checked like cases files (issue 8): an unknown field in provider.config.json /
// record.config.json is an error naming the file, the JSON path and the allowed fields (a typo such as
// `stateChangeURL` is never dropped silently), and a JSON syntax error is located by line and column.
// Through the real commands (`cxpact verify`, `cxpact record`, `cxpact check-recorded`) in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, REPO_ROOT } from './cli-io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-config-files-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const PACTS = path.join(REPO_ROOT, 'test/fixtures/pacts');

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('provider.config.json', () => {
  it('rejects a typo such as stateChangeURL, naming the file, the JSON path, the near field and the allowed ones', async () => {
    const dir = project('typo', {
      'providers/crm-customer-api/provider.config.json': JSON.stringify({
        name: 'crm-customer-api',
        baseUrl: 'http://127.0.0.1:1',
        stateChangeURL: '/_pact/provider-states',
      }),
    });
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--pact-files', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'providers/crm-customer-api/provider.config.json: Unknown field "stateChangeURL" in the provider config (did you mean "stateChangeUrl"?)',
    );
    expect(run.stderr).toContain('at providers/crm-customer-api/provider.config.json $.stateChangeURL');
    expect(run.stderr).toContain(
      'fix: Rename it to "stateChangeUrl"; allowed fields: name, baseUrl, thirdParty, stateHandlers, stateChangeUrl, credentials, requestFilter, includeWipPactsSince, timeoutMs, $schema, $comment, description.',
    );
  });

  it('reports every problem at once: an unknown credential field, a baseUrl without a scheme ("add http://")', async () => {
    const dir = project('many', {
      'providers/crm-customer-api/provider.config.json': JSON.stringify({
        name: 'crm-customer-api',
        baseUrl: '127.0.0.1:8080',
        credentials: [{ header: 'Authorization', env: 'CRM_API_TOKEN', Prefix: 'Bearer ' }],
      }),
    });
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--pact-files', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('providers/crm-customer-api/provider.config.json has 2 problems:');
    expect(run.stderr).toContain(
      '$.credentials[0].Prefix: Unknown field "Prefix" in a credential (did you mean "prefix"?)',
    );
    expect(run.stderr).toContain(
      '$.baseUrl: baseUrl "127.0.0.1:8080" has no scheme; fix: add http:// (or https://): "http://127.0.0.1:8080".',
    );
  });

  it('locates a JSON syntax error by line and column', async () => {
    const dir = project('syntax', {
      'providers/crm-customer-api/provider.config.json':
        '{\n  "name": "crm-customer-api"\n  "baseUrl": "http://127.0.0.1:1"\n}\n',
    });
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--pact-files', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('providers/crm-customer-api/provider.config.json:3:3: the file is not valid JSON');
    expect(run.stderr).toContain('fix: Fix the JSON syntax at line 3, column 3');
  });

  it('refuses functions in a JSON config (they need provider.config.ts)', async () => {
    const dir = project('functions', {
      'providers/crm-customer-api/provider.config.json': JSON.stringify({
        name: 'crm-customer-api',
        stateHandlers: { s: 'x' },
      }),
    });
    const run = await cli(['verify', '--provider', 'crm-customer-api', '--pact-files', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stateHandlers holds functions, which a JSON config cannot');
    expect(run.stderr).toContain('$.stateHandlers');
  });
});

describe('no provider config yet', () => {
  it('says which two-field file to create', async () => {
    const dir = project('fresh', { 'README.md': 'a fresh backend repository' });
    const run = await cli(['verify', '--provider', 'helpdesk', '--pact-files', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'fix: Create providers/helpdesk/provider.config.json holding { "name": "helpdesk", "baseUrl": "http://127.0.0.1:8080" }',
    );
  });
});

describe('record.config.json', () => {
  const good = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'providers/genesys-cloud-api/record.config.json'), 'utf8'),
  );

  it('rejects unknown fields inside nested objects too (auth by its kind, rateLimit), with did-you-mean', async () => {
    const config = structuredClone(good);
    config.auth.clientSecretENV = 'X';
    config.rateLimit = { requestPerSecond: 2 };
    const dir = project('record-typo', {
      'providers/genesys-cloud-api/record.config.json': JSON.stringify(config, null, 2),
    });
    for (const command of ['record', 'check-recorded']) {
      const run = await cli([command, '--provider', 'genesys-cloud-api', '--pacts', PACTS], {}, dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('record.config.json has 2 problems:');
      expect(run.stderr).toContain(
        '$.auth.clientSecretENV: Unknown field "clientSecretENV" in $.auth (kind genesys-oauth-client-credentials) (did you mean "clientSecretEnv"?)',
      );
      expect(run.stderr).toContain(
        '$.rateLimit.requestPerSecond: Unknown field "requestPerSecond" in $.rateLimit (did you mean "requestsPerSecond"?)',
      );
    }
  });

  it('locates a JSON syntax error by line and column', async () => {
    const text = JSON.stringify(good, null, 2).replace('"thirdParty": true,', '"thirdParty": true');
    const dir = project('record-syntax', { 'providers/genesys-cloud-api/record.config.json': text });
    const line = text.split('\n').findIndex((l) => l.includes('"baseUrlEnv"')) + 1;
    const run = await cli(['check-recorded', '--provider', 'genesys-cloud-api', '--pacts', PACTS], {}, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `record\\.config\\.json:${line}:3: the file is not valid JSON: expected ',' or '}' after a property value`,
      ),
    );
  });
});
