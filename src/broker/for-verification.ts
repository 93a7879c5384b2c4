// Pacts for verification: consumer version selectors, merging by content per consumer, pending and WIP pacts.
import { badRequest, encodeMetadata, type Links } from './http';
import { memoReads } from './store/memo';
import type { Branch, BrokerReads, PactPublication, Pacticipant, Version } from './store/types';

export interface ConsumerVersionSelector {
  mainBranch?: boolean;
  branch?: string;
  fallbackBranch?: string;
  matchingBranch?: boolean;
  tag?: string;
  fallbackTag?: string;
  latest?: boolean;
  consumer?: string;
  deployed?: boolean;
  released?: boolean;
  deployedOrReleased?: boolean;
  environment?: string;
}

export interface ForVerificationRequest {
  consumerVersionSelectors?: ConsumerVersionSelector[];
  providerVersionBranch?: string;
  providerVersionTags?: string[];
  includePendingStatus?: boolean;
  includeWipPactsSince?: string;
}

interface Match {
  consumer: Pacticipant;
  publication: Pick<PactPublication, 'pactVersionId'>;
  version: Pick<Version, 'id' | 'number'>;
  description: string;
  criterion: string;
  meta: Record<string, unknown>;
}

interface Merged {
  consumer: Pacticipant;
  pactVersionId: number;
  matches: Match[];
  wip: boolean;
}

const SELECTOR_KEYS = [
  'mainBranch',
  'branch',
  'fallbackBranch',
  'matchingBranch',
  'tag',
  'fallbackTag',
  'latest',
  'consumer',
  'deployed',
  'released',
  'deployedOrReleased',
  'environment',
];

async function validate(
  store: BrokerReads,
  body: ForVerificationRequest,
  providerBranch: string | undefined,
): Promise<ConsumerVersionSelector[]> {
  const errors: string[] = [];
  const raw = body.consumerVersionSelectors;
  if (raw !== undefined && !Array.isArray(raw)) throw badRequest({ consumerVersionSelectors: ['must be an array'] });
  const selectors = (raw ?? []) as unknown[];
  const environments: { at: string; name: string }[] = [];
  selectors.forEach((s, i) => {
    const at = `consumerVersionSelectors[${i}]`;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      errors.push(`${at} must be an object`);
      return;
    }
    const sel = s as ConsumerVersionSelector & Record<string, unknown>;
    const has = (k: string): boolean => sel[k] !== undefined && sel[k] !== null;
    if (
      ![
        'mainBranch',
        'tag',
        'branch',
        'environment',
        'matchingBranch',
        'deployed',
        'released',
        'deployedOrReleased',
      ].some(has) &&
      sel.latest !== true
    ) {
      errors.push(
        `${at} must contain at least one of mainBranch, tag, branch, environment, matchingBranch, deployed, released, deployedOrReleased or latest:true (keys: ${Object.keys(sel).join(', ') || 'none'})`,
      );
    }
    if (
      sel.mainBranch === true &&
      Object.keys(sel).some((k) => !['mainBranch', 'consumer', 'latest'].includes(k) && has(k))
    )
      errors.push(`${at}: mainBranch may only be combined with consumer and latest`);
    if (sel.matchingBranch === true) {
      if (Object.keys(sel).some((k) => !['matchingBranch', 'consumer', 'latest'].includes(k) && has(k)))
        errors.push(`${at}: matchingBranch may only be combined with consumer`);
      if (providerBranch === undefined) errors.push(`${at}: matchingBranch requires providerVersionBranch to be set`);
    }
    if (has('tag') && has('branch')) errors.push(`${at}: tag and branch cannot be used together`);
    if (
      (has('branch') || has('mainBranch') || has('matchingBranch')) &&
      (has('environment') || has('deployed') || has('released') || has('deployedOrReleased'))
    ) {
      errors.push(`${at}: branch selectors cannot be combined with environment, deployed or released`);
    }
    if (has('fallbackTag') && !(has('tag') && sel.latest === true))
      errors.push(`${at}: fallbackTag requires tag and latest:true`);
    if (has('fallbackBranch') && (!has('branch') || sel.latest === false))
      errors.push(`${at}: fallbackBranch requires branch (and latest must not be false)`);
    if (has('branch') && sel.latest === false) errors.push(`${at}: branch with latest:false is not supported`);
    if ([sel.deployed, sel.released, sel.deployedOrReleased].filter((x) => x === true).length > 1)
      errors.push(`${at}: use only one of deployed, released, deployedOrReleased`);
    if (typeof sel.environment === 'string') environments.push({ at, name: sel.environment });
    for (const k of ['branch', 'tag', 'consumer', 'environment', 'fallbackTag', 'fallbackBranch']) {
      if (has(k) && (typeof sel[k] !== 'string' || (sel[k] as string).trim() === ''))
        errors.push(`${at}.${k} must be a non-blank string`);
    }
    for (const k of Object.keys(sel)) if (!SELECTOR_KEYS.includes(k)) errors.push(`${at}: unknown selector key '${k}'`);
  });
  for (const e of environments)
    if ((await store.environmentByName(e.name)) === undefined)
      errors.push(`${e.at}: environment with name '${e.name}' does not exist`);
  if (body.includeWipPactsSince !== undefined && Number.isNaN(Date.parse(String(body.includeWipPactsSince))))
    errors.push(`includeWipPactsSince must be a date (got '${String(body.includeWipPactsSince)}')`);
  if (
    body.providerVersionTags !== undefined &&
    (!Array.isArray(body.providerVersionTags) || body.providerVersionTags.some((t) => typeof t !== 'string'))
  ) {
    errors.push('providerVersionTags must be an array of strings');
  }
  if (errors.length > 0) throw badRequest({ consumerVersionSelectors: errors });
  return selectors as ConsumerVersionSelector[];
}

