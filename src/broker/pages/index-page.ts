// The page at / for browsers, what a release manager starts from: every consumer/provider pair with its latest pact
// (consumer version and branch) and the latest verification of it (provider version and branch, the result linked
// to its page), each environment with what is deployed and released there, and the status of every webhook.
// All reads are batched (a fixed number of queries whatever the number of integrations).
import { seg, type Links } from '../http';
import type { BrokerReads, Environment, Pacticipant, Version, VersionDetails, WebhookRecord } from '../store/types';
import { esc, page, resultCell, statusChip, timeAgo, versionCell, type StatusKind } from './layout';
import { pageUrls, type PageUrls } from './urls';

export const INTEGRATIONS_PER_PAGE = 50;

export interface IndexQuery {
  /** Only pairs (and environment rows) whose pacticipant names contain this (case-insensitive). */
  filter?: string;
  /** 1-based page of the integrations table. */
  page?: number;
}

export interface IndexPageDeps {
  /** Delays before each webhook retry (the dispatcher's), to show when the next attempt is due. */
  webhookRetryDelaysMs: number[];
  now?: Date;
}

const branchNames = (d: VersionDetails | undefined): string[] => (d === undefined ? [] : d.branches.map((b) => b.name));
const places = (d: VersionDetails | undefined): { name: string; production: boolean; kind: string }[] =>
  d === undefined
    ? []
    : d.environments.map((e) => ({ name: e.environment.name, production: e.environment.production, kind: e.kind }));

