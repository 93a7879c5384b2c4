// Pacts: the latest pacts, pacts for verification (selectors, pending, WIP), a provider's pacts by tag or branch,
// provider states, a pact by consumer version (GET, legacy PUT/PATCH, DELETE), by content (pact-version permalink
// with metadata), the latest pact of a pair (optionally by tag, untagged, or branch), and pact version lists.
import {
  hal,
  jsonBody,
  noContent,
  pacticipantOr404,
  params,
  pathOf,
  versionOr404,
  type Handler,
  type Routes,
} from '../context';
import { PactsForVerification, type ForVerificationRequest } from '../for-verification';
import { badRequest, decodeMetadata, notFound, seg } from '../http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-limits';
import { pactDiffText, type DiffSide } from '../pact-diff';
import { Resources } from '../resources';
import type { PactPublication, PactVersion, Pacticipant, Version } from '../store/types';
import { isRecord } from '../../core/json';
import { putPact } from './publish';

export function pactRoutes(r: Routes): void {
  const S = r.deps.store;

  r.resource('/pacts/latest', {
    GET: async (c) => {
      const L = c.var.links;
      const pacts = await Promise.all(
        (await S.integrations()).map(async (i) => {
          const [consumer, provider, v] = await Promise.all([
            S.pacticipantById(i.consumerId),
            S.pacticipantById(i.providerId),
            S.versionById(i.latest.consumerVersionId),
          ]);
          return {
            createdAt: i.latest.createdAt,
            _embedded: {
              consumer: {
                name: consumer.name,
                _links: { self: { href: L.pacticipant(consumer.name) } },
                _embedded: { version: { number: v.number } },
              },
              provider: { name: provider.name, _links: { self: { href: L.pacticipant(provider.name) } } },
            },
            _links: {
              self: [
                { href: L.latestPact(provider.name, consumer.name) },
                { href: L.pactByVersion(provider.name, consumer.name, v.number) },
              ],
            },
          };
        }),
      );
      return hal(200, { pacts, _links: { self: { href: L.url('/pacts/latest') } } });
    },
  });

  const forVerification = async (c: Parameters<Handler>[0], body: ForVerificationRequest): Promise<Response> => {
    const name = params(c).provider!;
    const provider = await S.pacticipant(name);
    if (provider === undefined) {
      return hal(200, {
        _embedded: { pacts: [] },
        _links: {
          self: {
            href: c.var.links.url(`/pacts/provider/${seg(name)}/for-verification`),
            title: 'Pacts to be verified',
          },
        },
      });
    }
    return hal(200, await new PactsForVerification(S, c.var.links).compute(provider, body));
  };
  r.resource('/pacts/provider/:provider/for-verification', {
    GET: (c) => forVerification(c, {}),
    POST: (c) => forVerification(c, jsonBody(c) as ForVerificationRequest),
  });

  // A provider's pacts, one per consumer, picked by `pick` (undefined: that consumer has none).
  const providerPacts =
    (
      title: (p: Record<string, string>) => string,
      pick: (
        consumer: Pacticipant,
        provider: Pacticipant,
        p: Record<string, string>,
      ) => Promise<PactPublication | undefined>,
    ): Handler =>
    async (c) => {
      const p = params(c);
      const provider = await pacticipantOr404(S, p.provider!);
      const consumers = await Promise.all((await S.consumerIdsOf(provider.id)).map((id) => S.pacticipantById(id)));
      const pubs = (await Promise.all(consumers.map((consumer) => pick(consumer, provider, p)))).filter(
        (x): x is PactPublication => x !== undefined,
      );
      return hal(
        200,
        await new Resources(S, c.var.links).pactList(provider, c.var.links.url(pathOf(c)), pubs, title(p)),
      );
    };
  const atHead = async (head: Version | undefined, provider: Pacticipant): Promise<PactPublication | undefined> =>
    head === undefined ? undefined : S.publication(head.id, provider.id);
  const mainBranchHead = async (consumer: Pacticipant, provider: Pacticipant): Promise<PactPublication | undefined> =>
    consumer.mainBranch === null ? undefined : atHead(await S.branchHead(consumer.id, consumer.mainBranch), provider);

  r.resource('/pacts/provider/:provider/latest', {
    GET: providerPacts(
      () => 'Latest pact versions for the provider',
      (c, pr) => S.latestPublication(c.id, pr.id),
    ),
  });
  r.resource('/pacts/provider/:provider/latest/:tag', {
    GET: providerPacts(
      (p) => `Latest pact versions for the provider with tag ${p.tag}`,
      async (c, pr, p) => atHead(await S.latestVersionWithTag(c.id, p.tag!), pr),
    ),
  });
  r.resource('/pacts/provider/:provider/branch/latest', {
    GET: providerPacts(() => 'Latest pacts from the main branch of each consumer', mainBranchHead),
  });
  r.resource('/pacts/provider/:provider/branch', {
    GET: providerPacts(() => 'Pacts from the main branch of each consumer', mainBranchHead),
  });
  r.resource('/pacts/provider/:provider/branch/:branch/latest', {
    GET: providerPacts(
      (p) => `Latest pacts from branch ${p.branch}`,
      async (c, pr, p) => atHead(await S.branchHead(c.id, p.branch!), pr),
    ),
  });
  r.resource('/pacts/provider/:provider/branch/:branch', {
    GET: providerPacts(
      (p) => `Pacts from branch ${p.branch}`,
      async (c, pr, p) => atHead(await S.branchHead(c.id, p.branch!), pr),
    ),
  });
  r.resource('/pacts/provider/:provider/tag/:tag', {
    GET: providerPacts(
      (p) => `Pacts with tag ${p.tag}`,
      async (c, pr, p) => atHead(await S.latestVersionWithTag(c.id, p.tag!), pr),
    ),
  });
  r.resource('/pacts/provider/:provider/provider-states', {
    GET: async (c) => {
      const provider = await pacticipantOr404(S, params(c).provider!);
      const states = new Map<string, { name: string; consumers: Set<string> }>();
      for (const cid of await S.consumerIdsOf(provider.id)) {
        const pub = await S.latestPublication(cid, provider.id);
        if (pub === undefined) continue;
        const consumer = await S.pacticipantById(cid);
        const content = JSON.parse((await S.pactVersionById(pub.pactVersionId)).content) as Record<string, unknown>;
        for (const i of (Array.isArray(content.interactions) ? content.interactions : []) as Record<
          string,
          unknown
        >[]) {
          const names: string[] = [];
          if (typeof i.providerState === 'string') names.push(i.providerState);
          if (Array.isArray(i.providerStates))
            for (const s of i.providerStates) if (isRecord(s) && typeof s.name === 'string') names.push(s.name);
          for (const n of names) {
            const e = states.get(n) ?? { name: n, consumers: new Set<string>() };
            e.consumers.add(consumer.name);
            states.set(n, e);
          }
        }
      }
      return hal(200, {
        providerStates: [...states.values()].map((s) => ({ name: s.name, consumers: [...s.consumers] })),
      });
    },
  });
  r.resource('/pacts/provider/:provider', {
    GET: providerPacts(
      () => 'All pacts for the provider',
      (c, pr) => S.latestPublication(c.id, pr.id),
    ),
  });

  const pactAtVersion = {
    GET: async (c: Parameters<Handler>[0]) => {
      const p = params(c);
      const [consumer, provider] = await Promise.all([
        pacticipantOr404(S, p.consumer!),
        pacticipantOr404(S, p.provider!),
      ]);
      const v = await versionOr404(S, consumer, p.version!);
      return new Resources(S, c.var.links).pactResponse(
        await S.publication(v.id, provider.id),
        `${consumer.name} version ${v.number} and ${provider.name}`,
      );
    },
    PUT: putPact(r.deps, false),
    PATCH: putPact(r.deps, true),
    DELETE: async (c: Parameters<Handler>[0]) => {
      const p = params(c);
      const [consumer, provider] = await Promise.all([
        pacticipantOr404(S, p.consumer!),
        pacticipantOr404(S, p.provider!),
      ]);
      const v = await versionOr404(S, consumer, p.version!);
      const pub = await S.publication(v.id, provider.id);
      if (pub === undefined) throw notFound('No such pact');
      await S.tx((t) => t.deletePublication(pub));
      return noContent();
    },
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/version/:version', pactAtVersion);
  r.resource('/pact/provider/:provider/consumer/:consumer/version/:version', pactAtVersion);

  const pactVersionGet: Handler = async (c) => {
    const p = params(c);
    const [consumer, provider] = await Promise.all([
      pacticipantOr404(S, p.consumer!),
      pacticipantOr404(S, p.provider!),
    ]);
    const pv = await S.pactVersionBySha(consumer.id, provider.id, p.sha!);
    if (pv === undefined) throw notFound(`No pact version ${p.sha} between ${consumer.name} and ${provider.name}`);
    const meta = p.metadata === undefined ? {} : decodeMetadata(p.metadata);
    const pubs = await S.publicationsOfPactVersion(pv.id);
    let cv: Version | undefined;
    if (Array.isArray(meta.cvn) && meta.cvn.length > 0)
      cv = await S.version(consumer.id, String(meta.cvn[meta.cvn.length - 1]));
    if (cv === undefined && pubs.length > 0) cv = await S.versionById(pubs[pubs.length - 1]!.consumerVersionId);
    const createdAt = pubs.length > 0 ? pubs[pubs.length - 1]!.createdAt : pv.createdAt;
    return hal(200, await new Resources(S, c.var.links).pact(consumer, provider, pv, cv, createdAt, p.metadata));
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha', { GET: pactVersionGet });

  // Diffs between two pacts of a pair, as text (the Pact Broker's PactContentDiff resource, pacts/diff.rb).
  const diffOf = async (
    c: Parameters<Handler>[0],
    consumer: Pacticipant,
    provider: Pacticipant,
    pub: PactPublication,
    comparison: PactPublication | undefined,
  ): Promise<Response> => {
    const L = c.var.links;
    const cv = await S.versionById(pub.consumerVersionId);
    const text = (status: number, body: string): Response =>
      new Response(body, { status, headers: { 'Content-Type': 'text/plain;charset=utf-8' } });
    if (comparison === undefined)
      return text(
        200,
        `No previous distinct version was found for Pact between ${consumer.name} (${cv.number}) and ${provider.name}`,
      );
    const [content, other, ccv] = await Promise.all([
      S.pactVersionById(pub.pactVersionId),
      S.pactVersionById(comparison.pactVersionId),
      S.versionById(comparison.consumerVersionId),
    ]);
    if (nestsDeeperThan(content.content) || nestsDeeperThan(other.content))
      throw badRequest({ diff: [`A pact nests deeper than ${MAX_JSON_DEPTH} levels; it cannot be diffed.`] });
    const next = (await S.nextPublication(consumer.id, provider.id, comparison.consumerVersionId)) ?? pub;
    const side = (v: Version, pv: PactVersion): DiffSide => ({
      consumer: consumer.name,
      provider: provider.name,
      consumerVersion: v.number,
      url: L.pactByVersion(provider.name, consumer.name, v.number),
      content: JSON.parse(pv.content) as DiffSide['content'],
    });
    return text(200, pactDiffText(side(cv, content), side(ccv, other), new Date(next.createdAt)));
  };
  const pairAndPublication = async (
    p: Record<string, string>,
  ): Promise<{ consumer: Pacticipant; provider: Pacticipant; pub: PactPublication }> => {
    const [consumer, provider] = await Promise.all([
      pacticipantOr404(S, p.consumer!),
      pacticipantOr404(S, p.provider!),
    ]);
    const v = await versionOr404(S, consumer, p.version!);
    const pub = await S.publication(v.id, provider.id);
    if (pub === undefined)
      throw notFound(`No pact found for ${consumer.name} version ${v.number} and ${provider.name}`);
    return { consumer, provider, pub };
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/version/:version/diff/previous-distinct', {
    GET: async (c) => {
      const { consumer, provider, pub } = await pairAndPublication(params(c));
      return diffOf(
        c,
        consumer,
        provider,
        pub,
        await S.previousDistinctPublication(consumer.id, provider.id, pub.consumerVersionId, pub.pactVersionId),
      );
    },
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/version/:version/diff/version/:comparison', {
    GET: async (c) => {
      const p = params(c);
      const { consumer, provider, pub } = await pairAndPublication(p);
      const other = await pairAndPublication({ ...p, version: p.comparison! });
      return diffOf(c, consumer, provider, pub, other.pub);
    },
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/diff/pact-version/:comparison', {
    GET: async (c) => {
      const p = params(c);
      const [consumer, provider] = await Promise.all([
        pacticipantOr404(S, p.consumer!),
        pacticipantOr404(S, p.provider!),
      ]);
      const latestOf = async (sha: string): Promise<PactPublication> => {
        const pv = await S.pactVersionBySha(consumer.id, provider.id, sha);
        const pubs = pv === undefined ? [] : await S.publicationsOfPactVersion(pv.id);
        if (pubs.length === 0) throw notFound(`No pact version ${sha} between ${consumer.name} and ${provider.name}`);
        return pubs[pubs.length - 1]!;
      };
      return diffOf(c, consumer, provider, await latestOf(p.sha!), await latestOf(p.comparison!));
    },
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/metadata/:metadata', {
    GET: pactVersionGet,
  });
}

/** The latest pact of a pair and pact version lists; registered after the verification-result routes. */
export function pactOfPairRoutes(r: Routes): void {
  const S = r.deps.store;
  const pair = async (p: Record<string, string>): Promise<{ consumer: Pacticipant; provider: Pacticipant }> => {
    const [consumer, provider] = await Promise.all([
      pacticipantOr404(S, p.consumer!),
      pacticipantOr404(S, p.provider!),
    ]);
    return { consumer, provider };
  };
  const latestPact: Handler = async (c) => {
    const { consumer, provider } = await pair(params(c));
    return new Resources(S, c.var.links).pactResponse(
      await S.latestPublication(consumer.id, provider.id),
      `${consumer.name} and ${provider.name}`,
      200,
      true,
    );
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest', { GET: latestPact });
  r.resource('/pact/provider/:provider/consumer/:consumer/latest', { GET: latestPact });
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest-untagged', {
    GET: async (c) => {
      const { consumer, provider } = await pair(params(c));
      return new Resources(S, c.var.links).pactResponse(
        await S.latestUntaggedPublication(consumer.id, provider.id),
        `${consumer.name} (untagged) and ${provider.name}`,
        200,
        true,
      );
    },
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/latest/:tag', {
    GET: async (c) => {
      const p = params(c);
      const { consumer, provider } = await pair(p);
      const v = await S.latestVersionWithTag(consumer.id, p.tag!);
      return new Resources(S, c.var.links).pactResponse(
        v === undefined ? undefined : await S.publication(v.id, provider.id),
        `${consumer.name} with tag ${p.tag} and ${provider.name}`,
        200,
        true,
      );
    },
  });
  const branchHeadPact: Handler = async (c) => {
    const p = params(c);
    const { consumer, provider } = await pair(p);
    const branch = p.branch ?? consumer.mainBranch ?? '';
    const v = await S.branchHead(consumer.id, branch);
    return new Resources(S, c.var.links).pactResponse(
      v === undefined ? undefined : await S.publication(v.id, provider.id),
      `${consumer.name} branch ${branch} and ${provider.name}`,
      200,
      true,
    );
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/branch/latest/versions', { GET: branchHeadPact });
  r.resource('/pacts/provider/:provider/consumer/:consumer/branch/:branch/latest/versions', { GET: branchHeadPact });
  r.resource('/pacts/provider/:provider/consumer/:consumer/branch/:branch/latest', { GET: branchHeadPact });

  // Pact versions of a pair: all (newest 100), of the main branch, of a branch, with a tag.
  const listPacts =
    (versionsOf: (consumer: Pacticipant, p: Record<string, string>) => Promise<Version[]> | undefined): Handler =>
    async (c) => {
      const p = params(c);
      const { consumer, provider } = await pair(p);
      const versions = versionsOf(consumer, p);
      const pubs =
        versions === undefined
          ? await S.publicationsOfIntegration(consumer.id, provider.id)
          : (await Promise.all((await versions).map((v) => S.publication(v.id, provider.id)))).filter(
              (x): x is PactPublication => x !== undefined,
            );
      return hal(
        200,
        await new Resources(S, c.var.links).pactList(
          provider,
          c.var.links.url(pathOf(c)),
          pubs,
          `Pact versions between ${consumer.name} and ${provider.name}`,
        ),
      );
    };
  r.resource('/pacts/provider/:provider/consumer/:consumer/versions', { GET: listPacts(() => undefined) });
  r.resource('/pacts/provider/:provider/consumer/:consumer/branch/versions', {
    GET: listPacts((consumer) =>
      consumer.mainBranch === null ? Promise.resolve([]) : S.versionsOnBranch(consumer.id, consumer.mainBranch),
    ),
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/branch/:branch', {
    GET: listPacts((consumer, p) => S.versionsOnBranch(consumer.id, p.branch!)),
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/tag/:tag', {
    GET: listPacts((consumer, p) => S.versionsWithTag(consumer.id, p.tag!)),
  });
}
