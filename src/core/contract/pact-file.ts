// The pact-file model: a pact document (Pact specification V2, V3 or V4) parsed once, at the edge, into a typed
// value. Every reader of pact files (publish, verify and its pre-flight, the recorded checks, the conflict diff)
// takes a PactFile and never casts the JSON; the broker server stores pacts as documents and does not need it.
// Parsing is permissive where Pact is (unknown fields, message interactions are kept aside) and strict where a
// reader would otherwise guess (no consumer or provider name, interactions that are not a list). Pure.
import { isRecord } from '../json';

export type PactSpecVersion = 'v2' | 'v3' | 'v4';

export interface PactProviderState {
  name: string;
  params?: Record<string, unknown>;
}

/** A body as the pact holds it, normalised: V4's `{content, contentType, encoded}` envelope opened. */
export interface PactBody {
  /** JSON bodies parsed; other bodies as text (a base64 body decoded). */
  content: unknown;
  contentType?: string;
  isJson: boolean;
}

export interface PactMatcher {
  match?: string;
  [key: string]: unknown;
}

export interface PactRuleGroup {
  combine?: 'AND' | 'OR';
  matchers: PactMatcher[];
}

/** Matching rules of one category (`body`, `header`, ...): path -> rules. V2's flat rules are grouped the same way. */
export type PactRuleCategory = Record<string, PactRuleGroup>;

export interface PactMatchingRules {
  status?: PactRuleCategory;
  header?: PactRuleCategory;
  body?: PactRuleCategory;
  query?: PactRuleCategory;
  path?: PactRuleCategory;
}

export interface PactHttpRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string[]>;
  body?: PactBody;
  matchingRules: PactMatchingRules;
}

export interface PactHttpResponse {
  status: number;
  headers: Record<string, string[]>;
  body?: PactBody;
  matchingRules: PactMatchingRules;
}

interface InteractionBase {
  /** Position in the document's `interactions` (or V3 `messages`). */
  index: number;
  description: string;
  providerStates: PactProviderState[];
  /** The broker's interaction id (`_id`), when the pact came from a broker. */
  id?: string;
  /** V4 `comments.text` (cxpact writes the Data Action file and case there). */
  comments: string[];
  /** The interaction as written, for readers that compare documents. */
  raw: Readonly<Record<string, unknown>>;
}

export interface PactHttpInteraction extends InteractionBase {
  kind: 'http';
  request: PactHttpRequest;
  response: PactHttpResponse;
}

/** A message interaction (V3 `messages`, V4 Asynchronous/Synchronous Messages): kept, not interpreted. */
export interface PactMessageInteraction extends InteractionBase {
  kind: 'message';
  type: string;
}

export type PactInteraction = PactHttpInteraction | PactMessageInteraction;

interface PactFileBase {
  consumer: string;
  provider: string;
  interactions: PactInteraction[];
  /** `metadata` as written (pactSpecification, pact-js / cxpact versions). */
  metadata: Readonly<Record<string, unknown>>;
  /** HAL links of a pact served by a broker: rel -> href (`self`, `pb:publish-verification-results`, ...). */
  links: Readonly<Record<string, string>>;
}

/** A pact file, tagged by the Pact specification it follows. */
export type PactFile =
  | (PactFileBase & { spec: 'v2' })
  | (PactFileBase & { spec: 'v3' })
  | (PactFileBase & { spec: 'v4' });

/** Why a document is not a pact: the JSON path and a noun phrase (`no provider name`). */
export interface PactFileProblem {
  path: string;
  message: string;
}

export type PactFileResult = { ok: true; pact: PactFile } | { ok: false; problem: PactFileProblem };

/** The file a consumer-provider pair's pact is written to: `<consumer>-<provider>.json` (as pact-js names it). */
export function pactFileName(consumer: string, provider: string): string {
  return `${consumer}-${provider}.json`;
}

/** The HTTP interactions of a pact, in document order. */
export function httpInteractions(pact: PactFile): PactHttpInteraction[] {
  return pact.interactions.filter((i): i is PactHttpInteraction => i.kind === 'http');
}

/** The provider name a document declares, without checking the rest (to skip other providers' pacts cheaply). */
export function declaredProvider(doc: unknown): string | undefined {
  return isRecord(doc) && isRecord(doc['provider']) && typeof doc['provider']['name'] === 'string'
    ? doc['provider']['name']
    : undefined;
}

export function isJsonContentType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const base = (ct.split(';')[0] ?? '').trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json') || /^application\/[\w.-]*json$/.test(base);
}

