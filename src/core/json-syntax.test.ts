import { findJsonSyntaxError } from './json-syntax';

// Each case: the broken text, where the first bad character is, and the words the author reads.
const broken: Array<[string, string, number, RegExp]> = [
  ['unquoted value', '{\n  "name": broken\n}', 12, /a value .* found 'b'/],
  [
    'missing comma between properties',
    '{"a": 1\n "b": 2}',
    9,
    /',' or '}' after a property value, found '"' \(a missing comma\?\)/,
  ],
  ['trailing comma', '{"a": 1,}', 8, /a property name in double quotes, found '}'/],
  ['single-quoted name', "{'a': 1}", 1, /a property name in double quotes/],
  ['missing colon', '{"a" 1}', 5, /':' after the property name/],
  ['missing comma in an array', '[1 2]', 3, /',' or ']' after an array element/],
  ['stray brace after the value', '{"a": 1}}', 8, /the end of the file after the top-level value, found '}'/],
  ['raw line break in a string', '{"a": "x\ny"}', 8, /control character/],
  ['bad escape', '{"a": "\\q"}', 7, /a valid escape/],
  ['unterminated string', '{"a": "x', 8, /closing quote/],
  ['truncated file', '{"a": [1, 2', 11, /',' or ']' after an array element, found the end of the file/],
  ['leading zero', '{"a": 01}', 7, /',' or '}'/],
];

describe('findJsonSyntaxError', () => {
  it.each(broken)('%s: points at the first bad character and says what was expected', (_name, text, offset, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const problem = findJsonSyntaxError(text);
    expect(problem).toBeDefined();
    expect(problem!.offset).toBe(offset);
    expect(problem!.reason).toMatch(reason);
  });

  it.each([
    ['an object', '{"a": [1, -2.5e3, true, false, null, {"b": "\\u00e9\\n"}], "c": {}}'],
    ['a bare string', '"x"'],
    ['surrounding whitespace', '  \n [ ]\n '],
  ])('accepts valid JSON: %s', (_name, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });
});
