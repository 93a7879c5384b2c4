// Provider configuration: `providers/<name>/provider.config.ts` (or .json), loaded and normalised here.
// Reads the file system and env only through its arguments' paths; never prints.
import fs from 'node:fs';
import path from 'node:path';
import type { VerifierOptions } from '@pact-foundation/pact';
import { CxpactError, messageOf } from '../shared/errors';
import { cxpactCommand, cxpactDoc } from '../shared/cli-hint';
import { isRecord } from '../shared/json';

/** pact-js's state handler map (state name -> function or {setup, teardown}). */
export type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** A credential the verifier injects into every request sent to the provider. The value comes only from env. */
export interface CredentialSpec {
  /** Request header to set, e.g. `Authorization` or `X-Api-Key`. */
  header: string;
  /** Environment variable holding the secret (a CI variable in GitLab); never a literal secret. */
  env: string;
  /** Written before the value, e.g. `Bearer `. */
  prefix?: string;
  /** When true a missing variable stops the run; otherwise the run continues unauthenticated with a warning. */
  required?: boolean;
}

/** What a provider request looks like to a request filter (the verifier's proxy passes an Express request). */
export interface FilterRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Adds or replaces request headers; receives the environment so secrets stay out of the config file. */
export type RequestFilter = (req: FilterRequest, env: NodeJS.ProcessEnv) => void | Promise<void>;

/** The config a provider folder exports (`export default defineProvider({...})` or `export const provider`). */
export interface WrittenProviderConfig {
  /** Pacticipant name in the pacts and the broker; must match the folder name. */
  name: string;
  /** Where the running provider listens; overridden by `PROVIDER_BASE_URL` and `--provider-base-url`. */
  baseUrl?: string;
  /** Third-party API (vendor, Genesys Cloud): it never runs Pact; it is checked from recordings (`pact:check-recorded`). */
  thirdParty?: boolean;
  /** Provider-state functions run in the verifier's process. */
  stateHandlers?: StateHandlers;
  /**
   * A URL the provider itself exposes to set up states (POST `{state, params, action}`); relative URLs are
   * resolved against the base URL. Used when the provider runs as its own process (CI).
   */
  stateChangeUrl?: string;
  /** Credentials injected from env into every request (Authorization, API keys). */
  credentials?: CredentialSpec[];
  /** Extra request rewriting, run after the credentials are injected. */
  requestFilter?: RequestFilter;
  /** Date from which work-in-progress pacts are included (YYYY-MM-DD). Default: 30 days before the run. */
  includeWipPactsSince?: string;
  /** Per-request timeout in ms for the verifier. */
  timeoutMs?: number;
}

export interface LoadedProviderConfig extends WrittenProviderConfig {
  /** The file it came from, relative to the working directory. */
  file: string;
  dir: string;
}

/** Identity helper so TypeScript checks a provider config file. @example export default defineProvider({ name: 'crm' }) */
export function defineProvider(config: WrittenProviderConfig): WrittenProviderConfig {
  return config;
}

const CONFIG_FILES = ['provider.config.ts', 'provider.config.json', 'provider.config.js'];

/** Folders under `providers/` that hold a provider (or recorded-check) config, sorted. */
export function listKnownProviders(cwd: string): string[] {
  const root = path.join(cwd, 'providers');
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory())
    .filter((e) => {
      const files = fs.readdirSync(path.join(root, e.name));
      return files.some((f) => f.startsWith('provider.config.') || f.startsWith('record.config.'));
    })
    .map((e) => e.name)
    .sort();
}

