// Pact diffs in the Pact Broker's text format (GET .../diff/previous-distinct, .../diff/version/V,
// .../diff/pact-version/SHA): lib/pact_broker/pacts/diff.rb and create_formatted_diff.rb, which compare the two
// pacts (ids removed, keys and interactions sorted) with pact-support's Pact::Matchers.diff (unexpected keys allowed)
// and print the difference with Pact::Matchers::UnixDiffFormatter (no colour, no explanation): both sides rendered
// as pretty JSON where equal array items are `... ` and equal keys are left out, then a unified line diff
// (diff-lcs, 3 lines of context) without its first hunk header. Every step is iterative or bounded: the line diff
// has a step budget past which it reports the change as a whole replacement.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ------------------------------------------------------------------ content preparation (sort_content.rb, content.rb)

/** Compares like Ruby's String#<=> (UTF-8 bytes). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A JSON object (a plain object; not an array, nor one of the markers below). */
function isObject(v: unknown): v is Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** OrderHashKeys: every object's keys sorted (iterative). */
function orderHashKeys(value: Json): Json {
  const root: { v: Json } = { v: null };
  const stack: { src: Json; set: (v: Json) => void }[] = [{ src: value, set: (v) => (root.v = v) }];
  while (stack.length > 0) {
    const { src, set } = stack.pop()!;
    if (Array.isArray(src)) {
      const out: Json[] = new Array<Json>(src.length);
      set(out);
      src.forEach((x, i) => {
        stack.push({
          src: x,
          set: (v) => {
            out[i] = v;
          },
        });
      });
    } else if (isObject(src)) {
      const out: Record<string, Json> = {};
      set(out);
      for (const k of Object.keys(src).sort(compareBytes)) {
        out[k] = null;
        stack.push({ src: src[k]!, set: (v) => (out[k] = v) });
      }
    } else set(src);
  }
  return root.v;
}

/** Content#without_ids then SortContent: interactions/messages without `_id`, keys sorted, items sorted by their JSON. */
export function prepareForDiff(pact: Record<string, Json>): Json {
  const copy: Record<string, Json> = { ...pact };
  for (const key of ['interactions', 'messages']) {
    const list = copy[key];
    if (Array.isArray(list))
      copy[key] = list.map((i) =>
        isObject(i) ? Object.fromEntries(Object.entries(i).filter(([k]) => k !== '_id')) : i,
      );
  }
  const key =
    Array.isArray(copy.interactions) || isObject(copy.interactions)
      ? 'interactions'
      : copy.messages !== undefined && copy.messages !== null
        ? 'messages'
        : undefined;
  if (key === undefined) return copy;
  const sorted = orderHashKeys(copy) as Record<string, Json>;
  const content = sorted[key];
  if (Array.isArray(content)) {
    sorted[key] = content
      .map((item) => ({ item, json: JSON.stringify(item) }))
      .sort((a, b) => compareBytes(a.json, b.json))
      .map((x) => x.item);
  }
  return sorted;
}

// ------------------------------------------------------------------ Pact::Matchers.diff (exact values, unexpected keys allowed)

class Marker {
  constructor(readonly name: string) {}
}
const KEY_NOT_FOUND = new Marker('<key not found>');
const UNEXPECTED_INDEX = new Marker('<item not to exist>');
const INDEX_NOT_FOUND = new Marker('<item not found>');
const NO_DIFF_AT_INDEX = new Marker('<no difference at this index>');

class Difference {
  constructor(
    readonly expected: Json | Marker,
    readonly actual: Json | Marker,
  ) {}
}

/** A difference: a Difference, an object of differing keys, an array with NO_DIFF_AT_INDEX for equal items. */
type Diff = Difference | { [key: string]: Diff } | (Diff | Marker)[];

function deepEqual(a: Json | Marker, b: Json | Marker): boolean {
  const stack: [Json | Marker, Json | Marker][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (x instanceof Marker || y instanceof Marker) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      x.forEach((v, i) => {
        stack.push([v, y[i]!]);
      });
    } else if (isObject(x)) {
      if (!isObject(y)) return false;
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      for (const k of kx) {
        if (!Object.hasOwn(y, k)) return false;
        stack.push([x[k]!, y[k]!]);
      }
    } else return false;
  }
  return true;
}

