// `cxpact publish`: publish the pacts in pacts/ to a Pact Broker (cxpact's own, the OSS broker or PactFlow)
// with the official `pact broker publish` CLI, after a pre-flight check that turns the usual failures
// (unreachable broker, 401/403, no pacts) into errors that say what to fix.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CliIO, Command } from '../command';
import { summaryOf } from '../command-list';
import { exit2WhenUnavailable, parseCommandArgs, stringOpt } from '../args';
import { cxpactCommand } from '../../shared/cli-hint';
import { CxpactError } from '../../shared/errors';
import { runPactCli } from '../../broker/pact-cli';
import { authorizationHeader, brokerRequest, brokerTarget, type BrokerTarget } from '../../gate/broker-http';
import { diffPacts, isEmptyDiff } from '../../contract/pact-diff';

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

function git(args: string[], cwd: string): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** Checks that the broker answers its index with the given credentials; throws a CxpactError naming the fix. */
export async function checkBroker(brokerUrl: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' };
  // The same credentials, and the same precedence (token over username/password), as every other broker call.
  const authorization = authorizationHeader(brokerTarget(brokerUrl, env)!.auth);
  if (authorization !== undefined) headers.Authorization = authorization;
  let res: Response;
  try {
    res = await fetch(brokerUrl.replace(/\/+$/, '') || brokerUrl, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new CxpactError('publish.broker-unreachable', `The Pact Broker at ${brokerUrl} is unreachable (${cause}).`, {
      fix: `Start one with \`${cxpactCommand(cwd, 'broker')}\` (or check --broker-url / PACT_BROKER_BASE_URL and the network).`,
    });
  }
  await res.text().catch(() => '');
  if (res.status === 401) {
    throw new CxpactError('publish.unauthorized', `The Pact Broker at ${brokerUrl} answered 401 Unauthorized: ${headers.Authorization === undefined ? 'no credentials were sent' : 'the credentials were rejected'}.`, {
      fix: 'Set PACT_BROKER_TOKEN (bearer token) or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD (basic auth) to credentials the broker accepts.',
    });
  }
  if (res.status === 403) {
    throw new CxpactError('publish.forbidden', `The Pact Broker at ${brokerUrl} answered 403 Forbidden.`, { fix: 'Use read-write credentials: publishing needs write access.' });
  }
  if (res.status >= 400) {
    throw new CxpactError('publish.broker-error', `The Pact Broker at ${brokerUrl} answered HTTP ${res.status} to GET /.`, { fix: 'Check that --broker-url points at the broker root (the URL that serves the API index).' });
  }
}

/** Errors meaning "could not ask the broker" (exit 2, as in every other command). */
const UNAVAILABLE = ['publish.broker-unreachable', 'publish.unauthorized', 'publish.forbidden', 'publish.broker-error'];

/** `git status --porcelain` lines for changes under `dir` (tracked and untracked), or undefined outside git. */
function uncommitted(dir: string, cwd: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', dir], { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
    return out.split('\n').filter((l) => l.trim() !== '');
  } catch {
    return undefined;
  }
}

