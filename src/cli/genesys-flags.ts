// What genesys-pull and genesys-test share on the command line: the environment they read (for --help), the
// client from flags and environment with configuration errors as usage errors (exit 2), and integer flags.
import type { CliIO } from './command';
import { CxpactError, ExitError } from '../core/errors';
import { connect, type ConnectOptions } from '../io/genesys-client/connect';
import type { GenesysClient } from '../io/genesys-client/client';
import { formatError } from './render';

/** The environment variables the Genesys commands read (for --help texts). */
export const GENESYS_ENV_HELP = `Environment:
  GENESYS_CLOUD_CLIENT_ID        OAuth client id (client credentials grant)
  GENESYS_CLOUD_CLIENT_SECRET    OAuth client secret (never printed)
  GENESYS_CLOUD_REGION           region, e.g. us-east-1, eu-west-1, ap-southeast-2 (or its domain, mypurecloud.ie)
  GENESYS_CLOUD_API_BASE_URL     override the API host (https://api.<domain>); same as --base-url
  GENESYS_CLOUD_LOGIN_BASE_URL   override the login host (https://login.<domain>); same as --login-url`;

/**
 * connect() for a command: a configuration error (unknown region, bad URL, missing credentials) is printed and ends
 * the command with exit code 2 (usage error), before any API call.
 */
export function connectOrExit(options: ConnectOptions, io: Pick<CliIO, 'stderr'>): GenesysClient {
  try {
    return connect(options);
  } catch (error) {
    if (error instanceof CxpactError) {
      io.stderr(`${formatError(error)}\n`);
      throw new ExitError(2);
    }
    throw error;
  }
}

/** The value of `--<name> <n>`: an integer >= min (default 1), or `fallback` when the flag is absent. */
export function integerFlag(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new CxpactError(
      'usage.invalid-number',
      `--${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got "${value}".`,
      {
        path: `--${name}`,
        fix: `Pass --${name} <n> with n >= ${min}.`,
      },
    );
  }
  return n;
}
