// The Spelling (src/core/spelling.ts) of the repository the user runs cxpact in: its package.json's scripts,
// read once per working directory and read again only when the file changes. Also where the docs that ship with
// the package are, seen from there.
import fs from 'node:fs';
import path from 'node:path';
import { spellingFromScripts, type Spelling } from '../core/spelling';

export { CXPACT_SCRIPTS, npxSpelling, type Spelling } from '../core/spelling';

const cache = new Map<string, { stamp: string; spelling: Spelling }>();

/** The `scripts` of `<cwd>/package.json` (empty when there is none or it cannot be read). */
function scriptsOf(file: string): Record<string, unknown> {
  try {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: unknown };
    return typeof pkg.scripts === 'object' && pkg.scripts !== null && !Array.isArray(pkg.scripts)
      ? (pkg.scripts as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** How commands are spelled in `cwd` (default: the process's working directory). */
export function spellingFor(cwd: string = process.cwd()): Spelling {
  const file = path.join(cwd, 'package.json');
  let stamp = 'none';
  try {
    const st = fs.statSync(file);
    stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    // no package.json: npx
  }
  const hit = cache.get(cwd);
  if (hit !== undefined && hit.stamp === stamp) return hit.spelling;
  const spelling = spellingFromScripts(stamp === 'none' ? {} : scriptsOf(file));
  cache.set(cwd, { stamp, spelling });
  return spelling;
}

/**
 * The command line that runs `cxpact <command> <args>` from `cwd` (default: the process's working directory):
 * `npm run <script> -- <args>` when cwd's package.json has the script for that command, `npx cxpact <command>
 * <args>` otherwise.
 */
export function cxpactCommand(cwd: string | undefined, command: string, args = ''): string {
  return spellingFor(cwd)(command, args);
}

/** Where the field reference of provider.config / record.config lives: a doc that ships with the npm package. */
export const PROVIDERS_DOC = 'docs/providers.md';

/**
 * A reference to a doc that ships with the package: `docs/<name>` when cwd is this repository (or has its own
 * copy), `node_modules/cxpact/docs/<name>` in a repository that installed cxpact.
 */
export function cxpactDoc(cwd: string | undefined, name: string): string {
  const local = path.join('docs', name);
  return fs.existsSync(path.join(cwd ?? process.cwd(), local))
    ? local
    : path.join('node_modules', 'cxpact', 'docs', name);
}
