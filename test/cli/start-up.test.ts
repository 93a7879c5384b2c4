// What the `cxpact` command loads to start: each command only its own modules, heavy libraries only when a command
// needs them, TypeScript compiled only for a user's provider.config.ts. Module lists, never timings (the CPU figures
// are `npm run bench`'s). The compiled CLI (dist/) is what runs; jest's global setup brought it up to date.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CXPACT_BIN } from '../helpers/cli-bin';

const ROOT = path.resolve(__dirname, '..', '..');
const ACTION = path.join(ROOT, 'data-actions', 'crm-customer-api', 'lookup-customer-by-phone.json');
const CASE = (
  JSON.parse(fs.readFileSync(ACTION.replace(/\.json$/, '.cases.json'), 'utf8')) as {
    cases: { input: unknown; response: unknown }[];
  }
).cases[0]!;

/** Packages (by name under node_modules) and cxpact modules (under dist/) that a heavy library is recognised by. */
const HEAVY = [
  '@pact-foundation/pact-core',
  '@pact-foundation/pact',
  'ajv',
  'jsonata',
  'hono',
  '@hono/node-server',
  'pg',
  'tsx',
  're2js',
];

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Packages loaded, by name. */
  packages: Set<string>;
  /** cxpact's own modules loaded, relative to dist/ (e.g. `cli/commands/run.js`). */
  dist: string[];
  /** Node's own modules loaded (e.g. `stream`, `vm`). */
  builtins: string[];
}

