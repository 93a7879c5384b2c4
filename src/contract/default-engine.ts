// The real Data Action engine behind the DataActionEngine seam: src/data-action's parser, request renderer,
// translation (native + JSONata), draft-04 validation and fields-read analysis.

import fs from 'node:fs';
import { jsonataCandidates, parseDefinitionFile } from '../data-action/parse';
import { responseFieldsRead } from '../data-action/reads';
import { renderRequest } from '../data-action/render-request';
import { translateResponseAsync } from '../data-action/translate-response';
import { validateInput, validateOutput, type SchemaIssue } from '../data-action/validate';
import type { DataAction } from '../data-action/model';
import { CxpactError } from '../shared/errors';
import type { DataActionEngine, EngineIssue } from './engine';
import type { FieldRead } from './response-shape';

function schemaIssue(issue: SchemaIssue): EngineIssue {
  return { code: issue.code, message: issue.message, ...(issue.field === '' ? {} : { path: issue.field, variable: issue.field.replace(/^\//, '').split('/')[0] }) };
}

/** Attaches a sibling `.jsonata` file (what loadDataActions does for a whole folder). */
function attachJsonata(action: DataAction, errors: CxpactError[]): DataAction {
  if (action.response.jsonata) return action;
  for (const candidate of jsonataCandidates(action)) {
    if (!fs.existsSync(candidate)) continue;
    const expression = fs.readFileSync(candidate, 'utf8');
    if (expression.trim() === '') {
      errors.push(new CxpactError('data-action.jsonata.empty', `${candidate} is empty.`, { file: candidate, fix: 'Write a JSONata expression in the file or delete it.' }));
      return action;
    }
    return { ...action, response: { ...action.response, jsonata: { expression, source: candidate } } };
  }
  return action;
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
    const actions = parsed.actions.map((a) => attachJsonata(a, errors));
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
    const errors: EngineIssue[] = result.errors.map((e) => {
      const variable = typeof e.details?.['variable'] === 'string' ? (e.details['variable'] as string) : undefined;
      const expression = typeof e.details?.['expression'] === 'string' ? (e.details['expression'] as string) : undefined;
      return { code: e.code, message: e.message + (e.fix ? ` (fix: ${e.fix})` : ''), ...(variable ? { variable } : {}), ...(expression ? { expression } : {}), ...(e.path ? { path: e.path } : {}) };
    });
    return { translation, output: result.output, defaultsUsed, errors };
  },
  validateInput: (action, input) => validateInput(action, input).map(schemaIssue),
  validateOutput: (action, output) => validateOutput(action, output).map(schemaIssue),
  responseFieldsRead: (action) => withOutputSchemas(action, responseFieldsRead(action) as FieldRead[]),
};

/** The real engine (async so callers never depend on how the engine is loaded). */
export async function defaultEngine(): Promise<DataActionEngine> {
  return engine;
}
