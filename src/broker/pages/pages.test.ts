// The page pieces without a browser: relative times, status chips, escaping, and the pact renderer's reading of
// matching rules in the V2, V3 and V4 forms (which field each rule is shown beside).
import { esc, relativeTime, resultCell, timeAgo } from './layout';
import { annotations, jsonLines, parsePath, renderPact, safeJson } from './pact-view';

describe('relative times', () => {
  const now = new Date('2026-05-20T12:00:00.000Z');
  test.each([
    ['2026-05-20T11:59:55.000Z', 'just now'],
    ['2026-05-20T11:59:30.000Z', '30 seconds ago'],
    ['2026-05-20T12:00:40.000Z', 'in 40 seconds'],
    ['2026-05-20T11:57:00.000Z', '3 minutes ago'],
    ['2026-05-20T11:59:00.000Z', '1 minute ago'],
    ['2026-05-20T10:00:00.000Z', '2 hours ago'],
    ['2026-05-19T11:00:00.000Z', '1 day ago'],
    ['2026-05-06T12:00:00.000Z', '2 weeks ago'],
    ['2026-02-10T12:00:00.000Z', '3 months ago'],
    ['2024-05-20T12:00:00.000Z', '2 years ago'],
    ['2026-05-20T12:05:00.000Z', 'in 5 minutes'],
  ])('%s is %s', (iso, text) => {
    expect(relativeTime(iso, now)).toBe(text);
  });

  test('the exact time is in datetime and the hover title', () => {
    expect(timeAgo('2026-05-20T11:57:00.000Z', now)).toBe(
      '<time datetime="2026-05-20T11:57:00.000Z" title="2026-05-20T11:57:00.000Z">3 minutes ago</time>',
    );
    expect(timeAgo(null, now)).toContain('-');
  });
});

