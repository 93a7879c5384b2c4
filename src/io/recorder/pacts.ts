// Reads the pacts of one provider (local files or the broker's latest pacts) into PactInteraction data.
// Understands V4 (`Synchronous/HTTP`), V3 and V2 pact files.
import fs from 'node:fs';
import { CxpactError } from '../../core/errors';
import { brokerRequest, checkBroker, type BrokerTarget } from '../broker-client/http';
import { interactionKey, isJsonContentType, type ExpectedResponse, type LoadedPact, type PactRequest, type RuleCategory, type RuleGroup } from '../../core/recorded/model';
import { cxpactCommand } from '../cli-spelling';
import { listPactFiles } from '../files';
import { isRecord } from '../../core/json';

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
    for (const [k, val] of new URLSearchParams(v)) (out[k] ??= []).push(val);
    return out;
  }
  return headerMap(v);
}

function findHeader(headers: Record<string, string[]>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k]!.join(', ');
}

function bodyOf(raw: unknown, headers: Record<string, string[]>, v4: boolean): ExpectedResponse['body'] {
  if (raw === undefined || raw === null) return undefined;
  if (v4 && isRecord(raw) && 'content' in raw) {
    const contentType = typeof raw.contentType === 'string' ? raw.contentType : findHeader(headers, 'content-type');
    let content = raw.content;
    if (raw.encoded === 'base64' || raw.encoded === true) {
      content = Buffer.from(String(content), 'base64').toString('utf8');
    }
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
  const contentType = findHeader(headers, 'content-type');
  const isJson = typeof raw !== 'string' || isJsonContentType(contentType);
  return { content: raw, ...(contentType === undefined ? {} : { contentType }), isJson };
}

function ruleCategory(v: unknown): RuleCategory | undefined {
  if (!isRecord(v)) return undefined;
  const out: RuleCategory = {};
  for (const [p, g] of Object.entries(v)) {
    if (isRecord(g) && Array.isArray(g.matchers)) {
      out[p] = { combine: g.combine === 'OR' ? 'OR' : 'AND', matchers: g.matchers.filter(isRecord) };
    } else if (isRecord(g)) {
      out[p] = { combine: 'AND', matchers: [g] };
    }
  }
  return out;
}

/** V2 rules are flat (`$.body.a`, `$.headers.X`); V3/V4 are grouped by category. */
function matchingRules(v: unknown): ExpectedResponse['matchingRules'] {
  if (!isRecord(v)) return {};
  const keys = Object.keys(v);
  if (keys.some((k) => k.startsWith('$.'))) {
    const body: RuleCategory = {};
    const header: RuleCategory = {};
    for (const [k, g] of Object.entries(v)) {
      const group: RuleGroup = { combine: 'AND', matchers: [isRecord(g) ? g : {}] };
      if (k === '$.body' || k.startsWith('$.body.') || k.startsWith('$.body[')) body['$' + k.slice('$.body'.length)] = group;
      else if (k.startsWith('$.headers.')) header[k.slice('$.headers.'.length)] = group;
    }
    return { body, header };
  }
  const out: ExpectedResponse['matchingRules'] = {};
  const body = ruleCategory(v.body);
  const header = ruleCategory(v.header);
  const status = ruleCategory(v.status);
  if (body) out.body = body;
  if (header) out.header = header;
  if (status) out.status = status;
  return out;
}

/** Parses one pact document. `source` names it in findings. Throws for a document that is not a pact. */
export function parsePact(doc: unknown, source: string, cwd?: string): LoadedPact {
  const bad = (p: string, msg: string): never => {
    throw new CxpactError('recorded.pact.invalid', `${source} is not a pact file: ${msg}.`, {
      file: source,
      path: p,
      fix: `Use a pact written by \`${cxpactCommand(cwd, 'consumer')}\` (Pact specification V2-V4).`,
    });
  };
  if (!isRecord(doc)) return bad('$', 'not a JSON object');
  const consumer = isRecord(doc.consumer) && typeof doc.consumer.name === 'string' ? doc.consumer.name : bad('$.consumer.name', 'no consumer name');
  const provider = isRecord(doc.provider) && typeof doc.provider.name === 'string' ? doc.provider.name : bad('$.provider.name', 'no provider name');
  const list = Array.isArray(doc.interactions) ? doc.interactions : doc.interactions === undefined ? [] : bad('$.interactions', 'interactions is not a list');
  const links = isRecord(doc._links) ? doc._links : {};
  const href = (rel: string): string | undefined => {
    const l = links[rel];
    return isRecord(l) && typeof l.href === 'string' ? l.href : undefined;
  };
  const out: LoadedPact = { consumer, provider, source, interactions: [], skipped: 0 };
  const self = href('self');
  const publish = href('pb:publish-verification-results');
  if (self !== undefined) out.brokerPactUrl = self;
  if (publish !== undefined) out.publishUrl = publish;
  list.forEach((raw: unknown, i: number) => {
    if (!isRecord(raw)) return bad(`$.interactions[${i}]`, 'an interaction is not an object');
    const type = typeof raw.type === 'string' ? raw.type : 'Synchronous/HTTP';
    if (type !== 'Synchronous/HTTP' || !isRecord(raw.request) || !isRecord(raw.response)) {
      out.skipped += 1;
      return;
    }
    const description = typeof raw.description === 'string' ? raw.description : bad(`$.interactions[${i}].description`, 'an interaction has no description');
    const v4 = typeof raw.type === 'string';
    const states = Array.isArray(raw.providerStates)
      ? raw.providerStates.filter(isRecord).map((s) => ({ name: String(s.name), ...(isRecord(s.params) ? { params: s.params } : {}) }))
      : typeof raw.providerState === 'string'
        ? [{ name: raw.providerState }]
        : [];
    const rq = raw.request;
    const rqHeaders = headerMap(rq.headers);
    const request: PactRequest = {
      method: String(rq.method ?? 'GET').toUpperCase(),
      path: String(rq.path ?? '/'),
      query: queryMap(rq.query),
      headers: rqHeaders,
    };
    const rqBody = bodyOf(rq.body, rqHeaders, v4);
    if (rqBody !== undefined) request.body = rqBody;
    const rs = raw.response;
    const rsHeaders = headerMap(rs.headers);
    const response: ExpectedResponse = {
      status: typeof rs.status === 'number' ? rs.status : 200,
      headers: rsHeaders,
      matchingRules: matchingRules(rs.matchingRules),
    };
    const rsBody = bodyOf(rs.body, rsHeaders, v4);
    if (rsBody !== undefined) response.body = rsBody;
    out.interactions.push({
      consumer,
      provider,
      source,
      description,
      providerStates: states,
      ...(typeof raw._id === 'string' ? { id: raw._id } : {}),
      key: interactionKey(description, states),
      request,
      response,
    });
  });
  return out;
}

/** Pacts for `provider` from pact files and directories (directories: their *.json files). */
export function loadPactsFromFiles(paths: string[], provider: string, cwd?: string): { pacts: LoadedPact[]; otherProviders: string[] } {
  const pacts: LoadedPact[] = [];
  const others = new Set<string>();
  const entries = listPactFiles(
    paths,
    (p) =>
      new CxpactError('recorded.pacts.missing', `Pact file or directory ${p} does not exist.`, {
        file: p,
        fix: `Run \`${cxpactCommand(cwd, 'consumer')}\` to write pacts to pacts/, pass --pacts <dir|file>, or read them from the broker with --broker-url.`,
      }),
  );
  for (const { file, fromDirectory } of entries) {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CxpactError('recorded.pact.malformed', `${file} is not valid JSON: ${(error as Error).message}.`, { file, path: '$', fix: `Regenerate it with \`${cxpactCommand(cwd, 'consumer')}\`.` });
    }
    const name = isRecord(doc) && isRecord(doc.provider) ? doc.provider.name : undefined;
    if (name !== provider) {
      if (typeof name === 'string') others.add(name);
      else if (!fromDirectory) parsePact(doc, file, cwd);
      continue;
    }
    pacts.push(parsePact(doc, file, cwd));
  }
  return { pacts, otherProviders: [...others].sort() };
}