export async function indexPage(store: BrokerReads, L: Links, q: IndexQuery, deps: IndexPageDeps): Promise<string> {
  const now = deps.now ?? new Date();
  const U = pageUrls(L);
  const [integrations, pacticipants, environments, webhooks] = await Promise.all([
    store.integrations(),
    store.pacticipants(),
    store.environments(),
    store.webhooks(),
  ]);
  const byId = new Map(pacticipants.map((p) => [p.id, p]));
  const filter = (q.filter ?? '').trim().toLowerCase();
  const matches = (p: Pacticipant | undefined): boolean =>
    filter === '' || p?.name.toLowerCase().includes(filter) === true;
  const name = (id: number): string => byId.get(id)?.name ?? `#${id}`;

  // Integrations, sorted by consumer then provider name, filtered, one page of them.
  const pairs = integrations
    .filter((i) => matches(byId.get(i.consumerId)) || matches(byId.get(i.providerId)))
    .sort((a, b) => cmp(name(a.consumerId), name(b.consumerId)) || cmp(name(a.providerId), name(b.providerId)));
  const pages = Math.max(1, Math.ceil(pairs.length / INTEGRATIONS_PER_PAGE));
  const current = Math.min(Math.max(1, Math.floor(q.page ?? 1)), pages);
  const shown = pairs.slice((current - 1) * INTEGRATIONS_PER_PAGE, current * INTEGRATIONS_PER_PAGE);
  const pactVersionIds = shown.map((i) => i.latest.pactVersionId);
  const [verifications, shas] = await Promise.all([
    store.latestVerificationsOfPactVersions(pactVersionIds),
    store.pactVersionShas(pactVersionIds),
  ]);

  // Environments: the current deployments and releases of each, filtered like the pairs.
  const records = await Promise.all(
    environments.map(async (e) => ({
      e,
      deployed: await store.currentlyDeployed(e.id),
      released: await store.currentlySupported(e.id),
    })),
  );

  const versionIds = [
    ...shown.map((i) => i.latest.consumerVersionId),
    ...[...verifications.values()].map((v) => v.providerVersionId),
    ...records.flatMap((r) => [...r.deployed, ...r.released].map((x) => x.versionId)),
  ];
  const [versions, details] = await Promise.all([store.versionsByIds(versionIds), store.versionDetails(versionIds)]);
  const version = (id: number): Version | undefined => versions.get(id);

  const rows = shown.map((i) => {
    const c = byId.get(i.consumerId)!;
    const p = byId.get(i.providerId)!;
    const cv = version(i.latest.consumerVersionId);
    const verif = verifications.get(i.latest.pactVersionId);
    const pv = verif === undefined ? undefined : version(verif.providerVersionId);
    const sha = shas.get(i.latest.pactVersionId) ?? '';
    const cvNumber = cv?.number ?? '?';
    return `<tr data-consumer="${esc(c.name)}" data-provider="${esc(p.name)}">
<th scope="row" class="consumer"><a href="${esc(U.matrix({ pacticipant: c.name }))}">${esc(c.name)}</a></th>
<td class="consumer-version">${versionCell(cvNumber, branchNames(details.get(i.latest.consumerVersionId)), places(details.get(i.latest.consumerVersionId)))} <span class="sub">published ${timeAgo(i.latest.createdAt, now)}</span></td>
<td class="provider"><a href="${esc(U.matrix({ pacticipant: p.name }))}">${esc(p.name)}</a></td>
<td class="provider-version">${pv === undefined ? '<span class="none">not verified yet</span>' : `${versionCell(pv.number, branchNames(details.get(pv.id)), places(details.get(pv.id)))} <span class="sub">verified ${timeAgo(verif!.createdAt, now)}</span>`}</td>
<td class="result">${resultCell(verif?.success, verif === undefined ? undefined : U.verification(p.name, c.name, sha, verif.number))}</td>
<td class="pact"><a href="${esc(U.pact(p.name, c.name, cvNumber))}">View pact</a> <span class="sub"><a href="${esc(L.pactByVersion(p.name, c.name, cvNumber))}" type="application/json">raw JSON</a> · <a href="${esc(U.matrix({ pacticipant: c.name, with: p.name }))}">matrix</a></span></td>
<td class="badge"><img alt="${esc(`Pact badge of ${c.name} and ${p.name}: ${verif === undefined ? 'unknown' : verif.success ? 'verified' : 'failed'}`)}" height="20" src="${esc(L.url(`/pacts/provider/${seg(p.name)}/consumer/${seg(c.name)}/latest/badge`))}"></td>
</tr>`;
  });

  const empty =
    integrations.length === 0
      ? 'No pacts have been published yet. Publish with <code>npx cxpact publish --broker-url &lt;this broker&gt;</code> (or <code>npm run pact:publish</code> in a repository with the cxpact layout).'
      : `No integration involves a pacticipant whose name contains “${esc(q.filter)}”.`;
  const pager =
    pages <= 1
      ? ''
      : `<nav class="pager" aria-label="Integration pages">${current > 1 ? `<a href="${esc(U.index({ filter: q.filter, page: current - 1 }))}" rel="prev">← Previous</a>` : ''}<span>Page ${current} of ${pages} (${pairs.length} integrations)</span>${current < pages ? `<a href="${esc(U.index({ filter: q.filter, page: current + 1 }))}" rel="next">Next →</a>` : ''}</nav>`;

  const body = `<h1>Integrations</h1>
<form class="filters" method="get" action="${esc(L.url('/'))}" role="search">
<label for="filter">Pacticipant name contains<input id="filter" name="filter" value="${esc(q.filter ?? '')}" placeholder="e.g. orders"></label>
<button type="submit">Filter</button>${filter === '' ? '' : ` <a href="${esc(L.url('/'))}">Clear</a>`}
</form>
<table id="integrations">
<caption>Each consumer/provider pair: its latest pact and the latest verification of that pact. ${pairs.length} integration${pairs.length === 1 ? '' : 's'}${filter === '' ? '' : ` matching “${esc(q.filter)}”`}. Hover a time for the exact time.</caption>
<thead><tr><th scope="col">Consumer</th><th scope="col">Consumer version</th><th scope="col">Provider</th><th scope="col">Provider version</th><th scope="col">Verification</th><th scope="col">Pact</th><th scope="col">Badge</th></tr></thead>
<tbody>${rows.length === 0 ? `<tr><td colspan="7" class="none">${empty}</td></tr>` : rows.join('\n')}</tbody></table>
${pager}
${environmentsSection(records, byId, matches, version, details, now, U)}
${await webhooksSection(store, webhooks, deps.webhookRetryDelaysMs, now, L)}`;
  return page('Integrations', body, L, { current: 'home', now });
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function environmentsSection(
  records: {
    e: Environment;
    deployed: { versionId: number; pacticipantId: number; applicationInstance: string | null; createdAt: string }[];
    released: { versionId: number; pacticipantId: number; createdAt: string }[];
  }[],
  byId: Map<number, Pacticipant>,
  matches: (p: Pacticipant | undefined) => boolean,
  version: (id: number) => Version | undefined,
  details: Map<number, VersionDetails>,
  now: Date,
  U: PageUrls,
): string {
  if (records.length === 0) {
    return `<h2 id="environments">Environments</h2><p class="none">No environments yet. Create one with <code>pact broker create-environment --name production --production</code>, then record deployments with <code>npx cxpact record-deployment</code>.</p>`;
  }
  const sections = records.map(({ e, deployed, released }) => {
    const entries = [
      ...deployed.map((d) => ({ kind: 'Deployed', ...d })),
      ...released.map((r) => ({ kind: 'Released', applicationInstance: null, ...r })),
    ]
      .filter((x) => matches(byId.get(x.pacticipantId)))
      .sort(
        (a, b) =>
          cmp(byId.get(a.pacticipantId)?.name ?? '', byId.get(b.pacticipantId)?.name ?? '') ||
          b.versionId - a.versionId,
      );
    const rows = entries.map((x) => {
      const p = byId.get(x.pacticipantId);
      const v = version(x.versionId);
      return `<tr><th scope="row"><a href="${esc(U.matrix({ pacticipant: p?.name ?? '', environment: e.name }))}">${esc(p?.name ?? '?')}</a></th><td>${versionCell(v?.number ?? '?', branchNames(details.get(x.versionId)))}</td><td>${esc(x.kind)}${x.applicationInstance === null ? '' : ` <span class="chip" title="application instance">${esc(x.applicationInstance)}</span>`}</td><td>${timeAgo(x.createdAt, now)}</td></tr>`;
    });
    const heading = `${esc(e.displayName)}${e.displayName.toLowerCase() === e.name.toLowerCase() ? '' : ` <span class="muted">(${esc(e.name)})</span>`} ${e.production ? '<span class="chip env-prod">production</span>' : '<span class="chip">non-production</span>'}`;
    return `<section class="environment" data-environment="${esc(e.name)}" aria-labelledby="env-${esc(e.uuid)}">
<h3 id="env-${esc(e.uuid)}">${heading}</h3>
<table class="environment-versions"><caption>What is deployed and released in ${esc(e.name)} now: ${deployed.length} deployed, ${released.length} released and supported.</caption>
<thead><tr><th scope="col">Pacticipant</th><th scope="col">Version</th><th scope="col">How</th><th scope="col">Since</th></tr></thead>
<tbody>${rows.length === 0 ? `<tr><td colspan="4" class="none">Nothing is recorded as deployed or released here${entries.length === deployed.length + released.length ? '' : ' (with this filter)'}.</td></tr>` : rows.join('\n')}</tbody></table></section>`;
  });
  return `<h2 id="environments">Environments</h2>\n${sections.join('\n')}`;
}

const WEBHOOK_STATUS: Record<string, [StatusKind, string]> = {
  success: ['ok', 'Succeeded'],
  failure: ['fail', 'Failed'],
  retrying: ['warn', 'Retrying'],
  not_run: ['none', 'Not run yet'],
};

async function webhooksSection(
  store: BrokerReads,
  webhooks: WebhookRecord[],
  retryDelaysMs: number[],
  now: Date,
  L: Links,
): Promise<string> {
  if (webhooks.length === 0) return `<h2 id="webhooks">Webhooks</h2><p class="none">No webhooks are configured.</p>`;
  const rows = await Promise.all(
    webhooks.map(async (w) => {
      const [last] = await store.triggeredWebhooksOf(w.uuid, 1);
      const executions = last === undefined ? [] : await store.executions(last.id);
      const lastExecution = executions[executions.length - 1];
      const scope = [
        w.consumer === null ? 'any consumer' : `consumer ${w.consumer.name ?? `labelled ${w.consumer.label ?? '?'}`}`,
        w.provider === null ? 'any provider' : `provider ${w.provider.name ?? `labelled ${w.provider.label ?? '?'}`}`,
      ].join(', ');
      let status = !w.enabled
        ? statusChip('none', 'Disabled')
        : last === undefined
          ? statusChip('none', 'Never triggered')
          : statusChip(...(WEBHOOK_STATUS[last.status] ?? (['none', last.status] as [StatusKind, string])));
      let next = '<span class="none">-</span>';
      if (last !== undefined && last.status === 'retrying' && lastExecution !== undefined) {
        const delay = retryDelaysMs[lastExecution.attempt - 1];
        if (delay !== undefined)
          next = `${timeAgo(new Date(Date.parse(lastExecution.createdAt) + delay).toISOString(), now)} <span class="sub">attempt ${lastExecution.attempt + 1} of ${retryDelaysMs.length + 1}</span>`;
      }
      if (last !== undefined)
        status += ` <span class="sub"><a href="${esc(L.url(`/triggered-webhooks/${seg(last.uuid)}/logs`))}" type="application/json">logs</a></span>`;
      return `<tr data-webhook="${esc(w.uuid)}"><th scope="row">${esc(w.description ?? w.uuid)} <span class="sub">${esc(scope)}</span></th><td>${w.events.map((e) => `<span class="chip">${esc(e)}</span>`).join('')}</td><td>${last === undefined ? '<span class="none">-</span>' : `${esc(last.eventName)} <span class="sub">${timeAgo(last.createdAt, now)}</span>`}</td><td>${lastExecution === undefined ? '<span class="none">-</span>' : `attempt ${lastExecution.attempt}: ${lastExecution.success ? 'succeeded' : 'failed'} <span class="sub">${timeAgo(lastExecution.createdAt, now)}</span>`}</td><td class="webhook-status">${status}</td><td>${next}</td></tr>`;
    }),
  );
  return `<h2 id="webhooks">Webhooks</h2>
<table id="webhook-status"><caption>The last time each webhook was triggered and how its execution went.</caption>
<thead><tr><th scope="col">Webhook</th><th scope="col">Events</th><th scope="col">Last triggered</th><th scope="col">Last execution</th><th scope="col">Status</th><th scope="col">Next retry</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}
