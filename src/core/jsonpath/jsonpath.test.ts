import { compileJsonPath, JsonPathSyntaxError, normalizePath, walkPath, type PathAst } from './index';

// The document of Jayway JsonPath's README (https://github.com/json-path/JsonPath#path-examples).
const store = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      {
        category: 'fiction',
        author: 'J. R. R. Tolkien',
        title: 'The Lord of the Rings',
        isbn: '0-395-19395-8',
        price: 22.99,
      },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
};
const [b0, b1, b2, b3] = store.store.book;

function ok(expr: string, doc: unknown = store): unknown {
  const r = compileJsonPath(expr).evaluate(doc);
  if (!r.found) throw new Error(`expected ${expr} to resolve, got: ${r.reason}`);
  return r.value;
}

describe('Jayway README path examples', () => {
  const cases: [string, unknown][] = [
    ['$.store.book[*].author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$..author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$.store.*', [store.store.book, store.store.bicycle]],
    ['$.store..price', [8.95, 12.99, 8.99, 22.99, 19.95]],
    ['$..book[2]', [b2]],
    ['$..book[-2]', [b2]],
    ['$..book[0,1]', [b0, b1]],
    ['$..book[:2]', [b0, b1]],
    ['$..book[1:2]', [b1]],
    ['$..book[-2:]', [b2, b3]],
    ['$..book[2:]', [b2, b3]],
    ['$..book[?(@.isbn)]', [b2, b3]],
    ['$.store.book[?(@.price < 10)]', [b0, b2]],
    ["$..book[?(@.price <= $['expensive'])]", [b0, b2]],
    ['$..book[?(@.author =~ /.*REES/i)]', [b0]],
    ['$..book.length()', 4],
    ['$.store.book.length()', 4],
    ['$.store.book[0].title', 'Sayings of the Century'],
    ["$['store']['book'][0]['title']", 'Sayings of the Century'],
    ["$.store.bicycle['color','price']", { color: 'red', price: 19.95 }],
  ];
  test.each(cases)('%s', (expr, expected) => {
    expect(ok(expr)).toEqual(expected);
  });

  test('$..* lists every node below the root', () => {
    const all = ok('$..*') as unknown[];
    expect(all).toHaveLength(28);
    expect(all[0]).toBe(store.store);
    expect(all).toContain('Moby Dick');
  });
});

describe('definite vs indefinite paths', () => {
  const doc = { a: { b: null, list: [1, 2, 3], empty: [], s: 'text' }, n: 0 };
  test('a definite path returns the value itself; null is a found value', () => {
    expect(compileJsonPath('$.a.b').evaluate(doc)).toEqual({ found: true, value: null, definite: true });
    expect(ok('$.n', doc)).toBe(0);
    expect(ok('$.a.list[0]', doc)).toBe(1);
    expect(ok('$.a.list[-1]', doc)).toBe(3);
  });
  test("a missing leaf is not found, with Jayway's message", () => {
    const r = compileJsonPath('$.a.missing').evaluate(doc);
    expect(r.found).toBe(false);
    expect(r.reason).toBe("No results for path: $['a']['missing']");
  });
  test('a missing intermediate property is not found', () => {
    const r = compileJsonPath('$.x.y').evaluate(doc);
    expect(r.found).toBe(false);
    expect(r.reason).toBe("Missing property in path $['x']");
  });
  test('a property of a non-object (null, string, array) is not found', () => {
    expect(compileJsonPath('$.a.b.c').evaluate(doc).found).toBe(false);
    expect(compileJsonPath('$.a.s.c').evaluate(doc).found).toBe(false);
    expect(compileJsonPath('$.a.list.c').evaluate(doc).found).toBe(false);
  });
  test('an index out of range is not found', () => {
    expect(compileJsonPath('$.a.list[3]').evaluate(doc).found).toBe(false);
    expect(compileJsonPath('$.a.list[-4]').evaluate(doc).found).toBe(false);
    expect(compileJsonPath('$.a.empty[0]').evaluate(doc).found).toBe(false);
  });
  test('indefinite paths always return a list, [] when nothing matches (never "not found")', () => {
    for (const expr of [
      '$..nothing',
      '$.a.list[?(@ > 5)]',
      '$.a.empty[*].id',
      '$.a.list[5:]',
      '$.a.list[7,8]',
      '$.a.list[*].x',
      '$..list[?(@.k)]',
    ]) {
      const r = compileJsonPath(expr).evaluate(doc);
      expect({ expr, ...r }).toEqual({ expr, found: true, value: [], definite: false });
    }
  });
  test('a missing property BEFORE the first indefinite step is still not found (Jayway throws "Missing property")', () => {
    for (const expr of ['$.x[*]', '$.x[0,1]', '$.a.missing[*].id', '$.a.missing[?(@.k)]']) {
      const r = compileJsonPath(expr).evaluate(doc);
      expect({ expr, found: r.found, definite: r.definite, reason: r.reason }).toEqual({
        expr,
        found: false,
        definite: false,
        reason: expect.stringMatching(/^Missing property in path/),
      });
    }
  });
  test('a filter on a definite path still yields a list', () => {
    const conv = {
      participants: [
        { purpose: 'agent', id: 'a1' },
        { purpose: 'customer', id: 'c1' },
      ],
    };
    expect(ok("$.participants[?(@.purpose=='customer')].id", conv)).toEqual(['c1']);
    expect(compileJsonPath("$.participants[?(@.purpose=='customer')].id").definite).toBe(false);
    expect(compileJsonPath('$.participants[0].id').definite).toBe(true);
  });
  test('absent properties are skipped in indefinite paths', () => {
    expect(ok('$.store.book[*].isbn')).toEqual(['0-553-21311-3', '0-395-19395-8']);
  });
});

