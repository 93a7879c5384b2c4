// The Pact FFI driver (src/io/pact-ffi) against the real Pact V4 mock server: replay on this thread and on worker
// threads (from the sources here, and compiled as the CLI runs it), mismatch reporting, pact writing, and a
// hand-written interaction run the pact-js way.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executeInteraction, replayInteractions, writePact, planBatches } from '../../src/io/pact-ffi';
import { workerEntry } from '../../src/io/pact-ffi/driver';
import type { InteractionSpec } from '../../src/core/contract/interaction';
import { eachLike, integer, like, regex } from '../../src/core/contract/matchers';

function spec(overrides: Partial<InteractionSpec> & { path?: string } = {}): InteractionSpec {
  const p = overrides.path ?? '/api/v1/customers';
  return {
    description: overrides.description ?? `lookup ${p}`,
    providerStates: overrides.providerStates ?? [{ name: 'a customer exists', params: { phone: '+15551234567' } }],
    request: overrides.request ?? {
      method: 'GET',
      path: p,
      query: { phone: ['+15551234567'] },
      headers: { Authorization: regex('^Bearer .+$', 'Bearer {{credentials.apiKey}}') },
      rawPathAndQuery: `${p}?phone=%2B15551234567`,
    },
    response: overrides.response ?? {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { customer: { id: like('C1'), openTickets: integer(2), tickets: eachLike({ id: like('T1') }) } },
    },
    comments: ['test'],
  };
}

