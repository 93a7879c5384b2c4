// The pure pieces of the recorded check: rule paths, formats, the checker's findings, redaction, retry timing,
// fingerprints and config validation. No network.
import fs from 'node:fs';
import path from 'node:path';
import { checkRecorded, summariseCheck } from '../../src/core/recorded/check';
import { parseRecordConfig } from '../../src/io/recorder/config';
import { formatToRegex } from '../../src/core/recorded/formats';
import { backoffDelay, parseRetryAfter } from '../../src/io/retry';
import { RateLimiter } from '../../src/io/recorder/http';
import { interactionKey, type LoadedPact, type LoadedRecording, type Recording } from '../../src/core/recorded/model';
import { parsePact } from '../../src/core/recorded/pacts';
import { spellingFromScripts } from '../../src/core/spelling';
import { redactBody, redactHeaders, scrubSecrets } from '../../src/core/recorded/redact';
import { compileCategory, formatPath, parseRulePath, selectRule } from '../../src/core/recorded/rules';
import { fingerprint } from '../../src/io/recorder/store';
import { FIXTURE_PACTS } from './helpers';

function loadPact(file: string): LoadedPact {
  const full = path.join(FIXTURE_PACTS, file);
  return parsePact(JSON.parse(fs.readFileSync(full, 'utf8')), full);
}

function rec(
  pact: LoadedPact,
  index: number,
  response: Recording['response'],
  recordedAt = '2026-11-20T10:00:00Z',
): LoadedRecording {
  const it = pact.interactions[index]!;
  return {
    consumer: it.consumer,
    key: it.key,
    file: `recordings/${it.consumer}/${it.key}.json`,
    recording: {
      recordedAt,
      interaction: { description: it.description, providerStates: it.providerStates },
      request: { method: it.request.method, path: it.request.path, query: it.request.query },
      response,
    },
  };
}

const crm = loadPact('genesys-data-actions-vendor-crm.json');
const lookupIndex = crm.interactions.findIndex((i) => i.description.startsWith('Lookup'));
const createIndex = crm.interactions.findIndex((i) => i.description.startsWith('Create'));
const J = { 'content-type': 'application/json' };
const goodLookup = {
  customerId: 'C-9',
  fullName: 'Grace Hopper',
  email: 'grace@example.org',
  accountTier: 'VIP',
  openTickets: 1,
};
const goodCreate = { caseId: 'CASE-2', customerId: 'C-9', status: 'Pending' };

describe('rule paths', () => {
  test('parse and format', () => {
    expect(parseRulePath("$.a[0]['b c'][*].*")).toEqual([
      { kind: 'root' },
      { kind: 'field', name: 'a' },
      { kind: 'index', index: 0 },
      { kind: 'field', name: 'b c' },
      { kind: 'star-index' },
      { kind: 'star' },
    ]);
    expect(parseRulePath('$.a[')).toBeUndefined();
    expect(formatPath(['$', 'a', 0, 'b c'])).toBe("$.a[0]['b c']");
  });
  test('the most specific rule wins; parents cascade to children', () => {
    const rules = compileCategory({
      '$.items': { matchers: [{ match: 'type', min: 1 }] },
      '$.items[*].id': { matchers: [{ match: 'integer' }] },
      '$.items[0].id': { matchers: [{ match: 'regex', regex: '\\d+' }] },
    });
    expect(selectRule(rules, ['$', 'items', 3, 'id'])?.rule.path).toBe('$.items[*].id');
    expect(selectRule(rules, ['$', 'items', 0, 'id'])?.rule.path).toBe('$.items[0].id');
    const cascaded = selectRule(rules, ['$', 'items', 2, 'name']);
    expect(cascaded).toMatchObject({ cascaded: true, rule: { path: '$.items' } });
    expect(selectRule(rules, ['$', 'other'])).toBeUndefined();
  });
});

test('date/time formats compile to anchored regexes', () => {
  expect(formatToRegex('yyyy-MM-dd').test('2026-02-28')).toBe(true);
  expect(formatToRegex('yyyy-MM-dd').test('2026-13-01')).toBe(false);
  expect(formatToRegex("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").test('2026-11-23T12:30:00.000Z')).toBe(true);
  expect(formatToRegex("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").test('2026-11-23T12:30:00Z')).toBe(false);
  expect(formatToRegex('EEE, dd MMM yyyy HH:mm:ss z').test('Mon, 23 Nov 2026 14:20:49 GMT')).toBe(true);
  expect(formatToRegex('h:mm a').test('9:05 PM')).toBe(true);
});

