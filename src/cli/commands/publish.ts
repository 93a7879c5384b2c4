// `cxpact publish`: publish the pacts in pacts/ to a Pact Broker (cxpact's own, the OSS broker or PactFlow)
// with the official `pact broker publish` CLI, after a pre-flight check that turns the usual failures
// (unreachable broker, 401/403, no pacts) into errors that say what to fix.
import fs from 'node:fs';
import path from 'node:path';
import type { CliIO, Command } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { exit2WhenUnavailable } from '../broker-args';
import { cxpactCommand } from '../../io/cli-spelling';
import { CxpactError } from '../../core/errors';
import { pactsToPublish, publishError, publishPacts } from '../../io/broker-client/publish';
import { requireBrokerTarget } from '../../io/broker-client/target';
import { currentBranch, headCommit, uncommittedChanges } from '../../io/git';

const HELP = `Usage: cxpact publish [options]        (npm run pact:publish -- [options])

Publishes every pact file in the pacts directory to a Pact Broker by running the official
\`pact broker publish\` CLI, so cxpact's local broker, the open-source Pact Broker and PactFlow behave the same.

Options:
  --pacts <dir>                 Directory of pact JSON files (default: pacts)
  --broker-url <url>            Broker base URL (default: $PACT_BROKER_BASE_URL)
  --consumer-app-version <v>    Consumer version (default: $CI_COMMIT_SHA, else \`git rev-parse HEAD\`)
  --branch <name>               Consumer branch (default: $CI_COMMIT_REF_NAME, else the current git branch)
  --tag <t[,t2]>                Consumer version tags (comma separated)
  --build-url <url>             CI build URL (default: $CI_JOB_URL)
  --merge                       Merge with pacts already published for this version (pact broker publish --merge)
  --data-actions <dir>          The Data Action folders the pacts come from (default: data-actions): when the
                                version is the git HEAD commit and they have uncommitted changes, cxpact warns
                                that the published version does not contain them

Environment variables:
  PACT_BROKER_BASE_URL          Broker URL when --broker-url is not given
  PACT_BROKER_TOKEN             Bearer token (PactFlow, or \`cxpact broker --token\`)
  PACT_BROKER_USERNAME, PACT_BROKER_PASSWORD   Basic auth (OSS broker)
  CI_COMMIT_SHA, CI_COMMIT_REF_NAME, CI_JOB_URL  GitLab CI defaults for version, branch and build URL

Credentials are passed to the pact CLI through its environment, never on its command line, and never printed.

A broker refuses different content for a consumer version it already has (HTTP 409): cxpact then says which
interactions and which response fields differ from the published pact, and how to publish the change.

Exit codes:
  0  published
  1  publishing failed: a conflict (same version, different content), an invalid pact
  2  usage error (e.g. a broker URL without http://), or the broker is unreachable or refused the credentials
`;

export const command: Command = {
  name: 'publish',
  summary: summaryOf('publish'),
  help: HELP,
  run: (argv, io) => exit2WhenUnavailable(io.stderr, () => publish(argv, io)),
};

async function publish(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('publish', argv, {
    pacts: { type: 'string' },
    'broker-url': { type: 'string' },
    'consumer-app-version': { type: 'string' },
    branch: { type: 'string' },
    tag: { type: 'string' },
    'build-url': { type: 'string' },
    merge: { type: 'boolean' },
    'data-actions': { type: 'string' },
  });
  const env = io.env;
  const cwd = io.cwd;
  const pactsDir = path.resolve(cwd, stringOpt(args, 'pacts') ?? 'pacts');
  const shown = path.relative(cwd, pactsDir) || '.';
  const pacts = pactsToPublish(pactsDir, shown, cwd);

  const target = requireBrokerTarget(
    stringOpt(args, 'broker-url'),
    env,
    'No broker URL',
    `e.g. \`${cxpactCommand(cwd, 'broker')}\` then \`PACT_BROKER_BASE_URL=http://127.0.0.1:9292 ${cxpactCommand(cwd, 'publish')}\``,
    cwd,
  );
  const head = headCommit(cwd);
  const version = stringOpt(args, 'consumer-app-version') ?? (env.CI_COMMIT_SHA || undefined) ?? head;
  if (version === undefined) {
    throw new CxpactError(
      'usage.missing-version',
      'No consumer version: not a git checkout and CI_COMMIT_SHA is not set.',
      { path: '--consumer-app-version', fix: 'Pass --consumer-app-version <version> (e.g. the git sha).' },
    );
  }
  // Scenario: an action edited but not committed. The pacts hold the edit; the version names a commit without it.
  const dataActionsDir = stringOpt(args, 'data-actions') ?? 'data-actions';
  const changed =
    version === head && fs.existsSync(path.resolve(cwd, dataActionsDir))
      ? uncommittedChanges(dataActionsDir, cwd)
      : undefined;
  if (changed !== undefined && changed.length > 0) {
    const shownFiles = changed.slice(0, 20).map((l) => `    ${l}`);
    if (changed.length > 20) shownFiles.push(`    ... and ${changed.length - 20} more`);
    io.stderr(
      [
        `[cxpact] Warning: ${dataActionsDir} has uncommitted changes, but the pacts are published as version ${version.slice(0, 12)}, HEAD's commit, which does not contain them:`,
        ...shownFiles,
        `  fix: commit them (git add ${dataActionsDir} && git commit), then run \`${cxpactCommand(cwd, 'consumer')} && ${cxpactCommand(cwd, 'publish')}\` again; or publish them under another version with --consumer-app-version <version>.`,
        '',
      ].join('\n'),
    );
  }
  let branch = stringOpt(args, 'branch') ?? (env.CI_COMMIT_REF_NAME || undefined) ?? currentBranch(cwd);
  if (branch === 'HEAD') branch = undefined; // detached head: no branch
  const buildUrl = stringOpt(args, 'build-url') ?? (env.CI_JOB_URL || undefined);
  const tags = (stringOpt(args, 'tag') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

  const request = {
    target,
    pactsDir,
    shown,
    pacts,
    version,
    ...(branch === undefined ? {} : { branch }),
    tags,
    ...(buildUrl === undefined ? {} : { buildUrl }),
    merge: args.values.merge === true,
    versionIsHead: version === head,
    cwd,
    env,
  };
  io.stdout(
    `Publishing ${pacts.length} pact file(s) from ${shown} to ${target.baseUrl} as version ${version}${branch === undefined ? '' : ` (branch ${branch})`}\n`,
  );
  const result = await publishPacts(request);
  if (result.stdout.trim() !== '') io.stdout(result.stdout.endsWith('\n') ? result.stdout : `${result.stdout}\n`);
  if (result.stderr.trim() !== '') io.stderr(result.stderr.endsWith('\n') ? result.stderr : `${result.stderr}\n`);
  if (result.conflict !== undefined) io.stderr(result.conflict);
  const failure = publishError(request, result);
  if (failure !== undefined) throw failure;
  return 0;
}
