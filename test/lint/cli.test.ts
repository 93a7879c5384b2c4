// `cxpact lint` end to end through the CLI entry: formats, exit codes, --output, and one bad file never hiding
// the findings of the others.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

function action(name: string, patch: (a: Record<string, any>) => void = () => undefined): string {
  const a: Record<string, any> = {
    name,
    integrationType: 'custom-rest-actions',
    actionType: 'custom',
    config: {
      request: {
        requestUrlTemplate: 'https://crm.example.com/c/${input.id}',
        requestType: 'GET',
        headers: {},
        requestTemplate: '${input.rawRequest}',
      },
      response: {
        translationMap: { name: '$.name' },
        translationMapDefaults: {},
        successTemplate: '{"name": ${name}}',
      },
      timeoutSeconds: 10,
    },
    contract: {
      input: { inputSchema: { type: 'object', properties: { id: { type: 'string' } } } },
      output: { successSchema: { type: 'object', properties: { name: { type: 'string' } } } },
    },
    secure: false,
  };
  patch(a);
  return JSON.stringify(a, null, 2);
}

describe('cxpact lint', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-lint-'));
    fs.mkdirSync(path.join(dir, 'data-actions', 'crm'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): void =>
    fs.writeFileSync(path.join(dir, 'data-actions', 'crm', name), text);

  it('exits 0 on clean definitions and says so', async () => {
    write('get-customer.json', action('Get Customer'));
    const r = await run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1 Data Action(s) linted: 0 error(s), 0 warning(s).\n');
  });

  it('exits 0 with warnings only', async () => {
    write(
      'get-customer.json',
      action('Get Customer', (a) => (a.contract.input.inputSchema.properties.extra = { type: 'string' })),
    );
    const r = await run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning lint.input.unused  $.contract.input.inputSchema.properties.extra');
  });

  it('reports every bad file: a malformed one, a timeout out of range (other rules still run) and a secret; exit 1', async () => {
    write('good.json', action('Good'));
    write('broken.json', '{"name": "Broken", ');
    write(
      'slow.json',
      action('Slow', (a) => {
        a.config.timeoutSeconds = 90;
        a.config.request.requestUrlTemplate = 'http://crm.example.com/c/${input.id}';
      }),
    );
    write(
      'leaky.json',
      action('Leaky', (a) => (a.config.request.headers = { Authorization: 'Bearer 0a1b2c3d4e5f60718293' })),
    );
    const r = await run(['lint', '--data-actions', 'data-actions', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      summary: Record<string, number>;
      findings: Array<{ code: string; file: string; path: string }>;
    };
    expect(report.summary).toEqual({ actions: 3, unparsed: 1, errors: 4, warnings: 0 });
    expect(report.findings.map((f) => [path.basename(f.file), f.code, f.path])).toEqual([
      ['broken.json', 'data-action.json.malformed', '$'],
      ['leaky.json', 'lint.secret.literal', '$.config.request.headers.Authorization'],
      ['slow.json', 'lint.url.insecure', '$.config.request.requestUrlTemplate'],
      ['slow.json', 'lint.config.timeout-range', '$.config.timeoutSeconds'],
    ]);
    expect(report.findings[1]?.file).toBe(path.join('data-actions', 'crm', 'leaky.json'));
    // The secret itself is never echoed.
    expect(r.stdout).not.toContain('0a1b2c3d4e5f60718293');
  });

  it('writes JUnit XML to --output with one failing testcase per bad file', async () => {
    write('good.json', action('Good'));
    write(
      'bad.json',
      action('Bad', (a) => (a.config.response.translationMapDefaults = { name: 'unknown' })),
    );
    const r = await run(['lint', '--format', 'junit', '--output', 'reports/lint.xml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '2 Data Action(s) linted: 1 error(s) in 1 file(s), 0 warning(s). Report: reports/lint.xml',
    );
    const xml = fs.readFileSync(path.join(dir, 'reports', 'lint.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="cxpact lint" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="cxpact.lint" name="data-actions/crm/bad.json">');
    expect(xml).toContain('type="lint.translation.default-unquoted"');
    expect(xml).toContain('fix: Write &quot;name&quot;: &quot;\\&quot;unknown\\&quot;&quot;');
    expect((xml.match(/<failure /g) ?? []).length).toBe(1);
  });

  it('text format groups findings by file with code, path:line:column and fix', async () => {
    write(
      'a.json',
      action('A', (a) => (a.config.request.requestUrlTemplate = 'https://crm.example.com/c/${Input.id}')),
    );
    const r = await run(['lint'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        'data-actions/crm/a.json',
        '  error   lint.reference.wrong-case  $.config.request.requestUrlTemplate:1:27',
        '    ${Input.id} uses $Input; references are case-sensitive, so it is never set.',
        '    fix: Write ${input.id}.',
      ].join('\n'),
    );
  });

  it('validates cases files beside the definitions', async () => {
    write('a.json', action('A'));
    write('a.cases.json', '{"cases": [{"name": 1}]}');
    const r = await run(['lint', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ code: string; file: string }> };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.code === 'cases.invalid' && f.file.endsWith('a.cases.json'))).toBe(true);
  });

  it('lints Terraform definitions with resource-address paths, also when a timeout is out of range', async () => {
    const tf = fs.readFileSync(path.join(__dirname, 'fixtures', 'bad-action.tf'), 'utf8');
    write('actions.tf', tf);
    const r = await run(['lint', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ code: string; path: string }> };
    expect(report.findings.map((f) => [f.code, f.path])).toEqual([
      ['lint.secret.literal', 'genesyscloud_integration_action.lookup.config_request.headers.Authorization'],
      ['lint.url.insecure', 'genesyscloud_integration_action.lookup.config_request.request_url_template'],
      ['lint.reference.wrong-case', 'genesyscloud_integration_action.lookup.config_request.request_url_template'],
      [
        'lint.translation.default-unquoted',
        'genesyscloud_integration_action.lookup.config_response.translation_map_defaults.name',
      ],
      ['lint.config.timeout-range', 'genesyscloud_integration_action.lookup.config_timeout_seconds'],
    ]);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['lint', '--format', 'xml'], dir)).code).toBe(2);
    const missing = await run(['lint', '--data-actions', 'nope'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('--info adds the optional-unguarded finding without failing the run; without it the finding is not reported', async () => {
    // The default action prints ${input.id} in its URL, and its input contract requires nothing.
    fs.writeFileSync(path.join(dir, 'data-actions', 'crm', 'get.json'), action('Get'));
    const plain = await run(['lint', '--format', 'json'], dir);
    expect(plain.code).toBe(0);
    expect(
      (JSON.parse(plain.stdout) as { findings: Array<{ code: string }> }).findings.map((f) => f.code),
    ).not.toContain('lint.input.optional-unguarded');
    const withInfo = await run(['lint', '--format', 'json', '--info'], dir);
    expect(withInfo.code).toBe(0);
    const findings = (
      JSON.parse(withInfo.stdout) as { findings: Array<{ code: string; severity: string; path: string }> }
    ).findings;
    expect(findings.filter((f) => f.code === 'lint.input.optional-unguarded').map((f) => [f.severity, f.path])).toEqual(
      [['info', '$.config.request.requestUrlTemplate']],
    );
  });
});
