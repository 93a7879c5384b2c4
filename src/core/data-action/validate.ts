// Contract validation as Genesys does it (docs/genesys-data-actions.md §4.4): JSON Schema draft-04, no type
// coercion, extra properties allowed unless the schema forbids them, `required` enforced. Validators are compiled
// once per schema object (WeakMap on the schema) — a run over 1000 actions compiles each schema once.

import path from 'node:path';
import type Ajv from 'ajv-draft-04';
import type { AnySchema, CodeOptions, ErrorObject, ValidateFunction } from 'ajv';
import type { DataAction, JsonSchema } from './model';
import type { Finding } from '../finding';
import { countValues, currentLimits, onTerminated, tooDeep } from '../limits';
import { compileSafeRegex } from '../safe-regex';

/**
 * ajv's regex engine for `pattern` / `patternProperties`: the linear-time engine (shared/safe-regex.ts), so a
 * schema pattern such as "(a+)+$" cannot backtrack catastrophically on an input or output value.
 */
const safePatternEngine = Object.assign(
  (pattern: string, u: string) => {
    const re = compileSafeRegex(pattern, { dialect: 'ecmascript', flags: u.replace(/[^ims]/g, '') });
    // ajv shares one compiled pattern per distinct toString(): it must name the pattern.
    return { test: (s: string) => re.test(s), toString: () => `/${pattern}/${u}` };
  },
  { code: 'cxpactSafeRegex' },
);

export type SchemaCode =
  | 'input.schema.invalid'
  | 'output.schema.invalid'
  | 'schema.unsupported'
  | 'limit.depth'
  | 'limit.size';

/**
 * A value that breaks a contract: a Finding about data, not about a file (`at` is empty: where to change it is the
 * caller's to say, e.g. the case's input in its cases file), with what the schema wanted as data.
 */
export interface SchemaIssue extends Finding<SchemaCode> {
  /** JSON pointer of the offending value (`/customerId`, `/items/0/id`); '' for the root. */
  field: string;
  /** For a `required` failure: the property that is missing. */
  missing?: string;
  /** The schema keyword that failed (`type`, `required`, `enum`, ...). */
  rule: string;
  /** What the schema expects (e.g. `string`, `integer`), when that applies. */
  expected?: string;
  /** The JSON type actually found, when that applies. */
  actual?: string;
  /** Pointer into the schema (`#/properties/customerId/type`). */
  schemaPath: string;
}

function issue(
  code: SchemaCode,
  field: string,
  rule: string,
  schemaPath: string,
  message: string,
  extra: { expected?: string; actual?: string; missing?: string } = {},
): SchemaIssue {
  return { code, severity: 'error', message, at: {}, field, rule, schemaPath, ...extra };
}

let ajvInstance: Ajv | undefined;

/**
 * The `format` values the Java validator Genesys uses (fge json-schema-validator, draft-04 library) checks; other
 * formats are ignored, as there. [engine: the format list is fge's; its exact patterns are approximated here]
 */
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,12})?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
  hostname: (s) =>
    s.length <= 255 &&
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(s),
  // node:net (and the stream modules it brings) loads only for a schema with an ip format. isIP parses a string (no
  // socket): the one reviewed exception to the core's import rule (decision 0013).
  // biome-ignore lint/style/noRestrictedImports: isIP is a parser, no I/O
  ipv4: (s) => (require('node:net') as typeof import('node:net')).isIP(s) === 4,
  // biome-ignore lint/style/noRestrictedImports: isIP is a parser, no I/O
  ipv6: (s) => (require('node:net') as typeof import('node:net')).isIP(s) === 6,
  uri: (s) => /^[^\s<>"{}|\\^`]*$/.test(s),
  regex: (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
};

/** A pack written by scripts/module-pack.js. */
interface ModulePack {
  usableFrom(fromDir: string): boolean;
  entry(): unknown;
  extra(name: string): unknown;
}

/** dist/packs/ajv-draft-04.js, seen from dist/core/data-action/ (absent beside the sources). */
const AJV_PACK = path.join(__dirname, '..', '..', 'packs', 'ajv-draft-04.js');
const usablePacks = new Map<string, ModulePack | undefined>();

/**
 * The pack at `file` when it exists, holds the versions installed now and runs in Node's main realm (not in a vm
 * context such as jest's), checked once; else undefined.
 */
function usablePack(file: string): ModulePack | undefined {
  if (!usablePacks.has(file)) {
    let packed: ModulePack | undefined;
    try {
      packed = require(file) as ModulePack;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(file))
        throw error;
    }
    usablePacks.set(file, packed?.usableFrom(__dirname) === true ? packed : undefined);
  }
  return usablePacks.get(file);
}

/**
 * ajv-draft-04 from dist/packs/ajv-draft-04.js (its module graph, ajv's included, packed into one file at build time
 * by scripts/module-pack.js) when that pack holds the versions installed now: one file to load instead of 67. From
 * the sources, in a vm context, or when the versions differ or the pack is missing, from node_modules as usual.
 */
