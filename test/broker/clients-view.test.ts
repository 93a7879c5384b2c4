// The clients' view: the answers the official clients read, as the Pact Broker gives them. Each case drives the
// behaviour through the official `pact broker` CLI or the pact-js Verifier where they use it; otherwise it names the
// Pact Broker source (pact-foundation/pact_broker) whose behaviour it mirrors.
import path from 'node:path';
import {
  call,
  forEachStore,
  LOCAL_WEBHOOKS,
  pactBroker,
  publishViaApi,
  startTestBroker,
  type TestBroker,
  THINGS,
  writePact,
} from './helpers';
import { verifyWithProvider } from './verifier-helper';

jest.setTimeout(120_000);

const OTHER = [{ description: 'a request for other things', path: '/other', body: { other: true } }];
const ABC = [{ description: 'a request for abc', path: '/abc', body: { abc: 1 } }];

let broker: TestBroker;
forEachStore(() => {
  beforeEach(async () => {
    broker = await startTestBroker({ webhookPolicy: LOCAL_WEBHOOKS });
  });
  afterEach(async () => {
    await broker.app.webhooks.idle();
    await broker.stop();
  });

  async function verify(
    consumer: string,
    consumerVersion: string,
    provider: string,
    providerVersion: string,
    success: boolean,
  ): Promise<void> {
    const pact = await call(
      'GET',
      `${broker.url}/pacts/provider/${provider}/consumer/${consumer}/version/${consumerVersion}`,
    );
    expect(pact.status).toBe(200);
    expect(
      (
        await call('POST', pact.body._links['pb:publish-verification-results'].href, {
          success,
          providerApplicationVersion: providerVersion,
        })
      ).status,
    ).toBe(201);
  }
  const rows = (body: {
    matrix: {
      consumer: { version: { number: string } };
      provider: { name: string; version: { number: string } | null };
      ignored?: boolean;
    }[];
  }): string[] =>
    body.matrix.map(
      (r) =>
        `${r.consumer.version.number}>${r.provider.name}@${r.provider.version?.number ?? '-'}${r.ignored === true ? ' ignored' : ''}`,
    );

  test('pacticipants: the older relation names beside the pb: ones (list-pacticipants reads the top-level `pacticipants`)', async () => {
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '1.1.0', 'Bar', THINGS, { branch: 'main' });
    const list = await pactBroker(broker, ['list-pacticipants']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/"Bar"[\s\S]*"Foo"/);
    // decorators/pacticipants_decorator.rb (DeprecatedPacticipantsDecorator) and pacticipant_decorator.rb.
    const all = await call('GET', `${broker.url}/pacticipants`);
    expect(all.body._links['pb:pacticipants']).toEqual([
      { href: `${broker.url}/pacticipants/Bar`, title: 'Pacticipant', name: 'Bar' },
      { href: `${broker.url}/pacticipants/Foo`, title: 'Pacticipant', name: 'Foo' },
    ]);
    expect(all.body._links.pacticipants).toEqual([
      { href: `${broker.url}/pacticipants/Bar`, title: 'Bar', name: 'DEPRECATED - please use pb:pacticipants' },
      { href: `${broker.url}/pacticipants/Foo`, title: 'Foo', name: 'DEPRECATED - please use pb:pacticipants' },
    ]);
    const foo = all.body.pacticipants.find((p: { name: string }) => p.name === 'Foo');
    expect(foo.title).toBe('DEPRECATED - Please use the embedded pacticipants collection');
    for (const p of [
      foo,
      all.body._embedded.pacticipants.find((x: { name: string }) => x.name === 'Foo'),
      (await call('GET', `${broker.url}/pacticipants/Foo`)).body,
    ]) {
      expect(p._embedded.latestVersion.number).toBe('1.1.0');
      expect(p._embedded['latest-version']).toMatchObject({
        number: '1.1.0',
        title: 'DEPRECATED - please use latestVersion',
        _links: { self: { href: `${broker.url}/pacticipants/Foo/versions/1.1.0` } },
      });
      expect(p._links.versions).toEqual({
        title: 'Deprecated - use pb:versions',
        href: `${broker.url}/pacticipants/Foo/versions`,
      });
      expect(p._links['pb:versions'].href).toBe(`${broker.url}/pacticipants/Foo/versions`);
    }
    const describe = await pactBroker(broker, ['describe-pacticipant', '--name', 'Foo']);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toContain('main');
  });

  test('matrix rows: counted rows first, then ignored ones (the CLI prints them in that order)', async () => {
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Abc', ABC, { branch: 'main' });
    await verify('Foo', '1.0.0', 'Bar', '10', true);
    await verify('Foo', '1.0.0', 'Abc', '7', false);
    const cli = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Foo',
      '--version',
      '1.0.0',
      '--ignore',
      'Abc',
    ]);
    expect(cli.code).toBe(0);
    const bar = cli.stdout.indexOf('│ Foo      ┆ 1.0.0     ┆ Bar');
    const abc = cli.stdout.indexOf('│ Foo      ┆ 1.0.0     ┆ Abc');
    expect(bar).toBeGreaterThan(0);
    expect(abc).toBeGreaterThan(bar); // by name Abc would come first: counted rows lead
    const json = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Foo',
      '--version',
      '1.0.0',
      '--ignore',
      'Abc',
      '--output',
      'json',
    ]);
    const body = JSON.parse(json.stdout.slice(json.stdout.indexOf('{')));
    expect(rows(body)).toEqual(['1.0.0>Bar@10', '1.0.0>Abc@7 ignored']);
    expect(body.summary).toMatchObject({ deployable: true, success: 1, failed: 0, ignored: 1 });
  });

  test('/matrix honours success[] and pads no rows for consumer versions that have verifications', async () => {
    // matrix/parse_query.rb (success[]), matrix/repository.rb apply_success_filter, and
    // matrix/matrix_row_dataset_module.rb matching_only_selectors_joining_verifications: a left join of the pacts
    // with the verifications by the selected provider versions (a null row only for a pact none of them verified).
    await publishViaApi(broker.url, 'Foo', '1', 'Bar', OTHER, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '2', 'Bar', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '3', 'Bar', [...THINGS, ...ABC], { branch: 'main' });
    await verify('Foo', '2', 'Bar', '10', true);
    await verify('Foo', '3', 'Bar', '11', false);
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/12`, {})).status).toBe(201); // verified nothing
    const m = async (q: string): Promise<{ status: number; body: any }> =>
      call('GET', `${broker.url}/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar${q}`); // eslint-disable-line @typescript-eslint/no-explicit-any
    const all = await m('');
    expect(all.status).toBe(200);
    expect(rows(all.body)).toEqual(['3>Bar@11', '2>Bar@10', '1>Bar@-']);
    expect(rows((await m('&success[]=true')).body)).toEqual(['2>Bar@10']);
    expect(rows((await m('&success[]=false')).body)).toEqual(['3>Bar@11']);
    expect(rows((await m('&success[]=')).body)).toEqual(['1>Bar@-']);
    expect(rows((await m('&success[]=true&success[]=false')).body)).toEqual(['3>Bar@11', '2>Bar@10']);
    const ok = (await m('&success[]=true')).body;
    expect(ok.summary).toMatchObject({ deployable: true, success: 1, failed: 0, unknown: 0 });
  });

  test('the latest pact carries X-Pact-Consumer-Version (latest, by tag, by branch, untagged); a pact by version does not', async () => {
    // api/resources/latest_pact.rb: response.headers["X-Pact-Consumer-Version"] = pact.consumer_version_number.
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main', tags: ['prod'] });
    await publishViaApi(broker.url, 'Foo', '1.1.0', 'Bar', THINGS, { branch: 'feat' });
    await publishViaApi(broker.url, 'Foo', '0.9.0-untagged', 'Bar', OTHER);
    const header = async (p: string): Promise<string | null> => {
      const r = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/${p}`);
      expect([p, r.status]).toEqual([p, 200]);
      return r.headers.get('x-pact-consumer-version');
    };
    expect(await header('latest')).toBe('0.9.0-untagged');
    expect(await header('latest/prod')).toBe('1.0.0');
    expect(await header('branch/feat/latest')).toBe('1.1.0');
    expect(await header('latest-untagged')).toBe('0.9.0-untagged');
    expect(await header('version/1.0.0')).toBeNull();
  });

  test('webhook validation errors use the Pact Broker keys (the CLI prints them)', async () => {
    // api/contracts/webhook_contract.rb, webhook_request_contract.rb and webhook_pacticipant_contract.rb, with
    // the keys flattened as dry_validation_errors_formatter.rb does.
    await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS);
    const strict = await startTestBroker();
    try {
      const ghost = await pactBroker(strict, [
        'create-webhook',
        'https://ci.example.com/x',
        '--request',
        'POST',
        '--contract-published',
        '--consumer',
        'Ghost',
      ]);
      expect(ghost.code).toBe(1);
      expect(ghost.stdout + ghost.stderr).toContain('consumer.name: does not match an existing pacticipant');
      const ghostProvider = await pactBroker(strict, [
        'create-webhook',
        'https://ci.example.com/x',
        '--request',
        'POST',
        '--contract-published',
        '--consumer-label',
        'team-a',
        '--provider',
        'Ghost',
      ]);
      expect(ghostProvider.stdout + ghostProvider.stderr).toContain(
        'provider.name: does not match an existing pacticipant',
      );
      const http = await pactBroker(strict, [
        'create-webhook',
        'http://ci.example.com/x',
        '--request',
        'POST',
        '--contract-published',
      ]);
      expect(http.stdout + http.stderr).toContain('request.url: scheme must be https.');
      const put = await pactBroker(strict, [
        'create-webhook',
        'https://ci.example.com/x',
        '--request',
        'PUT',
        '--contract-published',
      ]);
      expect(put.stdout + put.stderr).toContain('request.method: must be POST.');
    } finally {
      await strict.stop();
    }
    const r = await call('POST', `${broker.url}/webhooks`, {
      consumer: { name: null },
      provider: { name: 'Foo', label: 'x' },
      events: [],
      enabled: 'yes',
      request: { method: 'POST' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual({
      'consumer.name': ['cannot be blank'],
      'provider.label': ['name and label cannot be provided at the same time'],
      events: ['size cannot be less than 1'],
      'request.url': ['is missing'],
      enabled: ['must be boolean'],
    });
    const ev = await call('PUT', `${broker.url}/webhooks/short`, {
      events: [{ name: 'contract_published' }, { name: 'nope' }],
      request: { method: 'POST', url: 'http://127.0.0.1:9/x' },
    });
    expect(ev.body.errors.events[0]).toMatch(/^name must be one of: contract_published, .* \(at index 1\)$/);
    expect(ev.body.errors.uuid).toEqual([
      'The UUID can only contain the characters A-Z, a-z, 0-9, _ and -, and must be 16 or more characters.',
    ]);
    expect((await call('POST', `${broker.url}/webhooks`, {})).body.errors).toEqual({ request: ['is missing'] });
  });

  test("use_first_tag_as_branch: a new version's first tag becomes its branch (CLI publish --tag, the Verifier's providerVersionTags)", async () => {
    // versions/service.rb maybe_set_version_branch_from_tag, called by tags/service.rb before the tag is created.
    const dir = path.join(broker.dir, 'pacts');
    writePact(dir, 'Foo', 'Bar', THINGS);
    expect(
      (await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.0.0', '--tag', 'feat-x,dev'])).code,
    ).toBe(0);
    const branches = async (p: string, v: string): Promise<string[]> =>
      (await call('GET', `${broker.url}/pacticipants/${p}/versions/${v}`)).body._embedded.branches.map(
        (b: { name: string }) => b.name,
      );
    expect(await branches('Foo', '1.0.0')).toEqual(['feat-x']);
    // An explicit branch wins; the tags stay tags.
    expect(
      (
        await pactBroker(broker, [
          'publish',
          dir,
          '--consumer-app-version',
          '1.0.1',
          '--branch',
          'main',
          '--tag',
          'feat-y',
        ])
      ).code,
    ).toBe(0);
    expect(await branches('Foo', '1.0.1')).toEqual(['main']);
    // The Verifier tags its provider version before publishing results: the first tag is its branch.
    const out = await verifyWithProvider(
      { things: [1, 2] },
      {
        pactBrokerUrl: broker.url,
        consumerVersionSelectors: [{ latest: true }],
        publishVerificationResult: true,
        providerVersion: '2.0.0',
        providerVersionTags: ['dev', 'ci'],
      },
    );
    expect(out.ok).toBe(true);
    expect(await branches('Bar', '2.0.0')).toEqual(['dev']);
    // A version that already has tags, or is older than the time limit, keeps having no branch.
    expect((await call('PUT', `${broker.url}/pacticipants/Foo/versions/1.0.0/tags/later`, {})).status).toBe(201);
    expect(await branches('Foo', '1.0.0')).toEqual(['feat-x']);
  });

  test('use_first_tag_as_branch: only within the time limit, and not when turned off', async () => {
    const windowless = await startTestBroker({ firstTagAsBranchTimeLimitSeconds: 0 });
    const off = await startTestBroker({ useFirstTagAsBranch: false });
    try {
      for (const b of [windowless, off]) {
        expect((await publishViaApi(b.url, 'Foo', '1.0.0', 'Bar', THINGS)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 20)); // the version is now older than a 0 s window
        const tag = await pactBroker(b, [
          'create-version-tag',
          '--pacticipant',
          'Foo',
          '--version',
          '1.0.0',
          '--tag',
          'late',
        ]);
        expect(tag.code).toBe(0);
        expect((await call('GET', `${b.url}/pacticipants/Foo/versions/1.0.0`)).body._embedded.branches).toEqual([]);
      }
      expect((await publishViaApi(off.url, 'Foo', '2.0.0', 'Bar', THINGS, { tags: ['feat'] })).status).toBe(200);
      expect((await call('GET', `${off.url}/pacticipants/Foo/versions/2.0.0`)).body._embedded.branches).toEqual([]);
    } finally {
      await windowless.stop();
      await off.stop();
    }
  });

  test('pact diffs: pb:diff-previous-distinct and pb:diff in the text format of pacts/diff.rb', async () => {
    // api/resources/pact_content_diff.rb (text/plain), pacts/diff.rb (title, when, links) and
    // create_formatted_diff.rb (pact-support's UnixDiffFormatter over the sorted pacts without ids).
    await publishViaApi(broker.url, 'Foo', '1', 'Bar', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '2', 'Bar', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Foo', '3', 'Bar', [{ ...THINGS[0]!, body: { things: [1, 2, 3] } }], {
      branch: 'main',
    });
    const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/3`);
    expect(pact.body._links['pb:diff-previous-distinct']).toEqual({
      title: 'Diff with previous distinct version of this pact',
      href: `${broker.url}/pacts/provider/Bar/consumer/Foo/version/3/diff/previous-distinct`,
    });
    expect(pact.body._links['pb:diff']).toMatchObject({
      title: 'Diff with another specified version of this pact',
      templated: true,
    });
    const res = await fetch(pact.body._links['pb:diff-previous-distinct'].href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(
      /^# Diff between versions 2 and 3 of the pact between Foo and Bar\n\nThe following changes were made less than a minute ago \(\w{3} \d{2} \w{3} \d{4}, +\d{1,2}:\d{2}[ap]m [+-]\d{2}:\d{2}\)\n\n/,
    );
    // Three lines of context before the change; the first hunk header is dropped, as UnixDiffFormatter does.
    expect(text).toContain(
      ['\n\n           "things": [', '             ... ,', '             ... ,', '+            3', '           ]'].join(
        '\n',
      ),
    );
    expect(text).toContain(
      `## Links\n\npact-version:\n  title: Pact\n  name: Pact between Foo (3) and Bar\n  href: ${broker.url}/pacts/provider/Bar/consumer/Foo/version/3\ncomparison-pact-version:\n  title: Pact\n  name: Pact between Foo (2) and Bar\n  href: ${broker.url}/pacts/provider/Bar/consumer/Foo/version/2\n`,
    );
    // The other direction, through the templated pb:diff (pact version shas).
    const old = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1`);
    const href = String(old.body._links['pb:diff'].href).replace(
      '{pactVersion}',
      pact.body._links['pb:pact-version'].name,
    );
    const back = await (await fetch(href)).text();
    expect(back).toMatch(/^# Diff between versions 3 and 2 of the pact between Foo and Bar/);
    expect(back).toContain('-            3');
    const byVersion = await (
      await fetch(`${broker.url}/pacts/provider/Bar/consumer/Foo/version/3/diff/version/1`)
    ).text();
    expect(byVersion).toMatch(/^# Diff between versions 1 and 3 /);
    const first = await (
      await fetch(`${broker.url}/pacts/provider/Bar/consumer/Foo/version/1/diff/previous-distinct`)
    ).text();
    expect(first).toBe('No previous distinct version was found for Pact between Foo (1) and Bar');
    expect(
      (await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/9/diff/previous-distinct`)).status,
    ).toBe(404);
  });
});
