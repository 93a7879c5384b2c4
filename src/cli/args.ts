// Argument parsing shared by all commands: node's parseArgs with errors that name the flag and the fix.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CxpactError } from '../core/errors';
import { formatError } from './render';
import { BROKER_UNAVAILABLE_CODES } from '../io/broker-client/http';
import { requireBrokerTarget, type BrokerTarget } from '../io/broker-client/target';
import { cxpactCommand } from '../io/cli-spelling';

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

/** The broker `command` must talk to: --broker-url, else PACT_BROKER_BASE_URL (credentials from the environment). */
export function requireBroker(command: string, args: ParsedArgs, env: NodeJS.ProcessEnv, cwd?: string): BrokerTarget {
  return requireBrokerTarget(stringOpt(args, 'broker-url'), env, `\`cxpact ${command}\` needs the broker URL`, undefined, cwd);
}

/**
 * Runs a command that asks the broker: "could not ask" errors (broker unreachable, credentials refused, plus
 * `alsoCodes`) are printed and give exit 2; anything else is rethrown.
 */
export async function exit2WhenUnavailable(stderr: (text: string) => void, work: () => Promise<number>, alsoCodes: readonly string[] = []): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CxpactError && (BROKER_UNAVAILABLE_CODES.has(error.code) || alsoCodes.includes(error.code))) {
      stderr(`${formatError(error)}\n`);
      return 2;
    }
    throw error;
  }
}

/** What "could not even ask" means for record and check-recorded: the broker, the vendor API or its login. */
const RECORDER_UNAVAILABLE = new Set<string>([...BROKER_UNAVAILABLE_CODES, 'recorded.provider.unreachable', 'recorded.provider.timeout', 'auth.login.unreachable', 'auth.login.rejected', 'auth.login.failed']);

/** "Could not even ask" (broker/provider/login unreachable or credentials refused) -> printed, exit 2; other problems are rethrown. */
export function unavailableExit(error: unknown, stderr: (t: string) => void): number {
  if (error instanceof CxpactError && RECORDER_UNAVAILABLE.has(error.code)) {
    stderr(`${formatError(error)}\n`);
    return 2;
  }
  throw error;
}
