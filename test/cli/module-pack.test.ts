// scripts/module-pack.js: ajv-draft-04's module graph (ajv and what it requires) packed into one file, so the
// validator loads one file instead of 67. The pack is the installed code, unchanged: it compiles every schema to
// the same validator as the installed ajv, and it is used only while the installed versions are the packed ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAjvDraft04 } from '../../src/core/data-action/validate';

const { writeModulePack } = require('../../scripts/module-pack.js') as {
  writeModulePack(o: { entry: string; fromDir: string; out: string }): { modules: number; packages: Record<string, { version: string; from: string | null }> };
};

const ROOT = path.resolve(__dirname, '..', '..');

interface Pack {
  VERSIONS: Record<string, { version: string; from: string | null }>;
  matchesInstalled(fromDir: string): boolean;
  entry(): typeof import('ajv-draft-04');
}

const versionOf = (pkg: string): string => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

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
    { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', pattern: '^[a-z]+$', minLength: 2 }, b: { type: 'integer', minimum: 0, exclusiveMinimum: true }, c: { enum: ['x', 'y'] } }, additionalProperties: false },
    [{ a: 'ab', b: 1 }, { a: 'A', b: 0, c: 'z', d: 1 }, { b: '1' }, null],
  ],
  [
    { type: 'array', items: [{ type: 'string', format: 'date-time' }, { type: ['number', 'null'] }], additionalItems: false, uniqueItems: true },
    [['2024-01-01T00:00:00Z', 1], ['x', 'y', 3], [1, 1]],
  ],
  [
    { definitions: { n: { type: 'number', multipleOf: 0.5 } }, anyOf: [{ $ref: '#/definitions/n' }, { type: 'object', patternProperties: { '^x-': { type: 'boolean' } }, dependencies: { a: ['b'] } }], not: { type: 'null' } },
    [1.5, 1.3, { 'x-a': true, a: 1, b: 2 }, { 'x-a': 1, a: 1 }, null],
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
  });

  it('the packed ajv compiles every schema to the same validator as the installed one, with the same verdicts and errors', () => {
    const Packed = (require(packFile) as Pack).entry().default;
    const Installed = (require('ajv-draft-04') as typeof import('ajv-draft-04')).default;
    expect(Packed).not.toBe(Installed);
    const options = { allErrors: true, strict: false, logger: false as const };
    const packed = new Packed(options);
    const installed = new Installed(options);
    for (const [schema, values] of SCHEMAS) {
      const p = packed.compile(schema);
      const i = installed.compile(schema);
      expect(p.toString()).toBe(i.toString());
      for (const value of values) {
        expect({ schema, value, valid: p(value), errors: p.errors }).toEqual({ schema, value, valid: i(value), errors: i.errors });
      }
    }
    expect(() => packed.compile({ type: 'nonsense' })).toThrow(/schema is invalid: data\/type must be equal to one of the allowed values/);
  });

  it('the validator loads the pack only while it holds the installed versions; otherwise, or without a pack, node_modules', () => {
    const installed = require('ajv-draft-04') as typeof import('ajv-draft-04');
    // The pack sits beside no installation: loaded from under this repository, it resolves ajv-draft-04 from here.
    const packed = loadAjvDraft04(packFile);
    expect(packed).not.toBe(installed);
    expect(packed).toBe((require(packFile) as Pack).entry());
    const stale = path.join(dir, 'stale.js');
    fs.writeFileSync(stale, fs.readFileSync(packFile, 'utf8').replace(`"ajv":{"version":"${versionOf('ajv')}"`, '"ajv":{"version":"0.0.1"'));
    expect((require(stale) as Pack).VERSIONS['ajv']?.version).toBe('0.0.1');
    expect(loadAjvDraft04(stale)).toBe(installed);
    expect(loadAjvDraft04(path.join(dir, 'missing.js'))).toBe(installed);
    const broken = path.join(dir, 'broken.js');
    fs.writeFileSync(broken, 'this is not JavaScript');
    expect(() => loadAjvDraft04(broken)).toThrow(SyntaxError);
  });

  it('the build wrote the pack the CLI uses (dist/packs/), holding the installed versions', () => {
    const pack = require(path.join(ROOT, 'dist', 'packs', 'ajv-draft-04.js')) as Pack;
    expect(pack.matchesInstalled(path.join(ROOT, 'dist', 'core', 'data-action'))).toBe(true);
  });
});
