// Response translation as Genesys performs it (docs/genesys-data-actions.md §2 steps 5-9, §4):
//   non-2xx -> failure; each translationMap entry is a Jayway JSONPath into the parsed body; its result becomes JSON
//   TEXT (strings keep their quotes); translationMapDefaults (verbatim JSON text) apply only when the path does not
//   resolve (PathNotFound); the successTemplate is rendered with Velocity (vars + rawResult) and must parse as JSON.
// cxpact extension: a JSONata expression (action.response.jsonata) evaluated against the raw body, with $input,
// $status and $headers bound; its result is the output.

import { compileJsonPath, type JsonPath } from '../jsonpath';
import { CxpactError, messageOf } from '../errors';
import { currentLimits, limitErrorFromRaw, tooDeep, withBudget } from '../limits';
import { isRecord } from '../json';
import { renderSuccessTemplate } from '../velocity';
import { evaluateJsonata } from './jsonata';
import type { DataAction, RawResponse } from './model';
import { fieldPath, type Field } from './fields';
import { translationPathSyntax } from './problems';

export interface TranslatedVariable {
  /** The JSONPath as written ('' for a default-only variable). */
  path: string;
  /** The resolved value (parsed JSON); for a default, the parsed default (or the raw text when it is not JSON). */
  value: unknown;
  /** The JSON text handed to the success template. */
  json: string;
  /** The path resolved (for an indefinite path: always, possibly to `[]`). */
  resolved: boolean;
  /** translationMapDefaults was used. */
  defaulted: boolean;
}

export interface TranslationResult {
  /** Variable -> resolution (native translation). Empty for JSONata. */
  translation: Record<string, TranslatedVariable>;
  /** The action's output (parsed success template, or the JSONata result). Undefined on failure. */
  output: unknown;
  renderedSuccessTemplate?: string;
  /** Which translation ran. */
  mode: 'native' | 'jsonata';
  /** True when the HTTP status was not 2xx: Genesys takes the failure path, nothing is translated. */
  failed: boolean;
  errors: CxpactError[];
}

export interface TranslateOptions {
  /** The action's input (bound as `$input` for JSONata). */
  input?: Record<string, unknown>;
}

function where(action: DataAction, field: Field): { file: string; path: string } {
  return { file: action.file, path: fieldPath(action, field) };
}

/** Parses the body when it is JSON text; a raw response body in cases/recordings is already parsed JSON. */
function bodyText(body: unknown): string {
  return body === undefined ? '' : JSON.stringify(body);
}

function excerpt(text: string, at?: number): string {
  if (text.length <= 300) return text;
  const from = Math.max(0, (at ?? 0) - 120);
  return `${from > 0 ? '…' : ''}${text.slice(from, from + 300)}${from + 300 < text.length ? '…' : ''}`;
}

function statusFailure(action: DataAction, response: RawResponse, mode: 'native' | 'jsonata'): TranslationResult {
  const text = bodyText(response.body);
  return {
    translation: {},
    output: undefined,
    mode,
    failed: true,
    errors: [
      new CxpactError(
        'translation.http.status',
        `Data Action "${action.name}": the response status ${response.status} is not 2xx, so Genesys takes the action's failure path (nothing is translated). Response body: ${excerpt(text)}`,
        {
          ...where(action, { kind: 'root' }),
          fix: 'Expected for an error case; for a success case make the provider return a 2xx status.',
          details: { status: response.status },
        },
      ),
    ],
  };
}

/**
 * Translates a raw response as Genesys would with the native translation (translationMap + defaults +
 * successTemplate). JSONata evaluates asynchronously: an action translated by JSONata needs translateResponseAsync
 * (which does both), and here gets the error `translation.jsonata.async` saying so.
 */
export function translateResponse(
  action: DataAction,
  response: RawResponse,
  _options: TranslateOptions = {},
): TranslationResult {
  const mode = action.response.jsonata ? 'jsonata' : 'native';
  if (response.status < 200 || response.status > 299) return statusFailure(action, response, mode);
  const deep = deepBody(action, response, mode);
  if (deep !== undefined) return deep;
  if (action.response.jsonata) return jsonataNeedsAsync(action, action.response.jsonata.source);
  return withBudget(() => translateNative(action, { ...response, body: normalizeBody(response.body, action) }));
}

