// The HAL+JSON representations the broker serves (pacticipants, versions, pacts, verification results,
// environments, deployed/released versions, webhooks, the index), built for one request's base URL.
import { notFound, seg, type Links } from './http';
import { memoReads } from './store/memo';
import type {
  BrokerReads,
  Environment,
  PactPublication,
  PactVersion,
  Pacticipant,
  Verification,
  Version,
  WebhookRecord,
} from './store/types';
import { hal } from './context';
import { isRecord } from '../core/json';

type Json = Record<string, unknown>;

export class Resources {
  private readonly store: BrokerReads;

  /** Reads go through a per-request cache: build one Resources per request, after the request's writes. */
  constructor(
    store: BrokerReads,
    readonly links: Links,
  ) {
    this.store = memoReads(store);
  }

  /**
   * A pacticipant as the Pact Broker's PacticipantDecorator renders it (lib/pact_broker/api/decorators/
   * pacticipant_decorator.rb): the `pb:` relations and, beside them, the older names it still serves (`versions`,
   * and the embedded `latest-version` with its `number` beside `latestVersion`).
   */
  async pacticipant(p: Pacticipant): Promise<Json> {
    const L = this.links;
    const [latest, labels] = await Promise.all([this.store.latestVersion(p.id), this.store.labels(p.id)]);
    const self = L.pacticipant(p.name);
    const latestLinks =
      latest === undefined
        ? undefined
        : { self: { title: 'Version', name: latest.number, href: L.version(p.name, latest.number) } };
    return {
      name: p.name,
      displayName: p.displayName ?? p.name,
      mainBranch: p.mainBranch,
      repositoryUrl: p.repositoryUrl,
      repositoryName: p.repositoryName,
      repositoryNamespace: p.repositoryNamespace,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      _embedded: {
        ...(latest === undefined
          ? {}
          : {
              latestVersion: { number: latest.number, _links: latestLinks },
              'latest-version': {
                number: latest.number,
                title: 'DEPRECATED - please use latestVersion',
                name: 'DEPRECATED - please use latestVersion',
                _links: latestLinks,
              },
            }),
        labels: labels.map((l) => ({ name: l, _links: { self: { href: `${self}/labels/${seg(l)}` } } })),
      },
      _links: {
        self: { href: self },
        'pb:versions': { href: `${self}/versions` },
        'pb:branches': { href: `${self}/branches` },
        'pb:version': {
          title: 'Get, create or delete a pacticipant version',
          href: `${self}/versions/{version}`,
          templated: true,
        },
        'pb:version-tag': {
          title: `Get, create or delete a tag for a version of ${p.name}`,
          href: `${self}/versions/{version}/tags/{tag}`,
          templated: true,
        },
        'pb:branch-version': {
          title: `Get or add/create a version for a branch of ${p.name}`,
          href: `${self}/branches/{branch}/versions/{version}`,
          templated: true,
        },
        'pb:label': {
          title: `Get, create or delete a label for ${p.name}`,
          href: `${self}/labels/{label}`,
          templated: true,
        },
        versions: { title: 'Deprecated - use pb:versions', href: `${self}/versions` },
        'pb:can-i-deploy-badge': {
          title: `Can I Deploy ${p.name} badge`,
          href: `${self}/latest-version/{tag}/can-i-deploy/to/{environmentTag}/badge`,
          templated: true,
        },
        'pb:can-i-deploy-branch-to-environment-badge': {
          title: `Can I Deploy ${p.name} from branch to environment badge`,
          href: `${self}/branches/{branch}/latest-version/can-i-deploy/to-environment/{environment}/badge`,
          templated: true,
        },
        'pb:latest-version': { href: `${self}/latest-version` },
        'pb:environments': { href: L.url('/environments') },
        curies: [{ name: 'pb', href: L.url('/doc/{rel}?context=pacticipant'), templated: true }],
      },
    };
  }

  environment(e: Environment): Json {
    const self = this.links.environment(e.uuid);
    return {
      uuid: e.uuid,
      name: e.name,
      displayName: e.displayName,
      production: e.production,
      contacts: e.contacts,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      _links: {
        self: { href: self, title: e.displayName, name: e.name },
        'pb:currently-deployed-deployed-versions': {
          title: 'Versions currently deployed to this environment',
          href: `${self}/deployed-versions/currently-deployed`,
        },
        'pb:currently-supported-released-versions': {
          title: 'Versions released and supported in this environment',
          href: `${self}/released-versions/currently-supported`,
        },
        'pb:environments': { title: 'Environments', href: this.links.url('/environments') },
      },
    };
  }

