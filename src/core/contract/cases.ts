// Contract cases: the `<slug>.cases.json` format beside each Data Action, its validation, and the plain types the
// rest of src/core/contract uses. Pure: takes file text, returns data or CxpactErrors naming file, JSON path and fix.

import type { RawResponse } from '../data-action';
import { CxpactError } from '../errors';
import { parseJsonText } from '../data-action/json-definition';
import { isRecord } from '../json';

/**
 * - `success`: the normal path; every output must come from the response (no null, no default).
 * - `absent-field`: one field the translation reads is removed from the response; its translationMapDefaults
 *   entry must be applied (asserts the default).
 * - `failure`: the backend answers 4xx/5xx; the action takes Architect's Failure path and the flow survives.
 */
export type CaseKind = 'success' | 'absent-field' | 'failure';
export const CASE_KINDS: readonly CaseKind[] = ['success', 'absent-field', 'failure'];

export interface ProviderState {
  name: string;
  params?: Record<string, unknown>;
}

export interface ContractCase {
  /** Unique within the action; becomes part of the interaction description. */
  name: string;
  description: string;
  kind: CaseKind;
  /**
   * The state the provider must be in. Optional: without one, a success case asks the provider's normal data to
   * satisfy it, and a failure or absent-field case is checked by the emulator only (see `whereChecked`).
   */
  providerState?: ProviderState;
  /** Execution inputs (validated against the input schema). */
  input: Record<string, unknown>;
  /** The raw response the backend gives in this state (the example values of the pact). */
  response: RawResponse;
  /** Outputs the translation must produce (deep-equal); optional. */
  expectedOutput?: unknown;
  /**
   * Opt-outs: response fields (`$.customer.tier`) or translation variables (`tier`) that may be absent, so the
   * pact does not require them even though the translation reads them.
   */
  optional: string[];
  /** absent-field only: the translation variable (translationMap key) whose response field is removed. */
  absentField?: string;
  /** Where the case came from. */
  origin: { kind: 'file'; file: string; path: string } | { kind: 'derived' };
}

/** The cases file of an action: `<definition file without extension>.cases.json`. */
export function casesFileFor(definitionFile: string): string {
  const base = definitionFile.replace(/\.tf\.json$/i, '').replace(/\.(json|tf)$/i, '');
  return `${base}.cases.json`;
}

const FILE_KEYS = ['cases', '$schema', '$comment'];

function propPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const CASE_KEYS = [
  'name',
  'description',
  'kind',
  'providerState',
  'input',
  'response',
  'expectedOutput',
  'optional',
  'absentField',
];

/**
 * Parses and validates a cases file. Collects every problem instead of stopping at the first.
 * @example parseCasesFile('data-actions/crm/lookup.cases.json', text) // { cases: [...], errors: [] }
 */