function isEmptyDiff(d: Diff | undefined): boolean {
  return d === undefined || (!(d instanceof Difference) && !Array.isArray(d) && Object.keys(d).length === 0);
}

/**
 * pact-support's calculate_diff for JSON values with `allow_unexpected_keys: true` (keys only in `actual` are not
 * differences). Recursive on the structure: the content was refused above 50 levels when it was published.
 */
function calculateDiff(expected: Json | Marker, actual: Json | Marker): Diff | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return new Difference(expected, actual);
    const out: Record<string, Diff> = {};
    for (const key of Object.keys(expected)) {
      const a = Object.hasOwn(actual, key) ? actual[key]! : KEY_NOT_FOUND;
      const d = calculateDiff(expected[key]!, a);
      if (!isEmptyDiff(d)) out[key] = d!;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return new Difference(expected, actual);
    const out: (Diff | Marker)[] = [];
    let found = false;
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const d = calculateDiff(
        i < expected.length ? expected[i]! : UNEXPECTED_INDEX,
        i < actual.length ? actual[i]! : INDEX_NOT_FOUND,
      );
      if (isEmptyDiff(d)) out.push(NO_DIFF_AT_INDEX);
      else {
        found = true;
        out.push(d!);
      }
    }
    return found ? out : undefined;
  }
  return deepEqual(expected, actual) ? undefined : new Difference(expected, actual);
}

// ------------------------------------------------------------------ UnixDiffFormatter

const NO_DIFFERENCE = Symbol('... ');
type Printable = Json | typeof NO_DIFFERENCE | Printable[] | { [key: string]: Printable };

/** UnixDiffFormatter#handle: one side of the difference, with markers dropped and equal items as `... `. */
function side(diff: Diff | Json | Marker, target: 'expected' | 'actual'): Printable | Marker {
  if (diff instanceof Difference) return side(target === 'actual' ? diff.actual : diff.expected, target);
  if (diff === NO_DIFF_AT_INDEX) return NO_DIFFERENCE;
  if (diff instanceof Marker) return diff;
  if (Array.isArray(diff)) {
    const out: Printable[] = [];
    for (const item of diff) {
      const v = side(item as Diff, target);
      if (v === UNEXPECTED_INDEX || v === INDEX_NOT_FOUND) continue;
      out.push(v instanceof Marker ? v.name : v);
    }
    return out;
  }
  if (isObject(diff)) {
    const out: Record<string, Printable> = {};
    for (const [k, x] of Object.entries(diff as Record<string, Diff>)) {
      const v = side(x, target);
      if (v === KEY_NOT_FOUND) continue;
      out[k] = v instanceof Marker ? v.name : v;
    }
    return out;
  }
  return diff as Json;
}

/** Ruby's JSON.pretty_generate (two-space indent, `"key": value`, `{}` and `[]` when empty), `... ` for equal items. */
function prettyGenerate(value: Printable): string {
  const parts: string[] = [];
  // An explicit stack of "print this value at this indent" and "print this text" entries.
  type Job = { v: Printable; indent: string } | { text: string };
  const jobs: Job[] = [{ v: value, indent: '' }];
  while (jobs.length > 0) {
    const job = jobs.pop()!;
    if ('text' in job) {
      parts.push(job.text);
      continue;
    }
    const { v, indent } = job;
    if (v === NO_DIFFERENCE) parts.push('... ');
    else if (Array.isArray(v)) {
      if (v.length === 0) {
        parts.push('[]');
        continue;
      }
      const inner = `${indent}  `;
      const todo: Job[] = [{ text: '[\n' }];
      v.forEach((x, i) => {
        todo.push({ text: inner }, { v: x, indent: inner });
        if (i < v.length - 1) todo.push({ text: ',\n' });
      });
      todo.push({ text: `\n${indent}]` });
      for (let i = todo.length - 1; i >= 0; i--) jobs.push(todo[i]!);
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      if (keys.length === 0) {
        parts.push('{}');
        continue;
      }
      const inner = `${indent}  `;
      const todo: Job[] = [{ text: '{\n' }];
      keys.forEach((k, i) => {
        todo.push(
          { text: `${inner}${JSON.stringify(k)}: ` },
          { v: (v as Record<string, Printable>)[k]!, indent: inner },
        );
        if (i < keys.length - 1) todo.push({ text: ',\n' });
      });
      todo.push({ text: `\n${indent}}` });
      for (let i = todo.length - 1; i >= 0; i--) jobs.push(todo[i]!);
    } else parts.push(JSON.stringify(v));
  }
  return parts.join('');
}

