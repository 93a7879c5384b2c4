// The OAuth token provider and API client against the loopback Genesys-like API: token reuse, single-flight
// refresh, one retry on 401, 429 backoff with Retry-After, regions.
import { parseRetryAfter } from '../../src/io/retry';
import { genesysTokenSource } from '../../src/io/genesys-client/auth';
import { GenesysClient, type ApiCallEvent } from '../../src/io/genesys-client/client';
import { resolveHosts } from '../../src/core/genesys/hosts';
import { CxpactError } from '../../src/core/errors';
import { startFakeGenesys, type FakeGenesys } from './fake-genesys';
import { CLIENT_ID, CLIENT_SECRET, sampleAction } from './helpers';

describe('regions', () => {
  it('maps a region to its login and API hosts', () => {
    expect(resolveHosts({ region: 'eu-west-1' })).toEqual({
      loginBase: 'https://login.mypurecloud.ie',
      apiBase: 'https://api.mypurecloud.ie',
      region: 'eu-west-1',
    });
    expect(resolveHosts({ region: 'ap-southeast-2' }).apiBase).toBe('https://api.mypurecloud.com.au');
    expect(resolveHosts({ region: 'usw2.pure.cloud' }).loginBase).toBe('https://login.usw2.pure.cloud');
  });
  it('rejects an unknown region with the list of known ones', () => {
    let error: unknown;
    try {
      resolveHosts({ region: 'eu-west-9' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CxpactError);
    expect((error as CxpactError).code).toBe('genesys.region.unknown');
    expect((error as CxpactError).fix).toContain('us-east-1 (mypurecloud.com)');
  });
  it('base URL overrides win and the login host defaults to the API host', () => {
    expect(resolveHosts({ region: 'nowhere', apiBaseUrl: 'http://127.0.0.1:9/' })).toEqual({
      apiBase: 'http://127.0.0.1:9',
      loginBase: 'http://127.0.0.1:9',
      region: 'nowhere',
    });
  });
});

describe('genesysTokenSource', () => {
  let fake: FakeGenesys | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('shares one login between concurrent callers and reuses the token until shortly before expiry', async () => {
    fake = await startFakeGenesys({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expiresIn: 600 });
    let now = 1_000_000;
    const tokens = genesysTokenSource({
      loginBase: fake.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      now: () => now,
      refreshSkewMs: 30_000,
    });
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(new Set(all).size).toBe(1);
    expect(fake.logins).toBe(1);
    now += 600_000 - 30_001; // just before the refresh point
    expect(await tokens.getToken()).toBe(all[0]);
    expect(fake.logins).toBe(1);
    now += 2; // inside the skew window: refresh, again single flight
    const refreshed = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(all[0]);
    expect(fake.logins).toBe(2);
  });

  it('a failed login is not cached: the next call tries again', async () => {
    fake = await startFakeGenesys({ clientId: CLIENT_ID, clientSecret: 'other' });
    const tokens = genesysTokenSource({ loginBase: fake.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'genesys.auth.invalid-credentials' });
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'genesys.auth.invalid-credentials' });
    expect(tokens.logins).toBe(2);
  });
});

describe('GenesysClient', () => {
  let fake: FakeGenesys | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('refreshes the token and retries once after a 401', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
    });
    const events: ApiCallEvent[] = [];
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
      onCall: (e) => events.push(e),
    });
    expect((await client.listActions()).map((a) => a.id)).toEqual(['a-1']);
    fake.revokeTokens();
    expect((await client.listActions()).map((a) => a.id)).toEqual(['a-1']);
    expect(fake.logins).toBe(2);
    expect(events.map((e) => [e.status, e.retry?.reason])).toEqual([
      [200, undefined],
      [401, '401'],
      [200, undefined],
    ]);
  });

  it('retries a 401 only once, then reports it without the secret', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
      rejectAllTokens: true,
      echoInErrors: CLIENT_SECRET,
    });
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
    });
    const error = await client.listActions().then(
      () => undefined,
      (e: unknown) => e as CxpactError,
    );
    expect(error?.code).toBe('genesys.api.unauthorized');
    expect(error?.message).toContain('HTTP 401 even with a fresh token');
    expect(JSON.stringify(error?.toJSON())).not.toContain(CLIENT_SECRET);
    expect(fake.logins).toBe(2);
    expect(fake.requests.filter((r) => r.url.startsWith('/api/v2/'))).toHaveLength(2);
  });

  it('backs off on 429 honouring Retry-After, then succeeds', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
      rateLimitTests: { count: 2, retryAfter: '2' },
      testHandler: () => ({ body: { success: true, operations: [], finalResult: { ok: true } } }),
    });
    const sleeps: number[] = [];
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
    const result = await client.testAction('a-1', { phone: '1' });
    expect(result.body.finalResult).toEqual({ ok: true });
    expect(result.attempts).toBe(3);
    // Retry-After 2 s plus up to 250 ms of jitter.
    expect(sleeps).toEqual([2125, 2125]);
  });

  it('repeats a read after 503, but never a /test POST (the action may have run against the backend)', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
      unavailableListings: 1,
      testHandler: () => ({
        status: 503,
        body: { message: 'upstream unavailable', code: 'service.unavailable', status: 503 },
      }),
    });
    const sleeps: number[] = [];
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
    expect((await client.listActions()).map((a) => a.id)).toEqual(['a-1']);
    expect(sleeps).toHaveLength(1);
    await expect(client.testAction('a-1', { phone: '1' })).rejects.toMatchObject({ code: 'genesys.api.failed' });
    expect(fake.requests.filter((r) => r.url === '/api/v2/integrations/actions/a-1/test')).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it('without Retry-After uses exponential backoff with full jitter, capped; gives up after maxRetries', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
      rateLimitTests: { count: 10 },
      testHandler: () => ({ body: { success: true, operations: [] } }),
    });
    const sleeps: number[] = [];
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
      maxRetries: 4,
      baseDelayMs: 100,
      maxDelayMs: 500,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.999,
    });
    await expect(client.testAction('a-1', {})).rejects.toMatchObject({ code: 'genesys.api.rate-limited' });
    expect(sleeps).toEqual([99, 199, 399, 499]);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('never sends the bearer token to another host named in a template URI', async () => {
    fake = await startFakeGenesys({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      actions: [sampleAction('a-1', 'One')],
    });
    const client = new GenesysClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      hosts: { apiBase: fake.url, loginBase: fake.url },
    });
    const text = await client.getTemplate(
      { id: 'a-1', name: 'One' },
      'https://evil.example.com/api/v2/integrations/actions/a-1/templates/successtemplate.vm',
    );
    expect(text).toBe('{"customerId": ${customerId}, "tier": ${tier}}');
    expect(fake.requests.at(-1)?.url).toBe('/api/v2/integrations/actions/a-1/templates/successtemplate.vm');
  });
});
