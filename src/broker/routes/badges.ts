// SVG badges for READMEs, as the Pact Broker serves them: the pact's latest verification status
// (`/pacts/provider/P/consumer/C/latest[/TAG|-untagged]/badge`: verified / failed / changed / unknown; label
// "consumer/provider pact", `?label=consumer|provider`, `?initials=true`) and can-i-deploy
// (`/pacticipants/P/latest-version/TAG/can-i-deploy/to/TO/badge`, `.../branches/B/latest-version/can-i-deploy/to-environment/E/badge`).
// An unknown pacticipant or pact is still a 200 badge ("pact not found" / "unknown"), so a README never shows a
// broken image. Registered before `.../latest/:tag`, which would otherwise take "badge" for a tag.
import { badgeSvg, canIDeployBadgeStatus, pactBadgeStatus, svgResponse, type BadgeColour } from '../badge';
import { params, type Handler, type Routes } from '../context';
import { Matrix } from '../matrix';
import type { PactPublication, Pacticipant } from '../store/types';

const initialsOf = (n: string, initials: boolean): string =>
  initials
    ? n
        .split(/[\s_-]+|(?=[A-Z])/)
        .filter((w) => w !== '')
        .map((w) => w[0]!)
        .join('')
    : n;

export function badgeRoutes(r: Routes): void {
  const S = r.deps.store;
  const pactBadge =
    (
      pick: (
        consumer: Pacticipant,
        provider: Pacticipant,
        p: Record<string, string>,
      ) => Promise<PactPublication | undefined>,
    ): Handler =>
    async (c) => {
      const p = params(c);
      const [consumer, provider] = await Promise.all([S.pacticipant(p.consumer!), S.pacticipant(p.provider!)]);
      const pub = consumer === undefined || provider === undefined ? undefined : await pick(consumer, provider, p);
      if (consumer === undefined || provider === undefined || pub === undefined)
        return svgResponse(badgeSvg('pact not found', 'unknown', 'lightgrey'));
      const q = c.var.query;
      const initials = q.get('initials') === 'true';
      const which = (q.get('label') ?? '').toLowerCase();
      const title =
        which === 'consumer'
          ? initialsOf(consumer.name, initials)
          : which === 'provider'
            ? initialsOf(provider.name, initials)
            : `${initialsOf(consumer.name, initials)}/${initialsOf(provider.name, initials)}`;
      const v = await S.latestVerificationOfPactVersion(pub.pactVersionId);
      let status: { message: string; colour: BadgeColour } = pactBadgeStatus(v?.success);
      // Verified before, but not this content: the pact changed since (the Pact Broker's "stale" state).
      if (v === undefined && (await S.hasVerificationForIntegration(consumer.id, provider.id)))
        status = { message: 'changed', colour: 'orange' };
      return svgResponse(badgeSvg(`${title} pact`.toLowerCase(), status.message, status.colour));
    };
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest/badge', {
    GET: pactBadge((c, pr) => S.latestPublication(c.id, pr.id)),
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest-untagged/badge', {
    GET: pactBadge((c, pr) => S.latestUntaggedPublication(c.id, pr.id)),
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest/:tag/badge', {
    GET: pactBadge(async (c, pr, p) => {
      const v = await S.latestVersionWithTag(c.id, p.tag!);
      return v === undefined ? undefined : S.publication(v.id, pr.id);
    }),
  });

  const deployBadge =
    (label: (p: Record<string, string>) => string, query: (p: Record<string, string>) => [string, string][]): Handler =>
    async (c) => {
      const p = params(c);
      const pp = await S.pacticipant(p.pacticipant!);
      const text = c.var.query.get('label') ?? label(p);
      if (pp === undefined) return svgResponse(badgeSvg(text, 'unknown', 'lightgrey'));
      let deployable: unknown = null;
      try {
        const res = (await new Matrix(S, c.var.links).query(new URLSearchParams(query(p)))) as {
          summary?: { deployable?: unknown };
        };
        deployable = res.summary?.deployable;
      } catch {
        deployable = null; // e.g. an unknown environment: unknown, not a broken image
      }
      const status = canIDeployBadgeStatus(deployable);
      return svgResponse(badgeSvg(text, status.message, status.colour));
    };
  r.resource('/pacticipants/:pacticipant/latest-version/:tag/can-i-deploy/to/:to/badge', {
    GET: deployBadge(
      (p) => `can-i-deploy ${p.tag} to ${p.to}`,
      (p) => [
        ['q[][pacticipant]', p.pacticipant!],
        ['q[][tag]', p.tag!],
        ['q[][latest]', 'true'],
        ['tag', p.to!],
        ['latest', 'true'],
        ['latestby', 'cvp'],
      ],
    ),
  });
  r.resource(
    '/pacticipants/:pacticipant/branches/:branch/latest-version/can-i-deploy/to-environment/:environment/badge',
    {
      GET: deployBadge(
        (p) => `can-i-deploy ${p.branch} to ${p.environment}`,
        (p) => [
          ['q[][pacticipant]', p.pacticipant!],
          ['q[][branch]', p.branch!],
          ['q[][latest]', 'true'],
          ['environment', p.environment!],
          ['latestby', 'cvpv'],
        ],
      ),
    },
  );
}
