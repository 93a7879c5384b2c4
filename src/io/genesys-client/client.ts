// A small Genesys Cloud Platform API client for the Data Action endpoints cxpact uses
// (/work/shared/docs/genesys-data-actions.md section 5). Bearer token from the shared OAuth token source, one retry
// on 401 (forced refresh), 429 (and 502/503/504 on reads) handled with the shared backoff (exponential + full jitter, Retry-After plus
// a little jitter), paging with a guard against runaway paging.
// The token is only ever sent to the configured API host; no secret appears in errors or audit events.
import { parseRetryAfter, realSleep, retryDelay, type RetryPolicy, type Sleeper } from '../retry';
import { redactSecrets, type ClientCredentialsTokenSource } from '../oauth';
import { CxpactError } from '../../core/errors';
import { genesysTokenSource, type ClientCredentials } from './auth';
import type { GenesysHosts } from '../../core/genesys/hosts';
import { cxpactCommand } from '../cli-spelling';
import { isRecord } from '../../core/json';
import type { TestExecutionResult } from '../../core/genesys/fidelity';

export interface ApiCallEvent {
  method: string;
  /** Path and query, never a token. */
  path: string;
  status: number;
  latencyMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Set when the call will be retried: why and after how long. */
  retry?: { reason: '401' | '429' | '5xx'; delayMs: number };
}

export interface GenesysClientOptions extends ClientCredentials {
  hosts: GenesysHosts;
  /** Retries on 429, and on 502/503/504 for GET (default 5). */
  maxRetries?: number;
  /** First backoff step (default 500 ms); doubles each attempt with full jitter. */
  baseDelayMs?: number;
  /** Cap of one wait, also for Retry-After (default 30 s). */
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: Sleeper;
  random?: () => number;
  /** Called after every HTTP exchange (audit log, latency). */
  onCall?: (event: ApiCallEvent) => void;
  timeoutMs?: number;
  tokens?: ClientCredentialsTokenSource;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  /** Wall time of the successful attempt only. */
  latencyMs: number;
  attempts: number;
}

/** The Platform API `Action` object (only the fields cxpact reads). */
export interface PlatformAction {
  id: string;
  name: string;
  integrationId?: string;
  category?: string;
  version?: number;
  secure?: boolean;
  config?: {
    timeoutSeconds?: number;
    request?: {
      requestUrlTemplate?: string;
      requestTemplate?: string;
      requestTemplateUri?: string;
      requestType?: string;
      headers?: Record<string, string>;
    };
    response?: {
      translationMap?: Record<string, string>;
      translationMapDefaults?: Record<string, string>;
      successTemplate?: string;
      successTemplateUri?: string;
    };
  };
  contract?: {
    input?: { inputSchema?: Record<string, unknown>; inputSchemaUri?: string };
    output?: { successSchema?: Record<string, unknown>; successSchemaUri?: string };
  };
  [key: string]: unknown;
}

/** `TestExecutionResult` of `/test` and `/draft/test`. */
export type { TestExecutionOperation, TestExecutionResult } from '../../core/genesys/fidelity';

