// Webhooks: list, create (optionally scoped to a provider and/or consumer in the path), read, replace, delete,
// test-execute, and the triggered webhooks with their logs.
import crypto from 'node:crypto';
import {
  hal,
  jsonBody,
  noContent,
  pacticipantOr404,
  params,
  pathOf,
  type BrokerDeps,
  type Ctx,
  type Routes,
} from '../context';
import { badRequest, notFound } from '../http';
import { Resources } from '../resources';
import type { BrokerReads, WebhookFields, WebhookSelector } from '../store/types';
import type { WebhookPolicy } from '../webhook-policy';
import { WEBHOOK_EVENTS, type BrokerEvent, type WebhookEventName } from '../webhooks';
import { isRecord } from '../../core/json';
import { addError } from '../names';

type Forced = { consumer?: string; provider?: string };

/** The Pact Broker's webhook uuid rule (api/contracts/webhook_contract.rb UUID_REGEX). */
const UUID = /^[A-Za-z0-9_-]{16,}$/;

/**
 * Validates a webhook body: 400 with the Pact Broker's error keys and messages (`consumer.name`, `provider.name`,
 * `request.method`, `request.url`, `events`, `enabled`, `uuid`; api/contracts/webhook_contract.rb,
 * webhook_request_contract.rb, webhook_pacticipant_contract.rb, flattened by dry_validation_errors_formatter.rb),
 * the URL and method checked against the webhook policy.
 */
async function parseWebhook(
  store: BrokerReads,
  policy: WebhookPolicy,
  body: Record<string, unknown>,
  forced: Forced,
  uuid?: string,
): Promise<WebhookFields> {
  const errors: Record<string, string[]> = {};
  const err = (k: string, m: string): void => addError(errors, k, m);
  const provided = (x: unknown): x is string => typeof x === 'string' && x.trim() !== '';
  const sel = async (key: 'consumer' | 'provider'): Promise<WebhookSelector | null> => {
    const forcedName = forced[key];
    if (forcedName !== undefined) return { name: forcedName };
    const v = body[key];
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) {
      err(key, 'must be a hash');
      return null;
    }
    if (v.name !== undefined && v.name !== null && typeof v.name !== 'string') err(`${key}.name`, 'must be a string');
    if (v.label !== undefined && v.label !== null && typeof v.label !== 'string')
      err(`${key}.label`, 'must be a string');
    if (!provided(v.name) && !provided(v.label)) {
      err(`${key}.name`, 'cannot be blank');
      return null;
    }
    if (provided(v.name) && provided(v.label))
      err(`${key}.label`, 'name and label cannot be provided at the same time');
    if (provided(v.name)) {
      if ((await store.pacticipant(v.name)) === undefined) err(`${key}.name`, 'does not match an existing pacticipant');
      return { name: v.name };
    }
    return { label: v.label as string };
  };
  const consumer = await sel('consumer');
  const provider = await sel('provider');
  let events: string[] = ['contract_content_changed'];
  if (body.events !== undefined && body.events !== null) {
    if (!Array.isArray(body.events)) err('events', 'must be an array');
    else if (body.events.length === 0) err('events', 'size cannot be less than 1');
    else {
      events = body.events.map((e) => (isRecord(e) && typeof e.name === 'string' ? e.name : ''));
      events.forEach((e, i) => {
        if (!(WEBHOOK_EVENTS as readonly string[]).includes(e))
          err('events', `name must be one of: ${WEBHOOK_EVENTS.join(', ')} (at index ${i})`);
      });
    }
  }
  const request = body.request;
  if (request === undefined || request === null) err('request', 'is missing');
  else if (!isRecord(request)) err('request', 'must be a hash');
  else {
    if (request.method === undefined || request.method === null) err('request.method', 'is missing');
    else for (const problem of policy.methodProblems(request.method)) err('request.method', problem);
    if (request.url === undefined || request.url === null) err('request.url', 'is missing');
    else for (const problem of policy.urlProblems(request.url)) err('request.url', problem);
    if (request.headers !== undefined && request.headers !== null && !isRecord(request.headers))
      err('request.headers', 'must be a hash');
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') err('enabled', 'must be boolean');
  if (body.description !== undefined && body.description !== null && typeof body.description !== 'string')
    err('description', 'must be a string');
  if (uuid !== undefined && !UUID.test(uuid))
    err('uuid', 'The UUID can only contain the characters A-Z, a-z, 0-9, _ and -, and must be 16 or more characters.');
  if (Object.keys(errors).length > 0) throw badRequest(errors);
  return {
    description: typeof body.description === 'string' ? body.description : null,
    consumer,
    provider,
    events,
    request: request as Record<string, unknown>,
    enabled: body.enabled !== false,
  };
}

async function createWebhook(deps: BrokerDeps, c: Ctx, forced: Forced): Promise<Response> {
  const S = deps.store;
  if (forced.consumer !== undefined) await pacticipantOr404(S, forced.consumer);
  if (forced.provider !== undefined) await pacticipantOr404(S, forced.provider);
  const fields = await parseWebhook(S, deps.webhooks.policy, jsonBody(c), forced);
  const uuid = crypto.randomUUID();
  const { webhook } = await S.tx((t) => t.saveWebhook(uuid, fields));
  return hal(201, new Resources(S, c.var.links).webhook(webhook), { Location: c.var.links.webhook(webhook.uuid) });
}

