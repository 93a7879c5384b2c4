// providers/<provider>/record.config.json: where a third-party provider's staging API is, how to authenticate,
// what to redact, how fast to go and how old recordings may get. Secrets only ever come from the environment:
// the file names environment variables, never values.
import fs from 'node:fs';
import path from 'node:path';
import { CxpactError } from '../../core/errors';
import { hostUrlProblem, resolveRegion } from '../../core/genesys/regions';
import { cxpactDoc } from '../cli-spelling';
import { throwConfigProblems, unknownFields, type ConfigProblem } from '../../core/config-fields';
import { parseJsonText } from '../../core/data-action/json-definition';

export type AuthConfig =
  | {
      kind: 'genesys-oauth-client-credentials';
      clientIdEnv: string;
      clientSecretEnv: string;
      loginBaseUrl?: string;
      loginBaseUrlEnv?: string;
    }
  | { kind: 'bearer-env'; env: string }
  | { kind: 'header-env'; header: string; env: string; prefix?: string }
  | { kind: 'none' };

export interface RecordConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The provider folder (recordings live in `<dir>/recordings`). */
  dir: string;
  provider: string;
  thirdParty: boolean;
  /** Explicit staging base URL (wins over the region). */
  baseUrl?: string;
  /** Environment variable holding the base URL (wins over baseUrl). */
  baseUrlEnv?: string;
  /** Genesys Cloud region domain or name (`mypurecloud.ie`, `eu-west-1`). */
  region?: string;
  /** Environment variable holding the region (wins over region). */
  regionEnv?: string;
  auth: AuthConfig;
  /** `{{credentials.NAME}}` placeholders in pact request headers -> environment variable names. */
  credentials: Record<string, string>;
  redact: { headers: string[]; bodyPaths: string[] };
  rateLimit: { requestsPerSecond: number };
  retry: { maxRetries: number; baseDelayMs: number; maxDelayMs: number };
  /** Concurrent requests while recording (default 2; the rate limit still applies). */
  concurrency: number;
  timeoutMs: number;
  maxAgeDays: number;
  publish: { branch: string; tags: string[] };
}

/** Headers always redacted, whatever the config says. */
export const DEFAULT_REDACTED_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization'];

export const AUTH_KINDS = ['genesys-oauth-client-credentials', 'bearer-env', 'header-env', 'none'] as const;

const KNOWN_FIELDS = new Set([
  '$schema',
  'provider',
  'thirdParty',
  'baseUrl',
  'baseUrlEnv',
  'region',
  'regionEnv',
  'auth',
  'credentials',
  'redact',
  'rateLimit',
  'retry',
  'concurrency',
  'timeoutMs',
  'maxAgeDays',
  'publish',
  'description',
]);

const AUTH_FIELDS: Record<string, readonly string[]> = {
  'genesys-oauth-client-credentials': ['kind', 'clientIdEnv', 'clientSecretEnv', 'loginBaseUrl', 'loginBaseUrlEnv'],
  'bearer-env': ['kind', 'env'],
  'header-env': ['kind', 'header', 'env', 'prefix'],
  none: ['kind'],
};
const NESTED_FIELDS: Record<string, readonly string[]> = {
  redact: ['headers', 'bodyPaths'],
  rateLimit: ['requestsPerSecond'],
  retry: ['maxRetries', 'baseDelayMs', 'maxDelayMs'],
  publish: ['branch', 'tags'],
};