/** UnixDiffFormatter#generate_string with the json >= 2.8 compatibility rewrites pact-support applies. */
function generateString(diff: Diff, target: 'expected' | 'actual'): string {
  const v = side(diff, target);
  let json = prettyGenerate(v instanceof Marker ? v.name : v);
  json = json.replace(/(\{\n)\n([ \t\r\n\f\v]*\})/g, '$1$2');
  json = json.replace(/(\{[ \t\r\n\f\v]*\})/g, '{\n  }');
  json = json.replace(/\[[ \t\r\n\f\v]*\]/g, '[\n  ]');
  return json.replace(/(\n[ \t\r\n\f\v]*\])/g, ',$1');
}

// ------------------------------------------------------------------ diff-lcs: LCS, hunks, unified output

interface Change {
  action: '-' | '+';
  position: number;
}

/**
 * Budget for the line diff: Myers steps and edit distance (its path is kept per round, O(D^2) memory: 2,000 rounds
 * are 16 MB). Past either, the lines between the common start and end are reported as a whole replacement.
 */
const MAX_DIFF_STEPS = 20_000_000;
const MAX_EDIT_DISTANCE = 2_000;

/**
 * Matching line pairs (old index -> new index) of a longest common subsequence: common prefix and suffix, then
 * Myers' O(ND) search over the middle, its path kept per round (memory O(D^2)).
 */
function lcsMatches(a: string[], b: string[]): Map<number, number> {
  const matches = new Map<number, number>();
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    matches.set(start, start);
    start++;
  }
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    matches.set(endA, endB);
    endA--;
    endB--;
  }
  const n = endA - start + 1;
  const m = endB - start + 1;
  if (n <= 0 || m <= 0) return matches;
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let steps = 0;
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
        steps++;
      }
      v[offset + k] = x;
      steps++;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
    if (steps > MAX_DIFF_STEPS || d >= MAX_EDIT_DISTANCE) return matches; // too costly: no matches in the middle (a whole replacement)
  }
  // Walk back through the rounds, collecting the diagonal (matching) moves.
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!; // v as it was at the start of round d, window [-d, d]
    const at = (k: number): number => prev[k + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      matches.set(start + x, start + y);
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    matches.set(start + x, start + y);
  }
  return matches;
}

/** Diff::LCS.diff: the changes grouped into pieces between matches (removals, then additions). */
function lcsDiff(a: string[], b: string[]): Change[][] {
  const matches = lcsMatches(a, b);
  const pieces: Change[][] = [];
  let piece: Change[] = [];
  let bj = 0;
  const flush = (): void => {
    if (piece.length > 0) pieces.push(piece);
    piece = [];
  };
  for (let i = 0; i < a.length; i++) {
    const j = matches.get(i);
    if (j === undefined) piece.push({ action: '-', position: i });
    else {
      while (bj < j) piece.push({ action: '+', position: bj++ });
      flush();
      bj = j + 1;
    }
  }
  while (bj < b.length) piece.push({ action: '+', position: bj++ });
  flush();
  return pieces;
}

/** Diff::LCS::Hunk (unified format), as diff-lcs 1.6 builds and merges them. */
class Hunk {
  blocks: { remove: Change[]; insert: Change[] }[];
  startOld: number;
  startNew: number;
  endOld: number;
  endNew: number;
  readonly fileLengthDifference: number;

  constructor(
    private readonly old: string[],
    private readonly next: string[],
    piece: Change[],
    context: number,
    fileLengthDifference: number,
  ) {
    const block = { remove: piece.filter((c) => c.action === '-'), insert: piece.filter((c) => c.action === '+') };
    this.blocks = [block];
    const before = fileLengthDifference;
    const after = before + block.insert.length - block.remove.length;
    this.fileLengthDifference = after;
    const a1 = block.remove[0]?.position;
    const a2 = block.remove[block.remove.length - 1]?.position;
    const b1 = block.insert[0]?.position;
    const b2 = block.insert[block.insert.length - 1]?.position;
    this.startOld = a1 ?? b1! - before;
    this.startNew = b1 ?? a1! + before;
    this.endOld = a2 ?? b2! - after;
    this.endNew = b2 ?? a2! + after;
    const addStart = Math.min(context, this.startOld);
    this.startOld -= addStart;
    this.startNew -= addStart;
    const addEnd = this.endOld + context >= old.length ? old.length - this.endOld - 1 : context;
    this.endOld += addEnd;
    this.endNew += addEnd;
  }

