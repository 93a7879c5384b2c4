// The JUnit reports GitLab reads (`artifacts:reports:junit`) must be well-formed XML even when messages carry
// markup characters, quotes, ANSI colour codes or NUL bytes: checked with a real XML parser (headless Debian
// chromium's DOMParser, the one test/broker/html.test.ts uses), for verify, check-recorded and lint reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { toJUnitXml } from '../../src/cli/render/verification';
import { formatJUnit } from '../../src/cli/render/lint';
import { mismatch } from '../../src/core/verify/hints';
import { xmlEscape } from '../../src/core/xml';
import type { VerificationSummary } from '../../src/core/verify/hints';
import type { LintResult } from '../../src/core/lint/types';
import { cli, REPO_ROOT } from './cli-io';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const NASTY = 'expected <customerId> & "id" \'x\' \u001b[31mred\u001b[0m nul\u0000 bell\u0007 end';
let browser: Browser;
let page: Page;
let tmp: string;

interface Parsed {
  error: string | null;
  root: string | null;
  testcases: number;
  failures: number;
  failureTexts: string[];
}

/** Parses with the browser's XML parser; `error` is the parser's message for a document that is not well-formed. */
async function parseXml(xml: string): Promise<Parsed> {
  return page.evaluate((text: string) => {
    interface El {
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
    }
    interface Doc {
      documentElement: El | null;
      getElementsByTagName(name: string): ArrayLike<El>;
    }
    const parser = new (
      globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, t: string): Doc } }
    ).DOMParser();
    const doc = parser.parseFromString(text, 'application/xml');
    const err = doc.getElementsByTagName('parsererror');
    const failures = Array.from(doc.getElementsByTagName('failure'));
    return {
      error: err.length > 0 ? (err[0]!.textContent ?? 'parsererror') : null,
      root: doc.documentElement?.tagName ?? null,
      testcases: doc.getElementsByTagName('testcase').length,
      failures: failures.length,
      failureTexts: failures.map((f) => `${f.getAttribute('message') ?? ''}|${f.textContent ?? ''}`),
    };
  }, xml);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/setup-system.sh (apt-get install -y chromium)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-junit-'));
});

afterAll(async () => {
  await browser?.close();
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the parser rejects what is not well-formed (so the checks below can fail)', async () => {
  expect((await parseXml('<a>x & y</a>')).error).not.toBeNull();
  expect((await parseXml('<a b="1"><c></a>')).error).not.toBeNull();
  expect((await parseXml('<a>\u001b[31m</a>')).error).not.toBeNull();
  expect((await parseXml(`<a>${xmlEscape(NASTY)}</a>`)).error).toBeNull();
});

test('xmlEscape keeps the text and drops only what XML 1.0 cannot carry', () => {
  expect(xmlEscape(NASTY)).toBe(
    'expected &lt;customerId&gt; &amp; &quot;id&quot; &apos;x&apos; [31mred[0m nul bell end',
  );
});

test('cxpact verify JUnit: failures with markup, quotes and ANSI codes stay well-formed', async () => {
  const summary: VerificationSummary = {
    passed: false,
    pendingFailures: 1,
    notices: [],
    loadErrors: [],
    interactions: [
      {
        consumer: 'genesys-data-actions',
        provider: 'crm <api>',
        description: 'lookup "VIP" & co',
        providerStates: ["a customer's record"],
        passed: true,
        pending: false,
        mismatches: [],
      },
      {
        consumer: 'genesys-data-actions',
        provider: 'crm <api>',
        description: 'lookup by phone',
        providerStates: [],
        passed: false,
        pending: false,
        mismatches: [mismatch('body', '$.customer', NASTY, 'the provider returned customer_id (renamed?)')],
      },
      {
        consumer: 'other & co',
        provider: 'crm <api>',
        description: 'pending one',
        providerStates: [],
        passed: false,
        pending: true,
        mismatches: [mismatch('status', '', 'expected 200 <but> got 500')],
      },
    ],
  };
  const parsed = await parseXml(toJUnitXml('crm <api>', summary));
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('testsuites');
  expect(parsed.testcases).toBe(3);
  expect(parsed.failures).toBe(1);
  expect(parsed.failureTexts[0]).toContain('expected <customerId> & "id"');
  expect(parsed.failureTexts[0]).toContain('hint: the provider returned customer_id (renamed?)');
});

test('cxpact check-recorded --junit on the renamed example recordings: one failure per mismatching interaction', async () => {
  const out = path.join(tmp, 'recorded.xml');
  const run = await cli([
    'check-recorded',
    '--provider',
    'genesys-cloud-api',
    '--recordings',
    'providers/genesys-cloud-api/examples/recordings-renamed',
    '--pacts',
    'test/recorded/fixtures/pacts/genesys-data-actions-genesys-cloud-api.json',
    '--max-age-days',
    '100000',
    '--junit',
    out,
  ]);
  expect(run.code).toBe(1);
  const parsed = await parseXml(fs.readFileSync(out, 'utf8'));
  expect(parsed.error).toBeNull();
  expect(parsed.failures).toBeGreaterThan(0);
  expect(parsed.failureTexts.join('\n')).toContain('estimated_wait_time_seconds');
});

test('cxpact lint JUnit with findings that quote templates stays well-formed', async () => {
  const result: LintResult = {
    actions: [{ name: 'A & B <lookup>', file: 'data-actions/crm/a.json', slug: 'a' }],
    findings: [
      {
        code: 'velocity.syntax',
        severity: 'error',
        message: NASTY,
        at: { file: 'data-actions/crm/a.json', path: '$.config.request.requestTemplate' },
        fix: 'Close the "#if" with #end & retry',
        action: 'A & B <lookup>',
      },
    ],
    unparsed: 0,
  };
  const parsed = await parseXml(formatJUnit(result));
  expect(parsed.error).toBeNull();
  expect(parsed.failures).toBe(1);
  expect(parsed.failureTexts[0]).toContain('<customerId>');
});

test('cxpact lint --format junit over the data-actions of this repository writes a parseable report', async () => {
  const out = path.join(tmp, 'lint.xml');
  const run = await cli(['lint', '--format', 'junit', '--output', out], {}, REPO_ROOT);
  expect([0, 1]).toContain(run.code);
  const parsed = await parseXml(fs.readFileSync(out, 'utf8'));
  expect(parsed.error).toBeNull();
  expect(parsed.testcases).toBeGreaterThan(0);
});