/** The latest pact of every consumer of `provider` in the broker (`/pacts/provider/P/latest`). */
export async function loadPactsFromBroker(broker: BrokerTarget, provider: string): Promise<LoadedPact[]> {
  await checkBroker(broker);
  const list = await brokerRequest(broker, `/pacts/provider/${encodeURIComponent(provider)}/latest`);
  if (list.status === 404) return [];
  if (list.status !== 200 || !isRecord(list.body)) {
    throw new CxpactError('broker.error', `The broker answered GET /pacts/provider/${provider}/latest with HTTP ${list.status}.`, {
      fix: 'Check --broker-url points at a Pact Broker.',
    });
  }
  const links = isRecord(list.body._links) ? list.body._links : {};
  const entries = Array.isArray(links['pb:pacts']) ? links['pb:pacts'] : Array.isArray(links['pacts']) ? links['pacts'] : [];
  const pacts: LoadedPact[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e.href !== 'string') continue;
    const res = await brokerRequest(broker, pathOf(e.href, broker.baseUrl));
    if (res.status !== 200) {
      throw new CxpactError('broker.error', `The broker answered GET ${e.href} with HTTP ${res.status}.`, { fix: 'Check the broker logs.' });
    }
    pacts.push(parsePact(res.body, e.href));
  }
  return pacts;
}

/** Official clients take only the path of a HAL href and resolve it against the configured base URL. */
export function pathOf(href: string, baseUrl: string): string {
  try {
    const u = new URL(href);
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const p = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname;
    return `${p}${u.search}`;
  } catch {
    return href;
  }
}