  overlaps(h: Hunk): boolean {
    return this.startOld - h.endOld <= 1 || this.startNew - h.endNew <= 1;
  }

  merge(h: Hunk): void {
    this.startOld = h.startOld;
    this.startNew = h.startNew;
    this.blocks.unshift(...h.blocks);
  }

  private range(start: number, end: number, empty: boolean): string {
    if (empty) return '0,0';
    const s = start + 1;
    const e = end + 1;
    const length = e - s + 1;
    return length <= 1 ? String(e) : `${s},${length}`;
  }

  unified(): string {
    const oldEmpty = this.old.length === 0 || (this.old.length === 1 && this.old[0] === '');
    const newEmpty = this.next.length === 0 || (this.next.length === 1 && this.next[0] === '');
    const header = `@@ -${this.range(this.startOld, this.endOld, oldEmpty)} +${this.range(this.startNew, this.endNew, newEmpty)} @@\n`;
    const out = this.old.slice(this.startOld, this.endOld + 1).map((l) => ` ${l}`);
    let added = 0;
    let removed = 0;
    for (const block of this.blocks) {
      for (const item of block.remove) {
        const at = item.position - this.startOld + added;
        out[at] = `-${out[at]!.slice(1)}`;
        removed++;
      }
      for (const item of block.insert) {
        out.splice(item.position - this.startNew + removed, 0, `+${this.next[item.position]!}`);
        added++;
      }
    }
    return header + out.join('\n');
  }
}

/** Ruby's String#split("\n") (trailing empty strings dropped) with each line chomped. */
function rubyLines(s: string): string[] {
  const lines = s.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

/** Pact::Matchers::Differ#diff_as_string(new, old): unified hunks with 3 lines of context. */
function diffAsString(newText: string, oldText: string): string {
  const old = rubyLines(oldText);
  const next = rubyLines(newText);
  const pieces = lcsDiff(old, next);
  if (pieces.length === 0) return '';
  let output = '';
  let oldHunk: Hunk | undefined;
  let fileLengthDifference = 0;
  for (const piece of pieces) {
    const hunk = new Hunk(old, next, piece, 3, fileLengthDifference);
    fileLengthDifference = hunk.fileLengthDifference;
    if (oldHunk !== undefined) {
      if (hunk.overlaps(oldHunk)) hunk.merge(oldHunk);
      else output += oldHunk.unified();
    }
    oldHunk = hunk;
    output += '\n';
  }
  return `${output + oldHunk!.unified()}\n`;
}

/** CreateFormattedDiff.call(current, previous): the unified diff of the previous pact (`-`) to the current (`+`). */
export function formattedDiff(current: Record<string, Json>, previous: Record<string, Json>): string {
  const diff = calculateDiff(prepareForDiff(previous), prepareForDiff(current));
  if (diff === undefined) return '';
  const expected = generateString(diff, 'expected');
  const actual = generateString(diff, 'actual');
  let text = diffAsString(actual, expected).replace(/^\s+/, '');
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // Ruby's split drops trailing empty lines
  if (/@@/.test(lines[0] ?? '')) text = lines.slice(1).join('\n');
  return text.replace(/,(\n[ \t\r\n\f\v]*\])/g, '$1');
}

// ------------------------------------------------------------------ the diff resource's text (diff.rb DiffDecorator)

const ONE_OR_MANY: Record<string, [string, string]> = {
  less_than_x_minutes: ['less than a minute', 'less than %{count} minutes'],
  x_minutes: ['1 minute', '%{count} minutes'],
  about_x_hours: ['about 1 hour', 'about %{count} hours'],
  x_days: ['1 day', '%{count} days'],
  about_x_months: ['about 1 month', 'about %{count} months'],
  x_months: ['1 month', '%{count} months'],
  about_x_years: ['about 1 year', 'about %{count} years'],
  over_x_years: ['over 1 year', 'over %{count} years'],
  almost_x_years: ['almost 1 year', 'almost %{count} years'],
};

