// The house reads top-down: cli -> io / broker -> core. The core takes data and returns data (no files, processes,
// network or timers of its own); nothing imports the CLI but the public surface (src/index.ts). This test reads the
// imports of every source file, so an arrow that points back up fails here, naming the file and the import.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const SRC = path.join(__dirname, '..', '..', 'src');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) sources(full, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** Module specifiers of static imports, re-exports, `import()` and `require()` (template strings excluded). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/`(?:\\.|[^`\\])*`/g, '``');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) out.push(m[1]!);
  for (const m of text.matchAll(/(?:import|require)\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The layer of a file under src/ (its first folder; src/index.ts is the public surface). */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? 'index' : rel[0]!;
}

const files = sources(SRC);
const edges = files.flatMap((file) =>
  importsOf(file).map((spec) => {
    const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : undefined;
    return {
      file: path.relative(SRC, file),
      spec,
      from: layerOf(file),
      to: target === undefined ? `module:${spec}` : layerOf(`${target}.ts`),
    };
  }),
);

/** Node modules the core may not import: they reach the file system, processes, the network or threads. */
const WORLD =
  /^(node:)?(fs|fs\/promises|child_process|http|https|http2|net|dgram|dns|tls|worker_threads|cluster|vm|os|readline)$/;

/** Exceptions, each with its reason. `isIP` of node:net parses an address (no socket). */
const ALLOWED = new Set(['core/data-action/validate.ts node:net']);

describe('layers', () => {
  it('reads every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
  });

  it('the core imports only the core and pure libraries', () => {
    const bad = edges.filter(
      (e) =>
        e.from === 'core' &&
        (e.to === 'io' ||
          e.to === 'cli' ||
          e.to === 'broker' ||
          e.to === 'index' ||
          (WORLD.test(e.spec) && !ALLOWED.has(`${e.file} ${e.spec}`))),
    );
    expect(bad.map((e) => `${e.file} imports ${e.spec}`)).toEqual([]);
  });

  it('io and the broker server never import the CLI', () => {
    expect(
      edges
        .filter((e) => (e.from === 'io' || e.from === 'broker') && e.to === 'cli')
        .map((e) => `${e.file} imports ${e.spec}`),
    ).toEqual([]);
  });

  it("the Pact FFI is I/O: only the driver in io/pact-ffi imports pact's core, and only I/O modules import the driver", () => {
    const ffi = edges.filter(
      (e) => e.spec === '@pact-foundation/pact-core' || e.spec.startsWith('@pact-foundation/pact-core/'),
    );
    expect(ffi.length).toBeGreaterThan(0);
    expect(
      ffi
        .filter((e) => !e.file.startsWith(`io${path.sep}pact-ffi${path.sep}`))
        .map((e) => `${e.file} imports ${e.spec}`),
    ).toEqual([]);
    const driverUsers = edges.filter(
      (e) =>
        e.spec.startsWith('.') &&
        /(^|\/)pact-ffi(\/|$)/.test(e.spec) &&
        !e.file.startsWith(`io${path.sep}pact-ffi${path.sep}`),
    );
    expect(driverUsers.length).toBeGreaterThan(0);
    expect(
      driverUsers.filter((e) => e.from !== 'io' && e.from !== 'index').map((e) => `${e.file} imports ${e.spec}`),
    ).toEqual([]);
  });

  it('the core never reads the process: no process.cwd, process.env or process.exit', () => {
    const bad = files
      .filter((f) => layerOf(f) === 'core')
      .filter((f) =>
        /\bprocess\.(cwd|env|exit|stdout|stderr|argv)\b/.test(
          fs
            .readFileSync(f, 'utf8')
            .replace(/\/\/.*$/gm, '')
            .replace(/\/\*[\s\S]*?\*\//g, ''),
        ),
      )
      .map((f) => path.relative(SRC, f));
    expect(bad).toEqual([]);
  });
});

describe('the boundary rules in biome.json (npm run lint)', () => {
  const biome = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'biome');
  // The repository's biome.json in a scratch tree laid out like src/ (Biome reads import paths as written, so the
  // file's place decides), without the git integration (the scratch tree is no repository).
  const lintAs = (file: string, text: string): { status: number | null; out: string } => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-biome-'));
    try {
      const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'biome.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      config.vcs = { enabled: false };
      delete config.$schema;
      fs.writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
      const r = spawnSync(biome, ['lint', file], { encoding: 'utf8', cwd: dir });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('refuse an I/O, CLI or world import and process in the core, and the CLI in io', () => {
    for (const [file, text] of [
      [
        'src/core/jsonpath/x.ts',
        "import { loadDataActions } from '../../io/files';\nexport const a = loadDataActions;\n",
      ],
      ['src/core/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
      ['src/core/x.ts', 'export const a = process.cwd();\n'],
      ['src/io/x.ts', "import { runCli } from '../cli/main';\nexport const a = runCli;\n"],
    ]) {
      const r = lintAs(file!, text!);
      expect({ file, status: r.status, restricted: /noRestricted(Imports|Globals)/.test(r.out) }).toEqual({
        file,
        status: 1,
        restricted: true,
      });
    }
  });

  it('let the core import the core (a core file named like a layer is not a layer)', () => {
    const r = lintAs(
      'src/core/gate/x.ts',
      "import { BROKER_CODES } from '../codes/broker';\nexport const a = BROKER_CODES;\n",
    );
    expect(r.out).not.toMatch(/noRestricted/);
  });
});
