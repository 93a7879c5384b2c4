import { diffPacts, isEmptyDiff } from './pact-diff';
import { parsePactFile, type PactFile } from './pact-file';

/** A V4 pact of these interactions, through the pact-file model as every reader gets it. */
function pact(doc: { interactions: unknown[] }): PactFile {
  const parsed = parsePactFile({
    consumer: { name: 'c' },
    provider: { name: 'p' },
    ...doc,
    metadata: { pactSpecification: { version: '4.0' } },
  });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.pact;
}

const interaction = (description: string, body: unknown, status = 200) => ({
  description,
  providerStates: [{ name: 's' }],
  request: { method: 'GET', path: '/x' },
  response: {
    status,
    headers: { 'Content-Type': ['application/json'] },
    body: { content: body, contentType: 'application/json', encoded: false },
  },
});

describe('diffPacts', () => {
  it('names added, removed and changed interactions with the response fields that changed', () => {
    const before = {
      interactions: [{ ...interaction('a', { id: 1, tier: 'VIP' }), _id: 'x' }, interaction('gone', {})],
    };
    const after = {
      interactions: [interaction('a', { id: 1, tier: 'Premium', email: 'e' }, 200), interaction('new', {})],
    };
    const d = diffPacts(pact(before), pact(after));
    expect(d.added).toEqual(['new']);
    expect(d.removed).toEqual(['gone']);
    expect(d.changed).toEqual([
      { description: 'a', changes: ['response body $.tier: "VIP" -> "Premium"', 'response body $.email: added'] },
    ]);
  });

  it("ignores the broker's _id and key order", () => {
    const i = interaction('a', { b: 1, a: 2 });
    expect(isEmptyDiff(diffPacts(pact({ interactions: [{ _id: 'sha', ...i }] }), pact({ interactions: [i] })))).toBe(
      true,
    );
  });

  it('reports a status and a request change', () => {
    const after = { ...interaction('a', {}, 404), request: { method: 'GET', path: '/y' } };
    expect(
      diffPacts(pact({ interactions: [interaction('a', {})] }), pact({ interactions: [after] })).changed[0]?.changes,
    ).toEqual(['request changed (method, path, query, headers or body)', 'response status 200 -> 404']);
  });
});
