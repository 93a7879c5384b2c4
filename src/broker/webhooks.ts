// Webhooks: match events to webhooks, fill the ${pactbroker.*} template variables, execute over HTTP with
// retries, and log every attempt (triggered webhooks + executions). Secrets are redacted from the logs.
import http from 'node:http';
import https from 'node:https';
import { encodeMetadata, type Links } from './http';
import type { BrokerStore, PactVersion, Pacticipant, Verification, Version, WebhookRecord } from './store/types';
import { WebhookPolicy } from './webhook-policy';

export const WEBHOOK_EVENTS = [
  'contract_published',
  'contract_content_changed',
  'contract_requiring_verification_published',
  'provider_verification_published',
  'provider_verification_succeeded',
  'provider_verification_failed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export interface BrokerEvent {
  name: WebhookEventName;
  consumer: Pacticipant;
  provider: Pacticipant;
  pactVersion: PactVersion;
  consumerVersion?: Version;
  providerVersion?: Version;
  providerVersionDescriptions?: string[];
  verification?: Verification;
  buildUrl?: string | null;
  comment?: string;
}

export interface WebhookOptions {
  /** Delays before each retry; attempts = delays.length + 1. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  log?: (line: string) => void;
  /** What webhooks may call (checked again at every execution). Default: the Pact Broker's defaults. */
  policy?: WebhookPolicy;
}

