// Budgets and limits in the engines (issue 11): every hostile construct ends in a finding naming the construct, the
// file and the field, never in a hang, a crash or a raw JavaScript error.
import fs from 'node:fs';
import path from 'node:path';
import { renderVelocity } from '../velocity';
import { compileJsonPath, isDefinite, parseJsonPath } from '../jsonpath';
import { setDefaultLimits } from '../limits';
import { findJsonSyntaxError } from '../json-syntax';
import { evaluateJsonata } from './jsonata';
import { parseDefinitionFile } from './parse';
import { renderRequest } from './render-request';
import { translateResponse, translateResponseAsync } from './translate-response';
import { validateAgainst } from './validate';
import type { DataAction } from './model';

const EVIL = `${'a'.repeat(40)}b`;
const LOOKUP_FILE = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'data-actions',
  'crm-customer-api',
  'lookup-customer-by-phone.json',
);
const lookupText = (): Record<string, any> => JSON.parse(fs.readFileSync(LOOKUP_FILE, 'utf8')) as Record<string, any>;

function action(patch: (d: Record<string, any>) => void): DataAction {
  const d = lookupText();
  patch(d);
  const r = parseDefinitionFile('/defs/crm/lookup.json', JSON.stringify(d));
  expect(r.errors).toEqual([]);
  return r.actions[0] as DataAction;
}

function errorOf(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected an error');
}

afterAll(() => {
  setDefaultLimits({});
});

describe('Velocity under a budget', () => {
  it('answers $s.matches("(a+)+$") on a 41-character value (linear-time regex)', () => {
    expect(
      renderVelocity('$s.matches("(a+)+$")|$s.replaceAll("(a|aa)+", "x")|$s.split("(a+)+").size()', { s: EVIL }),
    ).toBe('false|xb|2');
  });

  it('stops nested #foreach loops of 10^12 steps at the step budget, naming the loop', () => {
    const e = errorOf(() =>
      renderVelocity(
        '#foreach($i in [1..1000000])\n  #foreach($j in [1..1000000])x#end#end',
        {},
        { name: 'requestTemplate' },
      ),
    );
    expect(e).toMatchObject({ code: 'budget.steps', line: 2, column: 3 });
    expect(String(e['message'])).toMatch(
      /more than 2,000,000 steps in #foreach \(\$j in \.\.\.\) at requestTemplate\[line 2, column 3\]/,
    );
  });

  it('refuses strings past the output limit (doubling, repeat, addAll) before they are built', () => {
    expect(
      errorOf(() => renderVelocity('#set($s = "ab")#foreach($i in [1..60])#set($s = "$s$s")#end$s', {})),
    ).toMatchObject({ code: 'limit.output' });
    expect(errorOf(() => renderVelocity('$s.repeat(2000000000)', { s: 'ab' }))).toMatchObject({ code: 'limit.output' });
    expect(
      errorOf(() => renderVelocity('#set($l = [1])#foreach($i in [1..64])#set($x = $l.addAll($l))#end', {})),
    ).toMatchObject({ code: 'limit.output' });
  });

  it('refuses templates nested past the depth limit with a syntax error at the spot', () => {
    expect(errorOf(() => renderVelocity(`#set($x = ${'('.repeat(5000)}1${')'.repeat(5000)})$x`, {}))).toMatchObject({
      code: 'velocity.syntax',
    });
    expect(
      String(errorOf(() => renderVelocity(`${'#if(true)'.repeat(3000)}x${'#end'.repeat(3000)}`, {}))['message']),
    ).toMatch(/nests deeper than 100 levels/);
    expect(errorOf(() => renderVelocity(`#set($x = 1${' + 1'.repeat(10_000)})$x`, {}))).toMatchObject({
      code: 'velocity.syntax',
    });
    expect(renderVelocity(`#set($x = 1${' + 1'.repeat(50)})$x`, {})).toBe('51');
  });

  it('keeps $foreach (one scope per loop) right in nested loops', () => {
    expect(
      renderVelocity(
        '#foreach($a in [1..2])#foreach($b in [1..2])$foreach.parent.index$foreach.index$foreach.hasNext #end#end',
        {},
      ),
    ).toBe('00true 01false 10true 11false ');
  });

  it('renders a long reference chain (canonical names computed once per reference)', () => {
    const chain = `$m${'.get("k")'.repeat(5000)}`;
    let m: Record<string, unknown> = { k: 'end' };
    for (let i = 1; i < 5000; i++) m = { k: m };
    expect(renderVelocity(chain, { m })).toBe('end');
  });
});

