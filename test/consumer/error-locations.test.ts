// Every `cxpact consumer` error names the file, the field (JSON path) and the fix: input-schema failures, errors
// inside a case (success template, translationMap paths), unknown top-level keys of a cases file, and a provider
// folder passed as the data-actions root. Real engine, real Pact mock servers, the real CLI entry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { parseCasesFile } from '../../src/core/contract/cases';

const ROOT = path.resolve(__dirname, '..', '..');
const LOOKUP = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.json'), 'utf8'),
);
const LOOKUP_CASES = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.cases.json'), 'utf8'),
);
const VIP = LOOKUP_CASES.cases[0];

async function consumer(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: ROOT };
  const code = await runCli(['consumer', ...argv], io);
  return { code, out: out.join(''), err: err.join('') };
}

let dir: string;
let crm: string;
let text: string;
let json: {
  actions: {
    file: string;
    errors: Record<string, unknown>[];
    cases: { name: string; problems: Record<string, unknown>[] }[];
  }[];
};

function action(name: string, patch: (a: typeof LOOKUP) => void, cases: unknown): void {
  const a = structuredClone(LOOKUP);
  a.name = `Lookup ${name}`;
  patch(a);
  fs.writeFileSync(path.join(crm, `${name}.json`), JSON.stringify(a, null, 2));
  fs.writeFileSync(path.join(crm, `${name}.cases.json`), JSON.stringify(cases, null, 2));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-locations-'));
  crm = path.join(dir, 'data-actions', 'crm');
  fs.mkdirSync(crm, { recursive: true });
  action('bad-input', () => undefined, { cases: [{ ...VIP, input: { PHONE: '+15551234567' } }] });
  action(
    'typo',
    (a) => (a.config.response.successTemplate = '{\n  "customerId": $SYSDI,\n  "fullName": ${fullName}\n}'),
    { cases: [VIP] },
  );
  action('missing', (a) => (a.config.response.translationMap.email2 = '$.customer.email2'), { cases: [VIP] });
  action('casez', () => undefined, { cases: [VIP], casez: 1 });
  // No cases file: cases are derived from the schema, whose pattern no derived value fits.
  const derived = structuredClone(LOOKUP);
  derived.name = 'Lookup derived';
  derived.contract.input.inputSchema.properties.phoneNumber.pattern = '^ZZZ$';
  fs.writeFileSync(path.join(crm, 'derived.json'), JSON.stringify(derived, null, 2));
  const args = ['--data-actions', path.join(dir, 'data-actions'), '--pacts', path.join(dir, 'pacts')];
  text = (await consumer(args)).out;
  json = JSON.parse((await consumer([...args, '--json'])).out);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(crm, name);
const actionOf = (name: string) => json.actions.find((a) => a.file === file(`${name}.json`));

describe('consumer error locations', () => {
  it('names the cases file, the case input and a fix for an input-schema failure', () => {
    const problem = actionOf('bad-input')?.cases[0]?.problems.find((p) =>
      String(p['message']).includes('required property'),
    );
    expect(problem).toEqual({
      code: 'case.input.invalid',
      severity: 'error',
      message: `the case's inputs break the input schema: /phoneNumber: required property "phoneNumber" is missing (at /phoneNumber)`,
      file: file('bad-input.cases.json'),
      path: '$.cases[0].input',
      fix: "add phoneNumber to the case's input, or fix the input schema",
    });
    expect(text).toContain(
      [
        `      - Lookup bad-input / vip-customer: the case's inputs break the input schema: /phoneNumber: required property "phoneNumber" is missing (at /phoneNumber)`,
        `        at ${file('bad-input.cases.json')} $.cases[0].input`,
        `        fix: add phoneNumber to the case's input, or fix the input schema`,
      ].join('\n'),
    );
  });

  it('names the definition file and its input schema when a derived case breaks the input schema', () => {
    const problem = actionOf('derived')?.cases[0]?.problems[0];
    expect(problem).toMatchObject({
      code: 'case.input.invalid',
      file: file('derived.json'),
      path: '$.contract.input.inputSchema',
      fix: "fix the input schema (the derived case's input comes from it), or write the case's input in derived.cases.json",
    });
    expect(String(problem?.['message'])).toMatch(/^the case's inputs break the input schema: \/phoneNumber/);
    expect(text).toContain(`        at ${file('derived.json')} $.contract.input.inputSchema\n`);
  });

  it('prints the definition file and $.config.response.successTemplate for a template error inside a case', () => {
    const problem = actionOf('typo')?.cases[0]?.problems[0];
    expect(problem).toMatchObject({ file: file('typo.json'), path: '$.config.response.successTemplate' });
    expect(String(problem?.['message'])).toMatch(/SYSDI/);
    expect(text).toContain(`        at ${file('typo.json')} $.config.response.successTemplate\n`);
  });

  it('points a translationMap path that finds nothing at the definition, and its fix at the case response', () => {
    const problem = actionOf('missing')?.cases[0]?.problems.find((p) => p['code'] === 'translation.path.not-found');
    expect(problem).toMatchObject({
      file: file('missing.json'),
      path: '$.config.response.translationMap.email2',
      fix: `add $.customer.email2 to the case's response in ${file('missing.cases.json')} ($.cases[0].response.body), or give the variable a default in the definition: "translationMapDefaults": { "email2": "\\"\\"" }`,
    });
    expect(text).toContain(`        at ${file('missing.json')} $.config.response.translationMap.email2\n`);
    expect(text).toContain(
      `        fix: add $.customer.email2 to the case's response in ${file('missing.cases.json')} ($.cases[0].response.body), or give the variable a default in the definition: "translationMapDefaults": { "email2": "\\"\\"" }\n`,
    );
  });

  it('refuses an unknown top-level key of a cases file with file, path and the allowed keys', () => {
    expect(actionOf('casez')?.errors).toEqual([
      {
        code: 'cases.invalid',
        severity: 'error',
        message: 'Unknown top-level field "casez" in the cases file.',
        file: file('casez.cases.json'),
        path: '$.casez',
        fix: 'Remove it; allowed top-level fields: cases, $schema, $comment.',
      },
    ]);
    expect(text).toContain(
      [
        '    error: Unknown top-level field "casez" in the cases file.',
        `      at ${file('casez.cases.json')} $.casez`,
        '      fix: Remove it; allowed top-level fields: cases, $schema, $comment.',
      ].join('\n'),
    );
  });

  it('parses a cases file with an unknown top-level key into an error, keeping the valid cases', () => {
    const r = parseCasesFile('x.cases.json', JSON.stringify({ cases: [VIP], 'odd key': true }));
    expect(r.errors.map((e) => [e.path, e.message])).toEqual([
      ['$["odd key"]', 'Unknown top-level field "odd key" in the cases file.'],
    ]);
    expect(r.cases.map((c) => c.name)).toEqual(['vip-customer']);
  });

  it('tells to pass the parent folder when a provider folder is given as the data-actions root', async () => {
    const provider = path.join(dir, 'data-actions', 'crm');
    const r = await consumer(['--data-actions', provider, '--pacts', path.join(dir, 'pacts2'), '--json']);
    expect(r.code).toBe(1);
    const errors = JSON.parse(r.out).errors as Record<string, unknown>[];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toMatchObject({
        code: 'layout.action-outside-folder',
        fix: `${provider} looks like a provider folder itself: pass its parent folder (--data-actions ${path.join(dir, 'data-actions')}), or move the files into ${provider}/<provider>/.`,
      });
    }
  });

  it('keeps the move-it fix when the root also holds provider folders', async () => {
    const root = path.join(dir, 'data-actions');
    fs.copyFileSync(file('typo.json'), path.join(root, 'stray.json'));
    try {
      const r = await consumer(['--data-actions', root, '--pacts', path.join(dir, 'pacts3'), '--json']);
      const stray = (JSON.parse(r.out).errors as Record<string, unknown>[]).find(
        (e) => e['code'] === 'layout.action-outside-folder',
      );
      expect(stray?.['fix']).toBe(
        `Move it to ${path.join(root, '<provider-name>', 'stray.json')}; the folder name is the provider.`,
      );
    } finally {
      fs.rmSync(path.join(root, 'stray.json'));
    }
  }, 60_000);
});