/** The most of a webhook's response that is read (the rest is dropped) and the most that is logged. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const LOGGED_RESPONSE_CHARS = 4000;
const RESPONSE_HIDDEN =
  'For security purposes, the response details are not logged. To enable response logging, configure the webhook host allow-list (--webhook-hosts / PACT_BROKER_WEBHOOK_HOST_WHITELIST).';

const SECRET_HEADER = /^(authorization|x-api-key|private-token|x-gitlab-token|cookie)$/i;
const SECRET_KEY = /token|password|secret|authorization/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER.test(k) ? '**********' : v;
  return out;
}

function redactBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          o[k] = SECRET_KEY.test(k) && typeof x === 'string' ? '**********' : walk(x);
        return o;
      }
      return v;
    };
    return JSON.stringify(walk(parsed));
  } catch {
    return body.replace(/(token|password|secret)=([^&\s]+)/gi, '$1=**********');
  }
}

export function substitute(
  template: string,
  vars: Record<string, string>,
  encode: (s: string) => string = (s) => s,
): string {
  return template.replace(/\$\{pactbroker\.(\w+)\}/g, (m, name: string) => (name in vars ? encode(vars[name]!) : m));
}

export class WebhookDispatcher {
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;
  /** Delays before each retry (attempts = retryDelays.length + 1); the page shows when the next one is due. */
  readonly retryDelays: number[];
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;
  readonly policy: WebhookPolicy;

  constructor(
    private readonly store: BrokerStore,
    opts: WebhookOptions = {},
  ) {
    this.retryDelays = opts.retryDelaysMs ?? [1000, 5000, 15000];
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.log = opts.log ?? (() => undefined);
    this.policy = opts.policy ?? new WebhookPolicy();
  }

  private async matches(w: WebhookRecord, e: BrokerEvent): Promise<boolean> {
    if (!w.enabled || !w.events.includes(e.name)) return false;
    const ok = async (sel: { name?: string; label?: string } | null, p: Pacticipant): Promise<boolean> => {
      if (sel === null) return true;
      if (sel.name !== undefined) return sel.name === p.name;
      if (sel.label !== undefined) return (await this.store.labels(p.id)).includes(sel.label);
      return true;
    };
    return (await ok(w.consumer, e.consumer)) && (await ok(w.provider, e.provider));
  }

  /** Template variables for an event (all strings; missing values are empty). */
  async variables(e: BrokerEvent, links: Links): Promise<Record<string, string>> {
    const store = this.store;
    const cv = e.consumerVersion;
    const pv = e.providerVersion;
    const branchOf = async (v: Version | undefined): Promise<string> => {
      if (v === undefined) return '';
      const b = await store.branchesOfVersion(v.id);
      return b.length === 0 ? '' : b[b.length - 1]!.name;
    };
    const tagsOf = async (v: Version | undefined): Promise<string> =>
      v === undefined ? '' : (await store.tagsOfVersion(v.id)).map((t) => t.name).join(', ');
    const success = e.verification?.success;
    const status = (s: [string, string, string]): string => (success === undefined ? s[2] : success ? s[0] : s[1]);
    const cvNumbers = cv === undefined ? [] : [cv.number];
    return {
      pactUrl: links.pactVersion(
        e.provider.name,
        e.consumer.name,
        e.pactVersion.sha,
        encodeMetadata({ cvn: cvNumbers, w: true }),
      ),
      consumerName: e.consumer.name,
      providerName: e.provider.name,
      consumerVersionNumber: cv?.number ?? '',
      consumerVersionBranch: await branchOf(cv),
      consumerVersionTags: await tagsOf(cv),
      providerVersionNumber: pv?.number ?? '',
      providerVersionBranch: await branchOf(pv),
      providerVersionTags: await tagsOf(pv),
      providerVersionDescriptions: (e.providerVersionDescriptions ?? []).join(', '),
      verificationResultUrl:
        e.verification === undefined
          ? ''
          : links.verification(e.provider.name, e.consumer.name, e.pactVersion.sha, e.verification.number),
      githubVerificationStatus: status(['success', 'failure', 'pending']),
      gitlabVerificationStatus: status(['success', 'failed', 'pending']),
      bitbucketVerificationStatus: status(['SUCCESSFUL', 'FAILED', 'INPROGRESS']),
      azureDevOpsVerificationStatus: status(['succeeded', 'failed', 'pending']),
      consumerLabels: (await store.labels(e.consumer.id)).join(', '),
      providerLabels: (await store.labels(e.provider.id)).join(', '),
      eventName: e.name,
      buildUrl: e.buildUrl ?? e.verification?.buildUrl ?? cv?.buildUrl ?? '',
      currentlyDeployedProviderVersionNumber: pv?.number ?? '',
    };
  }

  /** Builds the concrete HTTP request of a webhook for the variables. */
  render(
    w: WebhookRecord,
    vars: Record<string, string>,
  ): {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | undefined;
    username?: string;
    password?: string;
  } {
    const req = w.request;
    const method = String(req.method ?? 'POST').toUpperCase();
    const url = substitute(String(req.url ?? ''), vars, (s) => encodeURIComponent(s));
    const headers: Record<string, string> = {};
    const rawHeaders = (req.headers ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(rawHeaders)) headers[k] = substitute(String(v), vars);
    let body: string | undefined;
    if (req.body !== undefined && req.body !== null) {
      const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      body = substitute(text, vars, (s) => (typeof req.body === 'string' ? s : JSON.stringify(s).slice(1, -1)));
    }
    return {
      method,
      url,
      headers,
      body,
      username: typeof req.username === 'string' ? substitute(req.username, vars) : undefined,
      password: typeof req.password === 'string' ? substitute(req.password, vars) : undefined,
    };
  }

  /**
   * Fires events (after the transaction that caused them committed): records a triggered webhook for every match
   * and executes them asynchronously. Returns the triggered descriptions.
   */
  async fire(events: BrokerEvent[], links: Links): Promise<string[]> {
    if (events.length === 0) return [];
    const hooks = await this.store.webhooks();
    if (hooks.length === 0) return [];
    const triggered: string[] = [];
    for (const e of events) {
      for (const w of hooks) {
        if (!(await this.matches(w, e))) continue;
        const vars = await this.variables(e, links);
        const request = this.render(w, vars);
        const t = await this.store.tx((tx) =>
          tx.createTriggeredWebhook(w.uuid, e.name, { variables: vars, comment: e.comment ?? null }),
        );
        triggered.push(
          `Webhook ${JSON.stringify(w.description ?? w.uuid)} triggered for event ${e.name}.\n  See logs at ${links.url(`/triggered-webhooks/${t.uuid}/logs`)}`,
        );
        this.schedule(t.id, request);
      }
    }
    return triggered;
  }

  private schedule(triggeredId: number, request: ReturnType<WebhookDispatcher['render']>): void {
    const p = this.runWithRetries(triggeredId, request)
      .catch((error: unknown) => {
        if (!this.closed)
          this.log(
            `[broker] webhook execution could not be recorded: ${error instanceof Error ? error.message : String(error)}`,
          );
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async runWithRetries(triggeredId: number, request: ReturnType<WebhookDispatcher['render']>): Promise<void> {
    await new Promise((r) => setImmediate(r));
    for (let attempt = 1; attempt <= this.retryDelays.length + 1; attempt++) {
      if (this.closed) return;
      const result = await this.execute(request);
      if (this.closed) return;
      const last = attempt === this.retryDelays.length + 1;
      const status = result.success ? 'success' : last ? 'failure' : 'retrying';
      await this.store.tx(async (tx) => {
        await tx.addExecution(triggeredId, attempt, result.success, result.logs);
        await tx.setTriggeredStatus(triggeredId, status);
      });
      if (result.success) return;
      this.log(`[broker] webhook attempt ${attempt} failed: ${result.summary}`);
      if (!last) await new Promise((r) => setTimeout(r, this.retryDelays[attempt - 1]).unref());
    }
  }

  /**
   * Executes one HTTP request; never throws. The webhook policy is checked again first (the webhook may have been
   * saved under another configuration), the host's addresses when connecting; at most 64 KiB of the response is
   * read, and its headers and body are logged only when a host allow-list is configured.
   */
  async execute(request: ReturnType<WebhookDispatcher['render']>): Promise<{
    success: boolean;
    logs: string;
    summary: string;
    status?: number;
    responseBody?: string;
    responseHeaders?: Record<string, string>;
  }> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.username !== undefined)
      headers.Authorization = `Basic ${Buffer.from(`${request.username}:${request.password ?? ''}`).toString('base64')}`;
    const lines = [`[${new Date().toISOString()}] ${request.method} ${request.url}`];
    for (const [k, v] of Object.entries(redactHeaders(headers))) lines.push(`${k}: ${v}`);
    if (request.body !== undefined) lines.push('', redactBody(request.body));
    const where = request.url.split('?')[0];
    const refused = [
      ...this.policy.methodProblems(request.method).map((p) => `method ${p}`),
      ...this.policy.urlProblems(request.url).map((p) => `url ${p}`),
    ];
    if (refused.length > 0) {
      const msg = `Refused by the webhook policy: ${refused.join('; ')}`;
      lines.push('', msg);
      return { success: false, logs: lines.join('\n'), summary: `${msg} (${where})` };
    }
    const url = new URL(request.url);
    const body =
      request.method === 'GET' || request.method === 'HEAD' || request.body === undefined
        ? undefined
        : Buffer.from(request.body);
    if (!Object.keys(headers).some((k) => /^user-agent$/i.test(k))) headers['User-Agent'] = 'cxpact-broker';
    if (body !== undefined) headers['Content-Length'] = String(body.length);
    const show = this.policy.showResponses;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Awaited<ReturnType<WebhookDispatcher['execute']>>): void => {
        if (settled) return;
        settled = true;
        // Cleared on every path: a failed request must not leave a live timer behind (it kept test workers alive).
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (error: Error): void => {
        const cause = (error as Error & { cause?: unknown }).cause;
        const msg = cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
        lines.push('', `Error: ${msg}`);
        finish({ success: false, logs: lines.join('\n'), summary: `${msg} (${where})` });
      };
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        { method: request.method, headers, agent: false, lookup: this.policy.lookupFor(url.hostname) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size >= MAX_RESPONSE_BYTES) return;
            chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_RESPONSE_BYTES) res.destroy();
          });
          const done = (): void => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
            const responseHeaders: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
            lines.push('', `HTTP/${res.httpVersion} ${status}`);
            if (show) {
              for (const [k, v] of Object.entries(responseHeaders)) lines.push(`${k}: ${v}`);
              lines.push('', text.slice(0, LOGGED_RESPONSE_CHARS));
            } else lines.push(RESPONSE_HIDDEN);
            const success = status >= 200 && status < 300;
            finish({
              success,
              logs: lines.join('\n'),
              summary: `HTTP ${status} from ${where}`,
              status,
              ...(show ? { responseBody: text, responseHeaders } : {}),
            });
          };
          res.on('end', done);
          res.on('close', done);
          res.on('error', () => done());
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }

  /** Resolves when all scheduled executions (including retries) have finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.closed = true;
  }
}