describe('JSONPath under a budget', () => {
  it('answers a catastrophic =~ filter on a 41-character value', () => {
    const r = compileJsonPath('$.items[?(@.name =~ /(a+)+$/)].id').evaluate({
      items: [
        { name: EVIL, id: 1 },
        { name: 'aaa', id: 2 },
      ],
    });
    expect(r.value).toEqual([2]);
  });

  it('refuses filters nested or chained past the depth limit', () => {
    expect(() => parseJsonPath(`$.a[?(${'!'.repeat(5000)}@.b)]`)).toThrow(/nests deeper than 100 levels/);
    expect(() => parseJsonPath(`$.a[?(${Array.from({ length: 5000 }, () => '@.b').join(' && ')})]`)).toThrow(
      /nests deeper/,
    );
    expect(() => parseJsonPath(`$.a[?(@.b in ${'['.repeat(5000)})]`)).toThrow(/nests deeper/);
    expect(() => parseJsonPath(`$${'.a'.repeat(20_000)}`)).toThrow(/more than 100 steps/);
  });

  it('decides definiteness in one pass (trailing functions keep a path definite)', () => {
    expect(isDefinite(parseJsonPath('$.a.b.length()'))).toBe(true);
    expect(isDefinite(parseJsonPath("$['a','b']"))).toBe(true);
    expect(isDefinite(parseJsonPath("$['a','b'].c"))).toBe(false);
    expect(isDefinite(parseJsonPath(`$${'.a'.repeat(90)}.length()`))).toBe(true);
  });
});

describe('JSONata under a budget', () => {
  it('stops runaway recursion at the time budget', async () => {
    setDefaultLimits({ timeMs: 300 });
    const expr = '($f := function($n){ $f($n + 1) }; $f(1))';
    const inProcess = await evaluateJsonata(expr, {}, {});
    expect(inProcess).toMatchObject({ ok: false });
    expect(!inProcess.ok && inProcess.error).toMatch(/time budget/);
    setDefaultLimits({});
  });

  it('runs regex literals on the linear-time engine', async () => {
    expect(
      await evaluateJsonata('[$match(s, /(a+)+$/), $contains(s, /(a|aa)+b/), $replace(s, /a+/, "x")]', { s: EVIL }, {}),
    ).toEqual({ ok: true, value: [true, 'xb'] });
    expect(await evaluateJsonata('$replace(s, /(a+)+b/, "y")', { s: EVIL }, {})).toEqual({ ok: true, value: 'y' });
  });

  it('refuses a result nested past the depth limit', async () => {
    const a = action((d) => {
      delete d['config'].response.successTemplate;
      d['config'].response.jsonata = `${'['.repeat(150)}1${']'.repeat(150)}`;
    });
    const r = await translateResponseAsync(a, { status: 200, headers: {}, body: {} });
    expect(r.errors[0]).toMatchObject({ code: 'limit.depth', file: '/defs/crm/lookup.json' });
  });
});

describe('translation and rendering limits', () => {
  const ok = {
    status: 200,
    headers: {},
    body: { customer: { customerId: 'C', fullName: 'A', tier: 'gold', openTickets: 1, flags: { blacklisted: false } } },
  };

  it('reports a success-template loop that spends the budget at the template', () => {
    const a = action(
      (d) =>
        (d['config'].response.successTemplate = '#foreach($i in [1..1000000])#foreach($j in [1..1000000])#end#end{}'),
    );
    expect(translateResponse(a, ok).errors[0]).toMatchObject({
      code: 'budget.steps',
      file: '/defs/crm/lookup.json',
      path: '$.config.response.successTemplate',
    });
  });

  it('refuses a deeply nested success-template output and response body', () => {
    const a = action(
      (d) =>
        (d['config'].response.successTemplate =
          '#set($o = "1")#foreach($i in [1..20000])#set($o = "[$o]")#end{"deep": $o}'),
    );
    expect(translateResponse(a, ok).errors[0]).toMatchObject({
      code: 'limit.depth',
      path: '$.config.response.successTemplate',
    });
    let body: unknown = 1;
    for (let i = 0; i < 10_000; i++) body = { customer: body };
    expect(
      translateResponse(
        action(() => undefined),
        { status: 200, headers: {}, body },
      ).errors[0],
    ).toMatchObject({ code: 'limit.depth' });
  });

  it('refuses deeply nested inputs before rendering', () => {
    let input: Record<string, unknown> = { phoneNumber: '+15551234567' };
    for (let i = 0; i < 10_000; i++) input = { phoneNumber: '+1', child: input };
    expect(
      errorOf(() =>
        renderRequest(
          action(() => undefined),
          input,
        ),
      ),
    ).toMatchObject({ code: 'limit.depth', file: '/defs/crm/lookup.json' });
  });
});

