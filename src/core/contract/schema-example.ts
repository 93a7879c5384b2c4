// The one generator of example values from a JSON Schema. Two styles, because the callers need different values:
//   realistic  the consumer's derived cases and response bodies: authors' examples and defaults, enums, formats,
//              names (`customerEmail` -> an email), any type inferred from properties/items/enum;
//   minimal    lint's default-case rendering: the plainest value of each declared type ("sample", 1, 1.5, true),
//              from `type` alone, so a finding never depends on an example an author wrote.
// Both walk arrays and objects the same way, to a fixed depth. Pure.
import type { JsonSchema } from '../data-action/model';
import { isRecord } from '../json';
import { schemaEnum, schemaType } from './matchers';

export type ExampleStyle = 'realistic' | 'minimal';

/** Deeper than this, arrays are empty and objects have no properties (schemas can be recursive in spirit). */
const MAX_DEPTH = 8;

/** The types a schema declares in `type` (no inference). */
function declaredTypes(schema: JsonSchema | undefined): string[] {
  const t = schema?.['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const props = schema?.['properties'];
  if (!isRecord(props)) return {};
  const out: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(props)) if (isRecord(v)) out[k] = v;
  return out;
}

/**
 * An example value for a schema. `name` (the property's name) shapes realistic strings.
 * @example schemaExample({ type: 'object', properties: { id: { type: 'integer' } } }, { style: 'minimal' }) // { id: 1 }
 */
export function schemaExample(
  schema: JsonSchema | undefined,
  options: { style: ExampleStyle; name?: string } = { style: 'realistic' },
  depth = 0,
): unknown {
  const name = options.name ?? 'value';
  const realistic = options.style === 'realistic';
  if (realistic && schema === undefined) return `example-${name}`;
  const declared = declaredTypes(schema);
  const type = realistic ? schemaType(schema) : (declared.find((t) => t !== 'null') ?? declared[0]);
  if (!realistic && depth > MAX_DEPTH) return null;
  if (realistic && schema !== undefined) {
    // Authors' examples and defaults are used when they fit the declared type ("1" for an integer is coerced).
    const ex = schema['examples'];
    for (const candidate of [Array.isArray(ex) ? ex[0] : undefined, schema['example'], schema['default']]) {
      const fitted = fitType(candidate, type);
      if (fitted !== undefined) return fitted;
    }
    const values = schemaEnum(schema);
    if (values !== undefined) return values[0];
  }
  const child = (sub: JsonSchema | undefined, childName: string): unknown =>
    schemaExample(sub, { style: options.style, name: childName }, depth + 1);
  switch (type) {
    case 'string': {
      if (realistic) return exampleString(name, schema ?? {});
      const e = schema?.['enum'];
      return Array.isArray(e) && typeof e[0] === 'string' ? e[0] : 'sample';
    }
    case 'integer':
      return realistic ? (typeof schema?.['minimum'] === 'number' ? Math.ceil(schema['minimum']) + 1 : 42) : 1;
    case 'number':
      return realistic ? 12.5 : 1.5;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = schema?.['items'];
      const itemSchema = Array.isArray(items) ? items[0] : items;
      if (realistic)
        return depth > MAX_DEPTH ? [] : [child(isRecord(itemSchema) ? itemSchema : undefined, name.replace(/s$/, ''))];
      return isRecord(items) ? [child(items, name)] : [];
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      if (realistic) {
        // Every property is shown, a malformed one (`"x": true`) as a plain example string.
        const props = schema?.['properties'];
        if (depth <= MAX_DEPTH && isRecord(props))
          for (const [k, v] of Object.entries(props)) out[k] = child(isRecord(v) ? v : undefined, k);
      } else for (const [k, v] of Object.entries(propertiesOf(schema))) out[k] = child(v, k);
      return out;
    }
    default: {
      if (realistic) return exampleString(name, schema ?? {});
      // Minimal: a schema without a declared type is rendered as the object its properties describe.
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(propertiesOf(schema))) out[k] = child(v, k);
      return out;
    }
  }
}

/** A realistic example value for a schema (enum, examples, default, format, type): schemaExample, realistic style. */
export function exampleForSchema(schema: JsonSchema | undefined, name = 'value'): unknown {
  return schemaExample(schema, { style: 'realistic', name });
}

function fitType(value: unknown, type: string | undefined): unknown {
  if (value === undefined) return undefined;
  switch (type) {
    case undefined:
      return value;
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
    case 'number':
      if (typeof value === 'number') return value;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'array':
      return Array.isArray(value) ? value : undefined;
    case 'object':
      return isRecord(value) ? value : undefined;
    default:
      return value;
  }
}

function exampleString(name: string, schema: JsonSchema): string {
  const format = schema['format'];
  const n = name.toLowerCase();
  if (format === 'date-time' || (/(date|time|at)$/.test(n) && /(created|updated|date|time)/.test(n)))
    return '2026-01-15T09:30:00Z';
  if (format === 'date') return '2026-01-15';
  if (format === 'email' || n.includes('email')) return 'customer@example.com';
  if (format === 'uri' || format === 'url' || n.endsWith('url') || n.endsWith('uri'))
    return 'https://example.com/resource';
  if (format === 'uuid' || /(^|_)id$|id$/.test(n)) return '3fa85f64-5717-4562-b3fc-2c963f66afa6';
  if (n.includes('phone') || n === 'ani' || n === 'dnis') return '+15551234567';
  return `example-${name}`;
}
