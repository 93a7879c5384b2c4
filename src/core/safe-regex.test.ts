import {
  catastrophicBacktracking,
  compileSafeRegex,
  linearOnBacktracking,
  RegexSyntaxError,
  UnsafeRegexError,
} from './safe-regex';
import { javaRegex } from './velocity/values';

const EVIL = `${'a'.repeat(40)}b`;

describe('safe regex: linear-time matching of patterns from definitions', () => {
  it.each(['(a+)+$', '(a|aa)+$', '(a*)*b$', '(\\w+\\s?)+$', '([a-z]+)*$'])(
    'answers %s on a 41-character value (a backtracking engine needs hours)',
    (pattern) => {
      const re = compileSafeRegex(pattern, { dialect: 'java' });
      expect(re.engine).toBe('re2');
      // Only the patterns that end in a's cannot match a value ending in "b".
      const matches = !['(a+)+$', '(a|aa)+$'].includes(pattern);
      expect(re.matchesWhole(EVIL)).toBe(matches);
      expect(compileSafeRegex(pattern, { dialect: 'ecmascript' }).test(EVIL)).toBe(matches);
    },
  );

  it('keeps Java semantics for matches, replaceAll, replaceFirst and split', () => {
    const digits = compileSafeRegex('(\\d+)-(\\d+)', { dialect: 'java' });
    expect(digits.matchesWhole('12-34')).toBe(true);
    expect(digits.matchesWhole('x12-34')).toBe(false);
    expect(digits.replaceJava('a 12-34 b 5-6', '$2/$1', true)).toBe('a 34/12 b 6/5');
    expect(digits.replaceJava('a 12-34 b 5-6', '[$0]', false)).toBe('a [12-34] b 5-6');
    expect(compileSafeRegex(',', { dialect: 'java' }).splitJava('a,b,,', 0)).toEqual(['a', 'b']);
    expect(compileSafeRegex(',', { dialect: 'java' }).splitJava('a,b,,', -1)).toEqual(['a', 'b', '', '']);
    expect(compileSafeRegex(',', { dialect: 'java' }).splitJava('a,b,c', 2)).toEqual(['a', 'b,c']);
    expect(compileSafeRegex('(?i)abc', { dialect: 'java' }).matchesWhole('ABC')).toBe(true);
    expect(compileSafeRegex('\\p{Upper}+', { dialect: 'java' }).matchesWhole('ABC')).toBe(true);
    expect(compileSafeRegex('\\Qa.b\\E', { dialect: 'java' }).matchesWhole('a.b')).toBe(true);
    expect(compileSafeRegex('\\Qa.b\\E', { dialect: 'java' }).matchesWhole('axb')).toBe(false);
    expect(compileSafeRegex('a++b', { dialect: 'java' }).matchesWhole('aab')).toBe(true);
  });

  it('falls back to the backtracking engine only for backreferences and lookaround whose shape is safe', () => {
    const backref = compileSafeRegex('(a)\\1', { dialect: 'java', nativeFallback: (p) => new RegExp(p) });
    expect(backref.engine).toBe('native');
    expect(backref.matchesWhole('aa')).toBe(true);
    expect(() => compileSafeRegex('((a+)+)\\1', { dialect: 'java', nativeFallback: (p) => new RegExp(p) })).toThrow(
      UnsafeRegexError,
    );
    expect(() => compileSafeRegex('(?=a)(a|aa)+$', { dialect: 'ecmascript' })).toThrow(
      expect.objectContaining({ code: 'limit.regex' }),
    );
    expect(() => compileSafeRegex('(unclosed', { dialect: 'java' })).toThrow(RegexSyntaxError);
  });

  it('the fallback reads POSIX class names from its own table only: \\p{toString} is refused, not compiled', () => {
    // Lookahead sends both patterns to the backtracking engine (RE2 refuses lookaround).
    const lower = compileSafeRegex('(?=a)\\p{Lower}+', { dialect: 'java', nativeFallback: javaRegex });
    expect(lower.engine).toBe('native');
    expect(lower.matchesWhole('abc')).toBe(true);
    expect(lower.matchesWhole('aBc')).toBe(false);
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__'])
      expect(() => compileSafeRegex(`(?=a)\\p{${name}}`, { dialect: 'java', nativeFallback: javaRegex })).toThrow(
        RegexSyntaxError,
      );
  });

  it('exec-like matching from an offset (JSONata drives its regexes this way)', () => {
    const re = compileSafeRegex('b(\\d)', { dialect: 'ecmascript' });
    expect(re.execFrom('ab1cb2', 0)).toEqual({ index: 1, match: 'b1', groups: ['1'] });
    expect(re.execFrom('ab1cb2', 3)).toEqual({ index: 4, match: 'b2', groups: ['2'] });
    expect(re.execFrom('ab1cb2', 6)).toBeNull();
  });
});

