// Provider configuration: `providers/<name>/provider.config.ts` (or .json), loaded and normalised here.
// Reads the file system and env only through its arguments' paths; never prints.
import fs from 'node:fs';
import path from 'node:path';
import { CxpactError, messageOf } from '../../core/errors';
import { cxpactCommand, cxpactDoc } from '../cli-spelling';
import { isRecord } from '../../core/json';
import { throwConfigProblems, unknownFields, type ConfigProblem } from '../../core/config-fields';
import { parseJsonText } from '../../core/data-action/json-definition';
import type { LoadedProviderConfig, WrittenProviderConfig } from '../../core/verify/provider-config';

export type {
  CredentialSpec,
  FilterRequest,
  LoadedProviderConfig,
  RequestFilter,
  StateHandlers,
  WrittenProviderConfig,
} from '../../core/verify/provider-config';

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
      throw new CxpactError(
        'verify.provider.third-party',
        `${name} is a third-party provider: it is checked from recordings, not by running Pact verification against it.`,
        {
          file: `providers/${name}`,
          fix: `Run \`${cxpactCommand(cwd, 'record', `--provider ${name}`)}\` (needs its staging credentials) and \`${cxpactCommand(cwd, 'check-recorded', `--provider ${name} --publish`)}\`; or add providers/${name}/provider.config.ts if you do run it yourself.`,
        },
      );
    }
    const known = listKnownProviders(cwd);
    // The smallest config that verifies a backend serving its data: two fields.
    const create = `create providers/${name}/provider.config.json holding { "name": "${name}", "baseUrl": "http://127.0.0.1:8080" }, baseUrl being where your backend listens (see ${cxpactDoc(cwd, 'providers.md')})`;
    throw new CxpactError(
      'verify.provider.unknown',
      `Unknown provider "${name}": there is no providers/${name}/provider.config.ts (or .json).`,
      {
        file: `providers/${name}/provider.config.ts`,
        fix:
          known.length > 0
            ? `Use one of the known providers: ${known.join(', ')}; or ${create}.`
            : `${create[0]!.toUpperCase()}${create.slice(1)}.`,
        details: { known },
      },
    );
  }
  let raw: unknown;
  try {
    if (file.endsWith('.json')) {
      raw = parseJsonText(rel(file), fs.readFileSync(file, 'utf8'), 'verify.config.malformed');
    } else {
      const mod = (await importConfigModule(file)) as { default?: unknown; provider?: unknown };
      raw = mod.provider ?? (isRecord(mod.default) && 'default' in mod.default ? mod.default.default : mod.default);
    }
  } catch (error) {
    if (error instanceof CxpactError) throw error;
    throw new CxpactError('verify.config.unreadable', `Cannot load ${rel(file)}: ${messageOf(error)}`, {
      file: rel(file),
      fix: 'Fix the syntax error; the file must export default defineProvider({...}) (or be valid JSON).',
      cause: error,
    });
  }
  return validateProviderConfig(raw, name, rel(file), path.dirname(file));
}

/**
 * Loads a provider.config.ts (or .js). Compiled cxpact (dist/: the installed package and the npm scripts) has no
 * TypeScript loader: it compiles a .ts config with tsx, for that file (and what it imports) only, and only then.
 * Run from its own sources (ts-jest, tsx) the loader in force already reads TypeScript.
 */
async function importConfigModule(file: string): Promise<unknown> {
  if (/\.[cm]?ts$/.test(file) && path.extname(__filename) === '.js') {
    const tsx = require('tsx/cjs/api') as { require: (id: string, fromFile: string) => unknown };
    return tsx.require(file, __filename);
  }
  return import(file);
}

/** Fields a provider config takes (a .json one: all but the functions). */
export const PROVIDER_CONFIG_FIELDS = [
  'name',
  'baseUrl',
  'thirdParty',
  'stateHandlers',
  'stateChangeUrl',
  'credentials',
  'requestFilter',
  'includeWipPactsSince',
  'timeoutMs',
] as const;
const JSON_ONLY_FIELDS = ['$schema', '$comment', 'description'];
const FUNCTION_FIELDS = ['stateHandlers', 'requestFilter'];
const CREDENTIAL_FIELDS = ['header', 'env', 'prefix', 'required'];

