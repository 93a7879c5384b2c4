// `cxpact check-recorded`: checks a third-party provider's recordings against its pacts with Pact's matching
// rules, and optionally publishes the outcome to the broker as a verification of the provider.
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, requireOpt, stringOpt } from '../args';
import { unavailableExit } from '../broker-args';
import { CxpactError } from '../../core/errors';
import { brokerTarget } from '../../io/broker-client/target';
import { loadRecordConfig } from '../../io/recorder/config';
import { summariseCheck, type CheckSummary } from '../../core/recorded/check';
import { fingerprint, readRecordings, recordingsDir } from '../../io/recorder/store';
import { publishRecordedResults, type PublishedResult } from '../../io/broker-client/publish-results';
import { loadProviderPacts } from '../../io/recorder/source';
import type { Finding } from '../../core/recorded/model';
import { toJUnitXml } from '../render/verification';
import { mismatch, type ReadableMismatch, type VerificationSummary } from '../../core/verify/hints';
import { mismatchLines, reportJson } from '../render';
import fs from 'node:fs';
import { cxpactCommand, spellingFor } from '../../io/cli-spelling';
import { recordDeployment } from '../../io/broker-client/record-deployment';

const help = `Usage: cxpact check-recorded --provider <name> [options]
       npm run pact:check-recorded -- --provider <name> [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact check-recorded ...)

Checks the recordings in providers/<name>/recordings/ against the provider's pacts with Pact's V4 matching
rules (status, headers, body: type, regex, integer/decimal/number, include, equality, eachLike/min/max,
boolean, null, date/time formats, values, arrays). Reports every mismatch with the interaction, the path and
what was found, hints at renamed fields (customerId vs customer_id), recordings that match no interaction,
interactions without a recording, and recordings older than the configured maximum age.

Options:
  --provider <name>      provider name (required); config providers/<name>/record.config.json
  --pacts <dir|file>     local pacts (repeatable; default ./pacts, or the broker when --broker-url is given)
  --broker-url <url>     the broker (default PACT_BROKER_BASE_URL): read the latest pacts from it
  --publish              publish the outcome to the broker as a verification result; provider version =
                         fingerprint of the recording set, on branch publish.branch (default "recorded")
  --max-age-days <n>     recordings older than this are stale (default: the config's maxAgeDays, 30)
  --recordings <dir>     recordings folder (default providers/<name>/recordings)
  --record-deployment <env>
                         with --publish: then record the checked recording set (provider version = its
                         fingerprint) as deployed to <env>, matching or not: it is what the vendor runs there now,
                         so can-i-deploy --to-environment <env> counts the vendor (official record-deployment)
  --create-environment   with --record-deployment: create <env> first when the broker does not have it
  --build-url <url>      link stored with a published result (default CI_JOB_URL)
  --json                 print the result as JSON on stdout
  --junit <file>         also write a JUnit XML report (GitLab artifacts:reports:junit)
  --providers-dir <dir>  where provider folders live (default ./providers)

Environment:
  PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD, CI_JOB_URL.

Exit codes:
  0  every interaction matches its recording (warnings only)
  1  a mismatch, a missing/unmatched/stale recording, an empty pact, or invalid config/pacts/recordings;
     or the deployment could not be recorded
  2  usage error, unknown environment, or the broker is unreachable or refused the credentials
`;

function describeFinding(f: Finding, withPlace = true): string[] {
  return mismatchLines(withPlace ? f : { ...f, at: {} }, { indent: '      ' });
}

export function formatCheck(
  summary: CheckSummary,
  providerVersion: string,
  sourceText: string,
  recordingsText: string,
): string {
  const total = summary.interactions.length;
  const failed = summary.interactions.filter((v) => !v.success);
  const lines = [
    `[cxpact] Recorded check of ${summary.provider} against ${sourceText}: ${total - failed.length} of ${total} interaction(s) match their recordings` +
      (failed.length > 0 ? `, ${failed.length} failed` : '') +
      ` (${recordingsText}, fingerprint ${providerVersion}).`,
  ];
  for (const v of summary.interactions) {
    const errors = v.findings.filter((f) => f.severity === 'error');
    if (errors.length === 0) continue;
    const file = errors[0]?.at.file;
    lines.push(`  ✗ ${v.consumer}: "${v.description}"${file === undefined ? '' : ` (${file})`}`);
    for (const f of v.findings) lines.push(...describeFinding(f));
  }
  for (const f of summary.other) {
    const head =
      f.code === 'recorded.unmatched'
        ? `  ✗ unmatched recording ${f.at.file ?? ''}`
        : f.code === 'recorded.pact.empty'
          ? `  ✗ empty pact ${f.at.file ?? ''}`
          : `  ✗ ${f.at.file ?? f.code}`;
    lines.push(head);
    lines.push(...describeFinding(f, false));
  }
  lines.push(
    summary.passed
      ? '[cxpact] Recorded check passed.'
      : `[cxpact] Recorded check FAILED (${summary.findings.filter((f) => f.severity === 'error').length} finding(s)).`,
  );
  return `${lines.join('\n')}\n`;
}

