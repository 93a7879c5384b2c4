// The pact diff text, byte for byte where the Pact Broker's behaviour is known (pact-support's UnixDiffFormatter
// over the pacts sorted and without ids, diff-lcs unified hunks with 3 lines of context, the first header dropped).
import { distanceOfTimeInWords, formattedDiff, pactDiffText } from './pact-diff';

const pact = (interactions: unknown[]): Record<string, never> =>
  ({ consumer: { name: 'Consumer' }, provider: { name: 'Provider' }, interactions }) as never;
const interaction = (method: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  description: 'a request for something',
  providerState: null,
  request: { method, path: '/something', headers: { 'Content-Type': 'application/json' } },
  response: { status: 200, body: 'something' },
  ...extra,
});

test("the Pact Broker spec's case (spec/lib/pact_broker/pacts/diff_spec.rb): a method changed from post to get", () => {
  expect(formattedDiff(pact([interaction('get')]), pact([interaction('post')]))).toBe(
    [
      '   "interactions": [',
      '     {',
      '       "request": {',
      '-        "method": "post"',
      '+        "method": "get"',
      '       }',
      '     }',
      '   ]',
    ].join('\n'),
  );
});

test('ids are ignored, interactions are compared in their sorted order, identical pacts give no diff', () => {
  const a = pact([interaction('get', { _id: 'abc', description: 'b' }), interaction('get', { description: 'a' })]);
  const b = pact([interaction('get', { description: 'a', _id: 'x' }), interaction('get', { description: 'b' })]);
  expect(formattedDiff(a, b)).toBe('');
});

test('an added interaction shows as added lines, equal items as `... ,`; keys only in the newer pact are not differences', () => {
  const previous = pact([interaction('get', { description: 'a' })]);
  const current = pact([
    interaction('get', {
      description: 'a',
      request: { method: 'get', path: '/something', headers: { 'Content-Type': 'application/json', 'X-New': '1' } },
    }),
    interaction('get', { description: 'b' }),
  ]);
  const text = formattedDiff(current, previous);
  expect(text.split('\n')).toEqual([
    ' {',
    '   "interactions": [',
    '     ... ,',
    '+    {',
    '+      "description": "b",',
    '+      "providerState": null,',
    '+      "request": {',
    '+        "headers": {',
    '+          "Content-Type": "application/json"',
    '+        },',
    '+        "method": "get",',
    '+        "path": "/something"',
    '+      },',
    '+      "response": {',
    '+        "body": "something",',
    '+        "status": 200',
    '+      }',
    '+    }',
    '   ]',
    ' }',
  ]);
  expect(text).not.toContain('X-New'); // Pact::Matchers.diff allows unexpected keys
});

test('a removed interaction shows as removed lines', () => {
  const text = formattedDiff(
    pact([interaction('get', { description: 'a' })]),
    pact([interaction('get', { description: 'a' }), interaction('put', { description: 'z' })]),
  );
  expect(text).toContain('-      "description": "z",');
  expect(text).toContain('-        "method": "put",');
  expect(text).not.toMatch(/^\+/m);
});

test('a large, completely different pact is reported within the diff budget (as a replacement), not by exhausting memory', () => {
  const big = (prefix: string): Record<string, never> =>
    pact(
      Array.from({ length: 3000 }, (_, i) =>
        interaction('get', { description: `${prefix}-${String(i).padStart(5, '0')}` }),
      ),
    );
  const text = formattedDiff(big('new'), big('old'));
  expect(text.split('\n').filter((l) => l.startsWith('-') && l.includes('"description": "old-')).length).toBe(3000);
  expect(text.split('\n').filter((l) => l.startsWith('+') && l.includes('"description": "new-')).length).toBe(3000);
});

test('the resource text: title, when, diff and links (pacts/diff.rb DiffDecorator#to_text)', () => {
  const side = (v: string, method: string): Parameters<typeof pactDiffText>[0] => ({
    consumer: 'Consumer',
    provider: 'Provider',
    consumerVersion: v,
    url: `http://example.org/pacts/provider/Provider/consumer/Consumer/version/${v}`,
    content: pact([interaction(method)]),
  });
  const changed = new Date(Date.UTC(2026, 0, 2, 3, 4));
  const text = pactDiffText(side('3', 'get'), side('1', 'post'), changed, new Date(changed.getTime() + 3 * 3600_000));
  const [header, when] = text.split('\n\n');
  expect(header).toBe('# Diff between versions 1 and 3 of the pact between Consumer and Provider');
  expect(when).toMatch(
    /^The following changes were made about 3 hours ago \(Fri 02 Jan 2026, +\d{1,2}:04[ap]m [+-]\d{2}:\d{2}\)$/,
  );
  expect(
    text.endsWith(
      '## Links\n\npact-version:\n  title: Pact\n  name: Pact between Consumer (3) and Provider\n  href: http://example.org/pacts/provider/Provider/consumer/Consumer/version/3\ncomparison-pact-version:\n  title: Pact\n  name: Pact between Consumer (1) and Provider\n  href: http://example.org/pacts/provider/Provider/consumer/Consumer/version/1\n',
    ),
  ).toBe(true);
});

test("distance of time in words (the Pact Broker's DateHelper)", () => {
  const at = (minutes: number): string => distanceOfTimeInWords(new Date(0), new Date(minutes * 60_000));
  expect([at(0), at(1), at(30), at(60), at(600), at(1500), at(4320), at(50_000), at(100_000), at(600_000)]).toEqual([
    'less than a minute',
    '1 minute',
    '30 minutes',
    'about 1 hour',
    'about 10 hours',
    '1 day',
    '3 days',
    'about 1 month',
    '2 months',
    'about 1 year',
  ]);
});
