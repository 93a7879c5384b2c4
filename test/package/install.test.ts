// The npm package path, end to end: `npm pack` this repository (prepack builds dist/), install the tarball into a
// fresh "backend repo" of its own, and use it from there the way a team would: `npx cxpact --help`, a provider
// config that imports 'cxpact', `npx cxpact verify` against a real provider (a node:http server this test runs on
// 127.0.0.1:0) passing and then failing, the other commands' help, the library from require(), and its types
// checked by tsc. Nothing of the repository's own folders is copied: only the tarball is used. `npx cxpact` is
// proven once; the other steps run the bin npx resolves to. Each step runs in its own process group with a
// deadline that names it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runChild, stepFailure, stopGroup, type ChildRun } from '../helpers/child';

const REPO = path.resolve(__dirname, '..', '..');
const TOKEN = 'pkg-test-token-7f3a91';
/** One npm/npx step; a loaded 2-core machine needs a few seconds for each npx start. */
const STEP_TIMEOUT_MS = 120_000;

/**
 * The environment of the child npm/npx: ours without the npm_* variables `npm test` set. Above all
 * npm_config_local_prefix, which would point npx at this repository instead of the backend repo; the cache and
 * npmrc locations stay so CI's populated cache is used. No PACT_* / PROVIDER_BASE_URL from a CI job either.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set([
    'npm_config_cache',
    'npm_config_userconfig',
    'npm_config_globalconfig',
    'npm_config_cafile',
    'npm_config_registry',
    'npm_config_proxy',
    'npm_config_https_proxy',
    'npm_config_noproxy',
  ]);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
    if (/^PACT_/.test(k) || k === 'PROVIDER_BASE_URL' || k === 'INIT_CWD' || k === 'MY_API_TOKEN') continue;
    env[k] = v;
  }
  env.PACT_DO_NOT_TRACK = 'true';
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Runs a step without blocking the event loop (the provider below answers from this process), in its own process group with a deadline. */
function run(cmd: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return runChild(cmd, args, { cwd, env: { ...childEnv(), ...extraEnv }, timeoutMs: STEP_TIMEOUT_MS });
}

/** `npx cxpact <args>` without npx: the installed bin itself. */
function cxpact(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return bin('cxpact', args, cwd, extraEnv);
}

/** A bin the backend repository installed (node_modules/.bin/<name>). */
function bin(name: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return run(path.join(cwd, 'node_modules', '.bin', name), args, cwd, extraEnv);
}

function mustSucceed(what: string, r: ChildRun): void {
  const failure = stepFailure(what, r);
  if (failure !== undefined) throw new Error(failure);
}

/** A V4 pact of consumer `shop` for provider `my-api`: one interaction with a provider state and a typed body. */
function pactFile(): unknown {
  return {
    consumer: { name: 'shop' },
    provider: { name: 'my-api' },
    interactions: [
      {
        type: 'Synchronous/HTTP',
        description: 'a request for customer 42',
        providerStates: [{ name: 'customer 42 exists' }],
        request: { method: 'GET', path: '/customers/42', headers: { Accept: ['application/json'] } },
        response: {
          status: 200,
          headers: { 'Content-Type': ['application/json'] },
          body: { content: { id: '42', name: 'Ada' }, contentType: 'application/json', encoded: false },
          matchingRules: { body: { '$.name': { combine: 'AND', matchers: [{ match: 'type' }] } } },
        },
      },
    ],
    metadata: { pactSpecification: { version: '4.0' } },
  };
}

const PROVIDER_CONFIG = `// Written the way a backend repo writes it: everything comes from the installed package.
import { defineProvider } from 'cxpact';

export default defineProvider({
  name: 'my-api',
  stateChangeUrl: '/_pact/provider-states',
  credentials: [{ header: 'Authorization', env: 'MY_API_TOKEN', prefix: 'Bearer ', required: true }],
});
`;

