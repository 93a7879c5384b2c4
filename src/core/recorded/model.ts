// Plain data shared by the recorder and the checker: pact interactions (the parts that matter here),
// recordings and findings. No I/O.
import { createHash } from 'node:crypto';
import {
  isJsonContentType,
  type PactHttpRequest,
  type PactHttpResponse,
  type PactMatcher,
  type PactProviderState,
  type PactRuleCategory,
  type PactRuleGroup,
} from '../contract/pact-file';
import type { Finding as CoreFinding, Severity as CoreSeverity } from '../finding';
import type { LimitCode, RecordedCode } from '../codes';

// The pact side comes from the pact-file model (src/core/contract/pact-file.ts): one parser for every reader.
export type ProviderStateRef = PactProviderState;
export type MatcherDef = PactMatcher;
export type RuleGroup = PactRuleGroup;
/** V4 matching rules of one category: path -> rules. */
export type RuleCategory = PactRuleCategory;
export type ExpectedResponse = PactHttpResponse;
export type PactRequest = PactHttpRequest;
export { isJsonContentType };

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

/** A recorded-check finding is never `info`. */
export type Severity = Exclude<CoreSeverity, 'info'>;

/**
 * A recorded-check finding: the Finding shape (code, severity, message, `at`: the recording file and the place in
 * the response such as `status`, `header Content-Type` or `$.customer.customerId`, fix, hint) plus the interaction
 * it is about and what was expected and found.
 */
export interface Finding extends CoreFinding<RecordedCode | LimitCode> {
  severity: Severity;
  consumer?: string;
  provider?: string;
  /** The interaction description. */
  interaction?: string;
  key?: string;
  expected?: unknown;
  actual?: unknown;
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
