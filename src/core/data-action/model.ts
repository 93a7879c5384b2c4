// The parsed model of a Genesys Cloud Data Action that the rest of cxpact uses.
// Pure types: every definition format (UI export, Platform API object, Terraform .tf / .tf.json) parses into this.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type DefinitionFormat = 'ui-export' | 'platform-api' | 'terraform' | 'terraform-json';

/** A JSON Schema (draft-04 as Genesys uses it). Kept as plain data. */
export type JsonSchema = { [key: string]: unknown };

export interface DataActionRequest {
  /** Velocity template of the URL; relative (`/api/v2/...`) for Genesys Cloud Public API actions. */
  urlTemplate: string;
  method: HttpMethod;
  /** Header name -> Velocity template. */
  headers: Record<string, string>;
  /** Velocity template of the body. Genesys' default is `${input.rawRequest}`. */
  bodyTemplate: string;
}

export interface JsonataTranslation {
  /** The JSONata expression; evaluated against the raw response body; its result is the action's output. */
  expression: string;
  /** Where it came from: a file path (`translation.jsonata` beside the action) or a JSON path in the definition. */
  source: string;
}

export interface DataActionResponse {
  /** Output variable -> JSONPath (Jayway semantics) into the raw response. */
  translationMap: Record<string, string>;
  /** Output variable -> JSON text used when the path fails to resolve. */
  translationMapDefaults: Record<string, string>;
  /** Velocity template producing the output JSON. Genesys' default is `${rawResult}`. */
  successTemplate: string;
  /** cxpact extension: a JSONata translation instead of (or in addition to) the native one. */
  jsonata?: JsonataTranslation;
}

export interface DataAction {
  /** The action's name as in the definition. */
  name: string;
  /** A file-system-safe identifier, unique within its provider folder (derived from the file name). */
  slug: string;
  /** The file the action was read from. */
  file: string;
  /** Where inside the file (`$` for a whole-file JSON definition, a resource address for Terraform). */
  pointer: string;
  format: DefinitionFormat;
  integrationType?: string;
  /** `custom` or `customAuth`. */
  actionType?: string;
  category?: string;
  secure: boolean;
  timeoutSeconds?: number;
  request: DataActionRequest;
  response: DataActionResponse;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
}

/** A raw HTTP response as a Data Action receives it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The request cxpact renders, exactly as Genesys would send it. */
export interface RenderedRequest {
  method: HttpMethod;
  /** As rendered: relative (`/api/v2/...`) for Genesys Cloud actions, absolute otherwise. */
  url: string;
  headers: Record<string, string>;
  /** The rendered body text; undefined when the method sends none. */
  body?: string;
  /**
   * Headers whose value came from `${credentials.X}` or `${authResponse.X}`: their value holds a placeholder,
   * never a secret, and a pact matches them by regex.
   */
  secretHeaders: SecretHeader[];
  /**
   * The URL and/or body when they hold `{{credentials.X}}` / `{{authResponse.X}}` placeholders (custom auth
   * actions): the placeholder text and a regex a real value matches. Absent when neither holds a secret.
   */
  secretParts?: SecretPart[];
}

export interface SecretPart {
  part: 'url' | 'body';
  /** The rendered text with placeholders. */
  value: string;
  /** A regex a real value matches. */
  regex: string;
}

export interface SecretHeader {
  header: string;
  /** The rendered value with placeholders, e.g. `Bearer {{authResponse.access_token}}`. */
  value: string;
  /** A regex a real value of this header matches. */
  regex: string;
}
