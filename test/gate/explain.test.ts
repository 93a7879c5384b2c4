import {
  explainMatrix,
  unpublishedVersionFix,
  unpublishedVersionsIn,
  type MatrixResponse,
} from '../../src/core/gate/explain';
import { spellingFromScripts } from '../../src/core/spelling';
import { formatDecision } from '../../src/cli/render/gate';
import { matrixQuery } from '../../src/io/broker-client/can-i-deploy';

// Fixes spell commands as a repository with cxpact's npm scripts does (the Spelling is data: no package.json read).
const spell = spellingFromScripts({
  'pact:record': 'cxpact record',
  'pact:check-recorded': 'cxpact check-recorded',
  'pact:verify': 'cxpact verify',
});
const ctx = {
  pacticipant: 'genesys-data-actions',
  version: 'abcdef0123456789abcdef0123456789abcdef01',
  environment: 'production',
  isThirdParty: (n: string) => n === 'genesys-cloud-api',
  spell,
};
const row = (provider: string, pv: string | null, success: boolean | null) => ({
  consumer: { name: 'genesys-data-actions', version: { number: ctx.version } },
  provider: { name: provider, version: pv === null ? null : { number: pv } },
  verificationResult: success === null ? null : { success, _links: { self: { href: `http://b/v/${provider}` } } },
});

describe('explainMatrix', () => {
  it('names the failed provider, the vendor without a recorded check and the one that passed', () => {
    const res: MatrixResponse = {
      summary: { deployable: false, reason: 'The verification for the pact between … failed' },
      matrix: [
        row('crm-customer-api', 'p2', false),
        row('genesys-cloud-api', null, null),
        row('billing-api', 'b7', true),
      ],
    };
    const d = explainMatrix(res, ctx);
    expect(d.deployable).toBe(false);
    const text = formatDecision(d, ctx, 1);
    expect(text).toContain('Can genesys-data-actions abcdef01 be deployed to production? NO');
    expect(text).toContain(
      '✗ crm-customer-api p2 FAILED verification of the pact of genesys-data-actions abcdef01 (http://b/v/crm-customer-api)',
    );
    expect(text).toContain(
      '✗ vendor genesys-cloud-api has no recorded check of the pact of genesys-data-actions abcdef01',
    );
    expect(text).toContain(
      'fix: npm run pact:record -- --provider genesys-cloud-api && npm run pact:check-recorded -- --provider genesys-cloud-api --publish',
    );
    expect(text).toContain('✓ billing-api b7 verified the pact of genesys-data-actions abcdef01');
  });

  it('does not trust a "yes" that contradicts a failed row', () => {
    const d = explainMatrix({ summary: { deployable: true }, matrix: [row('crm-customer-api', 'p2', false)] }, ctx);
    expect(d.deployable).toBe(false);
  });

  it("a row without a provider version for a provider not in the environment (the Pact Broker's left join) says it is not deployed there", () => {
    const res: MatrixResponse = {
      summary: {
        deployable: null,
        reason: `There is no verified pact between version ${ctx.version} of genesys-data-actions and a version of crm-customer-api currently in production (no version is currently recorded as deployed/released in this environment)`,
      },
      matrix: [row('crm-customer-api', null, null), row('billing-api', 'b7', null)],
    };
    const d = explainMatrix(res, ctx);
    expect(d.deployable).toBeNull();
    const text = formatDecision(d, ctx, 1);
    expect(text).toContain(
      '✗ no version of crm-customer-api is recorded as deployed to production, so nothing there has verified genesys-data-actions abcdef01',
    );
    expect(text).not.toContain('crm-customer-api never verified');
    expect(d.reasons.filter((r) => r.message.includes('crm-customer-api'))).toHaveLength(1);
    expect(text).toContain('✗ billing-api b7 never verified the pact of genesys-data-actions abcdef01');
  });

  it('keeps unmapped broker reasons verbatim', () => {
    const d = explainMatrix(
      { summary: { deployable: false, reason: 'Something new the broker says' }, matrix: [] },
      ctx,
    );
    expect(d.reasons).toEqual([
      { code: 'gate.broker-reason', severity: 'error', ok: false, message: 'Something new the broker says', at: {} },
    ]);
  });

  it('an unpublished version without known roles gets both fixes, labelled, with that version', () => {
    const res: MatrixResponse = {
      summary: {
        deployable: false,
        reason: 'No pacts or verifications have been published for version nope of genesys-data-actions',
      },
      matrix: [],
    };
    const d = explainMatrix(res, { ...ctx, version: 'nope', spell: undefined });
    expect(d.reasons).toEqual([
      {
        code: 'gate.unpublished',
        severity: 'error',
        ok: false,
        at: {},
        message: 'the broker has no pacts or verification results for genesys-data-actions nope',
        fix:
          'if genesys-data-actions is a consumer, publish its pacts as version nope: npx cxpact consumer && npx cxpact publish --consumer-app-version nope; ' +
          'if it is a provider, verify as version nope and publish the results: npx cxpact verify --provider genesys-data-actions --provider-version nope --publish',
      },
    ]);
    expect(unpublishedVersionsIn(res)).toEqual([{ name: 'genesys-data-actions', version: 'nope' }]);
    // A vendor API publishes its recorded check (its version is the recordings' fingerprint).
    expect(
      unpublishedVersionFix('genesys-cloud-api', 'rec-1', {
        ...ctx,
        spell: undefined,
        roles: { consumer: false, provider: true },
      }),
    ).toBe(
      'genesys-cloud-api is a provider: verify its pacts as version rec-1 and publish the results: npx cxpact check-recorded --provider genesys-cloud-api --publish',
    );
  });

  it('builds the same /matrix query as the official CLI', () => {
    expect(decodeURIComponent(matrixQuery('Foo', '1.0.0', 'production'))).toBe(
      '/matrix?q[][pacticipant]=Foo&q[][version]=1.0.0&latestby=cvpv&environment=production',
    );
  });
});