/** Every unknown field, at the top level and inside the nested objects (auth by its kind). */
function unknownRecordFields(o: Record<string, unknown>): ConfigProblem[] {
  const problems = unknownFields(o, [...KNOWN_FIELDS], '$', 'the record config');
  for (const [key, allowed] of Object.entries(NESTED_FIELDS)) {
    const v = o[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      problems.push(...unknownFields(v as Record<string, unknown>, allowed, `$.${key}`, `$.${key}`));
  }
  const auth = o['auth'];
  if (typeof auth === 'object' && auth !== null && !Array.isArray(auth)) {
    const allowed = AUTH_FIELDS[String((auth as Record<string, unknown>)['kind'])];
    if (allowed !== undefined)
      problems.push(
        ...unknownFields(
          auth as Record<string, unknown>,
          allowed,
          '$.auth',
          `$.auth (kind ${String((auth as Record<string, unknown>)['kind'])})`,
        ),
      );
  }
  return problems;
}

export function configPathFor(providersDir: string, provider: string): string {
  return path.join(providersDir, provider, 'record.config.json');
}

/** Reads and validates `providers/<provider>/record.config.json`; every problem names the file, the field and the fix. */
export function loadRecordConfig(providersDir: string, provider: string): RecordConfig {
  const file = path.resolve(configPathFor(providersDir, provider));
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    const known = fs.existsSync(providersDir)
      ? fs.readdirSync(providersDir).filter((d) => fs.existsSync(path.join(providersDir, d, 'record.config.json')))
      : [];
    throw new CxpactError(
      'recorded.config.missing',
      `No recorded-check config for provider "${provider}": ${file} does not exist.`,
      {
        file,
        fix:
          `Create it (see ${cxpactDoc(path.dirname(providersDir), 'providers.md')} for the fields)` +
          (known.length > 0 ? `, or use one of the configured providers: ${known.join(', ')}.` : '.'),
      },
    );
  }
  // A syntax error names the line and column (and what was expected there).
  const raw = parseJsonText(file, text, 'recorded.config.malformed');
  return parseRecordConfig(raw, file);
}

