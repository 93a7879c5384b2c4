// Webhooks: created with the official CLI, fired for the documented events with template variables, executed
// over real HTTP with retries and an execution log (secrets redacted); the webhook pactUrl drives a Verifier.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  call,
  forEachStore,
  pactBroker,
  publishViaApi,
  startTestBroker,
  type TestBroker,
  THINGS,
  LOCAL_WEBHOOKS,
} from './helpers';
import { verifyWithProvider } from './verifier-helper';

jest.setTimeout(60_000);

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let broker: TestBroker;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
let failFirst = true;

forEachStore(() => {
  beforeAll(async () => {
    received.length = 0; // one receiver per store block
    failFirst = true;
    broker = await startTestBroker({ webhookRetryDelaysMs: [20, 20, 20], webhookPolicy: LOCAL_WEBHOOKS });
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        const fail = failFirst;
        failFirst = false;
        res.writeHead(fail ? 500 : 201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: !fail }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await broker.app.webhooks.idle();
    await broker.stop();
    // Idle keep-alive connections from the broker's webhook requests would keep the receiver (and jest) alive.
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  test('contract_requiring_verification_published fires (with a retry) and its pactUrl verifies; verification events follow', async () => {
    // The provider has a main-branch head that has not verified the new content.
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/branches/main/versions/7.0.0`, {})).status).toBe(201);
    const created = await pactBroker(broker, [
      'create-webhook',
      `${receiverUrl}/trigger/pipeline?ref=\${pactbroker.providerVersionBranch}`,
      '--request',
      'POST',
      '--header',
      'Content-Type: application/json',
      'Authorization: Bearer webhook-secret-123',
      '--data',
      JSON.stringify({
        token: 'trigger-token-456',
        variables: {
          PACT_URL: '${pactbroker.pactUrl}',
          PROVIDER_VERSION: '${pactbroker.providerVersionNumber}',
          DESCRIPTIONS: '${pactbroker.providerVersionDescriptions}',
          CONSUMER_BRANCH: '${pactbroker.consumerVersionBranch}',
          CONSUMER_VERSION: '${pactbroker.consumerVersionNumber}',
        },
      }),
      '--provider',
      'Bar',
      '--contract-requiring-verification-published',
      '--description',
      'trigger provider pipeline',
    ]);
    expect(created.code).toBe(0);
    const status = await pactBroker(broker, [
      'create-webhook',
      `${receiverUrl}/status`,
      '--request',
      'POST',
      '--data',
      '{"state":"${pactbroker.gitlabVerificationStatus}","consumer":"${pactbroker.consumerName}","version":"${pactbroker.consumerVersionNumber}","provider":"${pactbroker.providerVersionNumber}","url":"${pactbroker.verificationResultUrl}"}',
      '--provider',
      'Bar',
      '--provider-verification-succeeded',
      '--provider-verification-failed',
    ]);
    expect(status.code).toBe(0);

    const pub = await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'feat/x' });
    expect(pub.status).toBe(200);
    expect(pub.body.notices.map((n: { text: string }) => n.text).join('\n')).toMatch(
      /Webhook "trigger provider pipeline" triggered for event contract_requiring_verification_published/,
    );
    await broker.app.webhooks.idle();

    const triggers = received.filter((r) => r.url.startsWith('/trigger/pipeline'));
    expect(triggers).toHaveLength(2); // first attempt got 500, the retry succeeded
    expect(triggers[1]!.url).toBe('/trigger/pipeline?ref=main');
    expect(triggers[1]!.headers.authorization).toBe('Bearer webhook-secret-123');
    const body = JSON.parse(triggers[1]!.body) as { variables: Record<string, string> };
    expect(body.variables.PROVIDER_VERSION).toBe('7.0.0');
    expect(body.variables.DESCRIPTIONS).toBe('latest from main branch');
    expect(body.variables.CONSUMER_BRANCH).toBe('feat/x');
    expect(body.variables.CONSUMER_VERSION).toBe('1.0.0');
    expect(body.variables.PACT_URL).toMatch(
      /\/pacts\/provider\/Bar\/consumer\/Foo\/pact-version\/[0-9a-f]{40}\/metadata\//,
    );

    // The execution log: two attempts, success, secrets redacted.
    const hooks = await call('GET', `${broker.url}/webhooks`);
    const trigger = hooks.body._embedded.webhooks.find(
      (w: { description: string }) => w.description === 'trigger provider pipeline',
    );
    expect(trigger.request.headers.Authorization).toBe('**********');
    const tw = await call('GET', `${broker.url}/webhooks/${trigger.uuid}/triggered-webhooks`);
    expect(tw.body._embedded.triggeredWebhooks[0]).toMatchObject({
      eventName: 'contract_requiring_verification_published',
      status: 'success',
      attemptsMade: 2,
    });
    const logs = await call('GET', tw.body._embedded.triggeredWebhooks[0]._links['pb:logs'].href);
    expect(logs.body.executions.map((e: { success: boolean }) => e.success)).toEqual([false, true]);
    expect(logs.body.logs).toContain('HTTP/1.1 500');
    expect(logs.body.logs).not.toContain('webhook-secret-123');
    expect(logs.body.logs).not.toContain('trigger-token-456');

    // The provider pipeline verifies the webhook's PACT_URL (no broker URL) and publishes results.
    const out = await verifyWithProvider(
      { things: [1, 2] },
      {
        pactUrls: [body.variables.PACT_URL!],
        publishVerificationResult: true,
        providerVersion: '7.0.0',
        providerVersionBranch: 'main',
      },
    );
    expect(out.ok).toBe(true);
    await broker.app.webhooks.idle();
    const statuses = received
      .filter((r) => r.url === '/status')
      .map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ state: 'success', consumer: 'Foo', version: '1.0.0', provider: '7.0.0' });
    expect(statuses[0]!.url).toMatch(/\/verification-results\/1$/);

    // Now verified: publishing the same content again requires no verification, so no new trigger.
    const before = received.length;
    await publishViaApi(broker.url, 'Foo', '1.0.1', 'Bar', THINGS, { branch: 'feat/x' });
    await broker.app.webhooks.idle();
    expect(received.slice(before).filter((r) => r.url.startsWith('/trigger'))).toHaveLength(0);
  });

  test('test-webhook executes it with the latest matching pact; delete-webhook removes it', async () => {
    const hooks = await call('GET', `${broker.url}/webhooks`);
    const uuid = hooks.body._embedded.webhooks[0].uuid as string;
    const before = received.length;
    const t = await pactBroker(broker, ['test-webhook', '--uuid', uuid]);
    expect(t.code).toBe(0);
    expect(received.length).toBe(before + 1);
    const d = await pactBroker(broker, ['delete-webhook', '--uuid', uuid]);
    expect(d.code).toBe(0);
    expect((await call('GET', `${broker.url}/webhooks/${uuid}`)).status).toBe(404);
  });

  test('a webhook that keeps failing ends as failure after its retries', async () => {
    const w = await call('POST', `${broker.url}/webhooks`, {
      description: 'unreachable',
      events: [{ name: 'contract_published' }],
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:9/nothing-listens-here',
        body: { a: '${pactbroker.consumerName}' },
      },
    });
    expect(w.status).toBe(201);
    await publishViaApi(broker.url, 'Foo', '1.0.2', 'Bar', THINGS);
    await broker.app.webhooks.idle();
    const tw = await call('GET', `${broker.url}/webhooks/${w.body.uuid}/triggered-webhooks`);
    expect(tw.body._embedded.triggeredWebhooks[0]).toMatchObject({ status: 'failure', attemptsMade: 4 });
    const bad = await call('POST', `${broker.url}/webhooks`, {
      events: [{ name: 'not_an_event' }],
      request: { method: 'FETCH', url: 'ftp://x' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['events', 'request.method', 'request.url']);
  });

  test('contract_content_changed fires for new content only, not for republishing identical content', async () => {
    const w = await call('POST', `${broker.url}/webhooks`, {
      description: 'content changed',
      consumer: { name: 'Foo' },
      events: [{ name: 'contract_content_changed' }],
      request: {
        method: 'POST',
        url: `${receiverUrl}/changed`,
        body: { v: '${pactbroker.consumerVersionNumber}', event: '${pactbroker.eventName}' },
      },
    });
    expect(w.status).toBe(201);
    await publishViaApi(broker.url, 'Foo', '5.0.0', 'Bar', THINGS); // same content as 1.0.x
    await publishViaApi(broker.url, 'Foo', '5.0.1', 'Bar', [{ description: 'new', path: '/new', body: { n: 1 } }]);
    await publishViaApi(broker.url, 'Foo', '5.0.1', 'Bar', [{ description: 'new', path: '/new', body: { n: 1 } }]); // republish, same version
    // Tagged versions compare per tag: the first pact for tag prod counts as changed, the next identical one does not.
    await publishViaApi(broker.url, 'Foo', '5.0.2', 'Bar', [{ description: 'new', path: '/new', body: { n: 1 } }], {
      tags: ['prod'],
    });
    await publishViaApi(broker.url, 'Foo', '5.0.3', 'Bar', [{ description: 'new', path: '/new', body: { n: 1 } }], {
      tags: ['prod'],
    });
    await broker.app.webhooks.idle();
    const changed = received
      .filter((r) => r.url === '/changed')
      .map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(changed).toEqual([
      { v: '5.0.1', event: 'contract_content_changed' },
      { v: '5.0.2', event: 'contract_content_changed' },
    ]);
  });
});