const TYPED_USE = `import { defineProvider, CxpactError, startBroker, type WrittenProviderConfig, type RunningBroker } from 'cxpact';

const config: WrittenProviderConfig = defineProvider({ name: 'my-api', baseUrl: 'http://127.0.0.1:8080' });
const error = new CxpactError('verify.config.invalid', 'message', { file: 'f.json', path: '$.x', fix: 'do this' });
// @ts-expect-error codes are a closed list (docs/codes.md): an unknown code does not type-check
new CxpactError('example.code', 'message');
const broker: Promise<RunningBroker> | undefined = process.env.NEVER_SET ? startBroker({}) : undefined;
export const used: [string, string | undefined, unknown] = [config.name, error.fix, broker];
// @ts-expect-error the name must be a string: proves the types are real, not any
defineProvider({ name: 42 });
`;

/** A Data Action of the backend's consumer (Genesys) calling GET /customers/{id} and reading `name`. */
const DATA_ACTION = {
  name: 'My API - Get Customer',
  integrationType: 'custom-rest-actions',
  actionType: 'custom',
  config: {
    request: {
      requestUrlTemplate: 'https://my-api.example.com/customers/${input.customerId}',
      requestType: 'GET',
      headers: { Authorization: 'Bearer ${credentials.apiKey}', Accept: 'application/json' },
      requestTemplate: '${input.rawRequest}',
    },
    response: {
      translationMap: { customerName: '$.name' },
      translationMapDefaults: {},
      successTemplate: '{ "customerName": ${customerName} }',
    },
  },
  contract: {
    input: {
      inputSchema: {
        type: 'object',
        required: ['customerId'],
        properties: { customerId: { type: 'string', examples: ['42'] } },
      },
    },
    output: {
      successSchema: { type: 'object', required: ['customerName'], properties: { customerName: { type: 'string' } } },
    },
  },
  secure: false,
};