describe('checker findings', () => {
  test('a matching set has no findings', () => {
    const findings = [
      ...checkRecorded({
        provider: 'vendor-crm',
        pacts: [crm],
        recordings: [
          rec(crm, lookupIndex, { status: 200, headers: J, body: goodLookup }),
          rec(crm, createIndex, { status: 201, headers: J, body: goodCreate }),
        ],
      }),
    ];
    expect(findings).toEqual([]);
  });

  test('every mismatch is named with interaction, path and what was found; renames get a hint', () => {
    const findings = [
      ...checkRecorded({
        provider: 'vendor-crm',
        pacts: [crm],
        recordings: [
          rec(crm, lookupIndex, {
            status: 200,
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: { customer_id: 'C-9', fullName: 7, email: 'nope', accountTier: 'Gold', openTickets: 1.5 },
          }),
          rec(crm, createIndex, { status: 200, headers: {}, body: goodCreate }),
        ],
      }),
    ];
    const byCode = (code: string) => findings.filter((f) => f.code === code);
    expect(byCode('recorded.body.missing-field')).toEqual([
      expect.objectContaining({
        interaction: crm.interactions[lookupIndex]!.description,
        at: expect.objectContaining({ path: '$.customerId' }),
        message: expect.stringContaining('the recorded response has $.customer_id (renamed?)'),
        hint: expect.stringContaining('"customerId" to "customer_id"'),
      }),
    ]);
    expect(
      byCode('recorded.body.type-mismatch')
        .map((f) => f.at.path)
        .sort(),
    ).toEqual(['$.fullName', '$.openTickets']);
    expect(
      byCode('recorded.body.value-mismatch')
        .map((f) => f.at.path)
        .sort(),
    ).toEqual(['$.accountTier', '$.email']);
    expect(byCode('recorded.status.mismatch')).toEqual([
      expect.objectContaining({ at: expect.objectContaining({ path: 'status' }), expected: 201, actual: 200 }),
    ]);
    expect(byCode('recorded.header.missing')).toEqual([
      expect.objectContaining({ at: expect.objectContaining({ path: 'header Content-Type' }) }),
    ]);
    expect(findings.every((f) => f.at.file !== undefined && f.severity === 'error')).toBe(true);
  });

  test('missing, stale, unmatched (same description, other state), request changed, empty pact', () => {
    const stale = rec(crm, createIndex, { status: 201, headers: J, body: goodCreate }, '2026-01-01T00:00:00Z');
    const changed = rec(crm, lookupIndex, { status: 200, headers: J, body: goodLookup });
    changed.recording.request.path = '/v0/customers';
    const orphanStates = [{ name: 'another state' }];
    const orphan: LoadedRecording = {
      ...changed,
      key: interactionKey(changed.recording.interaction.description, orphanStates),
      recording: {
        ...changed.recording,
        interaction: { description: changed.recording.interaction.description, providerStates: orphanStates },
      },
    };
    const empty: LoadedPact = {
      consumer: 'other-consumer',
      provider: 'vendor-crm',
      source: 'pacts/other.json',
      interactions: [],
      skipped: 0,
    };
    const summary = summariseCheck({
      provider: 'vendor-crm',
      pacts: [crm, empty],
      recordings: [stale, changed, orphan],
      now: new Date('2026-11-23T00:00:00Z'),
      maxAgeDays: 30,
      spell: spellingFromScripts({ 'pact:record': 'cxpact record' }),
    });
    const codes = summary.findings.map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'recorded.stale',
        'recorded.request.changed',
        'recorded.unmatched',
        'recorded.pact.empty',
      ]),
    );
    expect(summary.findings.find((f) => f.code === 'recorded.stale')).toMatchObject({
      message: expect.stringContaining('326 day(s) old'),
      fix: 'Refresh the recordings: npm run pact:record -- --provider vendor-crm',
    });
    expect(summary.findings.find((f) => f.code === 'recorded.unmatched')!.message).toContain(
      'exists, but with provider state(s) "a customer with phone +15551234567 exists" instead of "another state"',
    );
    expect(summary.findings.find((f) => f.code === 'recorded.request.changed')!.message).toContain(
      'made for GET /v0/customers?phone=%2B15551234567 but the pact now sends GET /v1/customers?phone=%2B15551234567',
    );
    expect(summary.passed).toBe(false);
    const none = summariseCheck({ provider: 'vendor-crm', pacts: [crm], recordings: [] });
    expect(none.findings.map((f) => f.code)).toEqual(['recorded.missing', 'recorded.missing']);
  });

  test('redacted body values are held to their type only; redacted headers to their presence', () => {
    const r = rec(crm, lookupIndex, { status: 200, headers: J, body: { ...goodLookup, email: '[REDACTED]' } });
    r.recording.redactions = { body: [{ path: '$.email', type: 'string' }] };
    expect(
      [...checkRecorded({ provider: 'vendor-crm', pacts: [crm], recordings: [r] })].filter((f) => f.key === r.key),
    ).toEqual([]);
    r.recording.redactions = { body: [{ path: '$.email', type: 'number' }] };
    expect(
      [...checkRecorded({ provider: 'vendor-crm', pacts: [crm], recordings: [r] })]
        .filter((f) => f.key === r.key)
        .map((f) => f.code),
    ).toEqual(['recorded.body.type-mismatch']);
  });
});

