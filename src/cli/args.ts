// Argument parsing shared by all commands: node's parseArgs with errors that name the flag and the fix.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CxpactError } from '../shared/errors';
import { cxpactCommand } from '../shared/cli-hint';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv for `command`; unknown flags become a usage error that points at `--help`. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec, allowPositionals = false): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new CxpactError('usage.invalid-arguments', `Invalid arguments for \`cxpact ${command}\`: ${(error as Error).message}`, {
      fix: `Run \`${cxpactCommand(undefined, command, '--help')}\` for the options.`,
    });
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
      fix: `Pass --${name} <value>; run \`${cxpactCommand(undefined, command, '--help')}\` for details.`,
    });
  }
  return v;
}
