import { diffPacts, isEmptyDiff } from './pact-diff';

const interaction = (description: string, body: unknown, status = 200) => ({
  description,
  providerStates: [{ name: 's' }],
  request: { method: 'GET', path: '/x' },
  response: { status, headers: { 'Content-Type': ['application/json'] }, body: { content: body, contentType: 'application/json', encoded: false } },
});

describe('diffPacts', () => {
  it('names added, removed and changed interactions with the response fields that changed', () => {
    const before = { interactions: [{ ...interaction('a', { id: 1, tier: 'VIP' }), _id: 'x' }, interaction('gone', {})] };
    const after = { interactions: [interaction('a', { id: 1, tier: 'Premium', email: 'e' }, 200), interaction('new', {})] };
    const d = diffPacts(before, after);
    expect(d.added).toEqual(['new']);
    expect(d.removed).toEqual(['gone']);
    expect(d.changed).toEqual([{ description: 'a', changes: ['response body $.tier: "VIP" -> "Premium"', 'response body $.email: added'] }]);
  });

  it('ignores the broker\'s _id and key order', () => {
    const i = interaction('a', { b: 1, a: 2 });
    expect(isEmptyDiff(diffPacts({ interactions: [{ _id: 'sha', ...i }] }, { interactions: [i] }))).toBe(true);
  });

  it('reports a status and a request change', () => {
    const after = { ...interaction('a', {}, 404), request: { method: 'GET', path: '/y' } };
    expect(diffPacts({ interactions: [interaction('a', {})] }, { interactions: [after] }).changed[0]?.changes).toEqual([
      'request changed (method, path, query, headers or body)',
      'response status 200 -> 404',
    ]);
  });
});
