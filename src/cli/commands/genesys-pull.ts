// `cxpact genesys-pull`: the org's Data Actions -> data-actions/<folder>/<slug>.json, with a drift report.
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { formatError } from '../render';
import { connectOrExit, GENESYS_ENV_HELP, integerFlag } from '../genesys-flags';
import { pullActions, type DriftReport } from '../../io/genesys-client/pull';

const help = `Usage: cxpact genesys-pull [options]
       npm run genesys:pull -- [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact genesys-pull ...)

Lists every Data Action of the Genesys Cloud org (GET /api/v2/integrations/actions?includeConfig=true, all
pages), fetches their request/success templates, and compares them with the repo's definitions: every JSON
definition under --data-actions (recursively; pacts/ and .cases.json skipped) and under --out. Files are
matched by "id", else by name (without the " - Exported <date>" suffix). It reports the drift: changed (with
the JSON paths that differ), added (in the org only) and missing (in the repo only). Then it writes each
action in the UI export shape plus the org's id, keys sorted, 2-space JSON: over the matching repo file (review
with git diff), or, for an added action, as <slug>.json in the output folder. Terraform (.tf, .tf.json)
definitions are not compared.

Options:
  --region <region>      Genesys Cloud region (default: GENESYS_CLOUD_REGION), e.g. eu-west-1
  --data-actions <dir>   the repo's definition folder to compare with (default: data-actions)
  --out <dir>            folder for actions not in the repo yet (default: <data-actions>/genesys-org)
  --check                report drift only, write nothing; exit 1 when there is drift
  --json                 print the result as JSON
  --base-url <url>       API host override (tests, proxies); the login host defaults to it
  --login-url <url>      login host override
  --page-size <n>        actions per page (default 100)
  --max-pages <n>        stop with an error after this many pages (default 200): guards against paging that never ends

${GENESYS_ENV_HELP}

Exit codes:
  0  pulled (drift is reported, not an error, unless --check)
  1  drift with --check, a template could not be fetched, or the org refused (bad credentials, 403, paging runaway)
  2  usage error (unknown option, unknown region, missing credentials)
`;

function driftText(drift: DriftReport, cwd: string): string[] {
  const rel = (f: string): string => path.relative(cwd, f) || f;
  const lines: string[] = [];
  for (const c of drift.changed) lines.push(`  changed  ${c.name} (${rel(c.file)}): ${(c.paths ?? []).join(', ')}`);
  for (const a of drift.added) lines.push(`  added    ${a.name} (in the org, not in the repo; -> ${rel(a.file)})`);
  for (const m of drift.missing) lines.push(`  missing  ${m.name} (${rel(m.file)} is not in the org)`);
  return lines;
}

export const command: Command = {
  name: 'genesys-pull',
  summary: summaryOf('genesys-pull'),
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('genesys-pull', argv, {
      region: { type: 'string' },
      out: { type: 'string' },
      'data-actions': { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      'base-url': { type: 'string' },
      'login-url': { type: 'string' },
      'page-size': { type: 'string' },
      'max-pages': { type: 'string' },
    });
    const repoDir = path.resolve(io.cwd, stringOpt(args, 'data-actions') ?? 'data-actions');
    const outDir = path.resolve(io.cwd, stringOpt(args, 'out') ?? path.join(repoDir, 'genesys-org'));
    const pageSize = integerFlag('page-size', stringOpt(args, 'page-size'), 100);
    const maxPages = integerFlag('max-pages', stringOpt(args, 'max-pages'), 200);
    const check = args.values['check'] === true;
    const client = connectOrExit(
      {
        region: stringOpt(args, 'region'),
        baseUrl: stringOpt(args, 'base-url'),
        loginUrl: stringOpt(args, 'login-url'),
        env: io.env,
      },
      io,
    );
    const result = await pullActions(client, { outDir, repoDir, check, pageSize, maxPages });
    const drift = result.drift;
    const hasDrift = drift.changed.length + drift.added.length + drift.missing.length > 0;
    if (args.values['json'] === true) {
      io.stdout(
        `${JSON.stringify(
          {
            outDir: path.relative(io.cwd, outDir) || '.',
            actions: result.actions.map((a) => ({ id: a.id, name: a.name })),
            drift: {
              changed: drift.changed.map((d) => ({ ...d, file: path.relative(io.cwd, d.file) })),
              added: drift.added.map((d) => ({ ...d, file: path.relative(io.cwd, d.file) })),
              missing: drift.missing.map((d) => ({ ...d, file: path.relative(io.cwd, d.file) })),
              unchanged: drift.unchanged,
            },
            written: result.written.map((f) => path.relative(io.cwd, f)),
            errors: result.errors.map((e) => e.toJSON()),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout(
        `[cxpact] ${result.actions.length} action(s) in the org; ${check ? 'check only, nothing written' : `${result.written.length} file(s) written to ${path.relative(io.cwd, outDir) || '.'}`}.\n`,
      );
      if (hasDrift) {
        io.stdout(
          `[cxpact] Drift vs the repo: ${drift.changed.length} changed, ${drift.added.length} added, ${drift.missing.length} missing, ${drift.unchanged} unchanged.\n`,
        );
        io.stdout(`${driftText(drift, io.cwd).join('\n')}\n`);
      } else {
        io.stdout(`[cxpact] No drift: the repo matches the org (${drift.unchanged} action(s)).\n`);
      }
      for (const error of result.errors) io.stderr(`${formatError(error)}\n`);
    }
    if (result.errors.length > 0) return 1;
    return check && hasDrift ? 1 : 0;
  },
};
