// Pure: a broker /matrix answer turned into a plain-language yes/no with one reason (and fix) per integration.
// No network, no console, no files: fixes spell commands with the Spelling the caller passes.
import type { Finding } from '../finding';
import type { GateCode } from '../codes';
import { npxSpelling, type Spelling } from '../spelling';

export interface MatrixVersion {
  number?: string;
  branch?: string;
}

export interface MatrixRow {
  consumer?: { name?: string; version?: MatrixVersion | null };
  provider?: { name?: string; version?: MatrixVersion | null };
  pact?: { createdAt?: string; _links?: { self?: { href?: string } } } | null;
  verificationResult?: { success?: boolean | null; verifiedAt?: string; _links?: { self?: { href?: string } } } | null;
  ignored?: boolean;
}

export interface MatrixResponse {
  summary?: { deployable?: boolean | null; reason?: string; success?: number; failed?: number; unknown?: number };
  notices?: Array<{ type?: string; text?: string }>;
  matrix?: MatrixRow[];
}

/**
 * One reason of a gate decision: a Finding (`message` says it in plain language, `fix` is the command or step that
 * fixes it; an `ok` reason has severity `info`, any other `error`).
 */
export interface GateReason extends Finding<GateCode> {
  ok: boolean;
  /**
   * A provider that has not verified the pacticipant's pact in the environment: whether some other version of it
   * verified that pact (and failed, or passed but is not deployed) changes the answer's wording and fix.
   */
  unverifiedBy?: string;
}

/** The latest verification of the pacticipant's pact by any version of a provider (broker /matrix, latestby=cvp). */
export interface VerificationElsewhere {
  provider: string;
  /** Undefined when no version of the provider ever verified the pact. */
  version?: string;
  success?: boolean | null;
  url?: string;
}

export interface GateDecision {
  /** true yes, false no, null still unknown (verification results pending). */
  deployable: boolean | null;
  reasons: GateReason[];
  /** The broker's own reason lines, kept verbatim for reference. */
  brokerReasons: string[];
}

export interface ExplainContext {
  pacticipant: string;
  version: string;
  environment: string;
  /** True for vendor APIs checked by recordings (provider config `thirdParty: true`). */
  isThirdParty: (provider: string) => boolean;
  /** How fixes spell commands where the user runs cxpact (default `npx cxpact ...`). */
  spell?: Spelling;
  /**
   * What the broker knows the pacticipant as (from its latest pacts): a consumer, a provider, both. Undefined when
   * not asked; the fix for an unpublished version then gives both forms, labelled.
   */
  roles?: PacticipantRoles;
  /** What other versions of each provider did with the pact (by provider name), when asked. */
  elsewhere?: ReadonlyMap<string, VerificationElsewhere>;
}

/** Whether a pacticipant has pacts in the broker as consumer and/or as provider. */
export interface PacticipantRoles {
  consumer: boolean;
  provider: boolean;
}

/**
 * The fix for "no pacts or verification results for <name> <version>": publish that version's pacts (a consumer),
 * or verify as that provider version and publish the results (a provider; a vendor API publishes its recorded check).
 */
export function unpublishedVersionFix(
  name: string,
  version: string,
  ctx: Pick<ExplainContext, 'spell' | 'isThirdParty' | 'roles'>,
): string {
  const spell = ctx.spell ?? npxSpelling;
  const asConsumer = `${spell('consumer')} && ${spell('publish', `--consumer-app-version ${version}`)}`;
  const asProvider = ctx.isThirdParty(name)
    ? spell('check-recorded', `--provider ${name} --publish`)
    : spell('verify', `--provider ${name} --provider-version ${version} --publish`);
  const roles = ctx.roles;
  if (roles?.consumer && !roles.provider)
    return `${name} is a consumer: publish its pacts as version ${version}: ${asConsumer}`;
  if (roles?.provider && !roles.consumer)
    return `${name} is a provider: verify its pacts as version ${version} and publish the results: ${asProvider}`;
  return `if ${name} is a consumer, publish its pacts as version ${version}: ${asConsumer}; if it is a provider, verify as version ${version} and publish the results: ${asProvider}`;
}

/** The pacticipant and version of a broker reason "No pacts or verifications have been published for version V of P", if any. */
export function unpublishedVersionsIn(res: MatrixResponse): Array<{ name: string; version: string }> {
  const lines = [...(res.summary?.reason ?? '').split('\n'), ...(res.notices ?? []).map((n) => n.text ?? '')];
  const found: Array<{ name: string; version: string }> = [];
  for (const line of lines) {
    const m = NO_PUBLISHED.exec(line.trim());
    if (m !== null) found.push({ version: m[1]!, name: m[2]! });
  }
  return found;
}

/** A reason as a Finding: severity `info` when it is fine, `error` when it blocks the deployment. */
export function reason(code: GateCode, ok: boolean, message: string, fix?: string, unverifiedBy?: string): GateReason {
  return {
    code,
    severity: ok ? 'info' : 'error',
    ok,
    message,
    at: {},
    ...(fix === undefined ? {} : { fix }),
    ...(unverifiedBy === undefined ? {} : { unverifiedBy }),
  };
}

