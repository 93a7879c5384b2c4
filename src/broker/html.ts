// Server-rendered HTML pages (no build step): the integrations index and a matrix page per pacticipant.
import { html, Links, seg, type BrokerRequest, type BrokerResponse } from './http';
import { Matrix } from './matrix';
import type { Store } from './store';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #dde2ea;padding:.45rem .6rem;text-align:left;font-size:.92rem;vertical-align:top}
th{background:#f3f5f9}.ok{color:#0a7a2f;font-weight:600}.fail{color:#b3261e;font-weight:600}.none{color:#7a7f8a}
a{color:#1f5bd8;text-decoration:none}a:hover{text-decoration:underline}.muted{color:#7a7f8a;font-size:.85rem}
code{background:#f3f5f9;padding:0 .25rem;border-radius:3px}
</style></head><body>
<header><a href="/">cxpact broker</a></header>
${body}
</body></html>`;
}

function resultCell(success: boolean | undefined): string {
  if (success === undefined) return '<span class="none" data-result="none">not verified</span>';
  return success ? '<span class="ok" data-result="success">✔ passed</span>' : '<span class="fail" data-result="failure">✘ failed</span>';
}

function indexPage(store: Store, L: Links): string {
  const rows = store.integrations().map((i) => {
    const c = store.pacticipantById(i.consumerId);
    const p = store.pacticipantById(i.providerId);
    const cv = store.versionById(i.latest.consumerVersionId);
    const pv = store.pactVersionById(i.latest.pactVersionId);
    const verif = store.latestVerificationOfPactVersion(pv.id);
    const provVersion = verif === undefined ? undefined : store.versionById(verif.providerVersionId);
    const branches = store.branchesOfVersion(cv.id).map((b) => b.name).join(', ');
    return `<tr data-consumer="${esc(c.name)}" data-provider="${esc(p.name)}">
<td><a href="${esc(L.url(`/ui/pacticipants/${seg(c.name)}/matrix`))}">${esc(c.name)}</a></td>
<td><a href="${esc(L.url(`/ui/pacticipants/${seg(p.name)}/matrix`))}">${esc(p.name)}</a></td>
<td class="pact"><a href="${esc(L.pactByVersion(p.name, c.name, cv.number))}">${esc(cv.number)}</a>${branches === '' ? '' : ` <span class="muted">(${esc(branches)})</span>`}<div class="muted">${esc(i.latest.createdAt)}</div></td>
<td class="verified-by">${provVersion === undefined ? '<span class="none">-</span>' : esc(provVersion.number)}${verif === undefined ? '' : `<div class="muted">${esc(verif.createdAt)}</div>`}</td>
<td class="result">${resultCell(verif?.success)}</td>
<td class="badge"><img alt="pact status badge" height="20" src="${esc(L.url(`/pacts/provider/${seg(p.name)}/consumer/${seg(c.name)}/latest/badge`))}"></td>
</tr>`;
  });
  const pacticipants = store
    .pacticipants()
    .map((p) => `<li><a href="${esc(L.url(`/ui/pacticipants/${seg(p.name)}/matrix`))}">${esc(p.name)}</a></li>`)
    .join('');
  return page(
    'Pacts',
    `<h1>Integrations</h1>
<table id="integrations"><thead><tr><th>Consumer</th><th>Provider</th><th>Latest pact (consumer version)</th><th>Latest verification (provider version)</th><th>Result</th><th>Badge (for READMEs)</th></tr></thead>
<tbody>${rows.length === 0 ? '<tr><td colspan="6" class="none">No pacts have been published yet. Publish with <code>npx cxpact publish --broker-url &lt;this broker&gt;</code> (or <code>npm run pact:publish</code> in a repository with the cxpact layout).</td></tr>' : rows.join('\n')}</tbody></table>
<h2>Pacticipants</h2><ul id="pacticipants">${pacticipants}</ul>
<p class="muted">API: send <code>Accept: application/hal+json</code> to <code>${esc(L.base)}/</code>.</p>`,
  );
}

function matrixPage(store: Store, L: Links, name: string): BrokerResponse {
  const p = store.pacticipant(name);
  if (p === undefined) return html(404, page('Not found', `<h1>No pacticipant named ${esc(name)}</h1>`));
  const body = new Matrix(store, L).compute([{ pacticipant: p.name }], [], { latest: false, mainBranch: false, limit: 200 });
  const rows = (body.matrix as Record<string, unknown>[]).map((row) => {
    const c = row.consumer as { name: string; version: { number: string; branch: string | null } };
    const pr = row.provider as { name: string; version: { number: string } | null };
    const v = row.verificationResult as { success: boolean; verifiedAt: string } | null;
    return `<tr><td>${esc(c.name)}</td><td>${esc(c.version.number)}${c.version.branch === null ? '' : ` <span class="muted">(${esc(c.version.branch)})</span>`}</td><td>${esc(pr.name)}</td><td>${pr.version === null ? '<span class="none">-</span>' : esc(pr.version.number)}</td><td class="result">${resultCell(v?.success)}</td><td class="muted">${esc(v?.verifiedAt ?? '')}</td></tr>`;
  });
  const main = p.mainBranch === null ? '' : ` <span class="muted">main branch: ${esc(p.mainBranch)}</span>`;
  return html(
    200,
    page(
      `Matrix for ${p.name}`,
      `<h1>Matrix for ${esc(p.name)}${main}</h1>
<table id="matrix"><thead><tr><th>Consumer</th><th>Consumer version</th><th>Provider</th><th>Provider version</th><th>Result</th><th>Verified at</th></tr></thead>
<tbody>${rows.length === 0 ? '<tr><td colspan="6" class="none">No pacts or verifications involve this pacticipant yet.</td></tr>' : rows.join('\n')}</tbody></table>`,
    ),
  );
}

/** Returns an HTML page for browser requests to known UI paths, else undefined (fall through to the API). */
export function renderHtml(store: Store, L: Links, req: BrokerRequest): BrokerResponse | undefined {
  if (req.path === '/' || req.path === '') return html(200, indexPage(store, L));
  const m = /^\/ui\/pacticipants\/([^/]+)\/matrix$/.exec(req.path);
  if (m !== null) {
    let name: string;
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      return html(400, page('Bad request', '<h1>Malformed pacticipant name</h1>'));
    }
    return matrixPage(store, L, name);
  }
  return undefined;
}
