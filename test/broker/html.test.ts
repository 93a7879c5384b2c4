// The broker's pages in headless Debian chromium, as a release manager uses them: the integrations with consumer
// and provider versions and branches, verification results linked to their page, relative ages with the exact time
// on hover, environments with what is deployed and released, webhook status, the rendered pact with its matching
// rules beside the fields, and the matrix with its filters (a plain GET form: it works without JavaScript). The
// screenshots of the index and the pact page are read back (test/broker/png.ts) to check that the key elements are
// on screen in their colours. CXPACT_SCREENSHOT_DIR=dir keeps the screenshots.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  call,
  forEachStore,
  LOCAL_WEBHOOKS,
  publishViaApi,
  startTestBroker,
  tempDir,
  type TestBroker,
  THINGS,
} from './helpers';
import { colours, readPng } from './png';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
const WEB = 'Web <App>';
const web = encodeURIComponent(WEB);
const HOSTILE = '<img src=x onerror="document.title=1">';

/** A V3 pact with matching rules and generators, provider states with parameters. */
const ORDERS_PACT = {
  consumer: { name: WEB },
  provider: { name: 'Orders' },
  interactions: [
    {
      description: 'a request for order 1',
      providerStates: [{ name: 'an order exists', params: { id: 1 } }],
      request: {
        method: 'GET',
        path: '/orders/1',
        headers: { Accept: 'application/json' },
        matchingRules: { path: { matchers: [{ match: 'regex', regex: '/orders/\\d+' }], combine: 'AND' } },
      },
      response: {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: { id: 1, items: [{ sku: 'A-1', qty: 2 }], total: 12.5 },
        matchingRules: {
          header: { 'Content-Type': { matchers: [{ match: 'regex', regex: 'application/json.*' }], combine: 'AND' } },
          body: {
            '$.id': { matchers: [{ match: 'integer' }], combine: 'AND' },
            '$.items': { matchers: [{ match: 'type', min: 1 }], combine: 'AND' },
            '$.items[*].sku': { matchers: [{ match: 'regex', regex: '[A-Z]-\\d+' }], combine: 'AND' },
          },
        },
        generators: { body: { '$.id': { type: 'RandomInt', min: 1, max: 99 } } },
      },
    },
  ],
  metadata: { pactSpecification: { version: '3.0.0' } },
};

/** What a screen reader or keyboard user would miss (evaluated in the page; the test's TypeScript has no DOM types). */
const A11Y_PROBLEMS = `(() => {
  const problems = [];
  if (document.documentElement.lang !== 'en') problems.push('no lang');
  if (document.querySelectorAll('main').length !== 1) problems.push('not one <main>');
  for (const t of document.querySelectorAll('table:not(.fields)')) if (t.querySelector('caption') === null) problems.push('table ' + t.id + ' without caption');
  for (const th of document.querySelectorAll('thead th')) if (th.getAttribute('scope') !== 'col') problems.push('th ' + th.textContent + ' without scope');
  for (const el of document.querySelectorAll('input:not([type=hidden]), select')) if (el.labels === null || el.labels.length === 0) problems.push((el.id || el.name) + ' without label');
  for (const img of document.querySelectorAll('img')) if ((img.getAttribute('alt') || '') === '') problems.push('img without alt');
  for (const s of document.querySelectorAll('.status')) if ((s.textContent || '').replace(/[✔✘↻○\\s]/g, '') === '') problems.push('a status without words');
  if (document.querySelector('a.skip[href="#main"]') === null) problems.push('no skip link');
  return problems;
})()`;

let broker: TestBroker;
let browser: Browser;
let receiver: http.Server;
let shots: string;
const keepShots = process.env.CXPACT_SCREENSHOT_DIR;
const times: Record<string, string> = {};

async function open(url: string, opts: { javaScript?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
    javaScriptEnabled: opts.javaScript ?? true,
  });
  const page = await context.newPage();
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  return page;
}

