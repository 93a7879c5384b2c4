// Compares what the platform's `/test` endpoint reports (TestExecutionResult: numbered operations + finalResult)
// with cxpact's own emulation of the same execution: renderRequest for the request, translateResponse on the raw
// response the platform received, validateOutput on the result. Step names are not documented (spec section 2),
// so steps are recognised by keywords in their names and by the shape of their results, never by number.
import { renderRequest } from '../data-action/render-request';
import { translateResponseAsync } from '../data-action/translate-response';
import { validateOutput } from '../data-action/validate';
import type { DataAction, RawResponse } from '../data-action/model';
import { messageOf } from '../errors';
import { isRecord } from '../json';

/** What Genesys Cloud's action test endpoint answers (POST /api/v2/integrations/actions/{id}/test). */
export interface TestExecutionResult {
  operations: TestExecutionOperation[];
  error?: Record<string, unknown>;
  finalResult?: unknown;
  success: boolean;
}

export interface TestExecutionOperation {
  step: number;
  name: string;
  success: boolean;
  result?: unknown;
  error?: Record<string, unknown>;
}

export type StepKind = 'request' | 'execute' | 'translation' | 'template' | 'validation' | 'final' | 'outcome';

export interface StepDifference {
  step: StepKind;
  /** The platform's operation (step number and name) the comparison used, when there is one. */
  operation?: string;
  /** What differs, e.g. `url`, `body`, `translationMap.customerId`, `output`. */
  field: string;
  platform: unknown;
  cxpact: unknown;
}

export interface FidelityResult {
  differences: StepDifference[];
  /** Steps compared (for "n of m steps agree"). */
  compared: StepKind[];
  /** The platform's success flag. */
  platformSuccess: boolean;
  /** cxpact's verdict on the same execution. */
  cxpactSuccess: boolean;
  /** The platform's first failing operation, if any: `step 5 (Resolve translation map): message`. */
  platformError?: string;
  cxpactError?: string;
}

function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (!isRecord(v)) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sort(v[k])]),
    );
  };
  return JSON.stringify(sort(value)) ?? 'undefined';
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** A value the platform may give as JSON text or as parsed JSON. */
function parsedMaybe(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function label(op: TestExecutionOperation): string {
  return `step ${op.step} (${op.name})`;
}

function findOp(
  result: TestExecutionResult,
  test: (op: TestExecutionOperation) => boolean,
): TestExecutionOperation | undefined {
  return [...(result.operations ?? [])].sort((a, b) => a.step - b.step).find(test);
}

const URL_KEYS = ['url', 'requestUrl', 'resolvedUrl', 'uri', 'requestUri'];
const BODY_KEYS = ['body', 'requestBody', 'requestTemplate', 'resolvedBody'];
const METHOD_KEYS = ['method', 'requestType', 'verb', 'httpMethod'];

function firstString(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) if (typeof obj[k] === 'string') return obj[k];
  return undefined;
}

/** Path + query of a URL, or the text itself when it is relative. */
function pathAndQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

const HIDDEN = '(not shown: rendered from credentials)';

/** The regex renderRequest gives for a URL/body holding credential placeholders. */
function secretRegex(rendered: ReturnType<typeof renderRequest>, part: 'url' | 'body'): RegExp | undefined {
  const parts = rendered.secretParts ?? [];
  const found = parts.find((p) => p.part === part);
  if (found === undefined) return undefined;
  try {
    return new RegExp(found.regex);
  } catch {
    return undefined;
  }
}

function compareBody(platform: string, ours: string): boolean {
  const a = parsedMaybe(platform);
  const b = parsedMaybe(ours);
  if (typeof a !== 'string' && typeof b !== 'string') return sameJson(a, b);
  return platform.trim() === ours.trim();
}

/** The raw response as the platform's execute step reports it: `{statusCode|status, body, headers}` or the body itself. */
function rawResponseOf(result: unknown): RawResponse {
  if (
    isRecord(result) &&
    'body' in result &&
    (typeof result['statusCode'] === 'number' || typeof result['status'] === 'number')
  ) {
    const status = (typeof result['statusCode'] === 'number' ? result['statusCode'] : result['status']) as number;
    const headers = isRecord(result['headers'])
      ? Object.fromEntries(Object.entries(result['headers']).map(([k, v]) => [k, String(v)]))
      : {};
    return { status, headers, body: parsedMaybe(result['body']) };
  }
  return { status: 200, headers: {}, body: parsedMaybe(result) };
}

function errorText(op: TestExecutionOperation | undefined, result: TestExecutionResult): string | undefined {
  const error = op?.error ?? result.error;
  if (error === undefined) return undefined;
  const message = typeof error['message'] === 'string' ? error['message'] : JSON.stringify(error);
  return op === undefined ? message : `${label(op)}: ${message}`;
}

/**
 * Compares one platform test execution with cxpact's emulation of the same input.
 * Header values are never compared or reported (they hold credentials); only the URL, method, body,
 * translation-map values and outputs are.
 */
