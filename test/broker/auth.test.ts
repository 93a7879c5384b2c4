// Auth: bearer tokens (read-write, read-only) and basic auth; 401/403; official clients with credentials; no
// secrets in logs.
import path from 'node:path';
import {
  call,
  forEachStore,
  pactBroker,
  publishViaApi,
  startTestBroker,
  type TestBroker,
  THINGS,
  writePact,
} from './helpers';
import { verifyWithProvider } from './verifier-helper';

jest.setTimeout(60_000);

const RW = 'rw-token-s3cr3t';
const RO = 'ro-token-s3cr3t';
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let broker: TestBroker;
const logs: string[] = [];

forEachStore(() => {
  beforeAll(async () => {
    logs.length = 0; // each store block checks its own broker's log
    broker = await startTestBroker({
      auth: {
        token: RW,
        readOnlyToken: RO,
        basic: { username: 'ci', password: 'ci-pass' },
        readOnlyBasic: { username: 'viewer', password: 'view-pass' },
      },
      logRequests: true,
      log: (l) => logs.push(l),
    });
  });
  afterAll(async () => broker.stop());

  test('401 without or with wrong credentials; heartbeat stays open', async () => {
    const none = await call('GET', `${broker.url}/`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(none.body.error).toMatch(/Authentication required/);
    expect((await call('GET', `${broker.url}/`, undefined, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('GET', `${broker.url}/`, undefined, { Authorization: basic('ci', 'wrong') })).status).toBe(401);
    expect((await call('POST', `${broker.url}/environments`, { name: 'x', production: false })).status).toBe(401);
    expect((await call('GET', `${broker.url}/diagnostic/status/heartbeat`)).status).toBe(200);
  });

  test('read-only credentials read but get 403 on writes; read-write credentials write', async () => {
    for (const auth of [`Bearer ${RO}`, basic('viewer', 'view-pass')]) {
      expect((await call('GET', `${broker.url}/`, undefined, { Authorization: auth })).status).toBe(200);
      const w = await call(
        'POST',
        `${broker.url}/environments`,
        { name: 'test', production: false },
        { Authorization: auth },
      );
      expect(w.status).toBe(403);
      expect(w.body.error).toMatch(/read-only/);
    }
    const ok = await call(
      'POST',
      `${broker.url}/environments`,
      { name: 'test', production: false },
      { Authorization: `Bearer ${RW}` },
    );
    expect(ok.status).toBe(201);
    const ok2 = await publishViaApi(broker.url, 'Foo', '0.9.0', 'Bar', THINGS, {
      branch: 'main',
      headers: { Authorization: basic('ci', 'ci-pass') },
    });
    expect(ok2.status).toBe(200);
  });

  test('the official CLI publishes with PACT_BROKER_TOKEN and fails without it', async () => {
    const dir = path.join(broker.dir, 'pacts');
    writePact(dir, 'Foo', 'Bar', THINGS);
    const denied = await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.0.0', '--branch', 'main']);
    expect(denied.code).not.toBe(0);
    const ro = await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.0.0', '--branch', 'main'], {
      PACT_BROKER_TOKEN: RO,
    });
    expect(ro.code).not.toBe(0);
    const ok = await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.0.0', '--branch', 'main'], {
      PACT_BROKER_TOKEN: RW,
    });
    expect(ok.code).toBe(0);
    const withBasic = await pactBroker(broker, ['describe-version', '--pacticipant', 'Foo', '--version', '1.0.0'], {
      PACT_BROKER_USERNAME: 'viewer',
      PACT_BROKER_PASSWORD: 'view-pass',
    });
    expect(withBasic.code).toBe(0);
    expect(withBasic.stdout).toContain('1.0.0');
  });

  test('the Verifier uses basic auth to fetch pacts and publish results (read-only may fetch, not publish)', async () => {
    const out = await verifyWithProvider(
      { things: [1, 2] },
      {
        pactBrokerUrl: broker.url,
        pactBrokerUsername: 'ci',
        pactBrokerPassword: 'ci-pass',
        consumerVersionSelectors: [{ mainBranch: true }],
        publishVerificationResult: true,
        providerVersion: '3.0.0',
        providerVersionBranch: 'main',
      },
    );
    expect(out.ok).toBe(true);
    const v = await call('GET', `${broker.url}/pacticipants/Bar/versions/3.0.0`, undefined, {
      Authorization: `Bearer ${RO}`,
    });
    expect(v.status).toBe(200);
    const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/latest`, undefined, {
      Authorization: `Bearer ${RO}`,
    });
    expect(pact.body._links['pb:latest-verification-results']).toBeDefined();
    const pfv = await call(
      'POST',
      `${broker.url}/pacts/provider/Bar/for-verification`,
      { consumerVersionSelectors: [{ mainBranch: true }] },
      { Authorization: `Bearer ${RO}` },
    );
    expect(pfv.status).toBe(200); // fetching pacts for verification is a read
  });

  test('tokens and passwords never appear in the logs', () => {
    const all = logs.join('\n');
    expect(all).toMatch(/GET \/ -> 401/); // requests are logged...
    for (const secret of [RW, RO, 'ci-pass', 'view-pass', Buffer.from('ci:ci-pass').toString('base64')])
      expect(all).not.toContain(secret); // ...secrets are not
  });

  test('public read: unauthenticated GETs allowed, writes still need credentials', async () => {
    const b = await startTestBroker({ auth: { token: RW, publicRead: true } });
    try {
      expect((await call('GET', `${b.url}/`)).status).toBe(200);
      expect((await call('POST', `${b.url}/environments`, { name: 'x', production: false })).status).toBe(401);
    } finally {
      await b.stop();
    }
  });
});
