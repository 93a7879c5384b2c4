// The test suite's own guards, proven on deliberately bad test files (test/fixtures/suite-checks), run by a nested
// jest with the repository's environment, runner and reporters:
// - a child left running by a test file fails that file, named, and is killed (detached in its own process group,
//   or orphaned to init by a shell that exited); one hidden from the per-file check fails the run at the end;
// - a timer left running (what keeps a worker from exiting) fails its file, named;
// - a child that exits within the grace period after its test, and children stopped properly, do not;
// - raw output (what native code writes to the file descriptors) and console output show for a failing file only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'suite-checks');
const JEST = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const SLEEPS = ['sleep 4242', 'sleep 4343', 'sleep 4444', 'sleep 4646'];

function alive(cmd: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === cmd)
        pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

interface Run {
  code: number | null;
  output: string;
}

function runFixtures(): Promise<Run> {
  // A fresh cache: with timings of earlier fast runs jest would run the files in band (no workers, no capture).
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-suite-checks-'));
  return new Promise<Run>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CXPACT_LEAK_GRACE_MS: '3000', FORCE_COLOR: '0', NO_COLOR: '1' };
    // Nothing of this run's own jest or suite settings (output capture, marks, a CPU profile) leaks into the nested one.
    for (const k of Object.keys(env))
      if (k.startsWith('JEST_') || (k.startsWith('CXPACT_') && k !== 'CXPACT_LEAK_GRACE_MS')) delete env[k];
    const child = spawn(
      process.execPath,
      [JEST, '-c', path.join(FIXTURES, 'jest.config.js'), '--ci', '--cacheDirectory', cache],
      { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  }).finally(() => fs.rmSync(cache, { recursive: true, force: true }));
}

const describeOnLinux = fs.existsSync('/proc/self/stat') ? describe : describe.skip;

describeOnLinux('the suite checks, on a jest run of deliberately bad test files', () => {
  let run: Run;

  beforeAll(async () => {
    for (const s of SLEEPS) expect(alive(s)).toEqual([]);
    run = await runFixtures();
  }, 150_000);

  afterAll(() => {
    // Should the check have failed to kill them, this test must not leak them itself.
    for (const s of SLEEPS) for (const pid of alive(s)) process.kill(pid, 'SIGKILL');
  });

  test('the run fails', () => {
    expect(run.code).toBe(1);
    // clean (2 tests), noisy-pass and leaks-unmarked pass; noisy-fail's test and the three leaking files fail.
    expect(run.output).toMatch(/^jest: 4 passed, 4 failed$/m);
  });

  test('a detached child left running fails its file, named by its command line', () => {
    expect(run.output).toMatch(
      /FAIL .*leaks-detached\.fixture\.js\n\s+● Test suite failed to run\n\s+1 child process\(es\) outlived this test file/,
    );
    expect(run.output).toMatch(/pid \d+ \(parent \d+, process group (\d+)\): sleep 4242/);
  });

  test('an orphan re-parented to init is still found (by the mark it inherited) and fails its file', () => {
    expect(run.output).toMatch(/FAIL .*leaks-orphan\.fixture\.js/);
    expect(run.output).toMatch(/pid \d+ \(parent 1, process group \d+\): sleep 4343/);
  });

  test('an orphan hidden from the per-file check fails the run in the global teardown', () => {
    expect(run.output).toMatch(/PASS .*leaks-unmarked\.fixture\.js/);
    expect(run.output).toMatch(
      /1 process\(es\) started by the tests outlived the test run \(now killed\):\n\s+pid \d+ \(parent 1, process group \d+\): sleep 4646/,
    );
  });

  test('a timer left running fails its file, named, instead of an anonymous "worker failed to exit"', () => {
    expect(run.output).toMatch(
      /FAIL .*leaks-timer\.fixture\.js\n\s+● Test suite failed to run\n\s+This test file left handles that keep the jest worker alive[^\n]*: 1 x Timeout \(a timer: clearTimeout/,
    );
  });

  test('every leaked process was killed', () => {
    for (const s of SLEEPS) expect(alive(s)).toEqual([]);
  });

  test('children stopped by their test, even one slow to exit, pass', () => {
    expect(run.output).toMatch(/PASS .*clean\.fixture\.js/);
    expect(run.output).not.toContain('sleep 4444');
  });

  test('raw and console output show for a failing file only', () => {
    expect(run.output).toMatch(/FAIL .*noisy-fail\.fixture\.js/);
    expect(run.output).toContain('CONSOLE-OF-A-FAILING-FILE');
    const block =
      /── output of noisy-fail\.fixture\.js outside jest's console[^\n]*\n([\s\S]*?)── end of output ──/.exec(
        run.output,
      );
    expect(block?.[1]?.split('\n').filter(Boolean).sort()).toEqual([
      'RAW-STDERR-OF-A-FAILING-FILE',
      'RAW-STDOUT-OF-A-FAILING-FILE',
    ]);
    expect(run.output).toMatch(/PASS .*noisy-pass\.fixture\.js/);
    expect(run.output).not.toContain('OF-A-PASSING-FILE');
  });
});