/** A response body nested deeper than the depth limit: refused before any walker recurses into it. */
function deepBody(
  action: DataAction,
  response: RawResponse,
  mode: 'native' | 'jsonata',
): TranslationResult | undefined {
  const max = currentLimits().depth;
  const at = tooDeep(response.body, max);
  if (at === undefined) return undefined;
  return {
    translation: {},
    output: undefined,
    mode,
    failed: false,
    errors: [
      new CxpactError(
        'limit.depth',
        `Data Action "${action.name}": the response body nests deeper than ${max} levels (at ${at}); cxpact does not translate it.`,
        {
          ...where(action, { kind: 'root' }),
          fix: 'Use a response that nests less deeply, or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
        },
      ),
    ],
  };
}

/** A budget or limit error while evaluating `what`, as a translation error naming the construct and the field. */
function overBudget(action: DataAction, e: unknown, what: string, field: Field): CxpactError | undefined {
  const limit = limitErrorFromRaw(e, what);
  if (limit === undefined) return undefined;
  return new CxpactError(
    limit.code,
    `Data Action "${action.name}": ${limit.message.startsWith(what) ? limit.message : `${what}: ${limit.message}`}`,
    { ...where(action, field), fix: limit.fix ?? 'Make the expression cheaper.', details: limit.details },
  );
}

/**
 * A 2xx response without a body (204, or an empty 200) translates as `{}`: the many real actions whose API answers
 * with no content (PUT/PATCH/DELETE) and whose success template is `${rawResult}` with an empty output schema work
 * on Genesys, so an empty body cannot be a JSON error there. [unverified: confirm with /test]
 */