describe('Pact FFI driver (real mock server)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-adapter-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replays interactions over HTTP and returns the example response', async () => {
    const results = await replayInteractions([
      { id: 'a', spec: spec() },
      { id: 'b', spec: spec({ path: '/api/v1/other' }) },
    ]);
    const a = results.get('a');
    expect(a?.ok).toBe(true);
    expect(a?.status).toBe(200);
    expect(a?.body).toEqual({ customer: { id: 'C1', openTickets: 2, tickets: [{ id: 'T1' }] } });
    expect(results.get('b')?.ok).toBe(true);
  });

  it('reports a request that breaks the interaction and still answers the others', async () => {
    const bad = spec({ path: '/bad' });
    bad.request.headers = { Authorization: regex('^Bearer .+$', 'Bearer x') };
    // send a header value that does not satisfy the regex: simulate by a query the interaction does not expect
    bad.request.rawPathAndQuery = '/bad?phone=%2B19999999999';
    const results = await replayInteractions([
      { id: 'bad', spec: bad },
      { id: 'good', spec: spec() },
    ]);
    expect(results.get('bad')?.ok).toBe(false);
    expect(results.get('bad')?.problems.join('\n')).toMatch(/phone|query|Expected/i);
    expect(results.get('good')?.ok).toBe(true);
  });

  it('replays on worker threads the same way (several chunks, both workers): answers, bodies, mismatches, identical requests', async () => {
    const items = [];
    for (let i = 0; i < 45; i++) items.push({ id: `ok-${i}`, spec: spec({ path: `/api/v1/customers/${i}` }) });
    // the same request under two provider states: must land on different servers
    items.push({
      id: 'dup',
      spec: spec({
        path: '/api/v1/customers/0',
        description: 'other state',
        providerStates: [{ name: 'another state' }],
      }),
    });
    const post = spec({ path: '/api/v1/cases' });
    post.request = {
      ...post.request,
      method: 'POST',
      query: {},
      rawPathAndQuery: '/api/v1/cases',
      body: { kind: 'json', json: { subject: 'x' }, contentType: 'application/json' },
    };
    post.response = { status: 201, headers: { 'Content-Type': 'text/plain' }, body: 'created' };
    items.push({ id: 'post', spec: post });
    const bad = spec({ path: '/bad' });
    bad.request.rawPathAndQuery = '/bad?phone=%2B19999999999';
    items.push({ id: 'bad', spec: bad });
    const fallbacks: string[] = [];
    const results = await replayInteractions(items, {
      workers: 2,
      workerThreshold: 1,
      onWorkerFallback: (r) => fallbacks.push(r),
    });
    expect(fallbacks).toEqual([]);
    expect(results.size).toBe(items.length);
    for (let i = 0; i < 45; i++)
      expect(results.get(`ok-${i}`)).toMatchObject({
        ok: true,
        status: 200,
        body: { customer: { id: 'C1', openTickets: 2, tickets: [{ id: 'T1' }] } },
      });
    expect(results.get('dup')).toMatchObject({ ok: true, status: 200 });
    expect(results.get('post')).toMatchObject({ ok: true, status: 201 });
    expect(results.get('bad')?.ok).toBe(false);
    expect(results.get('bad')?.problems.join('\n')).toMatch(/phone|query|Expected/i);
  });

  it('puts interactions with the same request in different batches', () => {
    const s = spec();
    const batches = planBatches(
      [
        { id: '1', spec: s },
        { id: '2', spec: { ...s, description: 'second' } },
        { id: '3', spec: spec({ path: '/x' }) },
      ],
      6,
    );
    expect(batches.map((b) => b.map((i) => i.id))).toEqual([['1', '3'], ['2']]);
  });

  it('writes a V4 pact with matching rules and provider state params', () => {
    const file = writePact(
      'genesys-data-actions',
      'crm',
      [spec(), spec({ path: '/api/v1/other', description: 'other' })],
      dir,
    );
    expect(path.basename(file)).toBe('genesys-data-actions-crm.json');
    const pact = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(pact.metadata.pactSpecification.version).toBe('4.0');
    expect(pact.interactions).toHaveLength(2);
    const i0 = pact.interactions.find((i: { description: string }) => i.description === 'lookup /api/v1/customers');
    expect(i0.providerStates).toEqual([{ name: 'a customer exists', params: { phone: '+15551234567' } }]);
    expect(i0.response.matchingRules.body['$.customer.openTickets'].matchers[0].match).toBe('integer');
    expect(i0.response.matchingRules.body['$.customer.tickets'].matchers[0]).toEqual({ match: 'type', min: 1 });
    expect(i0.request.matchingRules.header.Authorization.matchers[0]).toEqual({ match: 'regex', regex: '^Bearer .+$' });
    expect(i0.request.headers.Authorization).toEqual(['Bearer {{credentials.apiKey}}']);
  });

  it('writes the metadata it is given under cxpact', () => {
    const file = writePact('genesys-data-actions', 'crm', [spec()], dir, { generator: 'cxpact consumer' });
    const pact = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(pact.metadata.cxpact).toEqual({ generator: 'cxpact consumer' });
    expect(pact.consumer.name).toBe('genesys-data-actions');
    expect(pact.provider.name).toBe('crm');
  });

  it('runs a hand-written interaction: the test gets the example response and the pact is merged; writeIf can keep it out', async () => {
    const other = spec({ path: '/api/v1/other', description: 'other' });
    const send = async (baseUrl: string, s: ReturnType<typeof spec>): Promise<unknown> => {
      const res = await fetch(new URL(s.request.rawPathAndQuery, baseUrl), { headers: { Authorization: 'Bearer t' } });
      return res.json();
    };
    const body = await executeInteraction({ consumer: 'ivr', provider: 'crm', spec: spec(), pactsDir: dir }, (url) =>
      send(url, spec()),
    );
    expect(body).toEqual({ customer: { id: 'C1', openTickets: 2, tickets: [{ id: 'T1' }] } });
    await executeInteraction({ consumer: 'ivr', provider: 'crm', spec: other, pactsDir: dir }, (url) =>
      send(url, other),
    );
    await executeInteraction(
      {
        consumer: 'ivr',
        provider: 'crm',
        spec: spec({ path: '/kept/out', description: 'kept out' }),
        pactsDir: dir,
        writeIf: () => false,
      },
      (url) => send(url, spec({ path: '/kept/out' })),
    );
    const pact = JSON.parse(fs.readFileSync(path.join(dir, 'ivr-crm.json'), 'utf8'));
    expect(pact.interactions.map((i: { description: string }) => i.description).sort()).toEqual([
      'lookup /api/v1/customers',
      'other',
    ]);
  });

  it('a hand-written interaction whose request breaks the contract fails naming the mismatch, and writes nothing', async () => {
    await expect(
      executeInteraction({ consumer: 'ivr', provider: 'crm', spec: spec(), pactsDir: dir }, async (url) => {
        const res = await fetch(`${url}/api/v1/customers?phone=%2B19999999999`, {
          headers: { Authorization: 'Bearer t' },
        });
        return res.status;
      }),
    ).rejects.toThrow(/Pact mock server mismatches for "lookup \/api\/v1\/customers"[\s\S]*phone/);
    expect(fs.existsSync(path.join(dir, 'ivr-crm.json'))).toBe(false);
  });

  it('a replay worker run from the sources loads worker.ts through tsx', () => {
    const entry = workerEntry();
    expect(entry.file).toBe(path.resolve(__dirname, '../../src/io/pact-ffi/worker.ts'));
    expect(entry.execArgv).toEqual(expect.arrayContaining(['--require', require.resolve('tsx/cjs')]));
  });

  it('compiled (as the CLI runs it), the workers run worker.js: same answers, and nothing on stderr', () => {
    // dist/ is brought up to date by jest's global setup (scripts/fresh-build.js).
    const script = `
      const { replayInteractions } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/io/pact-ffi'))});
      const { workerEntry } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/io/pact-ffi/driver'))});
      const items = JSON.parse(process.argv[1]);
      const fallbacks = [];
      replayInteractions(items, { workers: 2, workerThreshold: 1, onWorkerFallback: (r) => fallbacks.push(r) }).then((results) => {
        process.stdout.write(JSON.stringify({ entry: workerEntry(), fallbacks, results: [...results.values()] }));
      });`;
    const items = [];
    for (let i = 0; i < 12; i++) items.push({ id: `ok-${i}`, spec: spec({ path: `/api/v1/customers/${i}` }) });
    const bad = spec({ path: '/bad' });
    bad.request.rawPathAndQuery = '/bad?phone=%2B19999999999';
    items.push({ id: 'bad', spec: bad });
    const run = spawnSync(process.execPath, ['-e', script, JSON.stringify(items)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      entry: { file: string; execArgv?: string[] };
      fallbacks: string[];
      results: { id: string; ok: boolean; status?: number; problems: string[] }[];
    };
    expect(out.entry).toEqual({ file: path.resolve(__dirname, '../../dist/io/pact-ffi/worker.js') });
    expect(out.fallbacks).toEqual([]);
    expect(out.results).toHaveLength(items.length);
    for (const r of out.results.filter((x) => x.id !== 'bad')) expect(r).toMatchObject({ ok: true, status: 200 });
    const badResult = out.results.find((r) => r.id === 'bad');
    expect(badResult?.ok).toBe(false);
    expect(badResult?.problems.join('\n')).toMatch(/phone|query|Expected/i);
  });
});
