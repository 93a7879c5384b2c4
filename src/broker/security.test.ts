// The request safety checks, the name rule, the nesting limit and the webhook allow-lists as pure functions (the
// same behaviour over HTTP on both stores: test/broker/safety.test.ts).
import { HttpError } from './http';
import { nestsDeeperThan } from './json-limits';
import { nameProblem } from './names';
import { checkJsonContentType, checkOrigin, HostPolicy, isReadOnlyExempt } from './security';
import { isLocalTarget, splitList, WebhookPolicy } from './webhook-policy';

const status = (fn: () => void): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
};

test('Host: loopback names, IP literals, the base URL host and allowed names are served; others get 421', () => {
  const hosts = new HostPolicy(['broker.internal', '*.corp.example'], 'https://pact.example.com/pb');
  for (const ok of [
    'localhost:9292',
    'LOCALHOST',
    'app.localhost',
    '127.0.0.1:1',
    '[::1]:9292',
    '10.1.2.3',
    '[fd00::2]:80',
    'pact.example.com',
    'broker.internal.',
    'x.corp.example',
  ]) {
    expect([ok, status(() => hosts.check(ok))]).toEqual([ok, undefined]);
  }
  for (const bad of [
    'evil.example',
    'pact.example.com.evil.example',
    'corp.example',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
  ])
    expect([bad, status(() => hosts.check(bad))]).toEqual([bad, 421]);
  expect(status(() => hosts.check('a b'))).toBe(400);
  expect(status(() => new HostPolicy(['*']).check('anything.example'))).toBeUndefined();
});

test('Origin: writes only from no Origin (clients), the Host itself or the base URL', () => {
  expect(status(() => checkOrigin('POST', undefined, undefined, 'localhost:9292', undefined))).toBeUndefined();
  expect(
    status(() => checkOrigin('POST', 'http://localhost:9292', undefined, 'localhost:9292', undefined)),
  ).toBeUndefined();
  expect(
    status(() =>
      checkOrigin('POST', 'https://pact.example.com', undefined, '10.0.0.1:9292', 'https://pact.example.com/pb'),
    ),
  ).toBeUndefined();
  expect(
    status(() => checkOrigin('GET', 'http://evil.example', undefined, 'localhost:9292', undefined)),
  ).toBeUndefined();
  expect(status(() => checkOrigin('POST', 'http://evil.example', undefined, 'localhost:9292', undefined))).toBe(403);
  expect(status(() => checkOrigin('PUT', 'null', undefined, 'localhost:9292', undefined))).toBe(403);
  expect(status(() => checkOrigin('POST', 'http://localhost:9293', undefined, 'localhost:9292', undefined))).toBe(403);
  expect(status(() => checkOrigin('POST', undefined, 'cross-site', 'localhost:9292', undefined))).toBe(403);
});

test('content types: a non-empty write body must be JSON', () => {
  expect(status(() => checkJsonContentType('POST', 'application/json', 2))).toBeUndefined();
  expect(status(() => checkJsonContentType('PATCH', 'application/merge-patch+json; charset=utf-8', 2))).toBeUndefined();
  expect(status(() => checkJsonContentType('POST', 'application/vnd.pactbroker+json', 2))).toBeUndefined();
  expect(status(() => checkJsonContentType('POST', 'text/plain', 0))).toBeUndefined();
  for (const ct of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'application/jsonp',
    'text/json',
    undefined,
  ])
    expect([ct, status(() => checkJsonContentType('POST', ct, 2))]).toEqual([ct, 415]);
});

test('the read-only exemption is exactly POST /pacts/provider/{provider}/for-verification', () => {
  expect(isReadOnlyExempt('POST', '/pacts/provider/Bar/for-verification')).toBe(true);
  expect(isReadOnlyExempt('POST', '/pacts/provider/My%2FService/for-verification')).toBe(true);
  for (const [m, p] of [
    ['POST', '/webhooks/provider/Bar/for-verification'],
    ['POST', '/webhooks/provider/for-verification'],
    ['PUT', '/pacts/provider/Bar/for-verification'],
    ['POST', '/pacts/provider/Bar/for-verification/x'],
    ['POST', '/x/pacts/provider/Bar/for-verification'],
  ])
    expect([m, p, isReadOnlyExempt(m!, p!)]).toEqual([m, p, false]);
});

test('names: control characters, lone surrogates, more than 255 bytes, blank, . and .. are refused', () => {
  for (const ok of ['Foo', 'My Service', '1.0.0+build/5', 'ü'.repeat(127), 'x'.repeat(255), '😀'.repeat(63)])
    expect([ok, nameProblem(ok)]).toEqual([ok, undefined]);
  for (const bad of [
    '',
    ' ',
    'a\nb',
    'a\rb',
    'a\u0000',
    'tab\there',
    'del\u007f',
    'c1\u0085',
    'ls\u2028',
    'x'.repeat(256),
    'ü'.repeat(128),
    '\ud800',
    '.',
    '..',
    42,
    null,
  ]) {
    expect([bad, nameProblem(bad)]).toEqual([bad, expect.any(String)]);
  }
});

test('nesting: counted on the text, strings skipped, 50 levels allowed', () => {
  expect(nestsDeeperThan('['.repeat(50) + ']'.repeat(50))).toBe(false);
  expect(nestsDeeperThan('['.repeat(51) + ']'.repeat(51))).toBe(true);
  expect(nestsDeeperThan(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`)).toBe(false);
  expect(nestsDeeperThan('['.repeat(1_000_000))).toBe(true);
});

test("webhook policy: the Pact Broker's defaults (https, POST, any host) except this machine and link-local addresses", () => {
  const p = new WebhookPolicy();
  expect(p.urlProblems('https://ci.example.com/x')).toEqual([]);
  expect(p.urlProblems('https://192.168.1.5/x')).toEqual([]);
  expect(p.urlProblems('http://ci.example.com/x')[0]).toMatch(/^scheme must be https\./);
  for (const local of [
    'https://127.0.0.1/',
    'https://127.9.9.9/',
    'https://localhost/',
    'https://[::1]/',
    'https://169.254.169.254/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://[::ffff:7f00:1]/',
  ]) {
    expect([local, p.urlProblems(local)[0]]).toEqual([
      local,
      expect.stringMatching(/is this machine or a link-local address/),
    ]);
  }
  expect(p.methodProblems('POST')).toEqual([]);
  expect(p.methodProblems('get')[0]).toMatch(/^must be POST\./);
  expect(p.showResponses).toBe(false);
  expect(isLocalTarget('example.com')).toBe(false);
  expect(splitList(' https, http  ftp ')).toEqual(['https', 'http', 'ftp']);
  expect(splitList('  ')).toBeUndefined();
  expect(() => new WebhookPolicy({ hosts: ['10.0.0.0/40'] })).toThrow(/prefix longer than the address/);
  expect(() => new WebhookPolicy({ hosts: ['example.com/8'] })).toThrow(/is not an IP range/);
});
