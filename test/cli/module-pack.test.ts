// scripts/module-pack.js: ajv-draft-04's module graph (ajv and what it requires) packed into one file, so the
// validator loads one file instead of 67. The pack is the installed code, unchanged: it compiles every schema to
// the same validator as the installed ajv, and it is used only while the installed versions are the packed ones,
// and only in Node's main realm (jest runs this file in a vm context: what runs the pack runs in a plain Node).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAjvDraft04 } from '../../src/core/data-action/validate';

const { writeModulePack } = require('../../scripts/module-pack.js') as {
  writeModulePack(o: { entry: string; fromDir: string; out: string; extras?: Record<string, string> }): {
    modules: number;
    packages: Record<string, { version: string; from: string | null }>;
    extras: string[];
  };
};

const ROOT = path.resolve(__dirname, '..', '..');
const VALIDATE = path.join(ROOT, 'dist', 'core', 'data-action', 'validate.js');

interface Pack {
  VERSIONS: Record<string, { version: string; from: string | null }>;
  matchesInstalled(fromDir: string): boolean;
  usableFrom(fromDir: string): boolean;
}

const versionOf = (pkg: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;

/** Runs `script` in a plain Node process (the main realm, as the CLI runs) and returns what it prints as JSON. */
function inNode(script: string): unknown {
  const r = spawnSync(
    process.execPath,
    ['-e', `const result = (() => { ${script} })(); process.stdout.write(JSON.stringify(result));`],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let dir: string;
let packFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-module-pack-'));
  packFile = path.join(dir, 'ajv-draft-04.js');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Schemas that reach every kind of keyword the contracts use, with values that pass and fail. */
const SCHEMAS: [Record<string, unknown>, unknown[]][] = [
  [
    {
      type: 'object',
      required: ['a', 'b'],
      properties: {
        a: { type: 'string', pattern: '^[a-z]+$', minLength: 2 },
        b: { type: 'integer', minimum: 0, exclusiveMinimum: true },
        c: { enum: ['x', { y: [1] }] },
      },
      additionalProperties: false,
    },
    [{ a: 'ab', b: 1, c: { y: [1] } }, { a: 'A', b: 0, c: 'z', d: 1 }, { b: '1' }, null],
  ],
  [
    {
      type: 'array',
      items: [{ type: 'string', format: 'date-time' }, { type: ['number', 'null'] }],
      additionalItems: false,
      uniqueItems: true,
    },
    [
      ['2024-01-01T00:00:00Z', 1],
      ['x', 'y', 3],
      [1, 1],
    ],
  ],
  [
    {
      definitions: { n: { type: 'number', multipleOf: 0.5 } },
      anyOf: [
        { $ref: '#/definitions/n' },
        { type: 'object', patternProperties: { '^x-': { type: 'boolean' } }, dependencies: { a: ['b'] } },
      ],
      not: { type: 'null' },
    },
    [1.5, 1.3, { 'x-a': true, a: 1, b: 2 }, { 'x-a': 1, a: 1 }, null],
  ],
  [
    { type: 'array', uniqueItems: true },
    [
      [{ a: [1] }, { a: [1] }],
      [{ a: [1] }, { a: [2] }],
    ],
  ],
];

describe('scripts/module-pack.js', () => {
  it('packs the graph of the installed ajv-draft-04: the packages at their installed versions, one file', () => {
    const written = writeModulePack({ entry: 'ajv-draft-04', fromDir: ROOT, out: packFile });
    expect(written.modules).toBeGreaterThan(50);
    expect(written.packages).toEqual({
      'ajv-draft-04': { version: versionOf('ajv-draft-04'), from: null },
      ajv: { version: versionOf('ajv'), from: 'ajv-draft-04' },
      'fast-deep-equal': { version: versionOf('fast-deep-equal'), from: 'ajv' },
      'json-schema-traverse': { version: versionOf('json-schema-traverse'), from: 'ajv' },
      'fast-uri': { version: versionOf('fast-uri'), from: 'ajv' },
    });
    const pack = require(packFile) as Pack;
    expect(pack.matchesInstalled(ROOT)).toBe(true);
    // Resolved from a folder with no node_modules above it (another project), the installed versions are unknown.
    expect(pack.matchesInstalled(path.parse(ROOT).root)).toBe(false);
    // Here, in jest's vm context, it does not stand for the installed packages; in a plain Node it does.
    expect(pack.usableFrom(ROOT)).toBe(false);
    expect(inNode(`return require(${JSON.stringify(packFile)}).usableFrom(${JSON.stringify(ROOT)});`)).toBe(true);
  });

  it('the packed ajv compiles every schema to the same validator as the installed one, with the same verdicts and errors', () => {
    const result = inNode(`
      const Packed = require(${JSON.stringify(packFile)}).entry().default;
      const Installed = require('ajv-draft-04').default;
      if (Packed === Installed) return 'the same class';
      const options = { allErrors: true, strict: false, logger: false };
      const packed = new Packed(options);
      const installed = new Installed(options);
      const out = [];
      for (const [schema, values] of ${JSON.stringify(SCHEMAS)}) {
        const p = packed.compile(schema);
        const i = installed.compile(schema);
        out.push(p.toString() === i.toString());
        for (const value of values) out.push({ valid: p(value), errors: p.errors }, { valid: i(value), errors: i.errors });
      }
      try { packed.compile({ type: 'nonsense' }); } catch (e) { out.push(e.message); }
      return out;`) as unknown[];
    expect(Array.isArray(result)).toBe(true);
    const rows = result.slice(0, -1);
    expect(result[result.length - 1]).toMatch(
      /^schema is invalid: data\/type must be equal to one of the allowed values/,
    );
    let i = 0;
    for (const [, values] of SCHEMAS) {
      expect(rows[i++]).toBe(true);
      for (let v = 0; v < values.length; v++, i += 2) expect(rows[i]).toEqual(rows[i + 1]);
    }
    // The uniqueItems of objects decides as the installed ajv does: duplicates found, distinct objects accepted.
    expect(rows.slice(-4)).toEqual([
      expect.objectContaining({ valid: false }),
      expect.objectContaining({ valid: false }),
      expect.objectContaining({ valid: true }),
      expect.objectContaining({ valid: true }),
    ]);
  });

  it('the validator loads the pack only while it holds the installed versions, and only in the main realm', () => {
    // jest's vm context: node_modules, whatever the pack.
    expect(loadAjvDraft04(packFile)).toBe(require('ajv-draft-04'));
    const stale = path.join(dir, 'stale.js');
    fs.writeFileSync(
      stale,
      fs.readFileSync(packFile, 'utf8').replace(`"ajv":{"version":"${versionOf('ajv')}"`, '"ajv":{"version":"0.0.1"'),
    );
    fs.copyFileSync(packFile.replace(/\.js$/, '.modules.js'), stale.replace(/\.js$/, '.modules.js'));
    const broken = path.join(dir, 'broken.js');
    fs.writeFileSync(broken, 'this is not JavaScript');
    // A plain Node: the pack when it holds the installed versions; node_modules for a stale or missing pack.
    expect(
      inNode(`
        const { loadAjvDraft04 } = require(${JSON.stringify(VALIDATE)});
        const installed = require('ajv-draft-04');
        const packed = require(${JSON.stringify(packFile)}).entry();
        let brokenError;
        try { loadAjvDraft04(${JSON.stringify(broken)}); } catch (e) { brokenError = e.name; }
        return {
          good: loadAjvDraft04(${JSON.stringify(packFile)}) === packed && packed !== installed,
          staleVersion: require(${JSON.stringify(stale)}).VERSIONS.ajv.version,
          stale: loadAjvDraft04(${JSON.stringify(stale)}) === installed,
          missing: loadAjvDraft04(${JSON.stringify(path.join(dir, 'missing.js'))}) === installed,
          brokenError,
        };`),
    ).toEqual({ good: true, staleVersion: '0.0.1', stale: true, missing: true, brokenError: 'SyntaxError' });
  });

  it('the build wrote the pack the CLI uses (dist/packs/), holding the installed versions and the precompiled meta-schema validator', () => {
    const distPack = path.join(ROOT, 'dist', 'packs', 'ajv-draft-04.js');
    expect((require(distPack) as Pack).matchesInstalled(path.join(ROOT, 'dist', 'core', 'data-action'))).toBe(true);
    expect(
      inNode(`
        const pack = require(${JSON.stringify(distPack)});
        const packed = pack.extra('draft04-meta-validator').validate;
        const unpacked = require(${JSON.stringify(path.join(ROOT, 'dist', 'core', 'data-action', 'draft04-meta-validator.generated.js'))}).validate;
        const out = [packed !== unpacked, pack.extra('no-such-module') === undefined];
        for (const schema of [{ type: 'object', required: ['a', 'a'], properties: { a: { minLength: -1 } } }, { type: 'string', enum: [{ a: 1 }, { a: 1 }] }, { type: 'object' }]) {
          out.push(JSON.stringify({ valid: packed(schema), errors: packed.errors }) === JSON.stringify({ valid: unpacked(schema), errors: unpacked.errors }), packed(schema));
        }
        return out;`),
    ).toEqual([true, true, true, false, true, false, true, true]);
  });

  it('an extra module that requires something outside the packed graph is left out (loaded from its file as usual)', () => {
    const extra = path.join(dir, 'extra.js');
    fs.writeFileSync(extra, `module.exports = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'jsonata'))});`);
    const inGraph = path.join(dir, 'in-graph.js');
    fs.writeFileSync(
      inGraph,
      `const equal = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'ajv', 'dist', 'runtime', 'equal.js'))}).default; module.exports = { same: (a, b) => equal(a, b) };`,
    );
    const out = path.join(dir, 'with-extras.js');
    expect(
      writeModulePack({ entry: 'ajv-draft-04', fromDir: ROOT, out, extras: { outside: extra, inside: inGraph } })
        .extras,
    ).toEqual(['inside']);
    expect(
      inNode(
        `const pack = require(${JSON.stringify(out)}); return [pack.extra('outside') === undefined, pack.extra('inside').same({ a: [1] }, { a: [1] }), pack.extra('inside').same({ a: [1] }, { a: [2] })];`,
      ),
    ).toEqual([true, true, false]);
  });
});
