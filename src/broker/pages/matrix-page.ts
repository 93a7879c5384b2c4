// The matrix page (/ui/matrix): the consumer/provider version pairs of one pacticipant with their verification
// results, narrowed by a form (query parameters: its versions on a branch and/or in an environment, against one
// other pacticipant on a branch and/or in an environment), and a can-i-deploy question answered by the same code
// as GET /matrix (matrix.ts) so the page and the CLI never disagree.
import type { Links } from '../http';
import { HttpError } from '../http';
import { Matrix } from '../matrix';
import type {
  BrokerReads,
  Environment,
  Pacticipant,
  PactPublication,
  Verification,
  Version,
  VersionDetails,
} from '../store/types';
import { esc, page, resultCell, statusChip, timeAgo, versionCell } from './layout';
import { pageUrls, type MatrixFilters } from './urls';

export const MATRIX_DEFAULT_VERSIONS = 20;
export const MATRIX_MAX_VERSIONS = 100;
const MAX_ROWS = 500;
/** Consumer versions shown per verified pact content when the pacticipant is the provider. */
const CONSUMER_VERSIONS_PER_CONTENT = 10;

interface MatrixRow {
  consumerId: number;
  consumerVersionId: number;
  providerId: number;
  providerVersionId: number | undefined;
  publication: PactPublication;
  verification: Verification | undefined;
  /** The version of the page's pacticipant this row is about (ordering). */
  mine: number;
}

/** Reads the filters from a query string (blank values are absent; limit bounded). */
export function matrixFilters(q: URLSearchParams): MatrixFilters {
  const get = (k: string): string | undefined => {
    const v = q.get(k)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const limit = Number(get('limit') ?? MATRIX_DEFAULT_VERSIONS);
  return {
    pacticipant: get('pacticipant'),
    branch: get('branch'),
    environment: get('environment'),
    with: get('with'),
    withBranch: get('withBranch'),
    withEnvironment: get('withEnvironment'),
    limit: Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MATRIX_MAX_VERSIONS) : MATRIX_DEFAULT_VERSIONS,
    version: get('version'),
    to: get('to'),
  };
}

