// Regular expressions taken from definitions (JSONPath `=~`, Velocity String.matches/replaceAll/replaceFirst/split,
// JSON-schema `pattern`, JSONata regex literals) run on RE2 (the re2js port: pure JavaScript, matching in time
// linear in the input), so no pattern can backtrack catastrophically. RE2 lacks backreferences and lookaround: a
// pattern using them falls back to the backtracking JavaScript engine unless it also has a shape that can backtrack
// catastrophically (then it is refused with a `limit.regex` error); the drivers' hard time limit still bounds it.
//
// Where RE2 differs from Java's and ECMAScript's engines (documented in README "Limits and budgets"): `\s` is
// [\t\n\f\r ] (no vertical tab, no Unicode spaces), `.` excludes only \n, `$` without (?m) matches only at the very
// end (Java also matches before a final line break), and possessive quantifiers / atomic groups are read as their
// greedy / plain forms (as cxpact's Java translation always did).
//
// A pattern of a narrow shape (linearOnBacktracking: ASCII literals and classes, at most one unbounded repetition and
// only after a leading ^, no groups or alternation) is tested on JavaScript's engine, where it provably runs in
// linear time and answers as RE2 does; such a pattern loads RE2 only if it is used to replace, split or find.

import type { RE2JS } from 're2js';
import { CxpactError } from './errors';

export type RegexDialect = 'java' | 'ecmascript';

/** A compiled pattern with the operations the engines need. */
export interface SafeRegex {
  readonly source: string;
  /**
   * `re2` (linear time), `native-linear` (a pattern JavaScript's engine runs in linear time with RE2's answers:
   * test and matchesWhole run there, the rest on RE2) or `native` (backtracking fallback for backreferences and
   * lookaround).
   */
  readonly engine: 're2' | 'native-linear' | 'native';
  /** The pattern occurs somewhere in `s`. */
  test(s: string): boolean;
  /** The pattern matches all of `s` (Java's String.matches). */
  matchesWhole(s: string): boolean;
  /** Java's replaceAll / replaceFirst (`$1` groups, `\` escapes in the replacement). */
  replaceJava(s: string, replacement: string, all: boolean): string;
  /** Java's String.split(regex, limit). */
  splitJava(s: string, limit: number): string[];
  /** One match at or after `from`: RegExp.exec's shape (index, groups). */
  execFrom(s: string, from: number): { index: number; match: string; groups: (string | undefined)[] } | null;
}

/** A pattern refused because only a backtracking engine could run it and its shape can backtrack catastrophically. */
export class UnsafeRegexError extends CxpactError {
  constructor(pattern: string, reason: string) {
    super(
      'limit.regex',
      `the regular expression /${pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern}/ needs a backtracking engine (it uses a backreference or lookaround) and ${reason}, so it could run for hours on a short input`,
      {
        fix: 'Rewrite the pattern without nested or overlapping quantifiers (e.g. (a+)+ -> a+), or without backreferences and lookaround',
      },
    );
    this.name = 'UnsafeRegexError';
  }
}

/** A pattern that does not compile in any engine: message as the engine words it. */
export class RegexSyntaxError extends Error {}

const cache = new Map<string, SafeRegex>();

let re2js: typeof RE2JS | undefined;

/** The RE2 engine, loaded with the first regex (a definition without one never pays for it). */
function re2(): typeof RE2JS {
  re2js ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return re2js;
}

function re2Flags(flags: string): number {
  const RE2 = re2();
  let f = 0;
  if (flags.includes('i')) f |= RE2.CASE_INSENSITIVE;
  if (flags.includes('s')) f |= RE2.DOTALL;
  if (flags.includes('m')) f |= RE2.MULTILINE;
  return f;
}

/**
 * What a target dialect writes for a Java escape: given the pattern and the index of its backslash, the text and the
 * index of the escape's last character, plus a flag the translation needs; undefined copies the escape as it is.
 */
export type JavaEscapeRule = (src: string, i: number) => { out: string; last: number; flag?: string } | undefined;

/**
 * The walk over a java.util.regex pattern that every translation shares: leading inline flags `(?i)`, `\Q...\E`
 * quoting (characters matching `quote` escaped), atomic groups as plain groups, possessive quantifiers as greedy
 * ones, character classes copied verbatim; escapes are the dialect's (`rule`).
 */
