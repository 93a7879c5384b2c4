// `cxpact lint`: checks every Data Action definition for the mistakes Genesys only reports at run time (or never).
import fs from 'node:fs';
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { CxpactError } from '../../core/errors';
import { lintDataActions, relativize } from '../../io/lint-run';
import { lintRulesHelp } from '../../core/lint/registry';
import { spellingFor } from '../../io/cli-spelling';
import { formatJUnit, formatJson, formatText } from '../render/lint';
import { LIMIT_ARGS, LIMITS_HELP, limitsFromArgs } from '../../core/limits';

const help = `Usage: cxpact lint [--data-actions <dir>] [--format text|json|junit] [--output <file>] [--info]
       npm run pact:lint -- [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact lint ...)

Lints every Data Action definition under the folder (UI export, Platform API object, Terraform) and its
<slug>.cases.json. Each finding has a stable dotted code, a severity, the file, the JSON path of the field
and the fix. Rules (error unless marked; docs/lint-rules.md has them by family):
${lintRulesHelp()}
  budget.* / limit.*                  an action that exceeds a budget or limit (see the table below)
  data-action.* / cases.*             a definition or cases file that cannot be read

Options:
  --data-actions <dir>   folder to lint (default: data-actions)
  --format <f>           text (default), json or junit
  --output <file>        write the report to a file instead of stdout (a text summary still goes to stdout)
  --info                 also report info findings (never fail the run): lint.input.optional-unguarded, an
                         input the contract does not require printed in the URL or a header without $!{} or
                         an #if guard (the action fails at run time when a flow leaves it out)

Environment variables: the budget and limit variables below.

${LIMITS_HELP}
Exit codes:
  0  no error-severity finding (warnings allowed)
  1  at least one error-severity finding, or a definition could not be read
  2  usage error
`;

export const command: Command = {
  name: 'lint',
  summary: summaryOf('lint'),
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('lint', argv, {
      'data-actions': { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      info: { type: 'boolean' },
      ...LIMIT_ARGS,
    });
    const format = stringOpt(args, 'format') ?? 'text';
    if (!['text', 'json', 'junit'].includes(format)) {
      throw new CxpactError('usage.invalid-format', `Unknown --format "${format}".`, {
        path: '--format',
        fix: 'Use --format text, json or junit.',
      });
    }
    const dir = path.resolve(io.cwd, stringOpt(args, 'data-actions') ?? 'data-actions');
    if (!fs.existsSync(dir)) {
      throw new CxpactError(
        'usage.data-actions-missing',
        `The Data Action folder ${path.relative(io.cwd, dir) || dir} does not exist.`,
        {
          path: '--data-actions',
          fix: 'Pass --data-actions <dir> pointing at your Data Action definitions.',
        },
      );
    }
    const result = relativize(
      await lintDataActions(dir, {
        info: args.values.info === true,
        limits: limitsFromArgs(args.values, io.env),
        spell: spellingFor(io.cwd),
      }),
      io.cwd,
    );
    const report =
      format === 'json' ? formatJson(result) : format === 'junit' ? formatJUnit(result) : formatText(result);
    const output = stringOpt(args, 'output');
    if (output !== undefined) {
      const target = path.resolve(io.cwd, output);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, report);
      const text = formatText(result).trimEnd().split('\n');
      io.stdout(`${text[text.length - 1] ?? ''} Report: ${path.relative(io.cwd, target)}\n`);
    } else {
      io.stdout(report);
    }
    return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};
