// `cxpact can-i-deploy`: may this version go to that environment? Yes/no with reasons and fixes.
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, requireOpt, stringOpt } from '../args';
import { exit2WhenUnavailable, requireBroker } from '../broker-args';
import { CxpactError } from '../../core/errors';
import { canIDeploy } from '../../io/broker-client/can-i-deploy';
import { formatDecision } from '../render/gate';
import { reportJson } from '../render';
import { isThirdPartyProvider } from '../../io/verifier/config';

const help = `Usage: cxpact can-i-deploy --pacticipant <name> --version <v> --to-environment <env> [options]
       npm run pact:can-i-deploy -- --pacticipant <name> --version <v> --to-environment <env>
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact can-i-deploy ...)

Asks the Pact Broker (its /matrix, as the official \`pact broker can-i-deploy\` does) whether the version is
compatible with everything deployed in the environment, and explains the answer in plain language: which
provider never verified which pact, which vendor has no recorded check, which verification failed, and the
command that fixes each. When the provider version in the environment never verified the pact, it says what the
provider's other versions did with it: "verified it and FAILED", "verified it successfully, but that version is
not deployed", or "no version ... has ever verified it".

Options:
  --pacticipant <name>          the application to deploy (consumer or provider)
  --version <v>                 its version (the git sha published with its pacts / verification)
  --to-environment <env>        target environment (e.g. production)
  --retry-while-unknown <n>     ask again up to n times while verification results are missing (default 0)
  --retry-interval <seconds>    wait between those retries (default 10)
  --ignore <pacticipant>        leave a pacticipant out of the decision (repeatable; default from
                                PACT_BROKER_CAN_I_DEPLOY_IGNORE, comma separated), as the official CLI does
  --broker-url <url>            the broker (default PACT_BROKER_BASE_URL)
  --json                        print the decision as JSON

Environment:
  PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD,
  PACT_BROKER_CAN_I_DEPLOY_IGNORE

Exit codes:
  0  yes, deploy
  1  no (a verification failed, is missing, or the version is unknown to the broker)
  2  usage error, or the broker is unreachable / refused the credentials / has no such environment
`;

function intOpt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new CxpactError('usage.invalid-number', `--${name} must be a non-negative number, got "${value}".`, {
      fix: `Pass e.g. --${name} 10.`,
    });
  }
  return n;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('can-i-deploy', argv, {
    pacticipant: { type: 'string' },
    version: { type: 'string' },
    'to-environment': { type: 'string' },
    'retry-while-unknown': { type: 'string' },
    'retry-interval': { type: 'string' },
    'broker-url': { type: 'string' },
    ignore: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  const ignoreFlag = args.values.ignore;
  const ignore = (
    Array.isArray(ignoreFlag) && ignoreFlag.length > 0
      ? ignoreFlag
      : (io.env.PACT_BROKER_CAN_I_DEPLOY_IGNORE ?? '').split(',')
  )
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const pacticipant = requireOpt('can-i-deploy', args, 'pacticipant');
  const version = requireOpt('can-i-deploy', args, 'version');
  const environment = requireOpt('can-i-deploy', args, 'to-environment');
  const retries = Math.floor(intOpt('retry-while-unknown', stringOpt(args, 'retry-while-unknown'), 0));
  const interval = intOpt('retry-interval', stringOpt(args, 'retry-interval'), 10);
  const broker = requireBroker('can-i-deploy', args, io.env, io.cwd);
  const result = await canIDeploy({
    broker,
    pacticipant,
    version,
    environment,
    retryWhileUnknown: retries,
    retryIntervalSeconds: interval,
    ignore,
    isThirdParty: (name) => isThirdPartyProvider(io.cwd, name),
    cwd: io.cwd,
    onRetry: (attempt, of) =>
      io.stderr(
        `[cxpact] Verification results are still missing (attempt ${attempt}/${of}); asking again in ${interval}s...\n`,
      ),
  });
  const ctx = { pacticipant, version, environment };
  if (args.values.json === true) {
    io.stdout(
      `${reportJson({ deployable: result.deployable, attempts: result.attempts, ignored: ignore, reasons: result.reasons, brokerReasons: result.brokerReasons })}\n`,
    );
  } else {
    (result.deployable === true ? io.stdout : io.stderr)(formatDecision(result, ctx, result.attempts));
  }
  return result.deployable === true ? 0 : 1;
}

export const command: Command = {
  name: 'can-i-deploy',
  summary: summaryOf('can-i-deploy'),
  help,
  run: (argv, io) => exit2WhenUnavailable(io.stderr, () => run(argv, io)),
};