export function translateJavaRegex(
  pattern: string,
  extraFlags: string,
  quote: RegExp,
  rule: JavaEscapeRule,
): { source: string; flags: string } {
  let src = pattern;
  let flags = extraFlags;
  const inline = /^\(\?([imsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1] as string) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  let out = '';
  let prevQuantifier = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const n = src[i + 1];
      prevQuantifier = false;
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end === -1 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(quote, '\\$&');
        i = end === -1 ? src.length : end + 1;
        continue;
      }
      const written = rule(src, i);
      if (written !== undefined) {
        out += written.out;
        i = written.last;
        if (written.flag !== undefined && !flags.includes(written.flag)) flags += written.flag;
        continue;
      }
      out += c + (n ?? '');
      i++;
      continue;
    }
    if (c === '(' && src.startsWith('(?>', i)) {
      out += '(?:';
      i += 2;
      continue;
    }
    // Possessive quantifiers (x*+, x++, x?+, x{n}+): approximated by the greedy form.
    if (c === '+' && prevQuantifier) {
      prevQuantifier = false;
      continue;
    }
    if (c === '[') {
      // Copy a character class verbatim.
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
      prevQuantifier = false;
      continue;
    }
    const isQuant: boolean =
      (c === '*' || c === '+' || c === '?' || c === '}') && !prevQuantifier && !(c === '?' && src[i - 1] === '(');
    out += c;
    prevQuantifier = isQuant;
  }
  return { source: out, flags };
}

/** Java's POSIX classes (`\p{Lower}`, ...): RE2's name for each, and the same class as a JavaScript class body. */
const JAVA_POSIX: Record<string, { re2: string; js: string }> = {
  Lower: { re2: 'lower', js: 'a-z' },
  Upper: { re2: 'upper', js: 'A-Z' },
  ASCII: { re2: 'ascii', js: '\\x00-\\x7F' },
  Alpha: { re2: 'alpha', js: 'a-zA-Z' },
  Digit: { re2: 'digit', js: '0-9' },
  Alnum: { re2: 'alnum', js: 'a-zA-Z0-9' },
  Punct: { re2: 'punct', js: '!-\\/:-@\\[-`{-~' },
  Graph: { re2: 'graph', js: '!-~' },
  Print: { re2: 'print', js: ' -~' },
  Blank: { re2: 'blank', js: ' \\t' },
  Cntrl: { re2: 'cntrl', js: '\\x00-\\x1F\\x7F' },
  XDigit: { re2: 'xdigit', js: '0-9a-fA-F' },
  Space: { re2: 'space', js: ' \\t\\n\\x0B\\f\\r' },
};

/**
 * The POSIX class that `\p{Name}` / `\P{Name}` at `src[i]` (the backslash) names, and the index of its `}`; undefined
 * for any other name. The table's own keys only: `\p{toString}` names no class.
 */
export function javaPosixClass(src: string, i: number): { re2: string; js: string; last: number } | undefined {
  const name = /^\{(\w+)\}/.exec(src.slice(i + 2))?.[1];
  if (name === undefined || !Object.hasOwn(JAVA_POSIX, name)) return undefined;
  return { ...(JAVA_POSIX[name] as { re2: string; js: string }), last: i + 2 + name.length + 1 };
}

/** Java's escapes RE2 spells differently: `\Z`, `\h` and the POSIX classes `\p{Lower}`... */
const re2Escape: JavaEscapeRule = (src, i) => {
  const n = src[i + 1];
  if (n === 'Z') return { out: '(?:\\n?\\z)', last: i + 1 };
  if (n === 'h')
    return { out: '[ \\t\\x{A0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}]', last: i + 1 };
  if (n === 'p' || n === 'P') {
    const posix = javaPosixClass(src, i);
    if (posix !== undefined) return { out: n === 'p' ? `[[:${posix.re2}:]]` : `[^[:${posix.re2}:]]`, last: posix.last };
  }
  return undefined;
};

/** Java's leading inline flags `(?i)`, possessive quantifiers and atomic groups, in forms RE2 reads. */
function javaToRe2(pattern: string): { source: string; flags: string } {
  return translateJavaRegex(pattern, '', /[.*+?^${}()|[\]\\/-]/g, re2Escape);
}

