// Provider configs with in-process state-handler functions (instead of a state-change URL), loaded from a
// provider.config.ts in another project folder, plus config validation errors that name the field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCrmApi, type RunningCrmApi } from '../../providers/crm-customer-api/app';
import { cli, REPO_ROOT } from './cli-io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-states-'));
let api: RunningCrmApi;
afterAll(async () => {
  await api?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('provider configs', () => {
  it('runs state-handler functions from provider.config.ts for every state in the pacts', async () => {
    // The functions run beside the verifier (in its own process, whose log goes to the log file): they record
    // each call and set the state up through the example API's state endpoint.
    api = await startCrmApi();
    const calls = path.join(tmp, 'calls.log');
    const cwd = project('fn-handlers', {
      'providers/crm-customer-api/provider.config.ts': `
        import fs from 'node:fs';
        const handler = (state: string) => async (params?: unknown) => {
          fs.appendFileSync(${JSON.stringify(calls)}, state + '\\n');
          const res = await fetch(process.env.CRM_STATE_URL + '/_pact/provider-states', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ state, params: params ?? {}, action: 'setup' }),
          });
          if (!res.ok) throw new Error('state ' + state + ': ' + res.status);
        };
        const names = [
          'a customer with phone +15551234567 exists',
          'a customer with phone +15557654321 exists without a ticket count',
          'no customer with phone +15550000000 exists',
          'a customer with id CUST-1001 has open and closed tickets',
          'a customer with id CUST-1001 exists',
          'the CRM is unavailable',
          'CRM - Update Account: the backend returns a valid response',
        ];
        export default { name: 'crm-customer-api', stateHandlers: Object.fromEntries(names.map((n) => [n, handler(n)])) };
      `,
    });
    const run = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        api.url,
        '--pact-files',
        path.join(REPO_ROOT, 'test/fixtures/pacts'),
      ],
      { CRM_STATE_URL: api.url },
      cwd,
    );
    expect(run.stdout).toContain('7 of 7 interaction(s) passed.');
    expect(run.code).toBe(0);
    // every state has a handler: nothing to say about states before the run
    expect(run.stdout).not.toContain('no handler');
    const called = fs.readFileSync(calls, 'utf8');
    expect(called).toContain('the CRM is unavailable');
    expect(called).toContain('no customer with phone +15550000000 exists');
  });

  it('rejects a JSON config whose name does not match its folder, naming the field and the fix', async () => {
    const cwd = project('bad-name', {
      'providers/billing/provider.config.json': JSON.stringify({ name: 'billing-api', baseUrl: 'http://127.0.0.1:1' }),
    });
    const run = await cli(
      ['verify', '--provider', 'billing', '--pact-files', path.join(REPO_ROOT, 'test/fixtures/pacts')],
      {},
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('name is "billing-api" but the folder is providers/billing');
    expect(run.stderr).toContain('$.name');
    expect(run.stderr).toContain('fix: Set name: "billing"');
  });

  it('requires a credential marked required, naming the variable and never the value', async () => {
    const cwd = project('creds', {
      'providers/crm-customer-api/provider.config.json': JSON.stringify({
        name: 'crm-customer-api',
        credentials: [{ header: 'Authorization', env: 'CRM_API_TOKEN', prefix: 'Bearer ', required: true }],
      }),
    });
    const run = await cli(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        'http://127.0.0.1:1',
        '--pact-files',
        path.join(REPO_ROOT, 'test/fixtures/pacts'),
      ],
      {},
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needs the environment variable CRM_API_TOKEN for the Authorization header');
  });
});