/** Validates parsed config JSON (exported for tests). */
export function parseRecordConfig(raw: unknown, file: string): RecordConfig {
  const fail = (p: string, message: string, fix: string): never => {
    throw new CxpactError('recorded.config.invalid', message, { file, path: p, fix });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('$', 'The record config must be a JSON object.', 'Write { "provider": "...", "thirdParty": true, ... }.');
  const o = raw as Record<string, unknown>;
  throwConfigProblems('recorded.config.invalid', file, unknownRecordFields(o));
  const str = (v: unknown, p: string, required: boolean): string | undefined => {
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '')
      return fail(p, `${p} must be a non-empty string.`, `Set ${p} to a string value.`);
    return v;
  };
  const envName = (v: unknown, p: string): string => {
    const s = str(v, p, true)!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
      fail(
        p,
        `${p} must name an environment variable, not hold a value.`,
        `Put the secret in an environment variable and write its name here, e.g. "GENESYS_CLOUD_CLIENT_SECRET".`,
      );
    return s;
  };
  const num = (v: unknown, p: string, def: number, min: number): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      return fail(p, `${p} must be a number >= ${min}.`, `Set ${p} to a number, e.g. ${def}.`);
    return v;
  };
  const provider = str(o.provider, '$.provider', true)!;
  const thirdParty = o.thirdParty === undefined ? true : o.thirdParty;
  if (typeof thirdParty !== 'boolean')
    fail(
      '$.thirdParty',
      '$.thirdParty must be true or false.',
      'Set "thirdParty": true for a vendor API that never runs Pact verification.',
    );

  const baseUrl = str(o.baseUrl, '$.baseUrl', false);
  if (baseUrl !== undefined) checkUrl(baseUrl, file, '$.baseUrl');
  const baseUrlEnv = o.baseUrlEnv === undefined ? undefined : envName(o.baseUrlEnv, '$.baseUrlEnv');
  const region = str(o.region, '$.region', false);
  if (region !== undefined) resolveRegion(region, { file, path: '$.region' });
  const regionEnv = o.regionEnv === undefined ? undefined : envName(o.regionEnv, '$.regionEnv');
  if (baseUrl === undefined && baseUrlEnv === undefined && region === undefined && regionEnv === undefined) {
    fail(
      '$.baseUrl',
      'The record config says neither where the staging API is (baseUrl / baseUrlEnv) nor its Genesys Cloud region (region / regionEnv).',
      'Add "baseUrl": "https://staging.vendor.example" or "region": "mypurecloud.com".',
    );
  }

  const authRaw = o.auth ?? { kind: 'none' };
  if (typeof authRaw !== 'object' || authRaw === null)
    return fail('$.auth', '$.auth must be an object.', `Write { "kind": one of ${AUTH_KINDS.join(', ')} }.`);
  const a = authRaw as Record<string, unknown>;
  let auth: AuthConfig;
  switch (a.kind) {
    case 'genesys-oauth-client-credentials': {
      const loginBaseUrl = str(a.loginBaseUrl, '$.auth.loginBaseUrl', false);
      if (loginBaseUrl !== undefined) checkUrl(loginBaseUrl, file, '$.auth.loginBaseUrl');
      auth = {
        kind: a.kind,
        clientIdEnv:
          a.clientIdEnv === undefined ? 'GENESYS_CLOUD_CLIENT_ID' : envName(a.clientIdEnv, '$.auth.clientIdEnv'),
        clientSecretEnv:
          a.clientSecretEnv === undefined
            ? 'GENESYS_CLOUD_CLIENT_SECRET'
            : envName(a.clientSecretEnv, '$.auth.clientSecretEnv'),
        ...(loginBaseUrl === undefined ? {} : { loginBaseUrl }),
        ...(a.loginBaseUrlEnv === undefined
          ? {}
          : { loginBaseUrlEnv: envName(a.loginBaseUrlEnv, '$.auth.loginBaseUrlEnv') }),
      };
      break;
    }
    case 'bearer-env':
      auth = { kind: a.kind, env: envName(a.env, '$.auth.env') };
      break;
    case 'header-env': {
      const prefix =
        a.prefix === undefined
          ? undefined
          : typeof a.prefix === 'string'
            ? a.prefix
            : fail('$.auth.prefix', '$.auth.prefix must be a string.', 'Write e.g. "prefix": "Token ".');
      auth = {
        kind: a.kind,
        header: str(a.header, '$.auth.header', true)!,
        env: envName(a.env, '$.auth.env'),
        ...(prefix === undefined ? {} : { prefix }),
      };
      break;
    }
    case 'none':
      auth = { kind: 'none' };
      break;
    default:
      return fail(
        '$.auth.kind',
        `Unknown auth kind ${JSON.stringify(a.kind)}.`,
        `Use one of: ${AUTH_KINDS.join(', ')}.`,
      );
  }

  const credentials: Record<string, string> = {};
  if (o.credentials !== undefined) {
    if (typeof o.credentials !== 'object' || o.credentials === null || Array.isArray(o.credentials))
      fail(
        '$.credentials',
        '$.credentials must map placeholder names to environment variable names.',
        'Write { "apiKey": "CRM_API_KEY" }.',
      );
    for (const [k, v] of Object.entries(o.credentials as Record<string, unknown>))
      credentials[k] = envName(v, `$.credentials.${k}`);
  }

  const redactRaw = (o.redact ?? {}) as Record<string, unknown>;
  const strList = (v: unknown, p: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      return fail(
        p,
        `${p} must be a list of strings.`,
        `Write e.g. ${p.endsWith('headers') ? '["X-Session-Id"]' : '["$.customer.email"]'}.`,
      );
    return v as string[];
  };
  const extraHeaders = strList(redactRaw.headers, '$.redact.headers');
  const bodyPaths = strList(redactRaw.bodyPaths, '$.redact.bodyPaths');
  bodyPaths.forEach((p, i) => {
    if (!/^\$(\.[^.[\]]+|\[\*\]|\[\d+\]|\.\*|\['[^']+'\])*$/.test(p))
      fail(
        `$.redact.bodyPaths[${i}]`,
        `Body path ${JSON.stringify(p)} is not a supported JSON path.`,
        'Use $.field.sub, $.list[*].field, $.list[0] or $.*.field.',
      );
  });
  const rate = (o.rateLimit ?? {}) as Record<string, unknown>;
  const retry = (o.retry ?? {}) as Record<string, unknown>;
  const pub = (o.publish ?? {}) as Record<string, unknown>;
  const tags = strList(pub.tags, '$.publish.tags');
  return {
    file,
    dir: path.dirname(file),
    provider,
    thirdParty: thirdParty as boolean,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(baseUrlEnv === undefined ? {} : { baseUrlEnv }),
    ...(region === undefined ? {} : { region }),
    ...(regionEnv === undefined ? {} : { regionEnv }),
    auth,
    credentials,
    redact: {
      headers: [...new Set([...DEFAULT_REDACTED_HEADERS, ...extraHeaders.map((h) => h.toLowerCase())])],
      bodyPaths,
    },
    rateLimit: { requestsPerSecond: num(rate.requestsPerSecond, '$.rateLimit.requestsPerSecond', 5, 0.001) },
    retry: {
      maxRetries: num(retry.maxRetries, '$.retry.maxRetries', 5, 0),
      baseDelayMs: num(retry.baseDelayMs, '$.retry.baseDelayMs', 500, 0),
      maxDelayMs: num(retry.maxDelayMs, '$.retry.maxDelayMs', 30_000, 0),
    },
    concurrency: Math.floor(num(o.concurrency, '$.concurrency', 2, 1)),
    timeoutMs: num(o.timeoutMs, '$.timeoutMs', 30_000, 1),
    maxAgeDays: num(o.maxAgeDays, '$.maxAgeDays', 30, 0),
    publish: { branch: str(pub.branch, '$.publish.branch', false) ?? 'recorded', tags },
  };
}

function checkUrl(url: string, file: string, p: string): void {
  const problem = hostUrlProblem(url);
  if (problem !== undefined) {
    throw new CxpactError('recorded.config.invalid', `${p} ${JSON.stringify(url)} ${problem}.`, {
      file,
      path: p,
      fix: 'Write an absolute https:// URL, e.g. https://api.mypurecloud.com.',
    });
  }
}

export interface ResolvedTarget {
  baseUrl: string;
  /** Login host (OAuth auth kinds only). */
  loginBaseUrl?: string;
}

/**
 * Where to send requests: --base-url > baseUrlEnv > baseUrl > region (regionEnv > region).
 * Login host: --login-url > auth.loginBaseUrlEnv > auth.loginBaseUrl > the region's login host > the base URL.
 */
export function resolveTarget(
  config: RecordConfig,
  env: NodeJS.ProcessEnv,
  flags: { baseUrl?: string; loginUrl?: string } = {},
): ResolvedTarget {
  const regionValue = (config.regionEnv !== undefined ? env[config.regionEnv] : undefined) || config.region;
  const regionPath = config.regionEnv !== undefined && env[config.regionEnv] ? config.regionEnv : '$.region';
  const hosts = regionValue ? resolveRegion(regionValue, { file: config.file, path: regionPath }) : undefined;
  const baseUrl =
    flags.baseUrl ||
    (config.baseUrlEnv !== undefined ? env[config.baseUrlEnv] : undefined) ||
    config.baseUrl ||
    hosts?.apiBaseUrl;
  if (baseUrl === undefined) {
    throw new CxpactError('recorded.config.no-base-url', `No staging base URL for ${config.provider}.`, {
      file: config.file,
      path: config.baseUrlEnv ?? config.regionEnv ?? '$.baseUrl',
      fix: `Set ${config.regionEnv ?? config.baseUrlEnv ?? 'the base URL variable'} or pass --base-url <url>.`,
    });
  }
  if (flags.baseUrl) checkUrl(flags.baseUrl, config.file, '--base-url');
  else if (config.baseUrlEnv !== undefined && env[config.baseUrlEnv])
    checkUrl(env[config.baseUrlEnv]!, config.file, config.baseUrlEnv);
  const out: ResolvedTarget = { baseUrl: baseUrl.replace(/\/+$/, '') };
  if (config.auth.kind === 'genesys-oauth-client-credentials') {
    const fromEnv = config.auth.loginBaseUrlEnv !== undefined ? env[config.auth.loginBaseUrlEnv] : undefined;
    const login = flags.loginUrl || fromEnv || config.auth.loginBaseUrl || hosts?.loginBaseUrl || out.baseUrl;
    if (flags.loginUrl) checkUrl(flags.loginUrl, config.file, '--login-url');
    else if (fromEnv) checkUrl(fromEnv, config.file, config.auth.loginBaseUrlEnv!);
    out.loginBaseUrl = login.replace(/\/+$/, '');
  }
  return out;
}
