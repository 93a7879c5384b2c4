// The draft-04 meta-schema validator compiled ahead of time (draft04-meta-validator.generated.ts) stands in for the
// one ajv compiles at run time: the committed file is what the generator writes with the installed ajv, and it gives
// the same verdicts, errors and message as ajv's own meta-schema check, on real schemas and on broken ones.
import fs from 'node:fs';
import path from 'node:path';
import type Ajv from 'ajv-draft-04';
import { GENERATED, metaValidatorSource } from '../../../scripts/generate-meta-validator';
import { createAjv, DRAFT04_META_SCHEMA, validateAgainst } from './validate';

const ROOT = path.join(__dirname, '..', '..', '..');

/** ajv's own validateSchema (compiles the meta-schema), on an instance with the same options as before the change. */
function referenceAjv(): Ajv {
  const ajv = createAjv();
  ajv.validateSchema = (Object.getPrototypeOf(ajv) as Ajv).validateSchema;
  // Left to ajv-draft-04 to find (it compiles the meta-schema to do so), as validate.ts did.
  (ajv.opts as { defaultMeta?: unknown }).defaultMeta = undefined;
  return ajv;
}

/** Input and output schemas of every Data Action in the repository and the corpus, without `$schema` and `id`. */
function realSchemas(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.json') && !e.name.endsWith('.cases.json')) {
        const text = fs.readFileSync(full, 'utf8');
        const collect = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(collect);
          else if (v !== null && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              if (
                (k === 'inputSchema' || k === 'successSchema') &&
                x !== null &&
                typeof x === 'object' &&
                !Array.isArray(x)
              ) {
                const { $schema: _s, id: _i, ...rest } = x as Record<string, unknown>;
                void _s;
                void _i;
                out.push(rest);
              } else collect(x);
            }
          }
        };
        try {
          collect(JSON.parse(text));
        } catch {
          // not JSON (a fixture of a broken file)
        }
      }
    }
  };
  walk(path.join(ROOT, 'data-actions'));
  walk(path.join(ROOT, 'test', 'fixtures', 'corpus'));
  return out;
}

/** Broken values for schema keywords, at the root and inside a property. */
const BROKEN: [string, unknown][] = [
  ['type', 'nonsense'],
  ['type', ['string', 'string']],
  ['type', []],
  ['type', 3],
  ['required', []],
  ['required', ['a', 'a']],
  ['required', [1]],
  ['required', 'a'],
  ['enum', []],
  ['enum', [1, 1]],
  ['enum', 'x'],
  ['properties', 3],
  ['properties', { a: 3 }],
  ['items', []],
  ['items', 'x'],
  ['additionalProperties', 3],
  ['additionalItems', 'x'],
  ['minimum', '1'],
  ['maxLength', -1],
  ['minLength', 1.5],
  ['maxItems', '2'],
  ['multipleOf', 0],
  ['multipleOf', -2],
  ['exclusiveMaximum', 'yes'],
  ['pattern', 5],
  ['uniqueItems', 'true'],
  ['dependencies', { a: [] }],
  ['dependencies', { a: 3 }],
  ['allOf', []],
  ['anyOf', {}],
  ['oneOf', [3]],
  ['not', 'x'],
  ['definitions', { x: 1 }],
  ['patternProperties', { '^a': 'x' }],
  ['id', 7],
  ['title', 7],
  ['description', {}],
];

function brokenSchemas(): Record<string, unknown>[] {
  const base = {
    type: 'object',
    required: ['a'],
    properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'integer' } } },
  };
  const out: Record<string, unknown>[] = [];
  for (const [k, v] of BROKEN) {
    out.push({ ...base, [k]: v });
    out.push({ ...base, properties: { ...base.properties, a: { type: 'string', [k]: v } } });
    out.push({ ...base, properties: { ...base.properties, b: { type: 'array', items: { type: 'integer', [k]: v } } } });
  }
  out.push({ type: 'nonsense', required: [], properties: { a: { minimum: 'x', maxLength: -1 } } });
  return out;
}

describe('the precompiled draft-04 meta-schema validator', () => {
  it('is what scripts/generate-meta-validator.ts writes with the installed ajv (run `npm run generate:meta-validator` after an upgrade)', () => {
    expect(fs.readFileSync(GENERATED, 'utf8') === metaValidatorSource()).toBe(true);
  });

  it('gives the verdicts and errors of ajv’s own meta-schema check, on real schemas and broken ones', () => {
    const schemas = [...realSchemas(), ...brokenSchemas()];
    expect(schemas.length).toBeGreaterThan(150);
    const ours = createAjv();
    const reference = referenceAjv();
    let invalid = 0;
    for (const schema of schemas) {
      const expected = reference.validateSchema(schema);
      const expectedErrors = reference.errors;
      const actual = ours.validateSchema(schema);
      expect({ schema, valid: actual, errors: ours.errors }).toEqual({
        schema,
        valid: expected,
        errors: expectedErrors,
      });
      expect(ours.errorsText()).toBe(reference.errorsText());
      if (expected === false) invalid++;
    }
    expect(invalid).toBeGreaterThanOrEqual(BROKEN.length);
  });

  it('a broken schema is reported with ajv’s message, and the meta-schema is never compiled for it', () => {
    expect(validateAgainst({ type: 'nonsense', required: [] }, {}, 'output.schema.invalid')).toEqual([
      expect.objectContaining({
        code: 'schema.unsupported',
        message:
          'the schema cannot be compiled: schema is invalid: data/required must NOT have fewer than 1 items, data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf',
      }),
    ]);
    const ajv = createAjv();
    expect(() => ajv.compile({ type: 'object', properties: { a: { minLength: -1 } } })).toThrow(
      'schema is invalid: data/properties/a/minLength must be >= 0',
    );
    ajv.compile({ type: 'object', properties: { a: { type: 'string', pattern: '^[a-z]+$' } } });
    // ajv keeps the meta-schema uncompiled (no validate function) until something asks for it.
    expect(
      (ajv as unknown as { schemas: Record<string, { validate?: unknown }> }).schemas[DRAFT04_META_SCHEMA],
    ).toBeDefined();
    expect(
      (ajv as unknown as { schemas: Record<string, { validate?: unknown }> }).schemas[DRAFT04_META_SCHEMA]?.validate,
    ).toBeUndefined();
  });

  it('a schema with its own $schema is still checked by ajv (the root $schema is removed before compiling contracts)', () => {
    const ajv = createAjv();
    expect(ajv.validateSchema({ $schema: DRAFT04_META_SCHEMA, type: 'nonsense' })).toBe(false);
    expect(ajv.errorsText()).toContain('data/type must be equal to one of the allowed values');
  });
});
