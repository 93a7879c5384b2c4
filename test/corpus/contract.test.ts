// Golden corpus: every real Data Action of test/fixtures/corpus that parses yields a contract (interaction spec)
// from derived cases; all of them go through the real Pact mock server in one run and into V4 pact files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultEngine } from '../../src/io/default-engine';
import { deriveCases } from '../../src/core/contract/derive';
import { buildInteraction } from '../../src/core/contract/from-data-action';
import { replayInteractions, writePact } from '../../src/io/pact-ffi';
import { listMatchers } from '../../src/core/contract/matchers';
import type { DataActionEngine } from '../../src/core/contract/engine';
import type { InteractionSpec } from '../../src/core/contract/interaction';
import type { DataAction } from '../../src/core/data-action';

const CORPUS = path.resolve(__dirname, '..', 'fixtures', 'corpus', 'data-actions');
const files = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Built {
  file: string;
  action: DataAction;
  specs: { id: string; spec: InteractionSpec; kind: string }[];
  renderErrors: string[];
}

describe('corpus contracts', () => {
  let engine: DataActionEngine;
  const built: Built[] = [];
  const unparsed: string[] = [];
  let pactsDir: string;

  beforeAll(async () => {
    engine = await defaultEngine();
    pactsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-corpus-pacts-'));
    for (const file of files) {
      const full = path.join(CORPUS, file);
      const parsed = engine.parseDefinitionFile(full, fs.readFileSync(full, 'utf8'));
      if (parsed.actions.length === 0) {
        unparsed.push(file);
        continue;
      }
      for (const action of parsed.actions) {
        const entry: Built = { file, action, specs: [], renderErrors: [] };
        built.push(entry);
        let reads: ReturnType<DataActionEngine['responseFieldsRead']>;
        try {
          reads = engine.responseFieldsRead(action);
        } catch (error) {
          entry.renderErrors.push(`fields read: ${(error as Error).message}`);
          continue;
        }
        for (const kase of deriveCases(action, reads)) {
          try {
            const rendered = engine.renderRequest(action, kase.input);
            const { spec, problems } = buildInteraction(action, kase, rendered, reads, process.cwd());
            // Authors' bugs found while building (a body declared JSON that is not JSON) are reported, not replayed.
            if (problems.length > 0)
              entry.renderErrors.push(...problems.map((p) => `${kase.name}: ${p.code}: ${p.message}`));
            else entry.specs.push({ id: `${file}#${action.slug}#${kase.name}`, spec, kind: kase.kind });
          } catch (error) {
            entry.renderErrors.push(`${kase.name}: ${(error as Error).message}`);
          }
        }
      }
    }
  });
  afterAll(() => fs.rmSync(pactsDir, { recursive: true, force: true }));

  it('parses most of the corpus (the rest fail with a message)', () => {
    expect(built.length).toBeGreaterThanOrEqual(100);
    expect(built.length + unparsed.length).toBeGreaterThanOrEqual(files.length);
  });

  it('reports the request body bug of Get-User-ID-by-Email instead of replaying it', () => {
    const b = built.find((x) => x.file.includes('Get-User-ID-by-Email'));
    expect(b?.renderErrors.join('\n')).toMatch(/request\.body\.not-json/);
  });

  it('yields a contract for every action whose request renders', () => {
    const withSpecs = built.filter((b) => b.specs.length > 0);
    // Actions with authors' bugs ($Input, stray braces) fail to render: they are reported, never silently skipped.
    const failing = built.filter((b) => b.specs.length === 0);
    for (const b of failing) expect(b.renderErrors.length).toBeGreaterThan(0);
    expect(withSpecs.length).toBeGreaterThanOrEqual(Math.floor(built.length * 0.85));
    for (const b of withSpecs) {
      const success = b.specs.find((s) => s.kind === 'success');
      expect(success).toBeDefined();
      expect(b.specs.some((s) => s.kind === 'failure')).toBe(true);
    }
  });

  it('replays every interaction through the real mock server and writes V4 pacts', async () => {
    const items = built.flatMap((b) => b.specs.map((s) => ({ id: s.id, spec: s.spec })));
    const answers = await replayInteractions(items);
    const failed = items
      .filter((i) => !answers.get(i.id)?.ok)
      .map((i) => `${i.id}: ${answers.get(i.id)?.problems.join('; ')}`);
    expect(failed).toEqual([]);

    // one pact per source repository (a provider per blueprint)
    const byRepo = new Map<string, InteractionSpec[]>();
    for (const b of built) {
      const repo = b.file.split('__')[0] as string;
      const list = byRepo.get(repo) ?? [];
      list.push(...b.specs.map((s) => s.spec));
      byRepo.set(repo, list);
    }
    let total = 0;
    for (const [repo, specs] of byRepo) {
      if (specs.length === 0) continue;
      const file = writePact('genesys-data-actions', repo, specs, pactsDir);
      const pact = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(pact.metadata.pactSpecification.version).toBe('4.0');
      expect(pact.interactions).toHaveLength(
        new Set(specs.map((s) => `${s.description}|${JSON.stringify(s.providerStates)}`)).size,
      );
      total += pact.interactions.length;
      const text = JSON.stringify(pact);
      // no secrets: credentials and auth responses only ever appear as placeholders
      expect(text).not.toMatch(/"Bearer [A-Za-z0-9._-]{20,}"/);
    }
    expect(total).toBeGreaterThan(built.length);
  });

  it('puts type matchers on the response fields of successful interactions', () => {
    const successes = built.flatMap((b) => b.specs.filter((s) => s.kind === 'success'));
    const withBody = successes.filter(
      (s) => s.spec.response.body !== undefined && JSON.stringify(s.spec.response.body) !== '{}',
    );
    expect(withBody.length).toBeGreaterThan(successes.length / 2);
    for (const s of withBody) expect(listMatchers(s.spec.response.body).length).toBeGreaterThan(0);
  });

  it('matches credential headers by regex', () => {
    const secretSpecs = built
      .flatMap((b) => b.specs)
      .filter((s) => Object.values(s.spec.request.headers).some((v) => typeof v === 'object'));
    expect(secretSpecs.length).toBeGreaterThan(0);
    for (const s of secretSpecs) {
      for (const v of Object.values(s.spec.request.headers))
        if (typeof v === 'object') expect(v['pact:matcher:type']).toBe('regex');
    }
  });
});