export class PactsForVerification {
  private readonly store: BrokerReads;
  /** `store` is read through a per-request cache (one PactsForVerification per request). */
  constructor(
    store: BrokerReads,
    private readonly links: Links,
  ) {
    this.store = memoReads(store);
  }

  private async matchSelector(
    provider: Pacticipant,
    consumer: Pacticipant,
    sel: ConsumerVersionSelector,
    providerBranch: string | undefined,
  ): Promise<Match[]> {
    const store = this.store;
    const out: Match[] = [];
    const match = async (
      v: Version | undefined,
      description: string,
      criterion: string,
      meta: Record<string, unknown>,
    ): Promise<Match | undefined> => {
      if (v === undefined) return undefined;
      const pub = await store.publication(v.id, provider.id);
      if (pub === undefined) return undefined;
      return {
        consumer,
        publication: pub,
        version: v,
        description,
        criterion: `${criterion} (${v.number})`,
        meta: { ...meta, cv: v.number },
      };
    };
    const add = async (
      v: Version | undefined,
      description: string,
      criterion: string,
      meta: Record<string, unknown>,
    ): Promise<boolean> => {
      const m = await match(v, description, criterion, meta);
      if (m !== undefined) out.push(m);
      return m !== undefined;
    };
    if (sel.mainBranch === true) {
      if (consumer.mainBranch !== null)
        await add(
          await store.branchHead(consumer.id, consumer.mainBranch),
          'latest from main branch',
          `latest version from the main branch '${consumer.mainBranch}'`,
          { b: consumer.mainBranch, l: true },
        );
      return out;
    }
    if (sel.branch !== undefined || sel.matchingBranch === true) {
      const branch = sel.branch ?? providerBranch!;
      const ok = await add(
        await store.branchHead(consumer.id, branch),
        sel.matchingBranch === true ? `latest from matching branch ${branch}` : `latest from branch ${branch}`,
        `latest version from branch '${branch}'`,
        { b: branch, l: true },
      );
      if (!ok && sel.fallbackBranch !== undefined) {
        await add(
          await store.branchHead(consumer.id, sel.fallbackBranch),
          `latest from fallback branch ${sel.fallbackBranch}`,
          `latest version from fallback branch '${sel.fallbackBranch}'`,
          { b: sel.fallbackBranch, l: true },
        );
      }
      return out;
    }
    if (sel.tag !== undefined) {
      if (sel.latest === true) {
        const ok = await add(
          await store.latestVersionWithTag(consumer.id, sel.tag),
          `latest with tag ${sel.tag}`,
          `latest version tagged '${sel.tag}'`,
          { t: sel.tag, l: true },
        );
        if (!ok && sel.fallbackTag !== undefined)
          await add(
            await store.latestVersionWithTag(consumer.id, sel.fallbackTag),
            `latest with fallback tag ${sel.fallbackTag}`,
            `latest version tagged '${sel.fallbackTag}' (fallback)`,
            { t: sel.fallbackTag, l: true },
          );
      } else {
        for (const v of await store.versionsWithTag(consumer.id, sel.tag))
          await add(v, `one of ${sel.tag}`, `one of the versions tagged '${sel.tag}'`, { t: sel.tag });
      }
      return out;
    }
    const deployed =
      sel.deployed === true ||
      sel.deployedOrReleased === true ||
      (sel.environment !== undefined && sel.released !== true);
    const released =
      sel.released === true ||
      sel.deployedOrReleased === true ||
      (sel.environment !== undefined && sel.deployed !== true);
    if (deployed || released) {
      const env = sel.environment === undefined ? undefined : await store.environmentByName(sel.environment);
      const [deployments, releases] = await Promise.all([
        deployed ? store.currentlyDeployed(env?.id, consumer.id) : [],
        released ? store.currentlySupported(env?.id, consumer.id) : [],
      ]);
      const found = await Promise.all([
        ...deployments.map(async (d) => {
          const [e, v] = await Promise.all([store.environmentById(d.environmentId), store.versionById(d.versionId)]);
          return match(v, `deployed in ${e.name}`, `currently deployed to ${e.name}`, { e: e.name, d: true });
        }),
        ...releases.map(async (r) => {
          const [e, v] = await Promise.all([store.environmentById(r.environmentId), store.versionById(r.versionId)]);
          return match(v, `released in ${e.name}`, `currently released in ${e.name}`, { e: e.name, r: true });
        }),
      ]);
      for (const m of found) if (m !== undefined) out.push(m);
      return out;
    }
    if (sel.latest === true) {
      const pub = await store.latestPublication(consumer.id, provider.id);
      if (pub !== undefined) {
        const v = await store.versionById(pub.consumerVersionId);
        out.push({
          consumer,
          publication: pub,
          version: v,
          description: 'latest',
          criterion: `latest version (${v.number})`,
          meta: { l: true, cv: v.number },
        });
      }
    }
    return out;
  }

