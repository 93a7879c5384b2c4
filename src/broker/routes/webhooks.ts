// Webhooks: list, create (optionally scoped to a provider and/or consumer in the path), read, replace, delete,
// test-execute, and the triggered webhooks with their logs.
import crypto from 'node:crypto';
import { hal, jsonBody, noContent, nonBlank, pacticipantOr404, params, pathOf, type BrokerDeps, type Ctx, type Routes } from '../context';
import { badRequest, notFound } from '../http';
import { Resources } from '../resources';
import type { BrokerReads, WebhookFields, WebhookSelector } from '../store/types';
import { WEBHOOK_EVENTS, type BrokerEvent, type WebhookEventName } from '../webhooks';
import { isRecord } from '../../shared/json';

type Forced = { consumer?: string; provider?: string };

/** Validates a webhook body (400 naming each bad field). */
async function parseWebhook(store: BrokerReads, body: Record<string, unknown>, forced: Forced): Promise<WebhookFields> {
  const errors: Record<string, string[]> = {};
  const err = (k: string, m: string): void => {
    (errors[k] ??= []).push(m);
  };
  const sel = async (key: 'consumer' | 'provider'): Promise<WebhookSelector | null> => {
    const forcedName = forced[key];
    if (forcedName !== undefined) return { name: forcedName };
    const v = body[key];
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) {
      err(key, 'must be an object with name or label');
      return null;
    }
    if (v.name !== undefined && v.label !== undefined) err(key, 'cannot specify both name and label');
    if (v.name !== undefined) {
      if (!nonBlank(v.name)) err(key, 'name must be a non-blank string');
      else if ((await store.pacticipant(v.name)) === undefined) err(key, `No ${key} with name '${v.name}' found`);
      return { name: String(v.name) };
    }
    if (v.label !== undefined) return { label: String(v.label) };
    return null;
  };
  const consumer = await sel('consumer');
  const provider = await sel('provider');
  let events: string[] = ['contract_content_changed'];
  if (body.events !== undefined) {
    if (!Array.isArray(body.events) || body.events.length === 0) err('events', 'must be a non-empty array of {name}');
    else {
      events = body.events.map((e) => (isRecord(e) ? String(e.name) : String(e)));
      for (const e of events) if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) err('events', `'${e}' is not a supported event (${WEBHOOK_EVENTS.join(', ')})`);
    }
  }
  const request = body.request;
  if (!isRecord(request)) err('request', 'is required');
  else {
    const method = String(request.method ?? '');
    if (!/^(GET|POST|PUT|PATCH|DELETE)$/i.test(method)) err('request.method', `'${method}' is not a supported HTTP method`);
    const url = String(request.url ?? '');
    try {
      const u = new URL(url.replace(/\$\{pactbroker\.\w+\}/g, 'x'));
      if (u.protocol !== 'http:' && u.protocol !== 'https:') err('request.url', `scheme ${u.protocol} is not allowed (http or https)`);
    } catch {
      err('request.url', `'${url}' is not a valid URL`);
    }
    if (request.headers !== undefined && !isRecord(request.headers)) err('request.headers', 'must be an object');
  }
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
  const fields = await parseWebhook(S, jsonBody(c), forced);
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
    const [pv, cv, verif] = await Promise.all([S.pactVersionById(i.latest.pactVersionId), S.versionById(i.latest.consumerVersionId), S.latestVerificationOfPactVersion(i.latest.pactVersionId)]);
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
    request: { method: request.method, url: request.url, headers: Object.fromEntries(Object.keys(request.headers).map((k) => [k, /^authorization$/i.test(k) ? '**********' : request.headers[k]])) },
    response: result.status === undefined ? null : { status: result.status, headers: result.responseHeaders, body: result.responseBody?.slice(0, 4000) },
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
        _links: { self: { href: L.url('/webhooks'), title: 'Webhooks' }, 'pb:create': { href: L.url('/webhooks') }, 'pb:webhooks': list.map((w) => ({ title: w.description ?? 'Webhook', name: w.description ?? w.uuid, href: L.webhook(w.uuid) })) },
      });
    },
    POST: (c) => createWebhook(r.deps, c, {}),
  });
  r.resource('/webhooks/provider/:provider/consumer/:consumer', { POST: (c) => createWebhook(r.deps, c, { provider: params(c).provider, consumer: params(c).consumer }) });
  r.resource('/webhooks/provider/:provider', { POST: (c) => createWebhook(r.deps, c, { provider: params(c).provider }) });
  r.resource('/webhooks/consumer/:consumer', { POST: (c) => createWebhook(r.deps, c, { consumer: params(c).consumer }) });
  r.resource('/webhooks/:uuid', {
    GET: async (c) => {
      const uuid = params(c).uuid!;
      const w = await S.webhook(uuid);
      if (w === undefined) throw notFound(`No webhook with uuid ${uuid}`);
      return hal(200, new Resources(S, c.var.links).webhook(w));
    },
    PUT: async (c) => {
      const uuid = params(c).uuid!;
      if (!/^[A-Za-z0-9_-]{8,}$/.test(uuid)) throw badRequest({ uuid: ['must be at least 8 characters of letters, digits, - or _'] });
      const fields = await parseWebhook(S, jsonBody(c), {});
      const { webhook, created } = await S.tx((t) => t.saveWebhook(uuid, fields));
      return hal(created ? 201 : 200, new Resources(S, c.var.links).webhook(webhook), created ? { Location: c.var.links.webhook(webhook.uuid) } : {});
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
      return hal(200, { _embedded: { triggeredWebhooks: list }, _links: { self: { href: c.var.links.url(pathOf(c)) } } });
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
        executions: executions.map((e) => ({ attempt: e.attempt, success: e.success, createdAt: e.createdAt, logs: e.logs })),
        logs: executions.map((e) => e.logs).join('\n\n'),
        _links: { self: { href: c.var.links.url(pathOf(c)) }, 'pb:webhook': { href: c.var.links.webhook(t.webhookUuid) } },
      });
    },
  });
}