export function loadAjvDraft04(pack = AJV_PACK): typeof import('ajv-draft-04') {
  return (
    (usablePack(pack)?.entry() as typeof import('ajv-draft-04') | undefined) ??
    (require('ajv-draft-04') as typeof import('ajv-draft-04'))
  );
}

type MetaValidate = ((schema: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The precompiled draft-04 meta-schema validator: from the ajv pack when it holds it (it shares ajv's code there). */
function draft04MetaValidator(): MetaValidate {
  const generated = (usablePack(AJV_PACK)?.extra('draft04-meta-validator') ??
    require('./draft04-meta-validator.generated')) as { validate: MetaValidate };
  return generated.validate;
}

/** The id under which ajv-draft-04 registers the draft-04 meta-schema (every schema is checked against it). */
export const DRAFT04_META_SCHEMA = 'http://json-schema.org/draft-04/schema';

/**
 * An ajv instance for contract schemas: draft-04, every error, no coercion, the formats and regex engine above.
 * `code` adds code-generation options (scripts/generate-meta-validator.ts asks for the standalone source with the
 * same options). A schema is checked against the draft-04 meta-schema before it compiles, by a validator compiled
 * ahead of time from that meta-schema with these options (draft04-meta-validator.generated.ts): the same checks,
 * errors and message ("schema is invalid: ...") as ajv's own, without compiling the meta-schema at every start (about
 * 70 ms of CPU, docs/decisions/0008-compiled-start-up.md).
 */
export function createAjv(code: CodeOptions = {}): Ajv {
  const AjvDraft04 = loadAjvDraft04().default;
  const instance = new AjvDraft04({
    allErrors: true,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    strict: false,
    validateFormats: true,
    logger: false,
    // What ajv-draft-04 finds on its own (by compiling the meta-schema); named here so finding it compiles nothing.
    defaultMeta: DRAFT04_META_SCHEMA,
    code: { ...code, regExp: safePatternEngine },
  });
  for (const [name, check] of Object.entries(FORMATS)) instance.addFormat(name, { type: 'string', validate: check });
  instance.addKeyword({
    keyword: LARGE_ENUM,
    schemaType: 'array',
    errors: true,
    compile(values: unknown[]) {
      const allowed = new Set(values.map(enumKey));
      const validate = (data: unknown): boolean => {
        if (allowed.has(enumKey(data))) return true;
        validate.errors = [
          { keyword: 'enum', params: { allowedValues: values }, message: 'must be equal to one of the allowed values' },
        ];
        return false;
      };
      validate.errors = undefined as undefined | Partial<ErrorObject>[];
      return validate;
    },
  });
  const ajvValidateSchema = instance.validateSchema.bind(instance);
  // ajv's validateSchema, with the precompiled validator where ajv would compile the draft-04 meta-schema.
  instance.validateSchema = (schema: AnySchema, throwOrLogError?: boolean): boolean | Promise<unknown> => {
    if (
      typeof schema !== 'object' ||
      schema === null ||
      schema.$schema !== undefined ||
      instance.opts.defaultMeta !== DRAFT04_META_SCHEMA
    ) {
      return ajvValidateSchema(schema, throwOrLogError);
    }
    const validate = draft04MetaValidator();
    const valid = validate(schema);
    instance.errors = validate.errors;
    if (!valid && throwOrLogError) {
      const message = `schema is invalid: ${instance.errorsText()}`;
      if (instance.opts.validateSchema === 'log') instance.logger.error(message);
      else throw new Error(message);
    }
    return valid;
  };
  return instance;
}

/** The validator, created (and ajv loaded) with the first schema: commands that validate nothing never pay for it. */
function ajv(): Ajv {
  ajvInstance ??= createAjv();
  return ajvInstance;
}

/**
 * ajv compiles `enum` into code whose size, and compile time, grow faster than the enum (100,000 values: minutes).
 * Enums longer than this are checked through a Set instead (linear to compile, constant per value).
 */
const LARGE_ENUM_SIZE = 64;
const LARGE_ENUM = 'x-cxpact-large-enum';

/** A key equal for JSON-equal values (object keys in any order), as ajv's enum compares them. */
function enumKey(v: unknown): string {
  if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
  return `json:${JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x))}`;
}

/** A copy of the schema with large enums moved to the Set-based keyword (schemas are depth-limited before this). */
function withLargeEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withLargeEnums);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'enum' && Array.isArray(v) && v.length > LARGE_ENUM_SIZE) out[LARGE_ENUM] = v;
    else out[k] = k === 'enum' || k === 'default' || k === 'examples' ? v : withLargeEnums(v);
  }
  return out;
}

let compiled = new WeakMap<object, ValidateFunction | { compileError: string; code?: 'limit.depth' | 'limit.size' }>();

// An evaluation terminated while ajv compiled may leave the instance half-updated: start afresh.
onTerminated(() => {
  ajvInstance = undefined;
  compiled = new WeakMap();
});