describe('safe regex: the static check lint uses', () => {
  it.each([
    ['(a+)+$', /nested quantifier/],
    ['(a*)*', /nested quantifier/],
    ['(\\w+\\s?)+$', /nested quantifier/],
    ['^(\\d+)*$', /nested quantifier/],
    ['(a|aa)+$', /overlapping/],
    ['(\\w|\\d)+x', /overlapping/],
    ['(.|a)*', /overlapping/],
    ['(?:x+y?){2,}', /nested quantifier/],
  ])('flags %s', (pattern, why) => {
    expect(catastrophicBacktracking(pattern)).toMatch(why);
  });

  it.each([
    'a+b+',
    '(ab)+',
    '[a-z]+@[a-z]+',
    '(a|b)+',
    '^\\+[1-9][0-9]{6,14}$',
    '(?i)^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
    '(\\d{3})-(\\d{4})',
    '\\(a+\\)+',
  ])('does not flag %s', (pattern) => {
    expect(catastrophicBacktracking(pattern)).toBeUndefined();
  });
});

describe("safe regex: patterns tested on the JavaScript engine (linear there, and RE2's answers)", () => {
  it.each([
    '^\\+[1-9][0-9]{6,14}$',
    '^[A-Z]{3}$',
    '^[a-zA-Z0-9._-]+$',
    '\\d{4}-\\d{2}-\\d{2}',
    '^[\\w.+-]+@example\\.com$',
    'abc',
    '',
    '^$',
    '^[0-9]*$',
    'x{0,10}y?z{2}',
  ])('%s runs on the JavaScript engine', (pattern) => {
    expect(linearOnBacktracking(pattern)).toBe(true);
    expect(compileSafeRegex(pattern, { dialect: 'ecmascript' }).engine).toBe('native-linear');
    expect(compileSafeRegex(pattern, { dialect: 'java' }).engine).toBe('native-linear');
  });

  // Shapes that backtrack polynomially or worse without a group, and everything outside the shape, stay on RE2.
  it.each([
    ['a*a*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['^a*a*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['\\d+\\d+\\d+$', '1111111111111111111111111111111111111111x'],
    ['[a-z]+x', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a{0,100}a{0,100}a{0,100}b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['^a{1,1000}a{1,1000}$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'],
    ['a*?b', 'aaab'],
    ['a++b', 'aab'],
    ['(a+)+$', 'aaab'],
    ['a|b', 'b'],
    ['^.{3}$', 'a\u{1F600}'],
    ['^[^a]$', '\u{1F600}'],
    ['^\\s$', '\u00a0'],
    ['^\\D$', '\u{1F600}'],
    ['\\bword\\b', 'a word'],
    ['^[\\d-z]$', '-'],
    ['^[]a]$', 'a'],
    ['^caf\u00e9$', 'caf\u00e9'],
    ['a{1001}', 'a'],
  ])('%s stays on RE2 (or its own fallback)', (pattern, text) => {
    expect(linearOnBacktracking(pattern)).toBe(false);
    const re = compileSafeRegex(pattern, { dialect: 'java' });
    expect(re.engine).not.toBe('native-linear');
    expect(re.test(text)).toBe(compileSafeRegex(pattern, { dialect: 'java', re2Only: true }).test(text));
  });

  it('flags keep a pattern on RE2 (case folding and line ends differ between the engines)', () => {
    expect(compileSafeRegex('^k$', { dialect: 'ecmascript', flags: 'i' }).engine).toBe('re2');
    expect(compileSafeRegex('(?i)^k$', { dialect: 'java' }).engine).toBe('re2');
    expect(compileSafeRegex('^a$', { dialect: 'ecmascript', flags: 'm' }).engine).toBe('re2');
  });

  it('answers test and matchesWhole as RE2 does, on generated patterns and texts (astral characters, lone surrogates, line ends)', () => {
    // A small deterministic generator (no timing, no randomness between runs).
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      // xorshift32
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = <T>(xs: T[]): T => xs[rnd(xs.length)] as T;
    const atoms = [
      'a',
      'b',
      '0',
      '-',
      '+',
      ' ',
      '\\.',
      '\\d',
      '\\w',
      '\\-',
      '\\/',
      '/',
      '[ab]',
      '[a-c0-2]',
      '[-a]',
      '[a-]',
      '[\\d.]',
      '[\\w-]',
      '[.*+?]',
      '[a^]',
      '[\\]\\[]',
    ];
    const quantifiers = ['', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}', '{2,}'];
    const alphabet = [
      'a',
      'b',
      'c',
      '0',
      '1',
      '-',
      '+',
      '.',
      ' ',
      '/',
      '_',
      '^',
      ']',
      '\n',
      '\r',
      '\u00e9',
      '\u{1F600}',
      '\ud800',
      'A',
      'Z',
    ];
    let accepted = 0;
    let matched = 0;
    for (let p = 0; p < 400; p++) {
      let pattern = rnd(2) === 0 ? '^' : '';
      const n = 1 + rnd(4);
      for (let k = 0; k < n; k++) pattern += pick(atoms) + pick(quantifiers);
      if (rnd(2) === 0) pattern += '$';
      if (!linearOnBacktracking(pattern)) continue;
      accepted++;
      const fast = compileSafeRegex(pattern, { dialect: 'ecmascript' });
      const java = compileSafeRegex(pattern, { dialect: 'java' });
      const ref = compileSafeRegex(pattern, { dialect: 'ecmascript', re2Only: true });
      const javaRef = compileSafeRegex(pattern, { dialect: 'java', re2Only: true });
      expect(fast.engine).toBe('native-linear');
      for (let t = 0; t < 30; t++) {
        let text = '';
        const len = rnd(8);
        for (let k = 0; k < len; k++) text += pick(alphabet);
        const expected = ref.test(text);
        if (expected) matched++;
        expect({ pattern, text, test: fast.test(text), whole: fast.matchesWhole(text) }).toEqual({
          pattern,
          text,
          test: expected,
          whole: ref.matchesWhole(text),
        });
        expect({ pattern, text, test: java.test(text), whole: java.matchesWhole(text) }).toEqual({
          pattern,
          text,
          test: javaRef.test(text),
          whole: javaRef.matchesWhole(text),
        });
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(matched).toBeGreaterThan(200);
  });

  it('replaces, splits and finds on RE2 (empty matches step by code point there)', () => {
    const re = compileSafeRegex('a?', { dialect: 'java' });
    expect(re.engine).toBe('native-linear');
    const ref = compileSafeRegex('a?', { dialect: 'java', re2Only: true });
    for (const text of ['\u{1F600}b', 'aab', '']) {
      expect(re.replaceJava(text, '-', true)).toBe(ref.replaceJava(text, '-', true));
      expect(re.splitJava(text, 0)).toEqual(ref.splitJava(text, 0));
      expect(re.execFrom(text, Math.min(1, text.length))).toEqual(ref.execFrom(text, Math.min(1, text.length)));
    }
    expect(compileSafeRegex(',', { dialect: 'java' }).splitJava('a,b,,', 0)).toEqual(['a', 'b']);
  });
});