test('redaction: headers, body paths with wildcards, and secrets anywhere', () => {
  expect(
    redactHeaders({ Authorization: 'Bearer x', 'X-Other': 'ok', 'set-cookie': 'a=b' }, ['authorization', 'set-cookie']),
  ).toEqual({ Authorization: '[REDACTED]', 'X-Other': 'ok', 'set-cookie': '[REDACTED]' });
  const { body, redacted } = redactBody(
    {
      entities: [
        { email: 'a@x', id: 1 },
        { email: 'b@x', id: 2 },
      ],
      owner: { phone: '1' },
      other: { phone: '2' },
    },
    ['$.entities[*].email', '$.*.phone'],
  );
  expect(body).toEqual({
    entities: [
      { email: '[REDACTED]', id: 1 },
      { email: '[REDACTED]', id: 2 },
    ],
    owner: { phone: '[REDACTED]' },
    other: { phone: '[REDACTED]' },
  });
  expect(redacted.map((r) => r.path)).toEqual([
    '$.entities[0].email',
    '$.entities[1].email',
    '$.owner.phone',
    '$.other.phone',
  ]);
  expect(scrubSecrets({ a: 'token tok-123456 here', b: ['tok-123456'] }, ['tok-123456'])).toEqual({
    a: 'token [REDACTED] here',
    b: ['[REDACTED]'],
  });
});

test('Retry-After, backoff with jitter, and the rate limiter', async () => {
  expect(parseRetryAfter('3')).toBe(3000);
  expect(parseRetryAfter('Mon, 23 Nov 2026 14:00:10 GMT', Date.parse('Mon, 23 Nov 2026 14:00:00 GMT'))).toBe(10_000);
  expect(parseRetryAfter('soon')).toBeUndefined();
  const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  expect(backoffDelay(policy, 0, () => 1)).toBe(100);
  expect(backoffDelay(policy, 3, () => 1)).toBe(800);
  expect(backoffDelay(policy, 6, () => 1)).toBe(1000);
  expect(backoffDelay(policy, 3, () => 0.5)).toBe(400);
  const now = 1000;
  const waits: number[] = [];
  const limiter = new RateLimiter(
    4,
    async (ms) => {
      waits.push(ms);
    },
    () => now,
  );
  // three callers at the same instant: slots 0, 250 and 500 ms from now
  await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
  expect(waits).toEqual([250, 500]);
});

test('the fingerprint ignores when it was recorded and volatile headers, not what the vendor said', () => {
  const base = rec(crm, createIndex, { status: 201, headers: { ...J, date: 'Mon' }, body: goodCreate });
  const later = {
    ...base,
    recording: {
      ...base.recording,
      recordedAt: '2026-11-23T00:00:00Z',
      response: { ...base.recording.response, headers: { ...J, date: 'Tue' } },
    },
  };
  const changed = {
    ...base,
    recording: { ...base.recording, response: { ...base.recording.response, body: { ...goodCreate, status: 'Open' } } },
  };
  expect(fingerprint([base])).toBe(fingerprint([later]));
  expect(fingerprint([base])).not.toBe(fingerprint([changed]));
  expect(fingerprint([base])).toMatch(/^[0-9a-f]{16}$/);
});

