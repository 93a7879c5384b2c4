// Pure parts of src/core/contract: matchers, cases files, folder config, response shaping, URL splitting.
import { parseCasesFile, casesFileFor } from '../../src/core/contract/cases';
import { parseFolderConfig, isDefinitionFile } from '../../src/io/layout';
import { matcherFor, matchersForValue, reify, listMatchers, enumRegex } from '../../src/core/contract/matchers';
import {
  parseSimpleJsonPath,
  pactBodyFromExample,
  exampleBody,
  removeField,
  type FieldRead,
} from '../../src/core/contract/response-shape';
import { splitUrl, requestFromRendered } from '../../src/core/contract/interaction';
import { deriveInput } from '../../src/core/contract/derive';

const read = (
  expression: string,
  variable: string,
  schema?: Record<string, unknown>,
  hasDefault = false,
): FieldRead => ({
  steps: parseSimpleJsonPath(expression) ?? [],
  expression,
  variable,
  hasDefault,
  ...(schema ? { schema } : {}),
});

describe('matchers', () => {
  it('maps enums to regex, integer vs decimal, booleans to type', () => {
    expect(matcherFor('VIP', { type: 'string', enum: ['Standard', 'Premium', 'VIP'] })).toEqual({
      'pact:matcher:type': 'regex',
      regex: '^(Standard|Premium|VIP)$',
      value: 'VIP',
    });
    expect(matcherFor(3, { type: 'integer' })).toEqual({ 'pact:matcher:type': 'integer', value: 3 });
    expect(matcherFor(2.5, { type: 'number' })).toEqual({ 'pact:matcher:type': 'decimal', value: 2.5 });
    expect(matcherFor(true, { type: 'boolean' })).toEqual({ 'pact:matcher:type': 'type', value: true });
    expect(matcherFor('x')).toEqual({ 'pact:matcher:type': 'type', value: 'x' });
  });
  it('turns arrays into eachLike and reify gives the example back', () => {
    const m = matchersForValue({
      items: [
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ],
    });
    // matchers on the first element, every element kept as example data
    expect(reify(m)).toEqual({
      items: [
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ],
    });
    expect(listMatchers(m).map((x) => `${x.path}:${x.matcher['pact:matcher:type']}`)).toEqual([
      '$.items:type',
      '$.items[*].id:type',
      '$.items[*].n:integer',
    ]);
    expect((m as Record<string, Record<string, unknown>>)['items']?.['min']).toBe(1);
  });
  it('escapes enum values in the regex', () => {
    expect(new RegExp(enumRegex(['a.b', 'c+d'])).test('aXb')).toBe(false);
  });
});

describe('cases files', () => {
  const file = 'data-actions/crm/lookup.cases.json';
  it('derives the cases file name from the definition file', () => {
    expect(casesFileFor('/x/crm/lookup.json')).toBe('/x/crm/lookup.cases.json');
    expect(casesFileFor('/x/crm/main.tf.json')).toBe('/x/crm/main.cases.json');
  });
  it('parses a valid file', () => {
    const { cases, errors } = parseCasesFile(
      file,
      JSON.stringify({
        cases: [
          {
            name: 'ok',
            providerState: { name: 's', params: { a: 1 } },
            input: { p: '1' },
            response: { status: 200, body: { a: 1 } },
          },
          { name: 'gone', kind: 'failure', providerState: 'nothing', response: { status: 404 } },
        ],
      }),
    );
    expect(errors).toEqual([]);
    expect(cases.map((c) => [c.name, c.kind, c.providerState?.name])).toEqual([
      ['ok', 'success', 's'],
      ['gone', 'failure', 'nothing'],
    ]);
  });
  it('reports malformed JSON with file and path', () => {
    const { errors } = parseCasesFile(file, '{ "cases": [');
    expect(errors[0]?.code).toBe('cases.json.malformed');
    expect(errors[0]?.file).toBe(file);
  });
  it('reports every broken field with its JSON path and a fix', () => {
    const { cases, errors } = parseCasesFile(
      file,
      JSON.stringify({
        cases: [
          { name: 'a', kind: 'weird', providerState: {}, response: { status: 200 } },
          { name: 'b', kind: 'failure', providerState: 's', response: { status: 200 } },
          { name: 'c', kind: 'absent-field', providerState: 's', response: { status: 200 }, extra: 1 },
        ],
      }),
    );
    expect(cases).toEqual([]);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.cases[0].kind',
        '$.cases[0].providerState',
        '$.cases[1].response.status',
        '$.cases[2].absentField',
        '$.cases[2].extra',
      ]),
    );
    expect(errors.every((e) => e.fix !== undefined && e.file === file)).toBe(true);
  });
});

describe('folder config', () => {
  it('accepts provider and consumer names', () => {
    expect(parseFolderConfig('c.json', '{"provider":"crm","consumer":"ivr"}')).toEqual({
      provider: 'crm',
      consumer: 'ivr',
      errors: [],
    });
  });
  it('names the bad field', () => {
    const r = parseFolderConfig('c.json', '{"provider":"has space","team":"x"}');
    expect(r.errors.map((e) => e.path).sort()).toEqual(['$.provider', '$.team']);
  });
  it('knows which files are definitions', () => {
    expect(
      [
        'a.json',
        'a.cases.json',
        'cxpact.json',
        'main.tf',
        'x.tf.json',
        'README.md',
        'a.recording.json',
        'package.json',
      ].filter(isDefinitionFile),
    ).toEqual(['a.json', 'main.tf', 'x.tf.json']);
  });
});

