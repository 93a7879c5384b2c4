// Publishing pacts: the pact files of a folder, checked, then published with the official `pact broker publish`
// (so cxpact's local broker, the OSS Pact Broker and PactFlow behave the same). A broker that refuses different
// content for a version it has (HTTP 409) gets a readable diff of what changed instead of the CLI's words twice.
import fs from 'node:fs';
import path from 'node:path';
import { diffPacts, isEmptyDiff } from '../../core/contract/pact-diff';
import { parsePactFile, type PactFile } from '../../core/contract/pact-file';
import { CxpactError } from '../../core/errors';
import { cxpactCommand } from '../cli-spelling';
import { brokerRequest, checkBroker } from './http';
import { runPactCliAgainst, type PactCliResult } from './pact-cli';
import type { BrokerTarget } from './target';

export interface PactToPublish {
  /** The file name inside the pacts folder. */
  name: string;
  pact: PactFile;
}

/** The pacts in `pactsDir` (`shown`: how messages name the folder), each read and checked; throws naming the fix. */
export function pactsToPublish(pactsDir: string, shown: string, cwd: string): PactToPublish[] {
  const regenerate = `Regenerate the pact with \`${cxpactCommand(cwd, 'consumer')}\`.`;
  if (!fs.existsSync(pactsDir) || !fs.statSync(pactsDir).isDirectory()) {
    throw new CxpactError('publish.no-pacts-dir', `The pacts directory ${shown} does not exist.`, {
      file: shown,
      fix: `Generate pacts first with \`${cxpactCommand(cwd, 'consumer')}\`, or pass --pacts <dir>.`,
    });
  }
  const names = fs.readdirSync(pactsDir).filter((f) => f.endsWith('.json'));
  if (names.length === 0) {
    throw new CxpactError('publish.no-pacts', `No pact files (*.json) in ${shown}.`, {
      file: shown,
      fix: `Generate pacts first with \`${cxpactCommand(cwd, 'consumer')}\`, or pass --pacts <dir>.`,
    });
  }
  return names.map((name) => {
    const file = path.join(shown, name);
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(path.join(pactsDir, name), 'utf8'));
    } catch (error) {
      throw new CxpactError('publish.invalid-pact', `${file} is not valid JSON: ${(error as Error).message}`, {
        file,
        fix: regenerate,
      });
    }
    const parsed = parsePactFile(doc);
    if (!parsed.ok)
      throw new CxpactError('publish.invalid-pact', `${file} ${parsed.problem.message}.`, {
        file,
        path: parsed.problem.path,
        fix: regenerate,
      });
    return { name, pact: parsed.pact };
  });
}

export interface PublishRequest {
  target: BrokerTarget;
  /** Absolute path of the pacts folder, and how messages name it. */
  pactsDir: string;
  shown: string;
  pacts: PactToPublish[];
  version: string;
  branch?: string;
  tags?: string[];
  buildUrl?: string;
  merge?: boolean;
  /** The version is HEAD's commit: a conflict's fix says to commit the change. */
  versionIsHead: boolean;
  cwd: string;
  /**
   * The user's environment (the CLI's): its PACT_DO_NOT_TRACK and PACT_BROKER_HTTP_RETRIES reach the pact CLI. The
   * child otherwise inherits this process's environment, its broker variables replaced by the target's.
   */
  env?: NodeJS.ProcessEnv;
}

export interface PublishResult {
  cli: PactCliResult;
  /** The CLI's output, without its two paragraphs about a conflict when there was one (cxpact explains it once). */
  stdout: string;
  stderr: string;
  /** On a conflict: what differs between the local pacts and the broker's, said once. */
  conflict?: string;
}

const CONFLICT = /Cannot change the content of the pact|\b409\b|Conflict/i;

