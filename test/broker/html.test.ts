// The broker's HTML page, opened in headless Debian chromium: integrations with latest pact, latest verification
// and its result, and a matrix page per pacticipant.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { call, forEachStore, publishViaApi, startTestBroker, type TestBroker, THINGS } from './helpers';

jest.setTimeout(90_000);

const CHROMIUM = '/usr/bin/chromium';
let broker: TestBroker;
let browser: Browser;

forEachStore(() => {
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup-system.sh (apt-get install -y chromium)`);
    broker = await startTestBroker();
    await publishViaApi(broker.url, 'Web <App>', '1.0.0', 'Orders', THINGS, { branch: 'main' });
    await publishViaApi(broker.url, 'Web <App>', '1.0.1', 'Billing', THINGS, { branch: 'main' });
    const pact = await call('GET', `${broker.url}/pacts/provider/Orders/consumer/${encodeURIComponent('Web <App>')}/latest`);
    const v = await call('POST', pact.body._links['pb:publish-verification-results'].href, { success: true, providerApplicationVersion: '4.2.0' });
    expect(v.status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await broker?.stop();
  });

  test('GET / in a browser shows integrations with latest pact, verification and result', async () => {
    const page = await browser.newPage();
    await page.goto(`${broker.url}/`);
    expect(await page.title()).toBe('Pacts');
    const rows = await page.$$eval('#integrations tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td') as ArrayLike<{ textContent: string | null }>).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );
    const orders = rows.find((r) => r[1] === 'Orders');
    const billing = rows.find((r) => r[1] === 'Billing');
    expect(orders?.[0]).toBe('Web <App>'); // escaped, rendered as text
    expect(orders?.[2]).toMatch(/^1\.0\.0 \(main\)/);
    expect(orders?.[3]).toMatch(/^4\.2\.0/);
    expect(orders?.[4]).toBe('✔ passed');
    expect(billing?.[2]).toMatch(/^1\.0\.1/);
    expect(billing?.[4]).toBe('not verified');
    // Follow the link to the consumer's matrix page.
    await page.click('#integrations tbody tr[data-provider="Orders"] td:first-child a');
    await page.waitForSelector('#matrix');
    expect(await page.textContent('h1')).toContain('Matrix for Web <App>');
    const matrix = await page.$$eval('#matrix tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td') as ArrayLike<{ textContent: string | null }>).map((td) => (td.textContent ?? '').trim())));
    expect(matrix).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['Web <App>', 'Orders', '4.2.0', '✔ passed']),
        expect.arrayContaining(['Web <App>', 'Billing', '-', 'not verified']),
      ]),
    );
    await page.close();
  });

  test('each integration shows its README badge, an SVG the browser renders', async () => {
    const page = await browser.newPage();
    await page.goto(`${broker.url}/`);
    const img = 'tr[data-provider="Orders"] td.badge img';
    await page.waitForFunction(`(() => { const el = document.querySelector(${JSON.stringify(img)}); return el !== null && el.complete && el.naturalWidth > 0; })()`);
    const info = await page.$eval(img, (el) => ({ src: el.getAttribute('src') ?? '', width: (el as unknown as { naturalWidth: number }).naturalWidth }));
    expect(info.src).toBe(`${broker.url}/pacts/provider/Orders/consumer/${encodeURIComponent('Web <App>')}/latest/badge`);
    expect(info.width).toBeGreaterThan(60);
    // The badge itself, as a README would embed it: verified for Orders, unknown for Billing.
    const svg = async (provider: string): Promise<string> => (await fetch(`${broker.url}/pacts/provider/${provider}/consumer/${encodeURIComponent('Web <App>')}/latest/badge`)).text();
    expect(await svg('Orders')).toContain('<title>web &lt;app&gt;/orders pact: verified</title>');
    expect(await svg('Billing')).toContain('<title>web &lt;app&gt;/billing pact: unknown</title>');
    await page.close();
  });

  test('API clients still get HAL+JSON at /', async () => {
    const r = await call('GET', `${broker.url}/`, undefined, { Accept: 'application/hal+json, application/json' });
    expect(r.headers.get('content-type')).toMatch(/application\/hal\+json/);
    expect(r.body._links['pb:publish-contracts'].href).toBe(`${broker.url}/contracts/publish`);
    const any = await call('GET', `${broker.url}/`, undefined, { Accept: '*/*' });
    expect(any.body._links['pb:provider-pacts-for-verification'].templated).toBe(true);
  });
});
