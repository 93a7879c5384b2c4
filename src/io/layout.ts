// The data-actions/ layout: one folder per provider, an optional cxpact.json naming the pair, definition files and
// their cases files. This module reads the file system (the shell around the pure contract core).

import fs from 'node:fs';
import path from 'node:path';
import { CxpactError } from '../core/errors';
import { isDefinitionFile, isSearchedDir } from './files';

export { isDefinitionFile } from './files';

/** The consumer every folder gets unless its cxpact.json names another. */
export const DEFAULT_CONSUMER = 'genesys-data-actions';

export interface ProviderFolder {
  /** Absolute path of the folder. */
  dir: string;
  /** Folder name (default provider name). */
  folder: string;
  provider: string;
  consumer: string;
  /** The cxpact.json when there is one. */
  configFile?: string;
  /** Data Action definition files in the folder (recursive), sorted. */
  definitionFiles: string[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Validates a folder's cxpact.json text; errors name the file, the field and the fix. */
export function parseFolderConfig(
  file: string,
  text: string,
): { provider?: string; consumer?: string; errors: CxpactError[] } {
  const errors: CxpactError[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    errors.push(
      new CxpactError('config.json.malformed', `cxpact.json is not valid JSON: ${(error as Error).message}.`, {
        file,
        path: '$',
        fix: 'Fix the JSON syntax; the file holds { "provider": "...", "consumer": "..." }.',
      }),
    );
    return { errors };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    errors.push(
      new CxpactError('config.invalid', 'cxpact.json must be a JSON object.', {
        file,
        path: '$',
        fix: 'Write { "provider": "crm-customer-api" }.',
      }),
    );
    return { errors };
  }
  const out: { provider?: string; consumer?: string; errors: CxpactError[] } = { errors };
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema' || key === 'description') continue;
    if (key !== 'provider' && key !== 'consumer') {
      errors.push(
        new CxpactError('config.unknown-field', `Unknown field "${key}" in cxpact.json.`, {
          file,
          path: `$.${key}`,
          fix: 'Only "provider" and "consumer" are allowed; remove the field.',
        }),
      );
      continue;
    }
    if (typeof value !== 'string' || !NAME_RE.test(value)) {
      errors.push(
        new CxpactError(
          'config.invalid-name',
          `"${key}" in cxpact.json must be a pacticipant name (letters, digits, ".", "_", "-"), got ${JSON.stringify(value)}.`,
          {
            file,
            path: `$.${key}`,
            fix: `Write "${key}": "my-${key}-name".`,
          },
        ),
      );
      continue;
    }
    out[key] = value;
  }
  return out;
}

function listDefinitions(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isSearchedDir(entry.name)) found.push(...listDefinitions(full));
    } else if (entry.isFile() && isDefinitionFile(entry.name)) found.push(full);
  }
  return found.sort();
}

/** A path relative to the working directory when inside it (as a user would type it), absolute otherwise. */
function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/**
 * Finds the provider folders of a data-actions directory.
 * Definition files placed directly in the root (not in a folder) are reported: they have no provider.
 */
export function discoverProviders(
  dataActionsDir: string,
  options: { skipDirs?: string[] } = {},
): { folders: ProviderFolder[]; errors: CxpactError[] } {
  const root = path.resolve(dataActionsDir);
  // The pacts output folder may sit inside data-actions/ (e.g. --pacts data-actions/pacts): never read pacts as actions.
  const skip = new Set((options.skipDirs ?? []).map((d) => path.resolve(d)));
  const errors: CxpactError[] = [];
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    errors.push(
      new CxpactError('layout.missing-dir', `Data actions directory not found: ${dataActionsDir}.`, {
        file: dataActionsDir,
        fix: 'Create it with one folder per provider (data-actions/<provider>/<action>.json) or pass --data-actions <dir>.',
      }),
    );
    return { folders: [], errors };
  }
  const folders: ProviderFolder[] = [];
  const entries = fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // Every definition directly in the folder and none below: the caller most likely passed a provider folder.
  const looksLikeProviderFolder =
    entries.some((e) => e.isFile() && isDefinitionFile(e.name)) &&
    !entries.some(
      (e) =>
        e.isDirectory() &&
        !e.name.startsWith('.') &&
        !skip.has(path.join(root, e.name)) &&
        listDefinitions(path.join(root, e.name)).length > 0,
    );
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isFile() && isDefinitionFile(entry.name)) {
      const parent = shownPath(path.dirname(root));
      errors.push(
        new CxpactError('layout.action-outside-folder', `Data Action ${entry.name} is not inside a provider folder.`, {
          file: full,
          fix: looksLikeProviderFolder
            ? `${shownPath(root)} looks like a provider folder itself: pass its parent folder (--data-actions ${parent}), or move the files into ${path.join(shownPath(root), '<provider>')}${path.sep}.`
            : `Move it to ${path.join(dataActionsDir, '<provider-name>', entry.name)}; the folder name is the provider.`,
        }),
      );
      continue;
    }
    if (!entry.isDirectory() || entry.name.startsWith('.') || skip.has(full)) continue;
    const folder: ProviderFolder = {
      dir: full,
      folder: entry.name,
      provider: entry.name,
      consumer: DEFAULT_CONSUMER,
      definitionFiles: listDefinitions(full),
    };
    const configFile = path.join(full, 'cxpact.json');
    if (fs.existsSync(configFile)) {
      folder.configFile = configFile;
      const config = parseFolderConfig(configFile, fs.readFileSync(configFile, 'utf8'));
      errors.push(...config.errors);
      if (config.errors.length > 0) continue; // the pair is unknown: do not write a pact under a wrong name
      if (config.provider !== undefined) folder.provider = config.provider;
      if (config.consumer !== undefined) folder.consumer = config.consumer;
    }
    if (!NAME_RE.test(folder.provider)) {
      errors.push(
        new CxpactError('layout.invalid-provider', `Folder name "${entry.name}" is not a valid provider name.`, {
          file: full,
          fix: 'Rename the folder (letters, digits, ".", "_", "-") or set "provider" in its cxpact.json.',
        }),
      );
      continue;
    }
    if (folder.definitionFiles.length > 0) folders.push(folder);
  }
  return { folders, errors };
}

export { pactFileName } from '../core/contract/pact-file';
