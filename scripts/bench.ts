// npm run bench [-- --json <file>] [-- --sizes 100,1000] [-- --per-file 30] [-- --startup-runs 15] [-- --startup-only]
//
// Generates realistic synthetic Data Actions into a temp dir and measures, in one run:
//   * start-up: the CPU time (user + system, of the whole process) of `cxpact --help` and of `cxpact run` of one
//     action offline, each as a ratio to a bare `node -e 0` on the same Node, runs interleaved; for the installed
//     package (bin/ + dist/ under node_modules/cxpact) and for this checkout's bin (which first checks that dist/
//     is up to date with src/);
//   * cxpact's consumer engine (the code behind `npm run pact:consumer`, compiled as the CLI runs it) in a child
//     process, for N = 100 and 1000: wall time, time per action and peak RSS (process.resourceUsage().maxRSS inside
//     the child);
//   * the pact-js tutorial way (one jest test file per action, PactV4 + executeTest) for a smaller N, extrapolated
//     per action, with the peak RSS of the whole jest process tree;
// and prints tables plus the ratio per-file ms / cxpact ms per action. A benchmark, never a test assertion.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

// ---------------------------------------------------------------------------------------------------------------
// Synthetic actions: a mix of shapes seen in the corpus (GET lookups with query/path params, POST creates with JSON
// bodies, Bearer credentials, nested fields, enums, integers, booleans, arrays read through filters, defaults).

interface Field {
  name: string;
  path: string;
  schema: Record<string, unknown>;
  value: unknown;
  def?: string;
}

function fieldsFor(i: number): Field[] {
  const fields: Field[] = [
    { name: 'id', path: '$.data.id', schema: { type: 'string' }, value: `R-${i}` },
    { name: 'name', path: '$.data.attributes.name', schema: { type: 'string' }, value: `Name ${i}` },
    {
      name: 'status',
      path: '$.data.status',
      schema: { type: 'string', enum: ['Active', 'Suspended', 'Closed'] },
      value: 'Active',
    },
    { name: 'count', path: '$.data.stats.count', schema: { type: 'integer' }, value: i % 17, def: '0' },
  ];
  if (i % 2 === 0)
    fields.push({
      name: 'flagged',
      path: '$.data.flags.flagged',
      schema: { type: 'boolean' },
      value: false,
      def: 'false',
    });
  if (i % 3 === 0) fields.push({ name: 'score', path: '$.data.stats.score', schema: { type: 'number' }, value: 4.5 });
  if (i % 4 === 0)
    fields.push({
      name: 'tags',
      path: "$.data.items[?(@.kind == 'tag')].label",
      schema: { type: 'array', items: { type: 'string' } },
      value: null,
    });
  return fields;
}

function syntheticAction(i: number): { definition: unknown; cases?: unknown } {
  const fields = fieldsFor(i);
  const post = i % 3 === 1;
  const translationMap: Record<string, string> = {};
  const defaults: Record<string, string> = {};
  for (const f of fields) {
    translationMap[f.name] = f.path;
    if (f.def !== undefined) defaults[f.name] = f.def;
  }
  const successTemplate = `{${fields.map((f) => `"${f.name}": \${${f.name}}`).join(', ')}}`;
  const definition = {
    name: `Synthetic Action ${i}`,
    integrationType: 'custom-rest-actions',
    actionType: 'custom',
    config: {
      request: {
        requestUrlTemplate: post
          ? `https://api.example.com/v1/resources${i}`
          : `https://api.example.com/v1/resources${i}/\${input.resourceId}?expand=$esc.url(\${input.expand})`,
        requestType: post ? 'POST' : 'GET',
        headers: { Authorization: 'Bearer ${credentials.apiKey}', 'Content-Type': 'application/json' },
        requestTemplate: post
          ? '{"resourceId": "$esc.jsonString(${input.resourceId})", "expand": "$esc.jsonString(${input.expand})", "limit": ${input.limit}}'
          : '${input.rawRequest}',
      },
      response: { translationMap, translationMapDefaults: defaults, successTemplate },
    },
    contract: {
      input: {
        inputSchema: {
          type: 'object',
          required: ['resourceId'],
          properties: {
            resourceId: { type: 'string', examples: [`RES-${i}`] },
            expand: { type: 'string', enum: ['summary', 'full'] },
            limit: { type: 'integer', default: 10 },
          },
        },
      },
      output: {
        successSchema: {
          type: 'object',
          required: fields.map((f) => f.name),
          properties: Object.fromEntries(fields.map((f) => [f.name, f.schema])),
        },
      },
    },
    secure: false,
  };
  // Half the actions carry a hand-written cases file, half use derived cases.
  if (i % 2 === 1) return { definition };
  const body: Record<string, unknown> = {
    data: {
      id: `R-${i}`,
      status: 'Active',
      attributes: { name: `Name ${i}`, createdAt: '2026-01-01T00:00:00Z', owner: 'someone' },
      stats: { count: i % 17, score: 4.5, unused: 1 },
      flags: { flagged: false },
      items: [
        { kind: 'tag', label: 'gold' },
        { kind: 'note', label: 'n' },
      ],
    },
  };
  const input = { resourceId: `RES-${i}`, expand: 'full', limit: 5 };
  const cases = {
    cases: [
      {
        name: 'found',
        description: `a lookup of resource ${i}`,
        providerState: { name: `resource RES-${i} exists`, params: { id: `RES-${i}` } },
        input,
        response: { status: 200, headers: { 'Content-Type': 'application/json' }, body },
      },
      {
        name: 'missing',
        kind: 'failure',
        description: `a lookup of a missing resource`,
        providerState: { name: `resource RES-${i} does not exist` },
        input,
        response: { status: 404 },
      },
    ],
  };
  return { definition, cases };
}

