// Lint warns about evaluation cost before anything runs: catastrophic regexes (Velocity, JSONPath, schema
// patterns, JSONata), loops beyond the step budget or bounded by a reference, unconditional recursion. And the lint
// driver still lints every other action when one action exceeds its budget or a limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDefinitionFile } from '../../src/core/data-action/parse';
import { lintDataActions } from '../../src/io/lint-run';
import { lintAction } from '../../src/core/lint/registry';
import { findingJson } from '../../src/cli/render';

type Json = Record<string, any>;

function definition(patch: (d: Json) => void = () => undefined): Json {
  const d: Json = {
    name: 'Lookup Customer',
    integrationType: 'custom-rest-actions',
    actionType: 'custom',
    config: {
      request: {
        requestUrlTemplate: 'https://crm.example.com/customers?phone=$esc.url(${input.phone})',
        requestType: 'GET',
        headers: {},
        requestTemplate: '${input.rawRequest}',
      },
      response: {
        translationMap: { customerId: '$.id' },
        translationMapDefaults: {},
        successTemplate: '{"customerId": ${customerId}}',
      },
    },
    contract: {
      input: { inputSchema: { type: 'object', required: ['phone'], properties: { phone: { type: 'string' } } } },
      output: { successSchema: { type: 'object', properties: { customerId: { type: 'string' } } } },
    },
  };
  patch(d);
  return d;
}

function lint(
  patch: (d: Json) => void,
  jsonata?: string,
): { code: string; severity: string; path: string; message: string }[] {
  const r = parseDefinitionFile('/defs/crm/lookup.json', JSON.stringify(definition(patch)));
  expect(r.errors).toEqual([]);
  const action = r.actions[0]!;
  if (jsonata !== undefined)
    action.response = { ...action.response, jsonata: { expression: jsonata, source: '/defs/crm/lookup.jsonata' } };
  return lintAction(action)
    .filter((f) => /regex|loop|recurs/.test(f.code))
    .map((f) => findingJson(f) as { code: string; severity: string; path: string; message: string });
}

describe('lint: evaluation cost', () => {
  it('stays quiet on a definition without costly constructs', () => {
    expect(lint(() => undefined)).toEqual([]);
    expect(
      lint(
        (d) =>
          (d['config'].request.requestUrlTemplate =
            'https://x.example.com/$input.phone.replaceAll("[^0-9]", "")#foreach($i in [1..3])$i#end'),
      ),
    ).toEqual([]);
  });

  it('warns about a catastrophic regex in Velocity, a JSONPath filter, a schema pattern and JSONata', () => {
    expect(
      lint((d) => (d['config'].request.requestUrlTemplate = 'https://x.example.com/$input.phone.matches("(a+)+$")')),
    ).toEqual([
      expect.objectContaining({
        code: 'lint.regex.catastrophic',
        severity: 'warning',
        path: '$.config.request.requestUrlTemplate',
        message: expect.stringContaining('nested quantifier'),
      }),
    ]);
    expect(
      lint((d) => (d['config'].response.translationMap.customerId = '$.items[?(@.name =~ /(a|aa)+$/)].id')),
    ).toEqual([
      expect.objectContaining({
        code: 'lint.regex.catastrophic',
        path: '$.config.response.translationMap.customerId',
        message: expect.stringContaining('overlapping'),
      }),
    ]);
    expect(lint((d) => (d['contract'].input.inputSchema.properties.phone.pattern = '^(\\d+)*$'))).toEqual([
      expect.objectContaining({
        code: 'lint.regex.catastrophic',
        path: '$.contract.input.inputSchema.properties.phone.pattern',
      }),
    ]);
    expect(lint(() => undefined, '$match(name, /(\\w+\\s?)+$/)')).toEqual([
      expect.objectContaining({ code: 'lint.regex.catastrophic', path: '$' }),
    ]);
  });

  it('flags loops beyond the step budget, loops bounded by a reference, and unconditional recursion', () => {
    expect(
      lint(
        (d) =>
          (d['config'].response.successTemplate = '#foreach($i in [1..1000000])#foreach($j in [1..1000000])#end#end{}'),
      ),
    ).toEqual([
      expect.objectContaining({
        code: 'lint.template.loop-huge',
        severity: 'error',
        path: '$.config.response.successTemplate',
      }),
    ]);
    expect(
      lint(
        (d) =>
          (d['config'].request.requestUrlTemplate = 'https://x.example.com/#foreach($i in [1..$input.count])x#end'),
      ),
    ).toEqual([
      expect.objectContaining({
        code: 'lint.template.loop-unbounded',
        severity: 'warning',
        message: expect.stringContaining('$input.count'),
      }),
    ]);
    expect(
      lint((d) => (d['config'].request.requestUrlTemplate = 'https://x.example.com/#macro(r $n)#r($n)#end#r(1)')),
    ).toEqual([expect.objectContaining({ code: 'lint.template.macro-recursive' })]);
    expect(
      lint(
        (d) =>
          (d['config'].request.requestUrlTemplate = 'https://x.example.com/#macro(r $n)#if($n < 3)#r($n)#end#end#r(1)'),
      ),
    ).toEqual([]);
    expect(lint(() => undefined, '($f := function($n){ $f($n + 1) }; $f(1))')).toEqual([
      expect.objectContaining({ code: 'lint.jsonata.recursion-unbounded' }),
    ]);
    expect(lint(() => undefined, '($f := function($n){ $n > 3 ? $n : $f($n + 1) }; $f(1))')).toEqual([]);
  });
});

describe('lint driver: one action over a limit never hides the others', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-lint-budget-'));
    const write = (name: string, content: string): void => fs.writeFileSync(path.join(dir, name), content);
    write('a-unclosed.json', '['.repeat(10_000));
    write('b-deep.json', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    write('c-huge-name.json', JSON.stringify(definition((d) => (d['name'] = 'x'.repeat(5 * 1024 * 1024)))));
    write(
      'd-loop.json',
      JSON.stringify(
        definition(
          (d) =>
            (d['config'].response.successTemplate =
              '#foreach($i in [1..1000000])#foreach($j in [1..1000000])#end#end{}'),
        ),
      ),
    );
    write(
      'e-good.json',
      JSON.stringify(
        definition((d) => (d['config'].request.requestUrlTemplate = 'http://insecure.example.com/${input.phone}')),
      ),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports each hostile file with a limit finding and still lints the good one', async () => {
    const result = await lintDataActions(dir);
    const by = (name: string) => result.findings.filter((f) => path.basename(f.at.file) === name).map((f) => f.code);
    expect(by('a-unclosed.json')).toEqual(['data-action.json.malformed']);
    expect(by('b-deep.json')).toEqual(['limit.depth']);
    expect(by('c-huge-name.json')).toEqual(['limit.size']);
    expect(by('d-loop.json')).toEqual(
      expect.arrayContaining(['lint.template.loop-huge', 'lint.success-template.render-error']),
    );
    expect(
      result.findings.find(
        (f) => path.basename(f.at.file) === 'd-loop.json' && f.code === 'lint.success-template.render-error',
      )?.message,
    ).toMatch(/steps/);
    expect(by('e-good.json')).toContain('lint.url.insecure');
    expect(JSON.stringify(result)).not.toMatch(/Maximum call stack|Invalid string length|RangeError/);
  });
});
