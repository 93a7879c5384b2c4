// Where a field of a Data Action lives in its definition file, per format: the one mapping from the model's fields
// to JSON paths (`$.config.request.requestUrlTemplate` in a UI export or Platform API object,
// `genesyscloud_integration_action.x.config_request.request_url_template` in Terraform). Findings of the parser,
// the renderer, the translation, the consumer run and lint all point through it. Pure.
import type { DataAction } from './model';

/** A logical field of an action. `sub` continues a JSON path inside a contract schema (`.properties.id`). */
export type Field =
  | { kind: 'root' }
  | { kind: 'name' }
  | { kind: 'secure' }
  | { kind: 'request' }
  | { kind: 'url' }
  | { kind: 'method' }
  | { kind: 'headers' }
  | { kind: 'header'; name: string }
  | { kind: 'body' }
  | { kind: 'response' }
  | { kind: 'translationMap'; key?: string }
  | { kind: 'translationMapDefaults'; key?: string }
  | { kind: 'successTemplate' }
  | { kind: 'jsonata' }
  | { kind: 'timeout' }
  | { kind: 'inputSchema'; sub?: string }
  | { kind: 'outputSchema'; sub?: string };

/** Each field's path in a JSON definition and in a Terraform resource (relative to the action's pointer). */
const PATHS: Readonly<Record<Exclude<Field['kind'], 'root'>, { json: string; terraform: string }>> = {
  name: { json: '.name', terraform: '.name' },
  secure: { json: '.secure', terraform: '.secure' },
  request: { json: '.config.request', terraform: '.config_request' },
  url: { json: '.config.request.requestUrlTemplate', terraform: '.config_request.request_url_template' },
  method: { json: '.config.request.requestType', terraform: '.config_request.request_type' },
  headers: { json: '.config.request.headers', terraform: '.config_request.headers' },
  header: { json: '.config.request.headers', terraform: '.config_request.headers' },
  body: { json: '.config.request.requestTemplate', terraform: '.config_request.request_template' },
  response: { json: '.config.response', terraform: '.config_response' },
  translationMap: { json: '.config.response.translationMap', terraform: '.config_response.translation_map' },
  translationMapDefaults: {
    json: '.config.response.translationMapDefaults',
    terraform: '.config_response.translation_map_defaults',
  },
  successTemplate: { json: '.config.response.successTemplate', terraform: '.config_response.success_template' },
  jsonata: { json: '.config.response.jsonata', terraform: '.config_response.jsonata' },
  timeout: { json: '.config.timeoutSeconds', terraform: '.config_timeout_seconds' },
  // A Terraform contract attribute is the schema itself (jsonencode({...})).
  inputSchema: { json: '.contract.input.inputSchema', terraform: '.contract_input' },
  outputSchema: { json: '.contract.output.successSchema', terraform: '.contract_output' },
};

/** `.name` or `['odd name']`: one member of a JSON path. */
export function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function isTerraform(action: Pick<DataAction, 'format'>): boolean {
  return action.format === 'terraform' || action.format === 'terraform-json';
}

/** The action's own location in its file: `$`, `$[2]`, `$.entities[0]` or a Terraform resource address. */
function base(action: Pick<DataAction, 'pointer'>): string {
  return action.pointer === '' || action.pointer === undefined ? '$' : action.pointer;
}

/** The JSON path of a field inside the action's file, per definition format. */
export function fieldPath(action: Pick<DataAction, 'format' | 'pointer'>, field: Field): string {
  if (field.kind === 'root') return base(action);
  const p = PATHS[field.kind][isTerraform(action) ? 'terraform' : 'json'];
  const tail =
    field.kind === 'header'
      ? member(field.name)
      : (field.kind === 'translationMap' || field.kind === 'translationMapDefaults') && field.key !== undefined
        ? member(field.key)
        : (field.kind === 'inputSchema' || field.kind === 'outputSchema') && field.sub !== undefined
          ? field.sub
          : '';
  return `${base(action)}${p}${tail}`;
}

/**
 * A path the JSON parser reported inside a JSON view of a Terraform resource (`.config.request.requestType`), as the
 * Terraform attribute it came from (`.config_request.request_type`); the longest known field wins. Undefined for a
 * path of no known field.
 */
export function terraformPath(jsonPath: string): string | undefined {
  let best: { json: string; terraform: string } | undefined;
  for (const p of Object.values(PATHS)) {
    if (
      (jsonPath === p.json || jsonPath.startsWith(`${p.json}.`) || jsonPath.startsWith(`${p.json}[`)) &&
      (best === undefined || p.json.length > best.json.length)
    )
      best = p;
  }
  return best === undefined ? undefined : `${best.terraform}${jsonPath.slice(best.json.length)}`;
}
