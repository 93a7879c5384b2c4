// The Data Action engine as src/core/contract sees it: a small interface over src/core/data-action (parse, render,
// translate, validate, fields read). The consumer run takes it as a dependency (style G4), so tests can drive
// the same core with bad fixtures, and the default wires the real engine.

import type { DataAction, RawResponse, RenderedRequest } from '../data-action';
import type { CxpactError } from '../errors';
import type { FieldRead } from './response-shape';

/** A problem found while checking a case (translation, validation, defaults). Plain data. */
export interface EngineIssue {
  /** Stable dotted code, e.g. `translation.path.no-match`, `output.schema.invalid`. */
  code: string;
  message: string;
  /** Output / translation variable concerned. */
  variable?: string;
  /** JSONPath or JSONata expression concerned. */
  expression?: string;
  /** Location in the data (JSON pointer / path) for schema errors; the JSON path in `file` when `file` is set. */
  path?: string;
  /** The definition file the issue is in (translation/template errors), when known. */
  file?: string;
  /** What to change, when the engine knows. */
  fix?: string;
}

export interface TranslationOutcome {
  /** translationMap variable -> resolved value (parsed JSON), or the JSONata result. */
  translation: Record<string, unknown>;
  /** The outputs (success template / JSONata result). Undefined when translation failed. */
  output: unknown;
  /** translationMap variables whose translationMapDefaults value was used (the path did not resolve). */
  defaultsUsed: string[];
  errors: EngineIssue[];
}

export interface DataActionEngine {
  /** Parses one definition file (may hold several actions, e.g. Terraform). */
  parseDefinitionFile(file: string, text: string): { actions: DataAction[]; errors: CxpactError[] };
  renderRequest(action: DataAction, input: Record<string, unknown>): RenderedRequest;
  translateResponse(action: DataAction, raw: RawResponse, input: Record<string, unknown>): Promise<TranslationOutcome>;
  validateInput(action: DataAction, input: Record<string, unknown>): EngineIssue[];
  validateOutput(action: DataAction, output: unknown): EngineIssue[];
  /** The response fields the translation reads. Throws a CxpactError for a broken JSONPath/JSONata. */
  responseFieldsRead(action: DataAction): FieldRead[];
}
