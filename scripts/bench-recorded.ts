// npm run bench:recorded [-- --count 10000] [-- --sample 120] [-- --json <file>]
//
// Measures the recorded check (`cxpact check-recorded`) on N recorded interactions (default 10,000):
//   * end to end: read N recording files from disk + parse the pacts + check every interaction;
//   * the checker alone (in-memory pacts and recordings);
// and, beside it, replays a sample of the same interactions through the real pact-js Verifier (a loopback server
// answering with the recorded responses), reporting ms per interaction for both and the ratio.
// Target from the issue: 10,000 recorded interactions in at most 10 s. A benchmark: figures, never assertions.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePact } from '../src/core/recorded/pacts';
import { summariseCheck } from '../src/core/recorded/check';
import { readRecordings, writeRecording } from '../src/io/recorder/store';
import { verifyRecordingsWithPactJs } from '../src/io/recorder/replay';
import { interactionKey, type LoadedRecording } from '../src/core/recorded/model';
import { LAB_VARIANTS } from '../test/recorded/lab-variants';

const ROOT = path.resolve(__dirname, '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface RawInteraction {
  description: string;
  providerStates?: Array<{ name: string }>;
  request: { method: string; path: string };
  [k: string]: unknown;
}

/**
 * A pact of `n` interactions cloned from the matcher-lab fixture (every matcher family) and the Genesys pact,
 * each with its own description, state and path; plus one recording per interaction, a realistic mix of
 * matching and mismatching answers (the lab variants).
 */
function synthesise(n: number): { pactDoc: Record<string, unknown>; recordings: LoadedRecording[] } {
  const lab = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'test/recorded/fixtures/pacts/matcher-lab-consumer-matcher-lab.json'), 'utf8'),
  ) as { interactions: RawInteraction[] } & Record<string, unknown>;
  const templates = lab.interactions;
  const interactions: RawInteraction[] = [];
  const recordings: LoadedRecording[] = [];
  const recordedAt = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length]!;
    const name = t.description.replace('matcher lab: ', '');
    const description = `${t.description} #${i}`;
    const providerStates = [{ name: `lab ${name} #${i}` }];
    const p = `/lab/${name}/${i}`;
    interactions.push({ ...t, description, providerStates, request: { ...t.request, path: p } });
    const variants = LAB_VARIANTS[name]!;
    // Every fifth interaction gets a mismatching answer; the others variant 0 or 1 (mostly passing).
    const v = i % 5 === 4 ? variants[2 + (i % (variants.length - 2))]! : variants[i % 2]!;
    const key = interactionKey(description, providerStates);
    recordings.push({
      consumer: 'matcher-lab-consumer',
      key,
      file: `${key}.json`,
      recording: {
        recordedAt,
        interaction: { description, providerStates },
        request: { method: 'GET', path: p, query: {}, headers: {} },
        response: {
          status: v.status ?? (name === 'status-matcher' ? 299 : 200),
          headers: v.headers ?? (v.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(v.body === undefined ? {} : { body: v.body }),
        },
      },
    });
  }
  return { pactDoc: { ...lab, interactions }, recordings };
}

