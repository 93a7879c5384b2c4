// Interactions as plain data (style G9): what cxpact sends the pact mock server and writes into the pact.
// Pure: no pact-js, no I/O. src/io/pact-ffi replays an InteractionSpec through the Pact FFI.

import type { RenderedRequest } from '../data-action';
import { CxpactError } from '../errors';
import type { MatchableJson, Matcher } from './matchers';
import type { ProviderState } from './cases';

export interface InteractionRequest {
  method: string;
  /** Decoded path, without the query string; for absolute URLs the origin is dropped. */
  path: string;
  /** Decoded query parameters (pact compares decoded values); placeholders of secrets become regex matchers. */
  query: Record<string, (string | Matcher)[]>;
  /** Headers whose literal credential value was replaced by a placeholder (never written to a pact). */
  redactedHeaders?: string[];
  /** Set when the path holds a credential placeholder: the path is then matched by this regex matcher. */
  pathMatcher?: Matcher;
  headers: Record<string, string | Matcher>;
  /** JSON bodies as JSON, everything else as text with its content type. */
  body?: { kind: 'json'; json: unknown; contentType: string } | { kind: 'text'; text: string; contentType: string };
  /** The path + query exactly as rendered, sent over HTTP to the mock server. */
  rawPathAndQuery: string;
}

export interface InteractionResponse {
  status: number;
  headers: Record<string, string | Matcher>;
  /** The response body with matchers: only the fields the translation reads. */
  body?: MatchableJson;
}

/** One pact interaction as plain data. */
export interface InteractionSpec {
  description: string;
  providerStates: ProviderState[];
  request: InteractionRequest;
  response: InteractionResponse;
  /** Free text written into the pact's comments (action file, case origin). */
  comments: string[];
}

/** Header names whose values are credentials even when written literally. */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|x-api-key|api-?key|x-auth-token|x-access-token)$|token|secret|password/i;

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding']);

/** Splits a rendered URL into path and query; placeholders for a credentials base URL are dropped. */
export function splitUrl(url: string): { path: string; query: Record<string, string[]>; rawPathAndQuery: string } {
  let rest = url.trim();
  // `${credentials.baseUrl}/x` renders as a placeholder prefix: the provider base URL is the verifier's business.
  rest = rest.replace(/^\{\{[^}]*\}\}/, '');
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (abs) rest = rest.slice(abs[0].length);
  rest = rest.replace(/#.*$/, '');
  if (!rest.startsWith('/')) rest = `/${rest}`;
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const rawQuery = q === -1 ? '' : rest.slice(q + 1);
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(rawPath);
  } catch {
    decodedPath = rawPath;
  }
  const query: Record<string, string[]> = {};
  if (rawQuery !== '') {
    for (const part of rawQuery.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = eq === -1 ? part : part.slice(0, eq);
      const v = eq === -1 ? '' : part.slice(eq + 1);
      const dec = (s: string): string => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      const key = dec(k);
      const list = query[key];
      if (list === undefined) query[key] = [dec(v)];
      else list.push(dec(v));
    }
  }
  // Sent as rendered; the HTTP client only percent-encodes characters that cannot travel raw (spaces).
  return { path: decodedPath, query, rawPathAndQuery: rest };
}

function headerLookup(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/**
 * The request half of an interaction from a rendered request. Secret headers (`${credentials.X}`,
 * `${authResponse.X}`) become regex matchers whose example is the placeholder, never a real value.
 */
export function requestFromRendered(rendered: RenderedRequest): InteractionRequest {
  const { path, query, rawPathAndQuery } = splitUrl(rendered.url);
  const headers: Record<string, string | Matcher> = {};
  const secrets = new Map(rendered.secretHeaders.map((s) => [s.header.toLowerCase(), s]));
  const redacted: string[] = [];
  for (const [name, value] of Object.entries(rendered.headers)) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    const secret = secrets.get(name.toLowerCase());
    if (secret !== undefined) {
      headers[name] = { 'pact:matcher:type': 'regex', regex: secret.regex, value: secret.value };
    } else if (SENSITIVE_HEADER.test(name) && value.trim() !== '') {
      // Scenario: a credential written literally into the definition. It never reaches the pact: the header is
      // matched by regex and the example is a placeholder (cxpact lint tells the author to use ${credentials.X}).
      const scheme = /^(Bearer|Basic|Token|Digest|Negotiate|ApiKey)\s+/i.exec(value)?.[0] ?? '';
      const example = `${scheme}{{redacted}}`;
      headers[name] = { 'pact:matcher:type': 'regex', regex: `^${scheme.replace(/\s+$/, '\\s+')}.+$`, value: example };
      redacted.push(name);
    } else headers[name] = value;
  }
  const request: InteractionRequest = {
    method: rendered.method,
    path,
    query: secretQuery(query),
    headers,
    rawPathAndQuery,
  };
  if (redacted.length > 0) request.redactedHeaders = redacted;
  if (PLACEHOLDER.test(path)) request.pathMatcher = placeholderMatcher(path);
  if (rendered.body !== undefined && rendered.body !== '' && rendered.method !== 'GET' && rendered.method !== 'HEAD') {
    const declared = headerLookup(rendered.headers, 'content-type');
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(rendered.body);
      isJson = declared === undefined || /json/i.test(declared);
    } catch {
      isJson = false;
    }
    request.body = isJson
      ? { kind: 'json', json, contentType: declared ?? 'application/json' }
      : { kind: 'text', text: rendered.body, contentType: declared ?? 'text/plain' };
  }
  return request;
}

const PLACEHOLDER = /\{\{(credentials|authResponse)\.[^}]*\}\}/;
const PLACEHOLDERS = /\{\{(credentials|authResponse)\.[^}]*\}\}/g;

/** A regex matcher for a value holding `{{credentials.X}}` placeholders: literal parts kept, secrets `.+`. */
export function placeholderMatcher(example: string): Matcher {
  const parts = example.split(PLACEHOLDERS).filter((_, i) => i % 2 === 0);
  const pattern = `^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.+')}$`;
  return { 'pact:matcher:type': 'regex', regex: pattern, value: example };
}

function secretQuery(query: Record<string, string[]>): Record<string, (string | Matcher)[]> {
  const out: Record<string, (string | Matcher)[]> = {};
  for (const [k, values] of Object.entries(query))
    out[k] = values.map((v) => (PLACEHOLDER.test(v) ? placeholderMatcher(v) : v));
  return out;
}

/** Validates a hand-written spec before it reaches the FFI (errors name the field and the fix). */
export function checkInteractionSpec(spec: InteractionSpec, where: string): CxpactError[] {
  const errors: CxpactError[] = [];
  const fail = (path: string, message: string, fix: string): void => {
    errors.push(new CxpactError('interaction.invalid', message, { file: where, path, fix }));
  };
  if (spec.description.trim() === '')
    fail('$.description', 'The interaction needs a description.', 'Describe the request, e.g. "a lookup by phone".');
  if (!/^[A-Z]+$/.test(spec.request.method))
    fail('$.request.method', `Invalid method ${spec.request.method}.`, 'Use GET, POST, PUT, PATCH or DELETE.');
  if (!spec.request.path.startsWith('/'))
    fail(
      '$.request.path',
      `The path must start with "/", got ${spec.request.path}.`,
      'Write the path relative to the provider base URL.',
    );
  if (!Number.isInteger(spec.response.status) || spec.response.status < 100 || spec.response.status > 599) {
    fail('$.response.status', `Invalid status ${spec.response.status}.`, 'Use an HTTP status between 100 and 599.');
  }
  return errors;
}
