// Golden test: every corpus definition parses (or fails with the expected message), and what the parser reads
// agrees with the features the corpus manifest lists for the file (method, integration type, translationMap size,
// defaults, secure, timeout, customAuth).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDefinitionFile, type DataAction } from '../../src/core/data-action';

const DIR = path.join(__dirname, '..', 'fixtures', 'corpus', 'data-actions');
const MANIFEST = path.join(__dirname, '..', 'fixtures', 'corpus', 'manifest.json');

interface ManifestRow {
  file: string;
  features: string[] | string;
  origin?: string;
  name?: string;
}

/** Files whose author left a bug that makes parsing fail, with the expected error. None in the corpus today: the
 *  known author bugs (stray `}`, `${Input.x}`, `.replace()` outside `${}`, `$$.id`) are in templates/JSONPaths and
 *  surface at render/translate time (see translate.test.ts). */
const EXPECTED_PARSE_FAILURES: Record<string, { code: string; message: RegExp }> = {};

let files: string[] = [];
let manifest: ManifestRow[] = [];

beforeAll(async () => {
  files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  const raw = JSON.parse(await fs.readFile(MANIFEST, 'utf8')) as unknown;
  const rows = Array.isArray(raw)
    ? raw
    : ((raw as Record<string, unknown>)['files'] ??
      (raw as Record<string, unknown>)['rows'] ??
      (raw as Record<string, unknown>)['entries'] ??
      []);
  manifest = rows as ManifestRow[];
});

test('the corpus has 128 definitions and a manifest row for each', () => {
  expect(files).toHaveLength(128);
  const names = new Set(manifest.map((r) => r.file));
  expect(files.filter((f) => !names.has(f))).toEqual([]);
});

test('every corpus file parses into exactly one action, or fails as expected', async () => {
  const unexpected: string[] = [];
  for (const f of files) {
    const r = parseDefinitionFile(path.join(DIR, f), await fs.readFile(path.join(DIR, f), 'utf8'));
    const expected = EXPECTED_PARSE_FAILURES[f];
    if (expected) {
      if (!r.errors.some((e) => e.code === expected.code && expected.message.test(e.message)))
        unexpected.push(`${f}: expected ${expected.code}, got ${r.errors.map((e) => e.code).join(', ') || 'no error'}`);
      continue;
    }
    if (r.errors.length > 0 || r.actions.length !== 1)
      unexpected.push(
        `${f}: ${r.errors.map((e) => `${e.code} ${e.path}: ${e.message}`).join('; ') || `${r.actions.length} actions`}`,
      );
  }
  expect(unexpected).toEqual([]);
});

function featureList(row: ManifestRow): string[] {
  return Array.isArray(row.features) ? row.features : row.features.split(',').map((s) => s.trim());
}

test('parsed fields agree with the manifest features of every file', async () => {
  const mismatches: string[] = [];
  for (const row of manifest) {
    if (EXPECTED_PARSE_FAILURES[row.file]) continue;
    const r = parseDefinitionFile(path.join(DIR, row.file), await fs.readFile(path.join(DIR, row.file), 'utf8'));
    const a: DataAction | undefined = r.actions[0];
    if (!a) {
      mismatches.push(`${row.file}: did not parse`);
      continue;
    }
    const check = (what: string, actual: unknown, expected: unknown): void => {
      if (actual !== expected)
        mismatches.push(`${row.file}: ${what} is ${JSON.stringify(actual)}, manifest says ${JSON.stringify(expected)}`);
    };
    const feats = featureList(row);
    for (const feat of feats) {
      const [k, v] = feat.split(':');
      if (k === 'method') check('method', a.request.method, v);
      else if (k === 'type' && v !== '?') check('integrationType', a.integrationType, v);
      else if (k === 'translationMap')
        check('translationMap size', Object.keys(a.response.translationMap).length, Number(v));
      else if (k === 'defaults')
        check('translationMapDefaults size', Object.keys(a.response.translationMapDefaults).length, Number(v));
      else if (k === 'timeout') check('timeoutSeconds', a.timeoutSeconds, Number(v));
    }
    check('secure', a.secure, feats.includes('secure'));
    if (feats.includes('customAuth')) check('actionType', a.actionType, 'customAuth');
    if (feats.includes('rawResult'))
      check('successTemplate uses rawResult', /rawResult/.test(a.response.successTemplate), true);
    if (row.name !== undefined) check('name', a.name, row.name);
    check('pointer', a.pointer, '$');
    check('slug is file-safe', /^[A-Za-z0-9._-]+$/.test(a.slug), true);
  }
  expect(mismatches).toEqual([]);
});

test('slugs are unique across the corpus folder', async () => {
  const slugs = new Map<string, string>();
  const dupes: string[] = [];
  for (const f of files) {
    const r = parseDefinitionFile(path.join(DIR, f), await fs.readFile(path.join(DIR, f), 'utf8'));
    for (const a of r.actions) {
      if (slugs.has(a.slug)) dupes.push(`${a.slug}: ${slugs.get(a.slug)} and ${f}`);
      slugs.set(a.slug, f);
    }
  }
  expect(dupes).toEqual([]);
});
