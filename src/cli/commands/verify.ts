// `cxpact verify`: verifies a running provider against its pacts (broker, pact URL or local files).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, requireOpt, stringOpt } from '../args';
import { exit2WhenUnavailable } from '../broker-args';
import { CxpactError } from '../../core/errors';
import { formatError } from '../render';
import { brokerTarget } from '../../io/broker-client/target';
import { formatSummary, toJUnitXml } from '../render/verification';
import { loadProviderConfig } from '../../io/verifier/config';
import { verifyProvider, type PactSource } from '../../io/verifier/run';
import { httpUrlProblem } from '../../io/verifier/config';
import { cxpactCommand } from '../../io/cli-spelling';

const help = `Usage: cxpact verify --provider <name> [options]
       npm run pact:verify -- --provider <name> [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact verify ...)

Verifies a running provider against its pacts with the official Pact verifier (pact-js), then prints a
summary that names each failing interaction and hints at renamed fields.

Pact source (first that applies):
  --pact-files <dir|file>    local pact files (a directory is searched for pacts of this provider)
  --pact-url <url>           one pact URL (default: PACT_URL, which the broker webhook passes)
  --broker-url <url>         the broker (default: PACT_BROKER_BASE_URL): selectors main branch,
                             deployed-or-released, matching branch; pending and WIP pacts on when the provider
                             branch is known
  (none of these)            ./pacts (so with PACT_BROKER_BASE_URL set, pass --pact-files pacts for local pacts)

Options:
  --provider <name>          provider name; its config is providers/<name>/provider.config.ts (or .json)
  --provider-base-url <url>  where the provider runs (default: PROVIDER_BASE_URL, then the config's baseUrl)
  --publish                  publish results to the broker (default when CI=true and the pacts come from
                             the broker or a pact URL; results of local pact files are not published in CI)
  --no-publish               never publish, even in CI
  --provider-version <v>     provider version for publishing (default: CI_COMMIT_SHA, then git HEAD)
  --provider-branch <b>      provider branch (default: CI_COMMIT_BRANCH / CI_COMMIT_REF_NAME, then git)
  --include-wip-pacts-since <YYYY-MM-DD>   WIP pacts since this date (default: config, else 30 days ago)
  --junit <file>             write a JUnit XML report (for GitLab artifacts:reports:junit)
  --log-file <file>          where the verifier's own per-interaction log goes
                             (default: .cxpact/logs/verify-<provider>.log; its path is printed)
  --log-level <level>        show the verifier's log in the terminal at this level instead of writing it to
                             the log file: error, warn, info, debug, trace

Output: cxpact prints what the pacts need that the config does not provide (provider states without a
handler, {{credentials.X}} placeholders it does not inject), then its own summary and the detail of each
failure. The verifier's per-interaction log goes to the log file unless --log-level is given.

Provider states: a state with no handler (no stateHandlers entry, no stateChangeUrl) is listed before the
run, and the verification goes on: the interaction is checked against the data the backend normally serves,
so an honest backend with a two-field config (name, baseUrl) passes when it serves that data.

Environment:
  PROVIDER_BASE_URL, PACT_URL, PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD,
  CI, CI_COMMIT_SHA, CI_COMMIT_BRANCH, CI_COMMIT_REF_NAME, CI_JOB_URL, and the credential variables the
  provider config names (injected per request, never written anywhere).
  PACT_DO_NOT_TRACK: the Pact core sends anonymous usage events (Pact version, OS) unless it is "true";
  cxpact passes your setting through unchanged and never sets it for you.

Exit codes:
  0  every interaction verified (failures on pending pacts do not count)
  1  verification failed, or a pact/config is invalid (empty pact, unknown provider, ...)
  2  usage error, or the broker/provider is unreachable or refused the credentials
`;

