// Derived contract cases for actions without a cases file: inputs from the input schema, a raw response built
// from what the translation reads and the output schema's types, plus an absent-field case per defaulted field
// and a failure case. Only the success case has a provider state and goes into the pact; the absent-field and
// failure cases are checked by the emulator (src/core/contract/where-checked.ts). Pure.

import type { DataAction, JsonSchema } from '../data-action';
import type { ContractCase } from './cases';
import { exampleBody, removeField, type FieldRead } from './response-shape';
import { exampleForSchema } from './schema-example';
import { compileSafeRegex } from '../safe-regex';

/** Example inputs: every input-schema property, from examples, defaults, enums, formats and types. */
export function deriveInput(schema: JsonSchema): Record<string, unknown> {
  const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const input: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(props)) {
    if (typeof prop !== 'object' || prop === null) continue;
    input[name] = exampleInput(name, prop);
  }
  return input;
}

function exampleInput(name: string, prop: JsonSchema): unknown {
  const value = exampleForSchema(prop, name);
  if (typeof value !== 'string') return value;
  const n = name.toLowerCase();
  const pattern = prop['pattern'];
  const fits = (v: string): boolean => typeof pattern !== 'string' || safeTest(pattern, v);
  const candidates: string[] = [value];
  if (/phone|ani|dnis|mobile|msisdn/.test(n)) candidates.unshift('+15551234567');
  if (typeof prop['minLength'] === 'number' && value.length < (prop['minLength'] as number))
    candidates.push(value.padEnd(prop['minLength'] as number, 'x'));
  candidates.push('12345', 'ABC123', 'abc', '+15551234567');
  const chosen = candidates.find(fits) ?? value;
  const maxLength = prop['maxLength'];
  return typeof maxLength === 'number' && chosen.length > maxLength ? chosen.slice(0, maxLength) : chosen;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    // The linear-time engine: a schema pattern such as "(a+)+$" cannot stall deriving cases.
    return compileSafeRegex(pattern, { dialect: 'ecmascript', flags: 'u' }).test(value);
  } catch {
    return true;
  }
}

/** A short, stable slug of an action name for provider state names. */
export function derivedStatePrefix(action: DataAction): string {
  return action.name.replace(/\s+-\s+Exported\s+.*$/, '').trim();
}

/** `prefix` leads to `steps` (same keys and indexes; an `each` matches an `each`). */
export function isPrefix(prefix: FieldRead['steps'], steps: FieldRead['steps']): boolean {
  if (prefix.length > steps.length) return false;
  return prefix.every((p, i) => {
    const s = steps[i];
    if (s === undefined || s.kind !== p.kind) return false;
    if (p.kind === 'key') return s.kind === 'key' && s.key === p.key;
    if (p.kind === 'index') return s.kind === 'index' && s.index === p.index;
    return true;
  });
}

/** Derives the cases of an action from its schemas and the fields its translation reads. */
export function deriveCases(action: DataAction, reads: FieldRead[]): ContractCase[] {
  const input = deriveInput(action.inputSchema);
  const name = derivedStatePrefix(action);
  // The whole body read as a unit (`${rawResult}` inside a bigger template): the output schema is the best guess.
  const body = reads.some((r) => r.steps.length === 0)
    ? exampleForSchema(action.outputSchema, 'body')
    : exampleBody(reads);
  const cases: ContractCase[] = [
    {
      name: 'derived-success',
      description: `a ${name} request`,
      kind: 'success',
      providerState: { name: `${name}: the backend returns a valid response`, params: input },
      input,
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body },
      optional: [],
      origin: { kind: 'derived' },
    },
  ];
  const seen = new Set<string>();
  for (const read of reads) {
    if (!read.hasDefault || seen.has(read.variable)) continue;
    // Genesys applies a default only when a definite path fails to resolve: an indefinite one (wildcard, filter,
    // deep scan) yields [] instead, so an absent-field case only exists for definite paths.
    if (read.steps.length === 0 || read.deep === true || read.steps.some((s) => s.kind === 'each')) continue;
    // A field other variables read through (`$.entities.size()` vs `$.entities[*].id`) cannot be absent alone.
    if (reads.some((o) => o.variable !== read.variable && isPrefix(read.steps, o.steps))) continue;
    seen.add(read.variable);
    cases.push({
      name: `derived-absent-${read.variable}`,
      description: `a ${name} request whose response lacks ${read.expression}`,
      kind: 'absent-field',
      input,
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: removeField(body, read) },
      optional: [],
      absentField: read.variable,
      origin: { kind: 'derived' },
    });
  }
  cases.push({
    name: 'derived-failure',
    description: `a ${name} request while the backend is unavailable`,
    kind: 'failure',
    input,
    response: {
      status: 503,
      headers: { 'Content-Type': 'application/json' },
      body: { message: 'Service Unavailable' },
    },
    optional: [],
    origin: { kind: 'derived' },
  });
  return cases;
}
