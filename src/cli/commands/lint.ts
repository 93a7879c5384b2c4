// `cxpact lint`: checks every Data Action definition for the mistakes Genesys only reports at run time (or never).
import fs from 'node:fs';
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { CxpactError } from '../../shared/errors';
import { formatJUnit, formatJson, formatText, lintDataActions, relativize } from '../../lint';
import { LIMIT_ARGS, LIMITS_HELP, limitsFromArgs } from '../../shared/limits';

const help = `Usage: cxpact lint [--data-actions <dir>] [--format text|json|junit] [--output <file>] [--info]
       npm run pact:lint -- [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact lint ...)

Lints every Data Action definition under the folder (UI export, Platform API object, Terraform) and its
<slug>.cases.json. Each finding has a stable dotted code, a severity, the file, the JSON path of the field
and the fix. Rules (error unless marked):
  lint.secret.literal                 a literal secret in the URL, a header or the body (use \${credentials.X})
  lint.url.insecure                   an absolute http:// URL
  lint.input.undeclared               \${input.x} used in a template, x not in the input contract
  lint.input.unused (warning)         an input declared in the contract that no request template sends
  lint.reference.wrong-case           \$Input / \$INPUT / \${input.customerid} for customerId
  lint.reference.undefined            a reference that is never set (strict mode fails at run time)
  lint.translation.unused (warning)   a translationMap key the success template never uses
  lint.translation.default-unquoted   a default that is not JSON text ("none" instead of "\\"none\\"")
  lint.translation.default-unused (warning)   such a default on a path that always resolves ($..x): never applied
  lint.translation.path-syntax        a translationMap JSONPath that does not parse
  lint.translation.default-type       a default whose JSON type the output property rejects (null into string)
  lint.success-template.quoted-value  "\${x}" around a translation value (already JSON text)
  lint.success-template.invalid-json  the success template does not render JSON for the default case
  lint.success-template.render-error  the success template fails to render for the default case
  lint.success-template.input-reference (warning)   $input in the success template (not documented there)
  lint.output.type-unreachable        an output type the translation cannot produce (filter path -> string)
  lint.request.invalid-json           a JSON request template that does not render JSON
  lint.request.accept-not-json        an Accept header that is not a JSON media type
  lint.output.required-missing        a required output the success template never writes
  lint.template.syntax                a template that is not valid Velocity
  lint.template.method-outside-reference   \${input.x}.replace(...) sent as literal text
  lint.template.stray-brace           "\${input.x}}" puts a "}" into the value
  lint.contract.nested-array          an array inside an array in the output contract
  lint.contract.ref                   \$ref in a contract
  lint.contract.input-not-flat        an object/array input, or a non-object input root
  lint.contract.input-reserved        input named orgId, integrationId or rawRequest
  lint.contract.input-name            input name outside ^[A-Za-z][A-Za-z0-9_-]*$
  lint.contract.output-dotted-key (warning)   "a.b" output property names
  lint.contract.output-missing        no output contract (successSchema)
  lint.config.timeout-range           timeoutSeconds outside 1..60
  lint.config.timeout-custom-auth (warning)   timeoutSeconds on a custom-auth action
  lint.regex.catastrophic (warning)   a regex (JSONPath =~, Velocity matches/replaceAll/replaceFirst/split, schema
                                      pattern, JSONata) that Java's backtracking engine can take exponential time on
  lint.template.loop-unbounded (warning)   a #foreach over a range whose bound comes from a reference
  lint.template.loop-huge             nested #foreach loops over literal ranges beyond the step budget
  lint.template.macro-recursive (warning)   a macro that calls itself unconditionally
  lint.jsonata.recursion-unbounded (warning)   a JSONata function that calls itself with no condition
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
      throw new CxpactError('usage.invalid-format', `Unknown --format "${format}".`, { path: '--format', fix: 'Use --format text, json or junit.' });
    }
    const dir = path.resolve(io.cwd, stringOpt(args, 'data-actions') ?? 'data-actions');
    if (!fs.existsSync(dir)) {
      throw new CxpactError('usage.data-actions-missing', `The Data Action folder ${path.relative(io.cwd, dir) || dir} does not exist.`, {
        path: '--data-actions',
        fix: 'Pass --data-actions <dir> pointing at your Data Action definitions.',
      });
    }
    const result = relativize(await lintDataActions(dir, { info: args.values.info === true, limits: limitsFromArgs(args.values, io.env) }), io.cwd);
    const report = format === 'json' ? formatJson(result) : format === 'junit' ? formatJUnit(result) : formatText(result);
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
