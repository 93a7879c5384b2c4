// Renders pact content for people: each interaction as its provider states, request and response (messages as
// their metadata and contents), with the matching rules and generators shown beside the fields they apply to.
// Handles the V2 (`$.body.x` keys), V3 and V4 (categories body/header/query/path/status/metadata) forms. Pact
// content is untrusted: everything is escaped, nesting is cut at a depth and bodies at a number of lines, and
// rules that match no field of the example are listed rather than dropped.
import { esc } from './layout';

const MAX_DEPTH = 32;
const MAX_BODY_LINES = 2_000;
const MAX_INTERACTIONS = 500;
const MAX_TEXT = 20_000;
/** Rules shown per request, response or message (each is compared with every line of the body). */
const MAX_RULES = 500;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One step of a JSON path: a key, an array index, or any (`*`, `[*]`). */
export type Step = { key: string } | { index: number } | { any: true };

/** Parses `$.a.b[0]['c d'][*].*` into steps; undefined when it is not a path this renderer understands. */
export function parsePath(path: string): Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '*') {
        out.push({ any: true });
        i += 2;
        continue;
      }
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (m === null) return undefined;
      out.push({ key: m[0] });
      i += 1 + m[0].length;
    } else if (ch === '[') {
      const rest = path.slice(i);
      const m = /^\[(?:(\d+)|(\*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
      if (m === null) return undefined;
      if (m[1] !== undefined) out.push({ index: Number(m[1]) });
      else if (m[2] !== undefined) out.push({ any: true });
      else out.push({ key: (m[3] ?? m[4])!.replace(/\\(.)/g, '$1') });
      i += m[0].length;
    } else return undefined;
  }
  return out;
}

const stepMatches = (rule: Step, at: Step): boolean =>
  'any' in rule ? true : 'key' in rule ? 'key' in at && at.key === rule.key : 'index' in at && at.index === rule.index;

/** A rule or generator, normalised: where it applies and how it reads. */
export interface Annotation {
  category: 'body' | 'header' | 'query' | 'path' | 'status' | 'metadata';
  /** Header, query or metadata name ('' for path/status). */
  name: string;
  /** Body: the steps below the body root (undefined when the path could not be parsed). */
  steps?: Step[];
  /** The path or name as written in the pact. */
  source: string;
  text: string;
  generator: boolean;
}

/** Short text of one value inside a rule (strings as they are, the rest as compact JSON), cut at `max`. */
export function compact(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : safeJson(value, max + 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON.stringify with a depth and a length budget (pact content may be nested arbitrarily deep). */
export function safeJson(value: unknown, maxChars = 2_000, depth = 0): string {
  if (depth > 12) return '…';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let out = Array.isArray(value) ? '[' : '{';
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value);
  for (let k = 0; k < entries.length; k++) {
    const [key, v] = entries[k]!;
    if (out.length > maxChars) return `${out}…`;
    out +=
      (k > 0 ? ',' : '') +
      (key === undefined ? '' : `${JSON.stringify(key)}:`) +
      safeJson(v, maxChars - out.length, depth + 1);
  }
  return out + (Array.isArray(value) ? ']' : '}');
}

function describeMatcher(m: unknown, generator: boolean): string {
  if (!isObj(m)) return compact(m);
  const type = generator
    ? String(m.type ?? 'generator')
    : String(
        m.match ?? (m.regex !== undefined ? 'regex' : m.min !== undefined || m.max !== undefined ? 'type' : 'rule'),
      );
  const parts = [type];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'match' || (generator && k === 'type')) continue;
    parts.push(k === type ? compact(v) : `${k} ${compact(v)}`);
  }
  return parts.join(' ');
}

/** The rules of one category entry ({matchers, combine} or a bare V2 matcher) as chip texts. */
function matcherTexts(entry: unknown, generator: boolean): string[] {
  if (generator) return [describeMatcher(entry, true)];
  if (isObj(entry) && Array.isArray(entry.matchers)) {
    const texts = entry.matchers.map((m) => describeMatcher(m, false));
    return entry.combine === 'OR' && texts.length > 1 ? texts.map((t, k) => (k === 0 ? t : `or ${t}`)) : texts;
  }
  return [describeMatcher(entry, false)];
}