describe('record config validation names the file, the field and the fix', () => {
  const file = 'providers/x/record.config.json';
  const base = { provider: 'x', baseUrl: 'https://staging.example' };
  test.each([
    [{ ...base, extra: 1 }, '$.extra', 'Unknown field'],
    [
      { ...base, auth: { kind: 'bearer-env', env: 'abc def secret!' } },
      '$.auth.env',
      'must name an environment variable',
    ],
    [{ ...base, auth: { kind: 'magic' } }, '$.auth.kind', 'Unknown auth kind'],
    [{ ...base, redact: { bodyPaths: ['email'] } }, '$.redact.bodyPaths[0]', 'not a supported JSON path'],
    [{ provider: 'x' }, '$.baseUrl', 'neither where the staging API is'],
    [{ provider: 'x', region: 'moon.pure.cloud' }, '$.region', 'Unknown Genesys Cloud region'],
    [{ ...base, rateLimit: { requestsPerSecond: 0 } }, '$.rateLimit.requestsPerSecond', 'must be a number'],
  ])('%j', (raw, p, text) => {
    expect(() => parseRecordConfig(raw, file)).toThrow(
      expect.objectContaining({ file, path: p, message: expect.stringContaining(text), fix: expect.any(String) }),
    );
  });
  test('defaults', () => {
    const c = parseRecordConfig(base, file);
    expect(c).toMatchObject({
      thirdParty: true,
      auth: { kind: 'none' },
      rateLimit: { requestsPerSecond: 5 },
      maxAgeDays: 30,
      publish: { branch: 'recorded', tags: [] },
    });
    expect(c.redact.headers).toEqual(expect.arrayContaining(['authorization', 'cookie', 'set-cookie', 'x-api-key']));
  });
});

test('V3 and V2 pact files are read too (bodies, header maps, grouped and flat matching rules)', () => {
  const v3 = parsePact(
    {
      consumer: { name: 'c' },
      provider: { name: 'p' },
      metadata: { pactSpecification: { version: '3.0.0' } },
      interactions: [
        {
          description: 'v3 lookup',
          providerStates: [{ name: 's', params: { id: 1 } }],
          request: { method: 'get', path: '/x', query: { a: ['1'] } },
          response: {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: { id: 1 },
            matchingRules: { body: { '$.id': { matchers: [{ match: 'integer' }] } } },
          },
        },
      ],
    },
    'v3.json',
  );
  const v2 = parsePact(
    {
      consumer: { name: 'c' },
      provider: { name: 'p' },
      interactions: [
        {
          description: 'v2 lookup',
          providerState: 'old state',
          request: { method: 'GET', path: '/y', query: 'a=1&b=2' },
          response: {
            status: 200,
            body: { id: 'x' },
            matchingRules: { '$.body.id': { match: 'type' }, '$.headers.X-Id': { match: 'regex', regex: '\\d+' } },
          },
        },
      ],
    },
    'v2.json',
  );
  expect(v3.interactions[0]).toMatchObject({
    request: { method: 'GET', query: { a: ['1'] } },
    response: {
      headers: { 'Content-Type': ['application/json'] },
      body: { content: { id: 1 }, isJson: true },
      matchingRules: { body: { '$.id': { matchers: [{ match: 'integer' }] } } },
    },
  });
  expect(v2.interactions[0]).toMatchObject({
    providerStates: [{ name: 'old state' }],
    request: { query: { a: ['1'], b: ['2'] } },
    response: {
      matchingRules: {
        body: { '$.id': { matchers: [{ match: 'type' }] } },
        header: { 'X-Id': { matchers: [{ match: 'regex' }] } },
      },
    },
  });
  expect(() => parsePact({ consumer: { name: 'c' } }, 'bad.json')).toThrow(
    expect.objectContaining({ code: 'recorded.pact.invalid', path: '$.provider.name' }),
  );
});