function git(cwd: string, args: string[]): string | undefined {
  try {
    return (
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** Runs the command and maps "could not even ask" errors to exit 2, so pipelines can tell them from a failed check. */
export async function runVerify(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('verify', argv, {
    provider: { type: 'string' },
    'provider-base-url': { type: 'string' },
    'pact-files': { type: 'string', multiple: true },
    'pact-url': { type: 'string' },
    'broker-url': { type: 'string' },
    publish: { type: 'boolean' },
    'no-publish': { type: 'boolean' },
    'provider-version': { type: 'string' },
    'provider-branch': { type: 'string' },
    'include-wip-pacts-since': { type: 'string' },
    junit: { type: 'string' },
    'log-level': { type: 'string' },
    'log-file': { type: 'string' },
  });
  const providerName = requireOpt('verify', args, 'provider');
  const env = io.env;
  const config = await loadProviderConfig(io.cwd, providerName);
  if (config.thirdParty === true) {
    io.stderr(
      `[cxpact] Note: ${providerName} is marked thirdParty; it usually cannot run Pact verification. Use \`${cxpactCommand(io.cwd, 'record', `--provider ${providerName}`)}\` and \`${cxpactCommand(io.cwd, 'check-recorded', `--provider ${providerName} --publish`)}\`.\n`,
    );
  }
  const providerBaseUrl =
    stringOpt(args, 'provider-base-url') ?? (env.PROVIDER_BASE_URL || undefined) ?? config.baseUrl;
  if (providerBaseUrl === undefined) {
    throw new CxpactError('usage.provider-base-url', `No base URL for provider ${providerName}.`, {
      file: config.file,
      path: '$.baseUrl',
      fix: 'Pass --provider-base-url http://host:port, set PROVIDER_BASE_URL, or set baseUrl in the config.',
    });
  }
  const urlProblem = httpUrlProblem(providerBaseUrl);
  if (urlProblem !== undefined) {
    const from =
      stringOpt(args, 'provider-base-url') !== undefined
        ? '--provider-base-url'
        : env.PROVIDER_BASE_URL
          ? 'PROVIDER_BASE_URL'
          : `baseUrl in ${config.file}`;
    throw new CxpactError('usage.provider-base-url', `The provider base URL (${from}) ${urlProblem.message}.`, {
      fix: urlProblem.fix,
    });
  }
  const logLevel = stringOpt(args, 'log-level');
  if (logLevel !== undefined && !['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new CxpactError('usage.log-level', `Unknown --log-level ${logLevel}.`, {
      fix: 'Use one of error, warn, info, debug, trace.',
    });
  }

  const broker = brokerTarget(stringOpt(args, 'broker-url'), env, io.cwd);
  const pactFiles = args.values['pact-files'];
  const pactUrl = stringOpt(args, 'pact-url') ?? (env.PACT_URL || undefined);
  let source: PactSource;
  if (Array.isArray(pactFiles) && pactFiles.length > 0)
    source = { kind: 'files', paths: pactFiles.map((p) => path.resolve(io.cwd, p)) };
  else if (pactUrl !== undefined) source = { kind: 'url', url: pactUrl, ...(broker === undefined ? {} : { broker }) };
  else if (broker !== undefined) source = { kind: 'broker', broker };
  else source = { kind: 'files', paths: [path.join(io.cwd, 'pacts')] };

  const inCi = env.CI === 'true' || env.CI === '1';
  const publish =
    args.values['no-publish'] === true ? false : args.values.publish === true || (inCi && source.kind !== 'files');
  if (inCi && !publish && source.kind === 'files' && args.values['no-publish'] !== true) {
    io.stderr(
      `[cxpact] Note: CI=true, but the pacts come from local files, so the results are not published (can-i-deploy will not count them). To publish, verify the broker's pacts: set PACT_BROKER_BASE_URL (or pass --broker-url / --pact-url).\n`,
    );
  }
  const providerVersion =
    stringOpt(args, 'provider-version') ?? (env.CI_COMMIT_SHA || undefined) ?? git(io.cwd, ['rev-parse', 'HEAD']);
  let providerBranch =
    stringOpt(args, 'provider-branch') ??
    (env.CI_COMMIT_BRANCH || undefined) ??
    (env.CI_COMMIT_REF_NAME || undefined) ??
    git(io.cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
  if (providerBranch === 'HEAD') providerBranch = undefined;

  const logFileOpt = stringOpt(args, 'log-file');
  const logFile =
    logLevel !== undefined && logFileOpt === undefined
      ? undefined
      : path.resolve(io.cwd, logFileOpt ?? path.join('.cxpact', 'logs', `verify-${providerName}.log`));
  io.stdout(
    `[cxpact] Verifying ${providerName} at ${providerBaseUrl}${publish ? ` (publishing results as version ${providerVersion ?? '?'}${providerBranch ? ` on ${providerBranch}` : ''})` : ''}\n`,
  );
  if (logFile !== undefined) io.stdout(`[cxpact] The verifier's log: ${path.relative(io.cwd, logFile) || logFile}\n`);
  const outcome = await verifyProvider({
    config,
    providerBaseUrl,
    source,
    env,
    publish,
    ...(providerVersion === undefined ? {} : { providerVersion }),
    ...(providerBranch === undefined ? {} : { providerBranch }),
    ...(env.CI_JOB_URL ? { buildUrl: env.CI_JOB_URL } : {}),
    ...(stringOpt(args, 'include-wip-pacts-since') === undefined
      ? {}
      : { includeWipPactsSince: stringOpt(args, 'include-wip-pacts-since') }),
    logLevel: (logLevel ?? 'info') as 'info',
    warn: (m) => io.stderr(`[cxpact] Warning: ${m}\n`),
    notice: (text) => io.stdout(text),
    verifierLog: logFile === undefined ? { kind: 'inherit', write: io.stdout } : { kind: 'file', file: logFile },
    cwd: io.cwd,
  });
  const junit = stringOpt(args, 'junit');
  if (junit !== undefined) {
    const file = path.resolve(io.cwd, junit);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, toJUnitXml(providerName, outcome.summary));
  }
  const text = formatSummary(providerName, outcome.summary, outcome.sourceText);
  for (const problem of outcome.problems) io.stderr(`${formatError(problem)}\n`);
  if (outcome.publishConfirmed === false) {
    (outcome.summary.passed ? io.stdout : io.stderr)(text);
    io.stderr(
      `[cxpact] The results were NOT published: the broker has no version ${providerVersion} of ${providerName} after verification (see the verifier's log above). can-i-deploy cannot count this verification.\n`,
    );
    return 1;
  }
  if (outcome.summary.passed && outcome.problems.length > 0) {
    io.stdout(text);
    io.stderr(
      `[cxpact] The pacts that could be read verified, but ${outcome.problems.length} pact file(s) were skipped (above): fix them and rerun.\n`,
    );
    return 1;
  }
  if (outcome.summary.passed) {
    io.stdout(text);
    if (outcome.published)
      io.stdout(
        `[cxpact] Results ${outcome.publishConfirmed === true ? 'published' : 'sent'} to the broker as ${providerName} ${providerVersion}.\n`,
      );
    return 0;
  }
  if (outcome.publishConfirmed === true)
    io.stderr(`[cxpact] The failed results were published to the broker as ${providerName} ${providerVersion}.\n`);
  io.stderr(text);
  io.stderr(
    `[cxpact] ${providerName} does not satisfy its consumers' contracts. Fix the provider (or agree a contract change with the consumer), then rerun \`${cxpactCommand(io.cwd, 'verify', `--provider ${providerName}`)}\`.\n`,
  );
  return 1;
}

export const command: Command = {
  name: 'verify',
  summary: summaryOf('verify'),
  help,
  run: (argv, io) => exit2WhenUnavailable(io.stderr, () => runVerify(argv, io), ['verify.provider.unreachable']),
};
