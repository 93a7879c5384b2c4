// Publishes a recorded check to the broker as a verification result of the provider, so the matrix and
// can-i-deploy count third-party providers. The provider version is the fingerprint of the recording set and it
// is put on a branch (default `recorded`) and tags, the way the official verifier does it (HAL links first).
import { CxpactError } from '../../core/errors';
import { brokerErrorMessages, brokerRequest, halLink, pathOf } from './http';
import type { BrokerTarget } from './target';
import type { CheckSummary } from '../../core/recorded/check';
import { cxpactCommand } from '../cli-spelling';

export interface PublishRequest {
  broker: BrokerTarget;
  provider: string;
  providerVersion: string;
  branch?: string;
  tags?: string[];
  buildUrl?: string;
  summary: CheckSummary;
  /** Consumers whose pacts were checked. */
  consumers: string[];
  toolVersion: string;
  /** Where the user runs cxpact (spelling of the commands in fixes; default the process's cwd). */
  cwd?: string;
}

export interface PublishedResult {
  consumer: string;
  success: boolean;
  verificationUrl?: string;
  pactUrl: string;
}

function expand(href: string, values: Record<string, string>): string {
  return href.replace(/\{(\w+)\}/g, (whole, k: string) =>
    values[k] === undefined ? whole : encodeURIComponent(values[k]!),
  );
}

async function put(broker: BrokerTarget, p: string, what: string): Promise<void> {
  const res = await brokerRequest(broker, pathOf(p, broker.baseUrl), { method: 'PUT', body: {} });
  if (res.status >= 300) {
    throw new CxpactError(
      'broker.error',
      `The broker refused ${what} (HTTP ${res.status}${brokerErrorMessages(res.body)
        .map((m) => `: ${m}`)
        .join('')}).`,
      {
        fix: 'Check the broker logs; the provider version and branch names must be valid.',
      },
    );
  }
}

/** Publishes one verification result per consumer pact; returns what was published. */
export async function publishRecordedResults(req: PublishRequest): Promise<PublishedResult[]> {
  const { broker, provider, providerVersion } = req;
  const out: PublishedResult[] = [];
  let providerPrepared = false;
  for (const consumer of req.consumers) {
    const latestPath = `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/latest`;
    const pact = await brokerRequest(broker, latestPath);
    if (pact.status === 404) {
      throw new CxpactError(
        'recorded.publish.no-pact',
        `The broker has no pact between ${consumer} and ${provider}, so there is nothing to publish a result for.`,
        {
          fix: `Publish the consumer pacts first (\`${cxpactCommand(req.cwd, 'publish')}\`), then check against the broker pacts with --broker-url.`,
        },
      );
    }
    if (pact.status !== 200)
      throw new CxpactError('broker.error', `The broker answered GET ${latestPath} with HTTP ${pact.status}.`, {
        fix: 'Check the broker logs.',
      });
    const publishHref = halLink(pact.body, 'pb:publish-verification-results');
    if (publishHref === undefined) {
      throw new CxpactError(
        'broker.error',
        `The broker's pact at ${latestPath} has no pb:publish-verification-results link.`,
        { fix: 'Use a Pact Broker (or the cxpact local broker) that supports verification results.' },
      );
    }
    if (!providerPrepared) {
      // Branch and tags of the provider version, discovered through the provider resource's HAL links.
      const providerHref = halLink(pact.body, 'pb:provider') ?? `/pacticipants/${encodeURIComponent(provider)}`;
      const prov = await brokerRequest(broker, pathOf(providerHref, broker.baseUrl));
      if (req.branch !== undefined && req.branch !== '') {
        const tmpl =
          halLink(prov.body, 'pb:branch-version') ??
          `/pacticipants/${encodeURIComponent(provider)}/branches/{branch}/versions/{version}`;
        await put(
          broker,
          expand(tmpl, { branch: req.branch, version: providerVersion }),
          `branch ${req.branch} for ${provider} version ${providerVersion}`,
        );
      }
      for (const tag of req.tags ?? []) {
        const tmpl =
          halLink(prov.body, 'pb:version-tag') ??
          `/pacticipants/${encodeURIComponent(provider)}/versions/{version}/tags/{tag}`;
        await put(
          broker,
          expand(tmpl, { version: providerVersion, tag }),
          `tag ${tag} for ${provider} version ${providerVersion}`,
        );
      }
      providerPrepared = true;
    }
    const verdicts = req.summary.interactions.filter((v) => v.consumer === consumer);
    const others = req.summary.other.filter((f) => f.consumer === consumer && f.severity === 'error');
    const success = verdicts.length > 0 && verdicts.every((v) => v.success) && others.length === 0;
    const body = {
      success,
      providerApplicationVersion: providerVersion,
      ...(req.buildUrl ? { buildUrl: req.buildUrl } : {}),
      verifiedBy: { implementation: 'cxpact-recorded', version: req.toolVersion },
      testResults: verdicts.map((v) => ({
        ...(v.id === undefined ? {} : { interactionId: v.id }),
        interactionDescription: v.description,
        success: v.success,
        ...(v.success
          ? {}
          : {
              mismatches: v.findings
                .filter((f) => f.severity === 'error')
                .map((f) => ({
                  attribute: attributeOf(f.code),
                  identifier: f.at.path ?? '',
                  description: f.hint === undefined ? f.message : `${f.message}. ${f.hint}`,
                })),
            }),
      })),
    };
    const res = await brokerRequest(broker, pathOf(publishHref, broker.baseUrl), { method: 'POST', body });
    if (res.status >= 300) {
      throw new CxpactError(
        'broker.error',
        `Publishing the recorded check of ${consumer} -> ${provider} failed (HTTP ${res.status}${brokerErrorMessages(
          res.body,
        )
          .map((m) => `: ${m}`)
          .join('')}).`,
        {
          fix: 'Check the broker logs and credentials (PACT_BROKER_TOKEN).',
        },
      );
    }
    const self = halLink(res.body, 'self');
    out.push({ consumer, success, pactUrl: latestPath, ...(self === undefined ? {} : { verificationUrl: self }) });
  }
  return out;
}

function attributeOf(code: string): string {
  const part = code.split('.')[1] ?? 'body';
  if (part === 'status' || part === 'header' || part === 'body') return part;
  if (part === 'request') return 'path';
  return 'body';
}
