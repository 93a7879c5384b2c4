// Arguments and outcomes of the commands that ask the broker (publish, verify, can-i-deploy, record-deployment,
// record, check-recorded): the broker target from --broker-url or the environment, and "could not even ask" as
// exit 2. Apart from args.ts so that a command that never talks to the broker does not load the broker client.
import { CxpactError } from '../core/errors';
import { formatError } from './render';
import { BROKER_UNAVAILABLE_CODES } from '../io/broker-client/http';
import { requireBrokerTarget, type BrokerTarget } from '../io/broker-client/target';
import { stringOpt, type ParsedArgs } from './args';

/** The broker `command` must talk to: --broker-url, else PACT_BROKER_BASE_URL (credentials from the environment). */
export function requireBroker(command: string, args: ParsedArgs, env: NodeJS.ProcessEnv, cwd?: string): BrokerTarget {
  return requireBrokerTarget(
    stringOpt(args, 'broker-url'),
    env,
    `\`cxpact ${command}\` needs the broker URL`,
    undefined,
    cwd,
  );
}

/**
 * Runs a command that asks the broker: "could not ask" errors (broker unreachable, credentials refused, plus
 * `alsoCodes`) are printed and give exit 2; anything else is rethrown.
 */
export async function exit2WhenUnavailable(
  stderr: (text: string) => void,
  work: () => Promise<number>,
  alsoCodes: readonly string[] = [],
): Promise<number> {
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
const RECORDER_UNAVAILABLE = new Set<string>([
  ...BROKER_UNAVAILABLE_CODES,
  'recorded.provider.unreachable',
  'recorded.provider.timeout',
  'auth.login.unreachable',
  'auth.login.rejected',
  'auth.login.failed',
]);

/** "Could not even ask" (broker/provider/login unreachable or credentials refused) -> printed, exit 2; other problems are rethrown. */
export function unavailableExit(error: unknown, stderr: (t: string) => void): number {
  if (error instanceof CxpactError && RECORDER_UNAVAILABLE.has(error.code)) {
    stderr(`${formatError(error)}\n`);
    return 2;
  }
  throw error;
}
