// record-deployment through the official `pact broker record-deployment`, with a reachability/auth check first
// (the CLI retries connection errors for minutes) and an optional create-environment. Never prints.
import { CxpactError } from '../../core/errors';
import { brokerRequest, checkBroker } from './http';
import { runPactCliAgainst } from './pact-cli';
import type { BrokerTarget } from './target';
import { cxpactCommand } from '../cli-spelling';

export interface RecordDeploymentRequest {
  broker: BrokerTarget;
  pacticipant: string;
  version: string;
  environment: string;
  applicationInstance?: string;
  /** Create the environment when the broker has none of that name (production if the name contains "prod"). */
  createEnvironment?: boolean;
  /** Where the user runs cxpact (spelling of the commands in fixes; default the process's cwd). */
  cwd?: string;
}

export interface RecordDeploymentResult {
  createdEnvironment: boolean;
  cliOutput: string;
}

/** Names of the broker's environments (GET /environments). */
export async function listEnvironments(broker: BrokerTarget): Promise<string[]> {
  const res = await brokerRequest(broker, '/environments');
  if (res.status !== 200) return [];
  const body = res.body as { _embedded?: { environments?: Array<{ name?: string }> } } | undefined;
  return (body?._embedded?.environments ?? []).map((e) => e.name).filter((n): n is string => typeof n === 'string');
}

/** Creates the environment with the official CLI unless it exists; returns true when it created it. */
export async function ensureEnvironment(
  broker: BrokerTarget,
  name: string,
  production = /prod/i.test(name),
): Promise<boolean> {
  if ((await listEnvironments(broker)).includes(name)) return false;
  const out = await runPactCliAgainst(broker, [
    'broker',
    'create-environment',
    '--name',
    name,
    ...(production ? ['--production'] : []),
  ]);
  if (out.code !== 0) {
    throw new CxpactError(
      'gate.environment.create-failed',
      `Could not create environment "${name}": ${(out.stderr || out.stdout).trim()}`,
      {
        fix: `Create it by hand: npx pact broker create-environment --name ${name}${production ? ' --production' : ''}`,
      },
    );
  }
  return true;
}

/** Records that `pacticipant version` now runs in `environment` (replacing the previous deployment there). */
export async function recordDeployment(req: RecordDeploymentRequest): Promise<RecordDeploymentResult> {
  await checkBroker(req.broker);
  let createdEnvironment = false;
  const envs = await listEnvironments(req.broker);
  if (!envs.includes(req.environment)) {
    if (req.createEnvironment === true) createdEnvironment = await ensureEnvironment(req.broker, req.environment);
    else {
      throw new CxpactError(
        'usage.environment.unknown',
        `The broker has no environment "${req.environment}"${envs.length > 0 ? ` (it has: ${envs.join(', ')})` : ''}.`,
        {
          fix: `Pass --create-environment, or create it once: npx pact broker create-environment --name ${req.environment}${/prod/i.test(req.environment) ? ' --production' : ''}`,
        },
      );
    }
  }
  const args = [
    'broker',
    'record-deployment',
    '--pacticipant',
    req.pacticipant,
    '--version',
    req.version,
    '--environment',
    req.environment,
  ];
  if (req.applicationInstance !== undefined) args.push('--application-instance', req.applicationInstance);
  const out = await runPactCliAgainst(req.broker, args);
  const text = `${out.stdout}${out.stderr}`.trim();
  if (out.code !== 0) {
    if (/not found|404|does not exist|could not find/i.test(text)) {
      throw new CxpactError(
        'gate.version.unknown',
        `The broker has no version ${req.version} of ${req.pacticipant}, so its deployment cannot be recorded.`,
        {
          fix: `Publish that version first: its pacts (${cxpactCommand(req.cwd, 'publish')}, for a consumer) or its verification results (${cxpactCommand(req.cwd, 'verify', `--provider ${req.pacticipant} --publish`)}, for a provider; ${cxpactCommand(req.cwd, 'check-recorded', `--provider ${req.pacticipant} --publish`)}, for a vendor). The CLI said: ${text}`,
        },
      );
    }
    throw new CxpactError('gate.record-deployment.failed', `pact broker record-deployment failed: ${text}`, {
      fix: 'Check the pacticipant, version and environment names.',
    });
  }
  return { createdEnvironment, cliOutput: text };
}