const option = (value: string, label: string, selected: boolean): string =>
  `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;

/** The versions of `p` the filters select, newest first. */
async function selectedVersions(
  store: BrokerReads,
  p: Pacticipant,
  f: MatrixFilters,
  env: Environment | undefined,
): Promise<Version[]> {
  const limit = f.limit ?? MATRIX_DEFAULT_VERSIONS;
  if (f.branch !== undefined && env !== undefined) {
    const inEnv = new Set((await store.versionsInEnvironment(env.id, p.id)).map((v) => v.id));
    return (await store.versionsOnBranch(p.id, f.branch)).filter((v) => inEnv.has(v.id)).slice(0, limit);
  }
  if (f.branch !== undefined) return (await store.versionsOnBranch(p.id, f.branch)).slice(0, limit);
  if (env !== undefined) return (await store.versionsInEnvironment(env.id, p.id)).slice(0, limit);
  return store.versions(p.id, limit);
}

async function rowsOf(
  store: BrokerReads,
  p: Pacticipant,
  versions: Version[],
  other: Pacticipant | undefined,
): Promise<MatrixRow[]> {
  const perVersion = await Promise.all(
    versions.map(async (v) => {
      const rows: MatrixRow[] = [];
      const [pubs, asProvider] = await Promise.all([
        store.publicationsOfVersion(v.id),
        store.verificationsByProviderVersion(v.id),
      ]);
      // As the consumer: every provider it has a pact with, each provider version that verified the content.
      await Promise.all(
        pubs
          .filter((pub) => other === undefined || pub.providerId === other.id)
          .map(async (pub) => {
            const verifs = await store.latestVerificationsPerProviderVersion(pub.pactVersionId);
            if (verifs.length === 0)
              rows.push({
                consumerId: p.id,
                consumerVersionId: v.id,
                providerId: pub.providerId,
                providerVersionId: undefined,
                publication: pub,
                verification: undefined,
                mine: v.id,
              });
            for (const ver of verifs)
              rows.push({
                consumerId: p.id,
                consumerVersionId: v.id,
                providerId: pub.providerId,
                providerVersionId: ver.providerVersionId,
                publication: pub,
                verification: ver,
                mine: v.id,
              });
          }),
      );
      // As the provider: the consumer versions whose content this version verified.
      await Promise.all(
        asProvider
          .filter((ver) => other === undefined || ver.consumerId === other.id)
          .map(async (ver) => {
            const pubs2 = (await store.publicationsOfPactVersion(ver.pactVersionId)).slice(
              -CONSUMER_VERSIONS_PER_CONTENT,
            );
            for (const pub of pubs2)
              rows.push({
                consumerId: ver.consumerId,
                consumerVersionId: pub.consumerVersionId,
                providerId: p.id,
                providerVersionId: v.id,
                publication: pub,
                verification: ver,
                mine: v.id,
              });
          }),
      );
      return rows;
    }),
  );
  return perVersion.flat();
}

async function canIDeploy(store: BrokerReads, L: Links, p: Pacticipant, version: string, to: string): Promise<string> {
  let body: Record<string, unknown>;
  try {
    body = await new Matrix(store, L).query(
      new URLSearchParams([
        ['q[][pacticipant]', p.name],
        ['q[][version]', version],
        ['latestby', 'cvp'],
        ['environment', to],
      ]),
    );
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const errors = (error.body as { errors?: unknown }).errors;
    return `<div class="answer fail" id="can-i-deploy-answer" role="status">${statusChip('fail', 'Cannot answer')} ${esc(Array.isArray(errors) ? errors.join(' ') : JSON.stringify(errors))}</div>`;
  }
  const summary = body.summary as { deployable: boolean | null; success: number; failed: number; unknown: number };
  const notices = (body.notices as { type: string; text: string }[]) ?? [];
  const [kind, word] =
    summary.deployable === true
      ? (['ok', 'Yes'] as const)
      : summary.deployable === false
        ? (['fail', 'No'] as const)
        : (['warn', 'Not yet known'] as const);
  const list = notices
    .filter((n) => n.type !== 'warning' || !n.text.startsWith('WARN: It is recommended'))
    .map((n) => `<li class="${esc(n.type)}">${esc(n.text)}</li>`);
  return `<div class="answer ${kind}" id="can-i-deploy-answer" role="status">${statusChip(kind, word)} <strong>Can ${esc(p.name)} ${esc(version)} be deployed to ${esc(to)}?</strong> <span class="muted">${summary.success} verified, ${summary.failed} failed, ${summary.unknown} unknown</span>${list.length === 0 ? '' : `<ul>${list.join('')}</ul>`}<p class="muted">The same answer as <code>cxpact can-i-deploy --pacticipant ${esc(p.name)} --version ${esc(version)} --to-environment ${esc(to)}</code>.</p></div>`;
}

export async function matrixPage(store: BrokerReads, L: Links, f: MatrixFilters, now = new Date()): Promise<string> {
  const U = pageUrls(L);
  const [pacticipants, environments] = await Promise.all([store.pacticipants(), store.environments()]);
  const byName = new Map(pacticipants.map((p) => [p.name, p]));
  const byId = new Map(pacticipants.map((p) => [p.id, p]));
  const envByName = new Map(environments.map((e) => [e.name, e]));
  const p = f.pacticipant === undefined ? undefined : byName.get(f.pacticipant);
  const other = f.with === undefined ? undefined : byName.get(f.with);
  const problems: string[] = [];
  if (f.pacticipant !== undefined && p === undefined)
    problems.push(`There is no pacticipant named “${f.pacticipant}”.`);
  if (f.with !== undefined && other === undefined) problems.push(`There is no pacticipant named “${f.with}”.`);
  for (const e of [f.environment, f.withEnvironment, f.to])
    if (e !== undefined && !envByName.has(e)) problems.push(`There is no environment named “${e}”.`);
  const branches = p === undefined ? [] : (await store.branches(p.id)).slice(0, 500);
  const otherBranches = other === undefined ? [] : (await store.branches(other.id)).slice(0, 500);

  const envOptions = (selected: string | undefined, any: string): string =>
    option('', any, selected === undefined) +
    environments
      .map((e) => option(e.name, `${e.displayName}${e.production ? ' (production)' : ''}`, e.name === selected))
      .join('');
  const pacticipantOptions = (selected: string | undefined, any: string): string =>
    option('', any, selected === undefined) +
    pacticipants.map((x) => option(x.name, x.name, x.name === selected)).join('');
  const datalist = (id: string, list: { name: string }[]): string =>
    `<datalist id="${id}">${list.map((b) => `<option value="${esc(b.name)}"></option>`).join('')}</datalist>`;

  const form = `<form class="filters" method="get" action="${esc(L.url('/ui/matrix'))}" aria-label="Matrix filters">