export class GenesysClient {
  readonly tokens: ClientCredentialsTokenSource;
  private readonly sleep: Sleeper;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: GenesysClientOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    const maxDelayMs = options.maxDelayMs ?? 30_000;
    this.retry = {
      maxRetries: options.maxRetries ?? 5,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs,
      // Concurrent callers told the same Retry-After do not all come back in the same millisecond; the org's
      // limit is shared, so one wait is never longer than maxDelayMs.
      retryAfterJitterMs: 250,
      maxRetryAfterMs: maxDelayMs,
    };
    // A login answered 429/5xx is retried with the same policy as the API calls.
    this.tokens =
      options.tokens ??
      genesysTokenSource({
        loginBase: options.hosts.loginBase,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        timeoutMs: options.timeoutMs,
        retry: this.retry,
        sleep: this.sleep,
        random: this.random,
      });
  }

  get apiBase(): string {
    return this.options.hosts.apiBase;
  }

  private redact(text: string): string {
    return redactSecrets(text, this.tokens.secrets(), '***');
  }

  /**
   * One API call with auth, 401 refresh-and-retry-once, and 429/5xx backoff. `path` is relative to the API host.
   * Errors: genesys.api.unauthorized (401 twice), genesys.api.forbidden (403), genesys.api.not-found (404),
   * genesys.api.rate-limited (429 after all retries), genesys.api.failed (other status), genesys.api.unreachable.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; accept?: string; text?: boolean; what?: string } = {},
  ): Promise<ApiResponse<T>> {
    const url = `${this.apiBase}${path}`;
    const what = options.what ?? `${method} ${path}`;
    let retried401 = false;
    let retries = 0;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.tokens.getToken();
      const started = performance.now();
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: options.accept ?? 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
      } catch (error) {
        throw new CxpactError(
          'genesys.api.unreachable',
          `Cannot reach the Genesys Cloud API at ${this.apiBase} (${what}): ${(error as Error).message}.`,
          {
            path: 'GENESYS_CLOUD_REGION',
            fix: 'Check the region (GENESYS_CLOUD_REGION / --region), --base-url and the network.',
          },
        );
      }
      const text = await response.text();
      const latencyMs = performance.now() - started;
      const event: ApiCallEvent = { method, path, status: response.status, latencyMs, attempt };

      if (response.status === 401 && !retried401) {
        retried401 = true;
        this.options.onCall?.({ ...event, retry: { reason: '401', delayMs: 0 } });
        // The next attempt uses the new token (shared with concurrent callers that saw the same 401).
        await this.tokens.forceRefresh(token);
        continue;
      }
      // 429 means the call was not executed: always safe to repeat. A 502/503/504 on a POST (/test runs the action
      // against the real backend) may come after the action ran, so only reads are repeated then.
      const transient =
        response.status === 429 ||
        (method === 'GET' && (response.status === 502 || response.status === 503 || response.status === 504));
      if (transient && retries < this.retry.maxRetries) {
        const delayMs = retryDelay(
          this.retry,
          retries,
          parseRetryAfter(response.headers.get('retry-after')),
          this.random,
        );
        retries += 1;
        this.options.onCall?.({ ...event, retry: { reason: response.status === 429 ? '429' : '5xx', delayMs } });
        await this.sleep(delayMs);
        continue;
      }
      this.options.onCall?.(event);
      if (response.status >= 200 && response.status < 300) {
        if (options.text === true) return { status: response.status, body: text as T, latencyMs, attempts: attempt };
        let body: unknown;
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            throw new CxpactError(
              'genesys.api.malformed',
              `${what} answered HTTP ${response.status} with a body that is not JSON.`,
              {
                fix: 'Check --base-url: the host does not behave like the Genesys Cloud Platform API.',
              },
            );
          }
        }
        return { status: response.status, body: body as T, latencyMs, attempts: attempt };
      }
      throw this.statusError(response.status, text, what);
    }
  }

  private statusError(status: number, text: string, what: string): CxpactError {
    let message = '';
    try {
      const body = JSON.parse(text) as unknown;
      if (isRecord(body) && typeof body['message'] === 'string') message = body['message'];
    } catch {
      message = '';
    }
    const detail = message === '' ? '' : `: ${this.redact(message).slice(0, 300)}`;
    switch (status) {
      case 401:
        return new CxpactError(
          'genesys.api.unauthorized',
          `${what} was refused with HTTP 401 even with a fresh token${detail}.`,
          {
            path: 'GENESYS_CLOUD_CLIENT_ID',
            fix: "Check that the OAuth client belongs to this region's org and has not been revoked.",
          },
        );
      case 403:
        return new CxpactError(
          'genesys.api.forbidden',
          `${what} was refused with HTTP 403 (missing permission or scope)${detail}.`,
          {
            path: 'GENESYS_CLOUD_CLIENT_ID',
            fix: 'Give the OAuth client\'s role integrations:action:view (pull) and integrations:action:execute (test), and the scope "integrations".',
          },
        );
      case 404:
        return new CxpactError('genesys.api.not-found', `${what} answered HTTP 404${detail}.`, {
          fix: `Check that the action id exists in this org (run \`${cxpactCommand(undefined, 'genesys-pull')}\`).`,
        });
      case 429:
        return new CxpactError(
          'genesys.api.rate-limited',
          `${what} was still rate limited (HTTP 429) after ${this.retry.maxRetries} retries.`,
          {
            fix: "Run again later or with fewer cases; the org's API rate limit is shared with other clients.",
          },
        );
      default:
        return new CxpactError('genesys.api.failed', `${what} failed with HTTP ${status}${detail}.`, {
          fix: 'Retry; if it persists, check the Genesys Cloud status page.',
        });
    }
  }

  /**
   * Every action of the org with its config (`includeConfig=true`), following pages until done.
   * Throws genesys.paging.runaway when the API keeps returning pages past `maxPages` or repeats a page.
   */
  async listActions(options: { pageSize?: number; maxPages?: number } = {}): Promise<PlatformAction[]> {
    const pageSize = options.pageSize ?? 100;
    const maxPages = options.maxPages ?? 200;
    const actions: PlatformAction[] = [];
    const seen = new Set<string>();
    let previousIds = '';
    for (let pageNumber = 1; ; pageNumber += 1) {
      if (pageNumber > maxPages) {
        throw new CxpactError(
          'genesys.paging.runaway',
          `Listing actions did not end after ${maxPages} pages of ${pageSize} (GET /api/v2/integrations/actions).`,
          {
            fix: 'The API kept announcing more pages; retry later, or raise --max-pages if the org really has that many actions.',
          },
        );
      }
      const path = `/api/v2/integrations/actions?includeConfig=true&pageSize=${pageSize}&pageNumber=${pageNumber}`;
      const { body } = await this.request<unknown>('GET', path, { what: `Listing actions (page ${pageNumber})` });
      if (!isRecord(body) || !Array.isArray(body['entities'])) {
        throw new CxpactError(
          'genesys.api.malformed',
          `Listing actions (page ${pageNumber}) did not return an entity listing.`,
          {
            fix: 'Check --base-url: the host does not behave like the Genesys Cloud Platform API.',
          },
        );
      }
      const entities = body['entities'].filter(isRecord) as PlatformAction[];
      const ids = entities.map((e) => String(e.id)).join(',');
      if (entities.length > 0 && ids === previousIds) {
        throw new CxpactError(
          'genesys.paging.runaway',
          `Listing actions returned the same page twice (page ${pageNumber}); paging would never end.`,
          {
            fix: 'Retry later; the API ignored pageNumber.',
          },
        );
      }
      previousIds = ids;
      for (const entity of entities) {
        if (typeof entity.id !== 'string' || seen.has(entity.id)) continue;
        seen.add(entity.id);
        actions.push(entity);
      }
      const pageCount = typeof body['pageCount'] === 'number' ? body['pageCount'] : undefined;
      if (entities.length === 0) break;
      if (pageCount !== undefined ? pageNumber >= pageCount : typeof body['nextUri'] !== 'string') break;
    }
    return actions;
  }

  /** Path and query of a URI named by an action, resolved against the API host: the bearer token never goes elsewhere. */
  private apiPath(uri: string): string {
    const parsed = new URL(uri, `${this.apiBase}/`);
    return `${parsed.pathname}${parsed.search}`;
  }

  /** GETs a part of an action (template, schema); a 404 becomes genesys.template.not-found naming the action. */
  private async getActionPart<T>(
    action: { id: string; name: string },
    path: string,
    part: { kind: 'template' | 'schema'; field: 'config' | 'contract'; fix: string; accept?: string; text?: boolean },
  ): Promise<T> {
    try {
      const { body } = await this.request<T>('GET', path, {
        ...(part.accept === undefined ? {} : { accept: part.accept }),
        ...(part.text === undefined ? {} : { text: part.text }),
        what: `Fetching ${part.kind} ${path} of action "${action.name}"`,
      });
      return body;
    } catch (error) {
      if (error instanceof CxpactError && error.code === 'genesys.api.not-found') {
        throw new CxpactError(
          'genesys.template.not-found',
          `The ${part.kind} ${path} of action "${action.name}" (${action.id}) does not exist (HTTP 404).`,
          {
            path: `${action.id}.${part.field}`,
            fix: part.fix,
          },
        );
      }
      throw error;
    }
  }

  /** The text of a template (`requesttemplate.vm` / `successtemplate.vm`); a URI from the action is resolved against the API host only. */
  async getTemplate(action: { id: string; name: string }, uriOrFileName: string, draft = false): Promise<string> {
    const path = uriOrFileName.includes('/')
      ? this.apiPath(uriOrFileName)
      : `/api/v2/integrations/actions/${encodeURIComponent(action.id)}${draft ? '/draft' : ''}/templates/${encodeURIComponent(uriOrFileName)}`;
    return this.getActionPart<string>(action, path, {
      kind: 'template',
      field: 'config',
      accept: '*/*',
      text: true,
      fix: 'Open the action in Genesys Cloud Admin and save its configuration again (that rewrites the template), then pull again.',
    });
  }

  /** One action with its config and inlined contract (`?expand=contract&includeConfig=true`). */
  async getAction(id: string): Promise<PlatformAction> {
    const { body } = await this.request<PlatformAction>(
      'GET',
      `/api/v2/integrations/actions/${encodeURIComponent(id)}?expand=contract&includeConfig=true`,
      {
        what: `Reading action ${id}`,
      },
    );
    return body;
  }

  /** A schema document referenced by URI (`.../schemas/{fileName}`); resolved against the API host only. */
  async getSchema(action: { id: string; name: string }, uri: string): Promise<Record<string, unknown>> {
    const path = this.apiPath(uri);
    const body = await this.getActionPart<unknown>(action, path, {
      kind: 'schema',
      field: 'contract',
      fix: 'Open the action in Genesys Cloud Admin and check its contracts, then pull again.',
    });
    if (!isRecord(body))
      throw new CxpactError(
        'genesys.api.malformed',
        `Schema ${path} of action "${action.name}" is not a JSON object.`,
        { fix: "Check the action's contract in Genesys Cloud Admin." },
      );
    return body;
  }

  /** Runs an action's test endpoint (`/test`, or `/draft/test` for drafts). */
  async testAction(
    actionId: string,
    input: Record<string, unknown>,
    draft = false,
  ): Promise<ApiResponse<TestExecutionResult>> {
    const path = `/api/v2/integrations/actions/${encodeURIComponent(actionId)}${draft ? '/draft' : ''}/test`;
    return this.request<TestExecutionResult>('POST', path, {
      body: input,
      what: `Testing action ${actionId}${draft ? ' (draft)' : ''}`,
    });
  }
}