test('a result says in words what its colour says, and links to the result', () => {
  expect(resultCell(true, '/v/1')).toMatch(/^<a class="status ok" data-status="ok" .*href="\/v\/1".*Verified<\/a>$/);
  expect(resultCell(false, '/v/2')).toContain('Failed');
  expect(resultCell(undefined)).toContain('Not verified');
  expect(esc(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
});

describe('JSON paths of matching rules', () => {
  test.each([
    ['$', []],
    ['$.a.b', [{ key: 'a' }, { key: 'b' }]],
    ['$.items[*].sku', [{ key: 'items' }, { any: true }, { key: 'sku' }]],
    ["$['a b'][2].*", [{ key: 'a b' }, { index: 2 }, { any: true }]],
    ['$["x.y"]', [{ key: 'x.y' }]],
  ])('%s', (path, steps) => {
    expect(parsePath(path)).toEqual(steps);
  });
  test.each(['a.b', '$.', '$[x]', '$..a'])('%s is not understood', (path) => {
    expect(parsePath(path)).toBeUndefined();
  });
});

describe('matching rules beside their fields', () => {
  /** The chips (rule texts) shown on the line whose code contains `text`. */
  const rulesOnLine = (html: string, text: string): string[] => {
    const line = html.split('<div class="l">').find((l) => l.includes(esc(text)));
    if (line === undefined) throw new Error(`no line with ${text}`);
    return [...line.matchAll(/<span class="rule[^"]*"[^>]*>(?:⚙ )?([^<]*)<\/span>/g)].map((m) => m[1]!);
  };

  test('V3: body, header, path and generator rules by category', () => {
    const response = {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { id: 1, items: [{ sku: 'A-1' }, { sku: 'B-2' }] },
      matchingRules: {
        header: { 'content-type': { matchers: [{ match: 'regex', regex: 'application/json.*' }] } },
        body: {
          '$.id': { matchers: [{ match: 'integer' }] },
          '$.items': { matchers: [{ match: 'type', min: 1 }] },
          '$.items[*].sku': { matchers: [{ match: 'regex', regex: '[A-Z]-\\d' }, { match: 'type' }], combine: 'OR' },
        },
      },
      generators: { body: { '$.id': { type: 'RandomInt', min: 1, max: 10 } } },
    };
    const list = annotations(response);
    expect(list.filter((a) => a.category === 'header').map((a) => [a.name, a.text])).toEqual([
      ['content-type', 'regex application/json.*'],
    ]);
    const { html, used } = jsonLines(
      response.body,
      list.filter((a) => a.category === 'body'),
    );
    expect(rulesOnLine(html, '"id"')).toEqual(['integer', 'RandomInt min 1 max 10']);
    expect(rulesOnLine(html, '"items"')).toEqual(['type min 1']);
    // [*] applies to every element
    expect(rulesOnLine(html, '"A-1"')).toEqual(['regex [A-Z]-\\d', 'or type']);
    expect(rulesOnLine(html, '"B-2"')).toEqual(['regex [A-Z]-\\d', 'or type']);
    expect(used.size).toBe(5);
  });

  test('V2: one map of $.body / $.headers / $.query paths', () => {
    const list = annotations({
      matchingRules: {
        '$.body.name': { match: 'type' },
        '$.headers.Accept': { regex: 'json' },
        '$.query.page': { match: 'regex', regex: '\\d+' },
        '$.path': { regex: '/x/\\d+' },
      },
    });
    expect(list.map((a) => [a.category, a.name, a.text])).toEqual([
      ['body', '', 'type'],
      ['header', 'Accept', 'regex json'],
      ['query', 'page', 'regex \\d+'],
      ['path', '', 'regex /x/\\d+'],
    ]);
    expect(list[0]!.steps).toEqual([{ key: 'name' }]);
  });

  test('V4: content bodies, status rules, messages', () => {
    const pact = {
      metadata: { pactSpecification: { version: '4.0' } },
      interactions: [
        {
          type: 'Synchronous/HTTP',
          description: 'get <x>',
          providerStates: [{ name: 'x exists', params: { id: 7 } }],
          request: { method: 'get', path: '/x/7' },
          response: {
            status: 200,
            body: { content: { n: 1 }, contentType: 'application/json', encoded: false },
            matchingRules: {
              status: { matchers: [{ match: 'statusCode', status: 'success' }] },
              body: { '$.n': { matchers: [{ match: 'number' }] } },
            },
          },
        },
        {
          type: 'Asynchronous/Messages',
          description: 'an event',
          contents: { content: { kind: 'created' }, contentType: 'application/json' },
          metadata: { topic: 'orders' },
          matchingRules: { body: { '$.kind': { matchers: [{ match: 'regex', regex: 'created|deleted' }] } } },
        },
      ],
    };
    const r = renderPact(pact);
    expect(r.count).toBe(2);
    expect(r.specification).toBe('4.0');
    expect(r.html).toContain('GET /x/7');
    expect(r.html).toContain('statusCode status success');
    expect(r.html).toContain('x exists');
    expect(r.html).toContain('{&quot;id&quot;:7}');
    expect(rulesOnLine(r.html, '"n"')).toEqual(['number']);
    expect(rulesOnLine(r.html, '"kind"')).toEqual(['regex created|deleted']);
    expect(r.html).toContain('<code>topic</code>');
    // the description is text, never markup
    expect(r.html).toContain('get &lt;x&gt;');
    expect(r.html).not.toContain('get <x>');
  });

  test('rules on paths the example lacks are listed, not dropped', () => {
    const r = renderPact({
      interactions: [
        {
          description: 'd',
          request: { method: 'GET', path: '/' },
          response: {
            status: 200,
            body: { a: 1 },
            matchingRules: { body: { '$.b': { matchers: [{ match: 'type' }] } } },
          },
        },
      ],
    });
    expect(r.html).toContain('Rules on body paths the example does not contain');
    expect(r.html).toContain('$.b');
  });

  test('hostile content: deep nesting is cut, huge bodies are cut, markup is escaped', () => {
    let deep: unknown = 1;
    for (let k = 0; k < 50_000; k++) deep = [deep];
    const r = renderPact({
      interactions: [
        {
          description: '<script>alert(1)</script>',
          request: { method: 'GET', path: '/' },
          response: { status: 200, body: deep },
        },
      ],
    });
    expect(r.html).toContain('nested deeper than 32 levels');
    expect(r.html).not.toContain('<script>');
    const wide = renderPact({
      interactions: [
        {
          description: 'w',
          request: { method: 'GET', path: '/' },
          response: { status: 200, body: Array.from({ length: 5_000 }, (_, k) => k) },
        },
      ],
    });
    expect(wide.html).toContain('cut at 2000 lines');
    expect(safeJson(deep, 100).length).toBeLessThan(200);
  });
});