/** A hand-written consumer contract run by tsx, everything imported from the installed package. */
const CONSUMER_SCRIPT = `import { defaultEngine, loadAction, runActionCase, stopJsonataWorker } from 'cxpact';

async function main(): Promise<void> {
  const engine = await defaultEngine();
  const action = loadAction(engine, 'data-actions/my-api/get-customer.json');
  const result = await runActionCase({
    engine,
    action,
    provider: 'my-api',
    consumer: 'genesys-ivr',
    pactsDir: 'pacts-handwritten',
    kase: {
      name: 'customer-42',
      description: 'a lookup of customer 42',
      kind: 'success',
      providerState: { name: 'customer 42 exists' },
      input: { customerId: '42' },
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: '42', name: 'Ada Lovelace' } },
    },
  });
  console.log(JSON.stringify({ problems: result.problems, output: result.output }));
  stopJsonataWorker();
}
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

describe('cxpact as an installed npm package', () => {
  let work: string;
  let backend: string;
  let tarball: string;
  let server: http.Server;
  let baseUrl: string;
  let broken = false;
  const states: string[] = [];
  const authHeaders: (string | undefined)[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-package-'));
    const packed = await run('npm', ['pack', '--pack-destination', work, '--no-fund', '--no-audit'], REPO);
    mustSucceed('npm pack', packed);
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack wrote no tarball to ${work}:\n${packed.stdout}`);
    tarball = path.join(work, tgz);

    backend = path.join(work, 'my-backend');
    fs.mkdirSync(backend);
    // The same install-script policy as our own package.json: npm 11 warns (npm 12 blocks) dependency scripts not
    // listed, and `node` needs its preinstall to fetch the Node 24 binary.
    const rootPkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    fs.writeFileSync(
      path.join(backend, 'package.json'),
      JSON.stringify(
        {
          name: 'my-backend',
          version: '1.0.0',
          private: true,
          allowScripts: rootPkg.allowScripts ?? { node: true, esbuild: true },
        },
        null,
        2,
      ),
    );
    const installed = await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], backend);
    mustSucceed('npm install <tarball>', installed);

    fs.mkdirSync(path.join(backend, 'providers', 'my-api'), { recursive: true });
    fs.writeFileSync(path.join(backend, 'providers', 'my-api', 'provider.config.ts'), PROVIDER_CONFIG);
    fs.mkdirSync(path.join(backend, 'pacts'));
    fs.writeFileSync(path.join(backend, 'pacts', 'shop-my-api.json'), JSON.stringify(pactFile(), null, 2));

    // The provider: real HTTP on loopback, needs the token, exposes the state-change endpoint the config names.
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/_pact/provider-states') {
          const parsed = JSON.parse(body || '{}') as { state?: string };
          if (typeof parsed.state === 'string') states.push(parsed.state);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
          return;
        }
        authHeaders.push(req.headers.authorization);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized"}');
          return;
        }
        if (req.method === 'GET' && req.url === '/customers/42') {
          const customer = broken
            ? { id: '42', fullName: 'Ada Lovelace' }
            : { id: '42', name: 'Ada Lovelace', tier: 'Gold' };
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(customer));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 420_000);

  afterAll(async () => {
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships only what runs: bin, the dist build with types, sources without tests, docs, README, LICENSE', async () => {
    const listed = await run('tar', ['-tzf', tarball], work);
    mustSucceed('tar -tzf', listed);
    const files = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'bin/cxpact.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/io/verifier/config.js',
      'src/index.ts',
      'LICENSE',
      'README.md',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /\.test\.(ts|js)$/.test(f))).toEqual([]);
    expect(
      files.filter((f) => /^(test|consumers|providers|data-actions|pacts|scripts|node_modules|\.tmp|\.ci)\//.test(f)),
    ).toEqual([]);
    // The installed bin is linked where npx finds it.
    expect(fs.existsSync(path.join(backend, 'node_modules', '.bin', 'cxpact'))).toBe(true);
  });

  it('`npx cxpact --help` lists the commands and exits 0; --version is the package version', async () => {
    // The way a team types it; the other steps call the bin npx resolves to (node_modules/.bin/cxpact) directly,
    // which is the same program without npm's start-up (about a second of CPU per call on a 2-core CI machine).
    const help = await run('npx', ['cxpact', '--help'], backend);
    mustSucceed('npx cxpact --help', help);
    for (const name of [
      'consumer',
      'publish',
      'verify',
      'record',
      'check-recorded',
      'can-i-deploy',
      'record-deployment',
      'lint',
      'broker',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const version = await run('npx', ['cxpact', '--version'], backend);
    mustSucceed('npx cxpact --version', version);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('verifies a real provider with a config that imports cxpact: exit 0, states and credentials from the config', async () => {
    broken = false;
    states.length = 0;
    authHeaders.length = 0;
    const r = await cxpact(
      ['verify', '--provider', 'my-api', '--pact-files', 'pacts', '--provider-base-url', baseUrl],
      backend,
      { MY_API_TOKEN: TOKEN },
    );
    mustSucceed('npx cxpact verify (good provider)', r);
    expect(r.stdout).toContain('1 of 1 interaction(s) passed');
    expect(states).toContain('customer 42 exists');
    expect(authHeaders).toContain(`Bearer ${TOKEN}`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('fails a broken provider with exit 1 and names the interaction and the missing field', async () => {
    broken = true;
    const r = await cxpact(
      ['verify', '--provider', 'my-api', '--pact-files', 'pacts', '--provider-base-url', baseUrl],
      backend,
      { MY_API_TOKEN: TOKEN },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('0 of 1 interaction(s) passed, 1 failed');
    expect(r.stderr).toMatch(/a request for customer 42/);
    expect(r.stderr).toMatch(/field name is missing/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('consumer contracts from the package: a hand-written one (tsx, runActionCase) verified against the provider, and `cxpact consumer`', async () => {
    broken = false;
    fs.mkdirSync(path.join(backend, 'data-actions', 'my-api'), { recursive: true });
    fs.writeFileSync(
      path.join(backend, 'data-actions', 'my-api', 'get-customer.json'),
      JSON.stringify(DATA_ACTION, null, 2),
    );
    fs.writeFileSync(path.join(backend, 'consumer.ts'), CONSUMER_SCRIPT);
    const consumer = await bin('tsx', ['consumer.ts'], backend);
    mustSucceed('tsx consumer.ts', consumer);
    expect(JSON.parse(consumer.stdout.trim().split('\n').pop()!)).toEqual({
      problems: [],
      output: { customerName: 'Ada Lovelace' },
    });
    const pact = JSON.parse(
      fs.readFileSync(path.join(backend, 'pacts-handwritten', 'genesys-ivr-my-api.json'), 'utf8'),
    ) as { interactions: { request: { path: string } }[] };
    expect(pact.interactions.map((i) => i.request.path)).toEqual(['/customers/42']);
    // The credential placeholder in the pact is replaced by the config's credential at verification time.
    authHeaders.length = 0;
    const verified = await cxpact(
      ['verify', '--provider', 'my-api', '--pact-files', 'pacts-handwritten', '--provider-base-url', baseUrl],
      backend,
      { MY_API_TOKEN: TOKEN },
    );
    mustSucceed('npx cxpact verify (hand-written pact)', verified);
    expect(verified.stdout).toContain('1 of 1 interaction(s) passed');
    // (an undefined entry is cxpact's reachability probe, which sends no credentials)
    expect(authHeaders.filter((h) => h !== undefined)).toEqual([`Bearer ${TOKEN}`]);

    const generated = await cxpact(
      ['consumer', '--data-actions', 'data-actions', '--pacts', 'pacts-generated'],
      backend,
    );
    mustSucceed('npx cxpact consumer', generated);
    const derived = JSON.parse(
      fs.readFileSync(path.join(backend, 'pacts-generated', 'genesys-data-actions-my-api.json'), 'utf8'),
    ) as { interactions: unknown[] };
    expect(derived.interactions.length).toBeGreaterThan(0);
  });

  it('publishes, verifies from the broker, records the deployment and gates, with `cxpact broker` from the package; SIGTERM stops it', async () => {
    broken = false;
    // The installed bin started directly (as a CI script or process manager does), so the signal goes to it alone.
    const broker = spawn(
      path.join(backend, 'node_modules', '.bin', 'cxpact'),
      ['broker', '--port', '0', '--db', path.join(work, 'broker.sqlite'), '--quiet'],
      {
        cwd: backend,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let brokerOut = '';
    broker.stdout.setEncoding('utf8').on('data', (d: string) => (brokerOut += d));
    broker.stderr.setEncoding('utf8').on('data', (d: string) => (brokerOut += d));
    const exited = new Promise<number | null>((resolve) => broker.on('close', (code) => resolve(code)));
    try {
      const brokerUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the broker did not start:\n${brokerOut}`)), 30_000);
        const look = (): void => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(brokerOut);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        broker.stdout.on('data', look);
        broker.on('close', () => reject(new Error(`the broker exited:\n${brokerOut}`)));
      });
      const published = await cxpact(
        ['publish', '--pacts', 'pacts', '--broker-url', brokerUrl, '--consumer-app-version', 'c1', '--branch', 'main'],
        backend,
      );
      mustSucceed('npx cxpact publish', published);
      const verified = await cxpact(
        [
          'verify',
          '--provider',
          'my-api',
          '--broker-url',
          brokerUrl,
          '--provider-base-url',
          baseUrl,
          '--publish',
          '--provider-version',
          'p1',
          '--provider-branch',
          'main',
        ],
        backend,
        { MY_API_TOKEN: TOKEN },
      );
      mustSucceed('npx cxpact verify --broker-url --publish', verified);
      expect(verified.stdout).toContain('Results published to the broker as my-api p1');
      const deployed = await cxpact(
        [
          'record-deployment',
          '--pacticipant',
          'my-api',
          '--version',
          'p1',
          '--environment',
          'production',
          '--create-environment',
          '--broker-url',
          brokerUrl,
        ],
        backend,
      );
      mustSucceed('npx cxpact record-deployment', deployed);
      const gate = await cxpact(
        [
          'can-i-deploy',
          '--pacticipant',
          'shop',
          '--version',
          'c1',
          '--to-environment',
          'production',
          '--broker-url',
          brokerUrl,
          '--json',
        ],
        backend,
      );
      mustSucceed('npx cxpact can-i-deploy', gate);
      expect((JSON.parse(gate.stdout) as { deployable: boolean | null }).deployable).toBe(true);
    } finally {
      // SIGTERM to the broker alone (the behaviour under test); the group is cleaned up after it exited.
      if (broker.exitCode === null && broker.signalCode === null) broker.kill('SIGTERM');
    }
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000).unref()),
    ]);
    await stopGroup(broker);
    expect(code).toBe(0);
    expect(brokerOut).toContain('SIGTERM received, closing');
  });

  it('the gate and recorded-check commands parse their arguments from the installed package', async () => {
    const canIDeploy = await cxpact(['can-i-deploy', '--help'], backend);
    mustSucceed('npx cxpact can-i-deploy --help', canIDeploy);
    expect(canIDeploy.stdout).toMatch(/^Usage: cxpact can-i-deploy /m);
    const checkHelp = await cxpact(['check-recorded', '--help'], backend);
    mustSucceed('npx cxpact check-recorded --help', checkHelp);
    expect(checkHelp.stdout).toMatch(/^Usage: cxpact check-recorded /m);
    // A provider without a recorded-check config: a real run that fails with the file named.
    const missing = await cxpact(['check-recorded', '--provider', 'not-there'], backend);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(path.join('providers', 'not-there', 'record.config.json'));
  });

  it('the library loads with require() from the backend repo and its types check with tsc', async () => {
    const nodeBin = path.join(backend, 'node_modules', '.bin', 'node');
    const probe = await run(
      nodeBin,
      [
        '-e',
        "const c = require('cxpact'); console.log(JSON.stringify({ file: require.resolve('cxpact'), names: Object.keys(c).sort(), kinds: [typeof c.defineProvider, typeof c.startBroker, typeof c.renderRequest, typeof c.checkRecorded, typeof c.CxpactError, typeof c.runActionCase] }))",
      ],
      backend,
    );
    mustSucceed('require("cxpact")', probe);
    const seen = JSON.parse(probe.stdout) as { file: string; names: string[]; kinds: string[] };
    expect(fs.realpathSync(seen.file)).toBe(
      fs.realpathSync(path.join(backend, 'node_modules', 'cxpact', 'dist', 'index.js')),
    );
    expect(seen.kinds).toEqual(['function', 'function', 'function', 'function', 'function', 'function']);
    expect(seen.names).toEqual(
      expect.arrayContaining([
        'defineProvider',
        'startBroker',
        'loadDataActions',
        'renderRequest',
        'translateResponse',
        'validateInput',
        'validateOutput',
        'responseFieldsRead',
        'checkRecorded',
        'CxpactError',
        'runActionCase',
        'like',
        'eachLike',
      ]),
    );

    fs.writeFileSync(path.join(backend, 'typed-use.ts'), TYPED_USE);
    const tsc = require.resolve('typescript/bin/tsc');
    const typeRoots = path.join(REPO, 'node_modules', '@types');
    const checked = await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--target',
        'ES2023',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--skipLibCheck',
        '--typeRoots',
        typeRoots,
        '--types',
        'node',
        'typed-use.ts',
      ],
      backend,
    );
    mustSucceed('tsc over typed-use.ts', checked);
  });
});