  /** Default selectors (no selectors given): main branch head (else latest), plus deployed and released. */
  private async defaultMatches(provider: Pacticipant, consumer: Pacticipant): Promise<Match[]> {
    let main =
      consumer.mainBranch === null ? [] : await this.matchSelector(provider, consumer, { mainBranch: true }, undefined);
    if (main.length === 0 && consumer.mainBranch !== null)
      main = await this.matchSelector(provider, consumer, { tag: consumer.mainBranch, latest: true }, undefined);
    if (main.length === 0) main = await this.matchSelector(provider, consumer, { latest: true }, undefined);
    return [...main, ...(await this.matchSelector(provider, consumer, { deployedOrReleased: true }, undefined))];
  }

  private readonly verifiedSets = new Map<string, Promise<Set<number>>>();
  private readonly shaCache = new Map<number, string>();

  private verified(
    providerId: number,
    opts: { providerBranchId?: number; providerTag?: string; before?: string; excludeWip?: boolean },
  ): Promise<Set<number>> {
    const key = JSON.stringify([providerId, opts.providerBranchId, opts.providerTag, opts.before, opts.excludeWip]);
    let set = this.verifiedSets.get(key);
    if (set === undefined) {
      set = this.store.successfullyVerifiedPactVersionIds(providerId, opts);
      this.verifiedSets.set(key, set);
    }
    return set;
  }

  /** Pending = not yet successfully verified by this provider branch / tags (inheriting from before the branch existed). */
  async isPending(
    provider: Pacticipant,
    pactVersionId: number,
    branch: string | undefined,
    tags: string[],
    excludeWip = false,
  ): Promise<boolean> {
    return (await this.pendingCheck(provider, branch, tags, excludeWip))(pactVersionId);
  }

  private readonly checks = new Map<string, Promise<(pactVersionId: number) => boolean>>();

  /** isPending as a synchronous test, for the many pact versions of one answer: the sets it needs are read once. */
  private pendingCheck(
    provider: Pacticipant,
    branch: string | undefined,
    tags: string[],
    excludeWip: boolean,
  ): Promise<(pactVersionId: number) => boolean> {
    const key = JSON.stringify([provider.id, branch, tags, excludeWip]);
    let check = this.checks.get(key);
    if (check === undefined) {
      check = this.makePendingCheck(provider, branch, tags, excludeWip);
      this.checks.set(key, check);
    }
    return check;
  }

