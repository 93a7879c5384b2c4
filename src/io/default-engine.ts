// The real Data Action engine behind the DataActionEngine seam: src/core/data-action's parser, request renderer,
// translation (native + JSONata), draft-04 validation and fields-read analysis.

import {
  dropNulls,
  parseDefinitionFile,
  renderRequest,
  responseFieldsRead,
  translateResponseAsync,
  validateAgainst,
  type DataAction,
  type JsonSchema,
  type SchemaIssue,
} from '../core/data-action';
import { attachSiblingJsonata } from './files';
import type { DataActionEngine, EngineIssue } from '../core/contract/engine';
import type { FieldRead } from '../core/contract/response-shape';

/** A schema issue as the engine reports it: the issue itself, and the variable its pointer starts with. */
function schemaIssue(issue: SchemaIssue): EngineIssue {
  return { ...issue, ...(issue.field === '' ? {} : { variable: issue.field.replace(/^\//, '').split('/')[0] }) };
}

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'example', '$schema', 'id', '$comment']);
const internedSchemas = new Map<string, JsonSchema>();
const internedBySchema = new WeakMap<object, JsonSchema>();

/** Drops annotation keywords (they never change a validation result) so look-alike schemas share one key. */
function stripAnnotations(value: unknown, inProperties = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stripAnnotations(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    // Inside `properties` the keys are property names, not keywords.
    if (!inProperties && ANNOTATIONS.has(key)) continue;
    out[key] = stripAnnotations(
      (value as Record<string, unknown>)[key],
      !inProperties && (key === 'properties' || key === 'patternProperties' || key === 'definitions'),
    );
  }
  return out;
}

/**
 * One schema object per distinct contract: the validator cache is keyed by schema object, so 1000 actions
 * with the same output shape compile one validator instead of 1000 (ajv compilation dominates otherwise).
 */
function interned(schema: JsonSchema): JsonSchema {
  const hit = internedBySchema.get(schema);
  if (hit !== undefined) return hit;
  const key = JSON.stringify(stripAnnotations(schema));
  let canonical = internedSchemas.get(key);
  if (canonical === undefined) {
    canonical = JSON.parse(key) as JsonSchema;
    internedSchemas.set(key, canonical);
  }
  internedBySchema.set(schema, canonical);
  return canonical;
}

/** JSONata reads carry the output key as variable: give them that output's schema (enums, integer vs number). */
function withOutputSchemas(action: DataAction, reads: FieldRead[]): FieldRead[] {
  const props = action.outputSchema['properties'];
  if (typeof props !== 'object' || props === null) return reads;
  return reads.map((r) => {
    if (r.schema !== undefined || (r.usage !== undefined && r.usage !== 'value')) return r;
    const schema = (props as Record<string, unknown>)[r.variable];
    if (typeof schema !== 'object' || schema === null) return r;
    const s = schema as Record<string, unknown>;
    const type = s['type'];
    // A scalar output fed by a path: the schema describes the leaf itself.
    if (type === 'object' || type === 'array') return r;
    return { ...r, schema: s };
  });
}

const engine: DataActionEngine = {
  parseDefinitionFile(file, text) {
    const parsed = parseDefinitionFile(file, text);
    const errors = [...parsed.errors];
    const actions = parsed.actions.map((a) => attachSiblingJsonata(a, errors));
    return { actions, errors };
  },
  renderRequest: (action, input) => renderRequest(action, input),
  async translateResponse(action, raw, input) {
    const result = await translateResponseAsync(action, raw, { input });
    const translation: Record<string, unknown> = {};
    const defaultsUsed: string[] = [];
    for (const [name, v] of Object.entries(result.translation)) {
      translation[name] = v.value;
      // A default-only variable (no translationMap entry) is a constant, not a fallback.
      if (v.defaulted && v.path !== '') defaultsUsed.push(name);
    }
    // The translation's errors as findings, with the variable and expression they carry as data.
    const errors: EngineIssue[] = result.errors.map((e) => {
      const variable = typeof e.details?.['variable'] === 'string' ? (e.details['variable'] as string) : undefined;
      const expression =
        typeof e.details?.['expression'] === 'string' ? (e.details['expression'] as string) : undefined;
      return { ...e.finding, ...(variable ? { variable } : {}), ...(expression ? { expression } : {}) };
    });
    return { translation, output: result.output, defaultsUsed, errors };
  },
  // validateInput / validateOutput of src/core/data-action, with schemas interned so identical contracts compile once.
  validateInput: (action, input) =>
    validateAgainst(interned(action.inputSchema), dropNulls(input), 'input.schema.invalid').map(schemaIssue),
  validateOutput: (action, output) =>
    validateAgainst(interned(action.outputSchema), output, 'output.schema.invalid').map(schemaIssue),
  responseFieldsRead: (action) => withOutputSchemas(action, responseFieldsRead(action) as FieldRead[]),
};

/** The real engine (async so callers never depend on how the engine is loaded). */
export async function defaultEngine(): Promise<DataActionEngine> {
  return engine;
}
