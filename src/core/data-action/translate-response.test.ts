import type { DataAction, RawResponse } from './model';
import { flattenOutput, translateResponse, translateResponseAsync } from './translate-response';

function action(
  response: Partial<DataAction['response']>,
  outputSchema: Record<string, unknown> = { type: 'object' },
): DataAction {
  return {
    name: 'Test Action',
    slug: 'test-action',
    file: 'data-actions/test/test-action.json',
    pointer: '$',
    format: 'ui-export',
    secure: false,
    request: { urlTemplate: '/x', method: 'GET', headers: {}, bodyTemplate: '${input.rawRequest}' },
    response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}', ...response },
    inputSchema: { type: 'object', properties: {} },
    outputSchema,
  };
}

const ok = (body: unknown): RawResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body });

describe('native translation', () => {
  test('${rawResult} passes the body through', () => {
    const r = translateResponse(action({}), ok({ a: [1, { b: 'c' }] }));
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual({ a: [1, { b: 'c' }] });
    expect(r.renderedSuccessTemplate).toBe('{"a":[1,{"b":"c"}]}');
  });

  test('variables reach the template as JSON text: strings keep their quotes and escapes', () => {
    const a = action({
      translationMap: {
        name: '$.customer.name',
        age: '$.customer.age',
        vip: '$.customer.vip',
        tags: '$.customer.tags',
        nothing: '$.customer.nothing',
        addr: '$.customer.address',
      },
      successTemplate:
        '{"name": ${name}, "age": ${age}, "vip": ${vip}, "tags": ${tags}, "nothing": ${nothing}, "addr": ${addr}}',
    });
    const body = {
      customer: {
        name: 'Ann "the" O\'Neil\n',
        age: 42,
        vip: false,
        tags: ['a'],
        nothing: null,
        address: { city: 'Oslo' },
      },
    };
    const r = translateResponse(a, ok(body));
    expect(r.errors).toEqual([]);
    expect(r.translation['name']).toEqual({
      path: '$.customer.name',
      value: 'Ann "the" O\'Neil\n',
      json: '"Ann \\"the\\" O\'Neil\\n"',
      resolved: true,
      defaulted: false,
    });
    expect(r.output).toEqual({ ...body.customer, addr: body.customer.address, address: undefined });
  });

  test('the classic bug: quoting a variable in the template ("${name}") breaks JSON', () => {
    const r = translateResponse(
      action({ translationMap: { name: '$.name' }, successTemplate: '{"name": "${name}"}' }),
      ok({ name: 'Ann' }),
    );
    expect(r.output).toBeUndefined();
    expect(r.errors[0]!.code).toBe('translation.output.not-json');
    expect(r.errors[0]!.message).toContain('{"name": ""Ann""}');
    expect(r.errors[0]!.fix).toMatch(/without quotes/);
    expect(r.errors[0]!.path).toBe('$.config.response.successTemplate');
  });

  describe('translationMapDefaults', () => {
    const a = action({
      translationMap: {
        queueId: '$.queue.id',
        count: '$.conversations.size()',
        ids: '$.entities[*].id',
        first: '$.entities[0].id',
      },
      translationMapDefaults: { queueId: '"none"', count: '0', ids: '["x"]', first: '""' },
      successTemplate: '{"queueId": ${queueId}, "count": ${count}, "ids": ${ids}, "first": ${first}}',
    });

    test('apply only when the path does not resolve', () => {
      const r = translateResponse(a, ok({ totalHits: 0 }));
      expect(r.errors).toEqual([]);
      expect(r.output).toEqual({ queueId: 'none', count: 0, ids: ['x'], first: '' });
      expect(r.translation['count']).toMatchObject({ resolved: false, defaulted: true, json: '0', value: 0 });
    });

    test('a JSON null at the path is a value: no default', () => {
      const r = translateResponse(a, ok({ queue: { id: null }, conversations: [1, 2], entities: [{ id: 'e1' }] }));
      expect(r.output).toEqual({ queueId: null, count: 2, ids: ['e1'], first: 'e1' });
      expect(r.translation['queueId']).toMatchObject({ resolved: true, defaulted: false, json: 'null' });
    });

    test('an indefinite path matching nothing is [], not a default', () => {
      const r = translateResponse(a, ok({ entities: [] }));
      expect(r.output).toMatchObject({ ids: [], first: '' });
      expect(r.translation['ids']).toMatchObject({ resolved: true, defaulted: false, json: '[]' });
    });

    test('an unquoted string default is inserted verbatim and breaks the JSON, as on Genesys', () => {
      const b = action({
        translationMap: { build: '$.Build-Version' },
        translationMapDefaults: { build: 'UNKNOWN' },
        successTemplate: '{ "build": ${build} }',
      });
      const r = translateResponse(b, ok({}));
      expect(r.output).toBeUndefined();
      expect(r.renderedSuccessTemplate).toBe('{ "build": UNKNOWN }');
      expect(r.errors[0]!.code).toBe('translation.output.not-json');
      expect(r.errors[0]!.fix).toContain('"build": "UNKNOWN" is not JSON text');
      expect(r.translation['build']).toMatchObject({ defaulted: true, json: 'UNKNOWN', value: 'UNKNOWN' });
    });

    test('a default without translationMap entry defines a variable', () => {
      const b = action({ translationMapDefaults: { fixed: '"v"' }, successTemplate: '{"f": ${fixed}}' });
      expect(translateResponse(b, ok({})).output).toEqual({ f: 'v' });
    });
  });

  test('no default and the path does not resolve: the action fails, naming the variable', () => {
    const r = translateResponse(
      action({ translationMap: { id: '$.data.id' }, successTemplate: '{"id": ${id}}' }),
      ok({}),
    );
    expect(r.output).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: 'translation.path.not-found',
      path: '$.config.response.translationMap.id',
      file: 'data-actions/test/test-action.json',
    });
    expect(r.errors[0]!.message).toContain("Missing property in path $['data']");
  });

  test('firstFromArray over a filter result', () => {
    const a = action({
      translationMap: { ids: "$.participants[?(@.purpose == 'customer')].id" },
      successTemplate: '{"id": ${successTemplateUtils.firstFromArray("${ids}", "$esc.quote$esc.quote")}}',
    });
    expect(
      translateResponse(
        a,
        ok({
          participants: [
            { purpose: 'agent', id: 'a' },
            { purpose: 'customer', id: 'c' },
          ],
        }),
      ).output,
    ).toEqual({ id: 'c' });
    expect(translateResponse(a, ok({ participants: [] })).output).toEqual({ id: '' });
  });

  test('an invalid JSONPath is an error naming the entry', () => {
    const r = translateResponse(
      action({ translationMap: { id: '$$.id' }, successTemplate: '{"id": ${id}}' }),
      ok({ id: 'x' }),
    );
    expect(r.errors[0]).toMatchObject({
      code: 'translation.jsonpath.syntax',
      path: '$.config.response.translationMap.id',
    });
  });

  test('a Velocity error (undefined variable) surfaces as a template error', () => {
    const r = translateResponse(action({ successTemplate: '{"x": ${Nope}}' }), ok({}));
    expect(r.output).toBeUndefined();
    expect(r.errors[0]!.message).toMatch(/Transform failed to process result using 'successTemplate'/);
    expect(r.errors[0]!.path).toBe('$.config.response.successTemplate');
  });

  test('an empty 2xx body (204) translates as {} so pass-through actions with an empty contract succeed', () => {
    const r = translateResponse(action({}, { type: 'object', properties: {} }), {
      status: 204,
      headers: {},
      body: undefined,
    });
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual({});
    expect(translateResponse(action({}), { status: 200, headers: {}, body: '' }).output).toEqual({});
  });

  test('non-2xx: the failure path, nothing translated', () => {
    const r = translateResponse(action({ translationMap: { id: '$.id' }, successTemplate: '{"id": ${id}}' }), {
      status: 404,
      headers: {},
      body: { message: 'not found' },
    });
    expect(r.failed).toBe(true);
    expect(r.output).toBeUndefined();
    expect(r.translation).toEqual({});
    expect(r.errors[0]!.code).toBe('translation.http.status');
    expect(r.errors[0]!.message).toContain('404');
  });
});

