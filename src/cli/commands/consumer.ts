// `cxpact consumer`: generated consumer contracts for every Data Action in data-actions/ (npm run pact:consumer).
import path from 'node:path';
import type { Command } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { defaultEngine } from '../../io/default-engine';
import { runConsumerContracts, type ConsumerReport } from '../../io/consumer-run';
import { LIMIT_ARGS, LIMITS_HELP, limitsFromArgs } from '../../core/limits';
import { findingLines, reportJson, shownFile, whereText } from '../render';

const help = `Usage: cxpact consumer [--data-actions <dir>] [--pacts <dir>] [--json]
       npm run pact:consumer -- [--data-actions <dir>] [--pacts <dir>] [--json]

Generates consumer contracts from Genesys Cloud Data Action definitions. For every case of every action (the
<action>.cases.json beside it, or cases derived from its schemas) it renders the request as Genesys would, sends it
to the real Pact V4 mock server, applies the action's response translation to the mock's answer, checks the
outputs (no null, no silent default, output schema, expected outputs) and writes one V4 pact per
consumer/provider pair: <pacts>/<consumer>-<provider>.json. Only passing interactions are written; a pair with
none loses its pact file from an earlier run. A pacts directory inside the data-actions directory is skipped.

What goes into a pact: only what a provider can honour in its normal running. Derived failure and absent-field
cases, and failure/absent-field cases of a cases file without a "providerState", are checked by the emulator
(the action's own Failure path and defaults) and reported, never written to a pact. Each case line says where
it was checked ("-> pact" or "-> emulator only"); --json has "checkedBy" and "checkedByReason" per case.

Layout: each folder of the data-actions directory is one provider (named after the folder); the consumer is
"genesys-data-actions"; a cxpact.json in the folder ({"provider": "...", "consumer": "..."}) renames them.
See data-actions/README.md for the cases format.

Options:
  --data-actions <dir>  the root folder holding one folder per provider (default: data-actions); not a
                        provider folder itself (a definition directly in <dir> is a layout error)
  --pacts <dir>         where pact files are written (default: pacts)
  --json                print the full report as one JSON object on stdout
  -h, --help            show this help

Environment variables: the budget and limit variables below.

${LIMITS_HELP}
Exit codes:
  0  every case of every action passed and the pacts were written
  1  a case failed, or an action/cases file/config is invalid (every other action is still checked)
  2  usage error
`;

function formatReport(report: ConsumerReport, pactsDir: string, cwd: string): string {
  const shown = (file: string): string => shownFile(file, cwd);
  const lines: string[] = [];
  for (const action of report.actions) {
    const rel = shown(action.file);
    lines.push(
      `${action.ok ? 'PASS' : 'FAIL'} ${action.provider} :: ${action.name} (${rel}${action.casesSource === 'derived' ? ', derived cases' : ''})`,
    );
    for (const error of action.errors) lines.push(...findingLines(error, { indent: '    ', head: 'error: ', cwd }));
    for (const c of action.cases) {
      const given =
        c.providerState === undefined
          ? c.checkedBy === 'pact'
            ? ' (no provider state)'
            : ''
          : ` given "${c.providerState}"`;
      lines.push(
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name} [${c.kind}]${given} -> ${c.checkedBy === 'pact' ? 'pact' : 'emulator only'}`,
      );
      if (c.checkedBy === 'emulator') lines.push(`        (${c.checkedByReason})`);
      for (const p of c.problems) {
        const about = [
          p.output ? `output ${p.output}` : undefined,
          p.expression ? `expression ${p.expression}` : undefined,
          p.responseField ? `response field ${p.responseField}` : undefined,
        ].filter((x): x is string => x !== undefined);
        lines.push(
          ...findingLines(p, {
            indent: '      ',
            head: `- ${action.name} / ${c.name}: `,
            detailIndent: '        ',
            context: about.length > 0 ? [`(${about.join(', ')}; ${p.code})`] : [],
            cwd,
          }),
        );
      }
    }
  }
  for (const error of report.errors) {
    const where = whereText(error.at);
    lines.push(
      ...findingLines(
        { ...error, message: `${error.message}${where === '' ? '' : ` (${where})`}` },
        { head: 'error: ', at: false },
      ),
    );
  }
  lines.push('');
  for (const pact of report.pacts) {
    lines.push(
      pact.pactFile
        ? `pact: ${shown(pact.pactFile)} (${pact.interactions} interaction${pact.interactions === 1 ? '' : 's'})`
        : `pact: none written for ${pact.consumer} -> ${pact.provider} (no passing interaction${pact.removedStale === true ? '; an older pact file for the pair was removed' : ''})`,
    );
  }
  const t = report.totals;
  lines.push(
    `${report.ok ? 'OK' : 'FAILED'}: ${t.actions} actions, ${t.cases} cases (${t.inPacts} in pacts, ${t.emulatorOnly} checked by the emulator only), ${t.passed} passed, ${t.failed} failed${t.actionErrors > 0 ? `, ${t.actionErrors} actions with errors` : ''}${report.errors.length > 0 ? `, ${report.errors.length} layout/config errors` : ''}; pacts in ${pactsDir}`,
  );
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'consumer',
  summary: summaryOf('consumer'),
  help,
  async run(argv, io) {
    const args = parseCommandArgs('consumer', argv, {
      'data-actions': { type: 'string' },
      pacts: { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_ARGS,
    });
    const dataActionsDir = path.resolve(io.cwd, stringOpt(args, 'data-actions') ?? 'data-actions');
    const pactsDir = path.resolve(io.cwd, stringOpt(args, 'pacts') ?? 'pacts');
    const limits = limitsFromArgs(args.values, io.env);
    const report = await runConsumerContracts({
      dataActionsDir,
      pactsDir,
      engine: await defaultEngine(),
      limits,
      cwd: io.cwd,
    });
    if (args.values['json'] === true) io.stdout(`${reportJson(report)}\n`);
    else io.stdout(formatReport(report, shownFile(pactsDir, io.cwd), io.cwd));
    return report.ok ? 0 : 1;
  },
};
