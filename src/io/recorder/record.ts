// `cxpact record`: sends every interaction's request of a provider's pacts to its staging API with real
// credentials and saves the redacted responses as recordings. The I/O shell around the pure pieces.
import { CxpactError } from '../../core/errors';
import type { Sleeper } from '../retry';
import { ClientCredentialsTokenSource } from '../oauth';
import type { RecordConfig, ResolvedTarget } from './config';
import { RateLimiter, sendWithRetry, type HttpResult, type PreparedRequest, type RetryInfo } from './http';
import { SecretScrubber } from '../../core/secrets';
import { isJsonContentType, type LoadedPact, type PactInteraction, type Recording } from '../../core/recorded/model';
import { redactBody, redactHeaders, scrubSecrets } from '../../core/recorded/redact';
import { recordingsDir, writeRecording } from './store';

export interface RecordOptions {
  config: RecordConfig;
  target: ResolvedTarget;
  pacts: LoadedPact[];
  env: NodeJS.ProcessEnv;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  now?: () => Date;
  sleep?: Sleeper;
  /** Where recordings go (default `<provider dir>/recordings`). */
  outDir?: string;
}

export interface RecordedItem {
  consumer: string;
  description: string;
  key: string;
  file: string;
  status: number;
  attempts: number;
}

export interface FailedItem {
  consumer: string;
  description: string;
  key: string;
  reason: string;
}

export interface RecordOutcome {
  recorded: RecordedItem[];
  failed: FailedItem[];
  total: number;
  /** Logins at the OAuth login host (0 for other auth kinds). */
  logins: number;
}

interface Auth {
  /** Headers to add; `authorization` may be refreshed after a 401. */
  headers(): Promise<Record<string, string>>;
  /** After a 401: refresh and return new headers, or undefined when there is nothing to refresh. */
  refresh(rejected: Record<string, string>): Promise<Record<string, string> | undefined>;
  token(): Promise<string | undefined>;
  secrets(): string[];
  logins(): number;
}

function requireEnv(env: NodeJS.ProcessEnv, names: string[], config: RecordConfig, field: string): string[] {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new CxpactError(
      'recorded.auth.missing-env',
      `Recording ${config.provider} needs the environment variable(s) ${missing.join(', ')}, which are not set.`,
      {
        file: config.file,
        path: field,
        fix: `Export ${missing.join(' and ')} (in GitLab: masked CI/CD variables). Secrets are read from the environment only and never written to recordings or logs.`,
      },
    );
  }
  return names.map((n) => env[n]!);
}

/** The wait of a retry as progress shows it: `in 0.4 s (Retry-After 3600 s, capped by retry.maxDelayMs)`. */
export function describeWait(r: { delayMs: number; retryAfterMs?: number; capped: boolean }): string {
  const ra =
    r.retryAfterMs === undefined
      ? ''
      : r.capped
        ? ` (Retry-After ${formatSeconds(r.retryAfterMs)}, capped by retry.maxDelayMs)`
        : ' (Retry-After)';
  return `in ${(r.delayMs / 1000).toFixed(1)} s${ra}`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s >= 1e7 ? `${s.toExponential(1)} s` : `${Math.round(s)} s`;
}

