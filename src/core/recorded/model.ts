// Plain data shared by the recorder and the checker: pact interactions (the parts that matter here),
// recordings and findings. No I/O.
import { createHash } from 'node:crypto';

export interface ProviderStateRef {
  name: string;
  params?: Record<string, unknown>;
}

export interface MatcherDef {
  match?: string;
  [key: string]: unknown;
}

export interface RuleGroup {
  combine?: 'AND' | 'OR';
  matchers: MatcherDef[];
}

/** V4 matching rules of one category: path -> rules. */
export type RuleCategory = Record<string, RuleGroup>;

export interface ExpectedResponse {
  status: number;
  headers: Record<string, string[]>;
  /** undefined = the pact says nothing about the body. */
  body?: { content: unknown; contentType?: string; isJson: boolean };
  matchingRules: { status?: RuleCategory; header?: RuleCategory; body?: RuleCategory };
}

export interface PactRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string[]>;
  body?: { content: unknown; contentType?: string; isJson: boolean };
}

export interface PactInteraction {
  consumer: string;
  provider: string;
  /** Where the pact came from (file path or broker URL). */
  source: string;
  description: string;
  providerStates: ProviderStateRef[];
  /** The broker's interaction id (`_id`), when the pact came from a broker. */
  id?: string;
  key: string;
  request: PactRequest;
  response: ExpectedResponse;
}

export interface LoadedPact {
  consumer: string;
  provider: string;
  source: string;
  interactions: PactInteraction[];
  /** Broker pact URL (HAL `self`) and its publish link, when loaded from a broker. */
  brokerPactUrl?: string;
  publishUrl?: string;
  /** Non-HTTP interactions (messages) that recorded checks cannot cover. */
  skipped: number;
}

export interface Recording {
  recordedAt: string;
  interaction: { description: string; providerStates: ProviderStateRef[] };
  request: { method: string; path: string; query?: Record<string, string[]>; headers?: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body?: unknown };
  /** What redaction replaced: header names, and body paths with the original JSON type. */
  redactions?: { headers?: string[]; body?: Array<{ path: string; type: string }> };
}

export interface LoadedRecording {
  consumer: string;
  key: string;
  /** Path of the file, relative to the working directory where possible. */
  file: string;
  recording: Recording;
}

export type Severity = 'error' | 'warning';

export interface Finding {
  /** Stable dotted code, e.g. `recorded.body.missing-field`. */
  code: string;
  severity: Severity;
  consumer?: string;
  provider?: string;
  /** The interaction description. */
  interaction?: string;
  key?: string;
  file?: string;
  /** Where in the response: `status`, `header Content-Type`, `$.customer.customerId`. */
  path?: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
  hint?: string;
  fix?: string;
}

/** `a-request-for-x--3fa2c1d0`: readable slug of the description plus a hash of description and state names. */
export function interactionKey(description: string, providerStates: ReadonlyArray<{ name: string }>): string {
  const slug = description
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  const hash = createHash('sha256')
    .update(JSON.stringify([description, providerStates.map((s) => s.name)]))
    .digest('hex')
    .slice(0, 8);
  return `${slug || 'interaction'}--${hash}`;
}

export function isJsonContentType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const base = ct.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json') || /^application\/[\w.-]*json$/.test(base);
}