  async version(p: Pacticipant, v: Version): Promise<Json> {
    const L = this.links;
    const S = this.store;
    const self = L.version(p.name, v.number);
    const [branches, tags, envs, pubs, places] = await Promise.all([
      S.branchesOfVersion(v.id),
      S.tagsOfVersion(v.id),
      S.environments(),
      S.publicationsOfVersion(v.id),
      S.environmentsOfVersion(v.id),
    ]);
    const branchVersions = branches.map((b) => ({
      name: b.name,
      latest: b.latest,
      _links: { self: { title: 'Branch version', name: b.name, href: L.branchVersion(p.name, b.name, v.number) } },
    }));
    return {
      number: v.number,
      buildUrl: v.buildUrl,
      createdAt: v.createdAt,
      _embedded: {
        branchVersions,
        branches: branchVersions,
        tags: tags.map((t) => ({
          name: t.name,
          _links: { self: { title: 'Tag', name: t.name, href: L.tag(p.name, v.number, t.name) } },
        })),
      },
      _links: {
        self: { title: 'Version', name: v.number, href: self },
        'pb:pacticipant': { title: 'Pacticipant', name: p.name, href: L.pacticipant(p.name) },
        'pb:tag': {
          href: `${self}/tags/{tag}`,
          title: 'Get, create or delete a tag for this pacticipant version',
          templated: true,
        },
        'pb:latest-verification-results-where-pacticipant-is-consumer': {
          title: 'Latest verification results for consumer version',
          href: `${self}/latest-verification-results`,
        },
        'pb:pact-versions': await Promise.all(
          pubs.map(async (pub) => {
            const prov = await S.pacticipantById(pub.providerId);
            return {
              title: 'Pact',
              name: `Pact between ${p.name} (${v.number}) and ${prov.name}`,
              href: L.pactByVersion(prov.name, p.name, v.number),
            };
          }),
        ),
        'pb:deployed-environments': places
          .filter((x) => x.kind === 'deployed')
          .map(({ environment: e }) => ({ title: 'Deployed environment', name: e.name, href: L.environment(e.uuid) })),
        'pb:released-environments': places
          .filter((x) => x.kind === 'released')
          .map(({ environment: e }) => ({ title: 'Released environment', name: e.name, href: L.environment(e.uuid) })),
        'pb:record-deployment': envs.map((e) => ({
          title: `Record deployment to ${e.displayName}`,
          name: e.name,
          href: `${self}/deployed-versions/environment/${e.uuid}`,
        })),
        'pb:record-release': envs.map((e) => ({
          title: `Record release to ${e.displayName}`,
          name: e.name,
          href: `${self}/released-versions/environment/${e.uuid}`,
        })),
      },
    };
  }

  tag(pp: Pacticipant, v: Version, name: string, createdAt: string): Json {
    return {
      name,
      createdAt,
      _links: {
        self: { title: 'Tag', name, href: this.links.tag(pp.name, v.number, name) },
        version: { title: 'Version', name: v.number, href: this.links.version(pp.name, v.number) },
        pacticipant: { title: 'Pacticipant', name: pp.name, href: this.links.pacticipant(pp.name) },
      },
    };
  }

  branchVersion(pp: Pacticipant, branch: string, v: Version, createdAt: string): Json {
    return {
      createdAt,
      _links: {
        self: { title: 'Branch version', href: this.links.branchVersion(pp.name, branch, v.number) },
        'pb:branch': { title: 'Branch', name: branch, href: this.links.branch(pp.name, branch) },
        'pb:version': { title: 'Version', name: v.number, href: this.links.version(pp.name, v.number) },
      },
    };
  }

  async deployed(uuid: string): Promise<Json> {
    const d = await this.store.deployedVersion(uuid);
    if (d === undefined) throw notFound('No such deployed version');
    return {
      uuid: d.uuid,
      currentlyDeployed: d.undeployedAt === null,
      applicationInstance: d.applicationInstance,
      target: d.applicationInstance,
      undeployedAt: d.undeployedAt,
      createdAt: d.createdAt,
      _embedded: await this.environmentRecordEmbedded(d),
      _links: { self: { href: this.links.deployedVersion(d.uuid) } },
    };
  }

  async released(uuid: string): Promise<Json> {
    const r = await this.store.releasedVersion(uuid);
    if (r === undefined) throw notFound('No such released version');
    return {
      uuid: r.uuid,
      currentlySupported: r.supportEndedAt === null,
      supportEndedAt: r.supportEndedAt,
      createdAt: r.createdAt,
      _embedded: await this.environmentRecordEmbedded(r),
      _links: { self: { href: this.links.releasedVersion(r.uuid) } },
    };
  }

