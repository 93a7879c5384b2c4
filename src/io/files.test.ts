// Reading Data Action folders: which files are definitions, sibling .jsonata files, one bad file never hiding the
// others, and the Terraform fixtures read as a folder.
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataActions } from './files';

const FIX = path.join(__dirname, '..', '..', 'test', 'fixtures', 'terraform');

/** A real definition of this repository (the example CRM's lookup), copied into each folder these tests build. */
const minimal = JSON.parse(
  readFileSync(
    path.join(__dirname, '..', '..', 'data-actions', 'crm-customer-api', 'lookup-customer-by-phone.json'),
    'utf8',
  ),
);

describe('loadDataActions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cxpact-parse-'));
    await fs.mkdir(path.join(dir, 'crm', 'recordings'), { recursive: true });
    await fs.writeFile(path.join(dir, 'crm', 'get-customer-summary.json'), JSON.stringify(minimal));
    await fs.writeFile(path.join(dir, 'crm', 'get-customer-summary.jsonata'), '{ "name": customer.name }\n');
    await fs.writeFile(path.join(dir, 'crm', 'get-customer-summary.cases.json'), '{"cases": []}');
    await fs.writeFile(path.join(dir, 'crm', 'get-customer-summary.recording.json'), '{}');
    await fs.writeFile(path.join(dir, 'crm', 'recordings', 'x.json'), '{}');
    await fs.writeFile(path.join(dir, 'crm', 'README.md'), '# hi');
    await fs.writeFile(path.join(dir, 'cxpact.json'), '{}');
    await fs.writeFile(path.join(dir, 'crm', 'broken.json'), '{ "name": ');
    await fs.writeFile(path.join(dir, 'crm', 'other.json'), JSON.stringify({ ...minimal, name: 'Other' }));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('recursive; skips cases, recordings, cxpact.json, READMEs; attaches the sibling .jsonata; one bad file does not hide the others', async () => {
    const r = await loadDataActions(dir);
    expect(r.files.map((f) => path.relative(dir, f)).sort()).toEqual([
      path.join('crm', 'broken.json'),
      path.join('crm', 'get-customer-summary.json'),
      path.join('crm', 'other.json'),
    ]);
    expect(r.actions.map((a) => a.slug).sort()).toEqual(['get-customer-summary', 'other']);
    const a = r.actions.find((x) => x.slug === 'get-customer-summary')!;
    expect(a.response.jsonata).toEqual({
      expression: '{ "name": customer.name }\n',
      source: path.join(dir, 'crm', 'get-customer-summary.jsonata'),
    });
    expect(r.actions.find((x) => x.slug === 'other')!.response.jsonata).toBeUndefined();
    expect(r.errors.map((e) => [e.code, path.basename(e.file ?? '')])).toEqual([
      ['data-action.json.malformed', 'broken.json'],
    ]);
  });

  test('an inline expression and a sibling .jsonata file at once is reported', async () => {
    const d = path.join(dir, 'both');
    await fs.mkdir(d);
    await fs.writeFile(
      path.join(d, 'a.json'),
      JSON.stringify({
        ...minimal,
        config: { ...minimal.config, response: { ...minimal.config.response, jsonata: '{}' } },
      }),
    );
    await fs.writeFile(path.join(d, 'a.jsonata'), '{}');
    const r = await loadDataActions(d);
    expect(r.actions).toHaveLength(1);
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['data-action.jsonata.ambiguous', '$.config.response.jsonata'],
    ]);
  });

  test('a missing folder is an error, not an exception', async () => {
    const r = await loadDataActions(path.join(dir, 'nope'));
    expect(r.errors[0]!.code).toBe('data-action.dir.unreadable');
  });
});

describe('Terraform actions read as a folder', () => {
  test('loadDataActions finds every action in the fixture folder (READMEs skipped, .tf and .tf.json read)', async () => {
    const r = await loadDataActions(FIX);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => path.relative(FIX, f)).sort()).toEqual(
      [
        path.join('cx-as-code-crm', 'data-actions.tf'),
        path.join('cx-as-code-json', 'actions.tf.json'),
        path.join('provider-examples', 'integration_action.tf'),
        path.join('provider-examples', 'integration_custom_auth_action.tf'),
        path.join('survey-sms-delivery', 'main.tf'),
      ].sort(),
    );
    expect(r.actions.map((a) => a.pointer).sort()).toEqual(
      [
        'genesyscloud_integration_action.action',
        'genesyscloud_integration_action.create_case',
        'genesyscloud_integration_action.example_action',
        'genesyscloud_integration_action.get_customer_summary',
        'genesyscloud_integration_action.get_customer_summary',
        'genesyscloud_integration_action_draft.lookup_by_phone',
        'genesyscloud_integration_custom_auth_action.example-custom-auth-action',
      ].sort(),
    );
  });
});
