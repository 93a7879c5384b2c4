// The broker as a pure request -> response handler over a Store: routing, auth, validation and HAL resources.
import crypto from 'node:crypto';
import { PactsForVerification, type ForVerificationRequest } from './for-verification';
import { badRequest, decodeMetadata, HttpError, json, Links, noContent, notFound, seg, type BrokerRequest, type BrokerResponse } from './http';
import { Matrix } from './matrix';
import { canonicalJson, describeDiff } from './pact-content';
import type { Environment, PactPublication, PactVersion, Pacticipant, Store, Verification, Version, WebhookRecord } from './store';
import { WEBHOOK_EVENTS, WebhookDispatcher, type BrokerEvent, type WebhookEventName } from './webhooks';
import { renderHtml } from './html';
import { badgeSvg, canIDeployBadgeStatus, pactBadgeStatus, svgResponse, type BadgeColour } from './badge';
import { isRecord } from '../shared/json';

export interface BrokerAuthConfig {
  /** Read-write bearer token. */
  token?: string;
  /** Read-only bearer token (GET/HEAD only). */
  readOnlyToken?: string;
  /** Read-write basic auth credentials. */
  basic?: { username: string; password: string };
  /** Read-only basic auth credentials. */
  readOnlyBasic?: { username: string; password: string };
  /** Allow unauthenticated reads even when credentials are configured. */
  publicRead?: boolean;
}

export interface BrokerAppOptions {
  auth?: BrokerAuthConfig;
  /** Request body limit in bytes (413 above it). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Allow publishing different content for an existing consumer version (the Ruby broker's allow_dangerous_contract_modification). */
  allowContractModification?: boolean;
  /**
   * A tag named after an environment also records a deployment of that version there (the Pact Broker's
   * create_deployed_versions_for_tags, on by default there too: helps teams still tagging "prod" after deploying).
   * Default true.
   */
  createDeployedVersionsForTags?: boolean;
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

type Params = Record<string, string>;
type Handler = (req: BrokerRequest, params: Params) => BrokerResponse | Promise<BrokerResponse>;
interface Route {
  parts: string[];
  methods: Partial<Record<string, Handler>>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPES = /^(application\/(json|hal\+json|merge-patch\+json|problem\+json)|text\/plain)/i;

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

const nonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const singleLine = (v: string): boolean => !/[\r\n]/.test(v);

export class BrokerApp {
  readonly store: Store;
  readonly webhooks: WebhookDispatcher;
  private readonly routes: Route[] = [];
  private readonly opts: BrokerAppOptions;
  private currentLinks: Links = new Links('http://localhost');
  readonly maxBodyBytes: number;

  constructor(store: Store, opts: BrokerAppOptions = {}) {
    this.store = store;
    this.opts = opts;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.webhooks = new WebhookDispatcher(store, () => this.currentLinks, { retryDelaysMs: opts.webhookRetryDelaysMs, timeoutMs: opts.webhookTimeoutMs, log: opts.log });
    this.defineRoutes();
  }

  get authEnabled(): boolean {
    const a = this.opts.auth;
    return a !== undefined && (a.token !== undefined || a.readOnlyToken !== undefined || a.basic !== undefined || a.readOnlyBasic !== undefined);
  }