/** POST /webhooks/:uuid/execute: runs the webhook once with the latest matching pact as its sample context. */
async function executeWebhook(deps: BrokerDeps, c: Ctx, uuid: string): Promise<Response> {
  const S = deps.store;
  const L = c.var.links;
  const w = await S.webhook(uuid);
  if (w === undefined) throw notFound(`No webhook with uuid ${uuid}`);
  let event: BrokerEvent | undefined;
  for (const i of await S.integrations()) {
    const [consumer, provider] = await Promise.all([S.pacticipantById(i.consumerId), S.pacticipantById(i.providerId)]);
    if (w.consumer?.name !== undefined && w.consumer.name !== consumer.name) continue;
    if (w.provider?.name !== undefined && w.provider.name !== provider.name) continue;
    const [pv, cv, verif] = await Promise.all([
      S.pactVersionById(i.latest.pactVersionId),
      S.versionById(i.latest.consumerVersionId),
      S.latestVerificationOfPactVersion(i.latest.pactVersionId),
    ]);
    event = {
      name: (w.events[0] ?? 'contract_published') as WebhookEventName,
      consumer,
      provider,
      pactVersion: pv,
      consumerVersion: cv,
      verification: verif,
      providerVersion: verif === undefined ? undefined : await S.versionById(verif.providerVersionId),
    };
    break;
  }
  const vars: Record<string, string> = event === undefined ? {} : await deps.webhooks.variables(event, L);
  const request = deps.webhooks.render(w, vars);
  const result = await deps.webhooks.execute(request);
  return hal(200, {
    request: {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(
        Object.keys(request.headers).map((k) => [k, /^authorization$/i.test(k) ? '**********' : request.headers[k]]),
      ),
    },
    response:
      result.status === undefined
        ? null
        : { status: result.status, headers: result.responseHeaders, body: result.responseBody?.slice(0, 4000) },
    logs: result.logs,
    success: result.success,
    _links: { self: { href: `${L.webhook(uuid)}/execute` } },
  });
}

export function webhookRoutes(r: Routes): void {
  const S = r.deps.store;
  r.resource('/webhooks', {
    GET: async (c) => {
      const L = c.var.links;
      const list = await S.webhooks();
      const R = new Resources(S, L);
      return hal(200, {
        _embedded: { webhooks: list.map((w) => R.webhook(w)) },
        _links: {
          self: { href: L.url('/webhooks'), title: 'Webhooks' },
          'pb:create': { href: L.url('/webhooks') },
          'pb:webhooks': list.map((w) => ({
            title: w.description ?? 'Webhook',
            name: w.description ?? w.uuid,
            href: L.webhook(w.uuid),
          })),
        },
      });
    },
    POST: (c) => createWebhook(r.deps, c, {}),
  });
  r.resource('/webhooks/provider/:provider/consumer/:consumer', {
    POST: (c) => createWebhook(r.deps, c, { provider: params(c).provider, consumer: params(c).consumer }),
  });
  r.resource('/webhooks/provider/:provider', {
    POST: (c) => createWebhook(r.deps, c, { provider: params(c).provider }),
  });
  r.resource('/webhooks/consumer/:consumer', {
    POST: (c) => createWebhook(r.deps, c, { consumer: params(c).consumer }),
  });
  r.resource('/webhooks/:uuid', {
    GET: async (c) => {
      const uuid = params(c).uuid!;
      const w = await S.webhook(uuid);
      if (w === undefined) throw notFound(`No webhook with uuid ${uuid}`);
      return hal(200, new Resources(S, c.var.links).webhook(w));
    },
    PUT: async (c) => {
      const uuid = params(c).uuid!;
      const fields = await parseWebhook(S, r.deps.webhooks.policy, jsonBody(c), {}, uuid);
      const { webhook, created } = await S.tx((t) => t.saveWebhook(uuid, fields));
      return hal(
        created ? 201 : 200,
        new Resources(S, c.var.links).webhook(webhook),
        created ? { Location: c.var.links.webhook(webhook.uuid) } : {},
      );
    },
    DELETE: async (c) => {
      const uuid = params(c).uuid!;
      if (!(await S.tx((t) => t.deleteWebhook(uuid)))) throw notFound(`No webhook with uuid ${uuid}`);
      return noContent();
    },
  });
  r.resource('/webhooks/:uuid/execute', { POST: (c) => executeWebhook(r.deps, c, params(c).uuid!) });
  r.resource('/webhooks/:uuid/triggered-webhooks', {
    GET: async (c) => {
      const uuid = params(c).uuid!;
      if ((await S.webhook(uuid)) === undefined) throw notFound(`No webhook with uuid ${uuid}`);
      const list = await Promise.all(
        (await S.triggeredWebhooksOf(uuid)).map(async (t) => ({
          uuid: t.uuid,
          eventName: t.eventName,
          status: t.status,
          attemptsMade: (await S.executions(t.id)).length,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
          _links: { 'pb:logs': { href: c.var.links.url(`/triggered-webhooks/${t.uuid}/logs`) } },
        })),
      );
      return hal(200, {
        _embedded: { triggeredWebhooks: list },
        _links: { self: { href: c.var.links.url(pathOf(c)) } },
      });
    },
  });
  r.resource('/triggered-webhooks/:uuid/logs', {
    GET: async (c) => {
      const t = await S.triggeredWebhook(params(c).uuid!);
      if (t === undefined) throw notFound('No such triggered webhook');
      const executions = await S.executions(t.id);
      return hal(200, {
        uuid: t.uuid,
        webhookUuid: t.webhookUuid,
        eventName: t.eventName,
        status: t.status,
        executions: executions.map((e) => ({
          attempt: e.attempt,
          success: e.success,
          createdAt: e.createdAt,
          logs: e.logs,
        })),
        logs: executions.map((e) => e.logs).join('\n\n'),
        _links: {
          self: { href: c.var.links.url(pathOf(c)) },
          'pb:webhook': { href: c.var.links.webhook(t.webhookUuid) },
        },
      });
    },
  });
}