async function main(): Promise<void> {
  const count = Number(arg('count') ?? 10_000);
  const sample = Number(arg('sample') ?? 120);
  const jsonOut = arg('json');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-bench-recorded-'));
  try {
    const { pactDoc, recordings } = synthesise(count);
    const pactFile = path.join(tmp, 'matcher-lab-consumer-matcher-lab.json');
    fs.writeFileSync(pactFile, JSON.stringify(pactDoc));
    const recDir = path.join(tmp, 'recordings');
    for (const r of recordings) writeRecording(recDir, r.consumer, r.key, r.recording);

    // End to end: parse the pact, read every recording file, check everything.
    const t0 = performance.now();
    const pact = parsePact(JSON.parse(fs.readFileSync(pactFile, 'utf8')), pactFile);
    const loaded = readRecordings(recDir, tmp);
    const summary = summariseCheck({
      provider: 'matcher-lab',
      pacts: [pact],
      recordings: loaded.recordings,
      now: new Date(),
      maxAgeDays: 30,
    });
    const endToEndMs = performance.now() - t0;
    const failed = summary.interactions.filter((v) => !v.success).length;

    // The checker alone, in memory (best of 3).
    let checkMs = Infinity;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      summariseCheck({ provider: 'matcher-lab', pacts: [pact], recordings, now: new Date(), maxAgeDays: 30 });
      checkMs = Math.min(checkMs, performance.now() - t);
    }

    // The pact-js Verifier on a sample of the same interactions (replayed from a loopback server).
    const sampleDoc = { ...pactDoc, interactions: (pactDoc.interactions as RawInteraction[]).slice(0, sample) };
    const sampleFile = path.join(tmp, 'sample.json');
    fs.writeFileSync(sampleFile, JSON.stringify(sampleDoc));
    const sampleRecs = recordings.slice(0, sample);
    const states = sampleRecs.flatMap((r) => r.recording.interaction.providerStates.map((s) => s.name));
    const saveLog = console.log;
    const t1 = performance.now();
    const verifier = await verifyRecordingsWithPactJs(sampleFile, 'matcher-lab', sampleRecs, states);
    const verifierMs = performance.now() - t1;
    console.log = saveLog;
    const samplePact = parsePact(sampleDoc, sampleFile);
    const sampleMine = summariseCheck({ provider: 'matcher-lab', pacts: [samplePact], recordings: sampleRecs });
    const disagreements = sampleMine.interactions.filter(
      (v) => verifier.interactions.find((i) => i.description === v.description)?.passed !== v.success,
    ).length;

    const perCheck = endToEndMs / count;
    const perVerifier = verifierMs / Math.max(1, verifier.interactions.length);
    const result = {
      interactions: count,
      failedByChecker: failed,
      endToEndSeconds: +(endToEndMs / 1000).toFixed(3),
      endToEndMsPerInteraction: +perCheck.toFixed(4),
      checkerOnlySeconds: +(checkMs / 1000).toFixed(3),
      checkerOnlyMsPerInteraction: +(checkMs / count).toFixed(4),
      verifierSample: verifier.interactions.length,
      verifierSeconds: +(verifierMs / 1000).toFixed(3),
      verifierMsPerInteraction: +perVerifier.toFixed(2),
      speedupVsVerifier: +(perVerifier / perCheck).toFixed(1),
      sampleDisagreementsWithVerifier: disagreements,
      targetSeconds: 10,
      withinTarget: endToEndMs / 1000 <= 10,
      node: process.version,
      cpus: os.cpus().length,
    };
    process.stdout.write(
      [
        '',
        `Recorded check: ${count} recorded interactions (${failed} of them mismatching)`,
        `  end to end (read ${count} files + parse pact + check): ${result.endToEndSeconds.toFixed(3)} s = ${result.endToEndMsPerInteraction} ms/interaction  [target <= 10 s: ${result.withinTarget ? 'met' : 'MISSED'}]`,
        `  checker only (in memory, best of 3):                 ${result.checkerOnlySeconds.toFixed(3)} s = ${result.checkerOnlyMsPerInteraction} ms/interaction`,
        `pact-js Verifier replay of ${result.verifierSample} of them: ${result.verifierSeconds.toFixed(3)} s = ${result.verifierMsPerInteraction} ms/interaction (verdicts differing from the checker: ${disagreements})`,
        `ratio: the checker is ${result.speedupVsVerifier}x faster per interaction than the Verifier replay`,
        '',
      ].join('\n'),
    );
    if (jsonOut !== undefined) {
      fs.mkdirSync(path.dirname(path.resolve(jsonOut)), { recursive: true });
      fs.writeFileSync(path.resolve(jsonOut), `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`wrote ${jsonOut}\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
