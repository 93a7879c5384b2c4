// The matrix and can-i-deploy: resolve selectors to versions, build (consumer version x provider version) rows
// joined on pact *content*, infer the other side from the options, and decide deployable true/false/null.
import { badRequest, type Links } from './http';
import { memoReads } from './store/memo';
import type {
  BrokerReads,
  Environment,
  PactPublication,
  Pacticipant,
  Verification,
  Version,
  VersionDetails,
} from './store/types';

export interface MatrixSelector {
  pacticipant?: string;
  version?: string;
  latest?: string;
  tag?: string;
  branch?: string;
  mainBranch?: string;
  environment?: string;
}

/** Parses Rack-style `name[][key]=v` params in order: a repeated key starts a new hash. */
export function parseRackArray(query: URLSearchParams, name: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const re = new RegExp(`^${name}\\[\\]\\[(\\w+)\\]$`);
  for (const [key, value] of query) {
    const m = re.exec(key);
    if (m === null) continue;
    const field = m[1]!;
    const last = out[out.length - 1];
    if (last === undefined || field in last) out.push({ [field]: value });
    else last[field] = value;
  }
  return out;
}

const truthy = (v: string | undefined): boolean => v === 'true' || v === '1';

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Descending, a missing number first (the Pact Broker's compare_number_desc). */
const descNullFirst = (a: number | undefined, b: number | undefined): number =>
  a !== undefined && b !== undefined ? b - a : a !== undefined ? 1 : b !== undefined ? -1 : 0;

/**
 * The Pact Broker's matrix row order: consumer name, newest consumer version, newest pact revision, provider name,
 * newest provider version (rows without one first), newest verification.
 */
function compareRows(a: Row, b: Row): number {
  return (
    byName(a.consumer.name, b.consumer.name) ||
    b.consumerVersion.id - a.consumerVersion.id ||
    b.publication.revision - a.publication.revision ||
    byName(a.provider.name, b.provider.name) ||
    descNullFirst(a.providerVersion?.id, b.providerVersion?.id) ||
    descNullFirst(a.verification?.id, b.verification?.id)
  );
}

interface Resolved {
  pacticipant: Pacticipant;
  versions: Version[];
  /** Human description of the selected version(s). */
  describe: (v: Version | undefined) => string;
  /** Set when the selector names something that does not exist (=> deployable false). */
  missing?: string;
  specified: boolean;
}

interface Row {
  consumer: Pacticipant;
  consumerVersion: Version;
  provider: Pacticipant;
  /** The provider version shown: null when it has not verified this pact content. */
  providerVersion: Version | null;
  /** The provider version this row was evaluated against (for latestby ranking). */
  target: Version | null;
  publication: PactPublication;
  verification: Verification | null;
  ignored: boolean;
  desc: { c: string; p: string };
}

export interface MatrixOptions {
  latestby?: string;
  latest: boolean;
  tag?: string;
  environment?: string;
  mainBranch: boolean;
  limit: number;
  /** `success[]=true|false|` (empty: unverified): keep only rows with these results (after latestby). */
  success?: (boolean | null)[];
}

export class Matrix {
  private readonly store: BrokerReads;
  /** `store` is read through a per-request cache (one Matrix per request). */
  constructor(
    store: BrokerReads,
    private readonly links: Links,
  ) {
    this.store = memoReads(store);
  }

  private env(name: string): Promise<Environment | undefined> {
    return this.store.environmentByName(name);
  }

  /** Versions of `p` currently deployed or supported in the environment (newest first, unique). */
  private versionsInEnvironment(p: Pacticipant, env: Environment): Promise<Version[]> {
    return this.store.versionsInEnvironment(env.id, p.id);
  }

  private async resolveSpecified(sel: Record<string, string>, limit: number): Promise<Resolved> {
    const name = sel.pacticipant!;
    const p = (await this.store.pacticipant(name))!;
    const latest = truthy(sel.latest);
    if (sel.version !== undefined) {
      const v = await this.store.version(p.id, sel.version);
      return {
        pacticipant: p,
        versions: v === undefined ? [] : [v],
        describe: () => `version ${sel.version} of ${name}`,
        missing:
          v === undefined
            ? `No pacts or verifications have been published for version ${sel.version} of ${name}`
            : undefined,
        specified: true,
      };
    }
    if (sel.tag !== undefined) {
      const vs = latest
        ? [await this.store.latestVersionWithTag(p.id, sel.tag)].filter((v): v is Version => v !== undefined)
        : (await this.store.versionsWithTag(p.id, sel.tag)).slice(0, limit);
      return {
        pacticipant: p,
        versions: vs,
        describe: (v) =>
          latest
            ? `the latest version of ${name} with tag ${sel.tag} (${v?.number ?? 'none'})`
            : `version ${v?.number ?? '?'} of ${name} with tag ${sel.tag}`,
        missing: vs.length === 0 ? `No version with tag ${sel.tag} exists for ${name}` : undefined,
        specified: true,
      };
    }
    if (sel.branch !== undefined || truthy(sel.mainBranch)) {
      const branch = sel.branch ?? p.mainBranch ?? undefined;
      const label = sel.branch !== undefined ? `from branch ${branch}` : 'from the main branch';
      const none =
        branch === undefined
          ? `${name} has no main branch configured`
          : `No version of ${name} from branch ${branch} exists`;
      if (latest) {
        // `latest=true` (what the Ruby CLI sends with --branch): the branch head.
        const head = branch === undefined ? undefined : await this.store.branchHead(p.id, branch);
        return {
          pacticipant: p,
          versions: head === undefined ? [] : [head],
          describe: (v) => `the latest version of ${name} ${label} (${v?.number ?? 'none'})`,
          missing: head === undefined ? none : undefined,
          specified: true,
        };
      }
      // Without latest (what the Rust CLI sends for --branch / --main-branch): every version on the branch, as the
      // Pact Broker's Version.for_selector reads it (lib/pact_broker/domain/version.rb: where_branch_name), the
      // newest `limit` of them like its matrix query.
      const vs = branch === undefined ? [] : (await this.store.versionsOnBranch(p.id, branch)).slice(0, limit);
      return {
        pacticipant: p,
        versions: vs,
        describe: (v) => `version ${v?.number ?? '?'} of ${name} ${label}`,
        missing: vs.length === 0 ? none : undefined,
        specified: true,
      };
    }
    if (sel.environment !== undefined) {
      const env = (await this.env(sel.environment))!;
      const vs = await this.versionsInEnvironment(p, env);
      return {
        pacticipant: p,
        versions: vs,
        describe: (v) => `the version of ${name} currently in ${env.name} (${v?.number ?? 'none'})`,
        missing:
          vs.length === 0
            ? `No version of ${name} is currently recorded as deployed or released in environment ${env.name}`
            : undefined,
        specified: true,
      };
    }
    if (latest) {
      const v = await this.store.latestVersion(p.id);
      return {
        pacticipant: p,
        versions: v === undefined ? [] : [v],
        describe: (x) => `the latest version of ${name} (${x?.number ?? 'none'})`,
        missing: v === undefined ? `No versions of ${name} exist` : undefined,
        specified: true,
      };
    }
    return {
      pacticipant: p,
      versions: await this.store.versions(p.id, limit),
      describe: (v) => `version ${v?.number ?? '?'} of ${name}`,
      specified: true,
    };
  }

  /** The versions of another pacticipant implied by the options (environment / tag / main branch / latest). */
  private async resolveInferred(p: Pacticipant, opts: MatrixOptions): Promise<Resolved> {
    const name = p.name;
    if (opts.environment !== undefined) {
      const env = (await this.env(opts.environment))!;
      const vs = await this.versionsInEnvironment(p, env);
      return {
        pacticipant: p,
        versions: vs,
        describe: (v) =>
          v === undefined
            ? `a version of ${name} currently in ${env.name} (no version is currently recorded as deployed/released in this environment)`
            : `the version of ${name} currently in ${env.name} (${v.number})`,
        specified: false,
      };
    }
    if (opts.tag !== undefined) {
      const v = await this.store.latestVersionWithTag(p.id, opts.tag);
      return {
        pacticipant: p,
        versions: v === undefined ? [] : [v],
        describe: (x) =>
          x === undefined
            ? `the latest version of ${name} with tag ${opts.tag} (no such version exists)`
            : `the latest version of ${name} with tag ${opts.tag} (${x.number})`,
        specified: false,
      };
    }
    if (opts.mainBranch) {
      const v = p.mainBranch === null ? undefined : await this.store.branchHead(p.id, p.mainBranch);
      return {
        pacticipant: p,
        versions: v === undefined ? [] : [v],
        describe: (x) =>
          x === undefined
            ? `the latest version of ${name} from the main branch (no such version exists)`
            : `the latest version of ${name} from the main branch (${x.number})`,
        specified: false,
      };
    }
    const v = await this.store.latestVersion(p.id);
    return {
      pacticipant: p,
      versions: v === undefined ? [] : [v],
      describe: (x) => `the latest version of ${name} (${x?.number ?? 'none'})`,
      specified: false,
    };
  }

  /** Computes the matrix response body for a query string. Throws 400 for invalid selectors. */
  query(query: URLSearchParams): Promise<Record<string, unknown>> {
    const selectors = parseRackArray(query, 'q');
    const ignores = parseRackArray(query, 'ignore');
    const opts: MatrixOptions = {
      latestby: query.get('latestby') ?? undefined,
      latest: truthy(query.get('latest') ?? undefined),
      tag: query.get('tag') ?? undefined,
      environment: query.get('environment') ?? undefined,
      mainBranch: truthy(query.get('mainBranch') ?? undefined),
      limit: query.get('limit') === null || query.get('limit') === '' ? 100 : Number(query.get('limit')),
    };
    // As the Pact Broker's ParseQuery: success[]=true / success=false; an empty value selects unverified rows.
    const success = [...query.getAll('success[]'), ...query.getAll('success')];
    if (success.length > 0) opts.success = success.map((v) => (v === '' ? null : v === 'true'));
    return this.compute(selectors, ignores, opts);
  }

  async compute(
    selectors: Record<string, string>[],
    ignores: Record<string, string>[],
    opts: MatrixOptions,
  ): Promise<Record<string, unknown>> {
    const errors: string[] = [];
    if (selectors.length === 0) errors.push('Please provide 1 or more version selectors.');
    for (const s of selectors) {
      if (s.pacticipant === undefined || s.pacticipant.trim() === '') {
        errors.push('Please specify the pacticipant name');
        continue;
      }
      if ((await this.store.pacticipant(s.pacticipant)) === undefined)
        errors.push(`Pacticipant ${s.pacticipant} not found`);
      if (s.version !== undefined && truthy(s.latest))
        errors.push(`A version number and latest flag cannot both be specified for ${s.pacticipant}`);
      if (s.environment !== undefined && (await this.env(s.environment)) === undefined)
        errors.push(`Environment with name '${s.environment}' does not exist`);
    }
    const targetCount = [opts.tag, opts.environment, opts.mainBranch ? 'x' : undefined].filter(
      (x) => x !== undefined,
    ).length;
    if (targetCount > 1) errors.push('Please specify only one of tag, environment or mainBranch');
    if (opts.environment !== undefined && (await this.env(opts.environment)) === undefined)
      errors.push(`Environment with name '${opts.environment}' does not exist`);
    if (!Number.isFinite(opts.limit) || opts.limit < 1) errors.push('The limit must be a number greater than 0');
    if (errors.length > 0) throw badRequest(errors);

    const warnings: string[] = [];
    const resolved: Resolved[] = [];
    for (const s of selectors) resolved.push(await this.resolveSpecified(s, opts.limit));
    const inference = opts.environment !== undefined || opts.tag !== undefined || opts.mainBranch || opts.latest;
    const browse = !inference && resolved.length === 1;

    // Ignore rules.
    const ignoreRules: { name: string; version?: string }[] = [];
    for (const ig of ignores) {
      if (ig.pacticipant === undefined) continue;
      const p = await this.store.pacticipant(ig.pacticipant);
      if (p === undefined) {
        warnings.push(`WARN: Cannot ignore ${ig.pacticipant}, as it does not exist in the Pact Broker`);
        continue;
      }
      if (ig.version !== undefined && (await this.store.version(p.id, ig.version)) === undefined) {
        warnings.push(
          `WARN: Cannot ignore version ${ig.version} of ${ig.pacticipant}, as it does not exist in the Pact Broker`,
        );
      }
      ignoreRules.push({ name: ig.pacticipant, version: ig.version });
    }
    const isIgnored = (p: Pacticipant, v: Version | null): boolean =>
      ignoreRules.some((r) => r.name === p.name && (r.version === undefined || (v !== null && v.number === r.version)));

    const rows: Row[] = [];
    const specifiedByName = new Map(resolved.map((r) => [r.pacticipant.name, r]));

    const pushRow = (
      consumer: Pacticipant,
      cv: Version,
      provider: Pacticipant,
      target: Version | null,
      pub: PactPublication,
      ver: Verification | null,
      desc: { c: string; p: string },
    ): void => {
      rows.push({
        consumer,
        consumerVersion: cv,
        provider,
        providerVersion: ver === null ? null : target,
        target,
        publication: pub,
        verification: ver,
        ignored: isIgnored(consumer, cv) || isIgnored(provider, target),
        desc,
      });
    };

    const inferredCache = new Map<number, Promise<Resolved>>();
    const inferred = (p: Pacticipant): Promise<Resolved> => {
      const spec = specifiedByName.get(p.name);
      if (spec !== undefined) return Promise.resolve(spec);
      let r = inferredCache.get(p.id);
      if (r === undefined) {
        r = this.resolveInferred(p, opts);
        inferredCache.set(p.id, r);
      }
      return r;
    };

    // Each integration of a selected version is looked up concurrently; what it finds is applied in order, so
    // rows and reasons come out the same as one by one.
    type Found = (() => void)[];
    const asConsumer = async (me: Pacticipant, v: Version, myDesc: string, pub: PactPublication): Promise<Found> => {
      const provider = await this.store.pacticipantById(pub.providerId);
      if (browse) {
        const verifs = await this.store.latestVerificationsPerProviderVersion(pub.pactVersionId);
        if (verifs.length === 0)
          return [() => pushRow(me, v, provider, null, pub, null, { c: myDesc, p: `any version of ${provider.name}` })];
        const pvs = await Promise.all(verifs.map((ver) => this.store.versionById(ver.providerVersionId)));
        return verifs.map(
          (ver, k) => () =>
            pushRow(me, v, provider, pvs[k]!, pub, ver, {
              c: myDesc,
              p: `version ${pvs[k]!.number} of ${provider.name}`,
            }),
        );
      }
      if (!inference && !specifiedByName.has(provider.name)) return [];
      const other = await inferred(provider);
      if (other.versions.length === 0) {
        if (other.specified) return [];
        // No version of the provider where the options point (not deployed there, no such tag): still a row for
        // the pact, without a provider version, as the Pact Broker's left join of the (empty) selected
        // verifications gives; it is unverified, and listed (and counted as ignored when ignored).
        return [() => pushRow(me, v, provider, null, pub, null, { c: myDesc, p: other.describe(undefined) })];
      }
      const vers = await Promise.all(
        other.versions.map((pv) => this.store.latestVerificationFor(pub.pactVersionId, pv.id)),
      );
      if (other.specified && other.versions.length > 1) {
        // Several specified provider versions: a row per provider version that verified this pact, or one row
        // without a provider version when none did, as the Pact Broker's left join of the selected verifications
        // (matrix_row_dataset_module.rb matching_only_selectors_joining_verifications) gives; never a padding row
        // for each version that did not verify it.
        const verified = other.versions.flatMap((pv, k) => (vers[k] === undefined ? [] : [{ pv, ver: vers[k]! }]));
        if (verified.length === 0)
          return [
            () =>
              pushRow(me, v, provider, null, pub, null, {
                c: myDesc,
                p: `any of the selected versions of ${provider.name}`,
              }),
          ];
        return verified.map(
          ({ pv, ver }) =>
            () =>
              pushRow(me, v, provider, pv, pub, ver, { c: myDesc, p: other.describe(pv) }),
        );
      }
      // Inferred provider versions (the environment's, the tag's or branch's latest) each need a verification:
      // an unverified one is a row without a provider version, naming the version it lacks.
      return other.versions.map(
        (pv, k) => () => pushRow(me, v, provider, pv, pub, vers[k] ?? null, { c: myDesc, p: other.describe(pv) }),
      );
    };
    const asProviderBrowsing = async (me: Pacticipant, v: Version, myDesc: string): Promise<Found> => {
      const found: Found = [];
      for (const ver of await this.store.verificationsByProviderVersion(v.id)) {
        const consumer = await this.store.pacticipantById(ver.consumerId);
        for (const pub of await this.store.publicationsOfPactVersion(ver.pactVersionId)) {
          const cv = await this.store.versionById(pub.consumerVersionId);
          found.push(() =>
            pushRow(consumer, cv, me, v, pub, ver, { c: `version ${cv.number} of ${consumer.name}`, p: myDesc }),
          );
        }
      }
      return found;
    };
    const asProviderInferred = async (
      me: Pacticipant,
      v: Version,
      myDesc: string,
      consumerId: number,
    ): Promise<Found> => {
      const consumer = await this.store.pacticipantById(consumerId);
      if (specifiedByName.has(consumer.name)) return [];
      const other = await inferred(consumer);
      const found = await Promise.all(
        other.versions.map(async (cv): Promise<(() => void) | undefined> => {
          const pub = await this.store.publication(cv.id, me.id);
          if (pub === undefined) return undefined;
          const ver = (await this.store.latestVerificationFor(pub.pactVersionId, v.id)) ?? null;
          return () => pushRow(consumer, cv, me, v, pub, ver, { c: other.describe(cv), p: myDesc });
        }),
      );
      return found.filter((f): f is () => void => f !== undefined);
    };

    for (const sel of resolved) {
      const me = sel.pacticipant;
      for (const v of sel.versions) {
        const myDesc = sel.describe(v);
        // As consumer: every provider I have a pact with is a required integration.
        const units = (await this.store.publicationsOfVersion(v.id)).map((pub) => asConsumer(me, v, myDesc, pub));
        // As provider: consumer versions selected by the options that have a pact with me (nothing required if
        // none); between specified pacticipants it is handled from each consumer's side.
        if (browse) units.push(asProviderBrowsing(me, v, myDesc));
        else if (inference)
          units.push(...(await this.store.consumerIdsOf(me.id)).map((cid) => asProviderInferred(me, v, myDesc, cid)));
        for (const found of await Promise.all(units)) for (const apply of found) apply();
      }
    }

    let finalRows = rows;
    if (opts.latestby === 'cvp' || opts.latestby === 'cp') {
      const groups = new Map<string, Row>();
      const rank = (x: Row): number => (x.target?.id ?? -1) * 1e7 + x.consumerVersion.id;
      for (const r of rows) {
        const key =
          opts.latestby === 'cvp'
            ? `${r.consumer.id}|${r.consumerVersion.id}|${r.provider.id}`
            : `${r.consumer.id}|${r.provider.id}`;
        const cur = groups.get(key);
        if (cur === undefined || rank(r) > rank(cur)) groups.set(key, r);
      }
      finalRows = [...groups.values()];
    }

    if (opts.success !== undefined) {
      const wanted = opts.success;
      finalRows = finalRows.filter((r) => wanted.includes(r.verification === null ? null : r.verification.success));
    }

    // Decide.
    const considered = finalRows.filter((r) => !r.ignored);
    const ignoredCount = finalRows.length - considered.length;
    const successCount = considered.filter((r) => r.verification?.success === true).length;
    const failed = considered.filter((r) => r.verification !== null && !r.verification.success);
    const unverified = considered.filter((r) => r.verification === null);
    const missingVersions = browse ? [] : resolved.filter((r) => r.missing !== undefined);

    const reasons: { type: string; text: string }[] = [];
    if (
      !browse &&
      resolved.length === 1 &&
      opts.environment === undefined &&
      opts.tag === undefined &&
      !opts.mainBranch
    ) {
      reasons.push({
        type: 'warning',
        text: 'WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable.',
      });
    }
    if (!browse && !selectors.some((s) => s.version !== undefined)) {
      reasons.push({
        type: 'warning',
        text: 'WARN: It is recommended to specify the version number (rather than latest tag or branch) of each pacticipant as this will give you a reliable result.',
      });
    }
    for (const w of warnings) reasons.push({ type: 'warning', text: w });
    for (const r of missingVersions) reasons.push({ type: 'error', text: r.missing! });
    for (const r of unverified)
      reasons.push({ type: 'error', text: `There is no verified pact between ${r.desc.c} and ${r.desc.p}` });
    for (const r of failed) {
      reasons.push({ type: 'error', text: `The verification for the pact between ${r.desc.c} and ${r.desc.p} failed` });
    }

    let deployable: boolean | null;
    if (missingVersions.length > 0 || failed.length > 0) deployable = false;
    else if (unverified.length > 0) deployable = null;
    else deployable = true;
    if (deployable === true) {
      reasons.push({
        type: 'success',
        text:
          considered.length === 0
            ? 'There are no missing dependencies'
            : 'All required verification results are published and successful',
      });
    }

    const summary: Record<string, unknown> = {
      deployable,
      reason: reasons.map((r) => r.text).join('\n'),
      success: successCount,
      failed: failed.length,
      unknown: unverified.length,
    };
    if (ignores.length > 0) summary.ignored = ignoredCount;

    // Counted rows first, then ignored ones, each in the Pact Broker's row order (matrix_row_instance_methods.rb <=>,
    // applied to considered and ignored rows separately, matrix_decorator.rb lists considered + ignored).
    const sorted = [
      ...finalRows.filter((r) => !r.ignored).sort(compareRows),
      ...finalRows.filter((r) => r.ignored).sort(compareRows),
    ];
    const limited = browse ? sorted.slice(0, opts.limit) : sorted;
    // Everything the rows show about their versions and pacts, fetched in one go.
    const [details, shas] = await Promise.all([
      this.store.versionDetails(
        limited.flatMap((r) =>
          r.providerVersion === null ? [r.consumerVersion.id] : [r.consumerVersion.id, r.providerVersion.id],
        ),
      ),
      this.store.pactVersionShas(limited.map((r) => r.publication.pactVersionId)),
    ]);
    return { summary, notices: reasons, matrix: limited.map((r) => this.renderRow(r, details, shas)) };
  }

  private versionJson(p: Pacticipant, v: Version, details: VersionDetails): Record<string, unknown> {
    const { branches, tags, environments: places } = details;
    const envs: Record<string, unknown>[] = [];
    for (const { environment: e } of places) {
      if (!envs.some((x) => x.uuid === e.uuid))
        envs.push({
          uuid: e.uuid,
          name: e.name,
          displayName: e.displayName,
          production: e.production,
          _links: { self: { href: this.links.environment(e.uuid) } },
        });
    }
    return {
      number: v.number,
      branch: branches.length > 0 ? branches[branches.length - 1]!.name : null,
      branches: branches.map((b) => ({
        name: b.name,
        latest: b.latest,
        _links: { self: { href: this.links.branch(p.name, b.name) } },
      })),
      branchVersions: branches.map((b) => ({
        name: b.name,
        latest: b.latest,
        _links: { self: { href: this.links.branchVersion(p.name, b.name, v.number) } },
      })),
      environments: envs,
      tags: tags.map((t) => ({
        name: t.name,
        latest: t.latest,
        _links: { self: { href: this.links.tag(p.name, v.number, t.name) } },
      })),
      _links: { self: { href: this.links.version(p.name, v.number) } },
    };
  }

  private renderRow(r: Row, details: Map<number, VersionDetails>, shas: Map<number, string>): Record<string, unknown> {
    const consumerVersion = this.versionJson(r.consumer, r.consumerVersion, details.get(r.consumerVersion.id)!);
    const providerVersion =
      r.providerVersion === null
        ? null
        : this.versionJson(r.provider, r.providerVersion, details.get(r.providerVersion.id)!);
    const pv = { sha: shas.get(r.publication.pactVersionId)! };
    const out: Record<string, unknown> = {
      consumer: {
        name: r.consumer.name,
        version: consumerVersion,
        _links: { self: { href: this.links.pacticipant(r.consumer.name) } },
      },
      provider: {
        name: r.provider.name,
        version: providerVersion,
        _links: { self: { href: this.links.pacticipant(r.provider.name) } },
      },
      pact: {
        createdAt: r.publication.createdAt,
        _links: {
          self: { href: this.links.pactByVersion(r.provider.name, r.consumer.name, r.consumerVersion.number) },
        },
      },
      verificationResult:
        r.verification === null
          ? null
          : {
              success: r.verification.success,
              verifiedAt: r.verification.createdAt,
              _links: {
                self: {
                  href: this.links.verification(r.provider.name, r.consumer.name, pv.sha, r.verification.number),
                },
              },
            },
    };
    if (r.ignored) out.ignored = true;
    return out;
  }
}
