// Fuzz test (issue 11): 300+ deterministic mutants of real Data Action definitions (test/fuzz/mutants.ts) in one
// folder beside good actions, through `cxpact lint` and `cxpact consumer` (one real process each, over the whole
// folder) and `cxpact run` (in-process, once per mutant). Every run ends with exit 0 or 1, names the file, shows no
// stack trace or raw JavaScript error, and the good actions beside the mutants are still checked: their lint
// findings are the same as when linted alone, and their pacts are written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lintDataActions } from '../../src/io/lint-run';
import { cxpactArgs } from '../helpers/cli-bin';
import { captureCli } from '../helpers/cli-run';
import { buildMutants, GOOD_DIR, type Mutant } from './mutants';

const SEED = 11;
/** A small time budget keeps the runaway mutants (JSONata recursion, huge loops) quick; the defaults are 10 s. */
const BUDGET = ['--budget-time-ms', '1500'];
/** What must never reach a user: stack frames and raw JavaScript errors. */
const RAW =
  /\n\s+at .+[:(]\d+:\d+\)?|Maximum call stack|Invalid string length|Invalid array length|TimeoutError|RangeError|heap out of memory|Internal error/;

let dir: string;
let mutantsDir: string;
let mutants: Mutant[];
const goodFiles = fs.readdirSync(GOOD_DIR).filter((f) => f.endsWith('.json') && !f.endsWith('.cases.json'));

function slug(m: Mutant): string {
  return m.file.replace(/\.(json|tf)$/, '');
}

function write(file: string, content: unknown): void {
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
}