  private async makePendingCheck(
    provider: Pacticipant,
    branch: string | undefined,
    tags: string[],
    excludeWip: boolean,
  ): Promise<(pactVersionId: number) => boolean> {
    const store = this.store;
    if (branch !== undefined) {
      const b: Branch | undefined = await store.branch(provider.id, branch);
      const [onBranch, before] = await Promise.all([
        b === undefined ? new Set<number>() : this.verified(provider.id, { providerBranchId: b.id, excludeWip }),
        this.verified(provider.id, { before: b?.createdAt, excludeWip }),
      ]);
      return (id) => !onBranch.has(id) && !before.has(id);
    }
    if (tags.length > 0) {
      const perTag = await Promise.all(
        tags.map(async (tag) =>
          Promise.all([
            this.verified(provider.id, { providerTag: tag, excludeWip }),
            this.verified(provider.id, { before: await store.tagFirstCreated(provider.id, tag), excludeWip }),
          ]),
        ),
      );
      return (id) => perTag.some(([withTag, before]) => !withTag.has(id) && !before.has(id));
    }
    const verified = await this.verified(provider.id, { excludeWip });
    return (id) => !verified.has(id);
  }

  async compute(provider: Pacticipant, body: ForVerificationRequest): Promise<Record<string, unknown>> {
    const store = this.store;
    const branch =
      typeof body.providerVersionBranch === 'string' && body.providerVersionBranch.trim() !== ''
        ? body.providerVersionBranch
        : undefined;
    const selectors = await validate(store, body, branch);
    const tags = (body.providerVersionTags ?? []).filter((t) => t.trim() !== '');
    const includePending = body.includePendingStatus === true;

    const consumers = await Promise.all(
      (await store.consumerIdsOf(provider.id)).map((id) => store.pacticipantById(id)),
    );
    const merged = new Map<string, Merged>();
    const addMatch = (m: Match, wip: boolean): void => {
      const key = `${m.consumer.id}:${m.publication.pactVersionId}`;
      let entry = merged.get(key);
      if (entry === undefined) {
        entry = { consumer: m.consumer, pactVersionId: m.publication.pactVersionId, matches: [], wip };
        merged.set(key, entry);
      }
      if (!entry.matches.some((x) => x.description === m.description && x.version.id === m.version.id))
        entry.matches.push(m);
    };

    // Every (consumer, selector) is looked up concurrently; the matches are merged in order.
    const perConsumer = await Promise.all(
      consumers.map((consumer) =>
        selectors.length === 0
          ? Promise.all([this.defaultMatches(provider, consumer)])
          : Promise.all(
              selectors
                .filter((sel) => sel.consumer === undefined || sel.consumer === consumer.name)
                .map((sel) => this.matchSelector(provider, consumer, sel, branch)),
            ),
      ),
    );
    for (const lists of perConsumer) for (const list of lists) for (const m of list) addMatch(m, false);

    // WIP pacts: heads of every consumer branch/tag, published since the date, not explicitly selected, not yet
    // successfully verified (outside WIP) by this provider branch/tags.
    if (body.includeWipPactsSince !== undefined && (branch !== undefined || tags.length > 0)) {
      const since = new Date(body.includeWipPactsSince).toISOString();
      const [heads, pending] = await Promise.all([
        Promise.all(consumers.map((consumer) => store.headPublications(consumer.id, provider.id, since))),
        this.pendingCheck(provider, branch, tags, true),
      ]);
      for (const [k, consumer] of consumers.entries()) {
        for (const h of heads[k]!) {
          const pub = h.publication;
          const key = `${consumer.id}:${pub.pactVersionId}`;
          if (merged.has(key) && !merged.get(key)!.wip) continue;
          if (!pending(pub.pactVersionId)) continue;
          const v = h.version;
          addMatch(
            {
              consumer,
              publication: pub,
              version: v,
              description:
                h.kind === 'branch'
                  ? `latest from branch ${h.name} (work in progress)`
                  : `latest with tag ${h.name} (work in progress)`,
              criterion:
                h.kind === 'branch'
                  ? `latest version from branch '${h.name}' (${v.number})`
                  : `latest version tagged '${h.name}' (${v.number})`,
              meta: h.kind === 'branch' ? { b: h.name, l: true, cv: v.number } : { t: h.name, l: true, cv: v.number },
            },
            true,
          );
        }
      }
    }

    const missing = [...merged.values()].map((e) => e.pactVersionId).filter((id) => !this.shaCache.has(id));
    for (const [id, sha] of await store.pactVersionShas(missing)) this.shaCache.set(id, sha);
    const pacts = await Promise.all(
      [...merged.values()].map((entry) => this.render(provider, entry, { includePending, branch, tags })),
    );
    return {
      _embedded: { pacts },
      _links: {
        self: {
          href: this.links.url(`/pacts/provider/${encodeURIComponent(provider.name)}/for-verification`),
          title: 'Pacts to be verified',
        },
      },
    };
  }

