// Pure: turns the pact verifier's structured result into readable failures with "renamed?" hints.
// No fs, no network, no console.

/** One mismatch as the Rust verifier reports it in its JSON result (pactffi_verifier_json). */
export interface RawMismatch {
  type?: string;
  path?: string;
  mismatch?: string;
  expected?: string;
  actual?: string;
  key?: string;
  description?: string;
}

/** The JSON document the pact-js Verifier resolves (or rejects) with. Only the fields cxpact reads. */
export interface RawVerificationResult {
  result?: boolean;
  errors?: Array<{ interaction?: string; mismatch?: RawInteractionMismatch }>;
  pendingErrors?: Array<{ interaction?: string; mismatch?: RawInteractionMismatch }>;
  interactionResults?: RawInteractionResult[];
  notices?: Array<Record<string, string>>;
  output?: string[];
}

export interface RawInteractionMismatch {
  type?: string;
  interactionId?: string;
  mismatches?: RawMismatch[];
  message?: string;
  err?: string;
}

export interface RawInteractionResult {
  consumer?: string;
  provider?: string;
  description?: string;
  duration?: string;
  pending?: boolean;
  providerStates?: string[];
  result?: string;
  mismatch?: RawInteractionMismatch;
}

/**
 * A mismatch ready to print: a Finding (`at.path` is where in the request or response, `hint` the likely cause)
 * plus the attribute the verifier named: `status`, `header`, `body`, `query`, `path`, `method`, `error`, and
 * cxpact's own `credentials` and `state`.
 */
export interface ReadableMismatch extends Finding<VerifyCode> {
  attribute: string;
}

const MISMATCH_CODES: Readonly<Record<string, VerifyCode>> = {
  status: 'verify.mismatch.status',
  header: 'verify.mismatch.header',
  body: 'verify.mismatch.body',
  query: 'verify.mismatch.query',
  path: 'verify.mismatch.path',
  method: 'verify.mismatch.method',
  error: 'verify.mismatch.error',
  credentials: 'verify.credentials.not-injected',
  state: 'verify.state.unhandled',
};

/** A mismatch of `attribute` at `path` (in the request or response), with an optional hint. */
export function mismatch(attribute: string, path: string, message: string, hint?: string): ReadableMismatch {
  return {
    code: MISMATCH_CODES[attribute] ?? 'verify.mismatch.other',
    severity: 'error',
    attribute,
    message,
    at: path === '' ? {} : { path },
    ...(hint === undefined ? {} : { hint }),
  };
}

export interface InteractionOutcome {
  consumer: string;
  provider: string;
  description: string;
  providerStates: string[];
  passed: boolean;
  pending: boolean;
  durationText?: string;
  mismatches: ReadableMismatch[];
  /** Where the interaction came from (cxpact writes the Data Action file and case into the pact's comments). */
  origin?: string[];
}

export interface VerificationSummary {
  passed: boolean;
  interactions: InteractionOutcome[];
  /** Failures on pending pacts: reported, never fatal (Pact's pending semantics). */
  pendingFailures: number;
  notices: string[];
  /** Errors not tied to an interaction, e.g. "Failed to load pact ... 404 Not Found". */
  loadErrors: string[];
}

import { findSimilarKey } from '../similar';
import type { Finding } from '../finding';
import type { VerifyCode } from '../codes';

function parseKeyList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((k) => typeof k === 'string')) return v as string[];
  } catch {
    // not a JSON list: fall through
  }
  return undefined;
}

/** `$` -> ``, `$.customer` -> `customer.`; used to print the full field path of a missing key. */
function fieldPrefix(path: string): string {
  const p = path.replace(/^\$\.?/, '');
  return p === '' ? '' : `${p}.`;
}

/** The last named segment of a JSON path: `$.customer` -> `customer`, `$.items[0]` -> `items`, `$` -> undefined. */
function parentKeyOf(path: string): string | undefined {
  const segs = path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter((s) => s !== '' && s !== '$');
  return segs[segs.length - 1];
}

const MISSING_KEYS = /missing the following keys?: (.+)$/i;

