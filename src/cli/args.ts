// Argument parsing shared by all commands: node's parseArgs with errors that name the flag and the fix. (What only
// the commands that ask the broker need is in broker-args.ts: `cxpact run` does not load the broker client.)
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CxpactError } from '../core/errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** `cxpact <command> --help` as the user's repository spells it (read only for an error message). */
function helpCommand(command: string): string {
  return (require('../io/cli-spelling') as typeof import('../io/cli-spelling')).cxpactCommand(
    undefined,
    command,
    '--help',
  );
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv for `command`; unknown flags become a usage error that points at `--help`. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionSpec,
  allowPositionals = false,
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new CxpactError(
      'usage.invalid-arguments',
      `Invalid arguments for \`cxpact ${command}\`: ${(error as Error).message}`,
      {
        fix: `Run \`${helpCommand(command)}\` for the options.`,
      },
    );
  }
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requireOpt(command: string, args: ParsedArgs, name: string): string {
  const v = stringOpt(args, name);
  if (v === undefined || v === '') {
    throw new CxpactError('usage.missing-option', `\`cxpact ${command}\` needs --${name}.`, {
      fix: `Pass --${name} <value>; run \`${helpCommand(command)}\` for details.`,
    });
  }
  return v;
}