describe('response shaping', () => {
  it('parses paths with filters and functions', () => {
    expect(parseSimpleJsonPath("$.tickets[?(@.status == 'open')].id")).toEqual([
      { kind: 'key', key: 'tickets' },
      { kind: 'each', filterFields: [['status']], filterValues: [{ field: ['status'], value: 'open' }] },
      { kind: 'key', key: 'id' },
    ]);
    expect(parseSimpleJsonPath('$.entities.size()')).toEqual([{ kind: 'key', key: 'entities' }]);
    expect(parseSimpleJsonPath("$['a'].b[0]")).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b' },
      { kind: 'index', index: 0 },
    ]);
  });
  it('keeps only the fields read, each with a matcher', () => {
    const reads = [
      read('$.customer.id', 'customerId', { type: 'string' }),
      read('$.customer.openTickets', 'openTickets', { type: 'integer' }, true),
    ];
    const { body, missing } = pactBodyFromExample(
      { customer: { id: 'C1', openTickets: 2, email: 'x@y' }, other: 1 },
      reads,
    );
    expect(missing).toEqual([]);
    expect(reify(body)).toEqual({ customer: { id: 'C1', openTickets: 2 } });
    expect(listMatchers(body).map((m) => m.matcher['pact:matcher:type'])).toEqual(['type', 'integer']);
  });
  it('reports fields the case response lacks', () => {
    const { missing } = pactBodyFromExample({ customer: {} }, [read('$.customer.id', 'customerId')]);
    expect(missing.map((m) => m.path)).toEqual(['$.customer.id']);
  });
  it('uses the first array element that satisfies the filter fields', () => {
    const { body } = pactBodyFromExample(
      {
        tickets: [
          { id: 'x', extra: 1 },
          { id: 'T1', status: 'open', extra: 2 },
        ],
      },
      [read("$.tickets[?(@.status == 'open')].id", 'ids')],
    );
    expect(reify(body)).toEqual({ tickets: [{ id: 'x' }, { id: 'T1', status: 'open' }] });
    // the matchers come from the element holding every field read
    expect(listMatchers(body).map((m) => m.path)).toEqual(['$.tickets', '$.tickets[*].id', '$.tickets[*].status']);
  });
  it('builds example bodies from schemas and removes absent fields', () => {
    const reads = [
      read('$.a.b', 'b', { type: 'integer' }),
      read('$.list[*].name', 'names', { type: 'string', enum: ['X', 'Y'] }),
    ];
    const body = exampleBody(reads);
    expect(body).toEqual({ a: { b: 42 }, list: [{ name: 'X' }] });
    expect(removeField(body, reads[0] as FieldRead)).toEqual({ a: {}, list: [{ name: 'X' }] });
  });
});

describe('requests', () => {
  it('splits absolute and relative URLs and decodes the query', () => {
    expect(splitUrl('https://crm.example.com/api/v1/customers?phone=%2B1555&x=a+b')).toEqual({
      path: '/api/v1/customers',
      query: { phone: ['+1555'], x: ['a b'] },
      rawPathAndQuery: '/api/v1/customers?phone=%2B1555&x=a+b',
    });
    expect(splitUrl('/api/v2/users/u1').path).toBe('/api/v2/users/u1');
  });
  it('matches secret headers by regex and parses JSON bodies', () => {
    const req = requestFromRendered({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { Authorization: 'Bearer {{credentials.apiKey}}', 'Content-Type': 'application/json' },
      body: '{"a": 1}',
      secretHeaders: [{ header: 'Authorization', value: 'Bearer {{credentials.apiKey}}', regex: '^Bearer .+$' }],
    });
    expect(req.headers['Authorization']).toEqual({
      'pact:matcher:type': 'regex',
      regex: '^Bearer .+$',
      value: 'Bearer {{credentials.apiKey}}',
    });
    expect(req.body).toEqual({ kind: 'json', json: { a: 1 }, contentType: 'application/json' });
  });
  it('derives inputs from examples, enums, defaults and patterns', () => {
    expect(
      deriveInput({
        properties: {
          phone: { type: 'string', pattern: '^\\+[0-9]+$' },
          tier: { type: 'string', enum: ['Gold'] },
          n: { type: 'integer', default: 3 },
          ok: { type: 'boolean' },
          id: { type: 'string', examples: ['ID-1'] },
        },
      }),
    ).toEqual({ phone: '+15551234567', tier: 'Gold', n: 3, ok: true, id: 'ID-1' });
  });
});

describe('literal credentials', () => {
  it('never puts a literal Authorization value in the interaction', () => {
    const req = requestFromRendered({
      method: 'GET',
      url: '/x',
      headers: {
        Authorization: 'Bearer 123-abc-12345678-1234-1234-1234-1234567890ab',
        'X-Api-Key': 'k-98765',
        Accept: 'application/json',
      },
      secretHeaders: [],
    });
    expect(JSON.stringify(req)).not.toMatch(/1234567890ab|k-98765/);
    expect(req.headers['Authorization']).toEqual({
      'pact:matcher:type': 'regex',
      regex: '^Bearer\\s+.+$',
      value: 'Bearer {{redacted}}',
    });
    expect(req.headers['Accept']).toBe('application/json');
    expect(req.redactedHeaders).toEqual(['Authorization', 'X-Api-Key']);
  });
});