<fieldset><legend>Versions of</legend>
<label for="f-pacticipant">Pacticipant<select id="f-pacticipant" name="pacticipant">${pacticipantOptions(f.pacticipant, 'choose…')}</select></label>
<label for="f-branch">On branch<input id="f-branch" name="branch" list="branches-mine" value="${esc(f.branch ?? '')}" placeholder="any branch"></label>${datalist('branches-mine', branches)}
<label for="f-environment">In environment<select id="f-environment" name="environment">${envOptions(f.environment, 'any (or none)')}</select></label>
<label for="f-limit">Newest versions<input id="f-limit" name="limit" type="number" min="1" max="${MATRIX_MAX_VERSIONS}" value="${esc(f.limit ?? MATRIX_DEFAULT_VERSIONS)}"></label>
</fieldset>
<fieldset><legend>Against</legend>
<label for="f-with">Pacticipant<select id="f-with" name="with">${pacticipantOptions(f.with, 'all it integrates with')}</select></label>
<label for="f-with-branch">On branch<input id="f-with-branch" name="withBranch" list="branches-other" value="${esc(f.withBranch ?? '')}" placeholder="any branch"></label>${datalist('branches-other', otherBranches)}
<label for="f-with-environment">In environment<select id="f-with-environment" name="withEnvironment">${envOptions(f.withEnvironment, 'any (or none)')}</select></label>
</fieldset>
<button type="submit">Show matrix</button>
</form>`;

  let answer = '';
  if (p !== undefined) {
    const cid = `<form class="filters" method="get" action="${esc(L.url('/ui/matrix'))}" aria-label="Can I deploy">
