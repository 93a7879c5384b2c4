// Bad input gets a clear JSON error with the right status: 400, 404, 405, 409, 413, 415.
import http from 'node:http';
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

let broker: TestBroker;
forEachStore(() => {
  beforeAll(async () => {
    broker = await startTestBroker({ maxBodyBytes: 64 * 1024 });
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' });
  });
  afterAll(async () => broker.stop());

  const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');

  test('malformed JSON -> 400 naming the problem, with a JSON content type', async () => {
    const r = await call('POST', `${broker.url}/contracts/publish`, '{"pacticipantName": "Foo",');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/hal\+json/);
    expect(r.body.errors.body[0]).toMatch(/not valid JSON/);
    const arr = await call('POST', `${broker.url}/environments`, '[1,2]');
    expect(arr.status).toBe(400);
    expect(arr.body.errors.body[0]).toMatch(/JSON object/);
  });

  test('publish validation: required fields, base64 content, consumer/provider names', async () => {
    const missing = await call('POST', `${broker.url}/contracts/publish`, { contracts: [] });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.errors).sort()).toEqual([
      'contracts',
      'pacticipantName',
      'pacticipantVersionNumber',
    ]);
    const notB64 = await call('POST', `${broker.url}/contracts/publish`, {
      pacticipantName: 'Foo',
      pacticipantVersionNumber: '2',
      contracts: [
        {
          consumerName: 'Foo',
          providerName: 'Bar',
          specification: 'pact',
          contentType: 'application/json',
          content: b64('not json {'),
        },
      ],
    });
    expect(notB64.status).toBe(400);
    expect(notB64.body.errors.contracts[0]).toMatch(/not valid base64-encoded JSON/);
    const wrongConsumer = await call('POST', `${broker.url}/contracts/publish`, {
      pacticipantName: 'Foo',
      pacticipantVersionNumber: '2',
      contracts: [
        {
          consumerName: 'Other',
          providerName: 'Bar',
          specification: 'pact',
          contentType: 'application/json',
          content: b64(pactJson('Other', 'Bar', THINGS)),
        },
      ],
    });
    expect(wrongConsumer.status).toBe(400);
    expect(wrongConsumer.body.errors.contracts.join(' ')).toMatch(/must match pacticipantName/);
    const mismatch = await call('POST', `${broker.url}/contracts/publish`, {
      pacticipantName: 'Foo',
      pacticipantVersionNumber: '2',
      contracts: [
        {
          consumerName: 'Foo',
          providerName: 'Bar',
          specification: 'pact',
          contentType: 'application/json',
          content: b64(pactJson('Foo', 'Elsewhere', THINGS)),
        },
      ],
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors.contracts[0]).toMatch(
      /provider name in the pact content \(Elsewhere\) does not match providerName \(Bar\)/,
    );
    // Nothing was created by the failed publications.
    expect((await call('GET', `${broker.url}/pacticipants/Foo/versions/2`)).status).toBe(404);
  });

  test('legacy PUT: a pact whose consumer or provider disagrees with the URL -> 400; otherwise 201 then 200', async () => {
    const bad = await call(
      'PUT',
      `${broker.url}/pacts/provider/Bar/consumer/Foo/version/3.0.0`,
      pactJson('Foo', 'NotBar', THINGS),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.pact[0]).toMatch(
      /provider name in pact \(NotBar\) does not match provider name in path \(Bar\)/,
    );
    const created = await call(
      'PUT',
      `${broker.url}/pacts/provider/Bar/consumer/Foo/version/3.0.0`,
      pactJson('Foo', 'Bar', THINGS),
    );
    expect(created.status).toBe(201);
    const again = await call(
      'PUT',
      `${broker.url}/pacts/provider/Bar/consumer/Foo/version/3.0.0`,
      pactJson('Foo', 'Bar', THINGS),
    );
    expect(again.status).toBe(200);
  });

  test('unknown pacticipants, versions, environments and pacts -> 404', async () => {
    expect((await call('GET', `${broker.url}/pacticipants/Ghost`)).status).toBe(404);
    const v = await call('GET', `${broker.url}/pacticipants/Foo/versions/404.0`);
    expect(v.status).toBe(404);
    expect(v.body.error).toMatch(/No version '404.0' of pacticipant 'Foo'/);
    expect((await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Ghost/latest`)).status).toBe(404);
    expect((await call('GET', `${broker.url}/environments/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect(
      (await call('POST', `${broker.url}/pacticipants/Foo/versions/1.0.0/deployed-versions/environment/nope`, {}))
        .status,
    ).toBe(404);
    expect((await call('GET', `${broker.url}/no/such/resource`)).status).toBe(404);
    const cli = await pactBroker(broker, [
      'record-deployment',
      '--pacticipant',
      'Foo',
      '--version',
      '9.9.9',
      '--environment',
      'production',
    ]);
    expect(cli.code).not.toBe(0);
  });

  test('oversized bodies -> 413 with the documented limit', async () => {
    const big = 'x'.repeat(70 * 1024);
    const r = await call(
      'POST',
      `${broker.url}/contracts/publish`,
      JSON.stringify({ pacticipantName: 'Foo', padding: big }),
    );
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/exceeds the limit of 65536 bytes/);
    // Streamed (chunked, no Content-Length) bodies are cut off at the limit too.
    const chunked = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${broker.url}/contracts/publish`);
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(chunked).toBe(413);
    // The broker keeps serving afterwards.
    expect((await call('GET', `${broker.url}/`)).status).toBe(200);
  });

  test('unsupported methods -> 405 with Allow; unsupported content types -> 415', async () => {
    const r = await call('DELETE', `${broker.url}/matrix`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toContain('GET');
    expect(r.body.error).toMatch(/Method DELETE is not allowed on \/matrix/);
    expect((await call('PATCH', `${broker.url}/contracts/publish`, {})).status).toBe(405);
    const xml = await call('POST', `${broker.url}/environments`, '<env/>', { 'Content-Type': 'application/xml' });
    expect(xml.status).toBe(415);
  });

  test('conflicting content for the same consumer version -> 409 with a diff, unless allowed', async () => {
    const changed = [{ description: 'a request for other things', path: '/other', body: { x: 1 } }];
    const r = await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', changed, { branch: 'main' });
    expect(r.status).toBe(409);
    expect(r.body.errors.contracts[0]).toMatch(
      /Cannot change the content of the pact for Foo version 1.0.0 and provider Bar/,
    );
    expect(r.body.notices.map((n: { text: string }) => n.text).join('\n')).toContain(
      '+ interaction "a request for other things"',
    );
    const same = await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' });
    expect(same.status).toBe(200);
    const put = await call(
      'PUT',
      `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`,
      pactJson('Foo', 'Bar', changed),
    );
    expect(put.status).toBe(409);

    const lenient = await startTestBroker({ allowContractModification: true });
    try {
      expect((await publishViaApi(lenient.url, 'Foo', '1.0.0', 'Bar', THINGS)).status).toBe(200);
      expect((await publishViaApi(lenient.url, 'Foo', '1.0.0', 'Bar', changed)).status).toBe(200);
      const pact = await call('GET', `${lenient.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`);
      expect(pact.body.interactions.map((i: { description: string }) => i.description)).toEqual([
        'a request for other things',
      ]);
    } finally {
      await lenient.stop();
    }
  });

  test('matrix, pacts-for-verification, verification results and environments validate their input', async () => {
    const m = await call('GET', `${broker.url}/matrix?q[][pacticipant]=Ghost&q[][version]=1&latestby=cvpv`);
    expect(m.status).toBe(400);
    expect(m.body.errors).toEqual(['Pacticipant Ghost not found']);
    const cli = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Ghost',
      '--version',
      '1',
      '--to-environment',
      'production',
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stdout + cli.stderr).toContain('Pacticipant Ghost not found');
    const noEnv = await call('GET', `${broker.url}/matrix?q[][pacticipant]=Foo&q[][version]=1.0.0&environment=mars`);
    expect(noEnv.status).toBe(400);

    const sel = await call('POST', `${broker.url}/pacts/provider/Bar/for-verification`, {
      consumerVersionSelectors: [{ tag: 'a', branch: 'b' }, { environment: 'mars' }, { consumer: 'Foo' }],
    });
    expect(sel.status).toBe(400);
    const errs: string = sel.body.errors.consumerVersionSelectors.join('\n');
    expect(errs).toMatch(/tag and branch cannot be used together/);
    expect(errs).toMatch(/environment with name 'mars' does not exist/);
    expect(errs).toMatch(/consumerVersionSelectors\[2\] must contain at least one of/);
    const wip = await call('POST', `${broker.url}/pacts/provider/Bar/for-verification`, {
      consumerVersionSelectors: [{ mainBranch: true }],
      includeWipPactsSince: 'yesterday-ish',
    });
    expect(wip.status).toBe(400);

    const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`);
    const results = await call('POST', pact.body._links['pb:publish-verification-results'].href, {
      success: 'yes',
      buildUrl: 'not a url',
    });
    expect(results.status).toBe(400);
    expect(Object.keys(results.body.errors).sort()).toEqual(['buildUrl', 'providerApplicationVersion', 'success']);

    const env = await call('POST', `${broker.url}/environments`, { name: 'has space' });
    expect(env.status).toBe(400);
    expect(Object.keys(env.body.errors).sort()).toEqual(['name', 'production']);
    expect((await call('POST', `${broker.url}/environments`, { name: 'prod', production: true })).status).toBe(201);
    const dup = await call('POST', `${broker.url}/environments`, { name: 'prod', production: true });
    expect(dup.status).toBe(400);
    expect(dup.body.errors.name[0]).toMatch(/already exists/);
  });
});