function specOf(doc: Record<string, unknown>, interactions: unknown[]): PactSpecVersion {
  const meta = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const spec = isRecord(meta['pactSpecification'])
    ? meta['pactSpecification']
    : isRecord(meta['pact-specification'])
      ? meta['pact-specification']
      : {};
  const version = typeof spec['version'] === 'string' ? spec['version'] : '';
  if (/^4/.test(version)) return 'v4';
  if (/^3/.test(version)) return 'v3';
  if (/^[12]/.test(version)) return 'v2';
  // No declared version: V4 interactions carry a `type`, V3 ones `providerStates` or a `messages` list.
  if (interactions.some((i) => isRecord(i) && typeof i['type'] === 'string')) return 'v4';
  if (Array.isArray(doc['messages']) || interactions.some((i) => isRecord(i) && Array.isArray(i['providerStates'])))
    return 'v3';
  return 'v2';
}

function headerMap(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (Array.isArray(val)) out[k] = val.map(String);
    else if (val !== undefined && val !== null) out[k] = [String(val)];
  }
  return out;
}

function queryMap(v: unknown): Record<string, string[]> {
  if (typeof v === 'string') {
    const out: Record<string, string[]> = {};
    for (const [k, val] of new URLSearchParams(v)) {
      const list = out[k];
      if (list === undefined) out[k] = [val];
      else list.push(val);
    }
    return out;
  }
  return headerMap(v);
}

/** The value of a header, case-insensitively (several values joined with `, `). */
export function headerValue(headers: Record<string, string[]>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : (headers[k] ?? []).join(', ');
}

function bodyOf(raw: unknown, headers: Record<string, string[]>, v4: boolean): PactBody | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (v4 && isRecord(raw) && 'content' in raw) {
    const contentType =
      typeof raw['contentType'] === 'string' ? raw['contentType'] : headerValue(headers, 'content-type');
    let content = raw['content'];
    if (raw['encoded'] === 'base64' || raw['encoded'] === true)
      content = Buffer.from(String(content), 'base64').toString('utf8');
    const isJson = isJsonContentType(contentType) || (contentType === undefined && typeof content !== 'string');
    if (isJson && typeof content === 'string') {
      try {
        content = JSON.parse(content);
      } catch {
        // keep the text: compared as text
      }
    }
    if (content === undefined) return undefined;
    return { content, ...(contentType === undefined ? {} : { contentType }), isJson };
  }
  const contentType = headerValue(headers, 'content-type');
  const isJson = typeof raw !== 'string' || isJsonContentType(contentType);
  return { content: raw, ...(contentType === undefined ? {} : { contentType }), isJson };
}

function ruleCategory(v: unknown): PactRuleCategory | undefined {
  if (!isRecord(v)) return undefined;
  const out: PactRuleCategory = {};
  for (const [p, g] of Object.entries(v)) {
    if (isRecord(g) && Array.isArray(g['matchers']))
      out[p] = { combine: g['combine'] === 'OR' ? 'OR' : 'AND', matchers: g['matchers'].filter(isRecord) };
    else if (isRecord(g)) out[p] = { combine: 'AND', matchers: [g] };
  }
  return out;
}

/** V2 rules are flat (`$.body.a`, `$.headers.X`); V3/V4 are grouped by category. */
function matchingRules(v: unknown): PactMatchingRules {
  if (!isRecord(v)) return {};
  if (Object.keys(v).some((k) => k.startsWith('$.'))) {
    const body: PactRuleCategory = {};
    const header: PactRuleCategory = {};
    const query: PactRuleCategory = {};
    for (const [k, g] of Object.entries(v)) {
      const group: PactRuleGroup = { combine: 'AND', matchers: [isRecord(g) ? g : {}] };
      if (k === '$.body' || k.startsWith('$.body.') || k.startsWith('$.body['))
        body[`$${k.slice('$.body'.length)}`] = group;
      else if (k.startsWith('$.headers.')) header[k.slice('$.headers.'.length)] = group;
      else if (k.startsWith('$.query.')) query[k.slice('$.query.'.length)] = group;
    }
    return { body, header, ...(Object.keys(query).length > 0 ? { query } : {}) };
  }
  const out: PactMatchingRules = {};
  for (const category of ['body', 'header', 'status', 'query', 'path'] as const) {
    const c = ruleCategory(v[category]);
    if (c !== undefined) out[category] = c;
  }
  return out;
}