const CATEGORY: Record<string, Annotation['category']> = {
  body: 'body',
  content: 'body',
  contents: 'body',
  header: 'header',
  headers: 'header',
  query: 'query',
  path: 'path',
  status: 'status',
  metadata: 'metadata',
};

/** The matching rules and generators of a request, response or message, whatever the pact specification. */
export function annotations(part: Json): Annotation[] {
  const out: Annotation[] = [];
  const add = (
    category: Annotation['category'],
    name: string,
    source: string,
    steps: Step[] | undefined,
    entry: unknown,
    generator: boolean,
  ): void => {
    if (out.length >= MAX_RULES) return;
    for (const text of matcherTexts(entry, generator).slice(0, 20))
      out.push({ category, name, source, steps, text, generator });
  };
  for (const [field, generator] of [
    ['matchingRules', false],
    ['generators', true],
  ] as const) {
    const rules = part[field];
    if (!isObj(rules)) continue;
    for (const [key, entry] of Object.entries(rules)) {
      if (key.startsWith('$')) {
        // V2: one flat map of paths: $.body..., $.headers.X, $.query.x, $.path, $.status
        const steps = parsePath(key);
        const first = steps?.[0];
        const head = first !== undefined && 'key' in first ? first.key : undefined;
        const category = head === undefined ? undefined : CATEGORY[head];
        if (category === 'body') add('body', '', key, steps!.slice(1), entry, generator);
        else if (category === 'header' || category === 'query' || category === 'metadata') {
          const second = steps![1];
          add(category, second !== undefined && 'key' in second ? second.key : '', key, undefined, entry, generator);
        } else if (category !== undefined) add(category, '', key, undefined, entry, generator);
        else add('body', '', key, undefined, entry, generator);
        continue;
      }
      const category = CATEGORY[key];
      if (category === undefined || !isObj(entry)) continue;
      const direct = generator ? typeof entry.type === 'string' : Array.isArray(entry.matchers);
      if (category === 'path' || category === 'status' || direct) {
        if (direct) add(category, '', key, category === 'body' ? [] : undefined, entry, generator);
        else
          for (const [k, e] of Object.entries(entry))
            add(category, '', k === '' ? key : k, category === 'body' ? [] : undefined, e, generator);
        continue;
      }
      for (const [name, e] of Object.entries(entry)) {
        if (category === 'body') add('body', '', name, name === '$' ? [] : parsePath(name), e, generator);
        else add(category, name, name, undefined, e, generator);
      }
    }
  }
  return out;
}

const chips = (list: Annotation[]): string =>
  list
    .map(
      (a) =>
        `<span class="rule${a.generator ? ' gen' : ''}" title="${esc(`${a.generator ? 'generator' : 'matching rule'} ${a.source}`)}">${a.generator ? '⚙ ' : ''}${esc(a.text)}</span>`,
    )
    .join('');

// ------------------------------------------------------------------------------------------------ bodies

interface Line {
  code: string;
  rules: string;
}