/** Runs `script` (JavaScript) in a fresh Node with `args`, and lists the modules it loaded by the time it exits. */
function loadedBy(script: string, args: string[] = [], cwd = ROOT): Loaded {
  const report = `process.on('exit', () => require('node:fs').writeSync(3, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) })));`;
  const r = spawnSync(process.execPath, ['-e', `${report}\n${script}`, '--', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const { files, builtins } = JSON.parse((r.output[3] as string | null) || '{"files":[],"builtins":[]}') as {
    files: string[];
    builtins: string[];
  };
  const packages = new Set<string>();
  for (const f of files) {
    const m = /node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(f.slice(f.lastIndexOf('node_modules')));
    if (m !== null) packages.add(m[1]!.replace(/\\/g, '/'));
  }
  const dist = files
    .filter((f) => f.startsWith(path.join(ROOT, 'dist') + path.sep))
    .map((f) => path.relative(path.join(ROOT, 'dist'), f).split(path.sep).join('/'));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages, dist, builtins };
}

/** `cxpact <args>` through bin/cxpact.js, in this process (as the shim runs it on Node 24). */
function cxpact(args: string[], cwd = ROOT): Loaded {
  return loadedBy(
    `process.argv = [process.argv[0], ${JSON.stringify(CXPACT_BIN)}, ...process.argv.slice(1)]; require(${JSON.stringify(CXPACT_BIN)});`,
    args,
    cwd,
  );
}

/** `cxpact run <action>` offline: the sample case's input and response given on the command line. */
const runOffline = (action: string): Loaded =>
  cxpact(['run', action, '--input', JSON.stringify(CASE.input), '--response', JSON.stringify(CASE.response)]);

const heavyIn = (l: Loaded): string[] => HEAVY.filter((p) => l.packages.has(p));

describe('start-up: what each command loads', () => {
  it('`cxpact --help` lists every command without loading any command module or heavy library', () => {
    const r = cxpact(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('check-recorded');
    expect(r.dist.filter((f) => f.startsWith('cli/commands/'))).toEqual([]);
    expect(heavyIn(r)).toEqual([]);
  });

  it('`cxpact run` of one action offline loads its own command and the validator, not Pact, JSONata, the broker or tsx', () => {
    const r = runOffline(ACTION);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: inputs, request and outputs');
    expect(r.dist.filter((f) => f.startsWith('cli/commands/'))).toEqual(['cli/commands/run.js']);
    // ajv (and the draft-04 meta-schema validator precompiled from it) as one packed file, not ajv's 67 module files;
    // the schema's pattern (^\+[1-9][0-9]{6,14}$) is tested on JavaScript's engine in linear time: no RE2.
    expect(r.dist).toContain('packs/ajv-draft-04.js');
    expect(r.dist).not.toContain('core/data-action/draft04-meta-validator.generated.js');
    expect([...r.packages]).toEqual([]);
    expect(
      r.dist.filter(
        (f) => f.startsWith('io/pact-ffi/') || f.startsWith('broker/') || f.startsWith('io/broker-client/'),
      ),
    ).toEqual([]);
    // The output goes to the file descriptor (Linux): Node's stream modules are not loaded for it, nor by the budgets.
    if (process.platform === 'linux') expect(r.builtins.filter((b) => b === 'stream' || b === 'v8')).toEqual([]);
  });

  it('`cxpact run` loads RE2 for a schema pattern only the linear-time engine may run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-start-up-'));
    try {
      const action = JSON.parse(fs.readFileSync(ACTION, 'utf8')) as {
        contract: { input: { inputSchema: { properties: { phoneNumber: { pattern: string } } } } };
      };
      action.contract.input.inputSchema.properties.phoneNumber.pattern = '^(\\+[0-9]+)+$';
      const file = path.join(dir, 'nested.json');
      fs.writeFileSync(file, JSON.stringify(action));
      const r = runOffline(file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.packages.has('re2js')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`cxpact consumer` loads the Pact core (it starts mock servers)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-start-up-'));
    try {
      const r = cxpact(['consumer', '--pacts', out]);
      expect(r.code).toBe(0);
      expect(r.packages.has('@pact-foundation/pact-core')).toBe(true);
      expect(r.packages.has('hono')).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("require('cxpact') (a provider config, a consumer test) loads neither the broker, Pact, ajv, JSONata nor tsx", () => {
    const r = loadedBy(
      `const cxpact = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))}); if (typeof cxpact.startBroker !== 'function' || typeof cxpact.defineProvider !== 'function') process.exit(3);`,
    );
    expect(r.code).toBe(0);
    expect(heavyIn(r)).toEqual([]);
    expect(r.dist.filter((f) => f.startsWith('broker/'))).toEqual([]);
  });

  it('a provider.config.json needs no TypeScript; a provider.config.ts is compiled by tsx when loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-start-up-'));
    try {
      fs.mkdirSync(path.join(dir, 'providers', 'json-api'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'providers', 'json-api', 'provider.config.json'),
        JSON.stringify({ name: 'json-api', baseUrl: 'http://127.0.0.1:8080' }),
      );
      fs.mkdirSync(path.join(dir, 'providers', 'ts-api'), { recursive: true });
      // A type annotation and an interface: only a TypeScript compiler reads this file.
      fs.writeFileSync(
        path.join(dir, 'providers', 'ts-api', 'provider.config.ts'),
        `interface Config { name: string; baseUrl: string }\nconst config: Config = { name: 'ts-api', baseUrl: 'http://127.0.0.1:8081' };\nexport default config;\n`,
      );
      const load = (name: string): Loaded =>
        loadedBy(
          `require(${JSON.stringify(path.join(ROOT, 'dist', 'io', 'verifier', 'config.js'))}).loadProviderConfig(process.cwd(), ${JSON.stringify(name)}).then((c) => process.stdout.write(JSON.stringify(c)));`,
          [],
          dir,
        );
      const json = load('json-api');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ name: 'json-api', baseUrl: 'http://127.0.0.1:8080' });
      expect(json.packages.has('tsx')).toBe(false);
      const ts = load('ts-api');
      expect(ts.stderr).toBe('');
      expect(ts.code).toBe(0);
      expect(JSON.parse(ts.stdout)).toMatchObject({ name: 'ts-api', baseUrl: 'http://127.0.0.1:8081' });
      expect(ts.packages.has('tsx')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
