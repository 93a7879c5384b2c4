// Every form a secret can take in a response is found and replaced, what surrounds it is kept, and nothing else is.
import { base64Cores, SecretScrubber } from './secrets';

const TOKEN = 'tok+1/s3cret=Zx81 "q" \\ end';
const scrub = (text: string, secrets: string[] = [TOKEN]) => new SecretScrubber(secrets, '[X]').text(text);

describe('SecretScrubber', () => {
  test('raw', () => {
    expect(scrub(`a ${TOKEN} b ${TOKEN}`)).toBe('a [X] b [X]');
  });

  test('URL-encoded: upper and lower hex, form encoding (+ for space), encoded twice, and half-encoded', () => {
    const enc = encodeURIComponent(TOKEN);
    expect(enc).toContain('%2B');
    expect(scrub(`?t=${enc}&x=1`)).toBe('?t=[X]&x=1');
    expect(scrub(`?t=${enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`)).toBe('?t=[X]');
    expect(scrub(new URLSearchParams({ t: TOKEN }).toString())).toBe('t=[X]');
    expect(scrub(`u=${encodeURIComponent(enc)}`)).toBe('u=[X]');
    expect(scrub(`v=${TOKEN.replace('+', '%2B').replace('/', '%2f')}`)).toBe('v=[X]');
  });

  test('JSON-escaped: \\/ and \\uXXXX escapes, quotes and backslashes, also escaped twice', () => {
    const once = JSON.stringify(TOKEN).slice(1, -1);
    expect(scrub(`{"t":"${once}"}`)).toBe('{"t":"[X]"}');
    expect(scrub(`{"t":"${once.replace('/', '\\/')}"}`)).toBe('{"t":"[X]"}');
    const unicode = once.replace('+', '\\u002b').replace('/', '\\u002F').replace('=', '\\u003d');
    expect(scrub(unicode)).toBe('[X]');
    const twice = JSON.stringify(JSON.stringify(TOKEN)).slice(1, -1);
    expect(scrub(twice)).toBe('\\"[X]\\"');
  });

  test('HTML character references', () => {
    expect(scrub(TOKEN.replace('+', '&#43;').replace('/', '&#x2F;').replace(/"/g, '&quot;'))).toBe('[X]');
  });

  test('base64 and base64url, alone and inside a longer encoded value at every byte offset', () => {
    expect(scrub(Buffer.from(TOKEN).toString('base64'))).not.toContain(base64Cores(TOKEN)[0]);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      for (const enc of ['base64', 'base64url'] as const) {
        const blob = Buffer.from(`${prefix}${TOKEN}:tail`).toString(enc);
        const out = scrub(blob);
        expect(out).toContain('[X]');
        // what is left of the blob no longer decodes to anything containing the secret's middle
        expect(Buffer.from(out.replace('[X]', ''), enc).toString('latin1')).not.toContain('s3cret');
      }
    }
  });

  test('longest secret first: a secret inside another leaves no tail; short and empty secrets are ignored', () => {
    expect(scrub('abcd-efgh and abcd', ['abcd', 'abcd-efgh'])).toBe('[X] and [X]');
    expect(scrub('abc keeps', ['abc', ''])).toBe('abc keeps');
  });

  test('leaves unrelated text alone, including look-alikes', () => {
    const text = 'tok+1/s3cret=Zx81 "q" \\ en d; tok%2B2; dG9rKzE=';
    expect(scrub(text)).toBe(text);
  });

  test('values: every string and key of a JSON value, deep; numbers and nulls untouched', () => {
    const v = { [`k-${TOKEN}`]: [{ a: `x${encodeURIComponent(TOKEN)}y`, n: 1, z: null }], b: true };
    expect(new SecretScrubber([TOKEN], '[X]').value(v)).toEqual({ 'k-[X]': [{ a: 'x[X]y', n: 1, z: null }], b: true });
  });
});
