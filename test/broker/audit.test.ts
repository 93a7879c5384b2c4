// Issue 3 audit, as a user would meet it over real HTTP and the official `pact broker` CLI: the can-i-deploy
// reason for each case (no verification, failed, pending, unknown version, provider not in the environment,
// unknown environment), released versions and end of support, tags named after an environment recording a
// deployment (create_deployed_versions_for_tags), `--branch` head vs every version on the branch, README badges
// (SVG), and the webhook variables of a failed verification.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { startBroker } from '../../src/broker';
import {
  call,
  forEachStore,
  type InteractionSpec,
  pactBroker,
  publishViaApi,
  startTestBroker,
  type TestBroker,
  THINGS,
  LOCAL_WEBHOOKS,
} from './helpers';

jest.setTimeout(60_000);

const OTHER: InteractionSpec[] = [{ description: 'a request for other things', path: '/other', body: { other: true } }];

let broker: TestBroker;
forEachStore(() => {
  beforeEach(async () => {
    broker = await startTestBroker({ webhookPolicy: LOCAL_WEBHOOKS });
  });
  afterEach(async () => {
    await broker.app.webhooks.idle();
    await broker.stop();
  });

  async function env(name: string, production = false): Promise<string> {
    const r = await call('POST', `${broker.url}/environments`, { name, production });
    expect(r.status).toBe(201);
    return r.body.uuid as string;
  }
  async function deploy(pacticipant: string, version: string, envUuid: string): Promise<void> {
    expect(
      (await call('PUT', `${broker.url}/pacticipants/${pacticipant}/versions/${version}`, {})).status,
    ).toBeLessThan(300);
    expect(
      (
        await call(
          'POST',
          `${broker.url}/pacticipants/${pacticipant}/versions/${version}/deployed-versions/environment/${envUuid}`,
          {},
        )
      ).status,
    ).toBeLessThan(300);
  }
  async function release(pacticipant: string, version: string, envUuid: string): Promise<void> {
    expect(
      (await call('PUT', `${broker.url}/pacticipants/${pacticipant}/versions/${version}`, {})).status,
    ).toBeLessThan(300);
    expect(
      (
        await call(
          'POST',
          `${broker.url}/pacticipants/${pacticipant}/versions/${version}/released-versions/environment/${envUuid}`,
          {},
        )
      ).status,
    ).toBeLessThan(300);
  }
  async function verify(
    consumerVersion: string,
    providerVersion: string,
    success: boolean,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/${consumerVersion}`);
    expect(pact.status).toBe(200);
    const r = await call('POST', pact.body._links['pb:publish-verification-results'].href, {
      success,
      providerApplicationVersion: providerVersion,
      ...extra,
    });
    expect(r.status).toBe(201);
  }
  async function matrix(
    query: string,
  ): Promise<{ deployable: boolean | null; reason: string; status: number; body: any }> {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await call('GET', `${broker.url}/matrix?${query}`);
    return {
      status: r.status,
      deployable: r.body?.summary?.deployable,
      reason: r.body?.summary?.reason ?? '',
      body: r.body,
    };
  }
  const toProd = (v: string): string => `q[][pacticipant]=Foo&q[][version]=${v}&latestby=cvpv&environment=production`;

  test('can-i-deploy reasons: no verification, failed, pending, unknown version, provider not in the environment, unknown environment', async () => {
    const prod = await env('production', true);
    await env('test');
    expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' })).status).toBe(200);
    await deploy('Bar', '2.0.0', prod);

    // No verification: unknown (null), which the CLI reports as "no" (exit 1).
    let m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBeNull();
    expect(m.reason).toContain(
      'There is no verified pact between version 1.0.0 of Foo and the version of Bar currently in production (2.0.0)',
    );
    const cli = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Foo',
      '--version',
      '1.0.0',
      '--to-environment',
      'production',
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stdout + cli.stderr).toMatch(
      /There is no verified pact between version 1\.0\.0 of Foo and the version of Bar currently in production \(2\.0\.0\)/,
    );

    // The provider is not in the environment at all: unknown, saying so.
    m = await matrix('q[][pacticipant]=Foo&q[][version]=1.0.0&latestby=cvpv&environment=test');
    expect(m.deployable).toBeNull();
    expect(m.reason).toContain(
      'a version of Bar currently in test (no version is currently recorded as deployed/released in this environment)',
    );
    // Still a row for the pact, without a provider version: the Pact Broker's left join of the (empty) selected
    // verifications (matrix_row_dataset_module.rb matching_only_selectors_joining_verifications; the inferred
    // selector keeps Bar's id with a nil version, selector_resolver.rb find_versions_for_selector).
    expect(
      m.body.matrix.map((r: any) => [
        r.consumer.version.number,
        r.provider.name,
        r.provider.version,
        r.verificationResult,
      ]),
    ).toEqual([['1.0.0', 'Bar', null, null]]); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.body.summary).toMatchObject({ deployable: null, success: 0, failed: 0, unknown: 1 });

    // Unknown consumer version: false (not unknown), naming the version.
    m = await matrix(toProd('9.9.9'));
    expect(m.deployable).toBe(false);
    expect(m.reason).toContain('No pacts or verifications have been published for version 9.9.9 of Foo');

    // Unknown environment / pacticipant: 400 with the errors array the CLI prints.
    m = await matrix('q[][pacticipant]=Foo&q[][version]=1.0.0&latestby=cvpv&environment=nowhere');
    expect(m.status).toBe(400);
    expect(m.body.errors).toContain("Environment with name 'nowhere' does not exist");
    m = await matrix('q[][pacticipant]=Ghost&q[][version]=1&latestby=cvpv&environment=production');
    expect(m.status).toBe(400);
    expect(m.body.errors).toContain('Pacticipant Ghost not found');

    // Failed verification: false.
    await verify('1.0.0', '2.0.0', false);
    m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBe(false);
    expect(m.reason).toContain(
      'The verification for the pact between version 1.0.0 of Foo and the version of Bar currently in production (2.0.0) failed',
    );

    // A pending pact's failure does not fail the provider build, but it is still a failure for can-i-deploy.
    expect((await publishViaApi(broker.url, 'Foo', '1.1.0', 'Bar', OTHER, { branch: 'feat/new' })).status).toBe(200);
    const pfv = await call('POST', `${broker.url}/pacts/provider/Bar/for-verification`, {
      consumerVersionSelectors: [{ branch: 'feat/new' }],
      includePendingStatus: true,
      providerVersionBranch: 'main',
    });
    expect(pfv.body._embedded.pacts[0].verificationProperties.pending).toBe(true);
    await verify('1.1.0', '2.0.0', false);
    m = await matrix(toProd('1.1.0'));
    expect(m.deployable).toBe(false);
    expect(m.reason).toContain(
      'The verification for the pact between version 1.1.0 of Foo and the version of Bar currently in production (2.0.0) failed',
    );

    // And once verified successfully: yes.
    await verify('1.0.0', '2.0.0', true);
    m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBe(true);
    expect(m.reason).toContain('All required verification results are published and successful');
  });

  test('deployed or released: every supported release must have verified; ending support removes it from the decision', async () => {
    const prod = await env('production', true);
    expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' })).status).toBe(200);
    await deploy('Bar', '2.0.0', prod);
    await verify('1.0.0', '2.0.0', true);
    expect((await matrix(toProd('1.0.0'))).deployable).toBe(true);

    // A supported mobile-style release of the provider that never verified this pact: unknown.
    await release('Bar', '1.4.0', prod);
    let m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBeNull();
    expect(m.reason).toContain('the version of Bar currently in production (1.4.0)');
    // Ending its support (official CLI) removes it: yes again.
    const ended = await pactBroker(broker, [
      'record-support-ended',
      '--pacticipant',
      'Bar',
      '--version',
      '1.4.0',
      '--environment',
      'production',
    ]);
    expect(ended.code).toBe(0);
    m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBe(true);
    // A failing supported release makes it "no".
    await release('Bar', '1.5.0', prod);
    await verify('1.0.0', '1.5.0', false);
    m = await matrix(toProd('1.0.0'));
    expect(m.deployable).toBe(false);
    expect(m.reason).toContain('the version of Bar currently in production (1.5.0) failed');
    // The consumer side: a released consumer version constrains the provider (deployedOrReleased).
    await release('Foo', '1.0.0', prod);
    m = await matrix('q[][pacticipant]=Bar&q[][version]=1.5.0&latestby=cvpv&environment=production');
    expect(m.deployable).toBe(false);
    m = await matrix('q[][pacticipant]=Bar&q[][version]=2.0.0&latestby=cvpv&environment=production');
    expect(m.deployable).toBe(true);
  });

  test('a tag named after an environment records a deployment there (official CLI create-version-tag), unless turned off', async () => {
    const prod = await env('production', true);
    expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main' })).status).toBe(200);
    await verify('1.0.0', '2.0.0', true);
    const tagged = await pactBroker(broker, [
      'create-version-tag',
      '--pacticipant',
      'Bar',
      '--version',
      '2.0.0',
      '--tag',
      'production',
    ]);
    expect(tagged.code).toBe(0);
    const current = async (): Promise<string[]> => {
      const r = await call('GET', `${broker.url}/environments/${prod}/deployed-versions/currently-deployed`);
      return r.body._embedded.deployedVersions.map(
        (d: { _embedded: { version: { number: string } } }) => d._embedded.version.number,
      );
    };
    expect(await current()).toEqual(['2.0.0']);
    expect((await matrix(toProd('1.0.0'))).deployable).toBe(true);
    // Tagging a newer version replaces the deployment (like record-deployment); re-tagging is idempotent.
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/2.1.0/tags/production`, {})).status).toBe(201);
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/2.1.0/tags/production`, {})).status).toBe(200);
    expect(await current()).toEqual(['2.1.0']);
    expect((await matrix(toProd('1.0.0'))).deployable).toBeNull(); // 2.1.0 has not verified 1.0.0
    // A tag that is no environment's name records nothing.
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/2.2.0/tags/prod`, {})).status).toBe(201);
    expect(await current()).toEqual(['2.1.0']);

    // Turned off (--no-tag-deployments / PACT_BROKER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS=false): only the tag.
    const off = await startTestBroker({ createDeployedVersionsForTags: false });
    try {
      const r = await call('POST', `${off.url}/environments`, { name: 'production', production: true });
      expect(r.status).toBe(201);
      expect((await call('PUT', `${off.url}/pacticipants/Bar/versions/2.0.0/tags/production`, {})).status).toBe(201);
      const list = await call('GET', `${off.url}/environments/${r.body.uuid}/deployed-versions/currently-deployed`);
      expect(list.body._embedded.deployedVersions).toEqual([]);
    } finally {
      await off.stop();
    }
  });

  test('--branch checks every version on the branch, as the Pact Broker reads a branch selector without latest; latest=true checks its head', async () => {
    // Mirrors lib/pact_broker/domain/version.rb for_selector: branch + latest -> where_branch_head_name, branch alone
    // -> where_branch_name (every version on it). The Rust CLI sends `--branch main` without latest.
    const prod = await env('production', true);
    await deploy('Bar', '2.0.0', prod);
    expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', OTHER, { branch: 'main' })).status).toBe(200); // not verified yet
    expect((await publishViaApi(broker.url, 'Foo', '1.1.0', 'Bar', THINGS, { branch: 'main' })).status).toBe(200);
    await verify('1.1.0', '2.0.0', true);
    // What the Rust CLI sends for `--branch main --to-environment production`: every version on main; 1.0.0 is unverified.
    const cli = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Foo',
      '--branch',
      'main',
      '--to-environment',
      'production',
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stdout + cli.stderr).toMatch(/version 1\.0\.0 of Foo from branch main/);
    let m = await matrix('q[][pacticipant]=Foo&q[][branch]=main&latestby=cvpv&environment=production');
    expect(m.deployable).toBeNull();
    expect(m.body.matrix.map((r: { consumer: { version: { number: string } } }) => r.consumer.version.number)).toEqual([
      '1.1.0',
      '1.0.0',
    ]);
    expect(m.reason).toContain(
      'There is no verified pact between version 1.0.0 of Foo from branch main and the version of Bar currently in production (2.0.0)',
    );
    // latest=true (what the Ruby CLI sends with --branch): the head, 1.1.0, which is verified.
    m = await matrix('q[][pacticipant]=Foo&q[][branch]=main&q[][latest]=true&latestby=cvpv&environment=production');
    expect(m.deployable).toBe(true);
    expect(m.body.matrix.map((r: { consumer: { version: { number: string } } }) => r.consumer.version.number)).toEqual([
      '1.1.0',
    ]);
    // Once every version on main is verified, the CLI says yes.
    await verify('1.0.0', '2.0.0', true);
    const yes = await pactBroker(broker, [
      'can-i-deploy',
      '--pacticipant',
      'Foo',
      '--branch',
      'main',
      '--to-environment',
      'production',
    ]);
    expect(yes.stdout + yes.stderr).toMatch(/Computer says yes/);
    expect(yes.code).toBe(0);
    m = await matrix('q[][pacticipant]=Foo&q[][branch]=nope&latestby=cvpv&environment=production');
    expect(m.deployable).toBe(false);
    expect(m.reason).toContain('No version of Foo from branch nope exists');
  });

  test('README badges: pact verification status and can-i-deploy as SVG', async () => {
    const svg = async (p: string): Promise<{ status: number; type: string | null; text: string }> => {
      const r = await fetch(`${broker.url}${p}`, { headers: { Accept: 'image/svg+xml,*/*' } });
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    };
    const label = (t: string): string => /<title>([^<]*)<\/title>/.exec(t)?.[1] ?? '';
    const badge = '/pacts/provider/Bar/consumer/Foo/latest/badge';

    let b = await svg(badge);
    expect(b.status).toBe(200);
    expect(b.type).toMatch(/^image\/svg\+xml/);
    expect(label(b.text)).toBe('pact not found: unknown');

    expect(
      (await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main', tags: ['main'] })).status,
    ).toBe(200);
    b = await svg(badge);
    expect(b.text.startsWith('<svg')).toBe(true);
    expect(label(b.text)).toBe('foo/bar pact: unknown');
    await verify('1.0.0', '2.0.0', true);
    expect(label((await svg(badge)).text)).toBe('foo/bar pact: verified');
    expect((await svg(badge)).text).toContain('#4c1');
    expect(label((await svg(`${badge}?label=consumer`)).text)).toBe('foo pact: verified');
    expect(label((await svg('/pacts/provider/Bar/consumer/Foo/latest/main/badge')).text)).toBe(
      'foo/bar pact: verified',
    );
    expect(label((await svg('/pacts/provider/Bar/consumer/Foo/latest/other-tag/badge')).text)).toBe(
      'pact not found: unknown',
    );
    await verify('1.0.0', '2.0.1', false);
    expect(label((await svg(badge)).text)).toBe('foo/bar pact: failed');
    // New content that this provider has not verified yet: changed.
    expect((await publishViaApi(broker.url, 'Foo', '1.1.0', 'Bar', OTHER, { branch: 'main' })).status).toBe(200);
    expect(label((await svg(badge)).text)).toBe('foo/bar pact: changed');
    // The tag route still serves the tagged pact (the badge route did not capture "…/latest/:tag").
    expect((await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/latest/main`)).status).toBe(200);

    // can-i-deploy badge for the latest "main" version to the "prod" tag.
    const deployBadge = '/pacticipants/Foo/latest-version/main/can-i-deploy/to/prod/badge';
    expect(label((await svg(deployBadge)).text)).toBe('can-i-deploy main to prod: unknown');
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/2.0.0/tags/prod`, {})).status).toBe(201);
    expect(label((await svg(deployBadge)).text)).toBe('can-i-deploy main to prod: yes');
    expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/2.0.1/tags/prod`, {})).status).toBe(201);
    expect(label((await svg(deployBadge)).text)).toBe('can-i-deploy main to prod: no');
    // Branch + environment variant.
    const prod = await env('production', true);
    await deploy('Bar', '2.0.0', prod);
    expect(
      label(
        (await svg('/pacticipants/Foo/branches/main/latest-version/can-i-deploy/to-environment/production/badge')).text,
      ),
    ).toBe('can-i-deploy main to production: unknown'); // head 1.1.0 unverified
    await verify('1.1.0', '2.0.0', true);
    expect(
      label(
        (await svg('/pacticipants/Foo/branches/main/latest-version/can-i-deploy/to-environment/production/badge')).text,
      ),
    ).toBe('can-i-deploy main to production: yes');
  });

  test('badges need credentials when auth is on (unless public read)', async () => {
    const secured = await startTestBroker({ auth: { token: 'tok' } });
    try {
      expect((await fetch(`${secured.url}/pacts/provider/Bar/consumer/Foo/latest/badge`)).status).toBe(401);
      expect(
        (
          await fetch(`${secured.url}/pacts/provider/Bar/consumer/Foo/latest/badge`, {
            headers: { Authorization: 'Bearer tok' },
          })
        ).status,
      ).toBe(200);
    } finally {
      await secured.stop();
    }
  });

  test('webhooks: contract_published and a failed verification fill every status and tag variable', async () => {
    const got: { url: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const vars = [
        'eventName',
        'consumerName',
        'providerName',
        'consumerVersionNumber',
        'consumerVersionTags',
        'consumerVersionBranch',
        'providerVersionNumber',
        'providerVersionTags',
        'providerVersionBranch',
        'githubVerificationStatus',
        'gitlabVerificationStatus',
        'bitbucketVerificationStatus',
        'azureDevOpsVerificationStatus',
        'buildUrl',
        'consumerLabels',
        'verificationResultUrl',
      ];
      const body = Object.fromEntries(vars.map((v) => [v, `\${pactbroker.${v}}`]));
      for (const name of ['Foo', 'Bar'])
        expect((await call('POST', `${broker.url}/pacticipants`, { name })).status).toBe(201);
      const created = await pactBroker(broker, [
        'create-webhook',
        `${url}/hook`,
        '--request',
        'POST',
        '--header',
        'Content-Type: application/json',
        '--data',
        JSON.stringify(body),
        '--provider',
        'Bar',
        '--contract-published',
        '--provider-verification-published',
        '--provider-verification-failed',
        '--provider-verification-succeeded',
      ]);
      expect(created.code).toBe(0);
      expect((await call('PUT', `${broker.url}/pacticipants/Foo/labels/team-a`, {})).status).toBeLessThan(300);
      expect(
        (await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main', tags: ['dev', 'rc'] }))
          .status,
      ).toBe(200);
      await broker.app.webhooks.idle();
      expect(got).toHaveLength(1);
      expect(JSON.parse(got[0]!.body)).toMatchObject({
        eventName: 'contract_published',
        consumerName: 'Foo',
        providerName: 'Bar',
        consumerVersionNumber: '1.0.0',
        consumerVersionTags: 'dev, rc',
        consumerVersionBranch: 'main',
        consumerLabels: 'team-a',
        providerVersionNumber: '',
        verificationResultUrl: '',
      });

      expect((await call('PUT', `${broker.url}/pacticipants/Bar/branches/main/versions/3.0.0`, {})).status).toBe(201);
      expect((await call('PUT', `${broker.url}/pacticipants/Bar/versions/3.0.0/tags/ci`, {})).status).toBe(201);
      await verify('1.0.0', '3.0.0', false, { buildUrl: 'http://ci.example/job/7' });
      await broker.app.webhooks.idle();
      const events = got.slice(1).map((g) => JSON.parse(g.body) as Record<string, string>);
      expect(events.map((e) => e.eventName).sort()).toEqual([
        'provider_verification_failed',
        'provider_verification_published',
      ]);
      for (const e of events) {
        expect(e).toMatchObject({
          consumerVersionNumber: '1.0.0',
          providerVersionNumber: '3.0.0',
          providerVersionBranch: 'main',
          providerVersionTags: 'ci',
          githubVerificationStatus: 'failure',
          gitlabVerificationStatus: 'failed',
          bitbucketVerificationStatus: 'FAILED',
          azureDevOpsVerificationStatus: 'failed',
          buildUrl: 'http://ci.example/job/7',
        });
        expect(e.verificationResultUrl).toMatch(
          /\/pacts\/provider\/Bar\/consumer\/Foo\/pact-version\/[0-9a-f]{40}\/verification-results\/1$/,
        );
      }
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  test('contract_requiring_verification_published: one execution per deployed, released and main-branch provider version that has not verified the content', async () => {
    const got: Record<string, string>[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push(JSON.parse(body) as Record<string, string>);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const prod = await env('production', true);
      const test = await env('test');
      expect((await call('PUT', `${broker.url}/pacticipants/Bar/branches/main/versions/3.0.0`, {})).status).toBe(201); // main becomes Bar's main branch
      await deploy('Bar', '2.0.0', prod);
      await deploy('Bar', '3.0.0', test);
      await release('Bar', '1.0.0', prod);
      const hook = await call('POST', `${broker.url}/webhooks`, {
        description: 'provider pipeline',
        provider: { name: 'Bar' },
        events: [{ name: 'contract_requiring_verification_published' }],
        request: {
          method: 'POST',
          url: `${url}/trigger`,
          headers: { 'Content-Type': 'application/json' },
          body: {
            v: '${pactbroker.providerVersionNumber}',
            d: '${pactbroker.providerVersionDescriptions}',
            b: '${pactbroker.providerVersionBranch}',
            e: '${pactbroker.eventName}',
          },
        },
      });
      expect(hook.status).toBe(201);
      expect((await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'feat/x' })).status).toBe(200);
      await broker.app.webhooks.idle();
      const byVersion = Object.fromEntries(got.map((g) => [g.v, g]));
      expect(Object.keys(byVersion).sort()).toEqual(['1.0.0', '2.0.0', '3.0.0']);
      expect(byVersion['3.0.0']).toMatchObject({
        d: 'latest from main branch, deployed in test',
        b: 'main',
        e: 'contract_requiring_verification_published',
      });
      expect(byVersion['2.0.0']!.d).toBe('deployed in production');
      expect(byVersion['1.0.0']!.d).toBe('released in production');
      // 2.0.0 verifies; the same content for a new consumer version now requires only the other two.
      await verify('1.0.0', '2.0.0', true);
      got.length = 0;
      expect((await publishViaApi(broker.url, 'Foo', '1.0.1', 'Bar', THINGS, { branch: 'feat/x' })).status).toBe(200);
      await broker.app.webhooks.idle();
      expect(got.map((g) => g.v).sort()).toEqual(['1.0.0', '3.0.0']);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  test('a restarted broker (same database) has everything; SQLite runs in WAL mode', async () => {
    const prod = await env('production', true);
    expect(
      (await publishViaApi(broker.url, 'Foo', '1.0.0', 'Bar', THINGS, { branch: 'main', tags: ['dev'] })).status,
    ).toBe(200);
    await deploy('Bar', '2.0.0', prod);
    await verify('1.0.0', '2.0.0', true);
    if (broker.kind === 'sqlite') {
      const peek = new DatabaseSync(broker.dbFile, { readOnly: true });
      try {
        expect((peek.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
      } finally {
        peek.close();
      }
    }
    await broker.close();
    const again = await startBroker({
      port: 0,
      host: '127.0.0.1',
      dbFile: broker.dbFile,
      databaseUrl: broker.databaseUrl,
    });
    try {
      const m = await call('GET', `${again.url}/matrix?${toProd('1.0.0')}`);
      expect(m.body.summary.deployable).toBe(true);
      const v = await call('GET', `${again.url}/pacticipants/Foo/versions/1.0.0`);
      expect(v.body._embedded.tags.map((t: { name: string }) => t.name)).toEqual(['dev']);
    } finally {
      await again.close();
    }
  });
});
