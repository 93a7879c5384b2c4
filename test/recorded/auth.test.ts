// OAuth client credentials against a real loopback login host: reuse, refresh before expiry, single flight,
// forced refresh after 401 with exactly one retry, errors that never carry the secret. Plus region resolution.
import { ClientCredentialsTokenSource, withBearerRetry } from '../../src/auth/oauth';
import { GENESYS_REGIONS, resolveRegion } from '../../src/auth/regions';
import { CxpactError } from '../../src/shared/errors';
import { CLIENT_ID, CLIENT_SECRET, OK_QUEUE, startFakeApis, type FakeApis } from './fake-apis';
import { deadPort } from './helpers';

let fake: FakeApis;
beforeEach(async () => {
  fake = await startFakeApis();
});
afterEach(async () => {
  await fake.close();
});

function source(now?: () => number, secret = CLIENT_SECRET): ClientCredentialsTokenSource {
  return new ClientCredentialsTokenSource({ loginBaseUrl: fake.url, clientId: CLIENT_ID, clientSecret: secret, clientIdEnv: 'GENESYS_CLOUD_CLIENT_ID', clientSecretEnv: 'GENESYS_CLOUD_CLIENT_SECRET', ...(now ? { now } : {}) });
}

async function callApi(authorization: string): Promise<{ status: number }> {
  const res = await fetch(`${fake.url}/api/v2/routing/queues/${OK_QUEUE}/mediatypes/call/estimatedwaittime`, { headers: { authorization } });
  await res.text();
  return { status: res.status };
}

test('a token is reused until shortly before it expires, then refreshed', async () => {
  let t = 1_000_000;
  fake.expiresIn = 100; // skew = min(60 s, 10% of 100 s) = 10 s
  const s = source(() => t);
  const a = await s.getToken();
  t += 89_000;
  expect(await s.getToken()).toBe(a);
  expect(fake.logins).toBe(1);
  t += 2_000; // 91 s: inside the refresh window
  const b = await s.getToken();
  expect(b).not.toBe(a);
  expect(fake.logins).toBe(2);
});

test('concurrent callers share one login (single flight), also after expiry', async () => {
  let t = 0;
  fake.expiresIn = 3600;
  const s = source(() => t);
  const tokens = await Promise.all(Array.from({ length: 10 }, () => s.getToken()));
  expect(new Set(tokens).size).toBe(1);
  expect(fake.logins).toBe(1);
  t += 3600_000;
  const again = await Promise.all(Array.from({ length: 10 }, () => s.getToken()));
  expect(new Set(again).size).toBe(1);
  expect(again[0]).not.toBe(tokens[0]);
  expect(fake.logins).toBe(2);
});

test('after a 401 the token is force-refreshed once for all concurrent callers and the request retried once', async () => {
  const s = source();
  expect((await withBearerRetry(s, callApi)).status).toBe(200);
  fake.revokeAll();
  const results = await Promise.all(Array.from({ length: 5 }, () => withBearerRetry(s, callApi)));
  expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  expect(fake.logins).toBe(2);
});

test('a 401 that persists after the refresh is returned after exactly one retry', async () => {
  const s = source();
  let calls = 0;
  const res = await withBearerRetry(s, async (authorization) => {
    calls += 1;
    fake.revokeAll();
    return callApi(authorization);
  });
  expect(res.status).toBe(401);
  expect(calls).toBe(2);
  expect(fake.logins).toBe(2);
});

test('wrong credentials: a clear error naming the variables, never the secret', async () => {
  const wrong = 'not-the-secret-0123456789';
  const err = await source(undefined, wrong).getToken().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CxpactError);
  const e = err as CxpactError;
  expect(e.code).toBe('auth.login.rejected');
  expect(e.message).toContain('HTTP 401: invalid_client');
  expect(e.fix).toContain('GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET');
  expect(JSON.stringify(e.toJSON()) + e.message + (e.stack ?? '')).not.toContain(wrong);
});

test('an unreachable login host is an error of its own', async () => {
  const port = await deadPort();
  const s = new ClientCredentialsTokenSource({ loginBaseUrl: `http://127.0.0.1:${port}`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  await expect(s.getToken()).rejects.toMatchObject({ code: 'auth.login.unreachable', message: expect.stringContaining('ECONNREFUSED') });
});

test('regions: domains and AWS names map to api./login. hosts; unknown ones list the known regions', () => {
  expect(resolveRegion('mypurecloud.ie')).toEqual({ domain: 'mypurecloud.ie', apiBaseUrl: 'https://api.mypurecloud.ie', loginBaseUrl: 'https://login.mypurecloud.ie' });
  expect(resolveRegion('usw2.pure.cloud').loginBaseUrl).toBe('https://login.usw2.pure.cloud');
  expect(resolveRegion('eu-west-2').apiBaseUrl).toBe('https://api.euw2.pure.cloud');
  expect(resolveRegion('https://api.mypurecloud.com/').domain).toBe('mypurecloud.com');
  expect(() => resolveRegion('mypurecloud.xyz', { file: 'f.json', path: '$.region' })).toThrow(
    expect.objectContaining({ code: 'auth.region.unknown', file: 'f.json', path: '$.region', fix: expect.stringContaining('mypurecloud.com.au (ap-southeast-2)') }),
  );
  expect(Object.keys(GENESYS_REGIONS).length).toBeGreaterThanOrEqual(15);
});
