// The files cxpact reads its input from: Data Action folders (which files are definitions, sibling `.jsonata`
// files), and "a pact file or a directory of pacts" (`cxpact verify --pact-files`, the recorded checks' `--pacts`).
// Parsing is the core's (src/core/data-action/parse.ts); size limits are checked here, before text is parsed.
import fs from 'node:fs';
import path from 'node:path';
import { CxpactError } from '../core/errors';
import { currentLimits, sizeLimitError } from '../core/limits';
import type { DataAction } from '../core/data-action/model';
import { jsonataCandidates, parseDefinitionFile } from '../core/data-action/parse';

// ---------------------------------------------------------------------------------------------------------------
// Data Action folders

/** Files never read as definitions: cases, folder config, recordings, package/tsconfig files, READMEs, dot files. */
const SKIP_FILE = [
  /\.cases\.json$/i,
  /\.response\.json$/i,
  /^cxpact\.json$/i,
  /\.recording[^/]*\.json$/i,
  /^readme(\.[a-z]+)?$/i,
  /^package(-lock)?\.json$/i,
  /^tsconfig.*\.json$/i,
  /^\./,
];

/** Folders never searched for definitions (dot folders neither). */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['recordings', 'node_modules', '.git', '.terraform', '.tmp']);

/** Whether a file name is a Data Action definition (`.json`, `.tf`, `.tf.json`) and not one of the files beside them. */
export function isDefinitionFile(name: string): boolean {
  if (SKIP_FILE.some((re) => re.test(name))) return false;
  return /\.(json|tf)$/i.test(name);
}

/** A folder that is searched for definitions. */
export function isSearchedDir(name: string): boolean {
  return !SKIP_DIRS.has(name) && !name.startsWith('.');
}

/** Definition files under `dir` (recursive), sorted by name at each level. Throws when `dir` cannot be read. */
export function listDefinitionFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (isSearchedDir(e.name)) out.push(...listDefinitionFiles(full));
    } else if (e.isFile() && isDefinitionFile(e.name)) {
      out.push(full);
    }
  }
  return out;
}

/**
 * The action with its sibling `.jsonata` file attached (an inline expression wins; both is
 * `data-action.jsonata.ambiguous`). An empty or oversized file is an error in `errors`; the action is returned as is.
 */
export function attachSiblingJsonata(action: DataAction, errors: CxpactError[]): DataAction {
  const candidate = jsonataCandidates(action).find((c) => fs.existsSync(c));
  if (candidate === undefined) return action;
  if (action.response.jsonata) {
    errors.push(
      new CxpactError(
        'data-action.jsonata.ambiguous',
        `Data Action "${action.name}" has an inline JSONata expression (${action.response.jsonata.source}) and a JSONata file ${candidate}; cxpact uses the inline one.`,
        {
          file: action.file,
          path: action.response.jsonata.source,
          fix: `Keep one: delete ${path.basename(candidate)} or remove config.response.jsonata.`,
        },
      ),
    );
    return action;
  }
  const max = currentLimits().stringLength;
  const size = fs.statSync(candidate).size;
  if (size > max) {
    const e = sizeLimitError(`the JSONata file ${candidate}`, size, 'stringLength', max, 'Shorten the expression');
    errors.push(new CxpactError(e.code, e.message, { file: candidate, fix: e.fix }));
    return action;
  }
  const expression = fs.readFileSync(candidate, 'utf8');
  if (expression.trim() === '') {
    errors.push(
      new CxpactError('data-action.jsonata.empty', `${candidate} is empty.`, {
        file: candidate,
        fix: 'Write a JSONata expression in the file or delete it.',
      }),
    );
    return action;
  }
  return { ...action, response: { ...action.response, jsonata: { expression, source: candidate } } };
}

/**
 * Loads every Data Action definition under `dir` (recursively). Skips `*.cases.json`, `cxpact.json`,
 * `*.recording*.json`, `recordings/` folders and READMEs. Attaches sibling `.jsonata` files. Duplicate slugs in
 * one folder are an error (`data-action.slug.duplicate`).
 */
export async function loadDataActions(
  dir: string,
): Promise<{ actions: DataAction[]; errors: CxpactError[]; files: string[] }> {
  const actions: DataAction[] = [];
  const errors: CxpactError[] = [];
  let files: string[];
  try {
    files = listDefinitionFiles(dir);
  } catch (e) {
    errors.push(
      new CxpactError(
        'data-action.dir.unreadable',
        `Cannot read the Data Action folder ${dir}: ${e instanceof Error ? e.message : String(e)}`,
        {
          file: dir,
          fix: 'Create the folder (e.g. data-actions/<provider>/) or pass the right path.',
        },
      ),
    );
    return { actions, errors, files: [] };
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const r = parseDefinitionFile(file, fs.readFileSync(file, 'utf8'));
    errors.push(...r.errors);
    for (const parsed of r.actions) {
      const a = attachSiblingJsonata(parsed, errors);
      const key = `${path.dirname(a.file)}\u0000${a.slug}`;
      const prev = seen.get(key);
      if (prev !== undefined) {
        errors.push(
          new CxpactError(
            'data-action.slug.duplicate',
            `Two Data Actions in ${path.dirname(a.file)} have the slug "${a.slug}": ${prev} and ${a.file}${a.pointer === '$' ? '' : ` (${a.pointer})`}.`,
            {
              file: a.file,
              path: a.pointer,
              fix: 'Rename one of the files (or Terraform resources) so each action has its own name.',
            },
          ),
        );
        continue;
      }
      seen.set(key, `${a.file}${a.pointer === '$' ? '' : ` (${a.pointer})`}`);
      actions.push(a);
    }
  }
  return { actions, errors, files };
}

// ---------------------------------------------------------------------------------------------------------------
// Pact files

export interface PactFileEntry {
  file: string;
  /** True when the file came from listing a directory (a non-pact JSON there is skipped, not an error). */
  fromDirectory: boolean;
}

/**
 * Expands files and directories to pact JSON files, in the order given (directories: their *.json files, sorted,
 * not recursive). A path that does not exist throws `missing(path)` (the caller's error, naming its flag and fix).
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
    for (const f of fs
      .readdirSync(p)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = path.join(p, f);
      if (fs.statSync(file).isFile()) out.push({ file, fromDirectory: true });
    }
  }
  return out;
}