function statesOf(raw: Record<string, unknown>): PactProviderState[] {
  if (Array.isArray(raw['providerStates'])) {
    return raw['providerStates']
      .filter(isRecord)
      .map((s) => ({ name: String(s['name']), ...(isRecord(s['params']) ? { params: s['params'] } : {}) }));
  }
  return typeof raw['providerState'] === 'string' ? [{ name: raw['providerState'] }] : [];
}

function commentsOf(raw: Record<string, unknown>): string[] {
  const text = isRecord(raw['comments']) ? raw['comments']['text'] : undefined;
  return Array.isArray(text) ? text.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * Parses a pact document (`unknown`, as JSON.parse returns it). Safe-parse style: `{ ok: false, problem }` names the
 * JSON path and what is wrong, for the caller to report with its own code and fix.
 */
export function parsePactFile(doc: unknown): PactFileResult {
  const fail = (path: string, message: string): PactFileResult => ({ ok: false, problem: { path, message } });
  if (!isRecord(doc)) return fail('$', 'not a JSON object');
  const consumer =
    isRecord(doc['consumer']) && typeof doc['consumer']['name'] === 'string' && doc['consumer']['name'] !== ''
      ? doc['consumer']['name']
      : undefined;
  if (consumer === undefined) return fail('$.consumer.name', 'no consumer name');
  const provider = declaredProvider(doc);
  if (provider === undefined || provider === '') return fail('$.provider.name', 'no provider name');
  const list = doc['interactions'];
  if (list !== undefined && !Array.isArray(list)) return fail('$.interactions', '`interactions` is not a list');
  const rawInteractions: unknown[] = Array.isArray(list) ? list : [];
  const spec = specOf(doc, rawInteractions);
  const interactions: PactInteraction[] = [];
  for (let i = 0; i < rawInteractions.length; i++) {
    const raw = rawInteractions[i];
    if (!isRecord(raw)) return fail(`$.interactions[${i}]`, 'an interaction is not an object');
    const type = typeof raw['type'] === 'string' ? raw['type'] : 'Synchronous/HTTP';
    const base = {
      index: i,
      description: typeof raw['description'] === 'string' ? raw['description'] : '',
      providerStates: statesOf(raw),
      ...(typeof raw['_id'] === 'string' ? { id: raw['_id'] } : {}),
      comments: commentsOf(raw),
      raw,
    };
    if (type !== 'Synchronous/HTTP' || !isRecord(raw['request']) || !isRecord(raw['response'])) {
      interactions.push({ ...base, kind: 'message', type });
      continue;
    }
    if (typeof raw['description'] !== 'string')
      return fail(`$.interactions[${i}].description`, 'an interaction has no description');
    const v4 = typeof raw['type'] === 'string';
    const rq = raw['request'];
    const rqHeaders = headerMap(rq['headers']);
    const request: PactHttpRequest = {
      method: String(rq['method'] ?? 'GET').toUpperCase(),
      path: String(rq['path'] ?? '/'),
      query: queryMap(rq['query']),
      headers: rqHeaders,
      matchingRules: matchingRules(rq['matchingRules']),
    };
    const rqBody = bodyOf(rq['body'], rqHeaders, v4);
    if (rqBody !== undefined) request.body = rqBody;
    const rs = raw['response'];
    const rsHeaders = headerMap(rs['headers']);
    const response: PactHttpResponse = {
      status: typeof rs['status'] === 'number' ? rs['status'] : 200,
      headers: rsHeaders,
      matchingRules: matchingRules(rs['matchingRules']),
    };
    const rsBody = bodyOf(rs['body'], rsHeaders, v4);
    if (rsBody !== undefined) response.body = rsBody;
    interactions.push({ ...base, kind: 'http', request, response });
  }
  if (Array.isArray(doc['messages'])) {
    doc['messages'].forEach((m, i) => {
      if (isRecord(m))
        interactions.push({
          index: i,
          description: typeof m['description'] === 'string' ? m['description'] : '',
          providerStates: statesOf(m),
          comments: [],
          raw: m,
          kind: 'message',
          type: 'Asynchronous/Messages',
        });
    });
  }
  const links: Record<string, string> = {};
  if (isRecord(doc['_links'])) {
    for (const [rel, l] of Object.entries(doc['_links']))
      if (isRecord(l) && typeof l['href'] === 'string') links[rel] = l['href'];
  }
  return {
    ok: true,
    pact: { spec, consumer, provider, interactions, metadata: isRecord(doc['metadata']) ? doc['metadata'] : {}, links },
  };
}
