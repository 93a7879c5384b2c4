// genesys-pull: the org's actions -> one reviewable UI-export-shaped JSON file per action (keys sorted, 2-space
// indent), plus the drift between the org and the repo folder (changed / added / missing).
import fs from 'node:fs';
import path from 'node:path';
import { CxpactError } from '../../core/errors';
import type { GenesysClient, PlatformAction } from './client';
import { isRecord } from '../../core/json';

/** The file cxpact writes for a pulled action: the UI export shape plus the org's `id`, `integrationId`, `category`. */
export interface PulledActionFile {
  id: string;
  name: string;
  integrationId?: string;
  category?: string;
  actionType: string;
  secure: boolean;
  config: {
    request: {
      requestUrlTemplate: string;
      requestType: string;
      headers: Record<string, string>;
      requestTemplate: string;
    };
    response: {
      translationMap: Record<string, string>;
      translationMapDefaults: Record<string, string>;
      successTemplate: string;
    };
    timeoutSeconds?: number;
  };
  contract: { input: { inputSchema: Record<string, unknown> }; output: { successSchema: Record<string, unknown> } };
}

export interface DriftEntry {
  name: string;
  id?: string;
  /** The repo file (changed, missing) or the file the pull writes (added). */
  file: string;
  /** JSON paths that differ (changed only). */
  paths?: string[];
}

export interface DriftReport {
  changed: DriftEntry[];
  added: DriftEntry[];
  missing: DriftEntry[];
  unchanged: number;
}

export interface PullResult {
  actions: PulledActionFile[];
  drift: DriftReport;
  /** Files written (empty with `check`). */
  written: string[];
  /** Per-action problems (e.g. a template URI that 404s); the other actions are still pulled. */
  errors: CxpactError[];
}

/** Recursively sorts object keys so files are stable and diffs reviewable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** 2-space JSON with sorted keys and a final newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** `Get Queue ID - Exported 2024-11-19 @ 14:32` -> `Get Queue ID`. */
export function baseName(name: string): string {
  return name.replace(/\s+-\s+Exported \d{4}-\d{2}-\d{2}(\s*@\s*\d{1,2}:\d{2})?\s*$/i, '').trim();
}