export function generateActions(dir: string, n: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const providers = Math.max(1, Math.min(20, Math.ceil(n / 50)));
  for (let i = 0; i < n; i++) {
    const folder = path.join(dir, `provider-${i % providers}`);
    fs.mkdirSync(folder, { recursive: true });
    const { definition, cases } = syntheticAction(i);
    fs.writeFileSync(path.join(folder, `action-${i}.json`), JSON.stringify(definition, null, 2));
    if (cases !== undefined)
      fs.writeFileSync(path.join(folder, `action-${i}.cases.json`), JSON.stringify(cases, null, 2));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The per-file way: what the pact-js tutorials show, one jest test file per action.

function perFileTest(i: number): string {
  const fields = fieldsFor(i).filter((f) => !f.path.includes('?'));
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const keys = f.path.replace(/^\$\./, '').split('.');
    let cur = body;
    keys.slice(0, -1).forEach((k) => {
      cur[k] ??= {};
      cur = cur[k] as Record<string, unknown>;
    });
    const last = keys[keys.length - 1] as string;
    const matcher =
      f.schema['type'] === 'integer'
        ? `MatchersV3.integer(${JSON.stringify(f.value)})`
        : f.schema['type'] === 'number'
          ? `MatchersV3.decimal(${JSON.stringify(f.value)})`
          : `MatchersV3.like(${JSON.stringify(f.value)})`;
    cur[last] = `__M__${matcher}__M__`;
  }
  const bodyText = JSON.stringify(body).replace(/"__M__(.*?)__M__"/g, (_, m: string) => m.replace(/\\"/g, '"'));
  return `import { PactV4, MatchersV3 } from '@pact-foundation/pact';
import path from 'node:path';
import axios from 'axios';

const provider = new PactV4({ consumer: 'genesys-data-actions', provider: 'provider-${i}', dir: path.resolve(__dirname, 'pacts'), logLevel: 'error' });

describe('Synthetic Action ${i}', () => {
  it('returns the resource', async () => {
    await provider
      .addInteraction()
      .given('resource RES-${i} exists')
      .uponReceiving('a lookup of resource ${i}')
      .withRequest('GET', '/v1/resources${i}/RES-${i}', (builder) => {
        builder.query({ expand: 'full' });
        builder.headers({ Authorization: MatchersV3.regex('^Bearer .+$', 'Bearer token') });
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': 'application/json' });
        builder.jsonBody(${bodyText});
      })
      .executeTest(async (mockServer) => {
        const res = await axios.get(mockServer.url + '/v1/resources${i}/RES-${i}?expand=full', { headers: { Authorization: 'Bearer token' } });
        expect(res.data.data.id).toBeDefined();
      });
  });
});
`;
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring.

/** Sum of RSS (MB) of a process and its descendants, read from /proc. */
function treeRssMb(rootPid: number): number {
  let total = 0;
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(after[1]);
      const pages = Number(after[21]);
      const pid = Number(entry);
      rss.set(pid, (pages * 4096) / (1024 * 1024));
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
    } catch {
      // process ended while reading
    }
  }
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string; wallMs: number; peakTreeMb: number }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRssMb(child.pid));
    }, 50);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? 1, stdout, stderr, wallMs: performance.now() - start, peakTreeMb: peak });
    });
  });
}