export function parseCasesFile(file: string, text: string): { cases: ContractCase[]; errors: CxpactError[] } {
  const errors: CxpactError[] = [];
  let data: unknown;
  try {
    data = parseJsonText(file, text, 'cases.json.malformed');
  } catch (error) {
    if (!(error instanceof CxpactError)) throw error;
    return { cases: [], errors: [error] };
  }
  const fail = (path: string, message: string, fix: string): void => {
    errors.push(new CxpactError('cases.invalid', message, { file, path, fix }));
  };
  const list = isRecord(data) ? data['cases'] : undefined;
  if (!Array.isArray(list)) {
    fail(
      '$.cases',
      'Cases file needs a "cases" array.',
      'Write { "cases": [ { "name": ..., "providerState": ..., "input": ..., "response": ... } ] }.',
    );
    return { cases: [], errors };
  }
  for (const key of Object.keys(data as Record<string, unknown>)) {
    if (!FILE_KEYS.includes(key))
      fail(
        `$${propPath(key)}`,
        `Unknown top-level field "${key}" in the cases file.`,
        `Remove it; allowed top-level fields: ${FILE_KEYS.join(', ')}.`,
      );
  }
  const cases: ContractCase[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const at = `$.cases[${i}]`;
    const before = errors.length;
    if (!isRecord(raw)) {
      fail(
        at,
        `Case ${i} is not an object.`,
        'Each entry of "cases" is an object with name, providerState, input and response.',
      );
      return;
    }
    for (const key of Object.keys(raw)) {
      if (!CASE_KEYS.includes(key))
        fail(
          `${at}.${key}`,
          `Unknown field "${key}" in case ${i}.`,
          `Remove it; allowed fields: ${CASE_KEYS.join(', ')}.`,
        );
    }
    const name = raw['name'];
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/.test(name)) {
      fail(
        `${at}.name`,
        `Case ${i} needs a "name" (letters, digits, space, "_", "-", ".").`,
        'Add "name": "customer-exists".',
      );
    } else if (names.has(name)) {
      fail(`${at}.name`, `Case name "${name}" is used twice.`, 'Give every case of an action its own name.');
    } else names.add(name);
    const kind = raw['kind'] ?? 'success';
    if (typeof kind !== 'string' || !CASE_KINDS.includes(kind as CaseKind)) {
      fail(`${at}.kind`, `Unknown case kind ${JSON.stringify(kind)}.`, `Use one of: ${CASE_KINDS.join(', ')}.`);
    }
    const description = raw['description'] ?? name;
    if (typeof description !== 'string')
      fail(
        `${at}.description`,
        'The description must be a string.',
        'Write a sentence, e.g. "a lookup of a known caller".',
      );
    const state = raw['providerState'];
    let providerState: ProviderState | undefined;
    if (typeof state === 'string' && state !== '') providerState = { name: state };
    else if (isRecord(state) && typeof state['name'] === 'string' && state['name'] !== '') {
      if (state['params'] !== undefined && !isRecord(state['params'])) {
        fail(
          `${at}.providerState.params`,
          'Provider state params must be an object.',
          'Write "params": { "phone": "+15551234567" }.',
        );
      }
      providerState = { name: state['name'], ...(isRecord(state['params']) ? { params: state['params'] } : {}) };
    } else if (state !== undefined) {
      fail(
        `${at}.providerState`,
        `Case ${i}: "providerState" must be a state name or { "name": ..., "params": {...} }.`,
        'Write "providerState": { "name": "a customer with phone +15551234567 exists", "params": {...} }, or remove it.',
      );
    }
    const input = raw['input'] ?? {};
    if (!isRecord(input))
      fail(
        `${at}.input`,
        'The inputs must be an object of input-contract properties.',
        'Write "input": { "phoneNumber": "+15551234567" }.',
      );
    const response = raw['response'];
    let rawResponse: RawResponse | undefined;
    if (!isRecord(response)) {
      fail(
        `${at}.response`,
        `Case ${i} needs a raw response { status, headers, body }.`,
        'Add "response": { "status": 200, "headers": {"Content-Type": "application/json"}, "body": {...} }.',
      );
    } else {
      const status = response['status'] ?? 200;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        fail(
          `${at}.response.status`,
          `Invalid HTTP status ${JSON.stringify(status)}.`,
          'Use an integer between 100 and 599.',
        );
      }
      const headers = response['headers'] ?? {};
      if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
        fail(
          `${at}.response.headers`,
          'Response headers must be an object of strings.',
          'Write "headers": { "Content-Type": "application/json" }.',
        );
      }
      rawResponse = {
        status: status as number,
        headers: (isRecord(headers) ? headers : {}) as Record<string, string>,
        body: response['body'],
      };
      if (kind === 'success' && typeof status === 'number' && (status < 200 || status > 299)) {
        fail(
          `${at}.response.status`,
          `A success case must have a 2xx status, got ${status}.`,
          'Set "kind": "failure" for 4xx/5xx responses.',
        );
      }
      if (kind === 'failure' && typeof status === 'number' && status >= 200 && status <= 299) {
        fail(
          `${at}.response.status`,
          `A failure case needs a 4xx or 5xx status, got ${status}.`,
          'Use e.g. 404 or 503, or set "kind": "success".',
        );
      }
    }
    const optional = raw['optional'] ?? [];
    if (!Array.isArray(optional) || !optional.every((o) => typeof o === 'string')) {
      fail(
        `${at}.optional`,
        '"optional" must be a list of response paths or translation variables.',
        'Write "optional": ["$.customer.middleName"] or ["middleName"].',
      );
    }
    const absentField = raw['absentField'];
    if (kind === 'absent-field' && (typeof absentField !== 'string' || absentField === '')) {
      fail(
        `${at}.absentField`,
        'An absent-field case must name the translation variable whose field is missing.',
        'Add "absentField": "openTickets" (a key of translationMap that has a translationMapDefaults entry).',
      );
    }
    if (kind !== 'absent-field' && absentField !== undefined) {
      fail(
        `${at}.absentField`,
        '"absentField" only applies to kind "absent-field".',
        'Remove it or set "kind": "absent-field".',
      );
    }
    if (errors.length > before || rawResponse === undefined) return;
    cases.push({
      name: name as string,
      description: description as string,
      kind: kind as CaseKind,
      ...(providerState === undefined ? {} : { providerState }),
      input: input as Record<string, unknown>,
      response: rawResponse,
      ...(raw['expectedOutput'] === undefined ? {} : { expectedOutput: raw['expectedOutput'] }),
      optional: optional as string[],
      ...(typeof absentField === 'string' ? { absentField } : {}),
      origin: { kind: 'file', file, path: at },
    });
  });
  if (list.length === 0)
    fail(
      '$.cases',
      'The cases list is empty.',
      'Add at least one case, or delete the file to let cxpact derive cases.',
    );
  return { cases, errors };
}