/** Renders a JSON value as indented lines, each with the rules whose path matches the value that starts there. */
export function jsonLines(value: unknown, rules: Annotation[]): { html: string; used: Set<Annotation> } {
  const used = new Set<Annotation>();
  const bodyRules = rules.filter((r) => r.steps !== undefined);
  const at = (path: Step[]): Annotation[] => {
    const found = bodyRules.filter(
      (r) => r.steps!.length === path.length && r.steps!.every((s, k) => stepMatches(s, path[k]!)),
    );
    for (const f of found) used.add(f);
    return found;
  };
  const lines: Line[] = [];
  let truncated = false;
  const push = (indent: number, code: string, path: Step[]): void => {
    lines.push({ code: `${'  '.repeat(indent)}${code}`, rules: chips(at(path)) });
  };
  const walk = (v: unknown, path: Step[], indent: number, prefix: string, comma: string): void => {
    if (lines.length >= MAX_BODY_LINES) {
      truncated = true;
      return;
    }
    if (v === null || typeof v !== 'object') {
      const text =
        typeof v === 'string' && v.length > 2_000
          ? JSON.stringify(`${v.slice(0, 2_000)}…`)
          : (JSON.stringify(v) ?? 'null');
      push(indent, `${prefix}${esc(text)}${comma}`, path);
      return;
    }
    const isArray = Array.isArray(v);
    const entries: [Step, string, unknown][] = isArray
      ? v.map((x, k) => [{ index: k }, '', x])
      : Object.entries(v).map(([k, x]) => [{ key: k }, `${esc(JSON.stringify(k))}: `, x]);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      push(indent, `${prefix}${open}${close}${comma}`, path);
      return;
    }
    if (indent >= MAX_DEPTH) {
      push(
        indent,
        `${prefix}${open} <span class="muted">… nested deeper than ${MAX_DEPTH} levels: see the raw JSON</span> ${close}${comma}`,
        path,
      );
      return;
    }
    push(indent, `${prefix}${open}`, path);
    entries.forEach(([step, p, x], k) => {
      walk(x, [...path, step], indent + 1, p, k < entries.length - 1 ? ',' : '');
    });
    lines.push({ code: `${'  '.repeat(indent)}${close}${comma}`, rules: '' });
  };
  walk(value, [], 0, '', '');
  const html = lines
    .map((l) => `<div class="l"><code>${l.code}</code><span class="rules">${l.rules}</span></div>`)
    .join('');
  return {
    html: `<div class="json">${html}${truncated ? `<div class="l"><code class="muted">… cut at ${MAX_BODY_LINES} lines: see the raw JSON</code><span></span></div>` : ''}</div>`,
    used,
  };
}

/** A body of any kind: JSON (with rules beside it), text, or an encoded V4 body. */
function renderBody(body: unknown, rules: Annotation[], label: string): string {
  let value = body;
  let note = '';
  // V4 bodies: { content, contentType, encoded }
  if (isObj(body) && 'content' in body && ('contentType' in body || 'encoded' in body)) {
    const ct = typeof body.contentType === 'string' ? body.contentType : '';
    note = ct === '' ? '' : ` <span class="muted">(${esc(ct)})</span>`;
    if (body.encoded === 'base64' || body.encoded === true) {
      return `<div class="body-label muted">${esc(label)}${note}</div><p class="muted">Binary content, base64-encoded (${String(body.content).length} characters): see the raw JSON.</p>${unmatched(rules, new Set())}`;
    }
    value = body.content;
    if (body.encoded === 'json' && typeof value === 'string') {
      try {
        value = JSON.parse(value) as unknown;
      } catch {
        /* shown as text */
      }
    }
  }
  if (value === undefined)
    return `<div class="body-label muted">No ${esc(label.toLowerCase())}.</div>${unmatched(rules, new Set())}`;
  if (typeof value === 'string') {
    const text = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
    const root = rules.filter((r) => r.steps !== undefined && r.steps.length === 0);
    return `<div class="body-label muted">${esc(label)}${note}${chips(root)}</div><pre>${esc(text)}</pre>${unmatched(rules, new Set(root))}`;
  }
  const { html, used } = jsonLines(value, rules);
  return `<div class="body-label muted">${esc(label)}${note}</div>${html}${unmatched(rules, used)}`;
}

/** Body rules that matched no field of the example (kept visible: they still constrain the real response). */
function unmatched(rules: Annotation[], used: Set<Annotation>): string {
  const rest = rules.filter((r) => !used.has(r));
  if (rest.length === 0) return '';
  return `<table class="fields unmatched"><caption>Rules on body paths the example does not contain</caption><tbody>${rest.map((r) => `<tr><td><code>${esc(r.source)}</code></td><td>${chips([r])}</td></tr>`).join('')}</tbody></table>`;
}

