// The matrix page of one pacticipant (/ui/pacticipants/{name}/matrix): every consumer/provider version pair.
import type { Links } from '../http';
import { Matrix } from '../matrix';
import type { BrokerReads } from '../store/types';
import { esc, page, resultCell } from './layout';

/** The page, or undefined when there is no such pacticipant. */
export async function matrixPage(store: BrokerReads, L: Links, name: string): Promise<string | undefined> {
  const p = await store.pacticipant(name);
  if (p === undefined) return undefined;
  const body = await new Matrix(store, L).compute([{ pacticipant: p.name }], [], { latest: false, mainBranch: false, limit: 200 });
  const rows = (body.matrix as Record<string, unknown>[]).map((row) => {
    const c = row.consumer as { name: string; version: { number: string; branch: string | null } };
    const pr = row.provider as { name: string; version: { number: string } | null };
    const v = row.verificationResult as { success: boolean; verifiedAt: string } | null;
    return `<tr><td>${esc(c.name)}</td><td>${esc(c.version.number)}${c.version.branch === null ? '' : ` <span class="muted">(${esc(c.version.branch)})</span>`}</td><td>${esc(pr.name)}</td><td>${pr.version === null ? '<span class="none">-</span>' : esc(pr.version.number)}</td><td class="result">${resultCell(v?.success)}</td><td class="muted">${esc(v?.verifiedAt ?? '')}</td></tr>`;
  });
  const main = p.mainBranch === null ? '' : ` <span class="muted">main branch: ${esc(p.mainBranch)}</span>`;
  return page(
    `Matrix for ${p.name}`,
    `<h1>Matrix for ${esc(p.name)}${main}</h1>
<table id="matrix"><thead><tr><th>Consumer</th><th>Consumer version</th><th>Provider</th><th>Provider version</th><th>Result</th><th>Verified at</th></tr></thead>
<tbody>${rows.length === 0 ? '<tr><td colspan="6" class="none">No pacts or verifications involve this pacticipant yet.</td></tr>' : rows.join('\n')}</tbody></table>`,
  );
}