/** The version as the decision shows it: a git sha shortened to 8 characters. */
export function short(v: string | undefined | null): string {
  if (v === undefined || v === null) return '?';
  return /^[0-9a-f]{40}$/.test(v) ? v.slice(0, 8) : v;
}

function verifyFix(provider: string, thirdParty: boolean, env: string, spell: Spelling): string {
  return thirdParty
    ? `${spell('record', `--provider ${provider}`)} && ${spell('check-recorded', `--provider ${provider} --publish --record-deployment ${env}`)}`
    : `run the verification in ${provider}'s pipeline (the broker webhook triggers it), or by hand: ${spell('verify', `--provider ${provider} --publish`)}; then ${spell('record-deployment', `--pacticipant ${provider} --version <its version> --environment ${env}`)}`;
}

const NO_VERIFIED = /There is no verified pact between (.+?) and (.+)$/i;
const NAME_IN = /version of (.+?) (?:currently|from|with|\(|$)|version \S+ of (\S+)/i;
const NOT_DEPLOYED = /no version is currently recorded as deployed/i;
const NO_PUBLISHED = /No pacts or verifications have been published for version (\S+) of (.+)$/i;

/** The other pacticipants the broker's reasons say have no version in the environment ("… (no version is currently recorded as deployed/released …)"). */
function notDeployedIn(brokerReasons: string[], pacticipant: string): Set<string> {
  const names = new Set<string>();
  for (const line of brokerReasons) {
    const m = NO_VERIFIED.exec(line);
    if (m === null || !NOT_DEPLOYED.test(line)) continue;
    for (const side of [m[1]!, m[2]!]) {
      const n = NAME_IN.exec(side);
      const name = n === null ? undefined : (n[1] ?? n[2]);
      if (name !== undefined && name !== pacticipant) names.add(name);
    }
  }
  return names;
}

/**
 * "Never verified" and "verified and failed" are different answers: when a provider version in the environment
 * has not verified the pact, say what other versions of that provider did with it.
 */
function withElsewhere(r: GateReason, provider: string, ctx: ExplainContext): GateReason {
  const spell = ctx.spell ?? npxSpelling;
  const e = ctx.elsewhere?.get(provider);
  if (e === undefined) return r;
  if (e.version === undefined)
    return { ...r, message: `${r.message} (no version of ${provider} has ever verified it)` };
  if (e.success === false) {
    return {
      ...r,
      code: 'gate.verification.failed',
      message: `${r.message}; ${provider} ${short(e.version)} verified it and FAILED${e.url ? ` (${e.url})` : ''}`,
      fix: `see the mismatches with ${spell('verify', `--provider ${provider}`)}; fix ${provider} or agree a contract change with ${ctx.pacticipant}`,
    };
  }
  if (e.success === true) {
    return {
      ...r,
      code: 'gate.not-deployed',
      message: `${r.message}; ${provider} ${short(e.version)} verified it successfully, but that version is not deployed to ${ctx.environment}`,
      fix: `deploy ${provider} ${e.version} and record it: ${spell('record-deployment', `--pacticipant ${provider} --version ${e.version} --environment ${ctx.environment}`)}`,
    };
  }
  return r;
}

/** Explains a matrix answer: one reason per row (verified, failed, never verified) plus integrations without rows. */
export function explainMatrix(res: MatrixResponse, ctx: ExplainContext): GateDecision {
  const spell = ctx.spell ?? npxSpelling;
  const rows = (res.matrix ?? []).filter((r) => r.ignored !== true);
  const reasons: GateReason[] = [];
  const explainedProviders = new Set<string>();
  const brokerReasons = [...(res.summary?.reason ?? '').split('\n'), ...(res.notices ?? []).map((n) => n.text ?? '')]
    .map((l) => l.trim())
    .filter((l, i, all) => l !== '' && all.indexOf(l) === i);
  const notDeployed = notDeployedIn(brokerReasons, ctx.pacticipant);
  for (const row of rows) {
    const consumer = row.consumer?.name ?? '?';
    const cv = short(row.consumer?.version?.number);
    const provider = row.provider?.name ?? '?';
    const pv = row.provider?.version?.number;
    // The Pact Broker lists a pact whose provider has no version in the environment as a row without a provider
    // version; the broker's reason for it ("no version is currently recorded as deployed") explains it below.
    if (pv === undefined && row.verificationResult == null && consumer === ctx.pacticipant && notDeployed.has(provider))
      continue;
    const third = ctx.isThirdParty(provider);
    const success = row.verificationResult?.success ?? null;
    const who = third ? `vendor ${provider}` : provider;
    explainedProviders.add(provider);
    explainedProviders.add(consumer);
    if (success === true) {
      reasons.push(
        reason(
          'gate.verified',
          true,
          third
            ? `${who} (recording set ${short(pv)}) matches the pact of ${consumer} ${cv} (recorded check)`
            : `${provider} ${short(pv)} verified the pact of ${consumer} ${cv}`,
        ),
      );
    } else if (success === false) {
      const url = row.verificationResult?._links?.self?.href;
      reasons.push(
        reason(
          'gate.verification.failed',
          false,
          third
            ? `${who}'s recorded responses (set ${short(pv)}) do NOT match the pact of ${consumer} ${cv}${url ? ` (${url})` : ''}`
            : `${provider} ${short(pv)} FAILED verification of the pact of ${consumer} ${cv}${url ? ` (${url})` : ''}`,
          third
            ? `see the mismatches with ${spell('check-recorded', `--provider ${provider}`)}; adapt the Data Action to the vendor's change (${spell('consumer')}), or re-record if the vendor fixed it`
            : `see the mismatches with ${spell('verify', `--provider ${provider}`)}; fix ${provider} or agree a contract change with ${consumer}`,
        ),
      );
    } else {
      const r = reason(
        'gate.unverified',
        false,
        third
          ? `${who} has no recorded check of the pact of ${consumer} ${cv}`
          : `${provider}${pv ? ` ${short(pv)}` : ''} never verified the pact of ${consumer} ${cv}`,
        verifyFix(provider, third, ctx.environment, spell),
        consumer === ctx.pacticipant && !third ? provider : undefined,
      );
      reasons.push(r.unverifiedBy === undefined ? r : withElsewhere(r, provider, ctx));
    }
  }

  // Integrations the broker reports without a row (e.g. the provider is not deployed to the environment).
  for (const line of brokerReasons) {
    const published = NO_PUBLISHED.exec(line);
    if (published !== null) {
      reasons.push(
        reason(
          'gate.unpublished',
          false,
          `the broker has no pacts or verification results for ${published[2]} ${short(published[1])}`,
          unpublishedVersionFix(published[2]!, published[1]!, ctx),
        ),
      );
      continue;
    }
    const m = NO_VERIFIED.exec(line);
    if (m === null) continue;
    const sides = [m[1]!, m[2]!];
    const names = sides.map((s) => {
      const n = NAME_IN.exec(s);
      return n === null ? undefined : (n[1] ?? n[2]);
    });
    const other = names.find((n) => n !== undefined && n !== ctx.pacticipant) ?? names[1];
    if (other === undefined || explainedProviders.has(other)) continue;
    const third = ctx.isThirdParty(other);
    // The consumer side is named first: then `other` is a provider whose other versions may have verified the pact.
    const asConsumer = names[0] === ctx.pacticipant && !third;
    const push = (r: GateReason): void => {
      reasons.push(asConsumer ? withElsewhere({ ...r, unverifiedBy: other }, other, ctx) : r);
    };
    if (NOT_DEPLOYED.test(line)) {
      push(
        reason(
          'gate.not-deployed',
          false,
          third
            ? `vendor ${other} has no recorded check published as being in ${ctx.environment}`
            : `no version of ${other} is recorded as deployed to ${ctx.environment}, so nothing there has verified ${ctx.pacticipant} ${short(ctx.version)}`,
          third
            ? spell('check-recorded', `--provider ${other} --publish --record-deployment ${ctx.environment}`)
            : `deploy ${other} and record it: ${spell('record-deployment', `--pacticipant ${other} --version <its version> --environment ${ctx.environment}`)}`,
        ),
      );
    } else {
      push(
        reason(
          'gate.unverified',
          false,
          third ? `vendor ${other} has no recorded check of this pact` : `${other} never verified this pact`,
          verifyFix(other, third, ctx.environment, spell),
        ),
      );
    }
    explainedProviders.add(other);
  }

  let deployable: boolean | null =
    res.summary?.deployable === true ? true : res.summary?.deployable === false ? false : null;
  // Guard against a broker that says yes while a considered row failed or is unverified.
  if (deployable === true && reasons.some((r) => !r.ok))
    deployable = reasons.some((r) => r.code === 'gate.verification.failed') ? false : null;
  // A provider version verified the pact and failed: the answer is no, not "results are missing".
  if (
    deployable === null &&
    reasons.some((r) => !r.ok && r.unverifiedBy !== undefined && ctx.elsewhere?.get(r.unverifiedBy)?.success === false)
  )
    deployable = false;
  if (deployable !== true && !reasons.some((r) => !r.ok)) {
    // The broker said no for a reason we could not map: keep its words.
    for (const line of brokerReasons)
      if (!/^All required verification results/i.test(line)) reasons.push(reason('gate.broker-reason', false, line));
  }
  if (deployable === true && reasons.length === 0) {
    reasons.push(
      reason(
        'gate.nothing-to-break',
        true,
        `${ctx.pacticipant} has no pacts with (and no consumers among) what is deployed to ${ctx.environment}: nothing to break`,
      ),
    );
  }
  return { deployable, reasons, brokerReasons };
}
