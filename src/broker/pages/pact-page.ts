// The pact page (/ui/pacts/provider/P/consumer/C/version/V or .../pact-version/SHA): who, which versions, which
// provider versions verified it with what result, and every interaction rendered (pact-view.ts), with a link to
// the raw JSON the API serves. And the verification page (.../pact-version/SHA/verification-results/N): the result,
// the provider version and branch, the consumer versions it covers, and each interaction's outcome.
import type { Links } from '../http';
import type {
  BrokerReads,
  PactPublication,
  PactVersion,
  Pacticipant,
  Verification,
  Version,
  VersionDetails,
} from '../store/types';
import { esc, page, resultCell, statusChip, timeAgo, versionCell } from './layout';
import { compact, interactionsById, renderPact } from './pact-view';
import { pageUrls } from './urls';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export type PactRef = { version: string } | { sha: string };

const branchesOf = (d: VersionDetails | undefined): string[] => d?.branches.map((b) => b.name) ?? [];
const environmentsOf = (d: VersionDetails | undefined): { name: string; production: boolean; kind: string }[] =>
  d?.environments.map((e) => ({ name: e.environment.name, production: e.environment.production, kind: e.kind })) ?? [];

/** A link only for http(s) URLs (a build URL is whatever the client sent); otherwise the text. */
const safeLink = (url: string | null): string =>
  url === null
    ? '<span class="none">-</span>'
    : /^https?:\/\//i.test(url)
      ? `<a href="${esc(url)}" rel="noopener noreferrer">${esc(url)}</a>`
      : `<code>${esc(url)}</code>`;

interface Found {
  consumer: Pacticipant;
  provider: Pacticipant;
  pv: PactVersion;
  /** The consumer version the page is about (the one asked for, else the newest with this content). */
  version: Version | undefined;
  publication: PactPublication | undefined;
  publications: PactPublication[];
}

async function find(
  store: BrokerReads,
  providerName: string,
  consumerName: string,
  ref: PactRef,
): Promise<Found | string> {
  const [consumer, provider] = await Promise.all([store.pacticipant(consumerName), store.pacticipant(providerName)]);
  if (consumer === undefined) return `No pacticipant named ${consumerName}`;
  if (provider === undefined) return `No pacticipant named ${providerName}`;
  let pv: PactVersion | undefined;
  let version: Version | undefined;
  let publication: PactPublication | undefined;
  if ('version' in ref) {
    version = await store.version(consumer.id, ref.version);
    if (version === undefined) return `No version ${ref.version} of ${consumer.name}`;
    publication = await store.publication(version.id, provider.id);
    if (publication === undefined)
      return `No pact between ${consumer.name} version ${ref.version} and ${provider.name}`;
    pv = await store.pactVersionById(publication.pactVersionId);
  } else {
    pv = await store.pactVersionBySha(consumer.id, provider.id, ref.sha);
    if (pv === undefined) return `No pact version ${ref.sha} between ${consumer.name} and ${provider.name}`;
  }
  const publications = await store.publicationsOfPactVersion(pv.id);
  if (publication === undefined && publications.length > 0) {
    publication = publications[publications.length - 1]!;
    version = await store.versionById(publication.consumerVersionId);
  }
  return { consumer, provider, pv, version, publication, publications };
}

function parseContent(pv: PactVersion): Json | string {
  try {
    const parsed = JSON.parse(pv.content) as unknown;
    return isObj(parsed) ? parsed : 'The pact content is not a JSON object.';
  } catch (error) {
    return `The pact content cannot be read: ${(error as Error).message}`;
  }
}

