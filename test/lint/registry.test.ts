// The lint rule registry is the one list of lint codes: `cxpact lint --help` and docs/lint-rules.md are generated
// from it, docs/codes.md from the code lists; these tests keep the committed docs in step (UPDATE_DOCS=1 rewrites
// them) and check that one condition gets one code and one fix wherever cxpact reports it.
import fs from 'node:fs';
import path from 'node:path';
import { LINT_CODES, type LintCode } from '../../src/core/codes/lint';
import { CODE_AREAS, codesMarkdown } from '../../src/core/codes';
import { LINT_FAMILIES, LINT_RULES, lintAction, lintRulesHelp, lintRulesMarkdown } from '../../src/core/lint/registry';
import { command as lintCommand } from '../../src/cli/commands/lint';
import { parseDefinitionFile } from '../../src/core/data-action/parse';
import { renderRequest, responseFieldsRead, translateResponse } from '../../src/core/data-action';
import type { CxpactError } from '../../src/core/errors';

const ROOT = path.join(__dirname, '..', '..');

function inStep(file: string, generated: string): void {
  const full = path.join(ROOT, file);
  if (process.env['UPDATE_DOCS'] === '1') fs.writeFileSync(full, generated);
  expect({ file, text: fs.readFileSync(full, 'utf8') }).toEqual({ file, text: generated });
}

describe('the lint rule registry', () => {
  it('has one rule per lint code, each run by at least one family, with the severity and summary of the code list', () => {
    expect(LINT_RULES.map((r) => r.code)).toEqual(Object.keys(LINT_CODES));
    for (const r of LINT_RULES) {
      expect({ code: r.code, families: r.families.length > 0 }).toEqual({ code: r.code, families: true });
      expect({ code: r.code, severity: r.severity, summary: r.summary }).toEqual({
        code: r.code,
        ...LINT_CODES[r.code],
      });
    }
    const listed = new Set(LINT_FAMILIES.flatMap((f) => f.codes));
    expect([...listed].sort()).toEqual(Object.keys(LINT_CODES).sort());
  });

  it('lint --help lists every rule, generated from the registry', () => {
    expect(lintCommand.help).toContain(lintRulesHelp());
    for (const code of Object.keys(LINT_CODES) as LintCode[])
      expect({ code, inHelp: lintCommand.help.includes(`  ${code}`) }).toEqual({ code, inHelp: true });
    // The rule that once was missing from the hand-written help.
    expect(lintCommand.help).toMatch(/^ {2}lint\.template\.dot-after-value +\$esc\.url/m);
  });

  it('docs/lint-rules.md is generated from the registry', () => {
    inStep('docs/lint-rules.md', lintRulesMarkdown());
  });

  it('docs/codes.md lists every code of every area', () => {
    inStep('docs/codes.md', codesMarkdown());
    const all = CODE_AREAS.flatMap((a) => Object.keys(a.codes));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('one condition, one code and one fix', () => {
  const definition = {
    name: 'Lookup',
    integrationType: 'custom-rest-actions',
    actionType: 'custom',
    config: {
      request: { requestUrlTemplate: 'https://crm.example.com/c/${input.id}', requestType: 'GET', headers: {} },
      response: {
        translationMap: { customerId: '$.[[id' },
        translationMapDefaults: {},
        successTemplate: '{"customerId": ${customerId}}',
      },
    },
    contract: {
      input: { inputSchema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
      output: { successSchema: { type: 'object', properties: { customerId: { type: 'string' } } } },
    },
  };
  const action = parseDefinitionFile('data-actions/crm/lookup.json', JSON.stringify(definition)).actions[0]!;

  it('a broken translationMap JSONPath: translation.jsonpath.syntax from the translation, the fields-read analysis and lint', () => {
    const translated = translateResponse(action, { status: 200, headers: {}, body: { id: 'C-1' } }).errors[0]!;
    let read: CxpactError | undefined;
    try {
      responseFieldsRead(action);
    } catch (error) {
      read = error as CxpactError;
    }
    const linted = lintAction(action).find((f) => f.code === 'translation.jsonpath.syntax')!;
    const seen = [translated.finding, read!.finding, linted].map((f) => ({
      code: f.code,
      message: f.message,
      path: f.at.path,
      fix: f.fix,
    }));
    expect(seen[0]).toEqual({
      code: 'translation.jsonpath.syntax',
      message: expect.stringContaining('"customerId" is not a valid JSONPath'),
      path: '$.config.response.translationMap.customerId',
      fix: expect.stringContaining('Jayway'),
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });

  it('a broken template: velocity.syntax, with the same fix, from the renderer and lint', () => {
    const broken = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify({
        ...definition,
        config: {
          ...definition.config,
          request: { ...definition.config.request, requestUrlTemplate: 'https://crm.example.com/c/#if($input.id)x' },
        },
      }),
    ).actions[0]!;
    let rendered: CxpactError | undefined;
    try {
      renderRequest(broken, { id: 'C-1' });
    } catch (error) {
      rendered = error as CxpactError;
    }
    const linted = lintAction(broken).find((f) => f.code === 'velocity.syntax')!;
    expect(rendered?.code).toBe('velocity.syntax');
    expect(linted.fix).toBe(rendered?.fix);
    expect(linted.at.path).toBe(rendered?.path);
  });
});
