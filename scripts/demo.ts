// `npm run demo`: the main job end to end on the embedded default, with real processes and real HTTP:
//   local broker -> pact:consumer on data-actions/ -> publish -> example provider verified from the broker
//   -> the third-party Genesys Cloud API (a loopback sandbox) recorded, checked and published -> can-i-deploy says yes -> record deployment
//   -> the renamed provider (customerId -> customer_id) fails verification -> can-i-deploy says no.
// Exits 0 only when every step gave the expected answer. Options: --keep (leave the broker running at the end),
// --port <n> (broker port, default a free one). Each step prints cxpact's own output (about a screen); the
// verifier's per-interaction logs go to .tmp/demo/*.log. The last line says whether the broker has stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from './genesys-sandbox';

const root = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx/cli');
/** The `cxpact` command (the compiled CLI; rebuilt first when src/ changed). */
const cli = path.join(root, 'bin', 'cxpact.js');
const work = path.join(root, '.tmp', 'demo');
const consumer = 'genesys-data-actions';
const environment = 'production';

const children: ChildProcess[] = [];

function heading(text: string): void {
  process.stdout.write(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  return port;
}

/** Runs `cxpact <args>` as its own process; resolves to its exit code (output goes to this terminal). */
function cxpact(args: string[], env: NodeJS.ProcessEnv = {}): number {
  process.stdout.write(`$ cxpact ${args.join(' ')}\n`);
  const res = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return res.status ?? 1;
}

/** Starts `node <args>` (a script under tsx when `args[0]` is TypeScript) and waits until `url` answers or is printed. */
async function startServer(
  label: string,
  args: string[],
  url: string | RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...(args[0]?.endsWith('.ts') ? [tsx] : []), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${log}`);
    if (typeof url === 'string') {
      try {
        await fetch(url);
        process.stdout.write(`${label} is up at ${url}\n`);
        return { child, url };
      } catch {
        // not listening yet
      }
    } else {
      const m = url.exec(log);
      if (m?.[1] !== undefined) {
        process.stdout.write(`${label} is up at ${m[1]}\n`);
        return { child, url: m[1] };
      }
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${label} did not start within 30 s:\n${log}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function gitSha(): string {
  const res = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : `local-${Date.now()}`;
}

interface Expectation {
  step: string;
  expected: number;
  actual: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean' }, port: { type: 'string' } } });
  const results: Expectation[] = [];
  const expect = (step: string, expected: number, actual: number): void => {
    results.push({ step, expected, actual });
    const ok = expected === actual;
    process.stdout.write(
      `${ok ? '\x1b[32m✔' : '\x1b[31m✘'} ${step}: exit ${actual}${ok ? '' : ` (expected ${expected})`}\x1b[0m\n`,
    );
  };

  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const version = gitSha();
  const brokerPort = values.port !== undefined ? Number(values.port) : await freePort();
  const brokerUrl = `http://127.0.0.1:${brokerPort}`;
  const brokerEnv = { PACT_BROKER_BASE_URL: brokerUrl, CI: '' };

  heading(`Local Pact Broker (SQLite at ${path.relative(root, work)}/broker.sqlite)`);
  const { child: broker } = await startServer(
    'broker',
    [cli, 'broker', '--port', String(brokerPort), '--db', path.join(work, 'broker.sqlite'), '--quiet'],
    `${brokerUrl}/`,
  );

  heading('Consumer contracts from data-actions/ (npm run pact:consumer)');
  expect('pact:consumer', 0, cxpact(['consumer', '--data-actions', 'data-actions', '--pacts', 'pacts']));

  heading(`Publish the pacts as ${consumer} ${version} on branch main`);
  expect(
    'pact:publish',
    0,
    cxpact(['publish', '--pacts', 'pacts', '--consumer-app-version', version, '--branch', 'main'], brokerEnv),
  );

  heading('Verify the example CRM provider from the broker and publish the result');
  const crmPort = await freePort();
  const { child: crm } = await startServer(
    'crm-customer-api',
    ['providers/crm-customer-api/server.ts', '--port', String(crmPort)],
    `http://127.0.0.1:${crmPort}/`,
  );
  expect(
    'pact:verify crm-customer-api',
    0,
    cxpact(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        `http://127.0.0.1:${crmPort}`,
        '--broker-url',
        brokerUrl,
        '--publish',
        '--provider-version',
        version,
        '--provider-branch',
        'main',
        '--junit',
        path.join(work, 'verify-crm.xml'),
        '--log-file',
        path.join(work, 'verify-crm.log'),
      ],
      brokerEnv,
    ),
  );
  await stop(crm);

  heading(
    'Record the third-party Genesys Cloud API (a loopback sandbox here) and check the recordings against its pact',
  );
  // The committed providers/genesys-cloud-api config, with recordings written under .tmp/demo, not over the
  // committed example set.
  const providersDir = path.join(work, 'providers');
  fs.mkdirSync(path.join(providersDir, 'genesys-cloud-api'), { recursive: true });
  fs.copyFileSync(
    path.join(root, 'providers', 'genesys-cloud-api', 'record.config.json'),
    path.join(providersDir, 'genesys-cloud-api', 'record.config.json'),
  );
  const { url: sandboxUrl } = await startServer(
    'genesys-cloud-sandbox',
    ['scripts/genesys-sandbox.ts'],
    /listening on (http:\S+)/,
  );
  const sandboxEnv = {
    ...brokerEnv,
    GENESYS_CLOUD_CLIENT_ID: SANDBOX_CLIENT_ID,
    GENESYS_CLOUD_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
    GENESYS_CLOUD_API_BASE_URL: sandboxUrl,
    GENESYS_CLOUD_LOGIN_BASE_URL: sandboxUrl,
  };
  expect(
    'pact:record genesys-cloud-api',
    0,
    cxpact(
      ['record', '--provider', 'genesys-cloud-api', '--providers-dir', providersDir, '--broker-url', brokerUrl],
      sandboxEnv,
    ),
  );
  expect(
    'pact:check-recorded genesys-cloud-api',
    0,
    cxpact(
      [
        'check-recorded',
        '--provider',
        'genesys-cloud-api',
        '--providers-dir',
        providersDir,
        '--broker-url',
        brokerUrl,
        '--publish',
      ],
      brokerEnv,
    ),
  );

  heading(`The providers are in ${environment}`);
  expect(
    'record-deployment crm-customer-api',
    0,
    cxpact(
      [
        'record-deployment',
        '--pacticipant',
        'crm-customer-api',
        '--version',
        version,
        '--environment',
        environment,
        '--create-environment',
      ],
      brokerEnv,
    ),
  );
  const recordedVersion = latestVersion(brokerUrl, 'genesys-cloud-api');
  expect(
    'record-deployment genesys-cloud-api',
    0,
    cxpact(
      [
        'record-deployment',
        '--pacticipant',
        'genesys-cloud-api',
        '--version',
        await recordedVersion,
        '--environment',
        environment,
      ],
      brokerEnv,
    ),
  );

  heading(`Gate: can ${consumer} ${version} go to ${environment}?`);
  expect(
    'can-i-deploy (yes)',
    0,
    cxpact(
      ['can-i-deploy', '--pacticipant', consumer, '--version', version, '--to-environment', environment],
      brokerEnv,
    ),
  );
  expect(
    'record-deployment',
    0,
    cxpact(
      ['record-deployment', '--pacticipant', consumer, '--version', version, '--environment', environment],
      brokerEnv,
    ),
  );

  heading('The CRM team renames customerId to customer_id: verification must fail and the gate must say no');
  const renamedVersion = `${version}-renamed`;
  const renamedPort = await freePort();
  const { child: renamed } = await startServer(
    'crm-customer-api (renamed)',
    ['providers/crm-customer-api/server.ts', '--port', String(renamedPort), '--rename-customer-id'],
    `http://127.0.0.1:${renamedPort}/`,
  );
  expect(
    'pact:verify renamed provider (fails)',
    1,
    cxpact(
      [
        'verify',
        '--provider',
        'crm-customer-api',
        '--provider-base-url',
        `http://127.0.0.1:${renamedPort}`,
        '--broker-url',
        brokerUrl,
        '--publish',
        '--provider-version',
        renamedVersion,
        '--provider-branch',
        'rename-customer-id',
        '--log-file',
        path.join(work, 'verify-crm-renamed.log'),
      ],
      brokerEnv,
    ),
  );
  await stop(renamed);
  expect(
    'can-i-deploy renamed provider (no)',
    1,
    cxpact(
      [
        'can-i-deploy',
        '--pacticipant',
        'crm-customer-api',
        '--version',
        renamedVersion,
        '--to-environment',
        environment,
      ],
      brokerEnv,
    ),
  );

  heading('Summary');
  const failed = results.filter((r) => r.expected !== r.actual);
  for (const r of results) process.stdout.write(`  ${r.expected === r.actual ? 'ok  ' : 'FAIL'} ${r.step}\n`);
  process.stdout.write(
    failed.length === 0
      ? '\nThe demo behaved as expected.\n'
      : `\n${failed.length} step(s) did not behave as expected.\n`,
  );
  if (values.keep === true) {
    process.stdout.write(
      `The broker keeps running at ${brokerUrl} (--keep): open it in a browser to see the integrations and the matrix; Ctrl-C stops it.\n`,
    );
    await once(broker, 'exit');
  } else {
    await stop(broker);
    process.stdout.write(
      `The broker (${brokerUrl}) has stopped; \`npm run demo -- --keep\` keeps it running so you can open it in a browser.\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}

/** The newest version of a pacticipant, from the broker's HAL API. */
async function latestVersion(brokerUrl: string, pacticipant: string): Promise<string> {
  const res = await fetch(`${brokerUrl}/pacticipants/${encodeURIComponent(pacticipant)}/latest-version`, {
    headers: { Accept: 'application/hal+json' },
  });
  if (!res.ok) throw new Error(`the broker has no version of ${pacticipant} (HTTP ${res.status})`);
  const body = (await res.json()) as { number?: string };
  if (typeof body.number !== 'string') throw new Error(`the broker's latest version of ${pacticipant} has no number`);
  return body.number;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`[cxpact demo] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map(stop));
  });