/** An absolute http(s) URL, or what is wrong with it ("add http://" for `127.0.0.1:8080`). */
export function httpUrlProblem(url: string): { message: string; fix: string } | undefined {
  if (/^https?:\/\/[^/?#\s]+/i.test(url)) {
    try {
      new URL(url);
      return undefined;
    } catch {
      return { message: `${JSON.stringify(url)} is not a valid URL`, fix: 'Use e.g. "http://127.0.0.1:8080".' };
    }
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    return {
      message: `${JSON.stringify(url)} has no scheme`,
      fix: `add http:// (or https://): "http://${url.replace(/^\/+/, '')}".`,
    };
  return {
    message: `${JSON.stringify(url)} is not an http(s) URL`,
    fix: 'Use an http:// or https:// URL, e.g. "http://127.0.0.1:8080".',
  };
}

/** Checks the shape of a written config; collects every problem (file, JSON path, fix) and throws them together. */
export function validateProviderConfig(raw: unknown, name: string, file: string, dir: string): LoadedProviderConfig {
  const problems: ConfigProblem[] = [];
  const fail = (field: string, message: string, fix: string): void => {
    problems.push({ path: field, message, fix });
  };
  if (!isRecord(raw)) {
    throwConfigProblems('verify.config.invalid', file, [
      {
        path: '$',
        message: 'the config must be an object',
        fix: 'export default defineProvider({ name: "…", baseUrl: "…" })',
      },
    ]);
    throw new Error('unreachable');
  }
  const isJson = file.endsWith('.json');
  problems.push(
    ...unknownFields(raw, [...PROVIDER_CONFIG_FIELDS, ...(isJson ? JSON_ONLY_FIELDS : [])], '$', 'the provider config'),
  );
  if (isJson) {
    for (const f of FUNCTION_FIELDS) {
      if (raw[f] !== undefined)
        fail(
          `$.${f}`,
          `${f} holds functions, which a JSON config cannot`,
          `Move the config to provider.config.ts (export default defineProvider({...})), or use ${f === 'stateHandlers' ? 'stateChangeUrl' : 'credentials'} in the JSON file.`,
        );
    }
  }
  if (raw.name !== name) {
    fail(
      '$.name',
      `name is ${JSON.stringify(raw.name)} but the folder is providers/${name}`,
      `Set name: "${name}" (the pacticipant name used in the pacts).`,
    );
  }
  const optString = (key: string): boolean => {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') {
      fail(`$.${key}`, `${key} must be a string`, `Set ${key} to a string or remove it.`);
      return false;
    }
    return raw[key] !== undefined;
  };
  if (optString('baseUrl')) {
    const problem = httpUrlProblem(raw.baseUrl as string);
    if (problem !== undefined) fail('$.baseUrl', `baseUrl ${problem.message}`, problem.fix);
  }
  optString('stateChangeUrl');
  if (optString('includeWipPactsSince') && !/^\d{4}-\d{2}-\d{2}/.test(raw.includeWipPactsSince as string)) {
    fail('$.includeWipPactsSince', 'includeWipPactsSince must be a date', 'Use YYYY-MM-DD.');
  }
  if (raw.thirdParty !== undefined && typeof raw.thirdParty !== 'boolean')
    fail('$.thirdParty', 'thirdParty must be true or false', 'Set thirdParty: true for vendor APIs.');
  if (!isJson && raw.stateHandlers !== undefined && !isRecord(raw.stateHandlers))
    fail(
      '$.stateHandlers',
      'stateHandlers must be an object of functions',
      'Map each state name to an async function.',
    );
  if (!isJson && raw.requestFilter !== undefined && typeof raw.requestFilter !== 'function')
    fail('$.requestFilter', 'requestFilter must be a function', 'Use (req, env) => { req.headers["x"] = env.X }.');
  if (raw.timeoutMs !== undefined && (typeof raw.timeoutMs !== 'number' || raw.timeoutMs <= 0))
    fail('$.timeoutMs', 'timeoutMs must be a positive number', 'Use milliseconds, e.g. 10000.');
  if (raw.credentials !== undefined) {
    if (!Array.isArray(raw.credentials))
      fail(
        '$.credentials',
        'credentials must be a list',
        'Use [{ header: "Authorization", env: "CRM_API_TOKEN", prefix: "Bearer " }].',
      );
    else {
      raw.credentials.forEach((c: unknown, i: number) => {
        if (!isRecord(c) || typeof c.header !== 'string' || typeof c.env !== 'string') {
          fail(
            `$.credentials[${i}]`,
            'each credential needs a header and an env variable name',
            'Use { header: "Authorization", env: "CRM_API_TOKEN", prefix: "Bearer " }; never put the secret itself here.',
          );
          return;
        }
        problems.push(...unknownFields(c, CREDENTIAL_FIELDS, `$.credentials[${i}]`, 'a credential'));
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.env))
          fail(
            `$.credentials[${i}].env`,
            'env must name an environment variable, not hold a value',
            'Put the secret in an environment variable (a masked CI variable) and write its name here, e.g. "CRM_API_TOKEN".',
          );
        if (c.prefix !== undefined && typeof c.prefix !== 'string')
          fail(`$.credentials[${i}].prefix`, 'prefix must be a string', 'Write e.g. prefix: "Bearer ".');
        if (c.required !== undefined && typeof c.required !== 'boolean')
          fail(
            `$.credentials[${i}].required`,
            'required must be true or false',
            'Write required: true to stop the run when the variable is not set.',
          );
      });
    }
  }
  throwConfigProblems('verify.config.invalid', file, problems);
  return { ...(raw as unknown as WrittenProviderConfig), file, dir };
}