/** Checks the broker (reachable, credentials accepted), then runs `pact broker publish`. Never prints. */
export async function publishPacts(req: PublishRequest): Promise<PublishResult> {
  await checkBroker(req.target);
  const args = [
    'broker',
    'publish',
    req.pactsDir,
    '--broker-base-url',
    req.target.baseUrl,
    '--consumer-app-version',
    req.version,
  ];
  if (req.branch !== undefined) args.push('--branch', req.branch);
  if (req.tags !== undefined && req.tags.length > 0) args.push('--tag', req.tags.join(','));
  if (req.buildUrl !== undefined) args.push('--build-url', req.buildUrl);
  if (req.merge === true) args.push('--merge');
  const user = req.env ?? process.env;
  const cli = await runPactCliAgainst(req.target, args, {
    cwd: req.cwd,
    baseEnv: {
      ...process.env,
      PACT_BROKER_HTTP_RETRIES: user.PACT_BROKER_HTTP_RETRIES ?? '2',
      // The user's choice about Pact's usage tracking, passed through as set (never set by cxpact).
      ...(user.PACT_DO_NOT_TRACK === undefined ? {} : { PACT_DO_NOT_TRACK: user.PACT_DO_NOT_TRACK }),
    },
  });
  const conflict = cli.code !== 0 && CONFLICT.test(cli.stdout + cli.stderr);
  if (!conflict) return { cli, stdout: cli.stdout, stderr: cli.stderr };
  return {
    cli,
    stdout: withoutConflictParagraphs(cli.stdout),
    stderr: withoutConflictParagraphs(cli.stderr),
    conflict: await explainConflicts(req.target, req.pacts, req.version),
  };
}

/** The error a failed publish ends with (undefined when it succeeded). */
export function publishError(req: PublishRequest, result: PublishResult): CxpactError | undefined {
  if (result.conflict !== undefined) {
    const { cwd, version } = req;
    return new CxpactError(
      'publish.conflict',
      `The broker already has different pact content for version ${version} of the consumer, and refused the new content (HTTP 409).`,
      {
        file: req.shown,
        fix: req.versionIsHead
          ? `The version is HEAD's commit (${version.slice(0, 12)}). Commit the change that altered the pacts, then run \`${cxpactCommand(cwd, 'consumer')} && ${cxpactCommand(cwd, 'publish')}\` again (or pass --consumer-app-version <a new version>).`
          : 'Publish the changed pacts under a new consumer version (--consumer-app-version), or regenerate the pacts that were published for this version.',
      },
    );
  }
  if (result.cli.code !== 0) {
    return new CxpactError(
      'publish.failed',
      `\`pact broker publish\` failed (exit ${result.cli.code}); its output is above.`,
      {
        file: req.shown,
        fix: 'Read the broker messages above; fix the pact or the broker settings and publish again.',
      },
    );
  }
  return undefined;
}

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
async function explainConflicts(
  target: BrokerTarget,
  pacts: readonly PactToPublish[],
  version: string,
): Promise<string> {
  const lines: string[] = [];
  for (const { name, pact } of pacts) {
    const { consumer, provider } = pact;
    let published: unknown;
    try {
      const res = await brokerRequest(
        target,
        `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/version/${encodeURIComponent(version)}`,
      );
      if (res.status !== 200) continue;
      published = res.body;
    } catch {
      continue;
    }
    const before = parsePactFile(published);
    if (!before.ok) continue;
    const diff = diffPacts(before.pact, pact);
    if (isEmptyDiff(diff)) continue;
    lines.push(
      `[cxpact] ${consumer} version ${version} already has a different pact with ${provider} in the broker; the local ${name} differs from it:`,
    );
    for (const c of diff.changed) {
      lines.push(`  changed: "${c.description}"`);
      for (const x of c.changes) lines.push(`      ${x}`);
    }
    for (const d of diff.added) lines.push(`  added: "${d}"`);
    for (const d of diff.removed) lines.push(`  removed: "${d}"`);
  }
  if (lines.length === 0)
    lines.push(
      `[cxpact] The broker refused the pacts: it already has different content for version ${version} (the differences could not be read back from the broker).`,
    );
  return `${lines.join('\n')}\n`;
}
