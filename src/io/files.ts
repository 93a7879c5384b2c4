// "A pact file or a directory of pacts" -> the pact JSON files to read, shared by `cxpact verify --pact-files`
// and the recorded checks (`--pacts`). Directories give their *.json files (sorted, not recursive).
import fs from 'node:fs';
import path from 'node:path';

export interface PactFileEntry {
  file: string;
  /** True when the file came from listing a directory (a non-pact JSON there is skipped, not an error). */
  fromDirectory: boolean;
}

/**
 * Expands files and directories to pact JSON files, in the order given. A path that does not exist throws
 * `missing(path)` (the caller's error, naming its own flag and fix).
 */
export function listPactFiles(paths: readonly string[], missing: (p: string) => Error): PactFileEntry[] {
  const out: PactFileEntry[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw missing(p);
    }
    if (!stat.isDirectory()) {
      out.push({ file: p, fromDirectory: false });
      continue;
    }
    for (const f of fs.readdirSync(p).filter((n) => n.endsWith('.json')).sort()) {
      const file = path.join(p, f);
      if (fs.statSync(file).isFile()) out.push({ file, fromDirectory: true });
    }
  }
  return out;
}