describe('filters', () => {
  const doc = {
    items: [
      { id: 1, name: 'alpha', tags: ['a', 'b'], kind: 'x', price: 5, flag: true },
      { id: 2, name: 'Beta', tags: ['c'], kind: 'y', price: 15, flag: false, n: null },
      { id: 3, name: 'gamma', tags: [], kind: 'x', price: 25 },
    ],
    wanted: 'y',
    ids: [1, 3],
  };
  const ids = (expr: string): unknown => (ok(expr, doc) as { id: number }[]).map((i) => i.id);
  const cases: [string, number[]][] = [
    ["$.items[?(@.kind == 'x')]", [1, 3]],
    ['$.items[?(@.kind == "x")]', [1, 3]],
    ["$.items[?(@.kind != 'x')]", [2]],
    ['$.items[?(@.price > 10)]', [2, 3]],
    ['$.items[?(@.price >= 15)]', [2, 3]],
    ['$.items[?(@.price <= 15)]', [1, 2]],
    ["$.items[?(@.kind == 'x' && @.price > 10)]", [3]],
    ["$.items[?(@.kind == 'y' || @.price < 10)]", [1, 2]],
    ["$.items[?(!(@.kind == 'x'))]", [2]],
    ['$.items[?(@.flag)]', [1, 2]],
    ['$.items[?(!@.flag)]', [3]],
    ['$.items[?(@.n)]', [2]],
    ['$.items[?(@.flag == true)]', [1]],
    ['$.items[?(@.kind == $.wanted)]', [2]],
    ["$.items[?(@.kind in ['y','z'])]", [2]],
    ["$.items[?(@.kind nin ['y'])]", [1, 3]],
    ['$.items[?(@.id in $.ids)]', [1, 3]],
    ["$.items[?(@.tags subsetof ['a','b','c'])]", [1, 2, 3]],
    ["$.items[?(@.tags anyof ['b','c'])]", [1, 2]],
    ["$.items[?(@.tags noneof ['b','c'])]", [3]],
    ['$.items[?(@.tags size 2)]', [1]],
    ['$.items[?(@.name size 4)]', [2]],
    ['$.items[?(@.tags empty true)]', [3]],
    ['$.items[?(@.tags empty false)]', [1, 2]],
    ['$.items[?(@.name =~ /b.*/i)]', [2]],
    ['$.items[?(@.name =~ /a/)]', []],
    ["$.items[?(@.tags contains 'c')]", [2]],
    ["$.items[?('b' in @.tags)]", [1]],
    ["$.items[?(@.missing == 'x')]", []],
    ["$.items[?(@.missing != 'x')]", [1, 2, 3]],
    ['$.items[?(@.id == 2)]', [2]],
    ["$.items[?(@.id == '2')]", [2]],
  ];
  test.each(cases)('%s', (expr, expected) => {
    expect(ids(expr)).toEqual(expected);
  });

  test("the corpus' `in` over a wildcard: [?('acd' in @.participants[*].purpose)]", () => {
    const convs = {
      conversations: [
        { id: 'c1', participants: [{ purpose: 'customer' }, { purpose: 'acd' }] },
        { id: 'c2', participants: [{ purpose: 'customer' }] },
      ],
    };
    expect(ok("$.conversations[?('acd' in @.participants[*].purpose)].id", convs)).toEqual(['c1']);
  });

  test('a filter after .. tests every object once', () => {
    const doc = { a: [{ k: 1, b: [{ k: 1 }, { k: 2 }] }], c: { k: 1 } };
    expect(ok('$..[?(@.k == 1)]', doc)).toEqual([doc.a[0], doc.a[0]!.b[0], doc.c]);
  });

  test('a filter on an object tests the object itself', () => {
    expect(ok("$.a[?(@.k == 'v')].x", { a: { k: 'v', x: 1 } })).toEqual([1]);
    expect(ok("$.a[?(@.k == 'w')].x", { a: { k: 'v', x: 1 } })).toEqual([]);
  });
});