function validatorFor(
  schema: JsonSchema,
): ValidateFunction | { compileError: string; code?: 'limit.depth' | 'limit.size' } {
  let v = compiled.get(schema);
  if (!v) {
    const maxDepth = currentLimits().depth;
    const deep = tooDeep(schema, maxDepth);
    if (deep !== undefined) {
      v = {
        code: 'limit.depth',
        compileError: `the schema nests deeper than ${maxDepth} levels (at ${deep}); the limit is --limit-depth / CXPACT_LIMIT_DEPTH`,
      };
      compiled.set(schema, v);
      return v;
    }
    const maxNodes = currentLimits().schemaNodes;
    // Enums are checked through a Set (one value each); everything else costs compile time.
    if (countValues(schema, maxNodes, new Set(['enum', 'default', 'examples'])) > maxNodes) {
      v = {
        code: 'limit.size',
        compileError: `the schema holds more than ${maxNodes.toLocaleString('en-US')} values (properties, keywords); the limit is --limit-schema / CXPACT_LIMIT_SCHEMA`,
      };
      compiled.set(schema, v);
      return v;
    }
    try {
      // Genesys schemas sometimes carry `$schema` of draft-04 or odd ids; ajv-draft-04 handles draft-04 keywords.
      const { $schema: _ignored, id: _id, ...rest } = schema as Record<string, unknown>;
      void _ignored;
      void _id;
      v = ajv().compile(withLargeEnums(rest) as JsonSchema);
    } catch (e) {
      v = { compileError: e instanceof Error ? e.message : String(e) };
    }
    compiled.set(schema, v);
  }
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function toIssue(code: SchemaCode, e: ErrorObject, data: unknown): SchemaIssue {
  let field = e.instancePath;
  const rule = e.keyword;
  let expected: string | undefined;
  let actual: string | undefined;
  let message: string;
  let missing: string | undefined;
  const where = field === '' ? 'the value' : field;
  switch (rule) {
    case 'type': {
      const t = (e.params as { type: string | string[] }).type;
      expected = Array.isArray(t) ? t.join(' | ') : t;
      actual = jsonType(valueAt(data, field));
      message = `${where}: instance type (${actual}) does not match any allowed primitive type (allowed: ${JSON.stringify(Array.isArray(t) ? t : [t])})`;
      break;
    }
    case 'required': {
      const p = (e.params as { missingProperty: string }).missingProperty;
      missing = p;
      field = `${field}/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      expected = 'present';
      actual = 'missing';
      message = `${field}: required property "${p}" is missing`;
      break;
    }
    case 'additionalProperties': {
      const p = (e.params as { additionalProperty: string }).additionalProperty;
      field = `${field}/${p}`;
      message = `${field}: property "${p}" is not allowed (additionalProperties: false)`;
      break;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const shown =
        allowed.length > 20
          ? `${JSON.stringify(allowed.slice(0, 20)).slice(0, -1)}, … (${allowed.length} values)]`
          : JSON.stringify(allowed);
      expected = `one of ${shown}`;
      actual = JSON.stringify(valueAt(data, field));
      message = `${where}: ${actual} is not one of ${shown}`;
      break;
    }
    case 'format': {
      expected = (e.params as { format: string }).format;
      message = `${where}: string ${JSON.stringify(valueAt(data, field))} is not a valid ${expected}`;
      break;
    }
    default:
      message = `${where}: ${e.message ?? rule}`;
  }
  return issue(code, field, rule, e.schemaPath.replace(LARGE_ENUM, 'enum'), message, {
    ...(expected === undefined ? {} : { expected }),
    ...(actual === undefined ? {} : { actual }),
    ...(missing === undefined ? {} : { missing }),
  });
}

/** Validates a value against a draft-04 schema without coercion. An empty list means valid. */
export function validateAgainst(
  schema: JsonSchema,
  data: unknown,
  code: 'input.schema.invalid' | 'output.schema.invalid',
): SchemaIssue[] {
  const v = validatorFor(schema);
  if ('compileError' in v) {
    return [
      issue(v.code ?? 'schema.unsupported', '', 'schema', '#', `the schema cannot be compiled: ${v.compileError}`),
    ];
  }
  const maxDepth = currentLimits().depth;
  const deep = tooDeep(data, maxDepth);
  if (deep !== undefined) {
    return [
      issue(
        'limit.depth',
        '',
        'depth',
        '#',
        `the value nests deeper than ${maxDepth} levels (at ${deep}); the limit is --limit-depth / CXPACT_LIMIT_DEPTH`,
      ),
    ];
  }
  if (v(data)) return [];
  return (v.errors ?? []).map((e) => toIssue(code, e, data));
}

/** Validates an action's input (after Genesys drops null-valued keys) against contract.input.inputSchema. */
export function validateInput(action: DataAction, input: Record<string, unknown>): SchemaIssue[] {
  return validateAgainst(action.inputSchema, dropNulls(input), 'input.schema.invalid');
}

/** Validates the translated output against contract.output.successSchema. */
export function validateOutput(action: DataAction, output: unknown): SchemaIssue[] {
  return validateAgainst(action.outputSchema, output, 'output.schema.invalid');
}

/** Since 2024-03-15 Genesys removes input keys whose value is null before anything else. */
export function dropNulls(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== null) out[k] = v;
  return out;
}