/** A file-system-safe slug of an action name. */
export function slugOf(name: string): string {
  const slug = baseName(name)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'action' : slug.slice(0, 80);
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Builds the file of one action, fetching the request/success templates when the API gives only their URIs. */
export async function toActionFile(client: GenesysClient, listed: PlatformAction): Promise<PulledActionFile> {
  let action = listed;
  // The listing carries the contract only as schema URIs (or not at all): read the action with expand=contract.
  if (!isRecord(action.contract?.input?.inputSchema) || !isRecord(action.contract?.output?.successSchema)) {
    const full = await client.getAction(action.id);
    action = { ...action, ...full, config: full.config ?? action.config };
  }
  const contract = action.contract ?? {};
  const inputSchema = isRecord(contract.input?.inputSchema)
    ? contract.input.inputSchema
    : typeof contract.input?.inputSchemaUri === 'string'
      ? await client.getSchema(action, contract.input.inputSchemaUri)
      : {};
  const successSchema = isRecord(contract.output?.successSchema)
    ? contract.output.successSchema
    : typeof contract.output?.successSchemaUri === 'string'
      ? await client.getSchema(action, contract.output.successSchemaUri)
      : {};
  const request = action.config?.request ?? {};
  const response = action.config?.response ?? {};
  // A template is inline, behind a URI, or absent (then the platform's default applies).
  const template = async (
    inline: string | undefined,
    uri: string | undefined,
    platformDefault: string,
  ): Promise<string> =>
    typeof inline === 'string'
      ? inline
      : typeof uri === 'string' && uri !== ''
        ? client.getTemplate(action, uri)
        : platformDefault;
  const requestTemplate = await template(request.requestTemplate, request.requestTemplateUri, '${input.rawRequest}');
  const successTemplate = await template(response.successTemplate, response.successTemplateUri, '${rawResult}');
  const timeout = action.config?.timeoutSeconds;
  return {
    id: action.id,
    name: action.name,
    ...(typeof action.integrationId === 'string' ? { integrationId: action.integrationId } : {}),
    ...(typeof action.category === 'string' ? { category: action.category } : {}),
    actionType: typeof action['actionType'] === 'string' ? action['actionType'] : 'custom',
    secure: action.secure === true,
    config: {
      request: {
        requestUrlTemplate: request.requestUrlTemplate ?? '',
        requestType: request.requestType ?? 'GET',
        headers: stringMap(request.headers),
        requestTemplate,
      },
      response: {
        translationMap: stringMap(response.translationMap),
        translationMapDefaults: stringMap(response.translationMapDefaults),
        successTemplate,
      },
      ...(typeof timeout === 'number' && timeout > 0 ? { timeoutSeconds: timeout } : {}),
    },
    contract: { input: { inputSchema }, output: { successSchema } },
  };
}

interface RepoFile {
  file: string;
  data: Record<string, unknown>;
}

/** Folders never read as definitions: generated pacts, dependencies, hidden folders. */
const SKIPPED_DIRS = new Set(['pacts', 'node_modules']);

/** JSON definition files (UI export shape, not `.cases.json`) under each folder, recursively, each file once. */
function definitionFiles(dirs: string[]): string[] {
  const files = new Set<string>();
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (
        entry.name.endsWith('.json') &&
        !entry.name.endsWith('.cases.json') &&
        !entry.name.endsWith('.tf.json')
      ) {
        files.add(path.resolve(full));
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return [...files].sort();
}

function readRepoFiles(dirs: string[]): RepoFile[] {
  const out: RepoFile[] = [];
  for (const file of definitionFiles(dirs)) {
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as unknown;
      if (isRecord(data) && typeof data['name'] === 'string' && isRecord(data['config'])) out.push({ file, data });
    } catch {
      // Not a definition we can compare; lint reports malformed files.
    }
  }
  return out;
}

/** The fields that define behaviour; names are compared without the " - Exported <date>" suffix. */
function comparable(data: Record<string, unknown>): Record<string, unknown> {
  const config = isRecord(data['config']) ? data['config'] : {};
  const request = isRecord(config['request']) ? config['request'] : {};
  const response = isRecord(config['response']) ? config['response'] : {};
  const contract = isRecord(data['contract']) ? data['contract'] : {};
  const input = isRecord(contract['input']) ? contract['input'] : {};
  const output = isRecord(contract['output']) ? contract['output'] : {};
  return {
    name: typeof data['name'] === 'string' ? baseName(data['name']) : '',
    secure: data['secure'] === true,
    config: {
      request: {
        requestUrlTemplate: request['requestUrlTemplate'] ?? '',
        requestType: request['requestType'] ?? 'GET',
        headers: request['headers'] ?? {},
        requestTemplate: request['requestTemplate'] ?? '${input.rawRequest}',
      },
      response: {
        translationMap: response['translationMap'] ?? {},
        translationMapDefaults: response['translationMapDefaults'] ?? {},
        successTemplate: response['successTemplate'] ?? '${rawResult}',
      },
      timeoutSeconds: config['timeoutSeconds'] ?? null,
    },
    contract: {
      input: { inputSchema: input['inputSchema'] ?? {} },
      output: { successSchema: output['successSchema'] ?? {} },
    },
  };
}

/** JSON paths where two values differ (leaves, or keys present on one side only). */
export function diffPaths(a: unknown, b: unknown, at = '$'): string[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      diffPaths(a[k], b[k], /^[A-Za-z_][\w]*$/.test(k) ? `${at}.${k}` : `${at}['${k.replace(/'/g, "\\'")}']`),
    );
  }
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)) ? [] : [at];
}