export async function compareWithEmulation(
  action: DataAction,
  input: Record<string, unknown>,
  result: TestExecutionResult,
): Promise<FidelityResult> {
  const differences: StepDifference[] = [];
  const compared: StepKind[] = [];
  const failedOp = findOp(result, (op) => op.success === false);
  const platformError = result.success ? undefined : errorText(failedOp, result);

  // 1. The request.
  let cxpactError: string | undefined;
  let rendered: ReturnType<typeof renderRequest> | undefined;
  try {
    rendered = renderRequest(action, input);
  } catch (error) {
    cxpactError = `request: ${messageOf(error)}`;
  }
  const requestOp = findOp(result, (op) => isRecord(op.result) && firstString(op.result, URL_KEYS) !== undefined);
  if (requestOp !== undefined && isRecord(requestOp.result) && rendered !== undefined) {
    compared.push('request');
    const at = label(requestOp);
    const url = firstString(requestOp.result, URL_KEYS) as string;
    const ours = rendered.url;
    const secretUrl = secretRegex(rendered, 'url');
    // A relative Genesys Cloud URL is sent to the org's API host: compare path and query then. Parts rendered
    // from credentials are matched by regex and the platform's value is never reported.
    const urlMatches =
      secretUrl === undefined
        ? url === ours || pathAndQuery(url) === pathAndQuery(ours)
        : secretUrl.test(url) || secretUrl.test(pathAndQuery(url));
    if (!urlMatches)
      differences.push({
        step: 'request',
        operation: at,
        field: 'url',
        platform: secretUrl === undefined ? url : HIDDEN,
        cxpact: ours,
      });
    const method = firstString(requestOp.result, METHOD_KEYS);
    if (method !== undefined && method.toUpperCase() !== rendered.method)
      differences.push({ step: 'request', operation: at, field: 'method', platform: method, cxpact: rendered.method });
    const body = firstString(requestOp.result, BODY_KEYS);
    const secretBody = secretRegex(rendered, 'body');
    if (
      body !== undefined &&
      rendered.body !== undefined &&
      !(secretBody === undefined ? compareBody(body, rendered.body) : secretBody.test(body))
    ) {
      differences.push({
        step: 'request',
        operation: at,
        field: 'body',
        platform: secretBody === undefined ? body : HIDDEN,
        cxpact: rendered.body,
      });
    }
  }

  // 2. The raw response the platform got: our translation runs on exactly that.
  const executeOp = findOp(
    result,
    (op) =>
      /execut|response|remote|endpoint|call/i.test(op.name) &&
      !/translat|success|template|transform|schema|validat/i.test(op.name) &&
      op.result !== undefined,
  );
  if (executeOp === undefined) {
    const outcome = {
      platformSuccess: result.success,
      cxpactSuccess: cxpactError === undefined && result.success,
      platformError,
      cxpactError,
    };
    if (cxpactError !== undefined && result.success) {
      differences.push({ step: 'outcome', field: 'success', platform: true, cxpact: false });
    }
    return { differences, compared, ...outcome };
  }
  compared.push('execute');
  const raw = rawResponseOf(executeOp.result);
  const translated = await translateResponseAsync(action, raw, { input });
  const issues = translated.errors.length === 0 && !translated.failed ? validateOutput(action, translated.output) : [];
  const cxpactSuccess =
    cxpactError === undefined && translated.errors.length === 0 && !translated.failed && issues.length === 0;
  if (cxpactError === undefined && !cxpactSuccess) {
    cxpactError = translated.errors[0]?.message ?? issues.map((i) => i.message).join('; ');
  }

  // 3. Translation-map values.
  const translationOp = findOp(result, (op) => /translation/i.test(op.name) && isRecord(op.result));
  if (translationOp !== undefined && isRecord(translationOp.result) && translationOp.success !== false) {
    compared.push('translation');
    for (const [name, value] of Object.entries(translationOp.result)) {
      const ours = translated.translation[name];
      if (ours === undefined) {
        differences.push({
          step: 'translation',
          operation: label(translationOp),
          field: `translationMap.${name}`,
          platform: value,
          cxpact: '(not resolved)',
        });
      } else if (!sameJson(value, ours.value) && !sameJson(parsedMaybe(value), ours.value) && value !== ours.json) {
        differences.push({
          step: 'translation',
          operation: label(translationOp),
          field: `translationMap.${name}`,
          platform: value,
          cxpact: ours.value,
        });
      }
    }
  }

  // 4. The success template's result and the final result.
  const templateOp = findOp(
    result,
    (op) =>
      /success ?template|transform|resolve output/i.test(op.name) && op.result !== undefined && op.success !== false,
  );
  if (templateOp !== undefined && translated.output !== undefined) {
    compared.push('template');
    if (
      !sameJson(templateOp.result, translated.output) &&
      !sameJson(parsedMaybe(templateOp.result), translated.output)
    ) {
      differences.push({
        step: 'template',
        operation: label(templateOp),
        field: 'output',
        platform: parsedMaybe(templateOp.result),
        cxpact: translated.output,
      });
    }
  }
  if (result.success && result.finalResult !== undefined) {
    compared.push('final');
    if (!sameJson(result.finalResult, translated.output))
      differences.push({
        step: 'final',
        field: 'finalResult',
        platform: result.finalResult,
        cxpact: translated.output ?? null,
      });
  }

  // 5. Did both succeed or fail?
  compared.push('outcome');
  if (result.success !== cxpactSuccess) {
    differences.push({
      step: 'outcome',
      operation: failedOp === undefined ? undefined : label(failedOp),
      field: 'success',
      platform: platformError ?? result.success,
      cxpact: cxpactError ?? cxpactSuccess,
    });
  }
  return { differences, compared, platformSuccess: result.success, cxpactSuccess, platformError, cxpactError };
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
