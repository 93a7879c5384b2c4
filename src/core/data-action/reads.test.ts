import type { DataAction } from './model';
import { responseFieldsRead, type FieldRead } from './reads';

function action(
  response: Partial<DataAction['response']>,
  outputSchema: Record<string, unknown> = { type: 'object' },
): DataAction {
  return {
    name: 'R',
    slug: 'r',
    file: 'r.json',
    pointer: '$',
    format: 'ui-export',
    secure: false,
    request: { urlTemplate: '/x', method: 'GET', headers: {}, bodyTemplate: '' },
    response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '{}', ...response },
    inputSchema: { type: 'object' },
    outputSchema,
  };
}

/** Compact form: `a.b[0][*]{f.g}` with usage and flags. */
function show(reads: FieldRead[]): string[] {
  return reads.map((r) => {
    const p = r.steps
      .map((s) =>
        s.kind === 'key'
          ? `.${s.key}`
          : s.kind === 'index'
            ? `[${s.index}]`
            : `[*${s.filterFields.length ? `?${s.filterFields.map((f) => f.join('.')).join(',')}` : ''}]`,
      )
      .join('');
    return `${r.variable} $${p} ${r.usage}${r.hasDefault ? ' default' : ''}${r.whole ? ' whole' : ''}${r.deep ? ' deep' : ''}`;
  });
}

describe('translationMap reads', () => {
  test('definite paths, indexes, wildcards, filters, functions, deep scans, unions', () => {
    const a = action(
      {
        translationMap: {
          name: '$.customer.name',
          first: "$.items[0]['id']",
          ids: '$.items[*].id',
          open: "$.tickets[?(@.status == 'open' && @.owner.id)].id",
          count: '$.conversations.size()',
          email: '$..EmailAddress',
          both: "$.a['x','y']",
          total: '$.prices.sum()',
          ref: '$.list[?(@.id == $.selected)].name',
        },
        translationMapDefaults: { count: '0' },
      },
      { type: 'object', properties: { name: { type: 'string' }, ids: { type: 'array', items: { type: 'string' } } } },
    );
    expect(show(responseFieldsRead(a))).toEqual([
      'name $.customer.name value',
      'first $.items[0].id value',
      'ids $.items[*].id value',
      'open $.tickets[*?status,owner.id].id value',
      'count $.conversations size default whole',
      'email $.EmailAddress value deep',
      'both $.a.x value',
      'both $.a.y value',
      'total $.prices[*] value',
      'ref $.list[*?id].name value',
      'ref $.selected filter',
    ]);
    const reads = responseFieldsRead(a);
    expect(reads[0]!.schema).toEqual({ type: 'string' });
    expect(reads[2]!.schema).toEqual({ type: 'string' });
  });

  test('filters carry values that make them match (== and in, along the && spine only)', () => {
    const a = action({
      translationMap: {
        x: "$.p[?(@.purpose == 'acd' && @.sessions[0].flowInType == 'agent')].id",
        y: "$.q[?(@.kind in ['a','b'] || @.other == 'z')].id",
        z: "$.r[?(!(@.state == 'gone') && @.n > 3)].id",
      },
    });
    const steps = responseFieldsRead(a).map((r) => r.steps[1]);
    expect(steps).toEqual([
      { kind: 'each', filterFields: [['purpose'], ['sessions']], filterValues: [{ field: ['purpose'], value: 'acd' }] },
      { kind: 'each', filterFields: [['kind'], ['other']], filterValues: [{ field: ['kind'], value: 'a' }] },
      { kind: 'each', filterFields: [['state'], ['n']] },
    ]);
  });

  test('the success template tells which output property (and schema) a variable feeds', () => {
    const a = action(
      {
        translationMap: {
          NumWaiting: '$..data[?(@.metric=="oWaiting")].stats.count',
          names: '$.entities[*].name',
          whole: '$.value',
        },
        successTemplate:
          '{"NUM_WAITING": ${successTemplateUtils.firstFromArray("${NumWaiting}", "0")}, "skillNames": ${names}}',
      },
      {
        type: 'object',
        properties: { NUM_WAITING: { type: 'number' }, skillNames: { type: 'array', items: { type: 'string' } } },
      },
    );
    const reads = responseFieldsRead(a);
    expect(reads.map((r) => [r.variable, r.schema])).toEqual([
      ['NumWaiting', { type: 'number' }],
      ['names', { type: 'string' }],
      ['whole', undefined],
    ]);
    const b = action(
      { translationMap: { contact: '$.value' }, successTemplate: '${contact}' },
      { type: 'array', items: { type: 'object' } },
    );
    expect(responseFieldsRead(b)[0]!.schema).toEqual({ type: 'array', items: { type: 'object' } });
  });

  test('an invalid JSONPath throws a CxpactError naming the entry', () => {
    expect(() => responseFieldsRead(action({ translationMap: { id: '$$.id' } }))).toThrow(
      expect.objectContaining({ code: 'translation.jsonpath.syntax', path: '$.config.response.translationMap.id' }),
    );
  });
});

