// Lint findings and where they point: a stable dotted code, a severity, the file, a JSON path and the fix.
import type { DataAction } from '../data-action/model';

/** `info`: worth knowing, often intended (not counted as a problem; never fails a run). */
export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  /** Stable dotted code, e.g. `lint.secret.literal`. */
  code: string;
  severity: Severity;
  message: string;
  /** The definition file (as the action model names it). */
  file: string;
  /** JSON path of the field inside the file, e.g. `$.config.request.headers.Authorization`. */
  path: string;
  fix: string;
  /** The action's name. */
  action: string;
  /** 1-based position inside a template, when the finding is about a template. */
  line?: number;
  column?: number;
}

export interface LintResult {
  /** Every action that was parsed and linted. */
  actions: Array<{ name: string; file: string; slug: string }>;
  findings: LintFinding[];
  /** Definition files that could not be parsed (also reported as findings). */
  unparsed: number;
}

/** Logical fields of an action, mapped to a JSON path for each definition format. */
export type Field =
  | { kind: 'url' }
  | { kind: 'method' }
  | { kind: 'header'; name: string }
  | { kind: 'headers' }
  | { kind: 'body' }
  | { kind: 'translationMap'; key?: string }
  | { kind: 'translationMapDefaults'; key?: string }
  | { kind: 'successTemplate' }
  | { kind: 'inputSchema'; sub?: string }
  | { kind: 'outputSchema'; sub?: string }
  | { kind: 'timeout' }
  | { kind: 'root' };

/** `.name` or `['odd name']`. */
export function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** The JSON path of a field inside the action's file, per definition format. */
export function fieldPath(action: Pick<DataAction, 'format' | 'pointer'>, field: Field): string {
  const terraform = action.format === 'terraform' || action.format === 'terraform-json';
  const base = action.pointer === '' || action.pointer === undefined ? '$' : action.pointer;
  const at = (ui: string, tf: string): string => `${base === '$' ? '$' : base}${terraform ? tf : ui}`;
  switch (field.kind) {
    case 'root':
      return base;
    case 'url':
      return at('.config.request.requestUrlTemplate', '.config_request.request_url_template');
    case 'method':
      return at('.config.request.requestType', '.config_request.request_type');
    case 'headers':
      return at('.config.request.headers', '.config_request.headers');
    case 'header':
      return at(`.config.request.headers${member(field.name)}`, `.config_request.headers${member(field.name)}`);
    case 'body':
      return at('.config.request.requestTemplate', '.config_request.request_template');
    case 'translationMap':
      return at(`.config.response.translationMap${field.key === undefined ? '' : member(field.key)}`, `.config_response.translation_map${field.key === undefined ? '' : member(field.key)}`);
    case 'translationMapDefaults':
      return at(
        `.config.response.translationMapDefaults${field.key === undefined ? '' : member(field.key)}`,
        `.config_response.translation_map_defaults${field.key === undefined ? '' : member(field.key)}`,
      );
    case 'successTemplate':
      return at('.config.response.successTemplate', '.config_response.success_template');
    case 'inputSchema':
      return at(`.contract.input.inputSchema${field.sub ?? ''}`, `.contract_input${field.sub ?? ''}`);
    case 'outputSchema':
      return at(`.contract.output.successSchema${field.sub ?? ''}`, `.contract_output${field.sub ?? ''}`);
    case 'timeout':
      return at('.config.timeoutSeconds', '.config_timeout_seconds');
  }
}