  // ------------------------------------------------------------------ dispatch
  async handle(req: BrokerRequest): Promise<BrokerResponse> {
    try {
      return await this.dispatch(req);
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, error.body, error.extraHeaders);
      const reference = crypto.randomBytes(5).toString('hex');
      this.opts.log?.(`[broker] error ${reference}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return json(500, { error: { message: `An error occurred (${error instanceof Error ? error.message : String(error)})`, reference } });
    }
  }

  private authorize(req: BrokerRequest): void {
    if (!this.authEnabled || req.path === '/diagnostic/status/heartbeat') return;
    const a = this.opts.auth!;
    const header = req.headers.authorization ?? '';
    let role: 'rw' | 'ro' | undefined;
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (bearer !== null) {
      const t = bearer[1]!.trim();
      if (a.token !== undefined && safeEqual(t, a.token)) role = 'rw';
      else if (a.readOnlyToken !== undefined && safeEqual(t, a.readOnlyToken)) role = 'ro';
    } else if (basic !== null) {
      const decoded = Buffer.from(basic[1]!.trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const user = i < 0 ? decoded : decoded.slice(0, i);
      const pass = i < 0 ? '' : decoded.slice(i + 1);
      const match = (c: { username: string; password: string } | undefined): boolean => c !== undefined && safeEqual(user, c.username) && safeEqual(pass, c.password);
      if (match(a.basic)) role = 'rw';
      else if (match(a.readOnlyBasic)) role = 'ro';
    }
    const write = WRITE_METHODS.has(req.method);
    if (role === undefined) {
      if (!write && a.publicRead === true && header === '') return;
      throw new HttpError(401, { error: header === '' ? 'Authentication required: send an Authorization header (Bearer token or Basic credentials).' : 'Invalid credentials.' }, { 'WWW-Authenticate': 'Bearer realm="cxpact-broker", Basic realm="cxpact-broker"' });
    }
    if (write && role === 'ro' && !(req.method === 'POST' && req.path.endsWith('/for-verification'))) {
      throw new HttpError(403, { error: `The credentials used are read-only and cannot ${req.method} ${req.path}.` });
    }
  }

  private async dispatch(req: BrokerRequest): Promise<BrokerResponse> {
    this.currentLinks = new Links(req.baseUrl);
    this.authorize(req);
    if (req.body.length > this.maxBodyBytes) {
      throw new HttpError(413, { error: `Request body of ${req.body.length} bytes exceeds the limit of ${this.maxBodyBytes} bytes (--max-body-bytes).` });
    }
    const accept = req.headers.accept ?? '';
    if (req.method === 'GET' && /text\/html/.test(accept) && !/application\/(hal\+)?json/.test(accept)) {
      const page = renderHtml(this.store, new Links(req.baseUrl), req);
      if (page !== undefined) return page;
    }
    let parts: string[];
    try {
      parts = req.path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    } catch {
      throw badRequest({ path: [`The path ${req.path} is not valid percent-encoding.`] });
    }
    for (const route of this.routes) {
      const params = matchRoute(route.parts, parts);
      if (params === undefined) continue;
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const handler = route.methods[method];
      if (handler === undefined) {
        const allow = [...Object.keys(route.methods), 'OPTIONS'].join(', ');
        if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: allow }, body: '' };
        throw new HttpError(405, { error: `Method ${req.method} is not allowed on ${req.path}. Allowed: ${allow}.` }, { Allow: allow });
      }
      if (WRITE_METHODS.has(req.method) && req.body.length > 0) {
        const ct = req.headers['content-type'];
        if (ct !== undefined && !JSON_TYPES.test(ct)) {
          throw new HttpError(415, { error: `Unsupported Content-Type '${ct}'. Send application/json (or application/merge-patch+json for PATCH).` });
        }
      }
      const res = await handler(req, params);
      return req.method === 'HEAD' ? { ...res, body: '' } : res;
    }
    throw notFound(`No resource at ${req.path}`);
  }

  private get links(): Links {
    return this.currentLinks;
  }

  /**
   * SVG badges for READMEs, as the Pact Broker serves them: the pact's latest verification status
   * (`/pacts/provider/P/consumer/C/latest[/TAG|-untagged]/badge`: verified / failed / changed / unknown; label
   * "consumer/provider pact", `?label=consumer|provider`, `?initials=true`) and can-i-deploy
   * (`/pacticipants/P/latest-version/TAG/can-i-deploy/to/TO/badge`, `.../branches/B/latest-version/can-i-deploy/to-environment/E/badge`).
   * An unknown pacticipant or pact is still a 200 badge ("pact not found" / "unknown"), so a README never shows a broken image.
   */
  private defineBadgeRoutes(): void {
    const r = this.route.bind(this);
    const S = this.store;
    const name = (n: string, initials: boolean): string => (initials ? n.split(/[\s_-]+|(?=[A-Z])/).filter((w) => w !== '').map((w) => w[0]!).join('') : n);
    const pactBadge = (pick: (consumer: Pacticipant, provider: Pacticipant, p: Params) => PactPublication | undefined): Handler => (req, p) => {
      const consumer = S.pacticipant(p.consumer!);
      const provider = S.pacticipant(p.provider!);
      const pub = consumer === undefined || provider === undefined ? undefined : pick(consumer, provider, p);
      if (consumer === undefined || provider === undefined || pub === undefined) return svgResponse(badgeSvg('pact not found', 'unknown', 'lightgrey'));
      const initials = req.query.get('initials') === 'true';
      const which = (req.query.get('label') ?? '').toLowerCase();
      const title = which === 'consumer' ? name(consumer.name, initials) : which === 'provider' ? name(provider.name, initials) : `${name(consumer.name, initials)}/${name(provider.name, initials)}`;
      const v = S.latestVerificationOfPactVersion(pub.pactVersionId);
      let status: { message: string; colour: BadgeColour } = pactBadgeStatus(v?.success);
      // Verified before, but not this content: the pact changed since (the Pact Broker's "stale" state).
      if (v === undefined && S.hasVerificationForIntegration(consumer.id, provider.id)) status = { message: 'changed', colour: 'orange' };
      return svgResponse(badgeSvg(`${title} pact`.toLowerCase(), status.message, status.colour));
    };
    r('/pacts/provider/:provider/consumer/:consumer/latest/badge', { GET: pactBadge((c, pr) => S.latestPublication(c.id, pr.id)) });
    r('/pacts/provider/:provider/consumer/:consumer/latest-untagged/badge', { GET: pactBadge((c, pr) => S.latestUntaggedPublication(c.id, pr.id)) });
    r('/pacts/provider/:provider/consumer/:consumer/latest/:tag/badge', {
      GET: pactBadge((c, pr, p) => {
        const v = S.latestVersionWithTag(c.id, p.tag!);
        return v === undefined ? undefined : S.publication(v.id, pr.id);
      }),
    });
    const deployBadge = (label: (p: Params) => string, query: (p: Params) => [string, string][]): Handler => (req, p) => {
      const pp = S.pacticipant(p.pacticipant!);
      const text = req.query.get('label') ?? label(p);
      if (pp === undefined) return svgResponse(badgeSvg(text, 'unknown', 'lightgrey'));
      let deployable: unknown = null;
      try {
        const res = new Matrix(S, this.links).query(new URLSearchParams(query(p))) as { summary?: { deployable?: unknown } };
        deployable = res.summary?.deployable;
      } catch {
        deployable = null; // e.g. an unknown environment: unknown, not a broken image
      }
      const status = canIDeployBadgeStatus(deployable);
      return svgResponse(badgeSvg(text, status.message, status.colour));
    };
    r('/pacticipants/:pacticipant/latest-version/:tag/can-i-deploy/to/:to/badge', {
      GET: deployBadge(
        (p) => `can-i-deploy ${p.tag} to ${p.to}`,
        (p) => [['q[][pacticipant]', p.pacticipant!], ['q[][tag]', p.tag!], ['q[][latest]', 'true'], ['tag', p.to!], ['latest', 'true'], ['latestby', 'cvp']],
      ),
    });
    r('/pacticipants/:pacticipant/branches/:branch/latest-version/can-i-deploy/to-environment/:environment/badge', {
      GET: deployBadge(
        (p) => `can-i-deploy ${p.branch} to ${p.environment}`,
        (p) => [['q[][pacticipant]', p.pacticipant!], ['q[][branch]', p.branch!], ['q[][latest]', 'true'], ['environment', p.environment!], ['latestby', 'cvpv']],
      ),
    });
  }

  private route(path: string, methods: Partial<Record<string, Handler>>): void {
    this.routes.push({ parts: path.split('/').filter((p) => p !== ''), methods });
  }

  // ------------------------------------------------------------------ helpers
  private body(req: BrokerRequest): Record<string, unknown> {
    if (req.body.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch (error) {
      throw badRequest({ body: [`The request body is not valid JSON: ${(error as Error).message}`] });
    }
    if (!isRecord(parsed)) throw badRequest({ body: ['The request body must be a JSON object.'] });
    return parsed;
  }

  private pacticipantOr404(name: string): Pacticipant {
    const p = this.store.pacticipant(name);
    if (p === undefined) throw notFound(`No pacticipant with name '${name}' found`);
    return p;
  }

  private versionOr404(p: Pacticipant, number: string): Version {
    const v = this.store.version(p.id, number);
    if (v === undefined) throw notFound(`No version '${number}' of pacticipant '${p.name}' found`);
    return v;
  }

  private environmentOr404(uuid: string): Environment {
    const e = this.store.environment(uuid);
    if (e === undefined) throw notFound(`No environment with uuid '${uuid}' found`);
    return e;
  }

  private tx<T>(fn: () => T): T {
    return this.store.tx(fn);
  }

  // ------------------------------------------------------------------ representations
  private pacticipantJson(p: Pacticipant, embedLatest = true): Record<string, unknown> {
    const L = this.links;
    const latest = embedLatest ? this.store.latestVersion(p.id) : undefined;
    const self = L.pacticipant(p.name);
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
        ...(latest === undefined ? {} : { latestVersion: { number: latest.number, _links: { self: { title: 'Version', name: latest.number, href: L.version(p.name, latest.number) } } } }),
        labels: this.store.labels(p.id).map((l) => ({ name: l, _links: { self: { href: `${self}/labels/${seg(l)}` } } })),
      },
      _links: {
        self: { href: self },
        'pb:versions': { href: `${self}/versions` },
        'pb:version': { href: `${self}/versions/{version}`, title: 'Get, create or delete a pacticipant version', templated: true },
        'pb:version-tag': { href: `${self}/versions/{version}/tags/{tag}`, title: 'Get, create or delete a tag for a version', templated: true },
        'pb:branches': { href: `${self}/branches` },
        'pb:branch-version': { href: `${self}/branches/{branch}/versions/{version}`, title: 'Get or add/create a version for a branch', templated: true },
        'pb:latest-version': { href: `${self}/latest-version` },
        'pb:label': { href: `${self}/labels/{label}`, templated: true },
        'pb:can-i-deploy-badge': { href: `${self}/latest-version/{tag}/can-i-deploy/to/{environmentTag}/badge`, templated: true },
        'pb:environments': { href: L.url('/environments') },
      },
    };
  }

  private environmentJson(e: Environment): Record<string, unknown> {
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
        'pb:currently-deployed-deployed-versions': { title: 'Versions currently deployed to this environment', href: `${self}/deployed-versions/currently-deployed` },
        'pb:currently-supported-released-versions': { title: 'Versions released and supported in this environment', href: `${self}/released-versions/currently-supported` },
        'pb:environments': { title: 'Environments', href: this.links.url('/environments') },
      },
    };
  }

  private versionJson(p: Pacticipant, v: Version): Record<string, unknown> {
    const L = this.links;
    const self = L.version(p.name, v.number);
    const branches = this.store.branchesOfVersion(v.id);
    const tags = this.store.tagsOfVersion(v.id);
    const envs = this.store.environments();
    const pubs = this.store.publicationsOfVersion(v.id);
    const deployed = this.store.deploymentsOfVersion(v.id).filter((d) => d.undeployedAt === null);
    const released = this.store.releasesOfVersion(v.id).filter((r) => r.supportEndedAt === null);
    const branchVersions = branches.map((b) => ({ name: b.name, latest: b.latest, _links: { self: { title: 'Branch version', name: b.name, href: L.branchVersion(p.name, b.name, v.number) } } }));
    return {
      number: v.number,
      buildUrl: v.buildUrl,
      createdAt: v.createdAt,
      _embedded: {
        branchVersions,
        branches: branchVersions,
        tags: tags.map((t) => ({ name: t.name, _links: { self: { title: 'Tag', name: t.name, href: L.tag(p.name, v.number, t.name) } } })),
      },
      _links: {
        self: { title: 'Version', name: v.number, href: self },
        'pb:pacticipant': { title: 'Pacticipant', name: p.name, href: L.pacticipant(p.name) },
        'pb:tag': { href: `${self}/tags/{tag}`, title: 'Get, create or delete a tag for this pacticipant version', templated: true },
        'pb:latest-verification-results-where-pacticipant-is-consumer': { title: 'Latest verification results for consumer version', href: `${self}/latest-verification-results` },
        'pb:pact-versions': pubs.map((pub) => {
          const prov = this.store.pacticipantById(pub.providerId);
          return { title: 'Pact', name: `Pact between ${p.name} (${v.number}) and ${prov.name}`, href: L.pactByVersion(prov.name, p.name, v.number) };
        }),
        'pb:deployed-environments': deployed.map((d) => {
          const e = this.store.environmentById(d.environmentId);
          return { title: 'Deployed environment', name: e.name, href: L.environment(e.uuid) };
        }),
        'pb:released-environments': released.map((r) => {
          const e = this.store.environmentById(r.environmentId);
          return { title: 'Released environment', name: e.name, href: L.environment(e.uuid) };
        }),
        'pb:record-deployment': envs.map((e) => ({ title: `Record deployment to ${e.displayName}`, name: e.name, href: `${self}/deployed-versions/environment/${e.uuid}` })),
        'pb:record-release': envs.map((e) => ({ title: `Record release to ${e.displayName}`, name: e.name, href: `${self}/released-versions/environment/${e.uuid}` })),
      },
    };
  }

  private deployedJson(uuid: string): Record<string, unknown> {
    const d = this.store.deployedVersion(uuid)!;
    return {
      uuid: d.uuid,
      currentlyDeployed: d.undeployedAt === null,
      applicationInstance: d.applicationInstance,
      target: d.applicationInstance,
      undeployedAt: d.undeployedAt,
      createdAt: d.createdAt,
      _embedded: this.environmentRecordEmbedded(d),
      _links: { self: { href: this.links.deployedVersion(d.uuid) } },
    };
  }

  private releasedJson(uuid: string): Record<string, unknown> {
    const r = this.store.releasedVersion(uuid)!;
    return {
      uuid: r.uuid,
      currentlySupported: r.supportEndedAt === null,
      supportEndedAt: r.supportEndedAt,
      createdAt: r.createdAt,
      _embedded: this.environmentRecordEmbedded(r),
      _links: { self: { href: this.links.releasedVersion(r.uuid) } },
    };
  }

  /** `_embedded` of a deployed or released version: its pacticipant, version and environment. */
  private environmentRecordEmbedded(rec: { versionId: number; pacticipantId: number; environmentId: number }): Record<string, unknown> {
    const v = this.store.versionById(rec.versionId);
    const p = this.store.pacticipantById(rec.pacticipantId);
    const e = this.store.environmentById(rec.environmentId);
    return {
      pacticipant: { name: p.name, _links: { self: { href: this.links.pacticipant(p.name) } } },
      version: { number: v.number, _links: { self: { href: this.links.version(p.name, v.number) } } },
      environment: this.environmentJson(e),
    };
  }

  /** The pact resource: original content with `_id`s, `createdAt` and broker links. */
  private pactJson(consumer: Pacticipant, provider: Pacticipant, pv: PactVersion, cv: Version | undefined, createdAt: string, metadata?: string): Record<string, unknown> {
    const L = this.links;
    const content = JSON.parse(pv.content) as Record<string, unknown>;
    const pactVersionUrl = L.pactVersion(provider.name, consumer.name, pv.sha);
    const selfHref = cv === undefined ? pactVersionUrl : L.pactByVersion(provider.name, consumer.name, cv.number);
    const latestVerif = this.store.latestVerificationOfPactVersion(pv.id);
    return {
      ...content,
      createdAt,
      _links: {
        self: { title: 'Pact', name: `Pact between ${consumer.name} (${cv?.number ?? pv.sha}) and ${provider.name}`, href: selfHref },
        'pb:consumer': { title: 'Consumer', name: consumer.name, href: L.pacticipant(consumer.name) },
        ...(cv === undefined ? {} : { 'pb:consumer-version': { title: 'Consumer version', name: cv.number, href: L.version(consumer.name, cv.number) } }),
        'pb:provider': { title: 'Provider', name: provider.name, href: L.pacticipant(provider.name) },
        'pb:pact-version': { title: 'Pact content version permalink', name: pv.sha, href: pactVersionUrl },
        'pb:latest-pact-version': { title: 'Latest version of this pact', href: L.latestPact(provider.name, consumer.name) },
        'pb:all-pact-versions': { title: 'All versions of this pact', href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/versions`) },
        'pb:latest-untagged-pact-version': { title: 'Latest untagged version of this pact', href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/latest-untagged`) },
        'pb:latest-tagged-pact-version': { title: 'Latest tagged version of this pact', href: L.url(`/pacts/provider/${seg(provider.name)}/consumer/${seg(consumer.name)}/latest/{tag}`), templated: true },
        'pb:publish-verification-results': {
          title: 'Publish verification results',
          href: `${L.pactVersion(provider.name, consumer.name, pv.sha, metadata)}/verification-results`,
        },
        ...(latestVerif === undefined
          ? {}
          : { 'pb:latest-verification-results': { title: 'Latest verification results', href: L.verification(provider.name, consumer.name, pv.sha, latestVerif.number) } }),
        ...(cv === undefined ? {} : { 'pb:tag-version': { title: 'Tag consumer version', href: `${L.version(consumer.name, cv.number)}/tags/{tag}`, templated: true } }),
        'pb:consumer-versions': pv.id === undefined ? [] : this.store.publicationsOfPactVersion(pv.id).slice(-20).map((pub) => {
          const v = this.store.versionById(pub.consumerVersionId);
          return { title: 'Consumer version', name: v.number, href: L.version(consumer.name, v.number) };
        }),
      },
    };
  }

  private pactFromPublication(pub: PactPublication | undefined, what: string): BrokerResponse {
    if (pub === undefined) throw notFound(`No pact found for ${what}`);
    const consumer = this.store.pacticipantById(pub.consumerId);
    const provider = this.store.pacticipantById(pub.providerId);
    const pv = this.store.pactVersionById(pub.pactVersionId);
    return json(200, this.pactJson(consumer, provider, pv, this.store.versionById(pub.consumerVersionId), pub.createdAt));
  }

  private verificationJson(consumer: Pacticipant, provider: Pacticipant, pv: PactVersion, v: Verification): Record<string, unknown> {
    const L = this.links;
    const providerVersion = this.store.versionById(v.providerVersionId);
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
        self: { title: 'Verification result', name: `Verification result ${v.number} for Pact between ${consumer.name} and ${provider.name}`, href: L.verification(provider.name, consumer.name, pv.sha, v.number) },
        'pb:pact-version': { title: 'Pact', name: `Pact between ${consumer.name} and ${provider.name}`, href: L.pactVersion(provider.name, consumer.name, pv.sha) },
        'pb:provider-version': { title: 'Provider version', name: providerVersion.number, href: L.version(provider.name, providerVersion.number) },
      },
    };
  }

  private pactListJson(provider: Pacticipant, selfHref: string, pubs: PactPublication[], title: string): Record<string, unknown> {
    const L = this.links;
    const items = pubs.map((pub) => {
      const c = this.store.pacticipantById(pub.consumerId);
      const v = this.store.versionById(pub.consumerVersionId);
      return { href: L.pactByVersion(provider.name, c.name, v.number), title: `Pact between ${c.name} (${v.number}) and ${provider.name}`, name: c.name };
    });
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

  private webhookJson(w: WebhookRecord): Record<string, unknown> {
    const L = this.links;
    const request = { ...w.request };
    if (request.password !== undefined) request.password = '**********';
    if (isRecord(request.headers)) {
      const h: Record<string, unknown> = {};
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
        'pb:execute': { title: 'Test the execution of the webhook with the latest matching pact or verification by sending a POST request to this URL', href: `${L.webhook(w.uuid)}/execute` },
        'pb:triggered-webhooks': { href: `${L.webhook(w.uuid)}/triggered-webhooks` },
        ...(w.consumer?.name === undefined ? {} : { 'pb:consumer': { title: 'Consumer', name: w.consumer.name, href: L.pacticipant(w.consumer.name) } }),
        ...(w.provider?.name === undefined ? {} : { 'pb:provider': { title: 'Provider', name: w.provider.name, href: L.pacticipant(w.provider.name) } }),
        'pb:webhooks': { title: 'All webhooks', href: L.url('/webhooks') },
      },
    };
  }

  // ------------------------------------------------------------------ index
  private index(): Record<string, unknown> {
    const L = this.links;
    const t = (href: string, title: string, templated = false): Record<string, unknown> => ({ href: L.url(href), title, ...(templated ? { templated: true } : {}) });
    return {
      _links: {
        self: { href: L.base, title: 'Index' },
        'pb:publish-pact': t('/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}', 'Publish a pact', true),
        'pb:publish-contracts': t('/contracts/publish', 'Publish contracts'),
        'pb:latest-pact-versions': t('/pacts/latest', 'Latest pact versions'),
        'pb:tagged-pact-versions': t('/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}', 'All versions of a pact for a given consumer, provider and consumer version tag', true),
        'pb:pacticipants': t('/pacticipants', 'Pacticipants'),
        'pb:pacticipant': t('/pacticipants/{pacticipant}', 'Fetch pacticipant by name', true),
        'pb:latest-provider-pacts': t('/pacts/provider/{provider}/latest', 'Latest pacts by provider', true),
        'pb:latest-provider-pacts-with-tag': t('/pacts/provider/{provider}/latest/{tag}', 'Latest pacts for provider with the specified tag', true),
        'pb:provider-pacts-with-tag': t('/pacts/provider/{provider}/tag/{tag}', 'All pact versions for the provider with the specified consumer version tag', true),
        'pb:provider-pacts': t('/pacts/provider/{provider}', 'All pact versions for the specified provider', true),
        'pb:provider-pacts-with-main-branch': t('/pacts/provider/{provider}/branch', 'All pact versions for the provider from the main branch of each consumer', true),
        'pb:provider-pacts-with-branch': t('/pacts/provider/{provider}/branch/{branch}', 'All pact versions for the provider from the given consumer branch', true),
        'pb:latest-provider-pacts-with-main-branch': t('/pacts/provider/{provider}/branch/latest', 'Latest pacts for the provider from the main branch of each consumer', true),
        'pb:latest-provider-pacts-with-branch': t('/pacts/provider/{provider}/branch/{branch}/latest', 'Latest pacts for the provider from the given consumer branch', true),
        'pb:main-branch-pact-versions': t('/pacts/provider/{provider}/consumer/{consumer}/branch/versions', 'Pact versions from the main branch of the consumer', true),
        'pb:branch-pact-versions': t('/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}', 'Pact versions from the given consumer branch', true),
        'pb:latest-branch-pact-versions': t('/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions', 'Latest pact version from the given consumer branch', true),
        'pb:latest-main-branch-pact-versions': t('/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions', 'Latest pact version from the main branch of the consumer', true),
        'pb:latest-version': t('/pacticipants/{pacticipant}/latest-version', 'Latest pacticipant version', true),
        'pb:latest-tagged-version': t('/pacticipants/{pacticipant}/latest-version/{tag}', 'Latest pacticipant version with the specified tag', true),
        'pb:pacticipant-version': t('/pacticipants/{pacticipant}/versions/{version}', 'Get, create or delete a pacticipant version', true),
        'pb:pacticipant-version-tag': t('/pacticipants/{pacticipant}/versions/{version}/tags/{tag}', 'Get, create or delete a tag for a pacticipant version', true),
        'pb:pacticipant-branch': t('/pacticipants/{pacticipant}/branches/{branch}', 'Get or delete a pacticipant branch', true),
        'pb:pacticipant-branch-version': t('/pacticipants/{pacticipant}/branches/{branch}/versions/{version}', 'Get or add/create a pacticipant version for a branch', true),
        'pb:environments': t('/environments', 'Environments'),
        'pb:environment': t('/environments/{uuid}', 'Environment', true),
        'pb:provider-pacts-for-verification': t('/pacts/provider/{provider}/for-verification', 'Pact versions to be verified for the specified provider', true),
        'beta:provider-pacts-for-verification': { ...t('/pacts/provider/{provider}/for-verification', 'DEPRECATED - please use pb:provider-pacts-for-verification', true), name: 'beta' },
        'pb:webhooks': t('/webhooks', 'Webhooks'),
        'pb:webhook': t('/webhooks/{uuid}', 'Webhook', true),
        'pb:integrations': t('/integrations', 'Integrations'),
        'pb:metrics': t('/metrics', 'Get Pact Broker metrics'),
        'pb:can-i-deploy-pacticipant-version-to-tag': t('/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}', 'Determine if an application version can be safely deployed to an environment identified by the given tag', true),
        'pb:can-i-deploy-pacticipant-version-to-environment': t('/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}', 'Determine if an application version can be safely deployed to an environment', true),
        'pb:matrix': t('/matrix', 'The matrix of verified pacts'),
        curies: [
          { name: 'pb', href: L.url('/doc/{rel}?context=index'), templated: true },
          { name: 'beta', href: L.url('/doc/{rel}?context=index'), templated: true },
        ],
      },
    };
  }

  // ------------------------------------------------------------------ publishing
  private publishContracts(req: BrokerRequest): BrokerResponse {
    const body = this.body(req);
    const errors: Record<string, string[]> = {};
    const err = (k: string, m: string): void => {
      (errors[k] ??= []).push(m);
    };
    const name = body.pacticipantName;
    const number = body.pacticipantVersionNumber;
    if (!nonBlank(name) || !singleLine(name)) err('pacticipantName', 'is required and must be a non-blank single line string');
    if (!nonBlank(number) || !singleLine(number)) err('pacticipantVersionNumber', 'is required and must be a non-blank single line string');
    if (body.branch !== undefined && body.branch !== null && !nonBlank(body.branch)) err('branch', 'must not be blank');
    const tags = body.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => !nonBlank(t))) err('tags', 'must be an array of non-blank strings');
    if (body.buildUrl !== undefined && body.buildUrl !== null && typeof body.buildUrl !== 'string') err('buildUrl', 'must be a string');
    const contracts = body.contracts;
    const parsed: { consumerName: string; providerName: string; pact: Record<string, unknown>; onConflict: string }[] = [];
    if (!Array.isArray(contracts) || contracts.length === 0) err('contracts', 'must be a non-empty array');
    else {
      contracts.forEach((c, i) => {
        const at = `contracts[${i}]`;
        if (!isRecord(c)) return err('contracts', `${at} must be an object`);
        if (!nonBlank(c.consumerName)) err('contracts', `${at}.consumerName is required`);
        if (!nonBlank(c.providerName)) err('contracts', `${at}.providerName is required`);
        if (nonBlank(c.consumerName) && nonBlank(name) && c.consumerName !== name) err('contracts', `${at}.consumerName (${c.consumerName}) must match pacticipantName (${name})`);
        if (c.specification !== undefined && c.specification !== 'pact') return; // only pacts are stored
        if (typeof c.content !== 'string') return err('contracts', `${at}.content must be a base64 encoded string`);
        let pact: unknown;
        try {
          const decoded = Buffer.from(c.content, 'base64').toString('utf8');
          pact = JSON.parse(decoded);
        } catch {
          return err('contracts', `${at}.content is not valid base64-encoded JSON`);
        }
        if (!isRecord(pact)) return err('contracts', `${at}.content must decode to a JSON object`);
        const pc = isRecord(pact.consumer) ? pact.consumer.name : undefined;
        const pp = isRecord(pact.provider) ? pact.provider.name : undefined;
        if (pc !== undefined && pc !== c.consumerName) err('contracts', `${at}: the consumer name in the pact content (${String(pc)}) does not match consumerName (${String(c.consumerName)})`);
        if (pp !== undefined && pp !== c.providerName) err('contracts', `${at}: the provider name in the pact content (${String(pp)}) does not match providerName (${String(c.providerName)})`);
        if (nonBlank(c.consumerName) && nonBlank(c.providerName)) parsed.push({ consumerName: c.consumerName, providerName: c.providerName, pact, onConflict: String(c.onConflict ?? 'overwrite') });
      });
    }
    if (Object.keys(errors).length > 0) throw badRequest(errors);

    const L = this.links;
    const branch = nonBlank(body.branch) ? body.branch : undefined;
    const buildUrl = typeof body.buildUrl === 'string' ? body.buildUrl : undefined;
    const tagList = (tags as string[]).map(String);
    const allow = this.opts.allowContractModification === true;
    const events: BrokerEvent[] = [];
    const notices: { type: string; text: string }[] = [];
    const result = this.tx(() => {
      const consumer = this.store.ensurePacticipant(name as string);
      const { version, created } = this.store.ensureVersion(consumer.id, number as string, buildUrl);
      if (branch !== undefined) this.store.addVersionToBranch(consumer, version.id, branch);
      for (const t of tagList) this.store.addTag(consumer.id, version.id, t);
      const parts = [created ? `Created ${consumer.name} version ${version.number}` : `Updated ${consumer.name} version ${version.number}`];
      if (branch !== undefined) parts.push(`with branch ${branch}`);
      if (tagList.length > 0) parts.push(`${branch === undefined ? 'with' : 'and'} tags ${tagList.join(', ')}`);
      notices.push({ type: 'debug', text: parts.join(' ') });
      const conflicts: string[] = [];
      const diffs: string[] = [];
      const contractsOut: { provider: string }[] = [];
      for (const c of parsed) {
        const provider = this.store.ensurePacticipant(c.providerName);
        let pact = c.pact;
        if (c.onConflict === 'merge' && allow) {
          const existing = this.store.publication(version.id, provider.id);
          if (existing !== undefined) pact = mergePacts(JSON.parse(this.store.pactVersionById(existing.pactVersionId).content) as Record<string, unknown>, pact);
        }
        const r = this.store.publishPact(consumer, version, provider, pact, allow);
        if (r.outcome === 'conflict') {
          conflicts.push(
            `Cannot change the content of the pact for ${consumer.name} version ${version.number} and provider ${provider.name}, as race conditions will cause unreliable results for can-i-deploy. Each pact must be published with a unique consumer version number. Some Pact libraries generate random data when a concrete value for a type matcher is not specified, and this can cause the contract to mutate - ensure you have given example values for all type matchers. For more information see https://docs.pact.io/go/versioning`,
          );
          diffs.push(describeDiff(JSON.parse(r.previous!.content) as Record<string, unknown>, pact));
          continue;
        }
        contractsOut.push({ provider: provider.name });
        const pv = r.pactVersion!;
        if (r.outcome === 'same') {
          notices.push({ type: 'success', text: `Pact successfully republished for ${consumer.name} version ${version.number} and provider ${provider.name} with no content changes.` });
        } else {
          notices.push({ type: 'success', text: `Pact successfully published for ${consumer.name} version ${version.number} and provider ${provider.name}.` });
        }
        notices.push({ type: 'debug', text: `  View the published pact at ${L.pactByVersion(provider.name, consumer.name, version.number)}` });
        events.push(...this.publishEvents(consumer, provider, version, pv, r.outcome, buildUrl ?? version.buildUrl));
      }
      if (conflicts.length > 0) {
        throw new HttpError(409, {
          notices: [...conflicts.map((text) => ({ type: 'error', text })), ...diffs.map((text) => ({ type: 'info', text }))],
          errors: { contracts: conflicts },
        });
      }
      return { consumer, version, contractsOut };
    });
    const triggered = this.webhooks.fire(events);
    for (const t of triggered) notices.push({ type: 'info', text: t });
    if (triggered.length === 0 && events.length > 0) notices.push({ type: 'debug', text: 'No enabled webhooks found for the detected events' });
    const { consumer, version, contractsOut } = result;
    return json(200, {
      notices,
      logs: notices.map((n) => ({ level: n.type === 'success' ? 'info' : n.type, message: n.text, deprecationWarning: 'Replaced by notices' })),
      _embedded: {
        pacticipant: { name: consumer.name, _links: { self: { href: L.pacticipant(consumer.name) } } },
        version: { number: version.number, _links: { self: { title: 'Version', name: version.number, href: L.version(consumer.name, version.number) } } },
      },
      _links: {
        'pb:pacticipant': { title: 'Pacticipant', name: consumer.name, href: L.pacticipant(consumer.name) },
        'pb:pacticipant-version': { title: 'Pacticipant version', name: version.number, href: L.version(consumer.name, version.number) },
        'pb:pacticipant-version-tags': tagList.map((t) => ({ title: 'Tag', name: t, href: L.tag(consumer.name, version.number, t) })),
        'pb:contracts': contractsOut.map((c) => ({ title: 'Pact', name: `Pact between ${consumer.name} (${version.number}) and ${c.provider}`, href: L.pactByVersion(c.provider, consumer.name, version.number) })),
      },
    });
  }

  /** Events for a pact publication (computed inside the write transaction). */
  private publishEvents(consumer: Pacticipant, provider: Pacticipant, version: Version, pv: PactVersion, outcome: string, buildUrl: string | null): BrokerEvent[] {
    if (this.store.webhooks().length === 0) return [];
    const events: BrokerEvent[] = [];
    const providerVersionForPublished = (): Version | undefined => {
      const verifs = this.store.latestVerificationsPerProviderVersion(pv.id);
      if (verifs.length === 0) return undefined;
      if (provider.mainBranch !== null) {
        const b = this.store.branch(provider.id, provider.mainBranch);
        if (b !== undefined) {
          const onMain = verifs.find((v) => this.store.branchesOfVersion(v.providerVersionId).some((x) => x.name === provider.mainBranch));
          if (onMain !== undefined) return this.store.versionById(onMain.providerVersionId);
        }
      }
      return this.store.versionById(verifs[0]!.providerVersionId);
    };
    const base = { consumer, provider, pactVersion: pv, consumerVersion: version, buildUrl, providerVersion: providerVersionForPublished() };
    events.push({ ...base, name: 'contract_published' });
    if (outcome !== 'same') {
      // As the Pact Broker: compare with the previous pact for each of the version's tags, or with the previous
      // untagged pact when the version has no tags.
      const tags = this.store.tagsOfVersion(version.id).map((t) => t.name);
      const comments: string[] = [];
      if (tags.length > 0) {
        for (const tag of tags) {
          const prev = this.store.db.get<{ pact_version_id: number }>(
            'SELECT pp.pact_version_id FROM pact_publications pp JOIN tags t ON t.version_id = pp.consumer_version_id AND t.name = ? WHERE pp.consumer_id = ? AND pp.provider_id = ? AND pp.consumer_version_id < ? ORDER BY pp.consumer_version_id DESC LIMIT 1',
            tag,
            consumer.id,
            provider.id,
            version.id,
          );
          if (prev === undefined) comments.push(`first time any pact published for this consumer with consumer version tagged ${tag}`);
          else if (Number(prev.pact_version_id) !== pv.id) comments.push(`pact content has changed since the last consumer version tagged with ${tag}`);
        }
      } else {
        const prev = this.store.db.get<{ pact_version_id: number }>(
          'SELECT pp.pact_version_id FROM pact_publications pp WHERE pp.consumer_id = ? AND pp.provider_id = ? AND pp.consumer_version_id < ? AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id) ORDER BY pp.consumer_version_id DESC LIMIT 1',
          consumer.id,
          provider.id,
          version.id,
        );
        if (prev === undefined) comments.push('first time untagged pact published');
        else if (Number(prev.pact_version_id) !== pv.id) comments.push('pact content has changed since the last untagged version');
      }
      if (comments.length > 0) events.push({ ...base, name: 'contract_content_changed', comment: comments.join(', ') });
    }
    // Provider versions that need to verify this content: main branch head, deployed, released; unverified only.
    const required = new Map<number, { version: Version; descriptions: string[] }>();
    const need = (v: Version | undefined, d: string): void => {
      if (v === undefined) return;
      if (this.store.latestVerificationFor(pv.id, v.id) !== undefined) return;
      const e = required.get(v.id) ?? { version: v, descriptions: [] };
      e.descriptions.push(d);
      required.set(v.id, e);
    };
    if (provider.mainBranch !== null) need(this.store.branchHead(provider.id, provider.mainBranch), 'latest from main branch');
    for (const d of this.store.allCurrentlyDeployed(provider.id)) need(this.store.versionById(d.versionId), `deployed in ${this.store.environmentById(d.environmentId).name}`);
    for (const r of this.store.allCurrentlySupported(provider.id)) need(this.store.versionById(r.versionId), `released in ${this.store.environmentById(r.environmentId).name}`);
    for (const r of required.values()) {
      events.push({ ...base, name: 'contract_requiring_verification_published', providerVersion: r.version, providerVersionDescriptions: r.descriptions });
    }
    return events;
  }

  /** Legacy PUT/PATCH of a pact at /pacts/provider/P/consumer/C/version/V. */
  private putPact(req: BrokerRequest, p: Params, merge: boolean): BrokerResponse {
    const pact = this.body(req);
    const pc = isRecord(pact.consumer) ? pact.consumer.name : undefined;
    const pp = isRecord(pact.provider) ? pact.provider.name : undefined;
    const errors: string[] = [];
    if (pc !== undefined && pc !== p.consumer) errors.push(`consumer name in pact (${String(pc)}) does not match consumer name in path (${p.consumer}).`);
    if (pp !== undefined && pp !== p.provider) errors.push(`provider name in pact (${String(pp)}) does not match provider name in path (${p.provider}).`);
    if (!nonBlank(p.version)) errors.push('The consumer version number must not be blank.');
    if (errors.length > 0) throw badRequest({ pact: errors });
    const allow = this.opts.allowContractModification === true;
    let created = false;
    const events: BrokerEvent[] = [];
    const pub = this.tx(() => {
      const consumer = this.store.ensurePacticipant(p.consumer!);
      const provider = this.store.ensurePacticipant(p.provider!);
      const { version } = this.store.ensureVersion(consumer.id, p.version!);
      let content = pact;
      const existing = this.store.publication(version.id, provider.id);
      if (merge && existing !== undefined) {
        const old = JSON.parse(this.store.pactVersionById(existing.pactVersionId).content) as Record<string, unknown>;
        const conflict = mergeConflict(old, pact);
        if (conflict !== undefined) throw new HttpError(409, { errors: { interactions: [conflict] }, notices: [{ type: 'error', text: conflict }] });
        content = mergePacts(old, pact);
      }
      const r = this.store.publishPact(consumer, version, provider, content, allow || merge);
      if (r.outcome === 'conflict') {
        const text = `Cannot change the content of the pact for ${consumer.name} version ${version.number} and provider ${provider.name}, as race conditions will cause unreliable results for can-i-deploy. Each pact must be published with a unique consumer version number.`;
        throw new HttpError(409, { errors: { pact: [text] }, notices: [{ type: 'error', text }, { type: 'info', text: describeDiff(JSON.parse(r.previous!.content) as Record<string, unknown>, content) }] });
      }
      created = r.outcome === 'created';
      events.push(...this.publishEvents(consumer, provider, version, r.pactVersion!, r.outcome, null));
      return r.publication!;
    });
    this.webhooks.fire(events);
    const res = this.pactFromPublication(pub, '');
    return { ...res, status: created ? 201 : 200 };
  }

  // ------------------------------------------------------------------ verification results
  private publishVerification(req: BrokerRequest, p: Params): BrokerResponse {
    const body = this.body(req);
    const errors: Record<string, string[]> = {};
    if (typeof body.success !== 'boolean') errors.success = ['must be true or false'];
    if (!nonBlank(body.providerApplicationVersion)) errors.providerApplicationVersion = ['is required and must be a non-blank string'];
    if (body.buildUrl !== undefined && body.buildUrl !== null) {
      try {
        if (typeof body.buildUrl !== 'string') throw new Error('not a string');
        new URL(body.buildUrl);
      } catch {
        errors.buildUrl = ['must be a valid URL'];
      }
    }
    if (body.testResults !== undefined && body.testResults !== null && !Array.isArray(body.testResults) && !isRecord(body.testResults)) errors.testResults = ['must be an array'];
    const consumer = this.pacticipantOr404(p.consumer!);
    const provider = this.pacticipantOr404(p.provider!);
    const pv = this.store.pactVersionBySha(consumer.id, provider.id, p.sha!);
    if (pv === undefined) throw notFound(`No pact version ${p.sha} between ${consumer.name} and ${provider.name}`);
    if (Object.keys(errors).length > 0) throw badRequest(errors);
    const meta = p.metadata === undefined ? {} : decodeMetadata(p.metadata);
    const cvns = Array.isArray(meta.cvn) ? meta.cvn.map(String) : [];
    const events: BrokerEvent[] = [];
    const verification = this.tx(() => {
      const { version: providerVersion } = this.store.ensureVersion(provider.id, body.providerApplicationVersion as string);
      const v = this.store.createVerification({
        pactVersion: pv,
        providerVersion,
        success: body.success as boolean,
        buildUrl: typeof body.buildUrl === 'string' ? body.buildUrl : null,
        testResults: body.testResults ?? null,
        verifiedBy: body.verifiedBy ?? null,
        wip: meta.w === true && meta.cvn !== undefined && Array.isArray(meta.s),
        pending: typeof meta.p === 'boolean' ? meta.p : null,
        consumerVersionNumbers: cvns,
      });
      if (this.store.webhooks().length > 0) {
        let consumerVersions = cvns.map((n) => this.store.version(consumer.id, n)).filter((x): x is Version => x !== undefined);
        if (consumerVersions.length === 0) {
          const pubs = this.store.publicationsOfPactVersion(pv.id);
          if (pubs.length > 0) consumerVersions = [this.store.versionById(pubs[pubs.length - 1]!.consumerVersionId)];
        }
        for (const cv of consumerVersions) {
          for (const name of ['provider_verification_published', v.success ? 'provider_verification_succeeded' : 'provider_verification_failed'] as WebhookEventName[]) {
            events.push({ name, consumer, provider, pactVersion: pv, consumerVersion: cv, providerVersion, verification: v, buildUrl: v.buildUrl });
          }
        }
      }
      return v;
    });
    this.webhooks.fire(events);
    const out = this.verificationJson(consumer, provider, pv, verification);
    return json(201, out, { Location: this.links.verification(provider.name, consumer.name, pv.sha, verification.number) });
  }

  // ------------------------------------------------------------------ webhooks
  private parseWebhook(body: Record<string, unknown>, forced: { consumer?: string; provider?: string }): Omit<WebhookRecord, 'id' | 'uuid' | 'createdAt' | 'updatedAt'> {
    const errors: Record<string, string[]> = {};
    const err = (k: string, m: string): void => {
      (errors[k] ??= []).push(m);
    };
    const sel = (key: 'consumer' | 'provider'): { name?: string; label?: string } | null => {
      const forcedName = forced[key];
      if (forcedName !== undefined) return { name: forcedName };
      const v = body[key];
      if (v === undefined || v === null) return null;
      if (!isRecord(v)) {
        err(key, 'must be an object with name or label');
        return null;
      }
      if (v.name !== undefined && v.label !== undefined) err(key, 'cannot specify both name and label');
      if (v.name !== undefined) {
        if (!nonBlank(v.name)) err(key, 'name must be a non-blank string');
        else if (this.store.pacticipant(v.name) === undefined) err(key, `No ${key} with name '${v.name}' found`);
        return { name: String(v.name) };
      }
      if (v.label !== undefined) return { label: String(v.label) };
      return null;
    };
    const consumer = sel('consumer');
    const provider = sel('provider');
    let events: string[] = ['contract_content_changed'];
    if (body.events !== undefined) {
      if (!Array.isArray(body.events) || body.events.length === 0) err('events', 'must be a non-empty array of {name}');
      else {
        events = body.events.map((e) => (isRecord(e) ? String(e.name) : String(e)));
        for (const e of events) if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) err('events', `'${e}' is not a supported event (${WEBHOOK_EVENTS.join(', ')})`);
      }
    }
    const request = body.request;
    if (!isRecord(request)) err('request', 'is required');
    else {
      const method = String(request.method ?? '');
      if (!/^(GET|POST|PUT|PATCH|DELETE)$/i.test(method)) err('request.method', `'${method}' is not a supported HTTP method`);
      const url = String(request.url ?? '');
      try {
        const u = new URL(url.replace(/\$\{pactbroker\.\w+\}/g, 'x'));
        if (u.protocol !== 'http:' && u.protocol !== 'https:') err('request.url', `scheme ${u.protocol} is not allowed (http or https)`);
      } catch {
        err('request.url', `'${url}' is not a valid URL`);
      }
      if (request.headers !== undefined && !isRecord(request.headers)) err('request.headers', 'must be an object');
    }
    if (Object.keys(errors).length > 0) throw badRequest(errors);
    return {
      description: typeof body.description === 'string' ? body.description : null,
      consumer,
      provider,
      events,
      request: request as Record<string, unknown>,
      enabled: body.enabled !== false,
    };
  }

  private createWebhook(req: BrokerRequest, forced: { consumer?: string; provider?: string }): BrokerResponse {
    if (forced.consumer !== undefined) this.pacticipantOr404(forced.consumer);
    if (forced.provider !== undefined) this.pacticipantOr404(forced.provider);
    const fields = this.parseWebhook(this.body(req), forced);
    const { webhook } = this.tx(() => this.store.saveWebhook(crypto.randomUUID(), fields));
    return json(201, this.webhookJson(webhook), { Location: this.links.webhook(webhook.uuid) });
  }

  private async executeWebhook(uuid: string): Promise<BrokerResponse> {
    const w = this.store.webhook(uuid);
    if (w === undefined) throw notFound(`No webhook with uuid ${uuid}`);
    // Use the latest matching pact as the sample context.
    let event: BrokerEvent | undefined;
    for (const i of this.store.integrations()) {
      const consumer = this.store.pacticipantById(i.consumerId);
      const provider = this.store.pacticipantById(i.providerId);
      if (w.consumer?.name !== undefined && w.consumer.name !== consumer.name) continue;
      if (w.provider?.name !== undefined && w.provider.name !== provider.name) continue;
      const pv = this.store.pactVersionById(i.latest.pactVersionId);
      const cv = this.store.versionById(i.latest.consumerVersionId);
      const verif = this.store.latestVerificationOfPactVersion(pv.id);
      event = { name: (w.events[0] ?? 'contract_published') as WebhookEventName, consumer, provider, pactVersion: pv, consumerVersion: cv, verification: verif, providerVersion: verif === undefined ? undefined : this.store.versionById(verif.providerVersionId) };
      break;
    }
    const vars: Record<string, string> = event === undefined ? {} : this.webhooks.variables(event, this.links);
    const request = this.webhooks.render(w, vars);
    const result = await this.webhooks.execute(request);
    return json(200, {
      request: { method: request.method, url: request.url, headers: Object.fromEntries(Object.keys(request.headers).map((k) => [k, /^authorization$/i.test(k) ? '**********' : request.headers[k]])) },
      response: result.status === undefined ? null : { status: result.status, headers: result.responseHeaders, body: result.responseBody?.slice(0, 4000) },
      logs: result.logs,
      success: result.success,
      _links: { self: { href: `${this.links.webhook(uuid)}/execute` } },
    });
  }

  // ------------------------------------------------------------------ routes
  private defineRoutes(): void {
    const r = this.route.bind(this);
    const S = this.store;
    this.defineBadgeRoutes(); // before `…/latest/:tag`, which would otherwise take "badge" for a tag

    r('/', { GET: () => json(200, this.index()) });
    r('/diagnostic/status/heartbeat', { GET: () => json(200, { ok: true, _links: { self: { href: this.links.url('/diagnostic/status/heartbeat') } } }) });
    r('/contracts/publish', { POST: (req) => this.publishContracts(req) });

    // ---- pacts
    r('/pacts/latest', {
      GET: () => {
        const L = this.links;
        const pacts = S.integrations().map((i) => {
          const c = S.pacticipantById(i.consumerId);
          const p = S.pacticipantById(i.providerId);
          const v = S.versionById(i.latest.consumerVersionId);
          return {
            createdAt: i.latest.createdAt,
            _embedded: {
              consumer: { name: c.name, _links: { self: { href: L.pacticipant(c.name) } }, _embedded: { version: { number: v.number } } },
              provider: { name: p.name, _links: { self: { href: L.pacticipant(p.name) } } },
            },
            _links: { self: [{ href: L.latestPact(p.name, c.name) }, { href: L.pactByVersion(p.name, c.name, v.number) }] },
          };
        });
        return json(200, { pacts, _links: { self: { href: L.url('/pacts/latest') } } });
      },
    });
    const forVerification = (_req: BrokerRequest, p: Params, body: ForVerificationRequest): BrokerResponse => {
      const provider = S.pacticipant(p.provider!);
      if (provider === undefined) {
        return json(200, { _embedded: { pacts: [] }, _links: { self: { href: this.links.url(`/pacts/provider/${seg(p.provider!)}/for-verification`), title: 'Pacts to be verified' } } });
      }
      return json(200, new PactsForVerification(S, this.links).compute(provider, body));
    };
    r('/pacts/provider/:provider/for-verification', {
      GET: (req, p) => forVerification(req, p, {}),
      POST: (req, p) => forVerification(req, p, this.body(req) as ForVerificationRequest),
    });
    const providerLatest = (p: Params, filter: (c: Pacticipant) => PactPublication | undefined, self: string, title: string): BrokerResponse => {
      const provider = this.pacticipantOr404(p.provider!);
      const pubs = S.consumerIdsOf(provider.id)
        .map((id) => filter(S.pacticipantById(id)))
        .filter((x): x is PactPublication => x !== undefined);
      return json(200, this.pactListJson(provider, this.links.url(self), pubs, title));
    };
    const headPub = (providerName: string, _c: Pacticipant, head: Version | undefined): PactPublication | undefined => {
      if (head === undefined) return undefined;
      const provider = S.pacticipant(providerName)!;
      return S.publication(head.id, provider.id);
    };
    r('/pacts/provider/:provider/latest', {
      GET: (req, p) => providerLatest(p, (c) => S.latestPublication(c.id, S.pacticipant(p.provider!)!.id), req.path, 'Latest pact versions for the provider'),
    });
    r('/pacts/provider/:provider/latest/:tag', {
      GET: (req, p) => providerLatest(p, (c) => headPub(p.provider!, c, S.latestVersionWithTag(c.id, p.tag!)), req.path, `Latest pact versions for the provider with tag ${p.tag}`),
    });
    r('/pacts/provider/:provider/branch/latest', {
      GET: (req, p) => providerLatest(p, (c) => (c.mainBranch === null ? undefined : headPub(p.provider!, c, S.branchHead(c.id, c.mainBranch))), req.path, 'Latest pacts from the main branch of each consumer'),
    });
    r('/pacts/provider/:provider/branch', {
      GET: (req, p) => providerLatest(p, (c) => (c.mainBranch === null ? undefined : headPub(p.provider!, c, S.branchHead(c.id, c.mainBranch))), req.path, 'Pacts from the main branch of each consumer'),
    });
    r('/pacts/provider/:provider/branch/:branch/latest', {
      GET: (req, p) => providerLatest(p, (c) => headPub(p.provider!, c, S.branchHead(c.id, p.branch!)), req.path, `Latest pacts from branch ${p.branch}`),
    });
    r('/pacts/provider/:provider/branch/:branch', {
      GET: (req, p) => providerLatest(p, (c) => headPub(p.provider!, c, S.branchHead(c.id, p.branch!)), req.path, `Pacts from branch ${p.branch}`),
    });
    r('/pacts/provider/:provider/tag/:tag', {
      GET: (req, p) => providerLatest(p, (c) => headPub(p.provider!, c, S.latestVersionWithTag(c.id, p.tag!)), req.path, `Pacts with tag ${p.tag}`),
    });
    r('/pacts/provider/:provider/provider-states', {
      GET: (_req, p) => {
        const provider = this.pacticipantOr404(p.provider!);
        const states = new Map<string, { name: string; consumers: Set<string> }>();
        for (const cid of S.consumerIdsOf(provider.id)) {
          const pub = S.latestPublication(cid, provider.id);
          if (pub === undefined) continue;
          const c = S.pacticipantById(cid);
          const content = JSON.parse(S.pactVersionById(pub.pactVersionId).content) as Record<string, unknown>;
          for (const i of (Array.isArray(content.interactions) ? content.interactions : []) as Record<string, unknown>[]) {
            const names: string[] = [];
            if (typeof i.providerState === 'string') names.push(i.providerState);
            if (Array.isArray(i.providerStates)) for (const s of i.providerStates) if (isRecord(s) && typeof s.name === 'string') names.push(s.name);
            for (const n of names) {
              const e = states.get(n) ?? { name: n, consumers: new Set<string>() };
              e.consumers.add(c.name);
              states.set(n, e);
            }
          }
        }
        return json(200, { providerStates: [...states.values()].map((s) => ({ name: s.name, consumers: [...s.consumers] })) });
      },
    });
    r('/pacts/provider/:provider', {
      GET: (req, p) => providerLatest(p, (c) => S.latestPublication(c.id, S.pacticipant(p.provider!)!.id), req.path, 'All pacts for the provider'),
    });

    const pactAtVersion: Partial<Record<string, Handler>> = {
      GET: (_req, p) => {
        const consumer = this.pacticipantOr404(p.consumer!);
        const provider = this.pacticipantOr404(p.provider!);
        const v = this.versionOr404(consumer, p.version!);
        return this.pactFromPublication(S.publication(v.id, provider.id), `${consumer.name} version ${v.number} and ${provider.name}`);
      },
      PUT: (req, p) => this.putPact(req, p, false),
      PATCH: (req, p) => this.putPact(req, p, true),
      DELETE: (_req, p) => {
        const consumer = this.pacticipantOr404(p.consumer!);
        const provider = this.pacticipantOr404(p.provider!);
        const v = this.versionOr404(consumer, p.version!);
        const pub = S.publication(v.id, provider.id);
        if (pub === undefined) throw notFound('No such pact');
        this.tx(() => S.deletePublication(pub));
        return noContent();
      },
    };
    r('/pacts/provider/:provider/consumer/:consumer/version/:version', pactAtVersion);
    r('/pact/provider/:provider/consumer/:consumer/version/:version', pactAtVersion);
    const pactVersionGet: Handler = (_req, p) => {
      const consumer = this.pacticipantOr404(p.consumer!);
      const provider = this.pacticipantOr404(p.provider!);
      const pv = S.pactVersionBySha(consumer.id, provider.id, p.sha!);
      if (pv === undefined) throw notFound(`No pact version ${p.sha} between ${consumer.name} and ${provider.name}`);
      const meta = p.metadata === undefined ? {} : decodeMetadata(p.metadata);
      const pubs = S.publicationsOfPactVersion(pv.id);
      let cv: Version | undefined;
      if (Array.isArray(meta.cvn) && meta.cvn.length > 0) cv = S.version(consumer.id, String(meta.cvn[meta.cvn.length - 1]));
      if (cv === undefined && pubs.length > 0) cv = S.versionById(pubs[pubs.length - 1]!.consumerVersionId);
      const createdAt = pubs.length > 0 ? pubs[pubs.length - 1]!.createdAt : pv.createdAt;
      return json(200, this.pactJson(consumer, provider, pv, cv, createdAt, p.metadata));
    };
    r('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha', { GET: pactVersionGet });
    r('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/metadata/:metadata', { GET: pactVersionGet });
    r('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/verification-results', { POST: (req, p) => this.publishVerification(req, p) });
    r('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/metadata/:metadata/verification-results', { POST: (req, p) => this.publishVerification(req, p) });
    r('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/verification-results/:number', {
      GET: (_req, p) => {
        const consumer = this.pacticipantOr404(p.consumer!);
        const provider = this.pacticipantOr404(p.provider!);
        const pv = S.pactVersionBySha(consumer.id, provider.id, p.sha!);
        if (pv === undefined) throw notFound('No such pact version');
        const v = p.number === 'latest' ? S.latestVerificationOfPactVersion(pv.id) : S.verificationByNumber(pv.id, Number(p.number));
        if (v === undefined) throw notFound('No such verification result');
        return json(200, this.verificationJson(consumer, provider, pv, v));
      },
    });
    const integration = (p: Params): { consumer: Pacticipant; provider: Pacticipant } => ({ consumer: this.pacticipantOr404(p.consumer!), provider: this.pacticipantOr404(p.provider!) });
    r('/pacts/provider/:provider/consumer/:consumer/latest', {
      GET: (_req, p) => {
        const { consumer, provider } = integration(p);
        return this.pactFromPublication(S.latestPublication(consumer.id, provider.id), `${consumer.name} and ${provider.name}`);
      },
    });
    r('/pacts/provider/:provider/consumer/:consumer/latest-untagged', {
      GET: (_req, p) => {
        const { consumer, provider } = integration(p);
        return this.pactFromPublication(S.latestUntaggedPublication(consumer.id, provider.id), `${consumer.name} (untagged) and ${provider.name}`);
      },
    });
    r('/pacts/provider/:provider/consumer/:consumer/latest/:tag', {
      GET: (_req, p) => {
        const { consumer, provider } = integration(p);
        const v = S.latestVersionWithTag(consumer.id, p.tag!);
        return this.pactFromPublication(v === undefined ? undefined : S.publication(v.id, provider.id), `${consumer.name} with tag ${p.tag} and ${provider.name}`);
      },
    });
    const branchHeadPact: Handler = (_req, p) => {
      const { consumer, provider } = integration(p);
      const branch = p.branch ?? consumer.mainBranch ?? '';
      const v = S.branchHead(consumer.id, branch);
      return this.pactFromPublication(v === undefined ? undefined : S.publication(v.id, provider.id), `${consumer.name} branch ${branch} and ${provider.name}`);
    };
    r('/pacts/provider/:provider/consumer/:consumer/branch/latest/versions', { GET: branchHeadPact });
    r('/pacts/provider/:provider/consumer/:consumer/branch/:branch/latest/versions', { GET: branchHeadPact });
    r('/pacts/provider/:provider/consumer/:consumer/branch/:branch/latest', { GET: branchHeadPact });
    const listPacts = (req: BrokerRequest, consumer: Pacticipant, provider: Pacticipant, versions: Version[] | undefined): BrokerResponse => {
      const pubs = versions === undefined ? S.publicationsOfIntegration(consumer.id, provider.id) : versions.map((v) => S.publication(v.id, provider.id)).filter((x): x is PactPublication => x !== undefined);
      return json(200, this.pactListJson(provider, this.links.url(req.path), pubs, `Pact versions between ${consumer.name} and ${provider.name}`));
    };
    r('/pacts/provider/:provider/consumer/:consumer/versions', { GET: (req, p) => { const i = integration(p); return listPacts(req, i.consumer, i.provider, undefined); } });
    r('/pacts/provider/:provider/consumer/:consumer/branch/versions', {
      GET: (req, p) => { const i = integration(p); return listPacts(req, i.consumer, i.provider, i.consumer.mainBranch === null ? [] : S.branchVersions(i.consumer.id, i.consumer.mainBranch)); },
    });
    r('/pacts/provider/:provider/consumer/:consumer/branch/:branch', {
      GET: (req, p) => { const i = integration(p); return listPacts(req, i.consumer, i.provider, S.branchVersions(i.consumer.id, p.branch!)); },
    });
    r('/pacts/provider/:provider/consumer/:consumer/tag/:tag', {
      GET: (req, p) => { const i = integration(p); return listPacts(req, i.consumer, i.provider, S.versionsWithTag(i.consumer.id, p.tag!)); },
    });

    // ---- pacticipants
    r('/pacticipants', {
      GET: () => {
        const list = S.pacticipants().map((p) => this.pacticipantJson(p, false));
        return json(200, {
          _embedded: { pacticipants: list },
          pacticipants: list,
          _links: { self: { href: this.links.url('/pacticipants') }, 'pb:pacticipants': list.map((p) => ({ href: this.links.pacticipant(String(p.name)), title: String(p.displayName), name: String(p.name) })) },
        });
      },
      POST: (req) => {
        const body = this.body(req);
        if (!nonBlank(body.name) || !singleLine(body.name)) throw badRequest({ name: ['is required and must be a non-blank single line string'] });
        const name = body.name;
        if (S.pacticipant(name) !== undefined) throw new HttpError(409, { errors: { name: [`A pacticipant with name '${name}' already exists`] } });
        const p = this.tx(() => S.createPacticipant(name, pacticipantFields(body)));
        return json(201, this.pacticipantJson(p), { Location: this.links.pacticipant(p.name) });
      },
    });
    r('/pacticipants/:pacticipant', {
      GET: (_req, p) => json(200, this.pacticipantJson(this.pacticipantOr404(p.pacticipant!))),
      PATCH: (req, p) => {
        const body = this.body(req);
        const existing = S.pacticipant(p.pacticipant!);
        const out = this.tx(() => (existing === undefined ? S.createPacticipant(p.pacticipant!, pacticipantFields(body)) : S.updatePacticipant(existing, pacticipantFields(body))));
        return json(existing === undefined ? 201 : 200, this.pacticipantJson(out));
      },
      PUT: (req, p) => {
        const body = this.body(req);
        const existing = this.pacticipantOr404(p.pacticipant!);
        const f = pacticipantFields(body);
        const out = this.tx(() =>
          S.updatePacticipant(existing, { displayName: f.displayName ?? null, mainBranch: f.mainBranch ?? null, repositoryUrl: f.repositoryUrl ?? null, repositoryName: f.repositoryName ?? null, repositoryNamespace: f.repositoryNamespace ?? null }),
        );
        return json(200, this.pacticipantJson(out));
      },
      DELETE: (_req, p) => {
        const existing = this.pacticipantOr404(p.pacticipant!);
        this.tx(() => S.deletePacticipant(existing));
        return noContent();
      },
    });
    r('/pacticipants/:pacticipant/labels/:label', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        if (!S.labels(pp.id).includes(p.label!)) throw notFound('No such label');
        return json(200, { name: p.label, _links: { self: { href: `${this.links.pacticipant(pp.name)}/labels/${seg(p.label!)}` } } });
      },
      PUT: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const created = this.tx(() => S.addLabel(pp.id, p.label!));
        return json(created ? 201 : 200, { name: p.label, _links: { self: { href: `${this.links.pacticipant(pp.name)}/labels/${seg(p.label!)}` } } });
      },
      DELETE: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        if (!this.tx(() => S.deleteLabel(pp.id, p.label!))) throw notFound('No such label');
        return noContent();
      },
    });
    r('/pacticipants/:pacticipant/versions', {
      GET: (req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const size = Math.min(Math.max(Number(req.query.get('pageSize') ?? req.query.get('size') ?? 100) || 100, 1), 1000);
        const page = Math.max(Number(req.query.get('pageNumber') ?? req.query.get('page') ?? 1) || 1, 1);
        const versions = S.versions(pp.id, size, (page - 1) * size).map((v) => this.versionJson(pp, v));
        return json(200, { _embedded: { versions }, total: S.countVersions(pp.id), _links: { self: { href: this.links.url(req.path) } } });
      },
    });
    r('/pacticipants/:pacticipant/latest-version', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = S.latestVersion(pp.id);
        if (v === undefined) throw notFound(`${pp.name} has no versions`);
        return json(200, this.versionJson(pp, v));
      },
    });
    r('/pacticipants/:pacticipant/latest-version/:tag', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = S.latestVersionWithTag(pp.id, p.tag!);
        if (v === undefined) throw notFound(`${pp.name} has no version tagged ${p.tag}`);
        return json(200, this.versionJson(pp, v));
      },
    });
    r('/pacticipants/:pacticipant/latest-version/:tag/can-i-deploy/to/:to', {
      GET: (_req, p) => {
        const q = new URLSearchParams([['q[][pacticipant]', p.pacticipant!], ['q[][tag]', p.tag!], ['q[][latest]', 'true'], ['tag', p.to!], ['latest', 'true'], ['latestby', 'cvp']]);
        return json(200, new Matrix(S, this.links).query(q));
      },
    });
    r('/pacticipants/:pacticipant/versions/:version', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        return json(200, this.versionJson(pp, this.versionOr404(pp, p.version!)));
      },
      PUT: (req, p) => this.putVersion(req, p),
      PATCH: (req, p) => this.putVersion(req, p),
      DELETE: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = this.versionOr404(pp, p.version!);
        this.tx(() => S.deleteVersion(v));
        return noContent();
      },
    });
    r('/pacticipants/:pacticipant/versions/:version/tags/:tag', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = this.versionOr404(pp, p.version!);
        const t = S.tag(v.id, p.tag!);
        if (t === undefined) throw notFound(`No tag ${p.tag} on version ${v.number} of ${pp.name}`);
        return json(200, this.tagJson(pp, v, t.name, t.createdAt));
      },
      PUT: (req, p) => {
        this.body(req); // validates JSON if present
        if (!nonBlank(p.tag)) throw badRequest({ tag: ['must not be blank'] });
        const { pp, v, tag, created } = this.tx(() => {
          const pp = S.ensurePacticipant(p.pacticipant!);
          const { version: v } = S.ensureVersion(pp.id, p.version!);
          const { tag, created } = S.addTag(pp.id, v.id, p.tag!);
          // Like the Pact Broker (create_deployed_versions_for_tags): a tag equal to an environment's name records
          // a deployment there (no application instance), replacing the version deployed before.
          const env = this.opts.createDeployedVersionsForTags === false ? undefined : S.environmentByName(p.tag!);
          if (env !== undefined) S.recordDeployment(v, env, null);
          return { pp, v, tag, created };
        });
        return json(created ? 201 : 200, this.tagJson(pp, v, tag.name, tag.createdAt), created ? { Location: this.links.tag(pp.name, v.number, tag.name) } : {});
      },
      DELETE: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = this.versionOr404(pp, p.version!);
        if (!this.tx(() => S.deleteTag(v.id, p.tag!))) throw notFound(`No tag ${p.tag} on version ${v.number} of ${pp.name}`);
        return noContent();
      },
    });
    r('/pacticipants/:pacticipant/branches', {
      GET: (req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const branches = S.branches(pp.id).map((b) => ({ name: b.name, createdAt: b.createdAt, _links: { self: { href: this.links.branch(pp.name, b.name) } } }));
        return json(200, { _embedded: { branches }, _links: { self: { href: this.links.url(req.path) } } });
      },
    });
    r('/pacticipants/:pacticipant/branches/:branch', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const b = S.branch(pp.id, p.branch!);
        if (b === undefined) throw notFound(`No branch ${p.branch} for ${pp.name}`);
        const head = S.branchHead(pp.id, b.name);
        return json(200, {
          name: b.name,
          createdAt: b.createdAt,
          ...(head === undefined ? {} : { latestVersion: head.number }),
          _links: { self: { href: this.links.branch(pp.name, b.name) }, 'pb:pacticipant': { href: this.links.pacticipant(pp.name), name: pp.name } },
        });
      },
      DELETE: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const b = S.branch(pp.id, p.branch!);
        if (b === undefined) throw notFound(`No branch ${p.branch} for ${pp.name}`);
        this.tx(() => S.deleteBranch(b));
        return noContent();
      },
    });
    r('/pacticipants/:pacticipant/branches/:branch/latest-version', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = S.branchHead(pp.id, p.branch!);
        if (v === undefined) throw notFound(`No version of ${pp.name} on branch ${p.branch}`);
        return json(200, this.versionJson(pp, v));
      },
    });
    r('/pacticipants/:pacticipant/branches/:branch/versions/:version', {
      GET: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = this.versionOr404(pp, p.version!);
        const b = S.branchesOfVersion(v.id).find((x) => x.name === p.branch);
        if (b === undefined) throw notFound(`Version ${v.number} is not on branch ${p.branch}`);
        return json(200, this.branchVersionJson(pp, p.branch!, v, b.createdAt));
      },
      PUT: (req, p) => {
        this.body(req);
        if (!nonBlank(p.branch)) throw badRequest({ branch: ['must not be blank'] });
        const { pp, v, created } = this.tx(() => {
          const pp = S.ensurePacticipant(p.pacticipant!);
          const { version: v } = S.ensureVersion(pp.id, p.version!);
          const { created } = S.addVersionToBranch(pp, v.id, p.branch!);
          return { pp, v, created };
        });
        const b = S.branchesOfVersion(v.id).find((x) => x.name === p.branch)!;
        return json(created ? 201 : 200, this.branchVersionJson(pp, p.branch!, v, b.createdAt));
      },
      DELETE: (_req, p) => {
        const pp = this.pacticipantOr404(p.pacticipant!);
        const v = this.versionOr404(pp, p.version!);
        const b = S.branch(pp.id, p.branch!);
        if (b === undefined) throw notFound('No such branch');
        const n = this.tx(() => S.db.run('DELETE FROM branch_versions WHERE branch_id = ? AND version_id = ?', b.id, v.id).changes);
        if (n === 0) throw notFound('Version is not on that branch');
        return noContent();
      },
    });
    const recordDeploymentOrRelease = (kind: 'deployed' | 'released'): Handler => (req, p) => {
      const body = this.body(req);
      const pp = this.pacticipantOr404(p.pacticipant!);
      const v = this.versionOr404(pp, p.version!);
      const env = this.environmentOr404(p.environment!);
      if (kind === 'deployed') {
        const inst = body.applicationInstance ?? body.target;
        if (inst !== undefined && inst !== null && typeof inst !== 'string') throw badRequest({ applicationInstance: ['must be a string'] });
        const instance = typeof inst === 'string' && inst.trim() !== '' ? inst : null;
        const { deployed } = this.tx(() => S.recordDeployment(v, env, instance));
        return json(201, this.deployedJson(deployed.uuid), { Location: this.links.deployedVersion(deployed.uuid) });
      }
      const { released, created } = this.tx(() => S.recordRelease(v, env));
      return json(created ? 201 : 200, this.releasedJson(released.uuid), { Location: this.links.releasedVersion(released.uuid) });
    };
    const listForVersion = (kind: 'deployed' | 'released'): Handler => (req, p) => {
      const pp = this.pacticipantOr404(p.pacticipant!);
      const v = this.versionOr404(pp, p.version!);
      const env = this.environmentOr404(p.environment!);
      if (kind === 'deployed') {
        const list = S.deploymentsOfVersion(v.id).filter((d) => d.environmentId === env.id).map((d) => this.deployedJson(d.uuid));
        return json(200, { _embedded: { deployedVersions: list }, _links: { self: { href: this.links.url(req.path) } } });
      }
      const list = S.releasesOfVersion(v.id).filter((d) => d.environmentId === env.id).map((d) => this.releasedJson(d.uuid));
      return json(200, { _embedded: { releasedVersions: list }, _links: { self: { href: this.links.url(req.path) } } });
    };
    r('/pacticipants/:pacticipant/versions/:version/deployed-versions/environment/:environment', { GET: listForVersion('deployed'), POST: recordDeploymentOrRelease('deployed') });
    r('/pacticipants/:pacticipant/versions/:version/released-versions/environment/:environment', { GET: listForVersion('released'), POST: recordDeploymentOrRelease('released') });

    // ---- environments
    r('/environments', {
      GET: (req) => {
        let envs = S.environments();
        const name = req.query.get('name');
        if (name !== null && name !== '') envs = envs.filter((e) => e.name === name);
        return json(200, {
          _embedded: { environments: envs.map((e) => this.environmentJson(e)) },
          _links: { self: { href: this.links.url('/environments'), title: 'Environments' }, 'pb:environments': envs.map((e) => ({ title: e.displayName, name: e.name, href: this.links.environment(e.uuid) })) },
        });
      },
      POST: (req) => {
        const f = this.environmentFields(this.body(req), undefined);
        const e = this.tx(() => S.createEnvironment(f));
        return json(201, this.environmentJson(e), { Location: this.links.environment(e.uuid) });
      },
    });
    r('/environments/:environment', {
      GET: (_req, p) => json(200, this.environmentJson(this.environmentOr404(p.environment!))),
      PUT: (req, p) => {
        const env = this.environmentOr404(p.environment!);
        const f = this.environmentFields(this.body(req), env);
        return json(200, this.environmentJson(this.tx(() => S.updateEnvironment(env, f))));
      },
      DELETE: (_req, p) => {
        const env = this.environmentOr404(p.environment!);
        this.tx(() => S.deleteEnvironment(env));
        return noContent();
      },
    });
    r('/environments/:environment/deployed-versions/currently-deployed', {
      GET: (req, p) => {
        const env = this.environmentOr404(p.environment!);
        const pn = req.query.get('pacticipant');
        let list = S.currentlyDeployed(env.id);
        if (pn !== null && pn !== '') {
          const pp = S.pacticipant(pn);
          list = pp === undefined ? [] : list.filter((d) => d.pacticipantId === pp.id);
        }
        if (req.query.has('applicationInstance') || req.query.has('target')) {
          const inst = req.query.get('applicationInstance') ?? req.query.get('target') ?? '';
          list = list.filter((d) => (inst === '' ? d.applicationInstance === null : d.applicationInstance === inst));
        }
        return json(200, { _embedded: { deployedVersions: list.map((d) => this.deployedJson(d.uuid)) }, _links: { self: { href: this.links.url(req.path), title: `Currently deployed versions in ${env.displayName}` } } });
      },
    });
    r('/environments/:environment/released-versions/currently-supported', {
      GET: (req, p) => {
        const env = this.environmentOr404(p.environment!);
        const pn = req.query.get('pacticipant');
        let list = S.currentlySupported(env.id);
        if (pn !== null && pn !== '') {
          const pp = S.pacticipant(pn);
          list = pp === undefined ? [] : list.filter((d) => d.pacticipantId === pp.id);
        }
        const vn = req.query.get('version');
        if (vn !== null && vn !== '') list = list.filter((d) => S.versionById(d.versionId).number === vn);
        return json(200, { _embedded: { releasedVersions: list.map((d) => this.releasedJson(d.uuid)) }, _links: { self: { href: this.links.url(req.path), title: `Currently supported versions in ${env.displayName}` } } });
      },
    });
    r('/deployed-versions/:uuid', {
      GET: (_req, p) => {
        if (S.deployedVersion(p.uuid!) === undefined) throw notFound('No such deployed version');
        return json(200, this.deployedJson(p.uuid!));
      },
      PATCH: (req, p) => {
        const d = S.deployedVersion(p.uuid!);
        if (d === undefined) throw notFound('No such deployed version');
        const body = this.body(req);
        if (body.currentlyDeployed !== undefined && typeof body.currentlyDeployed !== 'boolean') throw badRequest({ currentlyDeployed: ['must be a boolean'] });
        if (body.currentlyDeployed === true && d.undeployedAt !== null) throw badRequest({ currentlyDeployed: ['An undeployed version cannot be marked as deployed again; record a new deployment instead.'] });
        if (body.currentlyDeployed === false) this.tx(() => S.undeploy(d));
        return json(200, this.deployedJson(d.uuid));
      },
    });
    r('/released-versions/:uuid', {
      GET: (_req, p) => {
        if (S.releasedVersion(p.uuid!) === undefined) throw notFound('No such released version');
        return json(200, this.releasedJson(p.uuid!));
      },
      PATCH: (req, p) => {
        const rv = S.releasedVersion(p.uuid!);
        if (rv === undefined) throw notFound('No such released version');
        const body = this.body(req);
        if (body.currentlySupported !== undefined && typeof body.currentlySupported !== 'boolean') throw badRequest({ currentlySupported: ['must be a boolean'] });
        if (body.currentlySupported === false) this.tx(() => S.endSupport(rv));
        if (body.currentlySupported === true) this.tx(() => S.recordRelease(S.versionById(rv.versionId), S.environmentById(rv.environmentId)));
        return json(200, this.releasedJson(rv.uuid));
      },
    });

    // ---- matrix & can-i-deploy
    r('/matrix', { GET: (req) => json(200, new Matrix(S, this.links).query(req.query)) });
    r('/can-i-deploy', {
      GET: (req) => {
        const q = req.query;
        const pacticipant = q.get('pacticipant');
        const version = q.get('version');
        const environment = q.get('environment');
        const to = q.get('to') ?? q.get('tag');
        const errors: string[] = [];
        if (pacticipant === null || pacticipant === '') errors.push('pacticipant is required');
        if (version === null || version === '') errors.push('version is required');
        if ((environment === null || environment === '') && (to === null || to === '')) errors.push('environment (or to) is required');
        if (errors.length > 0) throw badRequest(errors);
        const params: [string, string][] = [['q[][pacticipant]', pacticipant!], ['q[][version]', version!]];
        if (environment !== null && environment !== '') params.push(['environment', environment], ['latestby', 'cvpv']);
        else params.push(['tag', to!], ['latest', 'true'], ['latestby', 'cvp']);
        for (const [k, v] of q) if (k.startsWith('ignore[]')) params.push([k, v]);
        return json(200, new Matrix(S, this.links).query(new URLSearchParams(params)));
      },
    });

    // ---- webhooks
    r('/webhooks', {
      GET: () => {
        const list = S.webhooks();
        return json(200, {
          _embedded: { webhooks: list.map((w) => this.webhookJson(w)) },
          _links: { self: { href: this.links.url('/webhooks'), title: 'Webhooks' }, 'pb:create': { href: this.links.url('/webhooks') }, 'pb:webhooks': list.map((w) => ({ title: w.description ?? 'Webhook', name: w.description ?? w.uuid, href: this.links.webhook(w.uuid) })) },
        });
      },
      POST: (req) => this.createWebhook(req, {}),
    });
    r('/webhooks/provider/:provider/consumer/:consumer', { POST: (req, p) => this.createWebhook(req, { provider: p.provider, consumer: p.consumer }) });
    r('/webhooks/provider/:provider', { POST: (req, p) => this.createWebhook(req, { provider: p.provider }) });
    r('/webhooks/consumer/:consumer', { POST: (req, p) => this.createWebhook(req, { consumer: p.consumer }) });
    r('/webhooks/:uuid', {
      GET: (_req, p) => {
        const w = S.webhook(p.uuid!);
        if (w === undefined) throw notFound(`No webhook with uuid ${p.uuid}`);
        return json(200, this.webhookJson(w));
      },
      PUT: (req, p) => {
        if (!/^[A-Za-z0-9_-]{8,}$/.test(p.uuid!)) throw badRequest({ uuid: ['must be at least 8 characters of letters, digits, - or _'] });
        const fields = this.parseWebhook(this.body(req), {});
        const { webhook, created } = this.tx(() => S.saveWebhook(p.uuid!, fields));
        return json(created ? 201 : 200, this.webhookJson(webhook), created ? { Location: this.links.webhook(webhook.uuid) } : {});
      },
      DELETE: (_req, p) => {
        if (!this.tx(() => S.deleteWebhook(p.uuid!))) throw notFound(`No webhook with uuid ${p.uuid}`);
        return noContent();
      },
    });
    r('/webhooks/:uuid/execute', { POST: (_req, p) => this.executeWebhook(p.uuid!) });
    r('/webhooks/:uuid/triggered-webhooks', {
      GET: (req, p) => {
        if (S.webhook(p.uuid!) === undefined) throw notFound(`No webhook with uuid ${p.uuid}`);
        const list = S.triggeredWebhooksOf(p.uuid!).map((t) => ({
          uuid: t.uuid,
          eventName: t.eventName,
          status: t.status,
          attemptsMade: S.executions(t.id).length,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
          _links: { 'pb:logs': { href: this.links.url(`/triggered-webhooks/${t.uuid}/logs`) } },
        }));
        return json(200, { _embedded: { triggeredWebhooks: list }, _links: { self: { href: this.links.url(req.path) } } });
      },
    });
    r('/triggered-webhooks/:uuid/logs', {
      GET: (req, p) => {
        const t = S.triggeredWebhook(p.uuid!);
        if (t === undefined) throw notFound('No such triggered webhook');
        const executions = S.executions(t.id);
        return json(200, {
          uuid: t.uuid,
          webhookUuid: t.webhookUuid,
          eventName: t.eventName,
          status: t.status,
          executions: executions.map((e) => ({ attempt: e.attempt, success: e.success, createdAt: e.createdAt, logs: e.logs })),
          logs: executions.map((e) => e.logs).join('\n\n'),
          _links: { self: { href: this.links.url(req.path) }, 'pb:webhook': { href: this.links.webhook(t.webhookUuid) } },
        });
      },
    });

    // ---- misc
    r('/integrations', {
      GET: () => {
        const items = S.integrations().map((i) => {
          const c = S.pacticipantById(i.consumerId);
          const p = S.pacticipantById(i.providerId);
          return { consumer: { name: c.name }, provider: { name: p.name }, latestPactPublishedAt: i.latest.createdAt, _links: { 'pb:latest-pact': { href: this.links.latestPact(p.name, c.name) } } };
        });
        return json(200, { _embedded: { integrations: items }, _links: { self: { href: this.links.url('/integrations') } } });
      },
    });
    r('/metrics', {
      GET: () => {
        const count = (t: string): number => Number(S.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`)?.n ?? 0);
        return json(200, {
          pacticipants: { count: count('pacticipants') },
          pacticipantVersions: { count: count('versions') },
          pactPublications: { count: count('pact_publications') },
          pactVersions: { count: count('pact_versions') },
          verificationResults: { count: count('verifications') },
          environments: { count: count('environments') },
          deployedVersions: { count: count('deployed_versions') },
          releasedVersions: { count: count('released_versions') },
          webhooks: { count: count('webhooks') },
          triggeredWebhooks: { count: count('triggered_webhooks') },
        });
      },
    });
  }

  private putVersion(req: BrokerRequest, p: Params): BrokerResponse {
    const body = this.body(req);
    if (body.buildUrl !== undefined && body.buildUrl !== null && typeof body.buildUrl !== 'string') throw badRequest({ buildUrl: ['must be a string'] });
    if (body.branch !== undefined && body.branch !== null && !nonBlank(body.branch)) throw badRequest({ branch: ['must not be blank'] });
    const { pp, version, created } = this.tx(() => {
      const pp = this.store.ensurePacticipant(p.pacticipant!);
      const { version, created } = this.store.ensureVersion(pp.id, p.version!, typeof body.buildUrl === 'string' ? body.buildUrl : undefined);
      if (nonBlank(body.branch)) this.store.addVersionToBranch(pp, version.id, body.branch);
      return { pp, version, created };
    });
    return json(created ? 201 : 200, this.versionJson(pp, version));
  }

  private tagJson(pp: Pacticipant, v: Version, name: string, createdAt: string): Record<string, unknown> {
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

  private branchVersionJson(pp: Pacticipant, branch: string, v: Version, createdAt: string): Record<string, unknown> {
    return {
      createdAt,
      _links: {
        self: { title: 'Branch version', href: this.links.branchVersion(pp.name, branch, v.number) },
        'pb:branch': { title: 'Branch', name: branch, href: this.links.branch(pp.name, branch) },
        'pb:version': { title: 'Version', name: v.number, href: this.links.version(pp.name, v.number) },
      },
    };
  }

  private environmentFields(body: Record<string, unknown>, existing: Environment | undefined): { name: string; displayName?: string | null; production: boolean; contacts?: unknown[] } {
    const errors: Record<string, string[]> = {};
    if (!nonBlank(body.name) || /\s/.test(body.name)) errors.name = ['is required: a single word without spaces'];
    else {
      const other = this.store.environmentByName(body.name);
      if (other !== undefined && other.uuid !== existing?.uuid) errors.name = [`Another environment with name '${body.name}' already exists (${other.uuid})`];
    }
    if (typeof body.production !== 'boolean') errors.production = ['is required and must be true or false'];
    if (body.displayName !== undefined && body.displayName !== null && typeof body.displayName !== 'string') errors.displayName = ['must be a string'];
    if (body.contacts !== undefined && !Array.isArray(body.contacts)) errors.contacts = ['must be an array'];
    if (body.uuid !== undefined && (typeof body.uuid !== 'string' || !/^[A-Za-z0-9-]{8,}$/.test(body.uuid))) errors.uuid = ['must be a uuid'];
    if (Object.keys(errors).length > 0) throw badRequest(errors);
    return {
      ...(existing === undefined && typeof body.uuid === 'string' ? { uuid: body.uuid } : {}),
      name: body.name as string,
      displayName: typeof body.displayName === 'string' && body.displayName.trim() !== '' ? body.displayName : null,
      production: body.production as boolean,
      contacts: Array.isArray(body.contacts) ? body.contacts : [],
    };
  }
}


function pacticipantFields(body: Record<string, unknown>): Partial<Pick<Pacticipant, 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'>> {
  const out: Partial<Pick<Pacticipant, 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'>> = {};
  const take = (k: 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'): void => {
    const v = body[k];
    if (v === undefined) return;
    if (v !== null && typeof v !== 'string') throw badRequest({ [k]: ['must be a string'] });
    out[k] = v === null || v === '' ? null : v;
  };
  take('displayName');
  take('mainBranch');
  take('repositoryUrl');
  take('repositoryName');
  take('repositoryNamespace');
  return out;
}

function interactionKey(i: unknown): string {
  if (!isRecord(i)) return canonicalJson(i);
  return canonicalJson({ d: i.description, s: i.providerState ?? i.providerStates ?? null });
}

function mergeConflict(old: Record<string, unknown>, next: Record<string, unknown>): string | undefined {
  const oldList = (Array.isArray(old.interactions) ? old.interactions : []) as unknown[];
  const byKey = new Map(oldList.map((i) => [interactionKey(i), i]));
  for (const i of (Array.isArray(next.interactions) ? next.interactions : []) as unknown[]) {
    const prev = byKey.get(interactionKey(i));
    if (prev === undefined) continue;
    const strip = (x: unknown): unknown => (isRecord(x) ? { ...x, _id: undefined } : x);
    if (canonicalJson(strip(prev)) !== canonicalJson(strip(i))) {
      return `Cannot merge pacts: an interaction with description '${isRecord(i) ? String(i.description) : '?'}' and the same provider state already exists with different content.`;
    }
  }
  return undefined;
}

/** Merges interactions of `next` into `old` (same description + provider state replaces). */
export function mergePacts(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...old, ...next };
  for (const key of ['interactions', 'messages']) {
    const a = (Array.isArray(old[key]) ? old[key] : []) as unknown[];
    const b = (Array.isArray(next[key]) ? next[key] : []) as unknown[];
    if (a.length === 0 && b.length === 0) continue;
    const keys = new Set(b.map(interactionKey));
    out[key] = [...a.filter((i) => !keys.has(interactionKey(i))), ...b];
  }
  return out;
}

function matchRoute(pattern: string[], parts: string[]): Params | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = parts[i]!;
    else if (p !== parts[i]) return undefined;
  }
  return params;
}