describe('rawResult reads', () => {
  test('${rawResult} pass-through reads the output schema leaves', () => {
    const a = action(
      { successTemplate: '${rawResult}' },
      {
        type: 'object',
        properties: {
          id: { type: 'string' },
          owner: { type: 'object', properties: { name: { type: 'string' } } },
          tags: { type: 'array', items: { type: 'string' } },
          entities: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
          meta: { type: 'object' },
        },
      },
    );
    expect(show(responseFieldsRead(a))).toEqual([
      'id $.id value',
      'name $.owner.name value',
      'tags $.tags value whole',
      'id $.entities[*].id value',
      'meta $.meta value whole',
    ]);
  });

  test('an empty output schema with ${rawResult}: the whole body is read', () => {
    expect(
      show(responseFieldsRead(action({ successTemplate: '${rawResult}' }, { type: 'object', properties: {} }))),
    ).toEqual(['$ $ value whole']);
  });

  test('rawResult used inside a bigger template reads the whole body', () => {
    expect(show(responseFieldsRead(action({ successTemplate: '{"wrapped": ${rawResult}}' })))).toEqual([
      'rawResult $ value whole',
    ]);
  });

  test('no rawResult, no translationMap: nothing is read', () => {
    expect(responseFieldsRead(action({ successTemplate: '{}' }))).toEqual([]);
  });
});

describe('JSONata reads', () => {
  test('paths, filters, indexes, functions, object constructors and bound variables', () => {
    const a = action({
      jsonata: {
        expression:
          '($c := customer; { "name": $c.name, "open": $count(tickets[status="open"]), "first": items[0].sku, "city": customer.address.city, "hasVip": $exists(customer.vip) })',
        source: 'x.jsonata',
      },
    });
    expect(show(responseFieldsRead(a))).toEqual([
      'name $.customer.name value',
      'open $.tickets[*?status] size',
      'first $.items[0].sku value',
      'city $.customer.address.city value',
      'hasVip $.customer.vip exists',
    ]);
  });

  test('JSONata filters carry values that make them match', () => {
    const a = action({
      jsonata: { expression: '$count(products[status = "active" and tier = 2])', source: 'x.jsonata' },
    });
    expect(responseFieldsRead(a)[0]!.steps).toEqual([
      { kind: 'key', key: 'products' },
      {
        kind: 'each',
        filterFields: [['status'], ['tier']],
        filterValues: [
          { field: ['status'], value: 'active' },
          { field: ['tier'], value: 2 },
        ],
      },
    ]);
  });

  test('lambdas of higher-order functions, descendants, conditions on values', () => {
    const a = action({
      jsonata: {
        expression:
          '{ "ids": $map(items, function($i) { $i.id }), "email": **.email, "when": status = "open" ? openedAt : closedAt, "flag": vip ? "y" : "n" }',
        source: 'x.jsonata',
      },
    });
    expect(show(responseFieldsRead(a))).toEqual([
      'ids $.items[*].id value',
      'email $.email value deep',
      'when $.status value',
      'when $.openedAt value',
      'when $.closedAt value',
      'flag $.vip exists',
    ]);
  });

  test('a JSONata syntax error throws naming the .jsonata file', () => {
    expect(() => responseFieldsRead(action({ jsonata: { expression: '{ "a": ', source: 'crm/x.jsonata' } }))).toThrow(
      expect.objectContaining({ code: 'translation.jsonata.syntax', file: 'crm/x.jsonata' }),
    );
  });
});