interface ConsumerFigures {
  n: number;
  /** Wall time of the whole child process (startup, module loading, FFI load, run, pact writing). */
  wall_s: number;
  /** Wall time of the consumer engine itself (runConsumerContracts). */
  engine_s: number;
  /** Engine wall time per action. */
  per_action_ms: number;
  /** CPU time (user + system, all threads incl. the mock servers) per action: independent of machine load. */
  cpu_ms_per_action: number;
  peak_rss_mb: number;
  cases: number;
  passed: number;
}

/** The child: runs the consumer engine in-process (the compiled code the CLI runs) and prints its own figures. */
async function child(dataActionsDir: string, pactsDir: string): Promise<void> {
  const { runConsumerContracts } = require(
    path.join(ROOT, 'dist', 'io', 'consumer-run'),
  ) as typeof import('../src/io/consumer-run');
  const { defaultEngine } = require(
    path.join(ROOT, 'dist', 'io', 'default-engine'),
  ) as typeof import('../src/io/default-engine');
  const engine = await defaultEngine();
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const report = await runConsumerContracts({ dataActionsDir, pactsDir, engine });
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const firstFailure = report.actions.find((a) => !a.ok);
  process.stdout.write(
    `${JSON.stringify({
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      actions: report.totals.actions,
      cases: report.totals.cases,
      passed: report.totals.passed,
      ok: report.ok,
      firstFailure:
        firstFailure === undefined
          ? undefined
          : { name: firstFailure.name, errors: firstFailure.errors, cases: firstFailure.cases.filter((c) => !c.ok) },
    })}\n`,
  );
}

async function measureConsumer(work: string, n: number): Promise<ConsumerFigures> {
  const dir = path.join(work, `actions-${n}`);
  const pacts = path.join(work, `pacts-${n}`);
  generateActions(dir, n);
  const r = await run(process.execPath, ['--import', 'tsx', __filename, '--child', dir, pacts]);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let data: {
    wallMs: number;
    cpuMs: number;
    maxRssMb: number;
    cases: number;
    passed: number;
    ok: boolean;
    firstFailure?: unknown;
  };
  try {
    data = JSON.parse(line);
  } catch {
    throw new Error(`benchmark child failed (exit ${r.code}):\n${r.stderr || r.stdout}`);
  }
  if (!data.ok)
    process.stderr.write(
      `warning: not every synthetic case passed (${data.passed}/${data.cases}); first failure: ${JSON.stringify(data.firstFailure).slice(0, 1500)}\n`,
    );
  return {
    n,
    wall_s: round(r.wallMs / 1000, 3),
    engine_s: round(data.wallMs / 1000, 3),
    per_action_ms: round(data.wallMs / n, 3),
    cpu_ms_per_action: round(data.cpuMs / n, 3),
    peak_rss_mb: round(data.maxRssMb, 1),
    cases: data.cases,
    passed: data.passed,
  };
}