/** The pact page, or a string saying what was not found. */
export async function pactPage(
  store: BrokerReads,
  L: Links,
  providerName: string,
  consumerName: string,
  ref: PactRef,
  now = new Date(),
): Promise<string | { notFound: string }> {
  const U = pageUrls(L);
  const f = await find(store, providerName, consumerName, ref);
  if (typeof f === 'string') return { notFound: f };
  const { consumer, provider, pv, version, publication, publications } = f;
  const verifications = (await store.latestVerificationsPerProviderVersion(pv.id)).slice(0, 20);
  const otherVersionIds = publications.slice(-10).map((p) => p.consumerVersionId);
  const ids = [
    ...verifications.map((v) => v.providerVersionId),
    ...otherVersionIds,
    ...(version === undefined ? [] : [version.id]),
  ];
  const [versions, details] = await Promise.all([store.versionsByIds(ids), store.versionDetails(ids)]);

  const content = parseContent(pv);
  const rawHref =
    version === undefined
      ? L.pactVersion(provider.name, consumer.name, pv.sha)
      : L.pactByVersion(provider.name, consumer.name, version.number);
  const rendered = typeof content === 'string' ? undefined : renderPact(content);
  const tags =
    version === undefined
      ? []
      : (details.get(version.id)?.tags ?? []).map((t) => `<span class="chip" title="tag">${esc(t.name)}</span>`);

  const verifRows = verifications.map((v) => {
    const pvv = versions.get(v.providerVersionId);
    return `<tr><th scope="row">${versionCell(pvv?.number ?? '?', branchesOf(details.get(v.providerVersionId)), environmentsOf(details.get(v.providerVersionId)))}</th><td>${resultCell(v.success, U.verification(provider.name, consumer.name, pv.sha, v.number))}${v.pending === true ? ' <span class="chip" title="the pact was pending for this provider version">pending</span>' : ''}${v.wip ? ' <span class="chip" title="verified as a work-in-progress pact">WIP</span>' : ''}</td><td>${timeAgo(v.createdAt, now)}</td></tr>`;
  });
  const sameContent = publications
    .slice(-10)
    .reverse()
    .map((p) => {
      const v = versions.get(p.consumerVersionId);
      return v === undefined
        ? ''
        : `<li><a href="${esc(U.pact(provider.name, consumer.name, v.number))}">${versionCell(v.number, branchesOf(details.get(v.id)))}</a> <span class="muted">${timeAgo(p.createdAt, now)}</span></li>`;
    })
    .join('');

  const title = `Pact between ${consumer.name} and ${provider.name}`;
  const body = `<h1>Pact between <a href="${esc(U.matrix({ pacticipant: consumer.name }))}">${esc(consumer.name)}</a> and <a href="${esc(U.matrix({ pacticipant: provider.name }))}">${esc(provider.name)}</a></h1>
<dl class="facts" id="pact-facts">
<dt>Consumer version</dt><dd>${version === undefined ? '<span class="none">-</span>' : `${versionCell(version.number, branchesOf(details.get(version.id)), environmentsOf(details.get(version.id)))}${tags.join('')}`}</dd>
<dt>Published</dt><dd>${publication === undefined ? timeAgo(pv.createdAt, now) : timeAgo(publication.createdAt, now)}${publication !== undefined && publication.revision > 1 ? ` <span class="muted">(revision ${publication.revision})</span>` : ''}</dd>
<dt>Latest verification</dt><dd>${verifications.length === 0 ? resultCell(undefined) : resultCell(verifications[0]!.success, U.verification(provider.name, consumer.name, pv.sha, verifications[0]!.number))}</dd>
<dt>Specification</dt><dd>${esc(rendered?.specification ?? 'unknown')}${rendered === undefined ? '' : ` · ${rendered.count} interaction${rendered.count === 1 ? '' : 's'}`}</dd>
<dt>Content version</dt><dd><code title="the sha of the content: identical content from other consumer versions shares it and its verification results">${esc(pv.sha)}</code></dd>
<dt>Links</dt><dd><a id="raw-json" href="${esc(rawHref)}" type="application/json">Raw JSON</a> · <a href="${esc(U.matrix({ pacticipant: consumer.name, with: provider.name }))}">Matrix of this pair</a> · <a href="${esc(L.latestPact(provider.name, consumer.name))}" type="application/json">latest pact (JSON)</a></dd>
</dl>
<h2 id="verifications">Verification results of this content</h2>
<table id="pact-verifications"><caption>The latest result per provider version (newest first).</caption>
<thead><tr><th scope="col">Provider version</th><th scope="col">Result</th><th scope="col">Verified</th></tr></thead>
<tbody>${verifRows.length === 0 ? '<tr><td colspan="3" class="none">No provider version has verified this content yet.</td></tr>' : verifRows.join('\n')}</tbody></table>
${publications.length > 1 ? `<details><summary>Consumer versions with this same content (${publications.length})</summary><ul>${sameContent}</ul></details>` : ''}
<h2 id="interactions">Interactions</h2>
${rendered === undefined ? `<p class="note">${esc(content as string)} The <a href="${esc(rawHref)}">raw JSON</a> shows it as stored.</p>` : `${rendered.toc}\n${rendered.html}`}`;
  return page(title, body, L, { now });
}

