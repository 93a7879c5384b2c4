// genesys-pull against a Genesys-like API on loopback: paging, templates by URI, stable files, drift, bad input.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cxpactArgs } from '../helpers/cli-bin';
import { startFakeGenesys, type FakeGenesys } from './fake-genesys';
import { CLIENT_SECRET, cleanupTmpDirs, envFor, expectNoSecret, runCommand, sampleAction, tmpDir } from './helpers';

describe('cxpact genesys-pull', () => {
  let fake: FakeGenesys | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  afterAll(() => cleanupTmpDirs());

  const actions = [
    sampleAction('a-1', 'Lookup Customer'),
    sampleAction('a-2', 'Get Tickets', { requestUrlTemplate: 'https://crm.example.com/tickets/${input.phone}' }),
    sampleAction('a-3', 'Create Case', {
      requestType: 'POST',
      requestTemplate: '{"phone": "$esc.jsonString(${input.phone})"}',
    }),
  ];

  it('pages through all actions, fetches templates by URI and writes sorted 2-space files named by slug', async () => {
    fake = await startFakeGenesys({ clientId: 'cxpact-test-client', clientSecret: CLIENT_SECRET, actions });
    const cwd = tmpDir('pull');
    const run = await runCommand(
      ['genesys-pull', '--out', 'data-actions/org', '--page-size', '2'],
      envFor(fake.url),
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = path.join(cwd, 'data-actions/org');
    expect(fs.readdirSync(dir).sort()).toEqual(['create-case.json', 'get-tickets.json', 'lookup-customer.json']);
    // Two pages of 2, with includeConfig.
    const listing = fake.requests.filter((r) => r.url.startsWith('/api/v2/integrations/actions?'));
    expect(listing.map((r) => r.url)).toEqual([
      '/api/v2/integrations/actions?includeConfig=true&pageSize=2&pageNumber=1',
      '/api/v2/integrations/actions?includeConfig=true&pageSize=2&pageNumber=2',
    ]);
    // Templates were fetched from their URIs (the listing has no inline templates).
    expect(fake.requests.filter((r) => r.url.includes('/templates/')).length).toBe(6);
    const text = fs.readFileSync(path.join(dir, 'create-case.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "actionType": "custom",\n');
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual([...Object.keys(file)].sort());
    expect(file).toMatchObject({
      id: 'a-3',
      name: 'Create Case',
      config: {
        request: { requestType: 'POST', requestTemplate: '{"phone": "$esc.jsonString(${input.phone})"}' },
        response: { successTemplate: '{"customerId": ${customerId}, "tier": ${tier}}' },
      },
    });
    // The listing has schema URIs only: each action is read again with expand=contract.
    expect(file['contract']).toEqual(actions[2]!.contract);
    expect(
      fake.requests.filter((r) =>
        /^\/api\/v2\/integrations\/actions\/a-\d\?expand=contract&includeConfig=true$/.test(r.url),
      ),
    ).toHaveLength(3);
    expect(run.stdout).toContain('3 added');
    // One login for the whole run (token reused).
    expect(fake.logins).toBe(1);
  });

  it('fetches schema documents by URI when expand=contract does not inline them', async () => {
    fake = await startFakeGenesys({
      clientId: 'cxpact-test-client',
      clientSecret: CLIENT_SECRET,
      actions,
      contractOnlyByUri: true,
    });
    const cwd = tmpDir('pull-schemas');
    expect((await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), cwd)).code).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(cwd, 'org', 'lookup-customer.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(file['contract']).toEqual(actions[0]!.contract);
    expect(fake.requests.filter((r) => r.url.includes('/schemas/'))).toHaveLength(6);
  });

  it('pulled files parse as Data Actions and lint clean', async () => {
    fake = await startFakeGenesys({ clientId: 'cxpact-test-client', clientSecret: CLIENT_SECRET, actions });
    const cwd = tmpDir('pull-lint');
    expect((await runCommand(['genesys-pull', '--out', 'data-actions/org'], envFor(fake.url), cwd)).code).toBe(0);
    const lint = await runCommand(['lint', '--data-actions', 'data-actions/org'], {}, cwd);
    expect(lint.stdout).toBe('3 Data Action(s) linted: 0 error(s), 0 warning(s).\n');
    expect(lint.code).toBe(0);
  });

  it('runs as its own process (npm run genesys:pull path) against the loopback API', async () => {
    fake = await startFakeGenesys({ clientId: 'cxpact-test-client', clientSecret: CLIENT_SECRET, actions });
    const cwd = tmpDir('pull-e2e');
    // Async spawn: the loopback API lives in this process and must keep answering.
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const p = spawn(process.execPath, cxpactArgs(['genesys-pull', '--out', 'org', '--json']), {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', ...envFor(fake!.url) },
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', reject);
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as { actions: Array<{ id: string }>; written: string[] };
    expect(report.actions.map((a) => a.id).sort()).toEqual(['a-1', 'a-2', 'a-3']);
    expect(report.written).toHaveLength(3);
    expect(child.stdout + child.stderr).not.toContain(CLIENT_SECRET);
  });

  it('reports drift: changed (with JSON paths), added and missing; --check writes nothing and exits 1', async () => {
    fake = await startFakeGenesys({ clientId: 'cxpact-test-client', clientSecret: CLIENT_SECRET, actions });
    const cwd = tmpDir('pull-drift');
    expect((await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), cwd)).code).toBe(0);
    const dir = path.join(cwd, 'org');
    // The repo drifts: one edited, one deleted, one repo-only action.
    const edited = JSON.parse(fs.readFileSync(path.join(dir, 'lookup-customer.json'), 'utf8')) as {
      config: { timeoutSeconds: number };
    };
    edited.config.timeoutSeconds = 30;
    fs.writeFileSync(path.join(dir, 'lookup-customer.json'), JSON.stringify(edited));
    fs.rmSync(path.join(dir, 'get-tickets.json'));
    const repoOnly = sampleAction('zz', 'Repo Only');
    fs.writeFileSync(
      path.join(dir, 'repo-only.json'),
      JSON.stringify({ name: 'Repo Only', config: repoOnly.config, contract: repoOnly.contract }),
    );
    const before = fs.readFileSync(path.join(dir, 'lookup-customer.json'), 'utf8');

    const run = await runCommand(['genesys-pull', '--out', 'org', '--check', '--json'], envFor(fake.url), cwd);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      drift: {
        changed: Array<{ name: string; paths: string[] }>;
        added: Array<{ name: string }>;
        missing: Array<{ name: string }>;
        unchanged: number;
      };
      written: string[];
    };
    expect(report.drift.changed).toEqual([
      expect.objectContaining({ name: 'Lookup Customer', paths: ['$.config.timeoutSeconds'] }),
    ]);
    expect(report.drift.added.map((a) => a.name)).toEqual(['Get Tickets']);
    expect(report.drift.missing.map((a) => a.name)).toEqual(['Repo Only']);
    expect(report.drift.unchanged).toBe(1);
    expect(report.written).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'lookup-customer.json'), 'utf8')).toBe(before);

    // Without --check the org wins and the second pull shows no drift except the repo-only file.
    expect((await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), cwd)).code).toBe(0);
    const again = await runCommand(['genesys-pull', '--out', 'org', '--check'], envFor(fake.url), cwd);
    expect(again.stdout).toContain('0 changed, 0 added, 1 missing');
  });

  it('compares with every definition under data-actions/ (recursively) by default: updates matches in place, adds new ones to genesys-org/', async () => {
    fake = await startFakeGenesys({ clientId: 'cxpact-test-client', clientSecret: CLIENT_SECRET, actions });
    const cwd = tmpDir('pull-repo');
    const a = actions[0]!;
    const write = (rel: string, data: unknown): void => {
      fs.mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
      fs.writeFileSync(path.join(cwd, rel), JSON.stringify(data));
    };
    // A hand-kept UI export (no id, edited timeout), its cases file, a pact file and a repo-only action.
    write('data-actions/crm/lookup.json', {
      name: 'Lookup Customer - Exported 2024-11-19 @ 14:32',
      integrationType: 'custom-rest-actions',
      actionType: 'custom',
      config: { ...a.config, timeoutSeconds: 20 },
      contract: a.contract,
      secure: false,
    });
    write('data-actions/crm/lookup.cases.json', { cases: [] });
    write('data-actions/pacts/cxpact-crm.json', { consumer: { name: 'x' }, provider: { name: 'y' }, interactions: [] });
    const repoOnly = sampleAction('zz', 'Repo Only');
    write('data-actions/other/repo-only.json', {
      name: 'Repo Only',
      config: repoOnly.config,
      contract: repoOnly.contract,
    });

    const check = await runCommand(['genesys-pull', '--check', '--json'], envFor(fake.url), cwd);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as {
      drift: {
        changed: Array<{ name: string; file: string; paths: string[] }>;
        added: Array<{ name: string; file: string }>;
        missing: Array<{ name: string; file: string }>;
      };
    };
    expect(report.drift.changed).toEqual([
      expect.objectContaining({
        name: 'Lookup Customer',
        file: 'data-actions/crm/lookup.json',
        paths: ['$.config.timeoutSeconds'],
      }),
    ]);
    expect(report.drift.added.map((d) => d.file).sort()).toEqual([
      'data-actions/genesys-org/create-case.json',
      'data-actions/genesys-org/get-tickets.json',
    ]);
    expect(report.drift.missing).toEqual([
      expect.objectContaining({ name: 'Repo Only', file: 'data-actions/other/repo-only.json' }),
    ]);

    const pull = await runCommand(['genesys-pull'], envFor(fake.url), cwd);
    expect(pull.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'data-actions/crm/lookup.json'), 'utf8'))).toMatchObject({
      id: 'a-1',
      name: 'Lookup Customer',
      config: { timeoutSeconds: 10 },
    });
    expect(fs.readdirSync(path.join(cwd, 'data-actions/genesys-org')).sort()).toEqual([
      'create-case.json',
      'get-tickets.json',
    ]);
    expect(fs.readFileSync(path.join(cwd, 'data-actions/crm/lookup.cases.json'), 'utf8')).toBe('{"cases":[]}');
    const again = await runCommand(['genesys-pull', '--check'], envFor(fake.url), cwd);
    expect(again.stdout).toContain('0 changed, 0 added, 1 missing, 3 unchanged');
    expectNoSecret(check.stdout + pull.stdout + pull.stderr + again.stdout);
  });

  it('matches repo files exported from the UI by name without the " - Exported" suffix', async () => {
    fake = await startFakeGenesys({
      clientId: 'cxpact-test-client',
      clientSecret: CLIENT_SECRET,
      actions: [actions[0]!],
    });
    const cwd = tmpDir('pull-export');
    const a = actions[0]!;
    fs.mkdirSync(path.join(cwd, 'org'));
    fs.writeFileSync(
      path.join(cwd, 'org', 'my-export.json'),
      JSON.stringify({
        name: 'Lookup Customer - Exported 2024-11-19 @ 14:32',
        integrationType: 'custom-rest-actions',
        actionType: 'custom',
        config: a.config,
        contract: a.contract,
        secure: false,
      }),
    );
    const run = await runCommand(['genesys-pull', '--out', 'org', '--check'], envFor(fake.url), cwd);
    expect(run.stdout).toContain('No drift');
    expect(run.code).toBe(0);
  });

  describe('bad input: clear message, non-zero exit, no secret printed', () => {
    it('unknown region lists the known regions', async () => {
      const run = await runCommand(
        ['genesys-pull', '--region', 'mars-north-1'],
        { GENESYS_CLOUD_CLIENT_ID: 'x', GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET },
        tmpDir('region'),
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Unknown Genesys Cloud region "mars-north-1"');
      expect(run.stderr).toContain('eu-west-1 (mypurecloud.ie)');
      expectNoSecret(run.stdout + run.stderr);
    });

    it('a flag that is not a positive integer is a usage error (exit 2) before any API call', async () => {
      const run = await runCommand(
        ['genesys-pull', '--region', 'eu-west-1', '--max-pages', '0'],
        { GENESYS_CLOUD_CLIENT_ID: 'x', GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET },
        tmpDir('flag'),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--max-pages must be a positive integer, got "0"');
      expect(run.stderr).toContain('fix: Pass --max-pages <n> with n >= 1.');
    });

    it('missing credentials name the variables', async () => {
      const run = await runCommand(['genesys-pull', '--region', 'eu-west-1'], {}, tmpDir('nocreds'));
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('GENESYS_CLOUD_CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET not set');
    });

    it('bad credentials (401 from the login host)', async () => {
      fake = await startFakeGenesys({
        clientId: 'cxpact-test-client',
        clientSecret: 'the-real-secret',
        actions,
        echoInErrors: CLIENT_SECRET,
      });
      const run = await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), tmpDir('badcreds'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('rejected the OAuth client credentials (HTTP 401: invalid_client)');
      expect(run.stderr).toContain('fix: Check GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET');
      expectNoSecret(run.stdout + run.stderr);
    });

    it('missing scopes (403) names the permission', async () => {
      fake = await startFakeGenesys({
        clientId: 'cxpact-test-client',
        clientSecret: CLIENT_SECRET,
        actions,
        forbidden: true,
        echoInErrors: CLIENT_SECRET,
      });
      const run = await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), tmpDir('forbidden'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('HTTP 403');
      expect(run.stderr).toContain('integrations:action:view');
      expectNoSecret(run.stdout + run.stderr);
    });

    it.each(['repeat', 'endless'] as const)('paging that never ends (%s) stops with an error', async (mode) => {
      fake = await startFakeGenesys({
        clientId: 'cxpact-test-client',
        clientSecret: CLIENT_SECRET,
        actions,
        runawayPaging: mode,
      });
      const cwd = tmpDir('runaway');
      const run = await runCommand(
        ['genesys-pull', '--out', 'org', '--max-pages', '5', '--page-size', '2'],
        envFor(fake.url),
        cwd,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(mode === 'repeat' ? /same page twice/ : /did not end after 5 pages/);
      expect(fs.existsSync(path.join(cwd, 'org'))).toBe(false);
      expectNoSecret(run.stdout + run.stderr);
    });

    it('a template URI that 404s is reported per action; the others are still written', async () => {
      fake = await startFakeGenesys({
        clientId: 'cxpact-test-client',
        clientSecret: CLIENT_SECRET,
        actions,
        missingTemplates: ['a-2'],
      });
      const cwd = tmpDir('tpl404');
      const run = await runCommand(['genesys-pull', '--out', 'org'], envFor(fake.url), cwd);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        '/api/v2/integrations/actions/a-2/templates/requesttemplate.vm of action "Get Tickets" (a-2) does not exist (HTTP 404)',
      );
      expect(fs.readdirSync(path.join(cwd, 'org')).sort()).toEqual(['create-case.json', 'lookup-customer.json']);
      expectNoSecret(run.stdout + run.stderr);
    });
  });
});