function words(key: string, count: number): string {
  const [one, many] = ONE_OR_MANY[key]!;
  return count === 1 ? one : many.replace('%{count}', String(count));
}

/** The Pact Broker's DateHelper.distance_of_time_in_words (Rails' rules, English). */
export function distanceOfTimeInWords(from: Date, to: Date): string {
  let [a, b] = [from, to];
  if (a > b) [a, b] = [b, a];
  const minutes = Math.round((b.getTime() - a.getTime()) / 60000);
  if (minutes <= 1) return minutes === 0 ? words('less_than_x_minutes', 1) : words('x_minutes', minutes);
  if (minutes < 45) return words('x_minutes', minutes);
  if (minutes < 90) return words('about_x_hours', 1);
  if (minutes < 1440) return words('about_x_hours', Math.round(minutes / 60));
  if (minutes < 2520) return words('x_days', 1);
  if (minutes < 43200) return words('x_days', Math.round(minutes / 1440));
  if (minutes < 86400) return words('about_x_months', Math.round(minutes / 43200));
  if (minutes < 525600) return words('x_months', Math.round(minutes / 43200));
  let fyear = a.getUTCFullYear();
  if (a.getUTCMonth() >= 2) fyear += 1;
  let tyear = b.getUTCFullYear();
  if (b.getUTCMonth() < 2) tyear -= 1;
  let leapYears = 0;
  for (let y = fyear; y <= tyear; y++) if ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) leapYears++;
  const withOffset = minutes - leapYears * 1440;
  const remainder = withOffset % 525600;
  const years = Math.floor(withOffset / 525600);
  if (remainder < 131400) return words('about_x_years', years);
  if (remainder < 394200) return words('over_x_years', years);
  return words('almost_x_years', years + 1);
}

/** The Pact Broker's DateHelper.local_date_in_words: `%a %d %b %Y, %l:%M%P %:z` in the server's time zone. */
export function localDateInWords(d: Date): string {
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hour12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const text = `${DAYS[d.getDay()]} ${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${String(hour12).padStart(2, ' ')}:${pad(d.getMinutes())}${d.getHours() < 12 ? 'am' : 'pm'} ${zone}`;
  return text.replace(/ {2}/g, ' ');
}

/** A YAML scalar as Psych writes a plain or single-quoted string. */
function yamlScalar(s: string): string {
  const plain =
    s !== '' &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) &&
    !/\s$/.test(s) &&
    !/: |:$| #/.test(s) &&
    !/^(true|false|yes|no|on|off|null|~|y|n)$/i.test(s) &&
    !/^[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+|0x[\da-fA-F]+|0o?[0-7]+|\.(inf|nan))$/i.test(s) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(s);
  return plain ? s : `'${s.replace(/'/g, "''")}'`;
}

export interface DiffSide {
  consumer: string;
  provider: string;
  consumerVersion: string;
  /** The pact's URL (by consumer version). */
  url: string;
  content: Record<string, Json>;
}

/**
 * The diff resource's text: a title, when the changes were made (`changedAt`: when the pact after the comparison
 * pact was published), the formatted diff, and links to both pacts.
 */
export function pactDiffText(pact: DiffSide, comparison: DiffSide, changedAt: Date, now: Date = new Date()): string {
  const name = (s: DiffSide): string => `Pact between ${s.consumer} (${s.consumerVersion}) and ${s.provider}`;
  const header = `# Diff between versions ${comparison.consumerVersion} and ${pact.consumerVersion} of the pact between ${pact.consumer} and ${pact.provider}\n\nThe following changes were made ${distanceOfTimeInWords(changedAt, now)} ago (${localDateInWords(changedAt)})`;
  const link = (key: string, s: DiffSide): string =>
    `${key}:\n  title: Pact\n  name: ${yamlScalar(name(s))}\n  href: ${yamlScalar(s.url)}\n`;
  // YAML.dump(links).gsub(/---/, ""), as the Pact Broker writes it.
  const links = `## Links\n${`---\n${link('pact-version', pact)}${link('comparison-pact-version', comparison)}`.replace(/---/g, '')}`;
  return `${header}\n\n${formattedDiff(pact.content, comparison.content)}\n\n${links}`;
}