/** The recorded check in the verifier's summary shape, so the JUnit writer of `cxpact verify` can render it. */
export function toVerificationSummary(summary: CheckSummary): VerificationSummary {
  const asMismatch = (f: Finding): ReadableMismatch =>
    mismatch(f.code.split('.')[1] ?? 'body', f.at.path ?? '', f.message, f.hint ?? f.fix);
  return {
    passed: summary.passed,
    pendingFailures: 0,
    notices: [],
    loadErrors: [],
    interactions: [
      ...summary.interactions.map((v) => ({
        consumer: v.consumer,
        provider: summary.provider,
        description: v.description,
        providerStates: [],
        passed: v.success,
        pending: false,
        mismatches: v.findings.filter((f) => f.severity === 'error').map(asMismatch),
      })),
      ...summary.other.map((f) => ({
        consumer: f.consumer ?? '(none)',
        provider: summary.provider,
        description:
          f.code === 'recorded.unmatched'
            ? `unmatched recording ${f.at.file ?? ''}`
            : `${f.code} ${f.at.file ?? ''}`.trim(),
        providerStates: [],
        passed: f.severity !== 'error',
        pending: false,
        mismatches: [asMismatch(f)],
      })),
    ],
  };
}

export async function runCheckRecorded(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('check-recorded', argv, {
    provider: { type: 'string' },
    pacts: { type: 'string', multiple: true },
    'broker-url': { type: 'string' },
    publish: { type: 'boolean' },
    'max-age-days': { type: 'string' },
    recordings: { type: 'string' },
    'build-url': { type: 'string' },
    'record-deployment': { type: 'string' },
    'create-environment': { type: 'boolean' },
    json: { type: 'boolean' },
    junit: { type: 'string' },
    'providers-dir': { type: 'string' },
  });
  const provider = requireOpt('check-recorded', args, 'provider');
  const providersDir = path.resolve(io.cwd, stringOpt(args, 'providers-dir') ?? 'providers');
  const config = loadRecordConfig(providersDir, provider);
  const maxAgeText = stringOpt(args, 'max-age-days');
  let maxAgeDays = config.maxAgeDays;
  if (maxAgeText !== undefined) {
    maxAgeDays = Number(maxAgeText);
    if (!Number.isFinite(maxAgeDays) || maxAgeDays < 0) {
      throw new CxpactError(
        'usage.max-age-days',
        `--max-age-days ${JSON.stringify(maxAgeText)} is not a number of days.`,
        { fix: 'Pass a non-negative number, e.g. --max-age-days 30.' },
      );
    }
  }
  const publish = args.values.publish === true;
  const pactPaths = args.values.pacts as string[] | undefined;
  const broker = brokerTarget(stringOpt(args, 'broker-url'), io.env, io.cwd);
  if (publish && broker === undefined) {
    throw new CxpactError(
      'usage.broker-url.missing',
      '--publish needs the broker: pass --broker-url <url> or set PACT_BROKER_BASE_URL.',
      {
        fix: `Start a local one with \`${cxpactCommand(io.cwd, 'broker')}\` or point at your Pact Broker.`,
      },
    );
  }
  const deployTo = stringOpt(args, 'record-deployment');
  if (deployTo !== undefined && (!publish || deployTo === '')) {
    throw new CxpactError(
      'usage.record-deployment',
      deployTo === ''
        ? '--record-deployment needs an environment name.'
        : '--record-deployment needs --publish: only a published recording set is a provider version the broker knows.',
      {
        fix: `Pass --publish --record-deployment <env>, e.g. ${cxpactCommand(io.cwd, 'check-recorded', `--provider ${provider} --publish --record-deployment production`)}.`,
      },
    );
  }
  if (publish && pactPaths !== undefined) {
    throw new CxpactError(
      'usage.publish-local-pacts',
      '--publish checks the pacts stored in the broker, so it cannot be combined with --pacts.',
      {
        fix: `Drop --pacts: the latest pacts of each consumer are read from the broker (publish them with \`${cxpactCommand(io.cwd, 'publish')}\`).`,
      },
    );
  }
  try {
    const { pacts, sourceText } = await loadProviderPacts(
      provider,
      { ...(pactPaths === undefined ? {} : { pactPaths }), ...(broker === undefined ? {} : { broker }) },
      io.cwd,
    );
    const dir =
      stringOpt(args, 'recordings') === undefined
        ? recordingsDir(config.dir)
        : path.resolve(io.cwd, stringOpt(args, 'recordings')!);
    const { recordings, problems } = readRecordings(dir, io.cwd);
    const summary = summariseCheck({
      provider,
      pacts,
      recordings,
      now: new Date(),
      maxAgeDays,
      spell: spellingFor(io.cwd),
    });
    if (problems.length > 0) {
      summary.other.push(...problems);
      summary.findings.push(...problems);
      summary.passed = false;
    }
    const providerVersion = `rec-${fingerprint(recordings)}`;
    let published: PublishedResult[] = [];
    if (publish && broker !== undefined) {
      published = await publishRecordedResults({
        broker,
        provider,
        providerVersion,
        branch: config.publish.branch,
        tags: config.publish.tags,
        ...((stringOpt(args, 'build-url') ?? io.env.CI_JOB_URL)
          ? { buildUrl: stringOpt(args, 'build-url') ?? io.env.CI_JOB_URL }
          : {}),
        summary,
        consumers: [...new Set(pacts.map((p) => p.consumer))],
        toolVersion: (require('../../../package.json') as { version: string }).version,
        cwd: io.cwd,
      });
    }
    // The vendor's live API is what was just checked, matching or not: its recording set is what runs there now.
    // A failure here is reported after the check's own output, which the user needs either way.
    let deployment: { environment: string; createdEnvironment: boolean } | undefined;
    let deploymentError: unknown;
    if (deployTo !== undefined && broker !== undefined && published.length > 0) {
      try {
        const result = await recordDeployment({
          broker,
          pacticipant: provider,
          version: providerVersion,
          environment: deployTo,
          createEnvironment: args.values['create-environment'] === true,
          cwd: io.cwd,
        });
        deployment = { environment: deployTo, createdEnvironment: result.createdEnvironment };
      } catch (error) {
        deploymentError = error;
      }
    }
    const junit = stringOpt(args, 'junit');
    if (junit !== undefined) {
      const file = path.resolve(io.cwd, junit);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, toJUnitXml(provider, toVerificationSummary(summary)));
    }
    const recordingsText = `${recordings.length} recording(s) in ${path.relative(io.cwd, dir) || dir}`;
    if (args.values.json === true) {
      io.stdout(
        `${reportJson({
          provider,
          passed: summary.passed,
          providerVersion,
          branch: config.publish.branch,
          source: sourceText,
          recordings: recordings.length,
          interactions: summary.interactions.map((v) => ({
            consumer: v.consumer,
            description: v.description,
            key: v.key,
            success: v.success,
          })),
          findings: summary.findings,
          published,
          ...(deployment === undefined ? {} : { deployment }),
        })}\n`,
      );
    } else {
      io.stdout(formatCheck(summary, providerVersion, sourceText, recordingsText));
      for (const p of published) {
        io.stdout(
          `[cxpact] Published ${p.success ? 'a successful' : 'a FAILED'} verification of ${provider} version ${providerVersion} (branch ${config.publish.branch}) for the pact with ${p.consumer}.\n`,
        );
      }
      if (deployment !== undefined) {
        if (deployment.createdEnvironment)
          io.stdout(`[cxpact] Created environment ${deployment.environment} in the broker.\n`);
        io.stdout(`[cxpact] Recorded: ${provider} ${providerVersion} is deployed to ${deployment.environment}.\n`);
      } else if (published.length > 0) {
        io.stdout(
          `[cxpact] To let can-i-deploy count this recording set in an environment: ${cxpactCommand(io.cwd, 'check-recorded', `--provider ${provider} --publish --record-deployment <env>`)} (or ${cxpactCommand(io.cwd, 'record-deployment', `--pacticipant ${provider} --version ${providerVersion} --environment <env>`)})\n`,
        );
      }
    }
    if (deploymentError !== undefined) throw deploymentError;
    return summary.passed ? 0 : 1;
  } catch (error) {
    return unavailableExit(error, io.stderr);
  }
}

export const command: Command = {
  name: 'check-recorded',
  summary: summaryOf('check-recorded'),
  help,
  run: runCheckRecorded,
};
