// The broker driven by the unmodified official clients: the Rust `pact broker` CLI and the pact-js Verifier.
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
  LOCAL_WEBHOOKS,
} from './helpers';
import { verifyWithProvider } from './verifier-helper';

jest.setTimeout(120_000);

let broker: TestBroker;
let pactsDir: string;

forEachStore(() => {
  beforeAll(async () => {
    broker = await startTestBroker({ webhookPolicy: LOCAL_WEBHOOKS });
    pactsDir = path.join(broker.dir, 'pacts');
    writePact(pactsDir, 'Foo', 'Bar', THINGS);
  });
  afterAll(async () => {
    await broker.app.webhooks.idle();
    await broker.stop();
  });

  const GOOD = { things: [1, 2] };
  const BAD = { nothing: true };

  describe('official pact CLI and pact-js Verifier against the cxpact broker', () => {
    test('create-environment (test, production)', async () => {
      const a = await pactBroker(broker, ['create-environment', '--name', 'test', '--display-name', 'Test']);
      expect(a.code).toBe(0);
      const b = await pactBroker(broker, ['create-environment', '--name', 'production', '--production']);
      expect(b.code).toBe(0);
      expect(b.stdout).toMatch(/Created production environment/);
      const list = await pactBroker(broker, ['list-environments']);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('Production'); // generated displayName
      expect(list.stdout).toContain('Test');
    });

    test('publish with branch, tags and build url', async () => {
      const r = await pactBroker(broker, [
        'publish',
        pactsDir,
        '--consumer-app-version',
        '1.0.0',
        '--branch',
        'main',
        '--tag',
        'dev',
        '--build-url',
        'http://ci/1',
      ]);
      expect(r.stderr + r.stdout).toMatch(/Pact successfully published for Foo version 1.0.0 and provider Bar/);
      expect(r.code).toBe(0);
      const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`);
      expect(pact.status).toBe(200);
      expect(pact.body.interactions[0]._id).toMatch(/^[0-9a-f]{40}$/);
      expect(pact.body._links['pb:publish-verification-results'].href).toContain('/verification-results');
      const foo = await call('GET', `${broker.url}/pacticipants/Foo`);
      expect(foo.body.mainBranch).toBe('main'); // auto-detected
    });

    test('describe-version, create-version-tag, list-latest-pact-versions', async () => {
      const tag = await pactBroker(broker, [
        'create-version-tag',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--tag',
        'rc',
      ]);
      expect(tag.code).toBe(0);
      const d = await pactBroker(broker, ['describe-version', '--pacticipant', 'Foo', '--version', '1.0.0']);
      expect(d.code).toBe(0);
      expect(d.stdout).toContain('1.0.0');
      expect(d.stdout).toContain('dev');
      expect(d.stdout).toContain('rc');
      const latestRc = await pactBroker(broker, ['describe-version', '--pacticipant', 'Foo', '--latest', 'rc']);
      expect(latestRc.stdout).toContain('1.0.0');
      const missing = await pactBroker(broker, [
        'create-version-tag',
        '--pacticipant',
        'Foo',
        '--version',
        '9.9.9',
        '--tag',
        'x',
      ]);
      expect(missing.code).not.toBe(0);
      const l = await pactBroker(broker, ['list-latest-pact-versions']);
      expect(l.code).toBe(0);
      expect(l.stdout).toMatch(/Foo[\s\S]*1\.0\.0[\s\S]*Bar/);
    });

    test('can-i-deploy says no before the provider verified and is deployed', async () => {
      const r = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--to-environment',
        'production',
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/Computer says no/);
      expect(r.stdout + r.stderr).toMatch(/no version is currently recorded as deployed/);
    });

    test('Verifier fetches pacts for verification (selectors, pending, WIP) and publishes results', async () => {
      const out = await verifyWithProvider(GOOD, {
        pactBrokerUrl: broker.url,
        consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }, { tag: 'dev', latest: true }],
        enablePending: true,
        includeWipPactsSince: '2020-01-01',
        publishVerificationResult: true,
        providerVersion: '2.0.0',
        providerVersionBranch: 'main',
        providerVersionTags: ['ci'],
        buildUrl: 'http://ci/provider/7',
      });
      expect(out.error).toBeUndefined();
      expect(out.ok).toBe(true);
      const bar = await call('GET', `${broker.url}/pacticipants/Bar/versions/2.0.0`);
      expect(bar.status).toBe(200);
      expect(bar.body._embedded.branchVersions.map((b: { name: string }) => b.name)).toEqual(['main']);
      expect(bar.body._embedded.tags.map((t: { name: string }) => t.name)).toEqual(['ci']);
      const pact = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/latest`);
      const verif = await call('GET', pact.body._links['pb:latest-verification-results'].href);
      expect(verif.body.success).toBe(true);
      expect(verif.body.providerApplicationVersion).toBe('2.0.0');
      expect(verif.body.buildUrl).toBe('http://ci/provider/7');
      expect(verif.body.testResults[0].interactionId).toBe(pact.body.interactions[0]._id);
    });

    test('record-deployment and record-release, then can-i-deploy says yes', async () => {
      const dep = await pactBroker(broker, [
        'record-deployment',
        '--pacticipant',
        'Bar',
        '--version',
        '2.0.0',
        '--environment',
        'production',
      ]);
      expect(dep.code).toBe(0);
      const yes = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--to-environment',
        'production',
      ]);
      expect(yes.stdout + yes.stderr).toMatch(/Computer says yes/);
      expect(yes.code).toBe(0);
      const rel = await pactBroker(broker, [
        'record-release',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--environment',
        'production',
      ]);
      expect(rel.code).toBe(0);
      const envs = await call('GET', `${broker.url}/environments`);
      const prod = envs.body._embedded.environments.find((e: { name: string }) => e.name === 'production');
      const supported = await call(
        'GET',
        `${broker.url}/environments/${prod.uuid}/released-versions/currently-supported`,
      );
      expect(
        supported.body._embedded.releasedVersions.map(
          (r: { _embedded: { version: { number: string } } }) => r._embedded.version.number,
        ),
      ).toEqual(['1.0.0']);
      // The provider is now checked against the released consumer: 2.0.0 verified it.
      const prov = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Bar',
        '--version',
        '2.0.0',
        '--to-environment',
        'production',
      ]);
      expect(prov.code).toBe(0);
      const undeploy = await pactBroker(broker, [
        'record-undeployment',
        '--pacticipant',
        'Bar',
        '--environment',
        'production',
      ]);
      expect(undeploy.code).toBe(0);
      const noProvider = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--to-environment',
        'production',
      ]);
      expect(noProvider.code).toBe(1);
      expect(
        (
          await pactBroker(broker, [
            'record-deployment',
            '--pacticipant',
            'Bar',
            '--version',
            '2.0.0',
            '--environment',
            'production',
          ])
        ).code,
      ).toBe(0);
    });

    test('identical content for a new consumer version shares the verification', async () => {
      const r = await pactBroker(broker, ['publish', pactsDir, '--consumer-app-version', '1.0.1', '--branch', 'main']);
      expect(r.code).toBe(0);
      const a = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.0`);
      const b = await call('GET', `${broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.1`);
      expect(b.body._links['pb:pact-version'].name).toBe(a.body._links['pb:pact-version'].name);
      const yes = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.1',
        '--to-environment',
        'production',
      ]);
      expect(yes.code).toBe(0);
    });

    test('changed content: pending pact fails non-fatally, results recorded, can-i-deploy says no', async () => {
      const dir = path.join(broker.dir, 'pacts-v2');
      writePact(dir, 'Foo', 'Bar', [
        ...THINGS,
        { description: 'a request for widgets', path: '/widgets', body: { widgets: ['w'] } },
      ]);
      const pub = await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.1.0', '--branch', 'main']);
      expect(pub.code).toBe(0);
      const unknown = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.1.0',
        '--to-environment',
        'production',
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stdout + unknown.stderr).toMatch(
        /There is no verified pact between version 1.1.0 of Foo and the version of Bar currently in production \(2.0.0\)/,
      );
      const out = await verifyWithProvider(BAD, {
        pactBrokerUrl: broker.url,
        consumerVersionSelectors: [{ mainBranch: true }],
        enablePending: true,
        publishVerificationResult: true,
        providerVersion: '2.0.0',
        providerVersionBranch: 'main',
      });
      expect(out.ok).toBe(true); // pending: failures are not fatal
      const no = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.1.0',
        '--to-environment',
        'production',
      ]);
      expect(no.code).toBe(1);
      expect(no.stdout + no.stderr).toMatch(/failed/);
      // The verified (1.0.0 content) pact is no longer pending, so a failure there fails the build.
      const strict = await verifyWithProvider(BAD, {
        pactBrokerUrl: broker.url,
        consumerVersionSelectors: [{ deployedOrReleased: true }],
        enablePending: true,
        publishVerificationResult: false,
        providerVersion: '2.0.1',
        providerVersionBranch: 'main',
      });
      expect(strict.ok).toBe(false);
    });

    test('WIP pacts from a feature branch are included for the provider main branch', async () => {
      const dir = path.join(broker.dir, 'pacts-feat');
      writePact(dir, 'Foo', 'Bar', [
        ...THINGS,
        { description: 'a request for gadgets', path: '/gadgets', body: { gadgets: [] } },
      ]);
      expect(
        (await pactBroker(broker, ['publish', dir, '--consumer-app-version', '1.2.0-feat', '--branch', 'feat-gadgets']))
          .code,
      ).toBe(0);
      const pfv = await call('POST', `${broker.url}/pacts/provider/Bar/for-verification`, {
        consumerVersionSelectors: [{ deployedOrReleased: true }],
        includePendingStatus: true,
        includeWipPactsSince: '2020-01-01',
        providerVersionBranch: 'main',
      });
      expect(pfv.status).toBe(200);
      const wip = pfv.body._embedded.pacts.filter(
        (p: { verificationProperties: { wip?: boolean } }) => p.verificationProperties.wip === true,
      );
      expect(wip.map((p: { shortDescription: string }) => p.shortDescription)).toContain(
        'latest from branch feat-gadgets (work in progress)',
      );
      expect(wip.every((p: { verificationProperties: { pending: boolean } }) => p.verificationProperties.pending)).toBe(
        true,
      );
      const out = await verifyWithProvider(BAD, {
        pactBrokerUrl: broker.url,
        consumerVersionSelectors: [{ mainBranch: true, consumer: 'Nobody' }],
        enablePending: true,
        includeWipPactsSince: '2020-01-01',
        publishVerificationResult: false,
        providerVersion: '2.0.2',
        providerVersionBranch: 'main',
      });
      expect(out.ok).toBe(true); // WIP pacts are pending: failures are non-fatal
    });

    test('create-or-update-webhook and describe-pacticipant', async () => {
      const uuid = 'a1b2c3d4-0000-4000-8000-00000000abcd';
      const r = await pactBroker(broker, [
        'create-or-update-webhook',
        'http://127.0.0.1:9/trigger',
        '--request',
        'POST',
        '--header',
        'Content-Type: application/json',
        '--data',
        '{"ref":"main","variables":{"PACT_URL":"${pactbroker.pactUrl}"}}',
        '--uuid',
        uuid,
        '--provider',
        'Bar',
        '--contract-requiring-verification-published',
        '--description',
        'gitlab trigger',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const w = await call('GET', `${broker.url}/webhooks/${uuid}`);
      expect(w.status).toBe(200);
      expect(w.body.events).toEqual([{ name: 'contract_requiring_verification_published' }]);
      expect(w.body.provider).toEqual({ name: 'Bar' });
      const again = await pactBroker(broker, [
        'create-or-update-webhook',
        'http://127.0.0.1:9/other',
        '--request',
        'POST',
        '--uuid',
        uuid,
        '--provider',
        'Bar',
        '--contract-published',
      ]);
      expect(again.code).toBe(0);
      expect((await call('GET', `${broker.url}/webhooks/${uuid}`)).body.request.url).toBe('http://127.0.0.1:9/other');
      expect((await call('DELETE', `${broker.url}/webhooks/${uuid}`)).status).toBe(204);
      const d = await pactBroker(broker, ['describe-pacticipant', '--name', 'Foo']);
      expect(d.code).toBe(0);
      expect(d.stdout).toContain('main');
    });

    test('can-i-deploy by branch, latest, ignore and --to tag', async () => {
      const branch = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--branch',
        'main',
        '--to-environment',
        'production',
      ]);
      expect(branch.code).toBe(1); // every version on main: 1.1.0's verification failed
      const ignore = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.1.0',
        '--to-environment',
        'production',
        '--ignore',
        'Bar',
      ]);
      expect(ignore.code).toBe(0);
      await publishViaApi(broker.url, 'Bar', '2.0.0', 'Baz', THINGS); // make Bar taggable
      expect(
        (
          await pactBroker(broker, [
            'create-version-tag',
            '--pacticipant',
            'Bar',
            '--version',
            '2.0.0',
            '--tag',
            'prod',
          ])
        ).code,
      ).toBe(0);
      const toTag = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--to',
        'prod',
      ]);
      expect(toTag.code).toBe(0);
      const merge = await pactBroker(broker, ['can-i-merge', '--pacticipant', 'Foo', '--version', '1.0.0']);
      expect(merge.stdout + merge.stderr).toMatch(/Computer says yes/); // Bar's main-branch head (2.0.0) verified it
      expect(merge.code).toBe(0);
      const json = await pactBroker(broker, [
        'can-i-deploy',
        '--pacticipant',
        'Foo',
        '--latest',
        '--to-environment',
        'production',
        '--output',
        'json',
      ]);
      const parsed = JSON.parse(json.stdout.slice(json.stdout.indexOf('{'))) as {
        summary: { deployable: unknown; reason: string };
      };
      expect(parsed.summary.deployable).toBeNull(); // latest (1.2.0-feat) was never verified: unknown
      expect(parsed.summary.reason).toContain(
        'There is no verified pact between the latest version of Foo (1.2.0-feat) and the version of Bar currently in production (2.0.0)',
      );
    });

    test('record-support-ended ends the release; recording it again re-supports it', async () => {
      const ended = await pactBroker(broker, [
        'record-support-ended',
        '--pacticipant',
        'Foo',
        '--version',
        '1.0.0',
        '--environment',
        'production',
      ]);
      expect(ended.code).toBe(0);
      const envs = await call('GET', `${broker.url}/environments`);
      const prod = envs.body._embedded.environments.find((e: { name: string }) => e.name === 'production');
      const supported = await call(
        'GET',
        `${broker.url}/environments/${prod.uuid}/released-versions/currently-supported`,
      );
      expect(supported.body._embedded.releasedVersions).toEqual([]);
      const again = await call(
        'POST',
        `${broker.url}/pacticipants/Foo/versions/1.0.0/released-versions/environment/${prod.uuid}`,
        {},
      );
      expect(again.status).toBe(200); // existing record reused
      expect(again.body.currentlySupported).toBe(true);
    });
  });
});
