// `cxpact record-deployment`: tells the broker a version now runs in an environment (official pact CLI).
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, requireOpt, stringOpt } from '../args';
import { exit2WhenUnavailable, requireBroker } from '../broker-args';
import { recordDeployment } from '../../io/broker-client/record-deployment';

const help = `Usage: cxpact record-deployment --pacticipant <name> --version <v> --environment <env> [options]
       npm run pact:record-deployment -- --pacticipant <name> --version <v> --environment <env>
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact record-deployment ...)

Records in the Pact Broker that the version is now deployed to the environment (replacing the version deployed
there before), with the official \`pact broker record-deployment\`. Run it right after the deploy job.

Options:
  --pacticipant <name>            the application that was deployed
  --version <v>                   its version (the git sha)
  --environment <env>             where it was deployed (e.g. production)
  --application-instance <name>   for several instances of one application in the same environment
  --create-environment            create the environment first when the broker does not have it
  --broker-url <url>              the broker (default PACT_BROKER_BASE_URL)

Environment:
  PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD

Exit codes:
  0  recorded
  1  the broker has no such version (publish pacts / verification results first), or the CLI failed
  2  usage error, unknown environment, or the broker is unreachable / refused the credentials
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('record-deployment', argv, {
    pacticipant: { type: 'string' },
    version: { type: 'string' },
    environment: { type: 'string' },
    'application-instance': { type: 'string' },
    'create-environment': { type: 'boolean' },
    'broker-url': { type: 'string' },
  });
  const pacticipant = requireOpt('record-deployment', args, 'pacticipant');
  const version = requireOpt('record-deployment', args, 'version');
  const environment = requireOpt('record-deployment', args, 'environment');
  const broker = requireBroker('record-deployment', args, io.env, io.cwd);
  const instance = stringOpt(args, 'application-instance');
  const result = await recordDeployment({
    broker,
    pacticipant,
    version,
    environment,
    ...(instance === undefined ? {} : { applicationInstance: instance }),
    createEnvironment: args.values['create-environment'] === true,
    cwd: io.cwd,
  });
  if (result.createdEnvironment) io.stdout(`[cxpact] Created environment ${environment} in the broker.\n`);
  io.stdout(
    `[cxpact] Recorded: ${pacticipant} ${version} is deployed to ${environment}${instance === undefined ? '' : ` (instance ${instance})`}.\n`,
  );
  return 0;
}

export const command: Command = {
  name: 'record-deployment',
  summary: summaryOf('record-deployment'),
  help,
  run: (argv, io) => exit2WhenUnavailable(io.stderr, () => run(argv, io)),
};