function makeAuth(
  config: RecordConfig,
  target: ResolvedTarget,
  env: NodeJS.ProcessEnv,
  o: { sleep?: Sleeper; progress: (line: string) => void },
): Auth {
  const credentialSecrets = Object.values(config.credentials)
    .map((n) => env[n])
    .filter((v): v is string => v !== undefined && v !== '');
  const a = config.auth;
  switch (a.kind) {
    case 'genesys-oauth-client-credentials': {
      const [clientId, clientSecret] = requireEnv(env, [a.clientIdEnv, a.clientSecretEnv], config, '$.auth');
      const source = new ClientCredentialsTokenSource({
        loginBaseUrl: target.loginBaseUrl ?? target.baseUrl,
        clientId: clientId!,
        clientSecret: clientSecret!,
        clientIdEnv: a.clientIdEnv,
        clientSecretEnv: a.clientSecretEnv,
        timeoutMs: config.timeoutMs,
        errors: { credentialsLocation: { file: config.file, path: '$.auth' } },
        // A login answered 429/5xx is retried like an API call: same policy, same progress line.
        retry: config.retry,
        ...(o.sleep === undefined ? {} : { sleep: o.sleep }),
        onRetry: (r) =>
          o.progress(
            `[cxpact]   login: HTTP ${r.status}, retry ${r.attempt}/${config.retry.maxRetries} ${describeWait(r)}`,
          ),
      });
      return {
        headers: async () => ({ authorization: `Bearer ${await source.getToken()}` }),
        refresh: async (rejected) => {
          const old = (rejected.authorization ?? '').replace(/^Bearer /, '');
          return { authorization: `Bearer ${await source.forceRefresh(old)}` };
        },
        token: () => source.getToken(),
        secrets: () => [...source.secrets(), ...credentialSecrets],
        logins: () => source.logins,
      };
    }
    case 'bearer-env': {
      const [token] = requireEnv(env, [a.env], config, '$.auth.env');
      return {
        headers: async () => ({ authorization: `Bearer ${token!}` }),
        refresh: async () => undefined,
        token: async () => token,
        secrets: () => [token!, ...credentialSecrets],
        logins: () => 0,
      };
    }
    case 'header-env': {
      const [value] = requireEnv(env, [a.env], config, '$.auth.env');
      return {
        headers: async () => ({ [a.header.toLowerCase()]: `${a.prefix ?? ''}${value!}` }),
        refresh: async () => undefined,
        token: async () => value,
        secrets: () => [value!, ...credentialSecrets],
        logins: () => 0,
      };
    }
    case 'none':
      return {
        headers: async () => ({}),
        refresh: async () => undefined,
        token: async () => undefined,
        secrets: () => credentialSecrets,
        logins: () => 0,
      };
  }
}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** Fills `{{credentials.X}}` and `{{authResponse.X}}` placeholders; anything it cannot fill is an error naming the field. */
function fillPlaceholders(
  value: string,
  where: string,
  it: PactInteraction,
  config: RecordConfig,
  env: NodeJS.ProcessEnv,
  token: string | undefined,
): string {
  const unresolved: string[] = [];
  const out = value.replace(PLACEHOLDER, (whole, ref: string) => {
    if (ref.startsWith('credentials.')) {
      const envName = config.credentials[ref.slice('credentials.'.length)];
      const v = envName === undefined ? undefined : env[envName];
      if (v !== undefined && v !== '') return v;
    } else if (ref.startsWith('authResponse.') && token !== undefined) {
      return token;
    }
    unresolved.push(whole);
    return whole;
  });
  if (unresolved.length > 0) {
    const ref = unresolved[0]!.replace(/[{}\s]/g, '');
    const name = ref.startsWith('credentials.') ? ref.slice('credentials.'.length) : undefined;
    throw new CxpactError(
      'recorded.placeholder.unresolved',
      `The ${where} of "${it.description}" uses ${unresolved.join(', ')}, which the record config cannot fill.`,
      {
        file: config.file,
        path: name !== undefined ? `$.credentials.${name}` : '$.auth',
        fix:
          name !== undefined
            ? `Map it to an environment variable: "credentials": { "${name}": "MY_ENV_VAR" }, and export that variable.`
            : ref === 'redacted'
              ? 'The Data Action has a literal credential (replaced by {{redacted}} in the pact): use ${credentials.X} in the definition, then map X in "credentials".'
              : 'Use an auth kind that provides a token (genesys-oauth-client-credentials or bearer-env).',
      },
    );
  }
  return out;
}

