import { catastrophicBacktracking, compileSafeRegex, RegexSyntaxError, UnsafeRegexError } from './safe-regex';

const EVIL = `${'a'.repeat(40)}b`;

describe('safe regex: linear-time matching of patterns from definitions', () => {
  it.each(['(a+)+$', '(a|aa)+$', '(a*)*b$', '(\\w+\\s?)+$', '([a-z]+)*$'])('answers %s on a 41-character value (a backtracking engine needs hours)', (pattern) => {
    const re = compileSafeRegex(pattern, { dialect: 'java' });
    expect(re.engine).toBe('re2');
    // Only the patterns that end in a's cannot match a value ending in "b".
    const matches = !['(a+)+$', '(a|aa)+$'].includes(pattern);
    expect(re.matchesWhole(EVIL)).toBe(matches);
    expect(compileSafeRegex(pattern, { dialect: 'ecmascript' }).test(EVIL)).toBe(matches);
  });

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
    expect(() => compileSafeRegex('((a+)+)\\1', { dialect: 'java', nativeFallback: (p) => new RegExp(p) })).toThrow(UnsafeRegexError);
    expect(() => compileSafeRegex('(?=a)(a|aa)+$', { dialect: 'ecmascript' })).toThrow(expect.objectContaining({ code: 'limit.regex' }));
    expect(() => compileSafeRegex('(unclosed', { dialect: 'java' })).toThrow(RegexSyntaxError);
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

  it.each(['a+b+', '(ab)+', '[a-z]+@[a-z]+', '(a|b)+', '^\\+[1-9][0-9]{6,14}$', '(?i)^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$', '(\\d{3})-(\\d{4})', '\\(a+\\)+'])('does not flag %s', (pattern) => {
    expect(catastrophicBacktracking(pattern)).toBeUndefined();
  });
});
