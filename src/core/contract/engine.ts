// The Data Action engine as src/core/contract sees it: a small interface over src/core/data-action (parse, render,
// translate, validate, fields read). The consumer run takes it as a dependency (style G4), so tests can drive
// the same core with bad fixtures, and the default wires the real engine.

import type { DataAction, RawResponse, RenderedRequest } from '../data-action';
import type { CxpactError } from '../errors';
import type { Finding } from '../finding';
import type { FieldRead } from './response-shape';

/**
 * A problem the engine found while checking a case (translation, validation, defaults): a Finding (`at` points into
 * the definition when the engine knows where; empty for a value that breaks a contract) plus what it is about, as
 * data: never flattened to text and parsed back.
 */
export interface EngineIssue extends Finding {
  /** Output / translation variable concerned. */
  variable?: string;
  /** JSONPath or JSONata expression concerned. */
  expression?: string;
  /** For a value that breaks a contract: the JSON pointer of the value (`/customerId`), the keyword, a missing property. */
  field?: string;
  rule?: string;
  missing?: string;
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