/** Runs the real CLI as its own process (group), killed with its children when it outlives `timeoutMs`. */
function cli(args: string[], timeoutMs = 400_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cxpactArgs(args), {
      cwd: dir,
      env: { ...process.env, CXPACT_DEBUG: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // the group ended with the CLI
      }
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-fuzz-'));
  mutantsDir = path.join(dir, 'data-actions', 'mutants');
  fs.mkdirSync(mutantsDir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'data-actions', 'good'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  mutants = buildMutants(SEED);
  for (const m of mutants) {
    fs.writeFileSync(path.join(mutantsDir, m.file), m.content);
    if (m.cases !== undefined) write(path.join(mutantsDir, `${slug(m)}.cases.json`), m.cases);
    if (m.jsonata !== undefined) fs.writeFileSync(path.join(mutantsDir, `${slug(m)}.jsonata`), m.jsonata);
    write(path.join(dir, 'run', `${slug(m)}.input.json`), m.input);
    if (m.response !== undefined) write(path.join(dir, 'run', `${slug(m)}.response.json`), m.response);
  }
  // Good actions in a folder of their own, and the same actions beside the mutants (one pact mixes both).
  for (const f of fs.readdirSync(GOOD_DIR)) {
    fs.copyFileSync(path.join(GOOD_DIR, f), path.join(dir, 'data-actions', 'good', f));
    fs.copyFileSync(path.join(GOOD_DIR, f), path.join(mutantsDir, f));
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('fuzz: mutated real definitions beside good ones', () => {
  it('has at least 300 mutants covering every category of issue 11, deterministically', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(300);
    const categories = new Set(
      mutants.map((m) => m.category.replace(/-\d+$/, '').replace(/^loop-(requestTemplate|successTemplate)$/, 'loop')),
    );
    for (const c of [
      'truncated',
      'wrong-type',
      'velocity-unbalanced',
      'jsonpath-invalid',
      'unicode',
      'bom-nul',
      'field-deleted',
      'regex-jsonpath',
      'regex-velocity-matches',
      'regex-velocity-replace',
      'regex-schema',
      'regex-jsonata',
      'loop',
      'jsonata-runaway',
      'deep-unclosed-brackets',
      'deep-terraform',
      'deep-input-schema',
      'self-ref-input-schema',
      'deep-success-output',
      'huge-name',
      'huge-url',
      'huge-template',
      'huge-header',
      'many-headers',
      'big-enum',
    ]) {
      expect(categories).toContain(c);
    }
    expect(buildMutants(SEED).map((m) => m.content)).toEqual(mutants.map((m) => m.content));
  });

  it('lint: one run over the folder names every mutant, shows no raw error, and still lints the good files', async () => {
    const r = await cli(['lint', '--data-actions', 'data-actions', '--format', 'json', ...BUDGET]);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      findings: { file: string; code: string; severity: string; path: string; message: string }[];
      actions: { file: string }[];
    };
    const named = new Set([
      ...report.findings.map((f) => path.basename(f.file)),
      ...report.actions.map((a) => path.basename(a.file)),
    ]);
    for (const m of mutants) {
      expect({ file: m.file, named: named.has(m.file) }).toEqual({ file: m.file, named: true });
      if (m.refused)
        expect({
          file: m.file,
          error: report.findings.some((f) => path.basename(f.file) === m.file && f.severity === 'error'),
        }).toEqual({ file: m.file, error: true });
    }
    // The good files are linted exactly as when they are linted alone.
    const alone = await lintDataActions(path.join(dir, 'data-actions', 'good'));
    const key = (f: { file: string; code: string; path: string }): string =>
      `${path.basename(f.file)} ${f.code} ${f.path}`;
    const inGood = report.findings
      .filter((f) => f.file.includes(`${path.sep}good${path.sep}`))
      .map(key)
      .sort();
    expect(inGood).toEqual(alone.findings.map((f) => key({ file: f.at.file, code: f.code, path: f.at.path })).sort());
    for (const f of goodFiles)
      expect(report.actions.map((a) => a.file)).toContain(path.join('data-actions', 'good', f));
    // The hostile shapes lint warns about before anything runs.
    const codes = new Set(report.findings.map((f) => f.code));
    for (const c of [
      'lint.regex.catastrophic',
      'lint.template.loop-huge',
      'lint.template.loop-unbounded',
      'lint.jsonata.recursion-unbounded',
      'limit.size',
      'limit.depth',
    ])
      expect(codes).toContain(c);
  }, 420_000);

  it("consumer: one run over the folder reports every mutant, shows no raw error, and writes the good actions' pacts", async () => {
    const r = await cli(['consumer', '--data-actions', 'data-actions', '--pacts', 'pacts', '--json', ...BUDGET]);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      actions: {
        file: string;
        provider: string;
        ok: boolean;
        errors: { code: string }[];
        cases: { ok: boolean; checkedBy: string; problems: { code: string }[] }[];
      }[];
      pacts: { provider: string; interactions: number; pactFile?: string }[];
    };
    const byFile = new Map<string, (typeof report.actions)[number][]>();
    for (const a of report.actions)
      byFile.set(path.basename(a.file), [...(byFile.get(path.basename(a.file)) ?? []), a]);
    for (const m of mutants) {
      const reports = byFile.get(m.file) ?? [];
      expect({ file: m.file, reported: reports.length > 0 }).toEqual({ file: m.file, reported: true });
      if (m.refused) expect({ file: m.file, ok: reports.some((a) => a.ok) }).toEqual({ file: m.file, ok: false });
    }
    // Every budget and limit shows up as a finding, not as a hang.
    const codes = new Set(
      report.actions.flatMap((a) => [
        ...a.errors.map((e) => e.code),
        ...a.cases.flatMap((c) => c.problems.map((p) => p.code)),
      ]),
    );
    for (const c of ['budget.steps', 'limit.output', 'limit.depth', 'limit.size']) expect(codes).toContain(c);
    // The good actions pass in both folders and their pacts are written.
    const good = report.actions.filter((a) => goodFiles.includes(path.basename(a.file)));
    expect(good).toHaveLength(goodFiles.length * 2);
    expect(good.every((a) => a.ok)).toBe(true);
    // Every case of the good actions that the pact checks (the rest are checked by the emulator only).
    const goodCases = report.actions
      .filter((a) => a.provider === 'good')
      .reduce((n, a) => n + a.cases.filter((c) => c.checkedBy === 'pact').length, 0);
    expect(goodCases).toBeGreaterThan(0);
    const goodPact = report.pacts.find((p) => p.provider === 'good');
    expect(goodPact?.interactions).toBe(goodCases);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'pacts', 'genesys-data-actions-good.json'), 'utf8')) as {
      interactions: unknown[];
    };
    expect(written.interactions).toHaveLength(goodCases);
    const mixed = JSON.parse(fs.readFileSync(path.join(dir, 'pacts', 'genesys-data-actions-mutants.json'), 'utf8')) as {
      interactions: { description: string }[];
    };
    expect(mixed.interactions.length).toBeGreaterThanOrEqual(goodCases);
  }, 420_000);

  it('run: every mutant ends with exit 0 or 1, JSON output and no raw error; refused ones name the file', async () => {
    const failures: string[] = [];
    for (const m of mutants) {
      const args = [
        'run',
        path.join(mutantsDir, m.file),
        '--input',
        path.join('run', `${slug(m)}.input.json`),
        '--json',
        ...BUDGET,
      ];
      if (m.response !== undefined) args.push('--response', path.join('run', `${slug(m)}.response.json`));
      const r = await captureCli(args, {}, dir);
      const problems: string[] = [];
      if (r.code !== 0 && r.code !== 1) problems.push(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
      if (RAW.test(r.stdout) || RAW.test(r.stderr))
        problems.push(`raw error: ${(r.stdout + r.stderr).match(RAW)?.[0]}`);
      let result: { valid: boolean; errors: { file?: string; message: string }[] } | undefined;
      try {
        result = JSON.parse(r.stdout) as typeof result;
      } catch {
        problems.push(`stdout is not JSON: ${r.stdout.slice(0, 200)}`);
      }
      if (m.refused && result !== undefined) {
        if (r.code !== 1 || result.valid) problems.push('accepted');
        else if (
          !result.errors.some(
            (e) => (e.file !== undefined && path.basename(e.file) === m.file) || e.message.includes(m.file),
          )
        )
          problems.push(`no error names the file: ${JSON.stringify(result.errors).slice(0, 300)}`);
      }
      if (problems.length > 0) failures.push(`${m.file}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 420_000);
});