/** The verification page, or what was not found. */
export async function verificationPage(
  store: BrokerReads,
  L: Links,
  providerName: string,
  consumerName: string,
  sha: string,
  number: string,
  now = new Date(),
): Promise<string | { notFound: string }> {
  const U = pageUrls(L);
  const f = await find(store, providerName, consumerName, { sha });
  if (typeof f === 'string') return { notFound: f };
  const { consumer, provider, pv, publications } = f;
  const n = Number(number);
  const v: Verification | undefined =
    number === 'latest'
      ? await store.latestVerificationOfPactVersion(pv.id)
      : Number.isSafeInteger(n)
        ? await store.verificationByNumber(pv.id, n)
        : undefined;
  if (v === undefined) return { notFound: `No verification result ${number} for pact version ${sha}` };
  // The consumer versions the result covers: those the verifier named (pacts for verification), else every one
  // published with this content (newest 20).
  const named = (
    await Promise.all(v.consumerVersionNumbers.slice(0, 20).map((num) => store.version(consumer.id, num)))
  ).filter((x): x is Version => x !== undefined);
  const consumerVersionIds =
    named.length > 0 ? named.map((x) => x.id) : publications.slice(-20).map((p) => p.consumerVersionId);
  const ids = [v.providerVersionId, ...consumerVersionIds];
  const [versions, details] = await Promise.all([store.versionsByIds(ids), store.versionDetails(ids)]);
  const providerVersion = versions.get(v.providerVersionId);
  const content = parseContent(pv);
  const byId =
    typeof content === 'string'
      ? new Map<string, { description: string; position: number }>()
      : interactionsById(content);
  const pactHref = U.pactVersion(provider.name, consumer.name, pv.sha);

  const verifiedBy = isObj(v.verifiedBy)
    ? [v.verifiedBy.implementation, v.verifiedBy.version]
        .filter((x) => x !== undefined)
        .map(String)
        .join(' ')
    : '';
  const consumerList = consumerVersionIds
    .map((id) => versions.get(id))
    .filter((x): x is Version => x !== undefined)
    .reverse()
    .map(
      (cv) =>
        `<li><a href="${esc(U.pact(provider.name, consumer.name, cv.number))}">${versionCell(cv.number, branchesOf(details.get(cv.id)))}</a></li>`,
    )
    .join('');

  const results = Array.isArray(v.testResults) ? v.testResults.filter(isObj) : [];
  const resultRows = results.slice(0, 1_000).map((r) => {
    const id = typeof r.interactionId === 'string' ? r.interactionId : undefined;
    const known = id === undefined ? undefined : byId.get(id);
    const description = String(r.interactionDescription ?? r.description ?? known?.description ?? id ?? '');
    const pos = known?.position;
    const label =
      pos === undefined
        ? esc(description || '(unnamed)')
        : `<a href="${esc(`${pactHref}#interaction-${pos}`)}">${esc(description)}</a>`;
    const mismatches = Array.isArray(r.mismatches) ? r.mismatches : [];
    const list = mismatches
      .slice(0, 50)
      .map((m) => {
        if (!isObj(m)) return `<li>${esc(compact(m, 500))}</li>`;
        const where = [m.attribute ?? m.type, m.identifier ?? m.path]
          .filter((x) => x !== undefined && x !== null && x !== '')
          .map((x) => compact(x, 200));
        return `<li>${where.length === 0 ? '' : `<code>${esc(where.join(' '))}</code> `}${esc(compact(m.description ?? m.mismatch ?? m, 1_000))}</li>`;
      })
      .join('');
    const ok = r.success === true;
    return `<tr><th scope="row">${label}</th><td>${statusChip(ok ? 'ok' : r.success === false ? 'fail' : 'none', ok ? 'Passed' : r.success === false ? 'Failed' : 'Unknown')}</td><td>${list === '' ? '<span class="none">-</span>' : `<ul class="mismatches">${list}</ul>`}</td></tr>`;
  });
  const otherResults =
    !Array.isArray(v.testResults) && v.testResults !== null && v.testResults !== undefined
      ? `<pre>${esc(compact(v.testResults, 20_000))}</pre>`
      : '';

  const title = `Verification of ${consumer.name} by ${provider.name}`;
  const body = `<h1>Verification of the pact between ${esc(consumer.name)} and ${esc(provider.name)}</h1>
<div class="answer ${v.success ? 'ok' : 'fail'}" id="verification-result">${statusChip(v.success ? 'ok' : 'fail', v.success ? 'Verification passed' : 'Verification failed')} <span class="muted">result ${v.number} of this content</span></div>
<dl class="facts" id="verification-facts">
<dt>Provider version</dt><dd>${versionCell(providerVersion?.number ?? '?', branchesOf(details.get(v.providerVersionId)), environmentsOf(details.get(v.providerVersionId)))}</dd>
<dt>Verified</dt><dd>${timeAgo(v.createdAt, now)}</dd>
<dt>Build</dt><dd>${safeLink(v.buildUrl)}</dd>
<dt>Verified by</dt><dd>${verifiedBy === '' ? '<span class="none">-</span>' : esc(verifiedBy)}</dd>
<dt>Pending</dt><dd>${v.pending === null ? '<span class="none">not stated</span>' : v.pending ? 'yes: a failure did not fail the provider build' : 'no'}${v.wip ? ' · verified as a work-in-progress pact' : ''}</dd>
<dt>Consumer versions</dt><dd>${consumerList === '' ? '<span class="none">-</span>' : `<ul>${consumerList}</ul>`}</dd>
<dt>Links</dt><dd><a href="${esc(pactHref)}">The pact</a> · <a id="raw-json" href="${esc(L.verification(provider.name, consumer.name, pv.sha, v.number))}" type="application/json">Raw JSON</a> · <a href="${esc(U.matrix({ pacticipant: consumer.name, with: provider.name }))}">Matrix of this pair</a></dd>
</dl>
<h2 id="test-results">Interactions</h2>
${resultRows.length === 0 ? (otherResults === '' ? '<p class="none">The verifier sent no per-interaction results.</p>' : otherResults) : `<table id="test-results-table"><caption>${results.length} interaction result${results.length === 1 ? '' : 's'}${results.length > 1_000 ? ' (the first 1,000 shown)' : ''}.</caption><thead><tr><th scope="col">Interaction</th><th scope="col">Result</th><th scope="col">Mismatches</th></tr></thead><tbody>${resultRows.join('\n')}</tbody></table>`}`;
  return page(title, body, L, { now });
}