// ------------------------------------------------------------------------------------------------ fields

/** Headers, query parameters or metadata as rows with their rules; rules on names not present get rows too. */
function fieldTable(kind: string, values: [string, string][], rules: Annotation[], caseInsensitive: boolean): string {
  const norm = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
  const used = new Set<Annotation>();
  const rows = values.map(([name, value]) => {
    const mine = rules.filter((r) => norm(r.name) === norm(name));
    for (const r of mine) used.add(r);
    return `<tr><th scope="row"><code>${esc(name)}</code></th><td><code>${esc(value)}</code></td><td>${chips(mine)}</td></tr>`;
  });
  for (const r of rules)
    if (!used.has(r))
      rows.push(
        `<tr><th scope="row"><code>${esc(r.name)}</code></th><td class="none">(not in the example)</td><td>${chips([r])}</td></tr>`,
      );
  if (rows.length === 0) return '';
  return `<table class="fields ${esc(kind.toLowerCase())}"><thead><tr><th scope="col">${esc(kind)}</th><th scope="col">Value</th><th scope="col">Rules</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : safeJson(v, 500));

function headerPairs(h: unknown): [string, string][] {
  if (!isObj(h)) return [];
  return Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.map(str).join(', ') : str(v)]);
}

function queryPairs(q: unknown): [string, string][] {
  if (typeof q === 'string') return [...new URLSearchParams(q)];
  if (!isObj(q)) return [];
  return Object.entries(q).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((x) => [k, str(x)] as [string, string]) : [[k, str(v)] as [string, string]],
  );
}

// ------------------------------------------------------------------------------------------------ interactions

function providerStates(i: Json): string {
  const states: { name: string; params?: unknown }[] = [];
  if (typeof i.providerState === 'string') states.push({ name: i.providerState });
  if (Array.isArray(i.providerStates))
    for (const s of i.providerStates) if (isObj(s)) states.push({ name: str(s.name ?? ''), params: s.params });
  if (states.length === 0) return '<p class="muted states-none">No provider state.</p>';
  return `<ul class="states">${states.map((s) => `<li>Given <strong class="state">${esc(s.name)}</strong>${isObj(s.params) && Object.keys(s.params).length > 0 ? ` <code>${esc(compact(s.params, 400))}</code>` : ''}</li>`).join('')}</ul>`;
}

function httpExchange(i: Json): string {
  const req = isObj(i.request) ? i.request : {};
  const res = isObj(i.response) ? i.response : {};
  const reqRules = annotations(req);
  const resRules = annotations(res);
  const by = (list: Annotation[], c: Annotation['category']): Annotation[] => list.filter((a) => a.category === c);
  const request = `<section class="request" aria-label="Request"><h4>Request</h4>
<div class="reqline">${esc(str(req.method ?? 'GET').toUpperCase())} ${esc(str(req.path ?? '/'))}${chips(by(reqRules, 'path'))}</div>
${fieldTable('Query', queryPairs(req.query), by(reqRules, 'query'), false)}
${fieldTable('Header', headerPairs(req.headers), by(reqRules, 'header'), true)}
${renderBody(req.body, by(reqRules, 'body'), 'Body')}</section>`;
  const response = `<section class="response" aria-label="Response"><h4>Response</h4>
<div class="reqline">${res.status === undefined ? 'any status' : `Status ${esc(str(res.status))}`}${chips(by(resRules, 'status'))}</div>
${fieldTable('Header', headerPairs(res.headers), by(resRules, 'header'), true)}
${renderBody(res.body, by(resRules, 'body'), 'Body')}</section>`;
  return `<div class="exchange">${request}${response}</div>`;
}

function messagePart(m: Json, title: string, cls: string): string {
  const rules = annotations(m);
  const by = (c: Annotation['category']): Annotation[] => rules.filter((a) => a.category === c);
  const contents = m.contents ?? m.content;
  return `<section class="${cls}" aria-label="${esc(title)}"><h4>${esc(title)}</h4>
${fieldTable('Metadata', headerPairs(m.metadata), by('metadata'), false)}
${renderBody(contents, by('body'), 'Contents')}</section>`;
}

function messageExchange(i: Json): string {
  if (i.type === 'Synchronous/Messages') {
    const req = isObj(i.request) ? i.request : {};
    const responses = Array.isArray(i.response) ? i.response.filter(isObj) : isObj(i.response) ? [i.response] : [];
    return `<div class="exchange">${messagePart(req, 'Request message', 'request')}${responses.map((r, k) => messagePart(r, responses.length > 1 ? `Response message ${k + 1}` : 'Response message', 'response')).join('')}</div>`;
  }
  return `<div class="exchange">${messagePart(i, 'Message', 'message')}</div>`;
}

export interface RenderedPact {
  /** The interactions (and messages) as HTML articles. */
  html: string;
  /** A table of contents (links to each interaction). */
  toc: string;
  count: number;
  specification: string;
}

/** The specification version the pact declares ("2.0.0", "3.0.0", "4.0", or "unknown"). */
export function specificationOf(content: Json): string {
  const md = isObj(content.metadata) ? content.metadata : {};
  const spec = md.pactSpecification ?? md['pact-specification'] ?? md.pactSpecificationVersion;
  if (isObj(spec) && spec.version !== undefined) return str(spec.version);
  return typeof spec === 'string' ? spec : 'unknown';
}

export function renderPact(content: Json): RenderedPact {
  const items: { i: Json; message: boolean }[] = [];
  if (Array.isArray(content.interactions))
    for (const i of content.interactions)
      if (isObj(i)) items.push({ i, message: i.type === 'Asynchronous/Messages' || i.type === 'Synchronous/Messages' });
  if (Array.isArray(content.messages)) for (const i of content.messages) if (isObj(i)) items.push({ i, message: true });
  const shown = items.slice(0, MAX_INTERACTIONS);
  const articles = shown.map(({ i, message }, k) => {
    const description = str(i.description ?? `interaction ${k + 1}`);
    const badges = [
      message ? '<span class="chip">message</span>' : '',
      i.pending === true ? '<span class="chip" title="pending in the pact (V4)">pending</span>' : '',
    ].join('');
    const comments =
      isObj(i.comments) && Array.isArray(i.comments.text)
        ? `<p class="muted">${i.comments.text.map((t) => esc(str(t))).join('<br>')}</p>`
        : '';
    return `<article class="interaction" id="interaction-${k + 1}" data-description="${esc(description)}" aria-labelledby="interaction-${k + 1}-title">
<h3 id="interaction-${k + 1}-title">${k + 1}. ${esc(description)} ${badges}</h3>${comments}
${providerStates(i)}
${message ? messageExchange(i) : httpExchange(i)}
</article>`;
  });
  const more =
    items.length > shown.length
      ? `<p class="note">Showing the first ${shown.length} of ${items.length} interactions: the rest are in the raw JSON.</p>`
      : '';
  const toc = shown
    .map(
      ({ i }, k) => `<li><a href="#interaction-${k + 1}">${esc(str(i.description ?? `interaction ${k + 1}`))}</a></li>`,
    )
    .join('');
  return {
    html: articles.join('\n') + more,
    toc: shown.length === 0 ? '' : `<ol class="toc">${toc}</ol>`,
    count: items.length,
    specification: specificationOf(content),
  };
}

/** Description and position (as numbered on the pact page) of each interaction, by its `_id` (verification results name interactions by it). */
export function interactionsById(content: Json): Map<string, { description: string; position: number }> {
  const out = new Map<string, { description: string; position: number }>();
  let position = 0;
  for (const key of ['interactions', 'messages']) {
    const list = content[key];
    if (!Array.isArray(list)) continue;
    for (const i of list) {
      if (!isObj(i)) continue;
      position++;
      if (typeof i._id === 'string' && position <= MAX_INTERACTIONS)
        out.set(i._id, { description: str(i.description ?? ''), position });
    }
  }
  return out;
}