function re2Regex(re: RE2JS, source: string): SafeRegex {
  return {
    source,
    engine: 're2',
    test: (s) => re.test(s),
    matchesWhole: (s) => re.testExact(s),
    replaceJava: (s, replacement, all) => {
      const m = re.matcher(s);
      try {
        return all ? m.replaceAll(replacement, true) : m.replaceFirst(replacement, true);
      } catch (e) {
        throw new RegexSyntaxError(`IllegalArgumentException: ${(e as Error).message}`);
      }
    },
    splitJava: (s, limit) => (s === '' ? [''] : re.split(s, limit)),
    execFrom: (s, from) => {
      const m = re.matcher(s);
      if (!m.find(from)) return null;
      const groups: (string | undefined)[] = [];
      for (let g = 1; g <= m.groupCount(); g++) groups.push(m.group(g) ?? undefined);
      return { index: m.start(), match: m.group() ?? '', groups };
    },
  };
}

function nativeRegex(re: RegExp, source: string): SafeRegex {
  const whole = new RegExp(`^(?:${re.source})$`, re.flags.replace('g', ''));
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const first = new RegExp(re.source, re.flags.replace('g', ''));
  return {
    source,
    engine: 'native',
    test: (s) => first.test(s),
    matchesWhole: (s) => whole.test(s),
    replaceJava: (s, replacement, all) => {
      try {
        return s.replace(all ? global : first, nativeJavaReplacement(replacement));
      } catch (e) {
        throw new RegexSyntaxError(`IllegalArgumentException: ${(e as Error).message}`);
      }
    },
    splitJava: (s, limit) => nativeSplit(s, global, limit),
    execFrom: (s, from) => {
      global.lastIndex = from;
      const m = global.exec(s);
      if (m === null) return null;
      return { index: m.index, match: m[0], groups: m.slice(1) };
    },
  };
}

/** A pattern linearOnBacktracking accepts: tests on JavaScript's engine, replaces, splits and finds on RE2. */
function linearNativeRegex(source: string, pattern: string, viaRe2: () => SafeRegex): SafeRegex {
  const first = new RegExp(source);
  const whole = new RegExp(`^(?:${source})$`);
  let full: SafeRegex | undefined;
  const re2Version = (): SafeRegex => (full ??= viaRe2());
  return {
    source: pattern,
    engine: 'native-linear',
    test: (s) => first.test(s),
    matchesWhole: (s) => whole.test(s),
    replaceJava: (s, replacement, all) => re2Version().replaceJava(s, replacement, all),
    splitJava: (s, limit) => re2Version().splitJava(s, limit),
    execFrom: (s, from) => re2Version().execFrom(s, from),
  };
}

/** Java's String.split over a global RegExp (the fallback engine). */
function nativeSplit(s: string, re: RegExp, limit: number): string[] {
  if (s === '') return [''];
  const parts: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0].length === 0) {
      if (m.index >= s.length) break;
      if (m.index === 0) {
        re.lastIndex++;
        continue;
      }
    }
    if (limit > 0 && parts.length === limit - 1) break;
    parts.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  if (last === 0 && parts.length === 0) return [s];
  parts.push(s.slice(last));
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function nativeJavaReplacement(replacement: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(
      0,
      rest.findIndex((x) => typeof x === 'number'),
    );
    let out = '';
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement[i] as string;
      if (c === '\\' && i + 1 < replacement.length) out += replacement[++i];
      else if (c === '$') {
        const m = /^(\d+)/.exec(replacement.slice(i + 1));
        if (!m) throw new Error(`Illegal group reference in replacement '${replacement}'`);
        const g = Number(m[1]);
        if (g > groups.length) throw new Error(`No group ${g}`);
        out += g === 0 ? match : ((groups[g - 1] as string | undefined) ?? '');
        i += (m[1] as string).length;
      } else out += c;
    }
    return out;
  };
}

/**
 * Compiles a pattern from a definition. `flags`: i, m, s (ECMAScript letters). Throws RegexSyntaxError for a
 * pattern no engine reads, UnsafeRegexError for one only a backtracking engine reads and that can backtrack
 * catastrophically. `re2Only` (tests) compiles with RE2 even a pattern linearOnBacktracking accepts. Cached.
 * @example compileSafeRegex('(a+)+$', { dialect: 'java' }).matchesWhole('aaa')
 */
