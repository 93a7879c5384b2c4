import type { DataAction } from './model';
import { validateAgainst, validateInput, validateOutput } from './validate';

function action(inputSchema: Record<string, unknown>, outputSchema: Record<string, unknown>): DataAction {
  return {
    name: 'V',
    slug: 'v',
    file: 'v.json',
    pointer: '$',
    format: 'ui-export',
    secure: false,
    request: { urlTemplate: '/x', method: 'GET', headers: {}, bodyTemplate: '' },
    response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' },
    inputSchema,
    outputSchema,
  };
}

const a = action(
  {
    type: 'object',
    required: ['customerId'],
    properties: { customerId: { type: 'string' }, count: { type: 'integer' }, flag: { type: 'boolean' } },
  },
  {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      score: { type: 'number' },
      level: { type: 'integer' },
      kind: { type: 'string', enum: ['a', 'b'] },
      items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
      maybe: { type: ['string', 'null'] },
    },
  },
);

describe('draft-04, no coercion', () => {
  test('valid output, extra properties allowed', () => {
    expect(
      validateOutput(a, { name: 'x', score: 1.5, level: 2, extra: { any: 1 }, items: [{ id: 'i' }], maybe: null }),
    ).toEqual([]);
  });

  test('"5" is not an integer, null is not a string, 1.5 is not an integer', () => {
    const issues = validateOutput(a, { name: null, level: '5', score: '1.5', items: [{ id: 7 }] });
    expect(issues.map((i) => [i.field, i.rule, i.expected, i.actual])).toEqual([
      ['/name', 'type', 'string', 'null'],
      ['/score', 'type', 'number', 'string'],
      ['/level', 'type', 'integer', 'string'],
      ['/items/0/id', 'type', 'string', 'integer'],
    ]);
    expect(issues[0]!.message).toBe(
      '/name: instance type (null) does not match any allowed primitive type (allowed: ["string"])',
    );
    expect(issues.every((i) => i.code === 'output.schema.invalid')).toBe(true);
    expect(validateOutput(a, { name: 'x', level: 1.5 })[0]).toMatchObject({
      field: '/level',
      expected: 'integer',
      actual: 'number',
    });
  });

  test('required and enum name the field', () => {
    expect(validateOutput(a, { kind: 'c' }).map((i) => [i.field, i.rule])).toEqual([
      ['/name', 'required'],
      ['/kind', 'enum'],
    ]);
  });

  test('input: null keys are dropped first (Genesys since 2024-03-15), then validated without coercion', () => {
    expect(validateInput(a, { customerId: 'c', count: null })).toEqual([]);
    const issues = validateInput(a, { customerId: null, count: '3', flag: 'true' });
    expect(issues.map((i) => [i.code, i.field, i.rule])).toEqual([
      ['input.schema.invalid', '/customerId', 'required'],
      ['input.schema.invalid', '/count', 'type'],
      ['input.schema.invalid', '/flag', 'type'],
    ]);
  });

  test('draft-04 specifics: exclusiveMaximum as boolean, tuple items', () => {
    const s = {
      type: 'object',
      properties: {
        n: { type: 'number', maximum: 5, exclusiveMaximum: true },
        t: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
      },
    };
    expect(validateAgainst(s, { n: 4, t: ['a', 1] }, 'output.schema.invalid')).toEqual([]);
    expect(validateAgainst(s, { n: 5, t: ['a', 'b'] }, 'output.schema.invalid').map((i) => [i.field, i.rule])).toEqual([
      ['/n', 'maximum'],
      ['/t/1', 'type'],
    ]);
  });

  test('root array schema', () => {
    const s = { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } };
    expect(validateAgainst(s, [{ id: 'a' }], 'output.schema.invalid')).toEqual([]);
    expect(validateAgainst(s, { id: 'a' }, 'output.schema.invalid')[0]).toMatchObject({
      field: '',
      expected: 'array',
      actual: 'object',
    });
  });

  test('formats the Java validator knows are checked; unknown formats are ignored', () => {
    const s = {
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        mail: { type: 'string', format: 'email' },
        ip: { type: 'string', format: 'ipv4' },
        odd: { type: 'string', format: 'YYYY-MM-DDThh:mm:ss/YYYY-MM-DDThh:mm:ss' },
      },
    };
    expect(
      validateAgainst(
        s,
        { at: '2024-03-15T10:00:00.000Z', mail: 'a@b.c', ip: '10.0.0.1', odd: 'anything' },
        'output.schema.invalid',
      ),
    ).toEqual([]);
    expect(
      validateAgainst(s, { at: '2024-03-15', mail: 'nope', ip: '300.1.1.1' }, 'output.schema.invalid').map((i) => [
        i.field,
        i.rule,
        i.expected,
      ]),
    ).toEqual([
      ['/at', 'format', 'date-time'],
      ['/mail', 'format', 'email'],
      ['/ip', 'format', 'ipv4'],
    ]);
  });

  test('a broken schema is reported, not thrown', () => {
    expect(validateAgainst({ type: 'nonsense' }, {}, 'output.schema.invalid')[0]).toMatchObject({
      code: 'schema.unsupported',
    });
  });
});
