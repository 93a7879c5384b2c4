// A clean install, checked with the machine's own npm and Node (not the Node 24 the npm scripts get):
// - package-lock.json holds every platform's optional packages: `npm install` on a fresh checkout (no
//   node_modules) leaves it byte-identical, and `npm ci` accepts it;
// - installing warns about no engine of cxpact itself, and any other engine warning is about the Node running npm
//   only: the Node 24 the npm scripts run on satisfies every range;
// - npm scripts really run on the Node of the `node` package;
// - `npm run test:unit` selects the unit tests alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChild, stepFailure, type ChildRun } from '../helpers/child';

const REPO = path.resolve(__dirname, '..', '..');
const NODE_PKG_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'node', 'package.json'), 'utf8')) as { version: string }).version;

/** Our environment without what `npm test` adds: no node_modules/.bin on PATH (so npm runs on the machine's Node), no npm_* settings. */
function machineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile', 'npm_config_registry', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy']);
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.has(k.toLowerCase())) env[k] = v;
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.split(path.sep).includes('node_modules') && !dir.includes(`${path.sep}node-gyp-bin`))
    .join(path.delimiter);
  env.npm_config_update_notifier = 'false';
  return env;
}

async function npm(args: string[], cwd: string): Promise<ChildRun> {
  const r = await runChild('npm', args, { cwd, env: machineEnv(), timeoutMs: 180_000, what: `npm ${args.join(' ')}` });
  return r;
}

function mustSucceed(what: string, r: ChildRun): void {
  const failure = stepFailure(what, r);
  if (failure !== undefined) throw new Error(failure);
}

/** `>=N[.M[.P]]` ranges (the only form the tree's failing engines use); anything else is reported, not guessed. */
function satisfiesAtLeast(version: string, range: string): boolean {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (m === null) throw new Error(`engine range "${range}" is not of the form >=N: extend this check`);
  const want = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  return true;
}

describe('a clean install with the machine’s npm', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-clean-install-'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) if (fs.existsSync(path.join(REPO, f))) fs.copyFileSync(path.join(REPO, f), path.join(scratch, f));
  });

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('`npm install` on a fresh checkout leaves package-lock.json as committed, and warns about no engine of cxpact', async () => {
    const r = await npm(['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], scratch);
    mustSucceed('npm install --package-lock-only', r);
    const before = fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8');
    const after = fs.readFileSync(path.join(scratch, 'package-lock.json'), 'utf8');
    if (after !== before) {
      const added = after.split('\n').length - before.split('\n').length;
      throw new Error(`npm install rewrote package-lock.json (${added >= 0 ? '+' : ''}${added} lines): commit the lock npm writes on a fresh checkout`);
    }
    const warnings = [...(r.stdout + r.stderr).matchAll(/EBADENGINE\s+package: '([^']+)',\nnpm warn EBADENGINE\s+required: \{ node: '([^']+)'/g)].map((m) => ({ pkg: m[1]!, node: m[2]! }));
    expect(warnings.filter((w) => w.pkg.startsWith('cxpact@'))).toEqual([]);
    // What remains (packages needing a newer Node than the one running npm) is met where they run: Node 24.
    for (const w of warnings) expect({ ...w, satisfiedBy: NODE_PKG_VERSION, ok: satisfiesAtLeast(NODE_PKG_VERSION, w.node) }).toMatchObject({ ok: true });
    expect((r.stdout + r.stderr).match(/EBADENGINE/g)?.length ?? 0).toBe(warnings.length * 5);
  }, 200_000);

  test('`npm ci` accepts the lock as it is', async () => {
    fs.copyFileSync(path.join(REPO, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    const r = await npm(['ci', '--dry-run', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], scratch);
    mustSucceed('npm ci --dry-run', r);
  }, 200_000);

  test('npm scripts run on the Node of the `node` package, whatever Node runs npm', async () => {
    const r = await npm(['exec', '--', 'node', '-p', 'process.version'], REPO);
    mustSucceed('npm exec -- node -p process.version', r);
    expect(r.stdout.trim()).toBe(`v${NODE_PKG_VERSION}`);
    expect(process.version).toBe(`v${NODE_PKG_VERSION}`);
  }, 200_000);

  test('`npm run test:unit` selects the unit project alone', async () => {
    const r = await npm(['run', '--silent', 'test:unit', '--', '--listTests'], REPO);
    mustSucceed('npm run test:unit -- --listTests', r);
    const files = r.stdout
      .split('\n')
      .filter((l) => l.startsWith(REPO))
      .map((f) => path.relative(REPO, f));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => f.startsWith('src/'))).not.toEqual([]);
    expect(files.filter((f) => /^test\/(e2e|package|broker\/(?!semantics))/.test(f))).toEqual([]);
    expect(files).not.toContain('test/suite/clean-install.test.ts');
  }, 200_000);
});
