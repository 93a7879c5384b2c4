// Safe by default, over real HTTP on both stores: what a web page can make a browser send (cross-site "simple"
// requests, foreign Origins, DNS rebinding Hosts) is refused, read-only credentials write nothing but pacts for
// verification, names are validated the same way on every route, pathological JSON is a 400, and webhooks call only
// what the allow-lists permit.
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import {
  call,
  forEachStore,
  pactBroker,
  pactJson,
  publishViaApi,
  startTestBroker,
  type TestBroker,
  THINGS,
} from './helpers';

jest.setTimeout(60_000);

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const webhookBody = (url: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  events: [{ name: 'contract_published' }],
  request: { method: 'POST', url, body: { hi: 1 } },
  ...extra,
});
const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

let broker: TestBroker;
forEachStore(() => {
  beforeAll(async () => {
    broker = await startTestBroker({ allowedHosts: ['pact.example.com', '*.corp.example'] });
    expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' })).status).toBe(200);
  });
  afterAll(async () => {
    await broker.app.webhooks.idle();
    await broker.stop();
  });

  const port = (): string => new URL(broker.url).port;

  test("the probe's attack: a text/plain POST from another origin creates no webhook and publishes nothing", async () => {
    const attack = { Origin: 'http://evil.example', 'Content-Type': 'text/plain;charset=UTF-8' };
    const hook = await raw(
      `${broker.url}/webhooks`,
      'POST',
      attack,
      JSON.stringify(webhookBody('https://ci.example.com/x')),
    );
    expect(hook.status).toBe(403);
    expect(hook.body.error).toMatch(/Cross-origin POST refused: Origin http:\/\/evil\.example is not this broker/);
    const content = Buffer.from(JSON.stringify(pactJson('Evil', 'Bar', THINGS))).toString('base64');
    const publish = await raw(
      `${broker.url}/contracts/publish`,
      'POST',
      attack,
      JSON.stringify({
        pacticipantName: 'Evil',
        pacticipantVersionNumber: '1',
        contracts: [{ consumerName: 'Evil', providerName: 'Bar', specification: 'pact', content }],
      }),
    );
    expect(publish.status).toBe(403);
    // The same text/plain bodies without an Origin (not a browser) are still not JSON: 415.
    const plain = await raw(
      `${broker.url}/webhooks`,
      'POST',
      { 'Content-Type': 'text/plain' },
      JSON.stringify(webhookBody('https://ci.example.com/x')),
    );
    expect(plain.status).toBe(415);
    expect(plain.body.error).toMatch(
      /Unsupported Content-Type 'text\/plain' is refused: send the body as application\/json/,
    );
    expect((await call('GET', `${broker.url}/webhooks`)).body._embedded.webhooks).toEqual([]);
    expect((await call('GET', `${broker.url}/pacticipants/Evil`)).status).toBe(404);
  });

  test('JSON routes refuse other content types (415): text/plain, forms, no Content-Type; JSON types pass', async () => {
    const env = JSON.stringify({ name: 'ct-test', production: false });
    for (const ct of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      const r = await raw(`${broker.url}/environments`, 'POST', { 'Content-Type': ct }, env);
      expect([ct, r.status]).toEqual([ct, 415]);
    }
    expect((await raw(`${broker.url}/environments`, 'POST', {}, env)).status).toBe(415); // a body without a type
    const tag = await raw(
      `${broker.url}/pacticipants/Foo/versions/1.0.0/tags/t1`,
      'PUT',
      { 'Content-Type': 'text/plain' },
      '{}',
    );
    expect(tag.status).toBe(415);
    expect(
      (await raw(`${broker.url}/pacticipants/Foo/versions/1.0.0/tags/t1`, 'PUT', { 'Content-Type': 'text/plain' }))
        .status,
    ).toBe(201); // no body: nothing to misread
    const ok = await raw(
      `${broker.url}/environments`,
      'POST',
      { 'Content-Type': 'application/json; charset=utf-8' },
      env,
    );
    expect(ok.status).toBe(201);
    const patch = await raw(
      `${broker.url}/pacticipants/Foo`,
      'PATCH',
      { 'Content-Type': 'application/merge-patch+json' },
      JSON.stringify({ repositoryUrl: 'https://git.example/foo' }),
    );
    expect(patch.status).toBe(200);
    expect(
      (await raw(`${broker.url}/pacticipants/Foo`, 'PATCH', { 'Content-Type': 'application/hal+json' }, '{}')).status,
    ).toBe(200);
  });

  test('writes with a foreign Origin get 403; same origin, no Origin and reads pass', async () => {
    const body = JSON.stringify({ name: 'origin-test', production: false });
    const json = { 'Content-Type': 'application/json' };
    for (const origin of [
      'http://evil.example',
      'null',
      `http://localhost:${Number(port()) + 1}`,
      'https://pact.example.com.evil.example',
    ]) {
      const r = await raw(`${broker.url}/environments`, 'POST', { ...json, Origin: origin }, body);
      expect([origin, r.status]).toEqual([origin, 403]);
    }
    const del = await raw(`${broker.url}/pacticipants/Foo/versions/1.0.0/tags/t1`, 'DELETE', {
      Origin: 'http://evil.example',
    });
    expect(del.status).toBe(403);
    const crossSite = await raw(
      `${broker.url}/environments`,
      'POST',
      { ...json, 'Sec-Fetch-Site': 'cross-site' },
      body,
    );
    expect(crossSite.status).toBe(403);
    // The broker's own page (same origin as the Host it was served from) may write; reads are open to any origin.
    const same = await raw(`${broker.url}/environments`, 'POST', { ...json, Origin: broker.url }, body);
    expect(same.status).toBe(201);
    expect((await raw(`${broker.url}/pacticipants/Foo`, 'GET', { Origin: 'http://evil.example' })).status).toBe(200);
  });

  test('a Host the broker does not serve gets 421 (DNS rebinding); links never come from the Host', async () => {
    const evil = await raw(`${broker.url}/`, 'GET', { Host: `evil.example:${port()}` });
    expect(evil.status).toBe(421);
    expect(evil.body.error).toMatch(/does not serve the host 'evil\.example'/);
    expect(evil.body.error).toMatch(/--allowed-host/);
    expect(
      (
        await raw(
          `${broker.url}/environments`,
          'POST',
          { Host: `evil.example:${port()}`, 'Content-Type': 'application/json' },
          '{}',
        )
      ).status,
    ).toBe(421);
    for (const host of [
      `localhost:${port()}`,
      `127.0.0.1:${port()}`,
      `[::1]:${port()}`,
      `192.0.2.77:${port()}`,
      'pact.example.com',
      'PACT.example.com.',
      'ci.corp.example',
      'a.b.corp.example',
    ]) {
      const r = await raw(`${broker.url}/`, 'GET', { Host: host });
      expect([host, r.status]).toEqual([host, 200]);
      // Bound to 127.0.0.1: every link is on the bound address, whatever Host the request named.
      expect(r.body._links['pb:pacticipants'].href).toBe(`${broker.url}/pacticipants`);
    }
    for (const host of ['corp.example', 'xcorp.example', 'pact.example.com.evil.example', 'localhost.evil.example']) {
      expect([host, (await raw(`${broker.url}/`, 'GET', { Host: host })).status]).toEqual([host, 421]);
    }
    expect((await raw(`${broker.url}/`, 'GET', { Host: 'bad host/x' })).status).toBe(400);
    // The heartbeat answers any Host (load balancers' health checks), and says nothing.
    expect((await raw(`${broker.url}/diagnostic/status/heartbeat`, 'GET', { Host: 'lb-target.internal' })).status).toBe(
      200,
    );
  });

  test('bound to every interface, links follow the (checked) Host; with --base-url they are the base URL', async () => {
    const any = await startTestBroker({ host: '0.0.0.0', auth: { token: 'tok-any' } });
    const based = await startTestBroker({ baseUrl: 'https://pact.example.org' });
    try {
      const p = new URL(any.url).port;
      const viaIp = await raw(`http://127.0.0.1:${p}/`, 'GET', {
        Host: `192.0.2.77:${p}`,
        Authorization: 'Bearer tok-any',
      });
      expect(viaIp.body._links.self.href).toBe(`http://192.0.2.77:${p}`);
      expect(
        (await raw(`http://127.0.0.1:${p}/`, 'GET', { Host: `attacker.example:${p}`, Authorization: 'Bearer tok-any' }))
          .status,
      ).toBe(421);
      const b = await raw(`${based.url}/`, 'GET', { Host: 'pact.example.org' });
      expect(b.status).toBe(200);
      expect(b.body._links.self.href).toBe('https://pact.example.org');
      expect((await raw(`${based.url}/`, 'GET', { Host: 'pact.example.net' })).status).toBe(421);
    } finally {
      await any.stop();
      await based.stop();
    }
  });

  test('read-only credentials: POST /pacts/provider/P/for-verification is the only write they may make', async () => {
    const ro = await startTestBroker({ auth: { token: 'rw-tok', readOnlyToken: 'ro-tok' } });
    const pub = await startTestBroker({ auth: { token: 'rw-tok2', publicRead: true } });
    try {
      const RO = { Authorization: 'Bearer ro-tok' };
      expect(
        (await publishViaApi(ro.url, 'Foo', '1', 'Bar', THINGS, { headers: { Authorization: 'Bearer rw-tok' } }))
          .status,
      ).toBe(200);
      expect(
        (
          await call(
            'POST',
            `${ro.url}/pacts/provider/Bar/for-verification`,
            { consumerVersionSelectors: [{ latest: true }] },
            RO,
          )
        ).status,
      ).toBe(200);
      const hook = await call(
        'POST',
        `${ro.url}/webhooks/provider/Bar/for-verification`,
        webhookBody('https://ci.example.com/x'),
        RO,
      );
      expect(hook.status).toBe(403);
      expect(hook.body.error).toMatch(/read-only/);
      const hookAsPacticipant = await call(
        'POST',
        `${ro.url}/webhooks/provider/for-verification`,
        webhookBody('https://ci.example.com/x'),
        RO,
      );
      expect(hookAsPacticipant.status).toBe(403);
      expect((await call('PUT', `${ro.url}/pacticipants/for-verification/versions/1`, {}, RO)).status).toBe(403);
      expect(
        (await call('GET', `${ro.url}/webhooks`, undefined, { Authorization: 'Bearer rw-tok' })).body._embedded
          .webhooks,
      ).toEqual([]);
      // Public read covers pacts for verification (the Pact Broker's allow_public_read), and nothing else that writes.
      expect(
        (await publishViaApi(pub.url, 'Foo', '1', 'Bar', THINGS, { headers: { Authorization: 'Bearer rw-tok2' } }))
          .status,
      ).toBe(200);
      expect(
        (
          await call('POST', `${pub.url}/pacts/provider/Bar/for-verification`, {
            consumerVersionSelectors: [{ latest: true }],
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await call(
            'POST',
            `${pub.url}/webhooks/provider/Bar/for-verification`,
            webhookBody('https://ci.example.com/x'),
          )
        ).status,
      ).toBe(401);
    } finally {
      await ro.stop();
      await pub.stop();
    }
  });

  describe('names are validated the same way on every route', () => {
    const BAD = [
      ['a\r\nb', /control characters \(found U\+000D at position 1\)/],
      ['nul\u0000', /control characters \(found U\+0000/],
      ['x'.repeat(256), /at most 255 bytes in UTF-8 \(got 256\)/],
      ['é'.repeat(128), /at most 255 bytes in UTF-8 \(got 256\)/],
      ['..', /cannot be '\.\.'/],
      [' ', /non-blank/],
    ] as const;
    const enc = encodeURIComponent;

    test('in paths: PATCH/PUT pacticipants, versions, tags, branches, labels, legacy pacts', async () => {
      for (const [name, message] of BAD) {
        if (name.trim() === '' || name === '..') continue; // another route: a blank segment, or `..` which every URL parser removes
        const routes: [string, string, string][] = [
          ['PATCH', `/pacticipants/${enc(name)}`, 'pacticipant'],
          ['PUT', `/pacticipants/Foo/versions/${enc(name)}`, 'version'],
          ['PUT', `/pacticipants/Foo/versions/2.0.0/tags/${enc(name)}`, 'tag'],
          ['PUT', `/pacticipants/Foo/branches/${enc(name)}/versions/2.0.0`, 'branch'],
          ['PUT', `/pacticipants/Foo/labels/${enc(name)}`, 'label'],
          ['PUT', `/pacts/provider/${enc(name)}/consumer/Foo/version/2.0.0`, 'provider'],
          ['PUT', `/pacts/provider/Bar/consumer/Foo/version/${enc(name)}`, 'version'],
        ];
        for (const [method, path, field] of routes) {
          const r = await call(
            method,
            `${broker.url}${path}`,
            method === 'PUT' && path.startsWith('/pacts') ? pactJson('Foo', 'Bar', THINGS) : {},
          );
          expect([method, path, r.status]).toEqual([method, path, 400]);
          expect(r.body.errors[field][0]).toMatch(message);
        }
      }
      // Nothing was created by the refused writes.
      expect((await call('GET', `${broker.url}/pacticipants/Foo/versions/2.0.0`)).status).toBe(404);
      expect(
        (await call('GET', `${broker.url}/pacticipants`)).body._embedded.pacticipants
          .map((p: { name: string }) => p.name)
          .sort(),
      ).toEqual(['Bar', 'Foo']);
    });

    test('in bodies: POST pacticipants, mainBranch, publish (name, version, branch, tags, contracts), versions, environments, verifications, deployments', async () => {
      const content = (c: string, p: string): string =>
        Buffer.from(JSON.stringify(pactJson(c, p, THINGS))).toString('base64');
      for (const [name, message] of BAD) {
        const m = (r: { status: number; body: { errors: Record<string, string[]> } }, field: string): void => {
          expect([field, r.status]).toEqual([field, 400]);
          expect(r.body.errors[field]!.join(' ')).toMatch(message);
        };
        m(await call('POST', `${broker.url}/pacticipants`, { name }), 'name');
        m(await call('PATCH', `${broker.url}/pacticipants/Foo`, { mainBranch: name }), 'mainBranch');
        const publish = (
          over: Record<string, unknown>,
        ): Promise<{ status: number; body: { errors: Record<string, string[]> } }> =>
          call('POST', `${broker.url}/contracts/publish`, {
            pacticipantName: 'Foo',
            pacticipantVersionNumber: '3.0.0',
            contracts: [
              { consumerName: 'Foo', providerName: 'Bar', specification: 'pact', content: content('Foo', 'Bar') },
            ],
            ...over,
          });
        m(await publish({ pacticipantName: name, contracts: [] }), 'pacticipantName');
        m(await publish({ pacticipantVersionNumber: name }), 'pacticipantVersionNumber');
        m(await publish({ branch: name }), 'branch');
        m(await publish({ tags: ['ok', name] }), 'tags');
        m(
          await publish({
            contracts: [
              { consumerName: 'Foo', providerName: name, specification: 'pact', content: content('Foo', name) },
            ],
          }),
          'contracts',
        );
        m(await call('PUT', `${broker.url}/pacticipants/Foo/versions/3.0.1`, { branch: name }), 'branch');
        m(await call('POST', `${broker.url}/environments`, { name, production: false }), 'name');
        const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`);
        m(
          await call('POST', pact.body._links['pb:publish-verification-results'].href, {
            success: true,
            providerApplicationVersion: name,
          }),
          'providerApplicationVersion',
        );
      }
      const env = await call('POST', `${broker.url}/environments`, { name: 'names-env', production: false });
      const dep = await call(
        'POST',
        `${broker.url}/pacticipants/Foo/versions/1.0.0/deployed-versions/environment/${env.body.uuid}`,
        { applicationInstance: 'blue\ngreen' },
      );
      expect(dep.status).toBe(400);
      expect(dep.body.errors.applicationInstance[0]).toMatch(/control characters/);
      expect((await call('GET', `${broker.url}/pacticipants/Foo/versions/3.0.0`)).status).toBe(404);
      expect((await call('GET', `${broker.url}/pacticipants/Foo/versions/3.0.1`)).status).toBe(404);
    });

    test('the longest name (255 bytes) is stored and addressable, also through the official CLI', async () => {
      const long = `${'ü'.repeat(100)}${'v'.repeat(55)}`; // 255 bytes in UTF-8
      expect(Buffer.byteLength(long)).toBe(255);
      expect((await publishViaApi(broker.url, 'Foo', long, 'Bar', THINGS, { tags: [long] })).status).toBe(200);
      const v = await call('GET', `${broker.url}/pacticipants/Foo/versions/${enc(long)}`);
      expect(v.status).toBe(200);
      expect(v.body.number).toBe(long);
      const d = await pactBroker(broker, ['describe-version', '--pacticipant', 'Foo', '--version', long]);
      expect(d.code).toBe(0);
      expect(d.stdout).toContain(long);
    });
  });

  test('pathological JSON is a 400 naming the limit, never a 500: 50,000-deep pact content, bodies and legacy pacts', async () => {
    const pactText = (bodyJson: string): string =>
      `{"consumer":{"name":"Foo"},"provider":{"name":"Bar"},"interactions":[{"description":"d","request":{"method":"GET","path":"/"},"response":{"status":200,"body":${bodyJson}}}]}`;
    const publishRaw = (
      text: string,
      version: string,
    ): Promise<{ status: number; body: { errors: Record<string, string[]> } }> =>
      call('POST', `${broker.url}/contracts/publish`, {
        pacticipantName: 'Foo',
        pacticipantVersionNumber: version,
        contracts: [
          {
            consumerName: 'Foo',
            providerName: 'Bar',
            specification: 'pact',
            content: Buffer.from(text).toString('base64'),
          },
        ],
      });
    const deepPublish = await publishRaw(pactText(deep(50_000)), '4.0.0');
    expect(deepPublish.status).toBe(400);
    expect(deepPublish.body.errors.contracts?.[0]).toMatch(
      /contracts\[0\]\.content nests arrays and objects deeper than 50 levels/,
    );
    const deepBody = await call(
      'POST',
      `${broker.url}/environments`,
      `{"name":"x","production":false,"contacts":${deep(50_000)}}`,
    );
    expect(deepBody.status).toBe(400);
    expect(deepBody.body.errors.body[0]).toMatch(/deeper than 50 levels/);
    const legacy = await call(
      'PUT',
      `${broker.url}/pacts/provider/Bar/consumer/Foo/version/4.0.1`,
      pactText(deep(50_000)),
    );
    expect(legacy.status).toBe(400);
    const ws = await call('POST', `${broker.url}/webhooks`, `{"request":${deep(50_000)}}`);
    expect(ws.status).toBe(400);
    // Brackets inside strings do not count; 50 levels in all is the limit, as the Pact Broker's max_nesting.
    expect((await publishRaw(pactText(`"${'['.repeat(1000)}"`), '4.0.2')).status).toBe(200);
    // The body sits 4 levels down (the pact, interactions, an interaction, its response): 46 more is the most.
    expect((await publishRaw(pactText(deep(46)), '4.0.3')).status).toBe(200);
    expect((await publishRaw(pactText(deep(47)), '4.0.4')).status).toBe(400);
    expect((await call('GET', `${broker.url}/pacticipants/Foo/versions/4.0.0`)).status).toBe(404);
    expect((await call('GET', `${broker.url}/`)).status).toBe(200);
  });

  describe('webhook targets are checked against the allow-lists', () => {
    test("defaults (the Pact Broker's): https only, POST only, any host but this machine's loopback and link-local addresses", async () => {
      const errorsFor = async (url: string, method = 'POST'): Promise<Record<string, string[]> | undefined> => {
        const r = await call('POST', `${broker.url}/webhooks`, {
          events: [{ name: 'contract_published' }],
          request: { method, url },
        });
        if (r.status === 201) {
          expect((await call('DELETE', `${broker.url}/webhooks/${r.body.uuid}`)).status).toBe(204);
          return undefined;
        }
        expect(r.status).toBe(400);
        return r.body.errors;
      };
      expect(await errorsFor('https://ci.example.com/hooks/${pactbroker.consumerName}')).toBeUndefined();
      expect(await errorsFor('https://10.1.2.3/private-network-ci')).toBeUndefined(); // private networks are allowed, as in the Pact Broker
      expect((await errorsFor('http://ci.example.com/x'))!['request.url']![0]).toMatch(
        /^scheme must be https\. Other schemes need --webhook-schemes/,
      );
      expect((await errorsFor('ftp://ci.example.com/x'))!['request.url']![0]).toMatch(/^scheme must be https/);
      for (const local of [
        'https://127.0.0.1:9292/webhooks',
        'https://localhost/x',
        'https://foo.localhost/x',
        'https://[::1]:8080/',
        'https://169.254.169.254/latest/meta-data',
        'https://0.0.0.0/',
        'https://[::ffff:127.0.0.1]/',
      ]) {
        const e = await errorsFor(local);
        expect([local, e?.['request.url']?.[0]]).toEqual([
          local,
          expect.stringMatching(
            /is this machine or a link-local address: a webhook may call it only when the host allow-list names it/,
          ),
        ]);
      }
      expect((await errorsFor('https://${pactbroker.consumerName}.example.com/x'))!['request.url']).toEqual([
        'cannot have a template parameter in the host',
      ]);
      expect((await errorsFor('not a url'))!['request.url']).toEqual(['is not a valid URL eg. http://example.org']);
      expect((await errorsFor('https://ci.example.com/x', 'PUT'))!['request.method']![0]).toMatch(
        /^must be POST\. Other methods need --webhook-methods/,
      );
      expect((await errorsFor('https://ci.example.com/x', 'FETCH'))!['request.method']).toEqual([
        'is not a recognised HTTP method',
      ]);
    });

    test('configured lists: names, *.domain, CIDR ranges and /regex/; loopback only when named', async () => {
      const b = await startTestBroker({
        webhookPolicy: {
          schemes: ['https', 'http'],
          methods: ['POST', 'PUT'],
          hosts: ['ci.example.com', '*.corp.example', '10.0.0.0/8', '/^hooks-\\d+\\.example\\.net$/', '127.0.0.1'],
        },
      });
      try {
        const status = async (url: string, method = 'POST'): Promise<number> =>
          (
            await call('POST', `${b.url}/webhooks`, {
              events: [{ name: 'contract_published' }],
              request: { method, url },
            })
          ).status;
        for (const ok of [
          'https://ci.example.com/x',
          'http://jenkins.corp.example/x',
          'https://10.20.30.40/x',
          'https://hooks-42.example.net/x',
          'http://127.0.0.1:9/x',
        ])
          expect([ok, await status(ok)]).toEqual([ok, 201]);
        expect(await status('https://ci.example.com/x', 'PUT')).toBe(201);
        for (const bad of [
          'https://other.example.com/x',
          'https://a.b.corp.example/x',
          'https://11.0.0.1/x',
          'https://hooks-x.example.net/x',
          'https://localhost/x',
          'https://[::1]/x',
        ]) {
          expect([bad, await status(bad)]).toEqual([bad, 400]);
        }
        const msg = await call('POST', `${b.url}/webhooks`, {
          request: { method: 'POST', url: 'https://other.example.com/x' },
        });
        expect(msg.body.errors['request.url'][0]).toMatch(
          /^host must be in the whitelist "ci\.example\.com", "\*\.corp\.example", "10\.0\.0\.0\/8"/,
        );
      } finally {
        await b.stop();
      }
    });

    test('at execution: a name that resolves to a loopback address is refused, and a webhook saved under another policy is checked again', async () => {
      // A name that is not a loopback name but resolves to one (Debian maps the host name to 127.0.1.1; Docker has ip6-localhost).
      let name: string | undefined;
      for (const candidate of [os.hostname(), 'ip6-localhost', 'ip6-loopback', 'localhost.localdomain']) {
        const addresses = await dns.promises.lookup(candidate, { all: true }).catch(() => []);
        if (addresses.length > 0 && addresses.every((a) => /^127\.|^::1$/.test(a.address))) {
          name = candidate;
          break;
        }
      }
      if (name === undefined)
        throw new Error(
          `no host name on this machine resolves to a loopback address (tried ${os.hostname()}, ip6-localhost, ip6-loopback)`,
        );
      const received: string[] = [];
      const receiver = http.createServer((req, res) => {
        received.push(req.url ?? '');
        res.end('{}');
      });
      await new Promise<void>((r) => receiver.listen(0, () => r()));
      const rport = (receiver.address() as AddressInfo).port;
      const open = await startTestBroker({ webhookPolicy: { schemes: ['http'] }, webhookRetryDelaysMs: [] });
      try {
        const saved = await call('POST', `${open.url}/webhooks`, webhookBody(`http://${name}:${rport}/rebound`));
        expect(saved.status).toBe(201);
        const run = await call('POST', `${open.url}/webhooks/${saved.body.uuid}/execute`);
        expect(run.body.success).toBe(false);
        expect(run.body.logs).toMatch(/resolves to (127\.[\d.]+|::1), a loopback or link-local address/);
        // Saved while 127.0.0.1 was allowed, executed by a broker that no longer allows it: refused, logged.
        const allowed = await call(
          'PUT',
          `${open.url}/webhooks/saved-under-old-policy`,
          webhookBody(`http://127.0.0.1:${rport}/old`),
        );
        expect(allowed.status).toBe(400); // this broker refuses it at save time...
        const other = await startTestBroker({
          dbFile: open.dbFile,
          databaseUrl: open.databaseUrl,
          webhookPolicy: { schemes: ['http'], hosts: ['127.0.0.1'] },
        });
        try {
          expect(
            (
              await call(
                'PUT',
                `${other.url}/webhooks/saved-under-old-policy`,
                webhookBody(`http://127.0.0.1:${rport}/old`),
              )
            ).status,
          ).toBe(201);
        } finally {
          await other.stop();
        }
        const again = await call('POST', `${open.url}/webhooks/saved-under-old-policy/execute`);
        expect(again.body.success).toBe(false);
        expect(again.body.logs).toMatch(/Refused by the webhook policy: url host 127\.0\.0\.1 is this machine/);
        expect(received).toEqual([]);
      } finally {
        await open.stop();
        receiver.close();
      }
    });

    test("without a host list the response is not logged (the Pact Broker's rule); with one it is", async () => {
      const lan = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
      if (lan === undefined) throw new Error('this machine has no non-loopback IPv4 address to receive the webhook on');
      const receiver = http.createServer((_req, res) => {
        res.writeHead(200, { 'X-Secret-Header': 'internal-value' });
        res.end('internal response body');
      });
      await new Promise<void>((r) => receiver.listen(0, lan.address, () => r()));
      const url = `http://${lan.address}:${(receiver.address() as AddressInfo).port}/hook`;
      const hidden = await startTestBroker({ webhookPolicy: { schemes: ['http'] } });
      const shown = await startTestBroker({ webhookPolicy: { schemes: ['http'], hosts: [lan.address] } });
      try {
        for (const [b, show] of [
          [hidden, false],
          [shown, true],
        ] as const) {
          const w = await call('POST', `${b.url}/webhooks`, webhookBody(url));
          expect(w.status).toBe(201);
          const run = await call('POST', `${b.url}/webhooks/${w.body.uuid}/execute`);
          expect(run.body.success).toBe(true);
          expect(run.body.logs.includes('internal response body')).toBe(show);
          expect(run.body.logs.includes('internal-value')).toBe(show);
          expect(run.body.logs.includes('For security purposes, the response details are not logged')).toBe(!show);
        }
      } finally {
        await hidden.stop();
        await shown.stop();
        receiver.close();
      }
    });
  });
});
