// The gate: asks the broker's /matrix (the endpoint the official `pact broker can-i-deploy` calls, with the same
// query), retries while results are unknown, and explains the answer. Network only; never prints.
import { CxpactError } from '../../core/errors';
import { brokerErrorMessages, brokerRequest } from './http';
import type { BrokerTarget } from './target';
import {
  explainMatrix,
  reason,
  unpublishedVersionsIn,
  type ExplainContext,
  type GateDecision,
  type MatrixResponse,
  type PacticipantRoles,
  type VerificationElsewhere,
} from '../../core/gate/explain';
import { cxpactCommand, spellingFor } from '../cli-spelling';

export interface CanIDeployRequest {
  broker: BrokerTarget;
  pacticipant: string;
  version: string;
  environment: string;
  /** How many extra times to ask while the answer is unknown (official `--retry-while-unknown`). */
  retryWhileUnknown?: number;
  retryIntervalSeconds?: number;
  /** Pacticipants to leave out of the decision (official `--ignore`), e.g. a provider proven elsewhere. */
  ignore?: string[];
  isThirdParty?: (name: string) => boolean;
  /** Where the user runs cxpact (spelling of the commands in fixes; default the process's cwd). */
  cwd?: string;
  /** Called before each retry (progress output). */
  onRetry?: (attempt: number, of: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface CanIDeployResult extends GateDecision {
  attempts: number;
  matrix: MatrixResponse;
}

/** The query the Rust CLI 0.8.8 sends for `--pacticipant P --version V --to-environment E`. */
export function matrixQuery(
  pacticipant: string,
  version: string,
  environment: string,
  ignore: readonly string[] = [],
): string {
  const q = new URLSearchParams();
  q.append('q[][pacticipant]', pacticipant);
  q.append('q[][version]', version);
  for (const name of ignore) q.append('ignore[][pacticipant]', name);
  q.append('latestby', 'cvpv');
  q.append('environment', environment);
  return `/matrix?${q.toString()}`;
}

async function knownPacticipants(broker: BrokerTarget): Promise<string[]> {
  try {
    const res = await brokerRequest(broker, '/pacticipants');
    const body = res.body as
      | { _embedded?: { pacticipants?: Array<{ name?: string }> }; pacticipants?: Array<{ name?: string }> }
      | undefined;
    const list = body?._embedded?.pacticipants ?? body?.pacticipants ?? [];
    return list
      .map((p) => p.name)
      .filter((n): n is string => typeof n === 'string')
      .sort();
  } catch {
    return [];
  }
}

/**
 * Whether the broker has pacts with `name` as consumer and/or as provider (its latest pacts, `pb:latest-pact-versions`,
 * the same `/pacts/latest` the official broker serves). Undefined when the broker cannot say.
 */
export async function pacticipantRoles(broker: BrokerTarget, name: string): Promise<PacticipantRoles | undefined> {
  try {
    const res = await brokerRequest(broker, '/pacts/latest');
    if (res.status !== 200) return undefined;
    const pacts = (res.body as { pacts?: unknown } | undefined)?.pacts;
    if (!Array.isArray(pacts)) return undefined;
    const roles: PacticipantRoles = { consumer: false, provider: false };
    for (const pact of pacts as Array<{
      _embedded?: { consumer?: { name?: unknown }; provider?: { name?: unknown } };
    }>) {
      if (pact?._embedded?.consumer?.name === name) roles.consumer = true;
      if (pact?._embedded?.provider?.name === name) roles.provider = true;
    }
    return roles;
  } catch {
    return undefined;
  }
}

/** One /matrix call, with broker errors mapped to messages that say what to do. */
async function askMatrix(req: CanIDeployRequest): Promise<MatrixResponse> {
  const res = await brokerRequest(
    req.broker,
    matrixQuery(req.pacticipant, req.version, req.environment, req.ignore ?? []),
  );
  if (res.status === 200 && typeof res.body === 'object' && res.body !== null) return res.body as MatrixResponse;
  const messages = brokerErrorMessages(res.body);
  const text = messages.join('; ') || `HTTP ${res.status}`;
  if (res.status === 400 || res.status === 404) {
    if (/pacticipant/i.test(text) && /not found|unknown|no pacticipant/i.test(text)) {
      const known = await knownPacticipants(req.broker);
      throw new CxpactError('gate.pacticipant.unknown', `The broker does not know ${req.pacticipant} (${text}).`, {
        fix:
          `Publish its pacts first (${cxpactCommand(req.cwd, 'consumer')} && ${cxpactCommand(req.cwd, 'publish')}) or check the spelling.` +
          (known.length > 0 ? ` Known pacticipants: ${known.join(', ')}.` : ''),
      });
    }
    if (/environment/i.test(text)) {
      throw new CxpactError(
        'usage.environment.unknown',
        `The broker has no environment "${req.environment}" (${text}).`,
        {
          fix: `Create it once: npx pact broker create-environment --name ${req.environment}${/prod/i.test(req.environment) ? ' --production' : ''} (or ${cxpactCommand(req.cwd, 'record-deployment', '--create-environment ...')}).`,
        },
      );
    }
    throw new CxpactError('gate.matrix.rejected', `The broker rejected the can-i-deploy query: ${text}.`, {
      fix: 'Check --pacticipant, --version and --to-environment.',
    });
  }
  throw new CxpactError(
    'broker.error',
    `The broker answered the can-i-deploy query with HTTP ${res.status}: ${text}.`,
    {
      fix: 'Check the broker logs and retry.',
    },
  );
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The latest verification of `consumer version`'s pact by any version of each provider (the matrix, latestby=cvp). */
export async function verificationsElsewhere(
  broker: BrokerTarget,
  consumer: string,
  version: string,
  providers: string[],
): Promise<Map<string, VerificationElsewhere>> {
  const out = new Map<string, VerificationElsewhere>();
  for (const provider of providers) {
    const q = new URLSearchParams();
    q.append('q[][pacticipant]', consumer);
    q.append('q[][version]', version);
    q.append('q[][pacticipant]', provider);
    q.append('latestby', 'cvp');
    try {
      const res = await brokerRequest(broker, `/matrix?${q.toString()}`);
      if (res.status !== 200) continue;
      const rows = ((res.body as MatrixResponse | undefined)?.matrix ?? []).filter(
        (r) => r.provider?.name === provider && r.verificationResult != null,
      );
      const row = rows[rows.length - 1];
      out.set(
        provider,
        row === undefined
          ? { provider }
          : {
              provider,
              ...(row.provider?.version?.number ? { version: row.provider.version.number } : {}),
              success: row.verificationResult?.success ?? null,
              ...(row.verificationResult?._links?.self?.href ? { url: row.verificationResult._links.self.href } : {}),
            },
      );
    } catch {
      // Only the wording depends on it.
    }
  }
  return out;
}

/** Asks whether `pacticipant version` can go to `environment`; polls while the answer is unknown. */
export async function canIDeploy(req: CanIDeployRequest): Promise<CanIDeployResult> {
  const retries = Math.max(0, req.retryWhileUnknown ?? 0);
  const intervalMs = Math.max(0, (req.retryIntervalSeconds ?? 10) * 1000);
  const sleep = req.sleep ?? defaultSleep;
  const ctx: ExplainContext = {
    pacticipant: req.pacticipant,
    version: req.version,
    environment: req.environment,
    isThirdParty: req.isThirdParty ?? (() => false),
    spell: spellingFor(req.cwd),
  };
  let attempts = 0;
  for (;;) {
    attempts++;
    const matrix = await askMatrix(req);
    let decision = explainMatrix(matrix, ctx);
    if (ctx.roles === undefined && unpublishedVersionsIn(matrix).some((u) => u.name === req.pacticipant)) {
      // An unpublished version: the fix depends on whether the pacticipant is a consumer or a provider.
      const roles = await pacticipantRoles(req.broker, req.pacticipant);
      if (roles !== undefined) {
        ctx.roles = roles;
        decision = explainMatrix(matrix, ctx);
      }
    }
    const unverified = [
      ...new Set(decision.reasons.map((r) => r.unverifiedBy).filter((p): p is string => p !== undefined)),
    ];
    if (unverified.length > 0) {
      // "Never verified" or "verified and failed"? Ask what the provider's other versions did with this pact.
      ctx.elsewhere = await verificationsElsewhere(req.broker, req.pacticipant, req.version, unverified);
      decision = explainMatrix(matrix, ctx);
    }
    for (const name of req.ignore ?? [])
      decision.reasons.push(
        reason(
          'gate.ignored',
          true,
          `${name} ignored (--ignore / PACT_BROKER_CAN_I_DEPLOY_IGNORE): its compatibility is not checked here`,
        ),
      );
    if (decision.deployable !== null || attempts > retries) return { ...decision, attempts, matrix };
    req.onRetry?.(attempts, retries + 1);
    await sleep(intervalMs);
  }
}
