// The fast checker must reach the same verdict as the real pact-js Verifier. Each round replays a recording set
// through a loopback server to `Verifier` (Rust core) and runs `summariseCheck` on the same set; per interaction
// the pass/fail verdicts must agree, and for body mismatches the paths must agree too.
import fs from 'node:fs';
import path from 'node:path';
import { parsePact } from '../../src/core/recorded/pacts';
import { summariseCheck } from '../../src/core/recorded/check';
import { verifyRecordingsWithPactJs } from '../../src/io/recorder/replay';
import { interactionKey, type LoadedPact, type LoadedRecording } from '../../src/core/recorded/model';
import { labRecordings, labRounds } from './lab-variants';
import { FIXTURE_PACTS } from './helpers';

function load(file: string): { file: string; pact: LoadedPact } {
  const full = path.join(FIXTURE_PACTS, file);
  return { file: full, pact: parsePact(JSON.parse(fs.readFileSync(full, 'utf8')), full) };
}

interface Tally {
  pass: number;
  fail: number;
}

async function compare(file: string, pact: LoadedPact, recordings: LoadedRecording[], tally: Tally): Promise<void> {
  const mine = summariseCheck({ provider: pact.provider, pacts: [pact], recordings });
  const theirs = await verifyRecordingsWithPactJs(file, pact.provider, recordings, [
    ...new Set(pact.interactions.flatMap((i) => i.providerStates.map((s) => s.name))),
  ]);
  expect(theirs.interactions).toHaveLength(pact.interactions.length);
  for (const v of mine.interactions) {
    const t = theirs.interactions.find((i) => i.description === v.description);
    expect(t).toBeDefined();
    const detail = {
      interaction: v.description,
      checker: v.findings.map((f) => `${f.at.path}: ${f.message}`),
      verifier: t!.mismatches.map((m) => `${m.at.path ?? ''}: ${m.message}`),
    };
    expect({ ...detail, verdict: v.success }).toEqual({ ...detail, verdict: t!.passed });
    if (!v.success) {
      tally.fail += 1;
      const verifierBodyPaths = new Set(
        t!.mismatches.filter((m) => m.attribute === 'body' && (m.at.path ?? '').startsWith('$')).map((m) => m.at.path),
      );
      const mineBodyPaths = new Set(
        v.findings
          .filter(
            (f) =>
              f.code.startsWith('recorded.body.') &&
              f.code !== 'recorded.body.missing-field' &&
              (f.at.path ?? '').startsWith('$'),
          )
          .map((f) => f.at.path),
      );
      for (const p of mineBodyPaths)
        expect({ interaction: v.description, path: p, verifier: [...verifierBodyPaths] }).toEqual({
          interaction: v.description,
          path: p,
          verifier: expect.arrayContaining([p]),
        });
    } else tally.pass += 1;
  }
}

function recording(
  pact: LoadedPact,
  description: string,
  response: LoadedRecording['recording']['response'],
): LoadedRecording {
  const it = pact.interactions.find((i) => i.description === description)!;
  const key = interactionKey(it.description, it.providerStates);
  return {
    consumer: it.consumer,
    key,
    file: `${key}.json`,
    recording: {
      recordedAt: new Date().toISOString(),
      interaction: { description: it.description, providerStates: it.providerStates },
      request: { method: it.request.method, path: it.request.path, query: it.request.query, headers: {} },
      response,
    },
  };
}

test('matcher lab: same verdict as the pact-js Verifier on every round of matching and mismatching recordings', async () => {
  const { file, pact } = load('matcher-lab-consumer-matcher-lab.json');
  const tally: Tally = { pass: 0, fail: 0 };
  for (let r = 0; r < labRounds(); r++) await compare(file, pact, labRecordings(r), tally);
  // both verdicts were exercised (a checker that always says yes or always no cannot pass this test)
  expect(tally.pass).toBeGreaterThanOrEqual(20);
  expect(tally.fail).toBeGreaterThanOrEqual(30);
}, 120_000);

test('genesys-cloud-api and vendor-crm: matching sets pass, status changes and renames fail, like the Verifier', async () => {
  const tally: Tally = { pass: 0, fail: 0 };
  const g = load('genesys-data-actions-genesys-cloud-api.json');
  const ok =
    'Get Queue Estimated Wait Time / queue-with-estimate: a request for the estimated wait time of the support queue';
  const missing =
    'Get Queue Estimated Wait Time / unknown-queue: a request for the estimated wait time of a queue that does not exist';
  const json = { 'content-type': 'application/json; charset=UTF-8' };
  await compare(
    g.file,
    g.pact,
    [
      recording(g.pact, ok, {
        status: 200,
        headers: json,
        body: {
          results: [
            { intent: 'OFFER', formula: 'BEST', estimatedWaitTimeSeconds: 42 },
            { intent: 'OFFER', formula: 'AVG', estimatedWaitTimeSeconds: 7 },
          ],
        },
      }),
      recording(g.pact, missing, { status: 404, headers: json, body: { message: 'not found' } }),
    ],
    tally,
  );
  await compare(
    g.file,
    g.pact,
    [
      recording(g.pact, ok, {
        status: 200,
        headers: json,
        body: { results: [{ formula: 'BEST', estimated_wait_time_seconds: 42 }] },
      }),
      recording(g.pact, missing, { status: 400, headers: json, body: { message: 'bad request' } }),
    ],
    tally,
  );
  await compare(
    g.file,
    g.pact,
    [
      recording(g.pact, ok, { status: 200, headers: json, body: { results: [] } }),
      recording(g.pact, missing, { status: 404, headers: {} }),
    ],
    tally,
  );
  await compare(
    g.file,
    g.pact,
    [
      recording(g.pact, ok, { status: 200, headers: { 'content-type': 'text/plain' }, body: 'results' }),
      recording(g.pact, missing, { status: 404, headers: {} }),
    ],
    tally,
  );

  const c = load('genesys-data-actions-vendor-crm.json');
  const lookup = 'Lookup Customer By Phone / known-caller: a known caller';
  const create = 'Create Support Case / case: a case for a known customer';
  await compare(
    c.file,
    c.pact,
    [
      recording(c.pact, lookup, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { customerId: 'C-7', fullName: 'Grace', email: 'g@example.org', accountTier: 'VIP', openTickets: 0 },
      }),
      recording(c.pact, create, {
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: { caseId: 'CASE-1', customerId: 'C-7', status: 'Pending' },
      }),
    ],
    tally,
  );
  await compare(
    c.file,
    c.pact,
    [
      recording(c.pact, lookup, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { customer_id: 'C-7', fullName: 'Grace', email: 'not-an-email', accountTier: 'Gold', openTickets: 0 },
      }),
      recording(c.pact, create, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { caseId: 'CASE-1', customerId: 'C-7', status: 'Open' },
      }),
    ],
    tally,
  );
  expect(tally.pass).toBeGreaterThanOrEqual(3);
  expect(tally.fail).toBeGreaterThanOrEqual(6);
}, 120_000);