/** Builds the real request of an interaction: base URL + path + query, placeholders resolved, real auth added. */
export async function prepareRequest(
  it: PactInteraction,
  config: RecordConfig,
  target: ResolvedTarget,
  env: NodeJS.ProcessEnv,
  auth: Auth,
): Promise<PreparedRequest> {
  const needsToken = JSON.stringify([it.request.path, it.request.query, it.request.headers]).includes(
    '{{authResponse.',
  );
  const token = needsToken ? await auth.token() : undefined;
  const fill = (v: string, where: string) =>
    v.includes('{{') ? fillPlaceholders(v, where, it, config, env, token) : v;
  const q = new URLSearchParams();
  for (const [k, vs] of Object.entries(it.request.query))
    for (const v of vs) q.append(k, fill(v, `query parameter ${k}`));
  const qs = q.toString();
  const p = fill(it.request.path, 'path');
  const url = `${target.baseUrl}${p.startsWith('/') ? '' : '/'}${encodeURI(p).replace(/%25([0-9A-Fa-f]{2})/g, '%$1')}${qs === '' ? '' : `?${qs}`}`;
  const authHeaders = await auth.headers();
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(it.request.headers)) {
    const value = values.join(', ');
    const lower = name.toLowerCase();
    // The pact's own credential header (a placeholder or the example) is replaced by the real auth below.
    if (authHeaders[lower] !== undefined) continue;
    headers[lower] = fill(value, `request header ${name}`);
  }
  Object.assign(headers, authHeaders);
  let body: string | undefined;
  if (it.request.body !== undefined) {
    body =
      it.request.body.isJson && typeof it.request.body.content !== 'string'
        ? JSON.stringify(it.request.body.content)
        : String(it.request.body.content);
    if (body.includes('{{')) body = fill(body, 'request body');
    if (headers['content-type'] === undefined && it.request.body.contentType !== undefined)
      headers['content-type'] = it.request.body.contentType;
  }
  return { url, method: it.request.method, headers, ...(body === undefined ? {} : { body }) };
}