/** Org actions vs repo files: matched by `id`, else by name without the export suffix. */
export function computeDrift(
  pulled: Array<{ action: PulledActionFile; file: string }>,
  repo: RepoFile[],
): { drift: DriftReport; targets: Map<string, string> } {
  const drift: DriftReport = { changed: [], added: [], missing: [], unchanged: 0 };
  const targets = new Map<string, string>();
  const used = new Set<string>();
  for (const { action, file } of pulled) {
    const match =
      repo.find((r) => !used.has(r.file) && r.data['id'] === action.id) ??
      repo.find(
        (r) =>
          !used.has(r.file) && r.data['id'] === undefined && baseName(String(r.data['name'])) === baseName(action.name),
      );
    if (match === undefined) {
      drift.added.push({ name: action.name, id: action.id, file });
      targets.set(action.id, file);
      continue;
    }
    used.add(match.file);
    targets.set(action.id, match.file);
    const paths = diffPaths(comparable(match.data), comparable(action as unknown as Record<string, unknown>));
    if (paths.length === 0) drift.unchanged += 1;
    else drift.changed.push({ name: action.name, id: action.id, file: match.file, paths });
  }
  for (const r of repo) {
    if (!used.has(r.file))
      drift.missing.push({
        name: String(r.data['name']),
        ...(typeof r.data['id'] === 'string' ? { id: r.data['id'] } : {}),
        file: r.file,
      });
  }
  return { drift, targets };
}

export interface PullOptions {
  /** Where actions that are not in the repo yet are written. */
  outDir: string;
  /**
   * The repo's definition folder the org is compared with, recursively (e.g. `data-actions`); the output folder is
   * always read too. A repo file that matches an org action (by id, else by name) is updated in place.
   */
  repoDir?: string;
  /** Report drift only; write nothing. */
  check?: boolean;
  pageSize?: number;
  maxPages?: number;
  /** Actions fetched in parallel (default 4). */
  concurrency?: number;
}

/** Lists the org's actions, fetches their templates, computes drift vs `outDir` and (unless `check`) writes the files. */
export async function pullActions(client: GenesysClient, options: PullOptions): Promise<PullResult> {
  const listed = await client.listActions({ pageSize: options.pageSize, maxPages: options.maxPages });
  const errors: CxpactError[] = [];
  const actions: PulledActionFile[] = [];
  // A few actions at a time (templates and contracts are one call each); the token is shared (single flight).
  const queue = [...listed];
  const worker = async (): Promise<void> => {
    for (let action = queue.shift(); action !== undefined; action = queue.shift()) {
      try {
        actions.push(await toActionFile(client, action));
      } catch (error) {
        if (error instanceof CxpactError && error.code === 'genesys.template.not-found') errors.push(error);
        else {
          queue.length = 0; // stop the other workers too
          throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, listed.length)) }, worker));
  errors.sort((a, b) => a.message.localeCompare(b.message));
  // Slugs unique within the folder: a clash gets the start of the id appended.
  const slugs = new Map<string, number>();
  for (const a of actions) slugs.set(slugOf(a.name), (slugs.get(slugOf(a.name)) ?? 0) + 1);
  const pulled = actions
    .slice()
    .sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id))
    .map((action) => {
      const slug = slugOf(action.name);
      const unique = (slugs.get(slug) ?? 0) > 1 ? `${slug}-${action.id.slice(0, 8)}` : slug;
      return { action, file: path.join(options.outDir, `${unique}.json`) };
    });
  const { drift, targets } = computeDrift(
    pulled,
    readRepoFiles(options.repoDir === undefined ? [options.outDir] : [options.repoDir, options.outDir]),
  );
  const written: string[] = [];
  if (options.check !== true) {
    fs.mkdirSync(options.outDir, { recursive: true });
    for (const { action, file } of pulled) {
      const target = targets.get(action.id) ?? file;
      fs.writeFileSync(target, stableJson(action));
      written.push(target);
    }
  }
  return { actions, drift, written, errors };
}