${(['pacticipant', 'branch', 'environment', 'with', 'withBranch', 'withEnvironment'] as const).map((k) => (f[k] === undefined ? '' : `<input type="hidden" name="${k}" value="${esc(f[k])}">`)).join('')}
<fieldset><legend>A version of ${esc(p.name)} and where it would go</legend>
<label for="f-version">Version<input id="f-version" name="version" value="${esc(f.version ?? '')}" placeholder="e.g. 1.4.2" required></label>
<label for="f-to">To environment<select id="f-to" name="to" required>${environments.map((e) => option(e.name, e.displayName, e.name === f.to)).join('')}</select></label>
</fieldset><button type="submit">Ask</button></form>`;
    answer =
      environments.length === 0
        ? ''
        : `<h2 id="can-i-deploy">Can I deploy?</h2>${cid}${f.version !== undefined && f.to !== undefined && envByName.has(f.to) ? await canIDeploy(store, L, p, f.version, f.to) : ''}`;
  }

  let table = '';
  if (p === undefined) {
    table = problems.length > 0 ? '' : '<p class="none">Choose a pacticipant to see its matrix.</p>';
  } else if (problems.length === 0) {
    const env = f.environment === undefined ? undefined : envByName.get(f.environment);
    const versions = await selectedVersions(store, p, f, env);
    let rows = await rowsOf(store, p, versions, other);
    const ids = rows.flatMap((r) =>
      r.providerVersionId === undefined ? [r.consumerVersionId] : [r.consumerVersionId, r.providerVersionId],
    );
    const [vers, details, shas] = await Promise.all([
      store.versionsByIds(ids),
      store.versionDetails(ids),
      store.pactVersionShas(rows.map((r) => r.publication.pactVersionId)),
    ]);
    // The counterpart's branch / environment (the provider side when the pacticipant is the consumer, and back).
    if (f.withBranch !== undefined || f.withEnvironment !== undefined) {
      rows = rows.filter((r) => {
        const id = r.consumerId === p.id && r.consumerVersionId === r.mine ? r.providerVersionId : r.consumerVersionId;
        const d = id === undefined ? undefined : details.get(id);
        if (d === undefined) return false;
        return (
          (f.withBranch === undefined || d.branches.some((b) => b.name === f.withBranch)) &&
          (f.withEnvironment === undefined || d.environments.some((e) => e.environment.name === f.withEnvironment))
        );
      });
    }
    rows.sort(
      (a, b) =>
        b.mine - a.mine ||
        b.consumerVersionId - a.consumerVersionId ||
        (b.providerVersionId ?? 0) - (a.providerVersionId ?? 0),
    );
    const cut = rows.length > MAX_ROWS;
    rows = rows.slice(0, MAX_ROWS);
    const places = (d: VersionDetails | undefined): { name: string; production: boolean; kind: string }[] =>
      d?.environments.map((e) => ({ name: e.environment.name, production: e.environment.production, kind: e.kind })) ??
      [];
    const cell = (id: number | undefined): string => {
      if (id === undefined) return '<span class="none">not verified by any version</span>';
      const d = details.get(id);
      return versionCell(vers.get(id)?.number ?? '?', d?.branches.map((b) => b.name) ?? [], places(d));
    };
    const name = (x: Pacticipant): string =>
      x.id === p.id ? esc(x.name) : `<a href="${esc(U.matrix({ pacticipant: x.name }))}">${esc(x.name)}</a>`;
    const html = rows.map((r) => {
      const c = byId.get(r.consumerId)!;
      const pr = byId.get(r.providerId)!;
      const sha = shas.get(r.publication.pactVersionId) ?? '';
      const cvNumber = vers.get(r.consumerVersionId)?.number ?? '?';
      return `<tr data-consumer="${esc(c.name)}" data-provider="${esc(pr.name)}"><td>${name(c)}</td><td>${cell(r.consumerVersionId)}</td><td>${name(pr)}</td><td>${cell(r.providerVersionId)}</td><td><a href="${esc(U.pact(pr.name, c.name, cvNumber))}">pact</a> <span class="sub">${timeAgo(r.publication.createdAt, now)}</span></td><td class="result">${resultCell(r.verification?.success, r.verification === undefined ? undefined : U.verification(pr.name, c.name, sha, r.verification.number))}</td><td>${timeAgo(r.verification?.createdAt, now)}</td></tr>`;
    });
    const what = [
      versions.length === 1 ? `The newest version of ${p.name}` : `The newest ${versions.length} versions of ${p.name}`,
      f.branch === undefined ? '' : ` on branch ${f.branch}`,
      f.environment === undefined ? '' : ` in ${f.environment}`,
      other === undefined ? '' : ` against ${other.name}`,
      f.withBranch === undefined ? '' : ` on branch ${f.withBranch}`,
      f.withEnvironment === undefined ? '' : ` in ${f.withEnvironment}`,
    ].join('');
    table = `<table id="matrix"><caption>${esc(what)}: ${rows.length} row${rows.length === 1 ? '' : 's'}${cut ? ` (the first ${MAX_ROWS})` : ''}, newest first.</caption>
<thead><tr><th scope="col">Consumer</th><th scope="col">Consumer version</th><th scope="col">Provider</th><th scope="col">Provider version</th><th scope="col">Pact</th><th scope="col">Verification</th><th scope="col">Verified</th></tr></thead>
<tbody>${html.length === 0 ? `<tr><td colspan="7" class="none">${versions.length === 0 ? 'No version of this pacticipant matches these filters.' : 'No pacts or verifications involve these versions (with these filters).'}</td></tr>` : html.join('\n')}</tbody></table>`;
  }

  const main =
    p?.mainBranch === null || p === undefined ? '' : ` <span class="muted">main branch: ${esc(p.mainBranch)}</span>`;
  const body = `<h1>${p === undefined ? 'Matrix' : `Matrix for ${esc(p.name)}${main}`}</h1>
${form}
${problems.map((x) => `<p class="note" role="alert">${esc(x)}</p>`).join('')}
${table}
${answer}`;
  return page(p === undefined ? 'Matrix' : `Matrix for ${p.name}`, body, L, { current: 'matrix', now });
}
