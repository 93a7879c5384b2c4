// A clean install, checked with the machine's own npm and Node (not the Node 24 the npm scripts get):
// - package-lock.json holds every platform's optional packages: `npm install` on a fresh checkout (no
//   node_modules) leaves it byte-identical, and `npm ci` accepts it;
// - installing warns about no engine at all (EBADENGINE) on the machine's Node 20, and the lock holds no engine
//   range that only the bundled Node 24 meets (scripts/lock-engines.js --check);
// - npm scripts really run on the Node of the `node` package;
// - `npm run test:unit` selects the unit tests alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChild, stepFailure, type ChildRun } from '../helpers/child';

const REPO = path.resolve(__dirname, '..', '..');
const NODE_PKG_VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'node', 'package.json'), 'utf8')) as { version: string }
).version;

/** Our environment without what `npm test` adds: no node_modules/.bin on PATH (so npm runs on the machine's Node), no npm_* settings. */
function machineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
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

describe('a clean install with the machine’s npm', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-clean-install-'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc'])
      if (fs.existsSync(path.join(REPO, f))) fs.copyFileSync(path.join(REPO, f), path.join(scratch, f));
  });

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('`npm install` on a fresh checkout leaves package-lock.json as committed, and warns about no engine of cxpact', async () => {
    const r = await npm(
      ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      scratch,
    );
    mustSucceed('npm install --package-lock-only', r);
    const before = fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8');
    const after = fs.readFileSync(path.join(scratch, 'package-lock.json'), 'utf8');
    if (after !== before) {
      const added = after.split('\n').length - before.split('\n').length;
      throw new Error(
        `npm install rewrote package-lock.json (${added >= 0 ? '+' : ''}${added} lines): commit the lock npm writes on a fresh checkout`,
      );
    }
    // No engine warning at all on the machine's Node: the lock carries no range that only the bundled Node 24 meets
    // (scripts/lock-engines.js, decision 0001), and nothing of cxpact's own.
    expect((r.stdout + r.stderr).split('\n').filter((l) => /EBADENGINE/.test(l))).toEqual([]);
  }, 200_000);

  test('the lock holds no engine range only the bundled Node meets (npm run lock:engines fixes it)', async () => {
    const r = await runChild(process.execPath, [path.join(REPO, 'scripts', 'lock-engines.js'), '--check'], {
      cwd: REPO,
      timeoutMs: 60_000,
      what: 'lock-engines --check',
    });
    mustSucceed('node scripts/lock-engines.js --check', r);
    const { satisfies } = require('../../scripts/lock-engines.js') as {
      satisfies: (v: string, range: string) => boolean | undefined;
    };
    // The forms the check reads, so it cannot pass by reading nothing.
    expect([
      satisfies('20.0.0', '>=22'),
      satisfies('24.1.0', '>=22'),
      satisfies('20.0.0', '>= 0.6'),
      satisfies('20.0.0', '^18 || ^20'),
      satisfies('24.1.0', '^20.19.0 || >=22.12.0'),
      satisfies('20.0.0', 'lts/*'),
    ]).toEqual([false, true, true, true, true, undefined]);
  }, 200_000);

  test('`npm ci` accepts the lock as it is', async () => {
    fs.copyFileSync(path.join(REPO, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    const r = await npm(
      ['ci', '--dry-run', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      scratch,
    );
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
