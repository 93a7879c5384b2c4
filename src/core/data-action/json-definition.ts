// Parses the JSON definition formats into the DataAction model (see parse.ts for the file-level entry point):
//   - UI export JSON (`*.custom.json`, `*.customAuth.json`, `*.json`): { name, integrationType, actionType, config, contract, secure }
//   - Platform API object (GET /api/v2/integrations/actions/{id}): { id, name, category, integrationId, config, contract, version, selfUri };
//     also a listing `{ entities: [...] }` or a JSON array of actions.
//   - older hand-written files with category / integrationId instead of integrationType / actionType
// Terraform resources are mapped onto the same JSON shape by terraform.ts, which builds its actions here.
// Pure: text and values in, actions and CxpactErrors out.

import { findJsonSyntaxError } from '../json-syntax';
import * as path from 'node:path';
import { CxpactError, type Code } from '../errors';
import { currentLimits, tooDeep, tooLong } from '../limits';
import { isRecord } from '../json';
import type { DataAction, DefinitionFormat, HttpMethod, JsonSchema } from './model';
import { DEFAULT_REQUEST_TEMPLATE } from './render-request';

export const DEFAULT_SUCCESS_TEMPLATE = '${rawResult}';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export interface ParseResult {
  actions: DataAction[];
  errors: CxpactError[];
}

/**
 * Slug from a file name: strips `.json`, `.custom`, `.customAuth`, `.from-tf`, `.tf`, the admin UI's export suffix
 * (`-v1-20220330141510`) and makes it file-safe.
 */
export function slugFromFile(file: string): string {
  let base = path.basename(file);
  base = base
    .replace(/\.tf\.json$/i, '')
    .replace(/\.tf$/i, '')
    .replace(/\.json$/i, '');
  base = base.replace(/\.(custom|customAuth|from-tf|export|exported)$/i, '');
  base = base.replace(/[\s_-]+-\s*Exported\s+\d{4}-\d{2}-\d{2}.*$/i, '');
  // The admin UI's export file name: `<name>-v<version>-<yyyyMdHms timestamp>.custom.json`.
  base = base.replace(/\.+$/, '').replace(/-v\d+-\d{12,14}$/, '');
  return fileSafe(base);
}

/** Replaces characters that are unsafe in file names (and pact names) with `-`. */
export function fileSafe(s: string): string {
  const out = s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return out === '' ? 'action' : out;
}

/** 1-based line/column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** JSON.parse with a CxpactError that names the line and column of the syntax error. */
export function parseJsonText(file: string, text: string, code: Code = 'data-action.json.malformed'): unknown {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(clean);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // JSON.parse rarely says where; the scanner does (and says what it expected there).
    const problem = findJsonSyntaxError(clean);
    const m = /position (\d+)/.exec(msg);
    const offset = problem?.offset ?? (m ? Number(m[1]) : clean.length);
    const { line, column } = lineColumn(clean, offset);
    const lineText = clean.split('\n')[line - 1] ?? '';
    const why = problem !== undefined ? `expected ${problem.reason}` : msg.replace(/\s*\(line \d+ column \d+\)/, '');
    throw new CxpactError(
      code,
      `${file}:${line}:${column}: the file is not valid JSON: ${why}.\n  ${lineText.slice(0, 200)}\n  ${' '.repeat(Math.max(0, Math.min(column - 1, 200)))}^`,
      {
        file,
        path: '$',
        fix: `Fix the JSON syntax at line ${line}, column ${column} (a missing comma, a stray brace or an unescaped quote are the usual causes).`,
        details: { line, column, offset },
      },
    );
  }
}

/** A parsed JSON value holding one action, a JSON array of actions or an API listing `{ entities: [...] }`. */
export function parseJsonDefinition(file: string, json: unknown): ParseResult {
  const actions: DataAction[] = [];
  const errors: CxpactError[] = [];
  const one = (value: unknown, pointer: string, slug: string): void => {
    const r = actionFromJson(file, value, pointer, slug);
    if (r.action) actions.push(r.action);
    errors.push(...r.errors);
  };
  const base = slugFromFile(file);
  if (Array.isArray(json)) {
    json.forEach((v, i) => {
      one(v, `$[${i}]`, isRecord(v) && typeof v['name'] === 'string' ? fileSafe(v['name']) : `${base}-${i}`);
    });
  } else if (isRecord(json) && Array.isArray(json['entities']) && !('config' in json)) {
    json['entities'].forEach((v, i) => {
      one(v, `$.entities[${i}]`, isRecord(v) && typeof v['name'] === 'string' ? fileSafe(v['name']) : `${base}-${i}`);
    });
  } else {
    one(json, '$', base);
  }
  return { actions, errors };
}

