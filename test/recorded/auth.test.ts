// OAuth client credentials against a real loopback login host: reuse, refresh before expiry, single flight,
// forced refresh after 401 with exactly one retry, errors that never carry the secret. Plus region resolution and the
// shared retry wait (the one token client, region table and backoff of cxpact).
import { backoffDelay, retryDelay } from '../../src/io/retry';
import { basicAuthorization, ClientCredentialsTokenSource, redactSecrets, withBearerRetry } from '../../src/io/oauth';
import { GENESYS_REGIONS, regionDomain, resolveRegion } from '../../src/core/genesys/regions';
import { CxpactError } from '../../src/core/errors';
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
  return new ClientCredentialsTokenSource({
    loginBaseUrl: fake.url,
    clientId: CLIENT_ID,
    clientSecret: secret,
    clientIdEnv: 'GENESYS_CLOUD_CLIENT_ID',
    clientSecretEnv: 'GENESYS_CLOUD_CLIENT_SECRET',
    ...(now ? { now } : {}),
  });
}

async function callApi(authorization: string): Promise<{ status: number }> {
  const res = await fetch(`${fake.url}/api/v2/routing/queues/${OK_QUEUE}/mediatypes/call/estimatedwaittime`, {
    headers: { authorization },
  });
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
  const err = await source(undefined, wrong)
    .getToken()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CxpactError);
  const e = err as CxpactError;
  expect(e.code).toBe('auth.login.rejected');
  expect(e.message).toContain('HTTP 401: invalid_client');
  expect(e.fix).toContain('GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET');
  expect(JSON.stringify(e.toJSON()) + e.message + (e.stack ?? '')).not.toContain(wrong);
});

test('an unreachable login host is an error of its own', async () => {
  const port = await deadPort();
  const s = new ClientCredentialsTokenSource({
    loginBaseUrl: `http://127.0.0.1:${port}`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  });
  await expect(s.getToken()).rejects.toMatchObject({
    code: 'auth.login.unreachable',
    message: expect.stringContaining('ECONNREFUSED'),
  });
});

test('regions: domains and AWS names map to api./login. hosts; unknown ones list the known regions', () => {
  expect(resolveRegion('mypurecloud.ie')).toEqual({
    domain: 'mypurecloud.ie',
    apiBaseUrl: 'https://api.mypurecloud.ie',
    loginBaseUrl: 'https://login.mypurecloud.ie',
  });
  expect(resolveRegion('usw2.pure.cloud').loginBaseUrl).toBe('https://login.usw2.pure.cloud');
  expect(resolveRegion('eu-west-2').apiBaseUrl).toBe('https://api.euw2.pure.cloud');
  expect(resolveRegion('https://api.mypurecloud.com/').domain).toBe('mypurecloud.com');
  expect(() => resolveRegion('mypurecloud.xyz', { file: 'f.json', path: '$.region' })).toThrow(
    expect.objectContaining({
      code: 'auth.region.unknown',
      file: 'f.json',
      path: '$.region',
      fix: expect.stringContaining('mypurecloud.com.au (ap-southeast-2)'),
    }),
  );
  expect(Object.keys(GENESYS_REGIONS).length).toBeGreaterThanOrEqual(15);
});

test('every region resolves from its AWS name and its domain; callers choose how an unknown one is reported', () => {
  for (const [name, domain] of Object.entries(GENESYS_REGIONS)) {
    expect(regionDomain(name)).toBe(domain);
    expect(regionDomain(domain)).toBe(domain);
    expect(regionDomain(`https://login.${domain.toUpperCase()}/`)).toBe(domain);
  }
  expect(regionDomain('')).toBeUndefined();
  expect(regionDomain('eu-west-9')).toBeUndefined();
  let error: unknown;
  try {
    resolveRegion('eu-west-9', {
      code: 'genesys.region.unknown',
      path: 'GENESYS_CLOUD_REGION',
      namesFirst: true,
      customHost: 'pass --base-url',
    });
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code: 'genesys.region.unknown', path: 'GENESYS_CLOUD_REGION' });
  const fix = (error as CxpactError).fix ?? '';
  expect(fix).toContain('eu-west-1 (mypurecloud.ie), eu-west-2 (euw2.pure.cloud)');
  expect(fix).toContain('mx-central-1 (mxc1.pure.cloud); or pass --base-url for a custom host.');
  expect((error as CxpactError).details).toEqual({
    knownRegions: expect.arrayContaining([{ name: 'ap-southeast-2', domain: 'mypurecloud.com.au' }]),
  });
});

test('the login error context sets the codes, the settings named in fixes and the locations', async () => {
  const s = new ClientCredentialsTokenSource({
    loginBaseUrl: fake.url,
    clientId: CLIENT_ID,
    clientSecret: 'wrong-secret-4711',
    errors: {
      codes: { rejected: 'genesys.auth.invalid-credentials' },
      credentialsLocation: { file: 'record.config.json', path: '$.auth' },
    },
  });
  await expect(s.getToken()).rejects.toMatchObject({
    code: 'genesys.auth.invalid-credentials',
    file: 'record.config.json',
    path: '$.auth',
  });
  const port = await deadPort();
  const dead = new ClientCredentialsTokenSource({
    loginBaseUrl: `http://127.0.0.1:${port}`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    errors: { hostSetting: '--login-url', hostLocation: { path: 'GENESYS_CLOUD_REGION' } },
  });
  await expect(dead.getToken()).rejects.toMatchObject({
    code: 'auth.login.unreachable',
    path: 'GENESYS_CLOUD_REGION',
    fix: 'Check --login-url and the network (proxy, firewall).',
  });
});

test('secrets(): the client secret, its Basic-auth form and every token issued, redacted longest first', async () => {
  const s = source();
  const token = await s.getToken();
  const basic = basicAuthorization(CLIENT_ID, CLIENT_SECRET).slice('Basic '.length);
  expect(s.secrets()).toEqual([CLIENT_SECRET, basic, token]);
  const text = `Authorization: Basic ${basic}; token=${token}; secret=${CLIENT_SECRET}; again ${CLIENT_SECRET}x`;
  expect(redactSecrets(text, s.secrets(), '***')).toBe('Authorization: Basic ***; token=***; secret=***; again ***x');
  // a secret that contains another is replaced whole, not leaving its tail behind
  expect(redactSecrets('abcd-efgh', ['abcd', 'abcd-efgh'])).toBe('[REDACTED]');
});

test('the retry wait: Retry-After sets it (optionally with jitter) up to the cap (maxDelayMs by default), else full-jitter exponential backoff', () => {
  const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  expect(retryDelay(policy, 0, 5000, () => 0.5)).toBe(1000);
  expect(retryDelay(policy, 0, 700, () => 0.5)).toBe(700);
  expect(retryDelay({ ...policy, retryAfterJitterMs: 250 }, 0, 400, () => 0.5)).toBe(525);
  expect(retryDelay({ ...policy, retryAfterJitterMs: 250, maxRetryAfterMs: 3000 }, 0, 5000, () => 0.5)).toBe(3000);
  expect(retryDelay(policy, 2, undefined, () => 0.999)).toBe(backoffDelay(policy, 2, () => 0.999));
  expect(retryDelay(policy, 2, undefined, () => 0.999)).toBe(399);
  expect(retryDelay(policy, 9, undefined, () => 0.5)).toBe(500);
});