describe('validation limits', () => {
  it('enforces each schema pattern on its own (patterns run on RE2 through ajv)', () => {
    const a = { type: 'object', properties: { p: { type: 'string', pattern: '^A+$' } } };
    const b = { type: 'object', properties: { p: { type: 'string', pattern: '^B+$' } } };
    expect(validateAgainst(a, { p: 'AA' }, 'output.schema.invalid')).toEqual([]);
    expect(validateAgainst(b, { p: 'AA' }, 'output.schema.invalid')).toHaveLength(1);
    expect(
      validateAgainst(
        { type: 'object', properties: { p: { pattern: '(a+)+$' } } },
        { p: EVIL },
        'output.schema.invalid',
      )[0],
    ).toMatchObject({ rule: 'pattern' });
  });

  it('checks a 100,000-value enum through a Set, with a short message', () => {
    const schema = {
      type: 'object',
      properties: { k: { type: 'string', enum: Array.from({ length: 100_000 }, (_, i) => `value-${i}`) } },
    };
    expect(validateAgainst(schema, { k: 'value-99999' }, 'input.schema.invalid')).toEqual([]);
    const issue = validateAgainst(schema, { k: 'nope' }, 'input.schema.invalid')[0];
    expect(issue).toMatchObject({ field: '/k', rule: 'enum', schemaPath: '#/properties/k/enum' });
    expect(issue?.message.length).toBeLessThan(400);
    expect(issue?.message).toContain('(100000 values)');
    const objects = { enum: Array.from({ length: 100 }, (_, i) => ({ id: i, tags: ['a'] })) };
    expect(validateAgainst(objects, { tags: ['a'], id: 7 }, 'output.schema.invalid')).toEqual([]);
    expect(validateAgainst(objects, { tags: ['b'], id: 7 }, 'output.schema.invalid')).toHaveLength(1);
  });

  it('refuses schemas too deep or too large, and values too deep, with limit codes', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10_000; i++) deep = { type: 'object', properties: { x: deep } };
    expect(validateAgainst(deep, {}, 'output.schema.invalid')[0]).toMatchObject({ code: 'limit.depth' });
    const props: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) props[`p${i}`] = { type: 'string' };
    expect(validateAgainst({ type: 'object', properties: props }, {}, 'output.schema.invalid')[0]).toMatchObject({
      code: 'limit.size',
    });
    let value: unknown = 1;
    for (let i = 0; i < 10_000; i++) value = { child: value };
    expect(
      validateAgainst({ type: 'object', properties: { child: { $ref: '#' } } }, value, 'output.schema.invalid')[0],
    ).toMatchObject({ code: 'limit.depth' });
  });
});

describe('definition size and depth limits', () => {
  it('locates a syntax error after 10,000 unclosed brackets without recursion', () => {
    expect(findJsonSyntaxError('['.repeat(10_000))).toEqual({
      offset: 10_000,
      reason: 'a value (a string, number, object, array, true, false or null), found the end of the file',
    });
    expect(findJsonSyntaxError(`${'{"a":['.repeat(5000)}1${']}'.repeat(5000)}`)).toBeUndefined();
    const r = parseDefinitionFile('/defs/x.json', '['.repeat(10_000));
    expect(r.errors[0]).toMatchObject({ code: 'data-action.json.malformed', file: '/defs/x.json' });
  });

  it('refuses JSON nested past the limit, naming where', () => {
    const r = parseDefinitionFile('/defs/x.json', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    expect(r.errors[0]).toMatchObject({ code: 'limit.depth', file: '/defs/x.json' });
    expect(r.errors[0]?.path).toMatch(/^\$\.a\.a\.a/);
  });

  it('refuses a file, a string or a header list above the limit, naming the field', () => {
    expect(parseDefinitionFile('/defs/x.json', ' '.repeat(9 * 1024 * 1024)).errors[0]).toMatchObject({
      code: 'limit.size',
      file: '/defs/x.json',
    });
    const long = lookupText();
    long['name'] = 'n'.repeat(70_000);
    expect(parseDefinitionFile('/defs/x.json', JSON.stringify(long)).errors[0]).toMatchObject({
      code: 'limit.size',
      path: '$.name',
    });
    const url = lookupText();
    url['config'].request.requestUrlTemplate = `https://x.example.com/${'u'.repeat(70_000)}`;
    expect(parseDefinitionFile('/defs/x.json', JSON.stringify(url)).errors[0]).toMatchObject({
      code: 'limit.size',
      path: '$.config.request.requestUrlTemplate',
    });
    const headers = lookupText();
    for (let i = 0; i < 20_000; i++) headers['config'].request.headers[`X-${i}`] = 'v';
    expect(parseDefinitionFile('/defs/x.json', JSON.stringify(headers)).errors[0]).toMatchObject({
      code: 'limit.size',
      path: '$.config.request.headers',
    });
  });

  it('refuses a .tf with deeply nested jsonencode([ (closed or not) without a stack overflow', () => {
    const tf = (inner: string): string =>
      `resource "genesyscloud_integration_action" "deep" {\n  name = "Deep"\n  category = "x"\n  integration_id = "x"\n  contract_input = jsonencode(${inner})\n  contract_output = jsonencode({ type = "object" })\n  config_request {\n    request_url_template = "https://x.example.com"\n    request_type = "GET"\n  }\n}\n`;
    for (const inner of [`${'['.repeat(10_000)}1${']'.repeat(10_000)}`, '['.repeat(10_000)]) {
      const r = parseDefinitionFile('/defs/deep.tf', tf(inner));
      expect(r.errors[0]).toMatchObject({ code: 'limit.depth', file: '/defs/deep.tf' });
      expect(r.errors[0]?.message).toMatch(/^\/defs\/deep\.tf:5:\d+: the Terraform file nests deeper than 100 levels/);
    }
  });
});