/** Collects field errors for one action. */
class FieldChecker {
  readonly errors: CxpactError[] = [];
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly label: string,
  ) {}

  at(p: string): string {
    if (p === '') return this.pointer;
    return this.pointer === '$' ? `$${p}` : `${this.pointer}${p}`;
  }

  error(code: Code, p: string, message: string, fix: string): void {
    this.errors.push(new CxpactError(code, `${this.label}: ${message}`, { file: this.file, path: this.at(p), fix }));
  }

  string(
    obj: Record<string, unknown>,
    key: string,
    p: string,
    opts: { required: boolean; fix: string },
  ): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (opts.required) this.error('data-action.field.missing', `${p}.${key}`, `\`${key}\` is missing.`, opts.fix);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.error(
        'data-action.field.invalid',
        `${p}.${key}`,
        `\`${key}\` must be a string, found ${typeName(v)}.`,
        opts.fix,
      );
      return undefined;
    }
    return v;
  }

  stringMap(obj: Record<string, unknown>, key: string, p: string, fix: string): Record<string, string> {
    const v = obj[key];
    const out: Record<string, string> = {};
    if (v === undefined || v === null) return out;
    if (!isRecord(v)) {
      this.error(
        'data-action.field.invalid',
        `${p}.${key}`,
        `\`${key}\` must be an object of strings, found ${typeName(v)}.`,
        fix,
      );
      return out;
    }
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') out[k] = val;
      else
        this.error(
          'data-action.field.invalid',
          `${p}.${key}${propPath(k)}`,
          `\`${key}.${k}\` must be a string, found ${typeName(val)}.`,
          fix,
        );
    }
    return out;
  }
}

