// The page at / for browsers: every integration with its latest pact, latest verification and result.
import { seg, type Links } from '../http';
import { memoReads } from '../store/memo';
import type { BrokerReads } from '../store/types';
import { esc, page, resultCell } from './layout';

export async function indexPage(reads: BrokerReads, L: Links): Promise<string> {
  const store = memoReads(reads);
  const rows = await Promise.all(
    (await store.integrations()).map(async (i) => {
      const [c, p, cv, verif] = await Promise.all([
        store.pacticipantById(i.consumerId),
        store.pacticipantById(i.providerId),
        store.versionById(i.latest.consumerVersionId),
        store.latestVerificationOfPactVersion(i.latest.pactVersionId),
      ]);
      const provVersion = verif === undefined ? undefined : await store.versionById(verif.providerVersionId);
      const branches = (await store.branchesOfVersion(cv.id)).map((b) => b.name).join(', ');
      return `<tr data-consumer="${esc(c.name)}" data-provider="${esc(p.name)}">
<td><a href="${esc(L.url(`/ui/pacticipants/${seg(c.name)}/matrix`))}">${esc(c.name)}</a></td>
<td><a href="${esc(L.url(`/ui/pacticipants/${seg(p.name)}/matrix`))}">${esc(p.name)}</a></td>
<td class="pact"><a href="${esc(L.pactByVersion(p.name, c.name, cv.number))}">${esc(cv.number)}</a>${branches === '' ? '' : ` <span class="muted">(${esc(branches)})</span>`}<div class="muted">${esc(i.latest.createdAt)}</div></td>
<td class="verified-by">${provVersion === undefined ? '<span class="none">-</span>' : esc(provVersion.number)}${verif === undefined ? '' : `<div class="muted">${esc(verif.createdAt)}</div>`}</td>
<td class="result">${resultCell(verif?.success)}</td>
<td class="badge"><img alt="pact status badge" height="20" src="${esc(L.url(`/pacts/provider/${seg(p.name)}/consumer/${seg(c.name)}/latest/badge`))}"></td>
</tr>`;
    }),
  );
  const pacticipants = (await store.pacticipants()).map((p) => `<li><a href="${esc(L.url(`/ui/pacticipants/${seg(p.name)}/matrix`))}">${esc(p.name)}</a></li>`).join('');
  return page(
    'Pacts',
    `<h1>Integrations</h1>
<table id="integrations"><thead><tr><th>Consumer</th><th>Provider</th><th>Latest pact (consumer version)</th><th>Latest verification (provider version)</th><th>Result</th><th>Badge (for READMEs)</th></tr></thead>
<tbody>${rows.length === 0 ? '<tr><td colspan="6" class="none">No pacts have been published yet. Publish with <code>npx cxpact publish --broker-url &lt;this broker&gt;</code> (or <code>npm run pact:publish</code> in a repository with the cxpact layout).</td></tr>' : rows.join('\n')}</tbody></table>
<h2>Pacticipants</h2><ul id="pacticipants">${pacticipants}</ul>
<p class="muted">API: send <code>Accept: application/hal+json</code> to <code>${esc(L.base)}/</code>.</p>`,
  );
}