export function compileSafeRegex(
  pattern: string,
  options: {
    dialect: RegexDialect;
    flags?: string;
    nativeFallback?: (source: string, flags: string) => RegExp;
    re2Only?: boolean;
  },
): SafeRegex {
  const key = `${options.dialect}\u0000${options.flags ?? ''}\u0000${options.re2Only === true ? 're2\u0000' : ''}${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let source = pattern;
  let flags = options.flags ?? '';
  if (options.dialect === 'java') {
    const t = javaToRe2(pattern);
    source = t.source;
    for (const f of t.flags) if (!flags.includes(f)) flags += f;
  }
  let compiled: SafeRegex;
  const viaRe2 = (): SafeRegex =>
    re2Regex(
      re2().compile(options.dialect === 'ecmascript' ? re2().translateRegExp(source) : source, re2Flags(flags)),
      pattern,
    );
  try {
    // Java's translation leaves a pattern of that shape as it is: JavaScript reads the same text.
    compiled =
      flags === '' && options.re2Only !== true && linearOnBacktracking(source)
        ? linearNativeRegex(source, pattern, viaRe2)
        : viaRe2();
  } catch (re2Error) {
    // RE2 refuses backreferences and lookaround (and some syntax): the backtracking engine, unless it can explode.
    let native: RegExp;
    try {
      native =
        options.nativeFallback !== undefined
          ? options.nativeFallback(pattern, flags)
          : new RegExp(source, flags.replace(/[^imsu]/g, ''));
    } catch (e) {
      throw new RegexSyntaxError((e as Error).message);
    }
    const reason = catastrophicBacktracking(pattern);
    if (reason !== undefined) throw new UnsafeRegexError(pattern, reason);
    void re2Error;
    compiled = nativeRegex(native, pattern);
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns JavaScript's backtracking engine answers in linear time, and as RE2 does.
//
// The shape: an optional leading ^, then atoms each with an optional greedy quantifier (?, *, +, {n}, {n,}, {n,m}),
// then an optional final $. An atom is a printable ASCII literal, an escaped ASCII punctuation character, \d, \w or
// a bracket class (not negated) of such literals, ranges between them and \d / \w. No groups, alternation, dot,
// negated classes, \s / \S / \D / \W, \b, backreferences, lookaround, lazy or possessive quantifiers, flags.
//
// Same answers: every atom matches exactly one ASCII character in both engines (\d is [0-9] and \w [0-9A-Za-z_] in
// both; ASCII characters are single code units, so RE2's code points and JavaScript's code units agree on them), ^
// and $ mean the start and the very end of the text in both, and there is no alternation or capture whose
// preference could differ. So `test` and `matchesWhole` agree; replace, split and find (where empty matches step by
// code point in RE2 and by code unit in JavaScript) stay on RE2.
//
// Linear time: with no groups the backtracking search from one start position is a tree whose levels are the
// quantified atoms, and a node at a level tries each repetition count of its atom. With bounded quantifiers only,
// one attempt visits at most C = (product of the counts each can take) x (sum of the widest repetitions) steps, a
// constant of the pattern, so the whole search is at most (n + 1) x C steps on a text of n characters. One unbounded
// quantifier multiplies that by n for one attempt, which only a leading ^ keeps to one attempt (every other start
// fails at once). Two unbounded quantifiers (a*a*b: n^2), or one without ^ ([0-9]+x: n attempts of n), are refused:
// RE2 runs those. C is capped, so a pattern such as a{0,100}a{0,100}a{0,100} goes to RE2 as well.

/** The cap on C above (steps per start position). */
const LINEAR_STEPS_PER_POSITION = 4096;

/** Escaped punctuation that means the character itself in RE2, Java and JavaScript (inside or outside a class). */
const ESCAPED_LITERAL = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/', '-']);

/** A printable ASCII character that is a literal outside a class. */
function plainLiteral(c: string | undefined): boolean {
  return c !== undefined && c >= ' ' && c <= '~' && !'\\^$.|?*+()[]{}'.includes(c);
}

/** The index of the `]` closing the class that opens at `start`, or -1 when the class is not of the accepted shape. */
function linearClassEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^' || pattern[j] === ']') return -1; // negated, or [] / []...] (read differently by the engines)
  const first = j;
  /** One class character (a literal or an escaped punctuation character): its code and length, or undefined. */
  const char = (at: number): { code: number; len: number } | undefined => {
    const c = pattern[at];
    if (c === '\\') {
      const e = pattern[at + 1];
      return e !== undefined && ESCAPED_LITERAL.has(e) ? { code: e.charCodeAt(0), len: 2 } : undefined;
    }
    if (c === undefined || c < ' ' || c > '~' || c === ']' || c === '[') return undefined;
    return { code: c.charCodeAt(0), len: 1 };
  };
  while (j < pattern.length && pattern[j] !== ']') {
    if (pattern[j] === '\\' && (pattern[j + 1] === 'd' || pattern[j + 1] === 'w')) {
      if (pattern[j + 2] === '-' && pattern[j + 3] !== ']') return -1; // [\d-z]: a range from a class
      j += 2;
      continue;
    }
    // A hyphen is a literal only first or last; elsewhere it is the middle of a range.
    if (pattern[j] === '-' && j !== first && pattern[j + 1] !== ']') return -1;
    const lo = char(j);
    if (lo === undefined) return -1;
    j += lo.len;
    if (pattern[j] === '-' && pattern[j + 1] !== ']' && j + 1 < pattern.length) {
      if (pattern[j + 1] === '\\' && (pattern[j + 2] === 'd' || pattern[j + 2] === 'w')) return -1;
      const hi = char(j + 1);
      if (hi === undefined || hi.code < lo.code) return -1;
      j += 1 + hi.len;
    }
  }
  return j < pattern.length ? j : -1;
}

/**
 * True when `pattern` has the shape described above: JavaScript's engine tests it in time linear in the text and
 * with RE2's answers. Conservative: false means only that RE2 runs it.
 */
export function linearOnBacktracking(pattern: string): boolean {
  if (pattern.length > 256) return false;
  let i = pattern[0] === '^' ? 1 : 0;
  const anchored = i === 1;
  let unbounded = 0;
  let counts = 1;
  let widest = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '$' && i === pattern.length - 1) break;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined || !(e === 'd' || e === 'w' || ESCAPED_LITERAL.has(e))) return false;
      i += 2;
    } else if (c === '[') {
      const end = linearClassEnd(pattern, i);
      if (end === -1) return false;
      i = end + 1;
    } else if (plainLiteral(c)) i++;
    else return false;
    let lo = 1;
    let hi = 1;
    const q = pattern[i];
    if (q === '?' || q === '*' || q === '+') {
      lo = q === '+' ? 1 : 0;
      hi = q === '?' ? 1 : Infinity;
      i++;
    } else if (q === '{') {
      const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(pattern.slice(i));
      if (m === null) return false;
      lo = Number(m[1]);
      hi = m[2] === undefined ? lo : m[3] === '' ? Infinity : Number(m[3]);
      // RE2 refuses counts over 1000 (the fallback path decides those).
      if (lo > 1000 || (hi !== Infinity && (hi > 1000 || hi < lo))) return false;
      i += m[0].length;
    }
    const next = pattern[i];
    if (next === '?' || next === '*' || next === '+' || next === '{') return false; // lazy, possessive or doubled
    if (hi === Infinity) {
      unbounded++;
      widest += lo + 1;
    } else {
      counts *= hi - lo + 1;
      widest += hi;
    }
    if (counts > LINEAR_STEPS_PER_POSITION) return false;
  }
  if (unbounded > (anchored ? 1 : 0)) return false;
  return counts * Math.max(widest, 1) <= LINEAR_STEPS_PER_POSITION;
}

// ---------------------------------------------------------------------------------------------------------------
// Static check: shapes that make a backtracking engine (Java's, which Genesys runs; JavaScript's) take exponential
// time. Used by lint (a definition that hangs on Genesys is a bug even though cxpact evaluates it safely) and to
// refuse native fallbacks. A heuristic on the pattern's structure: nested unbounded quantifiers ((a+)+, (a*b?)*) and
// quantified alternations whose branches can start with the same character ((a|ab)*, (\w|\d)+).

interface GroupInfo {
  /** The group holds an unbounded quantifier (directly or in a nested group). */
  inner: boolean;
  /** First atoms of each alternative. */
  firsts: string[];
  atStart: boolean;
  start: number;
}

/** A description of why `pattern` can backtrack catastrophically, or undefined when its shape looks safe. */
export function catastrophicBacktracking(pattern: string): string | undefined {
  const stack: GroupInfo[] = [{ inner: false, firsts: [], atStart: true, start: 0 }];
  let lastAtom: { kind: 'group'; info: GroupInfo } | { kind: 'atom'; text: string } | undefined;
  const unboundedAt = (i: number): { len: number } | undefined => {
    const c = pattern[i];
    if (c === '*' || c === '+') return { len: 1 };
    if (c === '{') {
      const m = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m === null) return undefined;
      if (m[2] !== undefined && (m[3] === '' || m[3] === undefined)) return { len: m[0].length };
      // {n,m} with a large m behaves like an unbounded repetition for backtracking.
      if (m[3] !== undefined && Number(m[3]) >= 16) return { len: m[0].length };
      if (m[2] === undefined && Number(m[1]) >= 16) return { len: m[0].length };
      return { len: -m[0].length };
    }
    return undefined;
  };
  const atom = (text: string): void => {
    const top = stack[stack.length - 1] as GroupInfo;
    if (top.atStart) {
      top.firsts.push(text);
      top.atStart = false;
    }
    lastAtom = { kind: 'atom', text };
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (n === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const lit = end === -1 ? pattern.slice(i + 2) : pattern.slice(i + 2, end);
        if (lit.length > 0) atom(lit[0] as string);
        i = end === -1 ? pattern.length : end + 1;
        continue;
      }
      atom(`\\${n}`);
      i++;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      atom(pattern.slice(i, j + 1));
      i = j;
      continue;
    }
    if (c === '(') {
      let skip = 0;
      if (pattern[i + 1] === '?') {
        const m = /^\(\?(?:[:=!>]|<[=!]|<[A-Za-z]\w*>|[imsux-]+[:)])/.exec(pattern.slice(i));
        skip = m === null ? 1 : m[0].length - 1;
        if (m?.[0].endsWith(')')) {
          i += skip;
          continue;
        }
      }
      const top = stack[stack.length - 1] as GroupInfo;
      const info: GroupInfo = { inner: false, firsts: [], atStart: true, start: i };
      if (top.atStart) {
        top.firsts.push(`(group@${i})`);
        top.atStart = false;
      }
      stack.push(info);
      i += skip;
      lastAtom = undefined;
      continue;
    }
    if (c === '|') {
      (stack[stack.length - 1] as GroupInfo).atStart = true;
      lastAtom = undefined;
      continue;
    }
    if (c === ')') {
      const info = stack.pop();
      if (info === undefined || stack.length === 0) {
        stack.push({ inner: false, firsts: [], atStart: false, start: 0 });
        continue;
      }
      lastAtom = { kind: 'group', info };
      continue;
    }
    const q = unboundedAt(i);
    if (q !== undefined || c === '?' || c === '*' || c === '+') {
      const unbounded = q !== undefined && q.len > 0;
      if (lastAtom?.kind === 'group' && unbounded) {
        const g = lastAtom.info;
        const body = pattern.slice(g.start, i);
        if (g.inner)
          return `the quantified group ${body.length > 60 ? `${body.slice(0, 60)}…` : body} repeats a part that is itself repeated (a nested quantifier)`;
        const firsts = g.firsts.filter((f) => !f.startsWith('(group@'));
        if (g.firsts.length > 1 && overlapping(firsts))
          return `the quantified alternation ${body.length > 60 ? `${body.slice(0, 60)}…` : body} has branches that can match the same text (overlapping alternatives)`;
      }
      if (unbounded) for (const s of stack) s.inner = true;
      if (lastAtom?.kind === 'group' && lastAtom.info.inner) for (const s of stack) s.inner = true;
      if (q !== undefined) i += Math.abs(q.len) - 1;
      if (pattern[i + 1] === '?' || pattern[i + 1] === '+') i++;
      lastAtom = undefined;
      continue;
    }
    atom(c);
  }
  return undefined;
}

const BROAD = new Set(['.', '\\w', '\\W', '\\S', '\\D', '\\s', '\\d']);

/** Two alternatives can start with the same character. */
function overlapping(firsts: string[]): boolean {
  for (let a = 0; a < firsts.length; a++) {
    for (let b = a + 1; b < firsts.length; b++) {
      const x = firsts[a] as string;
      const y = firsts[b] as string;
      if (x === y) return true;
      if (BROAD.has(x) || BROAD.has(y)) {
        if (x === '.' || y === '.') return true;
        const other = BROAD.has(x) ? y : x;
        const broad = BROAD.has(x) ? x : y;
        if (broad === '\\w' && /^[A-Za-z0-9_]$|^\\d$/.test(other)) return true;
        if (broad === '\\d' && /^[0-9]$/.test(other)) return true;
        if (broad === '\\S' && !/^\\s$|^\s$/.test(other)) return true;
        if (broad === '\\D' && !/^[0-9]$|^\\d$/.test(other)) return true;
        if (broad === '\\W' && /^[^A-Za-z0-9_]$/.test(other)) return true;
        if (broad === '\\s' && /^\s$/.test(other)) return true;
      }
      if (x.startsWith('[^') || y.startsWith('[^')) return true;
    }
  }
  return false;
}
