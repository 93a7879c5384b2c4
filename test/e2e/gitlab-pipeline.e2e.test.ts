// End-to-end proof: the repository's real .gitlab-ci.yml, run locally by gitlab-ci-local (shell executor), against
// the local Pact Broker started here. Consumer -> publish -> verification of the example provider -> can-i-deploy
// yes -> record deployment; then the renamed provider -> verification fails -> can-i-deploy no. The recorded path
// for the third-party Genesys Cloud API runs through the scheduled `recorded:check` job: a matching recording set
// -> published -> yes; a set with a renamed field -> no, with the hint.
// Every step is a real process: gitlab-ci-local -> bash -> npm run -> cxpact -> pact CLI / pact verifier.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBroker, type RunningBroker } from '../../src/broker';
import { runPactCliAgainst } from '../../src/io/broker-client/pact-cli';
import { runChild } from '../helpers/child';

const REPO = path.resolve(__dirname, '../..');
const STEP_TIMEOUT_MS = 150_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-gcl-'));
const project = path.join(tmp, 'project');
let broker: RunningBroker;

const CONSUMER_VERSION = 'c0ffee1';
const PROVIDER_OK = 'prov-ok-1';
const PROVIDER_RENAMED = 'prov-renamed-2';
/** The scheduled pipeline of the recorded checks, on the committed recordings (no vendor credentials). */
const SCHEDULED_RECORDED_CHECK = {
  CI_PIPELINE_SOURCE: 'schedule',
  RECORDED_PROVIDERS: 'genesys-cloud-api',
  RECORDED_RECORD: 'false',
  // The committed recordings must not turn stale under a test that may run long after they were made.
  RECORDED_MAX_AGE_DAYS: '36500',
};

/** Paths of the work tree the pipeline never needs (or that would leak state between runs). */
const SKIP = new Set([
  'node_modules',
  '.git',
  '.tmp',
  '.gitlab-ci-local',
  '.pact-broker',
  'reports',
  'coverage',
  'dist',
]);

/** A throwaway git checkout of the current work tree (node_modules linked), as a CI runner would clone it. */
function makeProject(): void {
  fs.cpSync(REPO, project, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(REPO, src);
      if (rel === '') return true;
      const top = rel.split(path.sep)[0]!;
      if (SKIP.has(top)) return false;
      // Pacts must come from the pipeline's own pact:consumer job, not from a developer's earlier run.
      return !(top === 'pacts' && rel.endsWith('.json'));
    },
  });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(project, 'node_modules'), 'dir');
}

