import { editDistance, findSimilarKey } from '../../src/core/similar';
import { explainMismatch, summariseVerification } from '../../src/core/verify/hints';
import { formatSummary, toJUnitXml } from '../../src/cli/render/verification';

describe('findSimilarKey', () => {
  it('matches a snake_case rename of a camelCase key', () => {
    expect(findSimilarKey('customerId', ['fullName', 'customer_id'])).toBe('customer_id');
  });
  it('matches case and dash variants', () => {
    expect(findSimilarKey('accountTier', ['Account-Tier'])).toBe('Account-Tier');
  });
  it('matches a small typo on long keys but not unrelated short keys', () => {
    expect(findSimilarKey('openTickets', ['openTicket'])).toBe('openTicket');
    expect(findSimilarKey('id', ['ok', 'at'])).toBeUndefined();
    expect(findSimilarKey('customerId', ['fullName', 'email'])).toBeUndefined();
  });
  it('computes Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('explainMismatch', () => {
  it('names the missing field and points at the renamed one', () => {
    const [m] = explainMismatch({
      type: 'BodyMismatch',
      path: '$',
      mismatch: 'Actual map is missing the following keys: customerId',
      expected: '["accountTier","customerId","fullName"]',
      actual: '["accountTier","customer_id","fullName"]',
    });
    expect(m!.message).toBe('expected field customerId is missing; the provider returned customer_id (renamed?)');
    expect(m!.hint).toContain('customer_id');
  });
  it('prefixes nested paths and reports a plain missing key without a hint', () => {
    const out = explainMismatch({
      type: 'BodyMismatch',
      path: '$.customer',
      mismatch: 'Actual map is missing the following keys: customerId, loyalty',
      expected: '["customerId","loyalty"]',
      actual: '["customer_id"]',
    });
    expect(out.map((m) => m.message)).toEqual([
      'expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
      "expected field customer.loyalty is missing from the provider's response",
    ]);
  });
  it('keeps other mismatches verbatim', () => {
    expect(explainMismatch({ type: 'StatusMismatch', path: '', mismatch: 'expected 200 but was 500' })).toEqual([
      {
        code: 'verify.mismatch.status',
        severity: 'error',
        attribute: 'status',
        at: {},
        message: 'expected 200 but was 500',
      },
    ]);
  });
});

describe('summariseVerification + formatting', () => {
  const raw = JSON.stringify({
    result: false,
    interactionResults: [
      { consumer: 'c', provider: 'p', description: 'ok one', providerStates: [], result: 'Ok', duration: '12ms' },
      {
        consumer: 'c',
        provider: 'p',
        description: 'lookup <by> phone',
        providerStates: ['a customer exists'],
        result: 'Error',
        duration: '20ms',
        mismatch: {
          type: 'mismatches',
          mismatches: [
            {
              type: 'BodyMismatch',
              path: '$',
              mismatch: 'Actual map is missing the following keys: customerId',
              expected: '["customerId"]',
              actual: '["customer_id"]',
            },
          ],
        },
      },
    ],
  });
  it('names each failing interaction with its state and the hint', () => {
    const summary = summariseVerification(raw);
    expect(summary.passed).toBe(false);
    expect(summary.interactions.map((i) => i.passed)).toEqual([true, false]);
    const text = formatSummary('p', summary, 'local files');
    expect(text).toContain('1 of 2 interaction(s) passed, 1 failed');
    expect(text).toContain('✗ c -> p: "lookup <by> phone" given "a customer exists"');
    expect(text).toContain('expected field customerId is missing; the provider returned customer_id (renamed?)');
  });
  it('writes escaped JUnit XML with a failure per failing interaction', () => {
    const xml = toJUnitXml('p', summariseVerification(raw));
    expect(xml).toContain('<testsuites name="pact verification of p" tests="2" failures="1">');
    expect(xml).toContain('name="lookup &lt;by&gt; phone given a customer exists" time="0.020"');
    expect(xml).toMatch(
      /<failure message="expected field customerId is missing; the provider returned customer_id \(renamed\?\)" type="pact.mismatch">/,
    );
    expect((xml.match(/<failure /g) ?? []).length).toBe(1);
  });
});

describe('renames that repeat the parent name', () => {
  it('points customer.id at customer.customer_id', () => {
    expect(findSimilarKey('id', ['customer_id', 'fullName'], 'customer')).toBe('customer_id');
    expect(findSimilarKey('id', ['customer_id'], 'customers')).toBe('customer_id');
    expect(findSimilarKey('id', ['customer_id'])).toBeUndefined();
    const [m] = explainMismatch({
      type: 'BodyMismatch',
      path: '$.customer',
      mismatch: 'Actual map is missing the following keys: id',
      expected: '["flags","fullName","id","tier"]',
      actual: '["createdAt","customer_id","email","flags","fullName","tier"]',
    });
    expect(m!.message).toBe(
      'expected field customer.id is missing; the provider returned customer.customer_id (renamed?)',
    );
  });
});