  /** `_embedded` of a deployed or released version: its pacticipant, version and environment. */
  private async environmentRecordEmbedded(rec: {
    versionId: number;
    pacticipantId: number;
    environmentId: number;
  }): Promise<Json> {
    const [v, p, e] = await Promise.all([
      this.store.versionById(rec.versionId),
      this.store.pacticipantById(rec.pacticipantId),
      this.store.environmentById(rec.environmentId),
    ]);
    return {
      pacticipant: { name: p.name, _links: { self: { href: this.links.pacticipant(p.name) } } },
      version: { number: v.number, _links: { self: { href: this.links.version(p.name, v.number) } } },
      environment: this.environment(e),
    };
  }

  /** The pact resource: original content with `_id`s, `createdAt` and broker links. */
  async pact(
    consumer: Pacticipant,
    provider: Pacticipant,
    pv: PactVersion,
    cv: Version | undefined,
    createdAt: string,
    metadata?: string,
  ): Promise<Json> {
    const L = this.links;
    const content = JSON.parse(pv.content) as Json;
    const pactVersionUrl = L.pactVersion(provider.name, consumer.name, pv.sha);
    const selfHref = cv === undefined ? pactVersionUrl : L.pactByVersion(provider.name, consumer.name, cv.number);
    const [latestVerif, pubs] = await Promise.all([
      this.store.latestVerificationOfPactVersion(pv.id),
      this.store.publicationsOfPactVersion(pv.id),
    ]);
    const consumerVersions = await Promise.all(
      pubs.slice(-20).map(async (pub) => {
        const v = await this.store.versionById(pub.consumerVersionId);
        return { title: 'Consumer version', name: v.number, href: L.version(consumer.name, v.number) };
      }),
    );
    return {
      ...content,
      createdAt,
      _links: {
        self: {
          title: 'Pact',
          name: `Pact between ${consumer.name} (${cv?.number ?? pv.sha}) and ${provider.name}`,
          href: selfHref,
        },
        'pb:consumer': { title: 'Consumer', name: consumer.name, href: L.pacticipant(consumer.name) },
        ...(cv === undefined
          ? {}
          : {
              'pb:consumer-version': {
                title: 'Consumer version',
                name: cv.number,
                href: L.version(consumer.name, cv.number),
              },
            }),
        'pb:provider': { title: 'Provider', name: provider.name, href: L.pacticipant(provider.name) },
        'pb:pact-version': { title: 'Pact content version permalink', name: pv.sha, href: pactVersionUrl },
        'pb:latest-pact-version': {
          title: 'Latest version of this pact',
          href: L.latestPact(provider.name, consumer.name),
        },
        'pb:all-pact-versions': {
          title: 'All versions of this pact',
          href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/versions`),
        },
        'pb:latest-untagged-pact-version': {
          title: 'Latest untagged version of this pact',
          href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/latest-untagged`),
        },
        'pb:latest-tagged-pact-version': {
          title: 'Latest tagged version of this pact',
          href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/latest/{tag}`),
          templated: true,
        },
        'pb:publish-verification-results': {
          title: 'Publish verification results',
          href: `${L.pactVersion(provider.name, consumer.name, pv.sha, metadata)}/verification-results`,
        },
        ...(latestVerif === undefined
          ? {}
          : {
              'pb:latest-verification-results': {
                title: 'Latest verification results',
                href: L.verification(provider.name, consumer.name, pv.sha, latestVerif.number),
              },
            }),
        ...(cv === undefined
          ? {}
          : {
              'pb:tag-version': {
                title: 'Tag consumer version',
                href: `${L.version(consumer.name, cv.number)}/tags/{tag}`,
                templated: true,
              },
            }),
        ...(cv === undefined
          ? {}
          : {
              'pb:diff-previous-distinct': {
                title: 'Diff with previous distinct version of this pact',
                href: `${L.pactByVersion(provider.name, consumer.name, cv.number)}/diff/previous-distinct`,
              },
            }),
        'pb:diff': {
          title: 'Diff with another specified version of this pact',
          href: `${pactVersionUrl}/diff/pact-version/{pactVersion}`,
          templated: true,
        },
        'pb:consumer-versions': consumerVersions,
      },
    };
  }

  /**
   * 200 with the pact of a publication, 404 naming `what` when there is none. A latest pact (`latest`) also names
   * its consumer version in `X-Pact-Consumer-Version`, as the Pact Broker's LatestPact resource does
   * (lib/pact_broker/api/resources/latest_pact.rb).
   */
  async pactResponse(pub: PactPublication | undefined, what: string, status = 200, latest = false): Promise<Response> {
    if (pub === undefined) throw notFound(`No pact found for ${what}`);
    const [consumer, provider, pv, cv] = await Promise.all([
      this.store.pacticipantById(pub.consumerId),
      this.store.pacticipantById(pub.providerId),
      this.store.pactVersionById(pub.pactVersionId),
      this.store.versionById(pub.consumerVersionId),
    ]);
    return hal(
      status,
      await this.pact(consumer, provider, pv, cv, pub.createdAt),
      latest ? { 'X-Pact-Consumer-Version': cv.number } : {},
    );
  }

  async verification(consumer: Pacticipant, provider: Pacticipant, pv: PactVersion, v: Verification): Promise<Json> {
    const L = this.links;
    const providerVersion = await this.store.versionById(v.providerVersionId);
    return {
      providerName: provider.name,
      providerApplicationVersion: providerVersion.number,
      success: v.success,
      verificationDate: v.createdAt,
      buildUrl: v.buildUrl,
      testResults: v.testResults,
      verifiedBy: v.verifiedBy,
      ...(v.wip ? { wip: true } : {}),
      ...(v.pending === null ? {} : { pending: v.pending }),
      _links: {
        self: {
          title: 'Verification result',
          name: `Verification result ${v.number} for Pact between ${consumer.name} and ${provider.name}`,
          href: L.verification(provider.name, consumer.name, pv.sha, v.number),
        },
        'pb:pact-version': {
          title: 'Pact',
          name: `Pact between ${consumer.name} and ${provider.name}`,
          href: L.pactVersion(provider.name, consumer.name, pv.sha),
        },
        'pb:provider-version': {
          title: 'Provider version',
          name: providerVersion.number,
          href: L.version(provider.name, providerVersion.number),
        },
      },
    };
  }

  async pactList(provider: Pacticipant, selfHref: string, pubs: PactPublication[], title: string): Promise<Json> {
    const L = this.links;
    const items = await Promise.all(
      pubs.map(async (pub) => {
        const [c, v] = await Promise.all([
          this.store.pacticipantById(pub.consumerId),
          this.store.versionById(pub.consumerVersionId),
        ]);
        return {
          href: L.pactByVersion(provider.name, c.name, v.number),
          title: `Pact between ${c.name} (${v.number}) and ${provider.name}`,
          name: c.name,
        };
      }),
    );
    return {
      _links: {
        self: { href: selfHref, title },
        'pb:provider': { href: L.pacticipant(provider.name), name: provider.name, title: provider.name },
        'pb:pacts': items,
        provider: { href: L.pacticipant(provider.name), title: provider.name },
        pacts: items.map((i) => ({ ...i, title: `DEPRECATED - please use the pb:pacts relation. ${i.title}` })),
      },
    };
  }

  webhook(w: WebhookRecord): Json {
    const L = this.links;
    const request = { ...w.request };
    if (request.password !== undefined) request.password = '**********';
    if (isRecord(request.headers)) {
      const h: Json = {};
      for (const [k, v] of Object.entries(request.headers)) h[k] = /^authorization$/i.test(k) ? '**********' : v;
      request.headers = h;
    }
    return {
      uuid: w.uuid,
      description: w.description,
      ...(w.consumer === null ? {} : { consumer: w.consumer }),
      ...(w.provider === null ? {} : { provider: w.provider }),
      enabled: w.enabled,
      request,
      events: w.events.map((name) => ({ name })),
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
      _links: {
        self: { title: w.description ?? 'Webhook', href: L.webhook(w.uuid) },
        'pb:execute': {
          title:
            'Test the execution of the webhook with the latest matching pact or verification by sending a POST request to this URL',
          href: `${L.webhook(w.uuid)}/execute`,
        },
        'pb:triggered-webhooks': { href: `${L.webhook(w.uuid)}/triggered-webhooks` },
        ...(w.consumer?.name === undefined
          ? {}
          : { 'pb:consumer': { title: 'Consumer', name: w.consumer.name, href: L.pacticipant(w.consumer.name) } }),
        ...(w.provider?.name === undefined
          ? {}
          : { 'pb:provider': { title: 'Provider', name: w.provider.name, href: L.pacticipant(w.provider.name) } }),
        'pb:webhooks': { title: 'All webhooks', href: L.url('/webhooks') },
      },
    };
  }
}