function propPath(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `['${k.replace(/'/g, "\\'")}']`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** Builds one DataAction from a JSON object (UI export / Platform API / older create body). */
export function actionFromJson(
  file: string,
  value: unknown,
  pointer: string,
  slug: string,
  format?: DefinitionFormat,
): { action?: DataAction; errors: CxpactError[] } {
  const name = isRecord(value) && typeof value['name'] === 'string' ? value['name'] : slug;
  const c = new FieldChecker(file, pointer, `Data Action "${name}"`);
  if (!isRecord(value)) {
    c.error(
      'data-action.shape.invalid',
      '',
      `the definition must be a JSON object, found ${typeName(value)}.`,
      'Export the action from the Genesys Cloud admin UI (Actions > ... > Export) or pull it with `cxpact genesys-pull`.',
    );
    return { errors: c.errors };
  }
  if (!('config' in value) && !('contract' in value) && !('name' in value)) {
    c.error(
      'data-action.shape.unknown',
      '',
      'this JSON file is not a Data Action definition (no name, config or contract).',
      'Move it out of the Data Action folder, or give it a name cxpact skips (`*.cases.json`, `*.recording.json`, `cxpact.json`).',
    );
    return { errors: c.errors };
  }
  // Sizes first: a 50 MB name or template is refused before anything renders, copies or writes it.
  const limits = currentLimits();
  const long = tooLong(value, limits.stringLength);
  if (long !== undefined) {
    c.error(
      'limit.size',
      long.path === '$' ? '' : long.path.slice(1),
      `a string is ${long.length.toLocaleString('en-US')} characters long; the limit is ${limits.stringLength.toLocaleString('en-US')}.`,
      'Shorten it (real names, URLs and templates are at most a few KB), or raise the limit: --limit-string / CXPACT_LIMIT_STRING.',
    );
    return { errors: c.errors };
  }
  const deep = tooDeep(value, limits.depth);
  if (deep !== undefined) {
    c.error(
      'limit.depth',
      deep === '$' ? '' : deep.slice(1),
      `the definition nests deeper than ${limits.depth} levels.`,
      'Nest less deeply, or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
    );
    return { errors: c.errors };
  }
  const fmt: DefinitionFormat =
    format ??
    ('id' in value || 'selfUri' in value || 'version' in value || 'integrationId' in value
      ? 'platform-api'
      : 'ui-export');

  if (typeof value['name'] !== 'string' || value['name'].trim() === '') {
    c.error(
      'data-action.field.missing',
      '.name',
      '`name` is missing or empty.',
      'Add "name": "<action name>" at the top level of the definition.',
    );
  }

  // ---- config ----
  const config = value['config'];
  let request = {
    urlTemplate: '',
    method: 'GET' as HttpMethod,
    headers: {} as Record<string, string>,
    bodyTemplate: DEFAULT_REQUEST_TEMPLATE,
  };
  let response = {
    translationMap: {} as Record<string, string>,
    translationMapDefaults: {} as Record<string, string>,
    successTemplate: DEFAULT_SUCCESS_TEMPLATE,
  };
  let jsonata: { expression: string; source: string } | undefined;
  let timeoutSeconds: number | undefined;
  if (!isRecord(config)) {
    c.error(
      config === undefined ? 'data-action.config.missing' : 'data-action.field.invalid',
      '.config',
      config === undefined ? '`config` is missing.' : `\`config\` must be an object, found ${typeName(config)}.`,
      'Add "config": { "request": { "requestUrlTemplate": ..., "requestType": ... }, "response": { ... } } (the Genesys export has it).',
    );
  } else {
    const req = config['request'];
    if (!isRecord(req)) {
      c.error(
        'data-action.field.missing',
        '.config.request',
        '`config.request` is missing or not an object.',
        'Add "request": { "requestUrlTemplate": "/api/v2/...", "requestType": "GET", "headers": {}, "requestTemplate": "${input.rawRequest}" }.',
      );
    } else {
      const url = c.string(req, 'requestUrlTemplate', '.config.request', {
        required: true,
        fix: 'Set "requestUrlTemplate" to the URL (Velocity template) the action calls, e.g. "/api/v2/users/${input.userId}".',
      });
      const methodRaw = c.string(req, 'requestType', '.config.request', {
        required: true,
        fix: 'Set "requestType" to GET, POST, PUT, PATCH or DELETE.',
      });
      let method: HttpMethod = 'GET';
      if (methodRaw !== undefined) {
        const up = methodRaw.toUpperCase() as HttpMethod;
        if (METHODS.includes(up)) method = up;
        else
          c.error(
            'data-action.field.invalid',
            '.config.request.requestType',
            `\`requestType\` "${methodRaw}" is not an HTTP method.`,
            'Use GET, POST, PUT, PATCH or DELETE.',
          );
      }
      const headers = c.stringMap(
        req,
        'headers',
        '.config.request',
        'Headers are "Name": "value template" string pairs.',
      );
      const headerCount = Object.keys(headers).length;
      if (headerCount > limits.headers) {
        c.error(
          'limit.size',
          '.config.request.headers',
          `the request has ${headerCount.toLocaleString('en-US')} headers; the limit is ${limits.headers}.`,
          'Send fewer headers (servers refuse more than about 100), or raise the limit: --limit-headers / CXPACT_LIMIT_HEADERS.',
        );
      }
      const body = c.string(req, 'requestTemplate', '.config.request', {
        required: false,
        fix: 'requestTemplate is a Velocity template string; the default is "${input.rawRequest}".',
      });
      if (body === undefined && typeof req['requestTemplateUri'] === 'string') {
        c.error(
          'data-action.template.not-inline',
          '.config.request.requestTemplateUri',
          `the request template is only referenced (\`requestTemplateUri\`: ${req['requestTemplateUri']}), not inline.`,
          'Inline the template as "requestTemplate" (GET /api/v2/integrations/actions/{id}/templates/requesttemplate.vm returns its text), or pull the action with `cxpact genesys-pull`, which inlines it.',
        );
      }
      request = { urlTemplate: url ?? '', method, headers, bodyTemplate: body ?? DEFAULT_REQUEST_TEMPLATE };
    }
    const res = config['response'];
    if (res !== undefined && !isRecord(res)) {
      c.error(
        'data-action.field.invalid',
        '.config.response',
        `\`config.response\` must be an object, found ${typeName(res)}.`,
        'Use "response": { "translationMap": {}, "translationMapDefaults": {}, "successTemplate": "${rawResult}" }.',
      );
    } else if (isRecord(res)) {
      const translationMap = c.stringMap(
        res,
        'translationMap',
        '.config.response',
        'translationMap maps output variable names to JSONPath strings, e.g. "name": "$.customer.name".',
      );
      const translationMapDefaults = c.stringMap(
        res,
        'translationMapDefaults',
        '.config.response',
        'translationMapDefaults values are JSON text strings: "\\"none\\"" for a string, "0" for a number, "[]" for an array.',
      );
      const successTemplate = c.string(res, 'successTemplate', '.config.response', {
        required: false,
        fix: 'successTemplate is a Velocity template string; the default is "${rawResult}".',
      });
      if (successTemplate === undefined && typeof res['successTemplateUri'] === 'string') {
        c.error(
          'data-action.template.not-inline',
          '.config.response.successTemplateUri',
          `the success template is only referenced (\`successTemplateUri\`: ${res['successTemplateUri']}), not inline.`,
          'Inline the template as "successTemplate" (GET /api/v2/integrations/actions/{id}/templates/successtemplate.vm returns its text), or pull the action with `cxpact genesys-pull`, which inlines it.',
        );
      }
      response = {
        translationMap,
        translationMapDefaults,
        successTemplate: successTemplate ?? DEFAULT_SUCCESS_TEMPLATE,
      };
      const j = res['jsonata'];
      if (j !== undefined) {
        if (typeof j === 'string' && j.trim() !== '')
          jsonata = { expression: j, source: `${c.at('.config.response.jsonata')}` };
        else
          c.error(
            'data-action.field.invalid',
            '.config.response.jsonata',
            '`jsonata` must be a non-empty string holding a JSONata expression.',
            'Write the expression as a string, or put it in a `.jsonata` file beside the definition.',
          );
      }
    }
    const t = config['timeoutSeconds'];
    if (t !== undefined && t !== null) {
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 60) {
        c.error(
          'data-action.field.invalid',
          '.config.timeoutSeconds',
          `\`timeoutSeconds\` must be an integer from 1 to 60, found ${typeName(t)}.`,
          "Use a whole number of seconds between 1 and 60 (Genesys' default is 60).",
        );
      } else timeoutSeconds = t;
    }
  }

  // ---- contract ----
  let inputSchema: JsonSchema = {};
  let outputSchema: JsonSchema = {};
  const contract = value['contract'];
  if (contract === undefined && value['actionType'] === 'customAuth') {
    // The custom auth action of a User Defined (OAuth) integration has no inputs and a free-form output.
    inputSchema = { type: 'object', properties: {}, additionalProperties: true };
    outputSchema = { type: 'object', properties: {}, additionalProperties: true };
  } else if (!isRecord(contract)) {
    c.error(
      'data-action.contract.missing',
      '.contract',
      contract === undefined
        ? '`contract` is missing.'
        : `\`contract\` must be an object, found ${typeName(contract)}.`,
      'Add "contract": { "input": { "inputSchema": {...} }, "output": { "successSchema": {...} } } (JSON schemas, draft-04). With the Platform API, GET the action with ?expand=contract.',
    );
  } else {
    const schema = (side: 'input' | 'output', key: string, flatKey: string): JsonSchema | undefined => {
      const s = contract[side];
      if (!isRecord(s)) {
        c.error(
          'data-action.contract.missing',
          `.contract.${side}`,
          `\`contract.${side}\` is missing.`,
          `Add "contract.${side}.${key}" with a JSON schema (draft-04).`,
        );
        return undefined;
      }
      const v = s[key] ?? s[flatKey];
      if (v === undefined && typeof s[`${key.replace(/Schema$/, '')}SchemaUri`] === 'string') {
        c.error(
          'data-action.contract.missing',
          `.contract.${side}.${key}`,
          `\`contract.${side}.${key}\` is only referenced by URI.`,
          'GET the action with ?expand=contract, or pull it with `cxpact genesys-pull`.',
        );
        return undefined;
      }
      if (!isRecord(v)) {
        c.error(
          'data-action.contract.missing',
          `.contract.${side}.${key}`,
          v === undefined
            ? `\`contract.${side}.${key}\` is missing.`
            : `\`contract.${side}.${key}\` must be a JSON schema object, found ${typeName(v)}.`,
          `Add "${key}": { "type": "object", "properties": {...} }.`,
        );
        return undefined;
      }
      return v;
    };
    inputSchema = schema('input', 'inputSchema', 'inputSchemaFlattened') ?? {};
    outputSchema = schema('output', 'successSchema', 'successSchemaFlattened') ?? {};
  }

  const secure = value['secure'];
  if (secure !== undefined && secure !== null && typeof secure !== 'boolean') {
    c.error(
      'data-action.field.invalid',
      '.secure',
      `\`secure\` must be true or false, found ${typeName(secure)}.`,
      'Use "secure": false (or true for actions whose inputs/outputs must not be logged).',
    );
  }

  if (c.errors.length > 0) return { errors: c.errors };
  const action: DataAction = {
    name: value['name'] as string,
    slug,
    file,
    pointer,
    format: fmt,
    secure: secure === true,
    request,
    response: jsonata ? { ...response, jsonata } : response,
    inputSchema,
    outputSchema,
  };
  if (typeof value['integrationType'] === 'string') action.integrationType = value['integrationType'];
  if (typeof value['actionType'] === 'string') action.actionType = value['actionType'];
  if (typeof value['category'] === 'string') action.category = value['category'];
  if (timeoutSeconds !== undefined) action.timeoutSeconds = timeoutSeconds;
  return { action, errors: [] };
}