export const command: Command = {
  name: 'publish',
  summary: summaryOf('publish'),
  help: HELP,
  run: (argv, io) => exit2WhenUnavailable(io.stderr, () => publish(argv, io), UNAVAILABLE),
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
  if (!fs.existsSync(pactsDir) || !fs.statSync(pactsDir).isDirectory()) {
    throw new CxpactError('publish.no-pacts-dir', `The pacts directory ${shown} does not exist.`, { file: shown, fix: `Generate pacts first with \`${cxpactCommand(cwd, 'consumer')}\`, or pass --pacts <dir>.` });
  }
  const files = fs.readdirSync(pactsDir).filter((f) => f.endsWith('.json'));
  if (files.length === 0) {
    throw new CxpactError('publish.no-pacts', `No pact files (*.json) in ${shown}.`, { file: shown, fix: `Generate pacts first with \`${cxpactCommand(cwd, 'consumer')}\`, or pass --pacts <dir>.` });
  }
  for (const f of files) {
    const file = path.join(shown, f);
    let pact: unknown;
    try {
      pact = JSON.parse(fs.readFileSync(path.join(pactsDir, f), 'utf8'));
    } catch (error) {
      throw new CxpactError('publish.invalid-pact', `${file} is not valid JSON: ${(error as Error).message}`, { file, fix: `Regenerate the pact with \`${cxpactCommand(cwd, 'consumer')}\`.` });
    }
    const p = pact as { consumer?: { name?: unknown }; provider?: { name?: unknown } };
    if (typeof p.consumer?.name !== 'string' || p.consumer.name === '') throw new CxpactError('publish.invalid-pact', `${file} has no consumer name.`, { file, path: '$.consumer.name', fix: `Regenerate the pact with \`${cxpactCommand(cwd, 'consumer')}\`.` });
    if (typeof p.provider?.name !== 'string' || p.provider.name === '') throw new CxpactError('publish.invalid-pact', `${file} has no provider name.`, { file, path: '$.provider.name', fix: `Regenerate the pact with \`${cxpactCommand(cwd, 'consumer')}\`.` });
  }

  // Validates the URL (a missing http:// is a usage error) and says where it came from.
  const given = brokerTarget(stringOpt(args, 'broker-url'), env);
  const brokerUrl = given === undefined ? undefined : (stringOpt(args, 'broker-url') ?? env.PACT_BROKER_BASE_URL ?? given.baseUrl);
  if (brokerUrl === undefined) {
    throw new CxpactError('usage.missing-broker-url', 'No broker URL: pass --broker-url or set PACT_BROKER_BASE_URL.', { fix: `e.g. \`${cxpactCommand(cwd, 'broker')}\` then \`PACT_BROKER_BASE_URL=http://127.0.0.1:9292 ${cxpactCommand(cwd, 'publish')}\`` });
  }
  const target = brokerTarget(brokerUrl, env) as BrokerTarget;
  const head = git(['rev-parse', 'HEAD'], cwd);
  const version = stringOpt(args, 'consumer-app-version') ?? (env.CI_COMMIT_SHA || undefined) ?? head;
  if (version === undefined) {
    throw new CxpactError('usage.missing-version', 'No consumer version: not a git checkout and CI_COMMIT_SHA is not set.', { fix: 'Pass --consumer-app-version <version> (e.g. the git sha).' });
  }
  // Scenario: an action edited but not committed. The pacts hold the edit; the version names a commit without it.
  const dataActionsDir = stringOpt(args, 'data-actions') ?? 'data-actions';
  const changed = version === head && fs.existsSync(path.resolve(cwd, dataActionsDir)) ? uncommitted(dataActionsDir, cwd) : undefined;
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
  let branch = stringOpt(args, 'branch') ?? (env.CI_COMMIT_REF_NAME || undefined) ?? git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd);
  if (branch === 'HEAD') branch = undefined; // detached head: no branch
  const buildUrl = stringOpt(args, 'build-url') ?? (env.CI_JOB_URL || undefined);
  const tags = (stringOpt(args, 'tag') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');

  const childEnv: NodeJS.ProcessEnv = {
    PACT_BROKER_BASE_URL: brokerUrl,
    PACT_BROKER_TOKEN: env.PACT_BROKER_TOKEN ?? '',
    PACT_BROKER_USERNAME: env.PACT_BROKER_USERNAME ?? '',
    PACT_BROKER_PASSWORD: env.PACT_BROKER_PASSWORD ?? '',
    PACT_BROKER_HTTP_RETRIES: env.PACT_BROKER_HTTP_RETRIES ?? '2',
    // The user's choice about Pact's usage tracking, passed through as set (never set by cxpact).
    ...(env.PACT_DO_NOT_TRACK === undefined ? {} : { PACT_DO_NOT_TRACK: env.PACT_DO_NOT_TRACK }),
  };
  for (const k of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD'] as const) if (childEnv[k] === '') delete childEnv[k];
  await checkBroker(brokerUrl, childEnv, cwd);

  const cliArgs = ['broker', 'publish', pactsDir, '--broker-base-url', brokerUrl, '--consumer-app-version', version];
  if (branch !== undefined) cliArgs.push('--branch', branch);
  if (tags.length > 0) cliArgs.push('--tag', tags.join(','));
  if (buildUrl !== undefined) cliArgs.push('--build-url', buildUrl);
  if (args.values.merge === true) cliArgs.push('--merge');
  io.stdout(`Publishing ${files.length} pact file(s) from ${shown} to ${brokerUrl} as version ${version}${branch === undefined ? '' : ` (branch ${branch})`}\n`);
  const parentEnv = { ...process.env };
  for (const k of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete parentEnv[k];
  const result = await runPactCli(cliArgs, { env: { ...parentEnv, ...childEnv }, cwd });
  const conflict = result.code !== 0 && CONFLICT.test(result.stdout + result.stderr);
  // The pact CLI words a conflict twice (message and details): cxpact says it once, with what changed.
  const out = conflict ? withoutConflictParagraphs(result.stdout) : result.stdout;
  const err = conflict ? withoutConflictParagraphs(result.stderr) : result.stderr;
  if (out.trim() !== '') io.stdout(out.endsWith('\n') ? out : out + '\n');
  if (err.trim() !== '') io.stderr(err.endsWith('\n') ? err : err + '\n');
  if (conflict) {
    const explained = await explainConflicts(target, pactsDir, files, version);
    io.stderr(explained.text);
    throw new CxpactError('publish.conflict', `The broker already has different pact content for version ${version} of the consumer, and refused the new content (HTTP 409).`, {
      file: shown,
      fix:
        version === head
          ? `The version is HEAD's commit (${version.slice(0, 12)}). Commit the change that altered the pacts, then run \`${cxpactCommand(cwd, 'consumer')} && ${cxpactCommand(cwd, 'publish')}\` again (or pass --consumer-app-version <a new version>).`
          : 'Publish the changed pacts under a new consumer version (--consumer-app-version), or regenerate the pacts that were published for this version.',
    });
  }
  if (result.code !== 0) {
    throw new CxpactError('publish.failed', `\`pact broker publish\` failed (exit ${result.code}); its output is above.`, {
      file: shown,
      fix: 'Read the broker messages above; fix the pact or the broker settings and publish again.',
    });
  }
  return 0;
}

const CONFLICT = /Cannot change the content of the pact|\b409\b|Conflict/i;

/** The pact CLI's output without its failure blocks about a conflict (message, "Details:" and the repeat). */
function withoutConflictParagraphs(text: string): string {
  const out: string[] = [];
  let block: string[] | undefined;
  const flush = (): void => {
    // Only a block about the conflict goes: any other failure the CLI reports stays.
    if (block !== undefined && !CONFLICT.test(block.join('\n'))) out.push(...block);
    block = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^❌|Pact publication failed/.test(line.trim())) {
      flush();
      block = [line];
    } else if (/^📨|^✅/.test(line.trim())) {
      flush();
      out.push(line);
    } else if (block !== undefined) block.push(line);
    else out.push(line);
  }
  flush();
  return out.join('\n');
}

/** For each local pact that differs from the broker's pact of the same version: what changed, said once. */
async function explainConflicts(target: BrokerTarget, pactsDir: string, files: string[], version: string): Promise<{ text: string }> {
  const lines: string[] = [];
  for (const f of files) {
    let local: { consumer?: { name?: string }; provider?: { name?: string } };
    try {
      local = JSON.parse(fs.readFileSync(path.join(pactsDir, f), 'utf8')) as typeof local;
    } catch {
      continue;
    }
    const consumer = local.consumer?.name ?? '';
    const provider = local.provider?.name ?? '';
    let published: unknown;
    try {
      const res = await brokerRequest(target, `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/version/${encodeURIComponent(version)}`);
      if (res.status !== 200) continue;
      published = res.body;
    } catch {
      continue;
    }
    const diff = diffPacts(published, local);
    if (isEmptyDiff(diff)) continue;
    lines.push(`[cxpact] ${consumer} version ${version} already has a different pact with ${provider} in the broker; the local ${f} differs from it:`);
    for (const c of diff.changed) {
      lines.push(`  changed: "${c.description}"`);
      for (const x of c.changes) lines.push(`      ${x}`);
    }
    for (const d of diff.added) lines.push(`  added: "${d}"`);
    for (const d of diff.removed) lines.push(`  removed: "${d}"`);
  }
  if (lines.length === 0) lines.push(`[cxpact] The broker refused the pacts: it already has different content for version ${version} (the differences could not be read back from the broker).`);
  return { text: lines.join('\n') + '\n' };
}