/** Converts one raw mismatch into one or more readable ones; a missing-keys mismatch gets a line per key. */
export function explainMismatch(raw: RawMismatch): ReadableMismatch[] {
  const attribute = attributeOf(raw.type);
  const path = raw.path ?? raw.key ?? '';
  const message = (raw.mismatch ?? raw.description ?? JSON.stringify(raw)).trim();
  const missingMatch = MISSING_KEYS.exec(message);
  if (attribute === 'body' && missingMatch !== null) {
    const expectedKeys = parseKeyList(raw.expected);
    const actualKeys = parseKeyList(raw.actual) ?? [];
    const missing =
      expectedKeys !== undefined
        ? expectedKeys.filter((k) => !actualKeys.includes(k))
        : missingMatch[1]!
            .split(',')
            .map((k) => k.trim())
            .filter((k) => k !== '');
    const extra = actualKeys.filter((k) => expectedKeys === undefined || !expectedKeys.includes(k));
    return missing.map((key) => {
      const full = `${fieldPrefix(path)}${key}`;
      const similar = findSimilarKey(key, extra.length > 0 ? extra : actualKeys, parentKeyOf(path));
      if (similar !== undefined) {
        return mismatch(
          attribute,
          path,
          `expected field ${full} is missing; the provider returned ${fieldPrefix(path)}${similar} (renamed?)`,
          `Either the provider renamed "${key}" to "${similar}" (restore the old name or return both while consumers migrate), or the consumer contract must change to read "${similar}".`,
        );
      }
      return mismatch(attribute, path, `expected field ${full} is missing from the provider's response`);
    });
  }
  return [mismatch(attribute, path, message)];
}

function attributeOf(type: string | undefined): string {
  switch (type) {
    case 'BodyMismatch':
    case 'BodyTypeMismatch':
      return 'body';
    case 'StatusMismatch':
      return 'status';
    case 'HeaderMismatch':
      return 'header';
    case 'QueryMismatch':
      return 'query';
    case 'PathMismatch':
      return 'path';
    case 'MethodMismatch':
      return 'method';
    default:
      return type === undefined ? 'error' : type.replace(/Mismatch$/, '').toLowerCase();
  }
}

function mismatchesOf(m: RawInteractionMismatch | undefined): ReadableMismatch[] {
  if (m === undefined) return [];
  if (Array.isArray(m.mismatches) && m.mismatches.length > 0) return m.mismatches.flatMap(explainMismatch);
  const text = m.message ?? m.err;
  if (text !== undefined) return [mismatch('error', '', text)];
  return [];
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Parses the verifier's JSON result string (or object) into a summary. Unknown input gives an empty summary. */
export function summariseVerification(raw: string | RawVerificationResult): VerificationSummary {
  let doc: RawVerificationResult;
  if (typeof raw === 'string') {
    try {
      doc = JSON.parse(raw) as RawVerificationResult;
    } catch {
      return { passed: false, interactions: [], pendingFailures: 0, notices: [], loadErrors: [raw.trim()] };
    }
  } else {
    doc = raw;
  }
  const interactions: InteractionOutcome[] = (doc.interactionResults ?? []).map((r) => {
    const passed = r.result === 'Ok' || r.result === 'ok' || (r.mismatch === undefined && r.result !== 'Error');
    return {
      consumer: r.consumer ?? '(unknown consumer)',
      provider: r.provider ?? '(unknown provider)',
      description: r.description ?? '(no description)',
      providerStates: r.providerStates ?? [],
      passed,
      pending: r.pending === true,
      ...(r.duration === undefined ? {} : { durationText: r.duration }),
      mismatches: passed ? [] : mismatchesOf(r.mismatch),
    };
  });
  const notices = (doc.notices ?? []).map((n) => n.text ?? JSON.stringify(n));
  // Errors no interaction result accounts for (the pact could not be loaded, the broker refused, ...).
  const descriptions = interactions.map((i) => i.description);
  const loadErrors = (doc.errors ?? [])
    .filter((e) => !descriptions.some((d) => (e.interaction ?? '').endsWith(d)))
    .map((e) =>
      stripAnsi(
        [e.interaction, e.mismatch?.message ?? e.mismatch?.err].filter((t) => t !== undefined && t !== '').join(': '),
      ),
    );
  return {
    passed: doc.result === true,
    interactions,
    pendingFailures: interactions.filter((i) => !i.passed && i.pending).length,
    notices,
    loadErrors,
  };
}

/** Attaches origins (keyed by consumer and description) to the failing interactions of a summary. */
export function attachOrigins(summary: VerificationSummary, origins: ReadonlyMap<string, string[]>): void {
  for (const i of summary.interactions) {
    const o = origins.get(originKey(i.consumer, i.description));
    if (o !== undefined && o.length > 0) i.origin = o;
  }
}

export function originKey(consumer: string, description: string): string {
  return `${consumer}\u0000${description}`;
}
