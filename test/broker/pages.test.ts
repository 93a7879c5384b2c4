// The pages without a browser (BrokerApp answering Requests, on both stores): the integrations table's pages and
// filter, not-found pages, the old matrix address, links under a --base-url path, and the page's security headers.
import fs from 'node:fs';
import { BrokerApp, type BrokerStore } from '../../src/broker';
import { INTEGRATIONS_PER_PAGE } from '../../src/broker/pages/index-page';
import { forEachStore, openTestStore, pactJson, tempDir, THINGS } from './helpers';

let dir: string;
let store: BrokerStore;
let app: BrokerApp;

const html = async (a: BrokerApp, path: string): Promise<{ status: number; text: string; headers: Headers }> => {
  const r = await a.request(path, { headers: { Accept: 'text/html' } });
  return { status: r.status, text: await r.text(), headers: r.headers };
};
/** The provider names of the integrations table's rows, in order. */
const providers = (text: string): string[] =>
  [...text.matchAll(/<tr data-consumer="[^"]*" data-provider="([^"]*)">/g)].map((m) => m[1]!);

forEachStore(() => {
  beforeAll(async () => {
    dir = tempDir('pages');
    store = await openTestStore(dir);
    app = new BrokerApp(store);
    // One consumer with more providers than fit on a page.
    const contracts = Array.from({ length: INTEGRATIONS_PER_PAGE + 3 }, (_, k) => {
      const provider = `prov-${String(k).padStart(2, '0')}`;
      return {
        consumerName: 'shop',
        providerName: provider,
        specification: 'pact',
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(pactJson('shop', provider, THINGS))).toString('base64'),
      };
    });
    const r = await app.request('/contracts/publish', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pacticipantName: 'shop', pacticipantVersionNumber: '1', branch: 'main', contracts }),
    });
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    app.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the integrations table comes in pages, sorted by name, with links to the others', async () => {
    const first = await html(app, '/');
    expect(first.status).toBe(200);
    expect(providers(first.text)).toEqual(
      Array.from({ length: INTEGRATIONS_PER_PAGE }, (_, k) => `prov-${String(k).padStart(2, '0')}`),
    );
    expect(first.text).toContain(`Page 1 of 2 (${INTEGRATIONS_PER_PAGE + 3} integrations)`);
    expect(first.text).toContain('href="http://localhost/?page=2" rel="next"');
    const second = await html(app, '/?page=2');
    expect(providers(second.text)).toEqual(['prov-50', 'prov-51', 'prov-52']);
    expect(second.text).toContain('rel="prev"');
    // Out of range is the nearest page, not an error.
    expect(providers((await html(app, '/?page=99')).text)).toEqual(['prov-50', 'prov-51', 'prov-52']);
    expect(providers((await html(app, '/?page=abc')).text)).toHaveLength(INTEGRATIONS_PER_PAGE);
  });

  test('the filter narrows the table by pacticipant name (case-insensitive) and says when nothing matches', async () => {
    expect(providers((await html(app, '/?filter=PROV-5')).text)).toEqual(['prov-50', 'prov-51', 'prov-52']);
    const none = await html(app, `/?filter=${encodeURIComponent('<nope>')}`);
    expect(none.text).toContain('No integration involves a pacticipant whose name contains “&lt;nope&gt;”.');
    expect(none.text).not.toContain('<nope>');
  });

  test('unknown pacts, versions and results get a 404 page saying what is missing', async () => {
    for (const [path, says] of [
      ['/ui/pacts/provider/prov-00/consumer/shop/version/9.9', 'No version 9.9 of shop'],
      ['/ui/pacts/provider/nobody/consumer/shop/version/1', 'No pacticipant named nobody'],
      ['/ui/pacts/provider/prov-00/consumer/shop/pact-version/abc', 'No pact version abc between shop and prov-00'],
      ['/ui/pacts/provider/prov-00/consumer/shop/pact-version/abc/verification-results/1', 'No pact version abc'],
    ]) {
      const r = await html(app, path!);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.text).toContain(says);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const sha = />([0-9a-f]{40})</.exec(
      (await html(app, '/ui/pacts/provider/prov-00/consumer/shop/version/1')).text,
    )?.[1];
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const noResult = await html(
      app,
      `/ui/pacts/provider/prov-00/consumer/shop/pact-version/${sha}/verification-results/1`,
    );
    expect(noResult.status).toBe(404);
    expect(noResult.text).toContain(`No verification result 1 for pact version ${sha}`);
    const matrix = await html(app, '/ui/matrix?pacticipant=nobody&to=nowhere');
    expect(matrix.status).toBe(200);
    expect(matrix.text).toContain('There is no pacticipant named “nobody”.');
    expect(matrix.text).toContain('There is no environment named “nowhere”.');
  });

  test('the old matrix address redirects to the matrix page; every page sends its security headers', async () => {
    const r = await app.request('/ui/pacticipants/shop/matrix', { headers: { Accept: 'text/html' } });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('http://localhost/ui/matrix?pacticipant=shop');
    for (const path of ['/', '/ui/matrix?pacticipant=shop', '/ui/pacts/provider/prov-00/consumer/shop/version/1']) {
      const page = await html(app, path);
      expect(page.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'self'/,
      );
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      // The one stylesheet is the one the policy allows.
      expect(page.text.match(/<style>/g)).toHaveLength(1);
      expect(page.text).not.toMatch(/<script|\sstyle="|\son[a-z]+=/i);
    }
  });

  test('under a --base-url path every link of the pages carries the path', async () => {
    const prefixed = new BrokerApp(store, { baseUrl: 'https://broker.example.com/pb' });
    try {
      const r = await prefixed.request('https://broker.example.com/pb/', { headers: { Accept: 'text/html' } });
      const text = await r.text();
      expect(r.status).toBe(200);
      const hrefs = [...text.matchAll(/(?:href|src|action)="([^"]*)"/g)]
        .map((m) => m[1]!)
        .filter((h) => !h.startsWith('#'));
      expect(hrefs.length).toBeGreaterThan(INTEGRATIONS_PER_PAGE);
      expect(hrefs.filter((h) => !h.startsWith('https://broker.example.com/pb/'))).toEqual([]);
    } finally {
      prefixed.close();
    }
  });
});