/** The provider config file for `name`, or undefined when the folder has none. */
export function findProviderConfigFile(cwd: string, name: string): string | undefined {
  for (const f of CONFIG_FILES) {
    const p = path.join(cwd, 'providers', name, f);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** True when the provider is a third party checked by recordings: `thirdParty: true` or a `record.config.*` file. */
export function isThirdPartyProvider(cwd: string, name: string): boolean {
  const dir = path.join(cwd, 'providers', name);
  try {
    if (fs.readdirSync(dir).some((f) => f.startsWith('record.config.'))) return true;
  } catch {
    return false;
  }
  const file = findProviderConfigFile(cwd, name);
  if (file === undefined) return false;
  if (file.endsWith('.json')) {
    try {
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { thirdParty?: unknown }).thirdParty === true;
    } catch {
      return false;
    }
  }
  // A .ts config might import heavy things; a cheap text check is enough for the gate's wording.
  return /thirdParty\s*:\s*true/.test(fs.readFileSync(file, 'utf8'));
}

/** Loads and validates `providers/<name>/provider.config.*`. Unknown names list the known providers. */
export async function loadProviderConfig(cwd: string, name: string): Promise<LoadedProviderConfig> {
  const file = findProviderConfigFile(cwd, name);
  const rel = (p: string) => path.relative(cwd, p) || p;
  if (file === undefined) {
    // Scenario: a third-party provider that only has a recorded-check config.
    const dir = path.join(cwd, 'providers', name);
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith('record.config.'))) {
      throw new CxpactError('verify.provider.third-party', `${name} is a third-party provider: it is checked from recordings, not by running Pact verification against it.`, {
        file: `providers/${name}`,
        fix: `Run \`${cxpactCommand(cwd, 'record', `--provider ${name}`)}\` (needs its staging credentials) and \`${cxpactCommand(cwd, 'check-recorded', `--provider ${name} --publish`)}\`; or add providers/${name}/provider.config.ts if you do run it yourself.`,
      });
    }
    const known = listKnownProviders(cwd);
    throw new CxpactError('verify.provider.unknown', `Unknown provider "${name}": there is no providers/${name}/provider.config.ts (or .json).`, {
      file: `providers/${name}/provider.config.ts`,
      fix:
        known.length > 0
          ? `Use one of the known providers: ${known.join(', ')}; or create providers/${name}/provider.config.ts (see ${cxpactDoc(cwd, 'providers.md')}).`
          : `Create providers/${name}/provider.config.ts (see ${cxpactDoc(cwd, 'providers.md')}).`,
      details: { known },
    });
  }
  let raw: unknown;
  try {
    if (file.endsWith('.json')) {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } else {
      const mod = (await import(file)) as { default?: unknown; provider?: unknown };
      raw = mod.provider ?? (isRecord(mod.default) && 'default' in mod.default ? mod.default.default : mod.default);
    }
  } catch (error) {
    throw new CxpactError('verify.config.unreadable', `Cannot load ${rel(file)}: ${messageOf(error)}`, {
      file: rel(file),
      fix: 'Fix the syntax error; the file must export default defineProvider({...}) (or be valid JSON).',
      cause: error,
    });
  }
  return validateProviderConfig(raw, name, rel(file), path.dirname(file));
}


/** Checks the shape of a written config; every error names the file, the field and the fix. */
export function validateProviderConfig(raw: unknown, name: string, file: string, dir: string): LoadedProviderConfig {
  const fail = (field: string, message: string, fix: string): never => {
    throw new CxpactError('verify.config.invalid', `${file}: ${message}`, { file, path: field, fix });
  };
  if (!isRecord(raw)) return fail('$', 'the config must be an object', 'export default defineProvider({ name: "…", baseUrl: "…" })');
  if (raw.name !== name) {
    fail('$.name', `name is ${JSON.stringify(raw.name)} but the folder is providers/${name}`, `Set name: "${name}" (the pacticipant name used in the pacts).`);
  }
  const optString = (key: string) => {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') fail(`$.${key}`, `${key} must be a string`, `Set ${key} to a string or remove it.`);
  };
  optString('baseUrl');
  optString('stateChangeUrl');
  optString('includeWipPactsSince');
  if (raw.baseUrl !== undefined) {
    try {
      new URL(raw.baseUrl as string);
    } catch {
      fail('$.baseUrl', `baseUrl ${JSON.stringify(raw.baseUrl)} is not an absolute URL`, 'Use e.g. "http://127.0.0.1:8080".');
    }
  }
  if (raw.includeWipPactsSince !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(raw.includeWipPactsSince as string)) {
    fail('$.includeWipPactsSince', 'includeWipPactsSince must be a date', 'Use YYYY-MM-DD.');
  }
  if (raw.thirdParty !== undefined && typeof raw.thirdParty !== 'boolean') fail('$.thirdParty', 'thirdParty must be true or false', 'Set thirdParty: true for vendor APIs.');
  if (raw.stateHandlers !== undefined && !isRecord(raw.stateHandlers)) fail('$.stateHandlers', 'stateHandlers must be an object of functions', 'Map each state name to an async function.');
  if (raw.requestFilter !== undefined && typeof raw.requestFilter !== 'function') fail('$.requestFilter', 'requestFilter must be a function', 'Use (req, env) => { req.headers["x"] = env.X }.');
  if (raw.timeoutMs !== undefined && (typeof raw.timeoutMs !== 'number' || raw.timeoutMs <= 0)) fail('$.timeoutMs', 'timeoutMs must be a positive number', 'Use milliseconds, e.g. 10000.');
  if (raw.credentials !== undefined) {
    if (!Array.isArray(raw.credentials)) fail('$.credentials', 'credentials must be a list', 'Use [{ header: "Authorization", env: "CRM_API_TOKEN", prefix: "Bearer " }].');
    (raw.credentials as unknown[]).forEach((c, i) => {
      if (!isRecord(c) || typeof c.header !== 'string' || typeof c.env !== 'string') {
        fail(`$.credentials[${i}]`, 'each credential needs a header and an env variable name', 'Use { header: "Authorization", env: "CRM_API_TOKEN", prefix: "Bearer " }; never put the secret itself here.');
      }
    });
  }
  return { ...(raw as unknown as WrittenProviderConfig), file, dir };
}