describe('JSONata translation', () => {
  const a = action({
    jsonata: {
      expression:
        '{ "name": customer.name, "open": $count(tickets[status="open"]), "status": $status, "who": $input.customerId, "ct": $headers."content-type" }',
      source: 'x.jsonata',
    },
  });
  const body = { customer: { name: 'Ann' }, tickets: [{ status: 'open' }, { status: 'closed' }, { status: 'open' }] };

  test('evaluates against the raw body with $input, $status, $headers', async () => {
    const r = await translateResponseAsync(a, ok(body), { input: { customerId: 'c1' } });
    expect(r.errors).toEqual([]);
    expect(r.mode).toBe('jsonata');
    expect(r.output).toEqual({ name: 'Ann', open: 2, status: 200, who: 'c1', ct: 'application/json' });
  });

  test('$headers also answers lower-case names', async () => {
    const r = await translateResponseAsync(
      a,
      { status: 201, headers: { 'Content-Type': 'text/json' }, body },
      { input: { customerId: 'c2' } },
    );
    expect(r.output).toEqual({ name: 'Ann', open: 2, status: 201, who: 'c2', ct: 'text/json' });
  });

  test('the synchronous translateResponse says a JSONata translation needs translateResponseAsync', () => {
    const r = translateResponse(a, ok(body));
    expect(r.output).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'translation.jsonata.async', file: 'x.jsonata' });
    expect(r.errors[0]?.fix).toMatch(/translateResponseAsync/);
    const inline = translateResponse(
      action({ jsonata: { expression: '{}', source: '$.config.response.jsonata' } }),
      ok(body),
    );
    expect(inline.errors[0]).toMatchObject({
      code: 'translation.jsonata.async',
      file: 'data-actions/test/test-action.json',
      path: '$.config.response.jsonata',
    });
  });

  test('syntax and runtime errors are reported with the source', async () => {
    const bad = action({ jsonata: { expression: '{ "a": ', source: 'crm/x.jsonata' } });
    const r = await translateResponseAsync(bad, ok({}));
    expect(r.errors[0]).toMatchObject({ code: 'translation.jsonata.failed', file: 'crm/x.jsonata' });
    const runtime = action({ jsonata: { expression: '$number("abc")', source: '$.config.response.jsonata' } });
    const r2 = await translateResponseAsync(runtime, ok({}));
    expect(r2.errors[0]).toMatchObject({
      code: 'translation.jsonata.failed',
      path: '$.config.response.jsonata',
      file: 'data-actions/test/test-action.json',
    });
  });

  test('non-2xx is a failure for JSONata too', async () => {
    expect((await translateResponseAsync(a, { status: 500, headers: {}, body: {} })).failed).toBe(true);
  });
});

describe('flattenOutput (Architect format)', () => {
  test('nested objects -> dotted keys; primitive arrays stay; arrays of objects -> one array per leaf', () => {
    expect(
      flattenOutput({
        data: { 'my field': 'x', n: { deep: 1 } },
        tags: ['a', 'b'],
        entities: [{ id: 'a', owner: { name: 'o1' } }, { id: 'b' }, { owner: { name: 'o3' } }],
        empty: [],
        top: null,
      }),
    ).toEqual({
      'data.my field': 'x',
      'data.n.deep': 1,
      tags: ['a', 'b'],
      'entities.id': ['a', 'b', null],
      'entities.owner.name': ['o1', null, 'o3'],
      empty: [],
      top: null,
    });
  });
});

describe('Function integrations', () => {
  test('stringified JSON bodies are parsed first', () => {
    const a = {
      ...action({ translationMap: { n: '$.n' }, successTemplate: '{"n": ${n}}' }),
      integrationType: 'function-data-actions',
    };
    expect(translateResponse(a, ok('{"n": 3}')).output).toEqual({ n: 3 });
  });
});