  private async render(
    provider: Pacticipant,
    entry: Merged,
    o: { includePending: boolean; branch: string | undefined; tags: string[] },
  ): Promise<Record<string, unknown>> {
    const store = this.store;
    const pv = {
      id: entry.pactVersionId,
      sha: this.shaCache.get(entry.pactVersionId) ?? (await store.pactVersionSha(entry.pactVersionId)),
    };
    const newest = entry.matches.reduce((a, b) => (b.version.id > a.version.id ? b : a));
    const pending = entry.wip
      ? true
      : o.includePending
        ? await this.isPending(provider, pv.id, o.branch, o.tags)
        : undefined;
    const metadata = encodeMetadata({
      s: entry.matches.map((m) => m.meta),
      cvn: [...new Set(entry.matches.map((m) => m.version.number))],
      ...(pending === undefined ? {} : { p: pending }),
      ...(entry.wip ? { w: true } : {}),
    });
    const href = this.links.pactVersion(provider.name, entry.consumer.name, pv.sha, metadata);
    const providerDesc =
      o.branch !== undefined
        ? `from branch '${o.branch}'`
        : o.tags.length > 0
          ? `with tag(s) ${o.tags.map((t) => `'${t}'`).join(', ')}`
          : '';
    const notices: { when: string; text: string }[] = [];
    if (entry.wip) {
      notices.push({
        when: 'before_verification',
        text: `The pact at ${href} is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest version of ${entry.consumer.name} from ${entry.matches.map((m) => m.criterion).join(', ')} and is still in pending state). Read more at https://docs.pact.io/go/wip`,
      });
    } else {
      const criteria = entry.matches.map((m) => ` * ${m.criterion}`).join('\n');
      notices.push({
        when: 'before_verification',
        text: `The pact at ${href} is being verified because the pact content belongs to the consumer version${entry.matches.length > 1 ? 's' : ''} matching the following criteri${entry.matches.length > 1 ? 'a' : 'on'}:\n${criteria}`,
      });
    }
    if (pending === true) {
      notices.push({
        when: 'before_verification',
        text: `This pact is in pending state for this version of ${provider.name} because a successful verification result for a version of ${provider.name}${providerDesc === '' ? '' : ` ${providerDesc}`} has not yet been published. If this verification fails, it will not cause the overall build to fail. Read more at https://docs.pact.io/go/pending`,
      });
      notices.push({
        when: 'after_verification:success_true_published_false',
        text: `This pact is still in pending state for ${provider.name} as the successful verification results have not yet been published.`,
      });
      notices.push({
        when: 'after_verification:success_false_published_false',
        text: `This pact is still in pending state for ${provider.name} as a successful verification result has not yet been published.`,
      });
      notices.push({
        when: 'after_verification:success_true_published_true',
        text: `This pact is no longer in pending state for ${provider.name}${providerDesc === '' ? '' : ` ${providerDesc}`}, as a successful verification result with this tag has been published. If a verification for a version with fails in the future, it will fail the build.`,
      });
      notices.push({
        when: 'after_verification:success_false_published_true',
        text: `This pact is still in pending state for ${provider.name} as a successful verification result has not yet been published.`,
      });
    } else if (pending === false) {
      notices.push({
        when: 'before_verification',
        text: `This pact has previously been successfully verified by a version of ${provider.name}${providerDesc === '' ? '' : ` ${providerDesc}`}. If this verification fails, it will fail the build. Read more at https://docs.pact.io/go/pending`,
      });
    }
    const verificationProperties: Record<string, unknown> = { notices };
    if (pending !== undefined) verificationProperties.pending = pending;
    if (entry.wip) verificationProperties.wip = true;
    return {
      shortDescription: entry.matches
        .map((m) => m.description)
        .filter((d, i, a) => a.indexOf(d) === i)
        .join(', '),
      verificationProperties,
      _links: {
        self: { href, name: `Pact between ${entry.consumer.name} (${newest.version.number}) and ${provider.name}` },
      },
    };
  }
}