async function initGit(): Promise<void> {
  const run = (...args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(
        'git',
        ['-c', 'user.email=e2e@example.com', '-c', 'user.name=cxpact e2e', ...args],
        { cwd: project },
        (e, _o, stderr) => (e ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve()),
      ),
    );
  await run('init', '-q', '-b', 'main');
  await run('remote', 'add', 'origin', 'https://gitlab.example.com/cx/integrations.git');
  await run('add', '-A');
  await run('commit', '-q', '-m', 'e2e checkout');
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface GclRun {
  code: number;
  output: string;
}

/** Runs gitlab-ci-local on the project with the shell executor and the given pipeline variables. */
async function gitlabCiLocal(args: string[], variables: Record<string, string>): Promise<GclRun> {
  const pkg = require.resolve('gitlab-ci-local/package.json');
  const bin = path.join(path.dirname(pkg), (require(pkg) as { bin: string }).bin);
  const vars = Object.entries({
    PACT_BROKER_BASE_URL: broker.url,
    CAN_I_DEPLOY_RETRIES: '1',
    CAN_I_DEPLOY_INTERVAL: '1',
    ...variables,
  }).flatMap(([k, v]) => ['--variable', `${k}=${v}`]);
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', PACT_DO_NOT_TRACK: 'true' };
  // The pipeline gets the broker only through its variables, as in GitLab.
  for (const k of Object.keys(env))
    if (k.startsWith('PACT_BROKER_') || k.startsWith('JEST_') || k === 'PACT_URL') delete env[k];
  // In its own process group with a deadline below the test's: a hung job is stopped with its whole job tree and the
  // step fails naming what it ran, instead of a bare jest timeout with the job's processes left behind.
  const run = await runChild(
    process.execPath,
    [
      bin,
      '--home',
      path.join(tmp, 'gcl-home'),
      '--force-shell-executor',
      '--no-color',
      '--max-job-name-padding',
      '0',
      ...vars,
      ...args,
    ],
    {
      cwd: project,
      env,
      timeoutMs: STEP_TIMEOUT_MS - 10_000,
    },
  );
  if (run.timedOut)
    throw new Error(
      `gitlab-ci-local ${args.join(' ')} did not finish within ${run.timeoutMs / 1000} s (stopped):\n${(run.stdout + run.stderr).slice(-4000)}`,
    );
  return { code: run.code ?? 1, output: `${run.stdout}\n${run.stderr}` };
}

beforeAll(async () => {
  makeProject();
  await initGit();
  broker = await startBroker({ port: 0, dbFile: path.join(tmp, 'broker.sqlite') });
  // The broker admin creates the environment once (a deployment can only be recorded into an existing one).
  const env = await runPactCliAgainst({ baseUrl: broker.url, auth: {} }, [
    'broker',
    'create-environment',
    '--name',
    'production',
    '--production',
  ]);
  expect(env.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await broker?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the GitLab pipeline (.gitlab-ci.yml) run by gitlab-ci-local against the local broker', () => {
  it(
    'consumer: pact:consumer writes the pacts from data-actions/ and pact:publish publishes them with the version and branch',
    async () => {
      const run = await gitlabCiLocal(['--needs', 'pact:publish'], { PACTICIPANT_VERSION: CONSUMER_VERSION });
      expect(run.output).toMatch(/PASS\s+pact:consumer/);
      expect(run.output).toMatch(/PASS\s+pact:publish/);
      expect(run.code).toBe(0);
      const res = await fetch(
        `${broker.url}/pacts/provider/crm-customer-api/consumer/genesys-data-actions/version/${CONSUMER_VERSION}`,
      );
      expect(res.status).toBe(200);
      const pact = (await res.json()) as { interactions: unknown[] };
      expect(pact.interactions.length).toBeGreaterThan(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'provider: verification of the example provider passes and is published, its gate says yes, its deployment is recorded',
    async () => {
      const run = await gitlabCiLocal(['--needs', 'provider:record-deployment'], {
        PACTICIPANT_VERSION: PROVIDER_OK,
        PROVIDER_PORT: String(await freePort()),
      });
      expect(run.output).toMatch(/interaction\(s\) passed\./);
      expect(run.output).toContain(`Results published to the broker as crm-customer-api ${PROVIDER_OK}.`);
      expect(run.output).toContain(`Can crm-customer-api ${PROVIDER_OK} be deployed to production? YES`);
      expect(run.output).toContain(`Recorded: crm-customer-api ${PROVIDER_OK} is deployed to production.`);
      expect(run.code).toBe(0);
      const junit = fs.readFileSync(path.join(project, 'reports/pact-verify-junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites name="pact verification of crm-customer-api" tests="\d+" failures="0">/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'provider, webhook-triggered: with PACT_URL the verify job checks exactly that pact',
    async () => {
      const pactUrl = `${broker.url}/pacts/provider/crm-customer-api/consumer/genesys-data-actions/version/${CONSUMER_VERSION}`;
      const run = await gitlabCiLocal(['provider:verify'], {
        PACTICIPANT_VERSION: 'prov-webhook-3',
        PROVIDER_PORT: String(await freePort()),
        PACT_URL: pactUrl,
      });
      expect(run.output).toContain(`against the pact at ${pactUrl}`);
      // CI=true in the job: the result is published (confirmed by the broker knowing the new provider version).
      expect(run.output).toContain('Results published to the broker as crm-customer-api prov-webhook-3.');
      expect(run.code).toBe(0);
      // Rules: a triggered pipeline runs no consumer or deploy jobs.
      const list = await gitlabCiLocal(['--list'], { PACT_URL: pactUrl });
      expect(list.output).toMatch(/provider:verify/);
      expect(list.output).not.toMatch(/consumer:can-i-deploy|pact:publish/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'consumer: can-i-deploy says no while the Genesys Cloud API (third party) has no recorded check; the scheduled recorded check publishes it; then yes and the deployment is recorded',
    async () => {
      // The Data Actions also call the Genesys Cloud API, which only the recorded-check path can vouch for:
      // until it has, the gate must refuse and say so.
      const blocked = await gitlabCiLocal(['consumer:can-i-deploy'], { PACTICIPANT_VERSION: CONSUMER_VERSION });
      expect(blocked.code).not.toBe(0);
      expect(blocked.output).toContain(`Can genesys-data-actions ${CONSUMER_VERSION} be deployed to production? NO`);
      expect(blocked.output).toMatch(/✗ vendor genesys-cloud-api has no recorded check/);
      expect(blocked.output).toContain(
        `✓ crm-customer-api ${PROVIDER_OK} verified the pact of genesys-data-actions ${CONSUMER_VERSION}`,
      );

      // The scheduled job checks the committed recordings (no vendor credentials here), publishes the outcome as
      // a verification and records the recording set as what is live.
      const recorded = await gitlabCiLocal(['recorded:check'], SCHEDULED_RECORDED_CHECK);
      expect(recorded.output).toContain('Recorded check passed');
      expect(recorded.output).toMatch(/Recorded: genesys-cloud-api rec-[0-9a-f]+ is deployed to production\./);
      expect(recorded.code).toBe(0);

      // The rest of the consumer pipeline (its contracts were published in the first step); jobs run in `needs` order.
      const run = await gitlabCiLocal(['consumer:can-i-deploy', 'consumer:deploy', 'consumer:record-deployment'], {
        PACTICIPANT_VERSION: CONSUMER_VERSION,
      });
      expect(run.output).toContain(`Can genesys-data-actions ${CONSUMER_VERSION} be deployed to production? YES`);
      expect(run.output).toContain(
        `✓ crm-customer-api ${PROVIDER_OK} verified the pact of genesys-data-actions ${CONSUMER_VERSION}`,
      );
      expect(run.output).toMatch(
        new RegExp(
          `✓ vendor genesys-cloud-api \\(recording set rec-[0-9a-f]+\\) matches the pact of genesys-data-actions ${CONSUMER_VERSION}`,
        ),
      );
      expect(run.output).toContain(`Recorded: genesys-data-actions ${CONSUMER_VERSION} is deployed to production.`);
      expect(run.code).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'renamed provider: verification fails with the renamed-field hint, nothing is deployed, can-i-deploy says no',
    async () => {
      const run = await gitlabCiLocal(['--needs', 'provider:record-deployment'], {
        PACTICIPANT_VERSION: PROVIDER_RENAMED,
        PROVIDER_PORT: String(await freePort()),
        CRM_RENAME_CUSTOMER_ID: '1',
      });
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/FAIL\s+provider:verify/);
      expect(run.output).toContain(
        'expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
      );
      // The failure points back at the Data Action it protects.
      expect(run.output).toContain(
        'cxpact: generated from data-actions/crm-customer-api/lookup-customer-by-phone.json',
      );
      expect(run.output).not.toContain(`Recorded: crm-customer-api ${PROVIDER_RENAMED}`);

      const gate = await gitlabCiLocal(['provider:can-i-deploy'], { PACTICIPANT_VERSION: PROVIDER_RENAMED });
      expect(gate.code).not.toBe(0);
      expect(gate.output).toContain(`Can crm-customer-api ${PROVIDER_RENAMED} be deployed to production? NO`);
      expect(gate.output).toContain(
        `✗ crm-customer-api ${PROVIDER_RENAMED} FAILED verification of the pact of genesys-data-actions ${CONSUMER_VERSION}`,
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'rules: merge requests run tests, contracts and verification but no deploy; schedules run only the recorded checks',
    async () => {
      const jobsOf = (output: string) =>
        output
          .split('\n')
          .map((l) => /^(\S+)\s+(?:test|contracts|publish|verify|gate|deploy|record)\s/.exec(l)?.[1])
          .filter((j): j is string => j !== undefined)
          .sort();
      const mr = await gitlabCiLocal(
        ['--list', '--variable', 'CI_PIPELINE_SOURCE=merge_request_event', '--unset-variable', 'CI_COMMIT_BRANCH'],
        {},
      );
      expect(jobsOf(mr.output)).toEqual(['lint-and-unit', 'pact:consumer', 'pact:publish', 'provider:verify']);
      const schedule = await gitlabCiLocal(
        ['--list', '--variable', 'CI_PIPELINE_SOURCE=schedule', '--variable', 'RECORDED_PROVIDERS=genesys-cloud-api'],
        {},
      );
      expect(jobsOf(schedule.output)).toEqual(['recorded:check']);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'vendor drift: a recording set with a renamed field fails the scheduled check with the hint, and the consumer gate says no',
    async () => {
      // The vendor silently renamed a field; the next scheduled recording captures it (here: the example set).
      const recordings = path.join(project, 'providers/genesys-cloud-api/recordings');
      fs.rmSync(recordings, { recursive: true, force: true });
      fs.cpSync(path.join(project, 'providers/genesys-cloud-api/examples/recordings-renamed'), recordings, {
        recursive: true,
      });
      const recorded = await gitlabCiLocal(['recorded:check'], SCHEDULED_RECORDED_CHECK);
      expect(recorded.code).not.toBe(0);
      expect(recorded.output).toMatch(
        /estimatedWaitTimeSeconds is missing; the recorded response has .*estimated_wait_time_seconds \(renamed\?\)/,
      );
      expect(recorded.output).toMatch(/Recorded: genesys-cloud-api rec-[0-9a-f]+ is deployed to production\./);

      const gate = await gitlabCiLocal(['consumer:can-i-deploy'], { PACTICIPANT_VERSION: CONSUMER_VERSION });
      expect(gate.code).not.toBe(0);
      expect(gate.output).toContain(`Can genesys-data-actions ${CONSUMER_VERSION} be deployed to production? NO`);
      expect(gate.output).toMatch(
        /✗ vendor genesys-cloud-api's recorded responses \(set rec-[0-9a-f]+\) do NOT match the pact of genesys-data-actions/,
      );
      expect(gate.output).toContain('npm run pact:check-recorded -- --provider genesys-cloud-api');
    },
    STEP_TIMEOUT_MS,
  );
});
