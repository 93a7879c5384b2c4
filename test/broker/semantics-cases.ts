// Broker semantics through the library app (Hono's fetch, no socket) over a real store: selectors, merging,
// pending inheritance, matrix latestby, encoded names, and persistence across restarts. Run on SQLite by
// semantics.test.ts (the unit project: no server) and on PostgreSQL by semantics-postgres.test.ts.
import fs from 'node:fs';
import { BrokerApp, openStore, type BrokerStore } from '../../src/broker';
import type { StoreKind } from '../../src/broker';
import { currentStore, forEachStore, pactJson, tempDir, THINGS, type InteractionSpec } from './helpers';

const BASE = 'http://broker.test';
let dir: string;
let store: BrokerStore;
let app: BrokerApp;
let where: { dbFile: string; databaseUrl?: string };

async function req(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await app.request(`${BASE}${p}`, {
    method,
    headers: { accept: 'application/hal+json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function publish(
  consumer: string,
  version: string,
  provider: string,
  interactions: InteractionSpec[],
  branch?: string,
  tags?: string[],
): Promise<void> {
  const r = await req('POST', '/contracts/publish', {
    pacticipantName: consumer,
    pacticipantVersionNumber: version,
    ...(branch === undefined ? {} : { branch }),
    ...(tags === undefined ? {} : { tags }),
    contracts: [
      {
        consumerName: consumer,
        providerName: provider,
        specification: 'pact',
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(pactJson(consumer, provider, interactions))).toString('base64'),
      },
    ],
  });
  expect(r.status).toBe(200);
}

async function verify(
  consumer: string,
  version: string,
  provider: string,
  providerVersion: string,
  success: boolean,
  branch?: string,
): Promise<void> {
  const pact = await req(
    'GET',
    `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/version/${encodeURIComponent(version)}`,
  );
  if (branch !== undefined)
    expect(
      (
        await req(
          'PUT',
          `/pacticipants/${encodeURIComponent(provider)}/branches/${branch}/versions/${encodeURIComponent(providerVersion)}`,
          {},
        )
      ).status,
    ).toBeLessThan(300);
  const r = await req('POST', new URL(pact.body._links['pb:publish-verification-results'].href).pathname, {
    success,
    providerApplicationVersion: providerVersion,
  });
  expect(r.status).toBe(201);
}

const A: InteractionSpec[] = THINGS;
const B: InteractionSpec[] = [{ description: 'b', path: '/b', body: { b: 1 } }];
const C: InteractionSpec[] = [{ description: 'c', path: '/c', body: { c: 1 } }];

/** Registers the semantics tests for the given stores. */
export function semanticsTests(kinds: StoreKind[]): void {
  forEachStore(() => {
    beforeEach(async () => {
      dir = tempDir('semantics');
      where = await currentStore().newDatabase(dir);
      store = await openStore(where);
      app = new BrokerApp(store);
    });
    afterEach(async () => {
      app.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const pfv = async (
      provider: string,
      body: unknown,
    ): Promise<{ desc: string; pending?: boolean; wip?: boolean; name: string }[]> => {
      const r = await req('POST', `/pacts/provider/${provider}/for-verification`, body);
      expect(r.status).toBe(200);
      return r.body._embedded.pacts.map(
        (p: {
          shortDescription: string;
          verificationProperties: { pending?: boolean; wip?: boolean };
          _links: { self: { name: string } };
        }) => ({
          desc: p.shortDescription,
          pending: p.verificationProperties.pending,
          wip: p.verificationProperties.wip,
          name: p._links.self.name,
        }),
      );
    };

    test('selectors: main branch, branch + fallback, tags, latest, consumer, deployed/released; merged by content', async () => {
      await publish('Web', '1', 'Api', A, 'main', ['prod']);
      await publish('Web', '2', 'Api', B, 'feat');
      await publish('Mobile', '7', 'Api', A, 'master');
      await req('POST', '/environments', { name: 'production', production: true });
      const envs = await req('GET', '/environments');
      const prod = envs.body._embedded.environments[0].uuid as string;
      expect((await req('POST', `/pacticipants/Web/versions/1/deployed-versions/environment/${prod}`, {})).status).toBe(
        201,
      );

      const main = await pfv('Api', {
        consumerVersionSelectors: [{ mainBranch: true }, { deployed: true, environment: 'production' }],
      });
      expect(main).toEqual(
        expect.arrayContaining([
          {
            desc: 'latest from main branch, deployed in production',
            pending: undefined,
            wip: undefined,
            name: 'Pact between Web (1) and Api',
          },
          {
            desc: 'latest from main branch',
            pending: undefined,
            wip: undefined,
            name: 'Pact between Mobile (7) and Api',
          },
        ]),
      );
      expect(main).toHaveLength(2); // identical content from different consumers is not merged; same consumer is
      expect(
        (await pfv('Api', { consumerVersionSelectors: [{ branch: 'nope', fallbackBranch: 'feat' }] })).map(
          (p) => p.name,
        ),
      ).toEqual(['Pact between Web (2) and Api']);
      expect(
        (await pfv('Api', { consumerVersionSelectors: [{ tag: 'prod', latest: true }] })).map((p) => p.desc),
      ).toEqual(['latest with tag prod']);
      expect(
        (await pfv('Api', { consumerVersionSelectors: [{ latest: true, consumer: 'Web' }] })).map((p) => p.name),
      ).toEqual(['Pact between Web (2) and Api']);
      expect(
        (await pfv('Api', { consumerVersionSelectors: [{ matchingBranch: true }], providerVersionBranch: 'feat' })).map(
          (p) => p.name,
        ),
      ).toEqual(['Pact between Web (2) and Api']);
      expect(await pfv('Api', { consumerVersionSelectors: [{ released: true }] })).toEqual([]);
      // No selectors: main branch heads plus deployed.
      expect((await pfv('Api', {})).map((p) => p.name).sort()).toEqual([
        'Pact between Mobile (7) and Api',
        'Pact between Web (1) and Api',
      ]);
      expect(
        (
          await req('POST', '/pacts/provider/Api/for-verification', {
            consumerVersionSelectors: [{ matchingBranch: true }],
          })
        ).status,
      ).toBe(400);
    });

    test('pending: by provider branch, inherited by a new provider branch, by tags, and overall', async () => {
      await publish('Web', '1', 'Api', A, 'main');
      const body = (extra: Record<string, unknown>): unknown => ({
        consumerVersionSelectors: [{ mainBranch: true }],
        includePendingStatus: true,
        ...extra,
      });
      expect((await pfv('Api', body({ providerVersionBranch: 'main' })))[0]!.pending).toBe(true);
      await verify('Web', '1', 'Api', 'p1', false, 'main');
      expect((await pfv('Api', body({ providerVersionBranch: 'main' })))[0]!.pending).toBe(true); // a failure does not clear pending
      await verify('Web', '1', 'Api', 'p2', true, 'main');
      expect((await pfv('Api', body({ providerVersionBranch: 'main' })))[0]!.pending).toBe(false);
      expect((await pfv('Api', body({ providerVersionBranch: 'brand-new' })))[0]!.pending).toBe(false); // new branch inherits
      expect((await pfv('Api', body({ providerVersionBranch: '' })))[0]!.pending).toBe(false); // "" = no branch: ever verified
      // A branch created before the verification does not inherit it.
      await req('PUT', '/pacticipants/Api/branches/old-branch/versions/p0', {});
      await publish('Web', '2', 'Api', C, 'main');
      await verify('Web', '2', 'Api', 'p3', true, 'main');
      expect((await pfv('Api', body({ providerVersionBranch: 'old-branch' })))[0]!.pending).toBe(true);
      expect((await pfv('Api', body({ providerVersionBranch: 'main' })))[0]!.pending).toBe(false);
      expect((await pfv('Api', body({ providerVersionTags: ['never-used'] })))[0]!.pending).toBe(false);
      expect((await pfv('Api', { consumerVersionSelectors: [{ mainBranch: true }] }))[0]!.pending).toBeUndefined();
    });

    test('matrix: cvpv checks every provider version in the environment (one failing => false)', async () => {
      await publish('Web', '1', 'Api', A, 'main');
      await req('POST', '/environments', { name: 'production', production: true });
      const prod = (await req('GET', '/environments')).body._embedded.environments[0].uuid as string;
      await verify('Web', '1', 'Api', 'blue-1', true);
      await verify('Web', '1', 'Api', 'green-1', false);
      await req('POST', `/pacticipants/Api/versions/blue-1/deployed-versions/environment/${prod}`, {
        applicationInstance: 'blue',
      });
      await req('POST', `/pacticipants/Api/versions/green-1/deployed-versions/environment/${prod}`, {
        applicationInstance: 'green',
      });
      const m = await req('GET', '/matrix?q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production');
      expect(m.body.summary).toMatchObject({ deployable: false, success: 1, failed: 1 });
      expect(m.body.summary.reason).toMatch(
        /The verification for the pact between version 1 of Web and the version of Api currently in production \(green-1\) failed/,
      );
      const ignored = await req(
        'GET',
        '/matrix?q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production&ignore[][pacticipant]=Api&ignore[][version]=green-1',
      );
      expect(ignored.body.summary).toMatchObject({ deployable: true, ignored: 1 });
      // Rack-style q[] parsing with two selectors (no options): only the integration between them counts.
      const pair = await req(
        'GET',
        '/matrix?q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Api&q[][version]=blue-1&latestby=cvpv',
      );
      expect(pair.body.summary.deployable).toBe(true);
      expect(pair.body.matrix).toHaveLength(1);
      const missing = await req(
        'GET',
        '/matrix?q[][pacticipant]=Web&q[][version]=404&latestby=cvpv&environment=production',
      );
      expect(missing.body.summary.deployable).toBe(false);
      expect(missing.body.summary.reason).toContain(
        'No pacts or verifications have been published for version 404 of Web',
      );
      const badge = await req('GET', '/can-i-deploy?pacticipant=Web&version=1&environment=production');
      expect(badge.body.summary.deployable).toBe(false);
    });

    test('percent-encoded names and versions; HEAD; data survives a restart', async () => {
      await publish('Pricing Service', '1.0.0+build/5', 'Tax/API', A, 'main');
      const p = await req(
        'GET',
        `/pacts/provider/${encodeURIComponent('Tax/API')}/consumer/${encodeURIComponent('Pricing Service')}/version/${encodeURIComponent('1.0.0+build/5')}`,
      );
      expect(p.status).toBe(200);
      expect(p.body._links.self.href).toBe(
        `${BASE}/pacts/provider/Tax%2FAPI/consumer/Pricing%20Service/version/1.0.0%2Bbuild%2F5`,
      );
      expect((await req('HEAD', '/pacticipants/Pricing%20Service')).status).toBe(200);
      app.close();
      await store.close();
      store = await openStore(where);
      app = new BrokerApp(store);
      const again = await req(
        'GET',
        `/pacticipants/${encodeURIComponent('Pricing Service')}/versions/${encodeURIComponent('1.0.0+build/5')}`,
      );
      expect(again.status).toBe(200);
      expect(again.body._embedded.branchVersions[0].name).toBe('main');
      expect((await req('GET', '/pacticipants/Pricing%20Service')).body.displayName).toBe('Pricing Service');
    });

    test('fetching pacts: latest, by tag, by branch, latest-untagged, pact-version sha, provider lists', async () => {
      await publish('Web', '1', 'Api', A, 'main', ['prod']);
      await publish('Web', '2', 'Api', B, 'feat');
      await publish('Web', '3', 'Api', C);
      const name = async (p: string): Promise<string> => {
        const r = await req('GET', p);
        expect(r.status).toBe(200);
        return r.body._links.self.name as string;
      };
      expect(await name('/pacts/provider/Api/consumer/Web/latest')).toBe('Pact between Web (3) and Api');
      expect(await name('/pacts/provider/Api/consumer/Web/latest/prod')).toBe('Pact between Web (1) and Api');
      expect(await name('/pacts/provider/Api/consumer/Web/branch/feat/latest')).toBe('Pact between Web (2) and Api');
      expect(await name('/pacts/provider/Api/consumer/Web/latest-untagged')).toBe('Pact between Web (3) and Api');
      expect((await req('GET', '/pacts/provider/Api/consumer/Web/latest/nope')).status).toBe(404);
      const v1 = await req('GET', '/pacts/provider/Api/consumer/Web/version/1');
      const sha = v1.body._links['pb:pact-version'].name as string;
      const bySha = await req('GET', `/pacts/provider/Api/consumer/Web/pact-version/${sha}`);
      expect(bySha.body.interactions.map((i: { description: string }) => i.description)).toEqual([
        'a request for things',
      ]);
      expect(bySha.body.interactions[0]._id).toMatch(/^[0-9a-f]{40}$/);
      const list = await req('GET', '/pacts/provider/Api/latest');
      expect(list.body._links['pb:pacts'].map((p: { title: string }) => p.title)).toEqual([
        'Pact between Web (3) and Api',
      ]);
      const branch = await req('GET', '/pacts/provider/Api/branch/main/latest');
      expect(branch.body._links['pb:pacts'].map((p: { title: string }) => p.title)).toEqual([
        'Pact between Web (1) and Api',
      ]);
      const tagged = await req('GET', '/pacts/provider/Api/latest/prod');
      expect(tagged.body._links['pb:pacts']).toHaveLength(1);
      const latest = await req('GET', '/pacts/latest');
      expect(latest.body.pacts[0]._embedded.consumer._embedded.version.number).toBe('3');
      const states = await req('GET', '/pacts/provider/Api/provider-states');
      expect(states.body.providerStates).toEqual([]); // latest (C) has no provider states
    });
  }, kinds);
}
