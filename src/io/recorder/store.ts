// Recording files: providers/<provider>/recordings/<consumer>/<interaction-key>.json.
// Reading reports bad files as findings data (one bad file never hides the others); the fingerprint of a set is
// the provider version published to the broker.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { CxpactError } from '../../core/errors';
import type { Finding, LoadedRecording, Recording } from '../../core/recorded/model';

export function recordingsDir(providerDir: string): string {
  return path.join(providerDir, 'recordings');
}

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r.startsWith('..') ? file : r;
}

function validRecording(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return '$';
  const o = v as Record<string, unknown>;
  if (typeof o.recordedAt !== 'string') return '$.recordedAt';
  const it = o.interaction as Record<string, unknown> | undefined;
  if (typeof it !== 'object' || it === null || typeof it.description !== 'string') return '$.interaction.description';
  if (!Array.isArray(it.providerStates)) return '$.interaction.providerStates';
  const rq = o.request as Record<string, unknown> | undefined;
  if (typeof rq !== 'object' || rq === null || typeof rq.method !== 'string' || typeof rq.path !== 'string')
    return '$.request';
  const rs = o.response as Record<string, unknown> | undefined;
  if (typeof rs !== 'object' || rs === null || typeof rs.status !== 'number') return '$.response.status';
  if (rs.headers !== undefined && (typeof rs.headers !== 'object' || rs.headers === null)) return '$.response.headers';
  return undefined;
}

/** Reads every recording under `dir` (`<consumer>/<key>.json`). Unreadable files become findings. */
export function readRecordings(
  dir: string,
  cwd = process.cwd(),
): { recordings: LoadedRecording[]; problems: Finding[] } {
  const recordings: LoadedRecording[] = [];
  const problems: Finding[] = [];
  if (!fs.existsSync(dir)) return { recordings, problems };
  for (const consumer of fs.readdirSync(dir).sort()) {
    const cdir = path.join(dir, consumer);
    if (!fs.statSync(cdir).isDirectory()) continue;
    for (const name of fs.readdirSync(cdir).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(cdir, name);
      let doc: unknown;
      try {
        doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        problems.push({
          code: 'recorded.recording.malformed',
          severity: 'error',
          consumer,
          at: { file: rel(file, cwd), path: '$' },
          message: `${rel(file, cwd)} is not valid JSON: ${(error as Error).message}`,
          fix: 'Delete it and re-record.',
        });
        continue;
      }
      const bad = validRecording(doc);
      if (bad !== undefined) {
        problems.push({
          code: 'recorded.recording.invalid',
          severity: 'error',
          consumer,
          at: { file: rel(file, cwd), path: bad },
          message: `${rel(file, cwd)} is not a recording: ${bad} is missing or has the wrong type`,
          fix: 'Delete it and re-record.',
        });
        continue;
      }
      const rec = doc as Recording;
      rec.response.headers ??= {};
      recordings.push({ consumer, key: name.slice(0, -'.json'.length), file: rel(file, cwd), recording: rec });
    }
  }
  return { recordings, problems };
}

/** Writes one recording (pretty JSON, trailing newline). */
export function writeRecording(dir: string, consumer: string, key: string, rec: Recording): string {
  if (/[/\\]|^\.\.?$/.test(consumer)) {
    throw new CxpactError('recorded.consumer.invalid-name', `Consumer name "${consumer}" cannot be a folder name.`, {
      fix: 'Rename the consumer in the pact (no slashes).',
    });
  }
  const cdir = path.join(dir, consumer);
  fs.mkdirSync(cdir, { recursive: true });
  const file = path.join(cdir, `${key}.json`);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Headers that change on every call and say nothing about the contract; left out of the fingerprint. */
const VOLATILE_HEADERS = new Set([
  'date',
  'age',
  'expires',
  'last-modified',
  'etag',
  'x-request-id',
  'inin-correlation-id',
  'x-amzn-requestid',
  'x-amz-cf-id',
  'via',
  'x-cache',
  'connection',
  'keep-alive',
  'content-length',
  'set-cookie',
]);

/**
 * A short sha256 of what the vendor answered (status, stable headers, body) per interaction, independent of
 * when it was recorded: identical answers give the same provider version, a silent vendor change a new one.
 */
export function fingerprint(recordings: readonly LoadedRecording[]): string {
  const h = createHash('sha256');
  const sorted = [...recordings].sort((a, b) => (`${a.consumer}/${a.key}` < `${b.consumer}/${b.key}` ? -1 : 1));
  for (const r of sorted) {
    const headers = Object.fromEntries(
      Object.entries(r.recording.response.headers)
        .filter(([k]) => !VOLATILE_HEADERS.has(k.toLowerCase()))
        .map(([k, v]) => [k.toLowerCase(), v]),
    );
    h.update(
      JSON.stringify(
        canonical({
          c: r.consumer,
          k: r.key,
          s: r.recording.response.status,
          h: headers,
          b: r.recording.response.body ?? null,
        }),
      ),
    );
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}
