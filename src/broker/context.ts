// What every route file shares: the request context type, the broker's dependencies (store, webhooks, options),
// the resource registration helper (method handlers + 405 with Allow + 415 for non-JSON writes), and small helpers
// for parameters, bodies, HAL responses and 404s.
import type { Context, Hono } from 'hono';
import { badRequest, HAL, HttpError, notFound, type Links } from './http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-limits';
import { NAME_PARAMS, nameProblem } from './names';
import { checkJsonContentType } from './security';
import type { BrokerReads, BrokerStore, Environment, Pacticipant, Version } from './store/types';
import type { WebhookPolicyOptions } from './webhook-policy';
import type { WebhookDispatcher } from './webhooks';
import { isRecord } from '../core/json';

export interface BrokerAuthConfig {
  /** Read-write bearer token. */
  token?: string;
  /** Read-only bearer token (GET/HEAD only). */
  readOnlyToken?: string;
  /** Read-write basic auth credentials. */
  basic?: { username: string; password: string };
  /** Read-only basic auth credentials. */
  readOnlyBasic?: { username: string; password: string };
  /**
   * Allow unauthenticated reads even when credentials are configured (and fetching pacts for verification, as
   * the Pact Broker's allow_public_read does).
   */
  publicRead?: boolean;
}

export interface BrokerAppOptions {
  auth?: BrokerAuthConfig;
  /**
   * Public base URL for links (e.g. behind a proxy); a path in it (http://host/pb) is served as a context path.
   * Default: the address the broker is bound to (startBroker), or, bound to every interface (0.0.0.0, ::) or
   * without a socket, the origin of each request (whose Host must be one the broker serves).
   */
  baseUrl?: string;
  /**
   * Host names the broker answers to besides loopback names, IP addresses and the --base-url host: names,
   * `*.example.com` / `.example.com` for subdomains, `*` for any (turns the DNS rebinding check off). Other Host
   * headers get 421.
   */
  allowedHosts?: string[];
  /** Request body limit in bytes (413 above it). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Allow publishing different content for an existing consumer version (the Ruby broker's allow_dangerous_contract_modification). */
  allowContractModification?: boolean;
  /**
   * A tag named after an environment also records a deployment of that version there (the Pact Broker's
   * create_deployed_versions_for_tags, on by default there too: helps teams still tagging "prod" after deploying).
   * Default true.
   */
  createDeployedVersionsForTags?: boolean;
  /**
   * A version's first tag also makes it a version of the branch with that name when the version has no branch
   * and was created at most `firstTagAsBranchTimeLimitSeconds` ago (the Pact Broker's use_first_tag_as_branch,
   * on by default there too, for clients that tag but do not send branches). Default true.
   */
  useFirstTagAsBranch?: boolean;
  /** The Pact Broker's use_first_tag_as_branch_time_limit, in seconds. Default 10. */
  firstTagAsBranchTimeLimitSeconds?: number;
  /** What webhooks may call (scheme, host and method allow-lists); see webhook-policy.ts for the defaults. */
  webhookPolicy?: WebhookPolicyOptions;
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Per-request values set by the app's first middleware. */
export interface BrokerEnv {
  Variables: {
    /** Link builder for this request's base URL. */
    links: Links;
    /** The query string, with repeated keys (q[][pacticipant]=a&q[][pacticipant]=b) kept in order. */
    query: URLSearchParams;
    /** The raw request body (empty for GET). */
    body: Buffer;
  };
}

export type Ctx = Context<BrokerEnv>;
export type Handler = (c: Ctx) => Response | Promise<Response>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the routes need: the store (reads; writes through store.tx), the webhook dispatcher and the options. */
export interface BrokerDeps {
  store: BrokerStore;
  webhooks: WebhookDispatcher;
  opts: BrokerAppOptions;
}

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Registers resources on the Hono app. Registration order is matching order: the first resource whose path
 * matches answers, with 405 (and Allow) when it has no handler for the method, like the Pact Broker.
 */
export class Routes {
  constructor(
    readonly app: Hono<BrokerEnv>,
    readonly deps: BrokerDeps,
  ) {}

  resource(path: string, methods: Partial<Record<Method, Handler>>): void {
    const allow = [...Object.keys(methods), 'OPTIONS'].join(', ');
    for (const [method, handler] of Object.entries(methods) as [Method, Handler][]) {
      this.app.on(method, path, async (c) => {
        checkJsonContentType(method, c.req.header('content-type'), c.var.body.length);
        if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
          // Every name in the path of a write is validated the same way (the routes validate names in bodies).
          const errors: Record<string, string[]> = {};
          for (const [key, value] of Object.entries(params(c))) {
            const problem = NAME_PARAMS.has(key) ? nameProblem(value) : undefined;
            if (problem !== undefined) errors[key] = [problem];
          }
          if (Object.keys(errors).length > 0) throw badRequest(errors);
        }
        return handler(c);
      });
    }
    this.app.all(path, (c) => {
      if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { Allow: allow } });
      throw new HttpError(
        405,
        { error: `Method ${c.req.method} is not allowed on ${new URL(c.req.url).pathname}. Allowed: ${allow}.` },
        { Allow: allow },
      );
    });
  }
}

/** The decoded path parameters (`:pacticipant` -> value). */
export const params = (c: Ctx): Record<string, string> => c.req.param() as Record<string, string>;

/** The request path as the client sent it (percent-encoded). */
export const pathOf = (c: Ctx): string => new URL(c.req.url).pathname;

/** A HAL+JSON response. */
export function hal(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': HAL, ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

export function htmlResponse(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/html;charset=utf-8' } });
}

/** The JSON object in the request body ({} when empty); 400 naming the problem otherwise. */
export function jsonBody(c: Ctx): Record<string, unknown> {
  const raw = c.var.body;
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (nestsDeeperThan(text))
    throw badRequest({
      body: [
        `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (the Pact Broker's limit).`,
      ],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest({ body: [`The request body is not valid JSON: ${(error as Error).message}`] });
  }
  if (!isRecord(parsed)) throw badRequest({ body: ['The request body must be a JSON object.'] });
  return parsed;
}

export const nonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
export const singleLine = (v: string): boolean => !/[\r\n]/.test(v);

export async function pacticipantOr404(store: BrokerReads, name: string): Promise<Pacticipant> {
  const p = await store.pacticipant(name);
  if (p === undefined) throw notFound(`No pacticipant with name '${name}' found`);
  return p;
}

export async function versionOr404(store: BrokerReads, p: Pacticipant, number: string): Promise<Version> {
  const v = await store.version(p.id, number);
  if (v === undefined) throw notFound(`No version '${number}' of pacticipant '${p.name}' found`);
  return v;
}

export async function environmentOr404(store: BrokerReads, uuid: string): Promise<Environment> {
  const e = await store.environment(uuid);
  if (e === undefined) throw notFound(`No environment with uuid '${uuid}' found`);
  return e;
}
