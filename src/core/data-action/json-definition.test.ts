import { parseDefinitionFile, slugFromFile } from './parse';
import type { DataAction } from './model';

const minimal = {
  name: 'Get Customer',
  integrationType: 'custom-rest-actions',
  actionType: 'custom',
  config: {
    request: { requestUrlTemplate: 'https://crm.example.com/customers/${input.id}', requestType: 'GET', headers: {} },
    response: { translationMap: { name: '$.name' }, translationMapDefaults: {}, successTemplate: '{"name": ${name}}' },
  },
  contract: {
    input: { inputSchema: { type: 'object', properties: { id: { type: 'string' } } } },
    output: { successSchema: { type: 'object', properties: { name: { type: 'string' } } } },
  },
  secure: false,
};

function parseOne(file: string, value: unknown): DataAction {
  const r = parseDefinitionFile(file, JSON.stringify(value, null, 2));
  expect(r.errors.map((e) => e.message)).toEqual([]);
  expect(r.actions).toHaveLength(1);
  return r.actions[0]!;
}

function errorsOf(
  file: string,
  text: string,
): { code: string; path?: string; file?: string; fix?: string; message: string }[] {
  const r = parseDefinitionFile(file, text);
  expect(r.actions).toEqual([]);
  return r.errors.map((e) => ({ code: e.code, path: e.path, file: e.file, fix: e.fix, message: e.message }));
}

describe('UI export JSON', () => {
  test('maps every field; defaults for requestTemplate', () => {
    const a = parseOne('data-actions/crm/get-customer.custom.json', minimal);
    expect(a).toMatchObject({
      name: 'Get Customer',
      slug: 'get-customer',
      pointer: '$',
      format: 'ui-export',
      integrationType: 'custom-rest-actions',
      actionType: 'custom',
      secure: false,
      request: {
        urlTemplate: 'https://crm.example.com/customers/${input.id}',
        method: 'GET',
        headers: {},
        bodyTemplate: '${input.rawRequest}',
      },
      response: { translationMap: { name: '$.name' }, successTemplate: '{"name": ${name}}' },
      inputSchema: minimal.contract.input.inputSchema,
      outputSchema: minimal.contract.output.successSchema,
    });
    expect(a.timeoutSeconds).toBeUndefined();
  });

  test('default successTemplate is ${rawResult}; timeoutSeconds kept; lower-case method accepted', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    delete v.config.response.successTemplate;
    v.config.timeoutSeconds = 20;
    v.config.request.requestType = 'post';
    const a = parseOne('x.json', v);
    expect(a.response.successTemplate).toBe('${rawResult}');
    expect(a.timeoutSeconds).toBe(20);
    expect(a.request.method).toBe('POST');
  });

  test('inline JSONata in config.response.jsonata', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    v.config.response.jsonata = '{ "name": name }';
    const a = parseOne('x.json', v);
    expect(a.response.jsonata).toEqual({ expression: '{ "name": name }', source: '$.config.response.jsonata' });
  });

  test('older files with category / integrationId parse as Platform API objects', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    delete v.integrationType;
    delete v.actionType;
    v.category = 'My Integration';
    v.integrationId = 'abc';
    const a = parseOne('x.json', v);
    expect(a.format).toBe('platform-api');
    expect(a.category).toBe('My Integration');
  });

  test('an API listing { entities: [...] } yields one action per entity', () => {
    const r = parseDefinitionFile(
      'actions.json',
      JSON.stringify({
        entities: [
          { ...minimal, id: '1' },
          { ...minimal, name: 'Second', id: '2' },
        ],
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.actions.map((a) => [a.name, a.slug, a.pointer])).toEqual([
      ['Get Customer', 'Get-Customer', '$.entities[0]'],
      ['Second', 'Second', '$.entities[1]'],
    ]);
  });
});