describe('functions', () => {
  const doc = { nums: [1, 2, 3, 4], obj: { a: 1, b: 2 }, empty: [], s: 'abc', words: ['a', 'b'] };
  const cases: [string, unknown][] = [
    ['$.nums.length()', 4],
    ['$.nums.size()', 4],
    ['$.obj.length()', 2],
    ['$.nums.min()', 1],
    ['$.nums.max()', 4],
    ['$.nums.avg()', 2.5],
    ['$.nums.sum()', 10],
    ['$.nums.stddev()', Math.sqrt(1.25)],
    ['$.nums.first()', 1],
    ['$.nums.last()', 4],
    ['$.nums.index(1)', 2],
    ['$.nums.index(-1)', 4],
    ['$.obj.keys()', ['a', 'b']],
    ['$.words.concat("c")', 'abc'],
    ['$.nums.append(5)', [1, 2, 3, 4, 5]],
    ['$.empty.size()', 0],
    ['$.s.length()', null],
  ];
  test.each(cases)('%s', (expr, expected) => {
    expect(ok(expr, doc)).toEqual(expected);
  });
  test('a function on a missing path is not found (so translationMapDefaults applies)', () => {
    const r = compileJsonPath('$.conversations.size()').evaluate({ totalHits: 0 });
    expect(r).toMatchObject({ found: false, definite: true });
  });
  test('aggregating an empty array fails like Jayway', () => {
    const r = compileJsonPath('$.empty.sum()').evaluate(doc);
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/empty array/);
  });
});

describe('syntax', () => {
  test.each([
    ["$['presenceDefinition']", 'x', { presenceDefinition: 'x' }],
    ["$.['presenceDefinition']", 'x', { presenceDefinition: 'x' }],
    ['$.[0]', 'first', ['first']],
    ['$[0].id', 7, [{ id: 7 }]],
    ['$.Build-Version', '1.2', { 'Build-Version': '1.2' }],
    ["$['a.b']['c d']", 1, { 'a.b': { 'c d': 1 } }],
    ["$['it\\'s']", 2, { "it's": 2 }],
    ['$["double"]', 3, { double: 3 }],
    ['$', { a: 1 }, { a: 1 }],
    ['$.a[ 0 ]', 1, { a: [1] }],
  ] as [string, unknown, unknown][])('%s', (expr, expected, doc) => {
    expect(ok(expr, doc)).toEqual(expected);
  });

  test.each([
    ['', 0],
    ['$$.id', 1],
    ['$.a[', 4],
    ['$.a[?(@.b == )]', 13],
    ["$.a['x'", 7],
    ['$..', 3],
    ['$.a.nofunc()', 4],
  ])('rejects %j with the position', (expr, position) => {
    let err: unknown;
    try {
      compileJsonPath(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonPathSyntaxError);
    expect((err as JsonPathSyntaxError).code).toBe('jsonpath.syntax');
    expect((err as JsonPathSyntaxError).position).toBe(position);
  });

  test('normalizePath prints the bracket form Jayway uses in messages', () => {
    expect(normalizePath("$.a.b[0]['c'][*]..d[?(@.x)]")).toBe("$['a']['b'][0]['c'][*]..['d'][?(@.x)]");
  });
});

describe('walkPath', () => {
  test('visits nested filter paths', () => {
    const seen: string[] = [];
    walkPath(compileJsonPath("$.a[?(@.b.c == 'x' && @.d)].e").ast, {
      path: (p: PathAst, ctx) => seen.push(`${ctx.inFilter ? 'filter' : 'top'}:${p.root}${p.segments.length}`),
    });
    expect(seen).toEqual(['top:$3', 'filter:@2', 'filter:@1']);
  });
});