/** Hop-by-hop headers say nothing about the API; they are not recorded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

function recordedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
}

function parseBody(res: HttpResult): unknown {
  if (res.bodyText === '') return undefined;
  if (isJsonContentType(res.headers['content-type'])) {
    try {
      return JSON.parse(res.bodyText);
    } catch {
      return res.bodyText;
    }
  }
  return res.bodyText;
}

/** Records every interaction; failures are collected (never skipped silently). Throws for fatal setup errors. */
export async function recordInteractions(o: RecordOptions): Promise<RecordOutcome> {
  const { config, target, env } = o;
  const now = o.now ?? (() => new Date());
  // Everything this run prints or records goes through the scrubber of the secrets known at that moment (tokens
  // are added as they are issued), in every form a server may echo them.
  let auth: Auth | undefined;
  const scrub = (text: string): string => (auth === undefined ? text : new SecretScrubber(auth.secrets()).text(text));
  const progress = (line: string): void => (o.progress ?? (() => undefined))(scrub(line));
  auth = makeAuth(config, target, env, { ...(o.sleep === undefined ? {} : { sleep: o.sleep }), progress });
  const outDir = o.outDir ?? recordingsDir(config.dir);
  const limiter = new RateLimiter(config.rateLimit.requestsPerSecond, o.sleep);
  const items = o.pacts.flatMap((p) => p.interactions);
  const outcome: RecordOutcome = { recorded: [], failed: [], total: items.length, logins: 0 };
  if (items.length === 0) return outcome;
  // Log in once up front: bad credentials fail the run before any request is sent.
  await auth.token();
  progress(
    `[cxpact] Recording ${items.length} interaction(s) of ${config.provider} from ${target.baseUrl} (at most ${config.rateLimit.requestsPerSecond} request(s)/s)`,
  );
  let done = 0;
  let fatal: unknown;
  const queue = items.slice();
  const worker = async (): Promise<void> => {
    for (;;) {
      if (fatal !== undefined) return;
      const it = queue.shift();
      if (it === undefined) return;
      const label = `${it.consumer}: "${it.description}"`;
      try {
        const sendOpts = {
          limiter,
          // Auth goes on after the rate-limit wait, so a token never expires while a request waits for its slot.
          beforeSend: async (r: PreparedRequest) => ({ ...r, headers: { ...r.headers, ...(await auth.headers()) } }),
          retry: config.retry,
          timeoutMs: config.timeoutMs,
          ...(o.sleep === undefined ? {} : { sleep: o.sleep }),
          onRetry: (r: RetryInfo) =>
            progress(
              `[cxpact]   ${label}: HTTP ${r.status}, retry ${r.attempt}/${config.retry.maxRetries} ${describeWait(r)}`,
            ),
        };
        const req = await prepareRequest(it, config, target, env, auth);
        let res = await sendWithRetry(req, sendOpts);
        if (res.status === 401) {
          const fresh = await auth.refresh(res.sent.headers);
          if (fresh !== undefined) {
            progress(`[cxpact]   ${label}: HTTP 401, token refreshed, retrying once`);
            res = await sendWithRetry(req, sendOpts);
          }
        }
        done += 1;
        if (res.status === 429 || res.status >= 500) {
          const reason = `gave up after ${res.attempts} attempt(s): HTTP ${res.status}`;
          outcome.failed.push({ consumer: it.consumer, description: it.description, key: it.key, reason });
          progress(`[cxpact] ✗ ${done}/${items.length} ${label}: ${reason}`);
          continue;
        }
        if (res.status === 401 || res.status === 403) {
          const reason = `the API refused the credentials (HTTP ${res.status})${config.auth.kind === 'genesys-oauth-client-credentials' ? ' even with a fresh token: check the OAuth client roles/permissions' : ''}`;
          outcome.failed.push({ consumer: it.consumer, description: it.description, key: it.key, reason });
          progress(`[cxpact] ✗ ${done}/${items.length} ${label}: ${reason}`);
          continue;
        }
        const secrets = auth.secrets();
        const parsed = parseBody(res);
        const red = parsed === undefined ? undefined : redactBody(parsed, config.redact.bodyPaths);
        const redactedHeaders = Object.keys(res.headers).filter((h) => config.redact.headers.includes(h.toLowerCase()));
        const recording: Recording = scrubSecrets(
          {
            recordedAt: now().toISOString(),
            interaction: { description: it.description, providerStates: it.providerStates },
            request: {
              method: res.sent.method,
              path: it.request.path,
              query: it.request.query,
              headers: redactHeaders(res.sent.headers, config.redact.headers),
            },
            response: {
              status: res.status,
              headers: redactHeaders(recordedHeaders(res.headers), config.redact.headers),
              ...(red === undefined ? {} : { body: red.body }),
            },
            ...(redactedHeaders.length > 0 || (red !== undefined && red.redacted.length > 0)
              ? {
                  redactions: {
                    ...(redactedHeaders.length > 0 ? { headers: redactedHeaders } : {}),
                    ...(red !== undefined && red.redacted.length > 0 ? { body: red.redacted } : {}),
                  },
                }
              : {}),
          },
          secrets,
        );
        const file = writeRecording(outDir, it.consumer, it.key, recording);
        outcome.recorded.push({
          consumer: it.consumer,
          description: it.description,
          key: it.key,
          file,
          status: res.status,
          attempts: res.attempts,
        });
        progress(
          `[cxpact] ✓ ${done}/${items.length} ${label} -> HTTP ${res.status}${res.attempts > 1 ? ` after ${res.attempts} attempts` : ''}`,
        );
      } catch (error) {
        if (error instanceof CxpactError && !error.code.startsWith('recorded.placeholder')) {
          fatal = error;
          return;
        }
        done += 1;
        const reason = scrub(error instanceof CxpactError ? error.message : String(error));
        outcome.failed.push({ consumer: it.consumer, description: it.description, key: it.key, reason });
        progress(`[cxpact] ✗ ${done}/${items.length} ${label}: ${reason}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, items.length) }, worker));
  outcome.logins = auth.logins();
  if (fatal !== undefined) throw fatal;
  return outcome;
}