const cellTexts = (page: Page, selector: string): Promise<string[][]> =>
  page.$$eval(selector, (trs) =>
    trs.map((tr) =>
      Array.from(tr.querySelectorAll('th, td') as ArrayLike<{ textContent: string | null }>).map((td) =>
        (td.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ),
    ),
  );

/** RGB distance: close enough to call it that colour (anti-aliasing and chromium's colour management move a few steps). */
const near = (hex: string, rgb: string, tolerance = 8): boolean => {
  const a = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const b = [1, 3, 5].map((i) => parseInt(rgb.slice(i, i + 2), 16));
  return a.every((v, k) => Math.abs(v - b[k]!) <= tolerance);
};

forEachStore((store) => {
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run scripts/setup-system.sh (apt-get install -y chromium)`);
    shots = keepShots ?? tempDir('screens');
    fs.mkdirSync(shots, { recursive: true });
    // One retry ten minutes away: a failing webhook stays "retrying" with a next attempt due while the test looks.
    broker = await startTestBroker({ webhookRetryDelaysMs: [600_000], webhookPolicy: LOCAL_WEBHOOKS });
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(req.url === '/ok' ? 200 : 503);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const B = broker.url;
    const ok = (r: { status: number; text: string }, status = [200, 201]): void => {
      if (!status.includes(r.status)) throw new Error(`setup: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    };
    const prod = await call('POST', `${B}/environments`, {
      name: 'production',
      displayName: 'Production',
      production: true,
    });
    const staging = await call('POST', `${B}/environments`, { name: 'staging', production: false });
    ok(prod);
    ok(staging);
    ok(
      await call('POST', `${B}/contracts/publish`, {
        pacticipantName: WEB,
        pacticipantVersionNumber: '1.0.0',
        branch: 'main',
        contracts: [
          {
            consumerName: WEB,
            providerName: 'Orders',
            specification: 'pact',
            contentType: 'application/json',
            content: Buffer.from(JSON.stringify(ORDERS_PACT)).toString('base64'),
          },
        ],
      }),
    );
    ok(
      await publishViaApi(
        B,
        WEB,
        '1.0.0',
        'Billing',
        [...THINGS, { description: HOSTILE, state: HOSTILE, path: '/x', body: { [HOSTILE]: HOSTILE } }],
        { branch: 'main' },
      ),
    );
    // Orders 4.2.0 (branch main) verifies; Billing 7.0.0 (branch release-7) fails.
    ok(await call('PUT', `${B}/pacticipants/Orders/branches/main/versions/4.2.0`, {}));
    ok(await call('PUT', `${B}/pacticipants/Billing/branches/release-7/versions/7.0.0`, {}));
    const orders = await call('GET', `${B}/pacts/provider/Orders/consumer/${web}/latest`);
    const passed = await call('POST', orders.body._links['pb:publish-verification-results'].href, {
      success: true,
      providerApplicationVersion: '4.2.0',
      buildUrl: 'https://ci.example.com/orders/42',
      testResults: [{ interactionId: orders.body.interactions[0]._id, success: true }],
      verifiedBy: { implementation: 'Pact-JS', version: '16.0.0' },
    });
    ok(passed);
    times.verified = passed.body.verificationDate;
    times.published = orders.body.createdAt;
    const billing = await call('GET', `${B}/pacts/provider/Billing/consumer/${web}/latest`);
    ok(
      await call('POST', billing.body._links['pb:publish-verification-results'].href, {
        success: false,
        providerApplicationVersion: '7.0.0',
        buildUrl: 'javascript:alert(1)',
        testResults: [
          {
            interactionId: billing.body.interactions[0]._id,
            success: false,
            mismatches: [{ attribute: 'body', identifier: '$.things', description: 'Expected [1, 2] but got []' }],
          },
        ],
      }),
    );
    // Where things run: Orders 4.2.0 and Web 1.0.0 deployed to production, Billing 7.0.0 released in staging.
    ok(
      await call('POST', `${B}/pacticipants/Orders/versions/4.2.0/deployed-versions/environment/${prod.body.uuid}`, {}),
    );
    ok(
      await call('POST', `${B}/pacticipants/${web}/versions/1.0.0/deployed-versions/environment/${prod.body.uuid}`, {
        applicationInstance: 'eu-1',
      }),
    );
    ok(
      await call(
        'POST',
        `${B}/pacticipants/Billing/versions/7.0.0/released-versions/environment/${staging.body.uuid}`,
        {},
      ),
    );
    // Two webhooks, then a publication that triggers both: one succeeds, one fails and waits for its retry.
    for (const [description, target] of [
      ['Notify CI', `${hook}/ok`],
      ['Flaky hook', `${hook}/fail`],
    ]) {
      ok(
        await call('POST', `${B}/webhooks`, {
          description,
          events: [{ name: 'contract_published' }],
          request: { method: 'POST', url: target },
        }),
      );
    }
    // The same Billing content from a feature branch: it shares the 7.0.0 verification result.
    ok(
      await publishViaApi(
        B,
        WEB,
        '1.1.0',
        'Billing',
        [...THINGS, { description: HOSTILE, state: HOSTILE, path: '/x', body: { [HOSTILE]: HOSTILE } }],
        { branch: 'feat/login' },
      ),
    );
    const hooks = (await call('GET', `${B}/webhooks`)).body._embedded.webhooks as {
      uuid: string;
      description: string;
    }[];
    for (const h of hooks) {
      const want = h.description === 'Notify CI' ? 'success' : 'retrying';
      for (let i = 0; ; i++) {
        const t = await call('GET', `${B}/webhooks/${h.uuid}/triggered-webhooks`);
        if (t.body._embedded.triggeredWebhooks[0]?.status === want) break;
        if (i > 200) throw new Error(`setup: webhook ${h.description} did not reach ${want}: ${t.text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    // A fresh temporary profile (user data dir) per launch: playwright creates and removes it.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await broker?.stop();
    receiver?.closeAllConnections();
    await new Promise<void>((r) => (receiver === undefined ? r() : receiver.close(() => r())));
    if (keepShots === undefined && shots !== undefined) fs.rmSync(shots, { recursive: true, force: true });
  });

  test('the index: each pair with versions, branches, linked results and ages; environments; webhook status', async () => {
    const page = await open(`${broker.url}/`);
    expect(await page.title()).toBe('Integrations · cxpact broker');
    const rows = await cellTexts(page, '#integrations tbody tr');
    const orders = rows.find((r) => r[2] === 'Orders')!;
    const billing = rows.find((r) => r[2] === 'Billing')!;
    // consumer (escaped, shown as text), its version and branch, the provider version and branch, the result
    expect(orders[0]).toBe(WEB);
    expect(orders[1]).toMatch(/^1\.0\.0 ⎇ main production published (just now|\d+ (second|minute)s? ago)$/);
    expect(orders[3]).toMatch(/^4\.2\.0 ⎇ main production verified (just now|\d+ (second|minute)s? ago)$/);
    expect(orders[4]).toBe('✔ Verified');
    expect(billing[1]).toMatch(/^1\.1\.0 ⎇ feat\/login published/);
    expect(billing[3]).toMatch(/^7\.0\.0 ⎇ release-7 released: staging verified/);
    expect(billing[4]).toBe('✘ Failed');
    // The exact time on hover: the <time> title is the ISO time the API reports.
    const verifiedTitle = await page.getAttribute('tr[data-provider="Orders"] td.provider-version time', 'title');
    expect(verifiedTitle).toBe(times.verified);
    expect(await page.getAttribute('tr[data-provider="Orders"] td.provider-version time', 'datetime')).toBe(
      times.verified,
    );
    // Environments: what runs where, with the application instance.
    expect(await cellTexts(page, 'section[data-environment="production"] tbody tr')).toEqual([
      ['Orders', '4.2.0 ⎇ main', 'Deployed', expect.stringMatching(/ago|just now/)],
      [WEB, '1.0.0 ⎇ main', 'Deployed eu-1', expect.stringMatching(/ago|just now/)],
    ]);
    expect(await cellTexts(page, 'section[data-environment="staging"] tbody tr')).toEqual([
      ['Billing', '7.0.0 ⎇ release-7', 'Released', expect.stringMatching(/ago|just now/)],
    ]);
    // Webhooks: last execution, success or failure, when the next retry is due.
    const hooks = await cellTexts(page, '#webhook-status tbody tr');
    const notify = hooks.find((h) => h[0]!.startsWith('Notify CI'))!;
    const flaky = hooks.find((h) => h[0]!.startsWith('Flaky hook'))!;
    expect(notify[2]).toMatch(/^contract_published/);
    expect(notify[3]).toMatch(/^attempt 1: succeeded/);
    expect(notify[4]).toMatch(/^✔ Succeeded/);
    expect(notify[5]).toBe('-');
    expect(flaky[3]).toMatch(/^attempt 1: failed/);
    expect(flaky[4]).toMatch(/^↻ Retrying/);
    expect(flaky[5]).toMatch(/^in (9|10) minutes attempt 2 of 2$/);

    // The result links to the verification page.
    await page.click('tr[data-provider="Orders"] td.result a');
    await page.waitForSelector('#verification-result');
    expect(await page.textContent('#verification-result')).toContain('Verification passed');
    const facts = await page.$$eval('#verification-facts dd', (dds) =>
      dds.map((d) => (d.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
    expect(facts[0]).toBe('4.2.0 ⎇ main production');
    expect(facts[2]).toBe('https://ci.example.com/orders/42');
    expect(facts[3]).toBe('Pact-JS 16.0.0');
    expect(await cellTexts(page, '#test-results-table tbody tr')).toEqual([['a request for order 1', '✔ Passed', '-']]);
    await page.context().close();
  });

  test('the failed verification page shows each mismatch and never links a non-http build URL', async () => {
    const page = await open(`${broker.url}/`);
    await page.click('tr[data-provider="Billing"] td.result a');
    await page.waitForSelector('#verification-result');
    expect(await page.textContent('#verification-result')).toContain('Verification failed');
    expect(
      await page.$$eval('#verification-facts a', (as) =>
        as.map((a) => a.getAttribute('href') ?? '').filter((h) => h.startsWith('javascript')),
      ),
    ).toEqual([]);
    const rows = await cellTexts(page, '#test-results-table tbody tr');
    expect(rows[0]).toEqual(['a request for things', '✘ Failed', 'body $.things Expected [1, 2] but got []']);
    await page.context().close();
  });

  test('the pact page renders interactions with their rules beside the fields, and links the raw JSON', async () => {
    const page = await open(`${broker.url}/`);
    await page.click('tr[data-provider="Orders"] td.pact a:text("View pact")');
    await page.waitForSelector('article.interaction');
    expect(await page.textContent('h1')).toBe(`Pact between ${WEB} and Orders`);
    const article = page.locator('article.interaction').first();
    expect(await article.locator('h3').textContent()).toContain('a request for order 1');
    expect((await article.locator('ul.states').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Given an order exists {"id":1}',
    );
    expect(await article.locator('section.request .reqline').textContent()).toBe('GET /orders/1regex /orders/\\d+');
    expect(await article.locator('section.response .reqline').textContent()).toBe('Status 200');
    // Each rule sits on the line of the field it applies to, to its right.
    const line = (text: string) => article.locator('section.response .json .l', { hasText: text }).first();
    for (const [field, rules] of [
      ['"id": 1', ['integer', '⚙ RandomInt min 1 max 99']],
      ['"items": [', ['type min 1']],
      ['"sku": "A-1"', ['regex [A-Z]-\\d+']],
    ] as const) {
      const l = line(field);
      expect(await l.locator('.rule').allTextContents()).toEqual(rules);
      const code = (await l.locator('code').boundingBox())!;
      const chip = (await l.locator('.rule').first().boundingBox())!;
      expect(chip.x).toBeGreaterThan(code.x + 100);
      expect(chip.y + chip.height / 2).toBeGreaterThan(code.y);
      expect(chip.y + chip.height / 2).toBeLessThan(code.y + code.height);
    }
    // Header rules beside the header.
    expect(await cellTexts(page, 'article.interaction section.response table.header tbody tr')).toEqual([
      ['Content-Type', 'application/json', 'regex application/json.*'],
    ]);
    // Request left of response, side by side.
    const req = (await article.locator('section.request').boundingBox())!;
    const res = (await article.locator('section.response').boundingBox())!;
    expect(req.x + req.width).toBeLessThanOrEqual(res.x);
    expect(Math.abs(req.y - res.y)).toBeLessThan(5);
    // The raw JSON is the API's pact.
    const raw = await page.getAttribute('#raw-json', 'href');
    expect(raw).toBe(`${broker.url}/pacts/provider/Orders/consumer/${web}/version/1.0.0`);
    const json = await call('GET', raw!);
    expect(json.body.interactions[0].response.matchingRules.body['$.id']).toEqual({
      matchers: [{ match: 'integer' }],
      combine: 'AND',
    });
    await page.context().close();
  });

  test('hostile names and content are shown as text, never run', async () => {
    const page = await open(`${broker.url}/ui/pacts/provider/Billing/consumer/${web}/version/1.0.0`);
    expect(await page.title()).toBe(`Pact between ${WEB} and Billing · cxpact broker`);
    expect(await page.locator('article.interaction img').count()).toBe(0);
    expect(await page.locator(`article.interaction h3:has-text('${HOSTILE.slice(0, 12)}')`).count()).toBe(1);
    // key and value of the body's one field, one line, as text
    expect(await page.locator('.json .l code', { hasText: '"<img src=x onerror=' }).count()).toBe(1);
    await page.context().close();
  });

  test('the matrix: branch and environment filters through the form, and can-i-deploy with the API answer', async () => {
    const page = await open(`${broker.url}/ui/matrix`);
    expect(await page.textContent('main')).toContain('Choose a pacticipant');
    await page.selectOption('#f-pacticipant', WEB);
    await page.fill('#f-branch', 'main');
    await Promise.all([page.waitForURL(/\/ui\/matrix\?/), page.click('form[aria-label="Matrix filters"] button')]);
    expect(new URL(page.url()).searchParams.get('pacticipant')).toBe(WEB);
    expect(new URL(page.url()).searchParams.get('branch')).toBe('main');
    const rows = await cellTexts(page, '#matrix tbody tr');
    expect(rows.map((r) => [r[0], r[1]!.split(' ')[0], r[2], r[3]!.split(' ')[0], r[5]])).toEqual(
      expect.arrayContaining([
        [WEB, '1.0.0', 'Orders', '4.2.0', '✔ Verified'],
        [WEB, '1.0.0', 'Billing', '7.0.0', '✘ Failed'],
      ]),
    );
    expect(rows.every((r) => r[1]!.startsWith('1.0.0'))).toBe(true); // 1.1.0 is on feat/login
    // Against a provider in an environment: only what runs in production.
    await page.goto(`${broker.url}/ui/matrix?pacticipant=${web}&withEnvironment=production`);
    expect((await cellTexts(page, '#matrix tbody tr')).map((r) => r[2])).toEqual(['Orders']);
    // Can-i-deploy from the page gives the API's answer.
    await page.goto(`${broker.url}/ui/matrix?pacticipant=Billing`);
    await page.fill('#f-version', '7.0.0');
    await page.selectOption('#f-to', 'production');
    await Promise.all([page.waitForURL(/version=7\.0\.0/), page.click('form[aria-label="Can I deploy"] button')]);
    const answer = (await page.textContent('#can-i-deploy-answer'))!.replace(/\s+/g, ' ');
    const api = await call(
      'GET',
      `${broker.url}/matrix?q[][pacticipant]=Billing&q[][version]=7.0.0&latestby=cvp&environment=production`,
    );
    expect(api.body.summary.deployable).toBe(false);
    expect(answer).toMatch(/^✘ No Can Billing 7\.0\.0 be deployed to production\?/);
    expect(answer).toContain(api.body.notices.find((n: { type: string }) => n.type === 'error').text);
    await page.context().close();
  });

  test('works without JavaScript: the filter forms are plain GET forms', async () => {
    const page = await open(`${broker.url}/`, { javaScript: false });
    await page.fill('#filter', 'order');
    await Promise.all([page.waitForURL(/filter=order/), page.click('form[role="search"] button')]);
    expect((await cellTexts(page, '#integrations tbody tr')).map((r) => r[2])).toEqual(['Orders']);
    await page.goto(`${broker.url}/ui/matrix?pacticipant=Orders&environment=production`);
    expect((await cellTexts(page, '#matrix tbody tr')).map((r) => [r[0], r[3]!.split(' ')[0]])).toEqual([
      [WEB, '4.2.0'],
    ]);
    await page.context().close();
  });

  test('nothing external: every request the pages make goes to the broker; scripts are not allowed', async () => {
    const page = await open(`${broker.url}/`);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    for (const url of [
      `${broker.url}/`,
      `${broker.url}/ui/pacts/provider/Orders/consumer/${web}/version/1.0.0`,
      `${broker.url}/ui/matrix?pacticipant=Orders`,
    ]) {
      const res = (await page.goto(url))!;
      await page.waitForLoadState('networkidle');
      expect(res.headers()['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers()['content-security-policy']).not.toMatch(/script-src/);
    }
    expect(requested.length).toBeGreaterThan(3); // the pages and the badges
    expect(requested.filter((u) => !u.startsWith(broker.url))).toEqual([]);
    await page.context().close();
  });

  test('accessible markup: captions, header scopes, labels, alt texts, language', async () => {
    const page = await open(`${broker.url}/ui/matrix?pacticipant=${web}`);
    for (const url of [
      `${broker.url}/`,
      `${broker.url}/ui/pacts/provider/Orders/consumer/${web}/version/1.0.0`,
      `${broker.url}/ui/matrix?pacticipant=${web}&version=1.0.0&to=production`,
    ]) {
      await page.goto(url);
      const report = (await page.evaluate(A11Y_PROBLEMS)) as string[];
      expect({ url, problems: report }).toEqual({ url, problems: [] });
    }
    await page.context().close();
  });

  test('screenshots of the index and the pact page show the key elements in their colours', async () => {
    const page = await open(`${broker.url}/`);
    await page.waitForLoadState('networkidle');
    const indexFile = path.join(shots, `index-${store.kind}.png`);
    const img = readPng(await page.screenshot({ path: indexFile, fullPage: true }));
    expect(img.width).toBe(1400);
    // The dark navigation bar across the top.
    expect(near('#1d2330', colours(img, { x: 0, y: 0, width: 1400, height: 8 })[0]![0])).toBe(true);
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    // The table, with its header row on screen within the first screenful.
    const table = await box('#integrations');
    expect(table.y + 120).toBeLessThan(900);
    expect(near('#f3f5f9', colours(img, await box('#integrations thead th'))[0]![0])).toBe(true);
    // Green "Verified" and red "Failed" chips where the DOM says they are: background and text colours.
    const verified = colours(img, await box('tr[data-provider="Orders"] td.result .status'));
    const failed = colours(img, await box('tr[data-provider="Billing"] td.result .status'));
    expect(near('#e6f4ea', verified[0]![0])).toBe(true);
    expect(verified.some(([c, n]) => near('#0b5d1e', c, 40) && n > 10)).toBe(true);
    expect(near('#fce8e6', failed[0]![0])).toBe(true);
    expect(failed.some(([c, n]) => near('#8c1d18', c, 40) && n > 10)).toBe(true);
    // The badges rendered (not broken images): a badge has several colours.
    expect(colours(img, await box('tr[data-provider="Orders"] td.badge img')).length).toBeGreaterThan(5);
    // Amber "Retrying" for the webhook waiting for its next attempt.
    expect(near('#fff4de', colours(img, await box('#webhook-status .status.warn'))[0]![0])).toBe(true);

    await page.goto(`${broker.url}/ui/pacts/provider/Orders/consumer/${web}/version/1.0.0`);
    const pactFile = path.join(shots, `pact-${store.kind}.png`);
    const pact = readPng(await page.screenshot({ path: pactFile, fullPage: true }));
    // The rule chip beside "id" is drawn in its colour, on the same rows of pixels as the field.
    const idLine = page.locator('section.response .json .l', { hasText: '"id": 1' }).first();
    const chip = (await idLine.locator('.rule').first().boundingBox())!;
    expect(near('#f3effc', colours(pact, chip)[0]![0])).toBe(true);
    const code = (await idLine.locator('code').boundingBox())!;
    const textRow = colours(pact, { x: code.x, y: chip.y, width: 120, height: chip.height });
    expect(textRow.some(([c, n]) => near('#1d2330', c, 60) && n > 5)).toBe(true); // the field's text on those rows
    expect(fs.statSync(indexFile).size).toBeGreaterThan(10_000);
    await page.context().close();
  });

  test('API clients still get HAL+JSON at /', async () => {
    const r = await call('GET', `${broker.url}/`, undefined, { Accept: 'application/hal+json, application/json' });
    expect(r.headers.get('content-type')).toMatch(/application\/hal\+json/);
    expect(r.body._links['pb:publish-contracts'].href).toBe(`${broker.url}/contracts/publish`);
    const any = await call('GET', `${broker.url}/`, undefined, { Accept: '*/*' });
    expect(any.body._links['pb:provider-pacts-for-verification'].templated).toBe(true);
  });
});