function normalizeBody(body: unknown, action: DataAction): unknown {
  if (body === undefined || body === '') return {};
  // Google Cloud Functions / Genesys Cloud Functions answer with stringified JSON, which Genesys parses first (§2.6).
  if (
    typeof body === 'string' &&
    /function|google/i.test(`${action.integrationType ?? ''} ${action.category ?? ''}`) &&
    /^\s*[[{"]/.test(body)
  ) {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  return body;
}

/**
 * Architect's flattened format (`?flatten=true`, Architect, outbound rules; §4.5): nested object properties become
 * dot-joined keys, arrays of primitives stay arrays, an array of objects becomes one array per leaf
 * (`{"entities":[{"id":"a"},{"id":"b"}]}` -> `{"entities.id":["a","b"]}`; an element without the leaf gives null).
 * [doc-derived; the details (missing leaves, nested arrays) are unverified]
 */
export function flattenOutput(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (v: unknown, prefix: string): void => {
    if (isRecord(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 && prefix !== '') out[prefix] = {};
      for (const k of keys) walk(v[k], prefix === '' ? k : `${prefix}.${k}`);
      return;
    }
    if (Array.isArray(v) && v.some((e) => isRecord(e))) {
      const columns = new Map<string, unknown[]>();
      v.forEach((e, i) => {
        const flat = isRecord(e) ? flattenOutput(e) : {};
        for (const [k, x] of Object.entries(flat)) {
          const key = prefix === '' ? k : `${prefix}.${k}`;
          if (!columns.has(key)) columns.set(key, new Array<unknown>(i).fill(null));
          columns.get(key)!.push(x);
        }
        for (const col of columns.values()) if (col.length < i + 1) col.push(null);
      });
      for (const [k, col] of columns) out[k] = col;
      return;
    }
    out[prefix === '' ? '$' : prefix] = v;
  };
  walk(value, '');
  return out;
}

/** Translates a raw response as Genesys would: the native translation, or the action's JSONata expression. */
export async function translateResponseAsync(
  action: DataAction,
  response: RawResponse,
  options: TranslateOptions = {},
): Promise<TranslationResult> {
  if (!action.response.jsonata) return translateResponse(action, response, options);
  if (response.status < 200 || response.status > 299) return statusFailure(action, response, 'jsonata');
  const deep = deepBody(action, response, 'jsonata');
  if (deep !== undefined) return deep;
  const { expression, source } = action.response.jsonata;
  const r = await evaluateJsonata(expression, response.body, jsonataBindings(response, options));
  return jsonataResult(action, source, expression, r);
}

function jsonataNeedsAsync(action: DataAction, source: string): TranslationResult {
  const error = new CxpactError(
    'translation.jsonata.async',
    `Data Action "${action.name}" translates its response with JSONata, which evaluates asynchronously: translateResponse cannot run it.`,
    {
      file: source.startsWith('$') || source.includes('[') ? action.file : source,
      path: source.startsWith('$') ? source : undefined,
      fix: 'Call translateResponseAsync (it runs both kinds of translation).',
    },
  );
  return { translation: {}, output: undefined, mode: 'jsonata', failed: false, errors: [error] };
}

/** `$headers` holds the response headers as given plus lower-case aliases (header names are case-insensitive). */
function jsonataBindings(response: RawResponse, options: TranslateOptions): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) {
    headers[k] = v;
    if (!(k.toLowerCase() in response.headers)) headers[k.toLowerCase()] = v;
  }
  return { input: options.input ?? {}, status: response.status, headers };
}

function jsonataResult(
  action: DataAction,
  source: string,
  expression: string,
  r: { ok: true; value: unknown } | { ok: false; error: string; position?: number },
): TranslationResult {
  if (!r.ok) {
    return {
      translation: {},
      output: undefined,
      mode: 'jsonata',
      failed: false,
      errors: [
        new CxpactError(
          'translation.jsonata.failed',
          `Data Action "${action.name}": the JSONata translation failed: ${r.error}`,
          {
            file: source.startsWith('$') || source.includes('[') ? action.file : source,
            path: source.startsWith('$') ? source : undefined,
            fix: 'Fix the JSONata expression (try it on https://try.jsonata.org with the response body).',
            details: { expression, ...(r.position === undefined ? {} : { position: r.position }) },
          },
        ),
      ],
    };
  }
  const max = currentLimits().depth;
  const deep = tooDeep(r.value, max);
  if (deep !== undefined) {
    const error = new CxpactError(
      'limit.depth',
      `Data Action "${action.name}": the JSONata result nests deeper than ${max} levels (at ${deep}).`,
      {
        file: source.startsWith('$') || source.includes('[') ? action.file : source,
        path: source.startsWith('$') ? source : undefined,
        fix: 'Make the expression produce a flatter output, or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
      },
    );
    return { translation: {}, output: undefined, mode: 'jsonata', failed: false, errors: [error] };
  }
  return { translation: {}, output: r.value, mode: 'jsonata', failed: false, errors: [] };
}

function compile(action: DataAction, name: string, expr: string, errors: CxpactError[]): JsonPath | undefined {
  try {
    return compileJsonPath(expr);
  } catch (e) {
    errors.push(translationPathSyntax(action, name, e));
    return undefined;
  }
}

function translateNative(action: DataAction, response: RawResponse): TranslationResult {
  const errors: CxpactError[] = [];
  const translation: Record<string, TranslatedVariable> = {};
  const { translationMap, translationMapDefaults, successTemplate } = action.response;
  const body = response.body;
  for (const [name, expr] of Object.entries(translationMap)) {
    const jp = compile(action, name, expr, errors);
    if (!jp) continue;
    let r: ReturnType<JsonPath['evaluate']>;
    try {
      r = jp.evaluate(body);
    } catch (e) {
      const limit = overBudget(
        action,
        e,
        `the translationMap entry "${name}" (${expr.length > 200 ? `${expr.slice(0, 200)}…` : expr})`,
        { kind: 'translationMap', key: name },
      );
      if (limit === undefined) throw e;
      return { translation, output: undefined, mode: 'native', failed: false, errors: [...errors, limit] };
    }
    if (r.found) {
      translation[name] = { path: expr, value: r.value, json: toJsonText(r.value), resolved: true, defaulted: false };
      continue;
    }
    const def = translationMapDefaults[name];
    if (def !== undefined) {
      translation[name] = { path: expr, value: parseDefault(def), json: def, resolved: false, defaulted: true };
      continue;
    }
    errors.push(
      new CxpactError(
        'translation.path.not-found',
        `Data Action "${action.name}": the translationMap entry "${name}" (${expr}) found nothing in the response (${r.reason ?? 'not found'}) and has no translationMapDefaults entry, so Genesys fails the action.`,
        {
          ...where(action, { kind: 'translationMap', key: name }),
          fix: `Add a default, e.g. "translationMapDefaults": { "${name}": "\\"\\"" } (JSON text), or make sure the response always has this field.`,
          details: { variable: name, expression: expr },
        },
      ),
    );
  }
  // A default without a translationMap entry simply defines a variable.
  for (const [name, def] of Object.entries(translationMapDefaults)) {
    if (!(name in translationMap))
      translation[name] = { path: '', value: parseDefault(def), json: def, resolved: false, defaulted: true };
  }
  if (errors.length > 0) return { translation, output: undefined, mode: 'native', failed: false, errors };

  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(translation)) vars[k] = v.json;
  let rendered: string;
  try {
    rendered = renderSuccessTemplate(successTemplate, vars, bodyText(body));
  } catch (e) {
    const err =
      overBudget(action, e, 'the success template', { kind: 'successTemplate' }) ??
      (e instanceof CxpactError
        ? new CxpactError(
            e.code,
            `Data Action "${action.name}": Transform failed to process result using 'successTemplate' template due to error: ${e.message}`,
            {
              ...where(action, { kind: 'successTemplate' }),
              fix: e.fix ?? 'Fix the success template.',
              details: e.details,
            },
          )
        : new CxpactError(
            'translation.template.failed',
            `Data Action "${action.name}": the success template failed: ${messageOf(e)}`,
            {
              ...where(action, { kind: 'successTemplate' }),
              fix: 'Fix the success template.',
            },
          ));
    return { translation, output: undefined, mode: 'native', failed: false, errors: [err] };
  }
  try {
    const output = rendered.trim() === '' ? undefined : JSON.parse(rendered);
    if (output === undefined) throw new SyntaxError('Unexpected end of JSON input (the template rendered nothing)');
    const max = currentLimits().depth;
    const deepOutput = tooDeep(output, max);
    if (deepOutput !== undefined) {
      const err = new CxpactError(
        'limit.depth',
        `Data Action "${action.name}": the success template's output nests deeper than ${max} levels (at ${deepOutput}).`,
        {
          ...where(action, { kind: 'successTemplate' }),
          fix: 'Make the success template produce a flatter output (Genesys flows read flat outputs), or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
        },
      );
      return {
        translation,
        output: undefined,
        renderedSuccessTemplate: excerpt(rendered),
        mode: 'native',
        failed: false,
        errors: [err],
      };
    }
    return { translation, output, renderedSuccessTemplate: rendered, mode: 'native', failed: false, errors: [] };
  } catch (e) {
    const msg = messageOf(e);
    const m = /position (\d+)/.exec(msg);
    const at = m ? Number(m[1]) : undefined;
    const hints: string[] = [];
    const bare = Object.entries(translation).filter(
      ([, v]) => v.defaulted && parseDefault(v.json) === v.json && v.json !== '',
    );
    if (bare.length > 0)
      hints.push(
        `translationMapDefaults ${bare.map(([k, v]) => `"${k}": ${JSON.stringify(v.json)}`).join(', ')} is not JSON text: write a string default with its quotes, e.g. "\\"${bare[0]![1].json}\\""`,
      );
    if (/"\$\{|"\$!\{/.test(successTemplate))
      hints.push(
        'a variable is wrapped in quotes ("${x}"), but translation-map variables are already JSON text: write ${x} without quotes',
      );
    return {
      translation,
      output: undefined,
      renderedSuccessTemplate: rendered,
      mode: 'native',
      failed: false,
      errors: [
        new CxpactError(
          'translation.output.not-json',
          `Data Action "${action.name}": the rendered success template is not JSON (${msg}). Rendered text: ${excerpt(rendered, at)}`,
          {
            ...where(action, { kind: 'successTemplate' }),
            fix:
              hints.length > 0
                ? `${hints.join('; ')}.`
                : 'Make the success template produce JSON: translation variables are JSON text already, string defaults need their quotes.',
            details: { rendered: excerpt(rendered, at) },
          },
        ),
      ],
    };
  }
}

/** JSON text of a JSONPath result, as Genesys hands it to the success template. */
export function toJsonText(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** A default is JSON text; an unquoted string default (a classic bug) stays the raw text. */
function parseDefault(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