describe('corpus through cxpact consumer (one run)', () => {
  it('passes the well-formed actions and names what is wrong in the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-corpus-run-'));
    try {
      fs.mkdirSync(path.join(dir, 'actions', 'corpus'), { recursive: true });
      for (const f of files) fs.copyFileSync(path.join(CORPUS, f), path.join(dir, 'actions', 'corpus', f));
      const { runConsumerContracts } = await import('../../src/io/consumer-run');
      const report = await runConsumerContracts({
        dataActionsDir: path.join(dir, 'actions'),
        pactsDir: path.join(dir, 'pacts'),
        engine: await defaultEngine(),
      });
      expect(report.totals.actions).toBe(files.length);
      const passing = report.actions.filter((a) => a.ok);
      expect(passing.length).toBeGreaterThanOrEqual(Math.floor(files.length * 0.85));
      for (const a of report.actions.filter((x) => !x.ok)) {
        const messages = [
          ...a.errors.map((e) => e.message),
          ...a.cases.flatMap((c) => c.problems.map((p) => p.message)),
        ];
        expect(messages.length).toBeGreaterThan(0);
        expect(messages.every((m) => m.length > 20)).toBe(true);
      }
      // a known author bug: `${Input.x}` with the wrong case
      const wrongCase = report.actions.find((a) => a.file.includes('Update-External-Tag.custom'));
      expect(JSON.stringify(wrongCase)).toMatch(/case-sensitive/);
      const pact = JSON.parse(fs.readFileSync(path.join(dir, 'pacts', 'genesys-data-actions-corpus.json'), 'utf8'));
      expect(pact.metadata.pactSpecification.version).toBe('4.0');
      // Only cases a provider can honour are written: the derived success of each passing action; the derived
      // failure (503) and absent-field cases are checked by the emulator, so no interaction asks for a failure.
      const inPact = report.actions.flatMap((a) => a.cases).filter((c) => c.ok && c.checkedBy === 'pact');
      expect(pact.interactions.length).toBe(inPact.length);
      expect(inPact.every((c) => c.kind === 'success')).toBe(true);
      expect(pact.interactions.filter((i: { response: { status: number } }) => i.response.status >= 400)).toEqual([]);
      expect(report.totals.emulatorOnly).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