async function measurePerFile(
  work: string,
  n: number,
): Promise<{ n: number; wall_s: number; per_action_ms: number; peak_rss_mb: number; exit: number }> {
  const dir = path.join(work, 'per-file');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `action-${i}.pact.test.ts`), perFileTest(i));
  const config = {
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(ROOT, 'tsconfig.json'), diagnostics: false }] },
    testMatch: ['**/*.pact.test.ts'],
    moduleDirectories: ['node_modules', path.join(ROOT, 'node_modules')],
    cacheDirectory: path.join(dir, '.jest-cache'),
    maxWorkers: 2,
  };
  fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config));
  const jestBin = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const r = await run(process.execPath, [jestBin, '--config', path.join(dir, 'jest.config.json'), '--silent'], {
    cwd: ROOT,
  });
  if (r.code !== 0) process.stderr.write(`warning: per-file jest run exited ${r.code}:\n${r.stderr.slice(-2000)}\n`);
  return {
    n,
    wall_s: round(r.wallMs / 1000, 3),
    per_action_ms: round(r.wallMs / n, 1),
    peak_rss_mb: round(r.peakTreeMb, 1),
    exit: r.code,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Start-up: CPU of whole processes, read from /proc/self/stat (the user and system time of waited-for children,
// in clock ticks): every run is waited for, so each delta is exactly that run's process (threads included).

const TICKS_PER_SECOND = 100;

function childrenCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of stat(5); `fields` starts at field 3.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

function cpuOfRun(cmd: string, args: string[], cwd: string): number {
  const before = childrenCpuMs();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status}:\n${r.stderr.toString()}${r.stdout.toString()}`);
  return childrenCpuMs() - before;
}

interface StartupRow {
  what: string;
  /** Mean CPU ms per run (user + system; /proc counts in 10 ms ticks, the mean over the runs is finer). */
  cpu_ms: number;
  /** Mean CPU of `node -e 0` measured in between. */
  node_ms: number;
  ratio: number;
  target: number;
}

/**
 * The installed package as a backend repository has it: bin/, dist/ and package.json under node_modules/cxpact
 * (its dependencies resolve from this repository's node_modules further up).
 */
function installedCopy(work: string): string {
  const pkg = path.join(work, 'startup', 'node_modules', 'cxpact');
  for (const part of ['bin', 'dist', 'package.json'])
    fs.cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
  return path.join(pkg, 'bin', 'cxpact.js');
}

function measureStartup(work: string, runs: number): StartupRow[] {
  const installed = installedCopy(work);
  const checkout = path.join(ROOT, 'bin', 'cxpact.js');
  // One Data Action of this repository, offline: inputs validated, request rendered, a response translated and the
  // outputs validated (the first case of its cases file).
  const action = path.join(ROOT, 'data-actions', 'crm-customer-api', 'lookup-customer-by-phone.json');
  const kase = (
    JSON.parse(fs.readFileSync(action.replace(/\.json$/, '.cases.json'), 'utf8')) as {
      cases: { input: unknown; response: unknown }[];
    }
  ).cases[0];
  const run = ['run', action, '--input', JSON.stringify(kase?.input), '--response', JSON.stringify(kase?.response)];
  const node = process.execPath;
  const rows: StartupRow[] = [];
  for (const [what, bin, args, target] of [
    ['cxpact --help (installed package)', installed, ['--help'], 2],
    ['cxpact run, one action offline (installed package)', installed, run, 3],
    ['cxpact --help (this checkout: bin/cxpact.js)', checkout, ['--help'], 2],
    ['cxpact run, one action offline (this checkout)', checkout, run, 3],
  ] as [string, string, string[], number][]) {
    // A warm-up run of each (Node's compile cache fills on the first start), then runs interleaved with node -e 0.
    cpuOfRun(node, [bin, ...args], work);
    cpuOfRun(node, ['-e', '0'], work);
    let cpu = 0;
    let base = 0;
    for (let i = 0; i < runs; i++) {
      cpu += cpuOfRun(node, [bin, ...args], work);
      base += cpuOfRun(node, ['-e', '0'], work);
    }
    rows.push({
      what,
      cpu_ms: round(cpu / runs, 1),
      node_ms: round(base / runs, 1),
      ratio: round(cpu / base, 2),
      target,
    });
  }
  return rows;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    await child(argv[1] as string, argv[2] as string);
    return 0;
  }
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const sizes = argv.includes('--startup-only') ? [] : (opt('sizes') ?? '100,1000').split(',').map(Number);
  const perFileN = argv.includes('--startup-only') ? 0 : Number(opt('per-file') ?? '30');
  const startupRuns = Number(opt('startup-runs') ?? '15');
  const jsonFile = opt('json');
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'bench-'));
  try {
    const load = os.loadavg()[0] ?? 0;
    process.stderr.write(
      `cxpact bench on ${os.cpus().length} cores, Node ${process.version}, load average ${load.toFixed(2)}\n`,
    );
    if (load > os.cpus().length)
      process.stderr.write('note: the machine is busy; wall times are inflated (CPU ms/action is not)\n');
    // Everything measured runs the compiled code, as the CLI does (with its packs in step with node_modules).
    const { ensureFreshBuild } = require(path.join(ROOT, 'scripts', 'fresh-build.js')) as {
      ensureFreshBuild: (o: { packs: boolean }) => number;
    };
    if (ensureFreshBuild({ packs: true }) !== 0) throw new Error('the TypeScript build of src/ to dist/ failed');
    let startup: StartupRow[] | undefined;
    if (process.platform === 'linux' && startupRuns > 0) {
      process.stderr.write(
        `  start-up: CPU of cxpact --help and cxpact run vs node -e 0, ${startupRuns} runs each ...\n`,
      );
      startup = measureStartup(work, startupRuns);
      printTable([
        ['start-up (CPU, user + system)', 'cxpact ms', 'node -e 0 ms', 'ratio', 'target'],
        ...startup.map((r) => [
          r.what,
          r.cpu_ms.toFixed(1),
          r.node_ms.toFixed(1),
          `${r.ratio.toFixed(2)}x`,
          `<= ${r.target}x`,
        ]),
      ]);
      process.stdout.write('\n');
    } else if (startupRuns > 0) {
      process.stderr.write('  start-up: skipped (the CPU of child processes is read from /proc, Linux only)\n');
    }
    const consumer: ConsumerFigures[] = [];
    for (const n of sizes) {
      process.stderr.write(`  consumer engine, N=${n} ...\n`);
      consumer.push(await measureConsumer(work, n));
    }
    let perFile: Awaited<ReturnType<typeof measurePerFile>> | undefined;
    if (perFileN > 0) {
      process.stderr.write(`  pact-js per-file way (jest), N=${perFileN} ...\n`);
      perFile = await measurePerFile(work, perFileN);
    }
    const largest = consumer[consumer.length - 1];
    if (largest === undefined) {
      if (jsonFile !== undefined)
        fs.writeFileSync(
          path.resolve(jsonFile),
          `${JSON.stringify({ startup: startup ?? null, machine: { cores: os.cpus().length, node: process.version, load_average: load } }, null, 2)}\n`,
        );
      return 0;
    }
    const ratio = perFile === undefined ? undefined : round(perFile.per_action_ms / largest.per_action_ms, 1);
    const rows = [
      ['way', 'N', 'process wall s', 'engine s', 'ms/action', 'CPU ms/action', 'peak RSS MB', 'cases'],
      ...consumer.map((c) => [
        'cxpact consumer (one process)',
        String(c.n),
        c.wall_s.toFixed(2),
        c.engine_s.toFixed(2),
        c.per_action_ms.toFixed(2),
        c.cpu_ms_per_action.toFixed(2),
        c.peak_rss_mb.toFixed(0),
        `${c.passed}/${c.cases}`,
      ]),
      ...(perFile
        ? [
            [
              'pact-js tutorial (jest file per action)',
              String(perFile.n),
              perFile.wall_s.toFixed(2),
              '-',
              perFile.per_action_ms.toFixed(0),
              '-',
              `${perFile.peak_rss_mb.toFixed(0)} (tree)`,
              '-',
            ],
          ]
        : []),
    ];
    printTable(rows);
    if (ratio !== undefined)
      process.stdout.write(
        `\nper-file / cxpact time per action: ${ratio}x (cxpact at N=${largest.n}; per-file extrapolated from N=${perFile?.n})\n`,
      );
    process.stdout.write(
      `targets: 1000 actions <= 5 s and <= 300 MB on 2 cores, >= 30x faster than the per-file way\n`,
    );
    if (jsonFile !== undefined) {
      const out = {
        consumer: {
          n: largest.n,
          wall_s: largest.wall_s,
          engine_s: largest.engine_s,
          per_action_ms: largest.per_action_ms,
          cpu_ms_per_action: largest.cpu_ms_per_action,
          peak_rss_mb: largest.peak_rss_mb,
          per_file_ratio: ratio ?? null,
        },
        consumer_runs: consumer,
        per_file: perFile ?? null,
        startup: startup ?? null,
        machine: { cores: os.cpus().length, node: process.version, load_average: load },
      };
      fs.writeFileSync(path.resolve(jsonFile), `${JSON.stringify(out, null, 2)}\n`);
      process.stderr.write(`wrote ${jsonFile}\n`);
    }
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