describe('errors name the file, the JSON path and the fix', () => {
  test('malformed JSON: line and column of the syntax error', () => {
    const text = '{\n  "name": "x",\n  "config": { "a": 1 }}\n}\n';
    const [e] = errorsOf('bad.json', text);
    expect(e!.code).toBe('data-action.json.malformed');
    expect(e!.message).toMatch(/^bad\.json:4:1: the file is not valid JSON/);
    expect(e!.fix).toMatch(/line 4, column 1/);
  });

  test('an unquoted value is located at its line and column, with what was expected', () => {
    const [e] = errorsOf('unquoted.json', '{\n  "name": broken,\n  "config": {}\n}\n');
    expect(e!.code).toBe('data-action.json.malformed');
    expect(e!.message).toMatch(/^unquoted\.json:2:11: the file is not valid JSON: expected a value/);
    expect(e!.message).toContain('"name": broken,\n            ^');
    expect(e!.fix).toMatch(/line 2, column 11/);
  });

  test('truncated JSON points at the end', () => {
    const [e] = errorsOf('cut.json', '{\n "name": "x",\n "config": {');
    expect(e!.code).toBe('data-action.json.malformed');
    expect(e!.message).toMatch(/^cut\.json:3:/);
  });

  test('missing contract', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    delete v.contract;
    const [e] = errorsOf('a.json', JSON.stringify(v));
    expect(e).toMatchObject({ code: 'data-action.contract.missing', path: '$.contract', file: 'a.json' });
    expect(e!.fix).toMatch(/inputSchema/);
  });

  test('missing successSchema', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    delete v.contract.output.successSchema;
    const [e] = errorsOf('a.json', JSON.stringify(v));
    expect(e).toMatchObject({ code: 'data-action.contract.missing', path: '$.contract.output.successSchema' });
  });

  test('invalid fields are all reported at once', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    v.config.request.requestType = 'FETCH';
    v.config.response.translationMapDefaults = { name: 0 };
    v.config.timeoutSeconds = 90;
    v.secure = 'yes';
    const errs = errorsOf('a.json', JSON.stringify(v));
    expect(errs.map((e) => [e.code, e.path])).toEqual([
      ['data-action.field.invalid', '$.config.request.requestType'],
      ['data-action.field.invalid', '$.config.response.translationMapDefaults.name'],
      ['data-action.field.invalid', '$.config.timeoutSeconds'],
      ['data-action.field.invalid', '$.secure'],
    ]);
    expect(errs.every((e) => e.fix && e.fix.length > 10)).toBe(true);
  });

  test('Platform API object with templates only by URI: says to inline or use genesys-pull', () => {
    const v = structuredClone(minimal) as Record<string, any>;
    v.id = 'a1';
    v.config.request.requestType = 'POST';
    v.config.request.requestTemplateUri = '/api/v2/integrations/actions/a1/templates/requesttemplate.vm';
    delete v.config.response.successTemplate;
    v.config.response.successTemplateUri = '/api/v2/integrations/actions/a1/templates/successtemplate.vm';
    const errs = errorsOf('pulled.json', JSON.stringify(v));
    expect(errs.map((e) => [e.code, e.path])).toEqual([
      ['data-action.template.not-inline', '$.config.request.requestTemplateUri'],
      ['data-action.template.not-inline', '$.config.response.successTemplateUri'],
    ]);
    expect(errs[0]!.fix).toMatch(/genesys-pull/);
    expect(errs[0]!.fix).toMatch(/requesttemplate\.vm/);
  });

  test('a JSON file that is no Data Action at all', () => {
    const [e] = errorsOf('data-actions/crm/schema.json', '{"type": "object", "properties": {}}');
    expect(e).toMatchObject({ code: 'data-action.shape.unknown', path: '$' });
    expect(e!.fix).toMatch(/cases\.json/);
  });

  test('not an object', () => {
    expect(errorsOf('a.json', '"hello"')[0]!.code).toBe('data-action.shape.invalid');
  });
});

describe('slugs', () => {
  test.each([
    ['data-actions/crm/get-customer-summary.json', 'get-customer-summary'],
    ['exports/Send Agentless Outbound Message.custom.json', 'Send-Agentless-Outbound-Message'],
    ['Office-365-Auth.customAuth.json', 'Office-365-Auth'],
    ['x/y__action.from-tf.json', 'y__action'],
    ['weird ü name?.json', 'weird-name'],
    ['Limitless---Return-from-SmartCrowd-v1-2021062184337.custom.json', 'Limitless-Return-from-SmartCrowd'],
    ['Get-Ids-v2-20210721153212..json', 'Get-Ids'],
  ])('%s -> %s', (file, slug) => {
    expect(slugFromFile(file)).toBe(slug);
  });
});
