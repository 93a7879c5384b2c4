// Parses one Data Action definition file (its text) into the DataAction model: the entry point for every format.
//
// Formats (see docs/genesys-data-actions.md §1):
//   - UI export JSON (`*.custom.json`, `*.customAuth.json`, `*.json`): { name, integrationType, actionType, config, contract, secure }
//   - Platform API object (GET /api/v2/integrations/actions/{id}): { id, name, category, integrationId, config, contract, version, selfUri };
//     also a listing `{ entities: [...] }` or a JSON array of actions.
//   - older hand-written files with category / integrationId instead of integrationType / actionType
//   - Terraform (`.tf`, `.tf.json`): genesyscloud_integration_action(_draft) and genesyscloud_integration_custom_auth_action
//     resources, see terraform.ts.
//
// JSONata (cxpact extension) — where the expression lives, in order of precedence:
//   1. an inline string field `config.response.jsonata` in the definition (Terraform: `config_response { jsonata = ... }`);
//   2. a file `<name>.jsonata` beside the definition, `<name>` being the definition file name without `.json`
//      (e.g. `data-actions/crm/get-customer-summary.json` + `data-actions/crm/get-customer-summary.jsonata`), or the
//      action's slug (needed for Terraform files that hold several actions: `<resource name>.jsonata`).
// The expression goes into `action.response.jsonata` with its source (the JSON path or the .jsonata file path).
// parseDefinitionFile only sees one file's text; src/io/files.ts (loadDataActions) reads folders, attaches sibling
// files and reports an action that has both an inline expression and a sibling file (`data-action.jsonata.ambiguous`).
// Pure.

import * as path from 'node:path';
import { CxpactError } from '../errors';
import { currentLimits, sizeLimitError, tooDeep } from '../limits';
import { isRecord } from '../json';
import type { DataAction } from './model';
import { parseJsonDefinition, parseJsonText, type ParseResult } from './json-definition';
import { parseTerraformFile, parseTerraformJsonFile } from './terraform';

export {
  actionFromJson,
  DEFAULT_SUCCESS_TEMPLATE,
  fileSafe,
  lineColumn,
  parseJsonDefinition,
  parseJsonText,
  slugFromFile,
  type ParseResult,
} from './json-definition';

/** Parses one definition file. Never throws for user errors: they come back in `errors`. */
export function parseDefinitionFile(file: string, text: string): ParseResult {
  try {
    const limits = currentLimits();
    if (text.length > limits.fileBytes) {
      const e = sizeLimitError(
        'the file',
        text.length,
        'fileBytes',
        limits.fileBytes,
        'Split it, or check it is the Data Action definition you meant (real definitions are a few KB)',
      );
      return {
        actions: [],
        errors: [
          new CxpactError(e.code, `${file}: ${e.message}.`, { file, path: '$', fix: e.fix, details: e.details }),
        ],
      };
    }
    if (/\.tf$/i.test(file)) return parseTerraformFile(file, text);
    const json = parseJsonText(file, text);
    const deep = tooDeep(json, limits.depth);
    if (deep !== undefined) {
      return {
        actions: [],
        errors: [
          new CxpactError('limit.depth', `${file}: the JSON nests deeper than ${limits.depth} levels (at ${deep}).`, {
            file,
            path: deep,
            fix: 'Nest less deeply (real definitions nest about 15 levels), or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
          }),
        ],
      };
    }
    if (/\.tf\.json$/i.test(file) || (isRecord(json) && isRecord(json['resource']) && !('config' in json))) {
      return parseTerraformJsonFile(file, json);
    }
    return parseJsonDefinition(file, json);
  } catch (e) {
    if (e instanceof CxpactError) return { actions: [], errors: [e] };
    throw e;
  }
}

/** Candidate sibling `.jsonata` files of an action, most specific first. */
export function jsonataCandidates(action: DataAction): string[] {
  const dir = path.dirname(action.file);
  const base = path.basename(action.file).replace(/\.json$/i, '');
  const c = [path.join(dir, `${action.slug}.jsonata`)];
  if (!/\.tf(\.json)?$/i.test(action.file) && action.pointer === '$') c.unshift(path.join(dir, `${base}.jsonata`));
  return [...new Set(c)];
}
