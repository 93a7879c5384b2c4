// can-i-deploy's wording when a provider version in the environment never verified the pact: what the provider's
// other versions did with it decides the answer ("verified and failed" is not "never verified"). Pure.
import { explainMatrix, type MatrixResponse, type VerificationElsewhere } from '../../src/core/gate/explain';
import { formatDecision } from '../../src/cli/render/gate';

const base = {
  pacticipant: 'genesys-data-actions',
  version: 'c1',
  environment: 'production',
  isThirdParty: () => false,
};
const unverifiedRow: MatrixResponse = {
  summary: { deployable: null, reason: 'Missing one or more required verification results' },
  matrix: [
    {
      consumer: { name: 'genesys-data-actions', version: { number: 'c1' } },
      provider: { name: 'crm', version: { number: 'p1' } },
      verificationResult: null,
    },
  ],
};
const ctx = (e?: VerificationElsewhere) => ({
  ...base,
  ...(e === undefined ? {} : { elsewhere: new Map([['crm', e]]) }),
});

describe('never verified vs verified elsewhere', () => {
  it("asks about the provider whose deployed version never verified the consumer's pact", () => {
    const d = explainMatrix(unverifiedRow, ctx());
    expect(d.reasons.map((r) => r.unverifiedBy)).toEqual(['crm']);
    expect(d.deployable).toBeNull();
  });

  it('says "no version ever verified it" when none did', () => {
    const text = formatDecision(explainMatrix(unverifiedRow, ctx({ provider: 'crm' })), ctx(), 1);
    expect(text).toContain(
      '✗ crm p1 never verified the pact of genesys-data-actions c1 (no version of crm has ever verified it)',
    );
  });

  it('names the version that verified it and failed: the answer is no, with the verify fix', () => {
    const d = explainMatrix(
      unverifiedRow,
      ctx({ provider: 'crm', version: 'p2', success: false, url: 'http://b/r/1' }),
    );
    expect(d.deployable).toBe(false);
    const text = formatDecision(d, ctx(), 1);
    expect(text).toContain('? NO\n');
    expect(text).toContain(
      '✗ crm p1 never verified the pact of genesys-data-actions c1; crm p2 verified it and FAILED (http://b/r/1)',
    );
    expect(text).toContain('fix: see the mismatches with npx cxpact verify --provider crm');
  });

  it('names the version that verified it successfully but is not deployed, with the record-deployment fix', () => {
    const text = formatDecision(
      explainMatrix(unverifiedRow, ctx({ provider: 'crm', version: 'p3', success: true })),
      ctx(),
      1,
    );
    expect(text).toContain('crm p3 verified it successfully, but that version is not deployed to production');
    expect(text).toContain(
      'fix: deploy crm p3 and record it: npx cxpact record-deployment --pacticipant crm --version p3 --environment production',
    );
  });

  it('never asks when the pacticipant is the provider side', () => {
    const asProvider = { ...base, pacticipant: 'crm', version: 'p1' };
    expect(explainMatrix(unverifiedRow, asProvider).reasons.every((r) => r.unverifiedBy === undefined)).toBe(true);
  });
});
