// scripts/fresh-build.js, the guard that keeps dist/ in step with src/ (bin/cxpact.js in a checkout, prepare,
// pretest), on a scratch project of its own (a copy of the scripts and the tsconfigs, two small sources), so it
// never touches this repository's dist/: builds when stale, not when fresh, removes outputs of deleted sources,
// rebuilds after an edit, reports a source that does not compile, and writes the packs (dist/packs/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

let project: string;

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
  fs.writeFileSync(path.join(project, rel), text);
}

/** Sets a file's modification time `seconds` from now (so an "edit" is newer than the last build's stamp). */
function touch(rel: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(path.join(project, rel), when, when);
}

function freshBuild(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(project, 'scripts', 'fresh-build.js'), ...args], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const out = (rel: string): string => fs.readFileSync(path.join(project, 'dist', rel), 'utf8');

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-fresh-build-'));
  fs.mkdirSync(path.join(project, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'fresh-build.js'), path.join(project, 'scripts', 'fresh-build.js'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'module-pack.js'), path.join(project, 'scripts', 'module-pack.js'));
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { target: 'ES2023', module: 'commonjs', strict: true, types: [], rootDir: '.', outDir: 'dist' },
      include: ['src'],
    }),
  );
  write(
    'tsconfig.build.json',
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false },
      include: ['src'],
      exclude: ['src/**/*.test.ts'],
    }),
  );
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  write('src/a.ts', "export const a: string = 'one';\n");
  write('src/lib/b.ts', 'export const b: number = 1;\n');
  write('src/a.test.ts', "import { a } from './a';\nvoid a;\n");
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('scripts/fresh-build.js', () => {
  it('builds a missing dist/ (tests excluded), then does nothing while the sources are unchanged', () => {
    expect(freshBuild().code).toBe(0);
    expect(out('a.js')).toContain("'one'");
    expect(out('lib/b.js')).toContain('b = 1');
    expect(fs.existsSync(path.join(project, 'dist', 'a.test.js'))).toBe(false);
    const stamp = fs.statSync(path.join(project, 'dist', '.build-stamp')).mtimeMs;
    const again = freshBuild();
    expect(again).toEqual({ code: 0, stderr: '' });
    expect(fs.statSync(path.join(project, 'dist', '.build-stamp')).mtimeMs).toBe(stamp);
  });

  it('an edited test file alone is not a reason to build; an edited source is compiled, the outputs of a deleted one removed', () => {
    write('src/a.test.ts', "import { a } from './a';\nvoid a; // edited\n");
    touch('src/a.test.ts', 5);
    const stamp = fs.statSync(path.join(project, 'dist', '.build-stamp')).mtimeMs;
    expect(freshBuild()).toEqual({ code: 0, stderr: '' });
    expect(fs.statSync(path.join(project, 'dist', '.build-stamp')).mtimeMs).toBe(stamp);
    write('src/a.ts', "export const a: string = 'two';\n");
    touch('src/a.ts', 10);
    fs.rmSync(path.join(project, 'src', 'lib', 'b.ts'));
    touch('src/lib', 10);
    expect(freshBuild().code).toBe(0);
    expect(out('a.js')).toContain("'two'");
    expect(fs.existsSync(path.join(project, 'dist', 'lib'))).toBe(false);
  });

  it('a source with a type error: the build fails naming the error, and so does the next run until it is fixed', () => {
    write('src/a.ts', "export const a: number = 'three';\n");
    touch('src/a.ts', 20);
    const failed = freshBuild();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/src\/a\.ts.*TS2322/);
    expect(failed.stderr).toContain('the TypeScript build failed');
    expect(freshBuild().code).toBe(1);
  });

  it('--clean removes dist/ and builds everything', () => {
    write('src/a.ts', 'export const a: number = 3;\n');
    fs.writeFileSync(path.join(project, 'dist', 'left-over.js'), '');
    expect(freshBuild('--clean').code).toBe(0);
    expect(fs.existsSync(path.join(project, 'dist', 'left-over.js'))).toBe(false);
    expect(out('a.js')).toContain('a = 3');
  });

  it('a build writes the packs; run as a script, it rewrites a pack that is stale or missing (and compiles nothing)', () => {
    const pack = path.join(project, 'dist', 'packs', 'ajv-draft-04.js');
    // Every input older than the last build's stamp: dist/ is fresh, only the packs are looked at.
    for (const rel of ['src', 'src/lib', 'src/a.ts', 'src/a.test.ts', 'tsconfig.json', 'tsconfig.build.json'])
      if (fs.existsSync(path.join(project, rel))) touch(rel, -600);
    // In a process of its own: jest keeps the text of a file it has read for the whole test file.
    const matchesInstalled = (): string =>
      spawnSync(
        process.execPath,
        ['-p', `require(${JSON.stringify(pack)}).matchesInstalled(${JSON.stringify(project)})`],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(matchesInstalled()).toBe('true');
    const text = fs.readFileSync(pack, 'utf8');
    fs.writeFileSync(pack, text.replace(/"ajv":\{"version":"[^"]+"/, '"ajv":{"version":"0.0.1"'));
    expect(matchesInstalled()).toBe('false');
    expect(freshBuild()).toEqual({ code: 0, stderr: '' });
    expect(fs.readFileSync(pack, 'utf8')).toBe(text);
    fs.rmSync(path.join(project, 'dist', 'packs'), { recursive: true });
    expect(freshBuild()).toEqual({ code: 0, stderr: '' });
    expect(fs.readFileSync(pack, 'utf8')).toBe(text);
  });
});
