// The webhook events a pact publication causes (computed inside the publishing transaction, fired after it
// commits): contract_published, contract_content_changed (as the Pact Broker decides it) and
// contract_requiring_verification_published for each provider version that has not verified the content yet.
import type { BrokerTx, PactVersion, Pacticipant, Version } from './store/types';
import type { BrokerEvent } from './webhooks';

export async function publishEvents(
  t: BrokerTx,
  consumer: Pacticipant,
  provider: Pacticipant,
  version: Version,
  pv: PactVersion,
  outcome: string,
  buildUrl: string | null,
): Promise<BrokerEvent[]> {
  if ((await t.webhooks()).length === 0) return [];
  const events: BrokerEvent[] = [];
  const providerVersionForPublished = async (): Promise<Version | undefined> => {
    const verifs = await t.latestVerificationsPerProviderVersion(pv.id);
    if (verifs.length === 0) return undefined;
    if (provider.mainBranch !== null && (await t.branch(provider.id, provider.mainBranch)) !== undefined) {
      for (const v of verifs) {
        if ((await t.branchesOfVersion(v.providerVersionId)).some((x) => x.name === provider.mainBranch))
          return t.versionById(v.providerVersionId);
      }
    }
    return t.versionById(verifs[0]!.providerVersionId);
  };
  const base = {
    consumer,
    provider,
    pactVersion: pv,
    consumerVersion: version,
    buildUrl,
    providerVersion: await providerVersionForPublished(),
  };
  events.push({ ...base, name: 'contract_published' });
  if (outcome !== 'same') {
    // As the Pact Broker: compare with the previous pact for each of the version's tags, or with the previous
    // untagged pact when the version has no tags.
    const tags = (await t.tagsOfVersion(version.id)).map((x) => x.name);
    const comments: string[] = [];
    if (tags.length > 0) {
      for (const tag of tags) {
        const prev = await t.previousPactVersionIdWithTag(consumer.id, provider.id, version.id, tag);
        if (prev === undefined)
          comments.push(`first time any pact published for this consumer with consumer version tagged ${tag}`);
        else if (prev !== pv.id)
          comments.push(`pact content has changed since the last consumer version tagged with ${tag}`);
      }
    } else {
      const prev = await t.previousUntaggedPactVersionId(consumer.id, provider.id, version.id);
      if (prev === undefined) comments.push('first time untagged pact published');
      else if (prev !== pv.id) comments.push('pact content has changed since the last untagged version');
    }
    if (comments.length > 0) events.push({ ...base, name: 'contract_content_changed', comment: comments.join(', ') });
  }
  // Provider versions that need to verify this content: main branch head, deployed, released; unverified only.
  const required = new Map<number, { version: Version; descriptions: string[] }>();
  const need = async (v: Version | undefined, d: string): Promise<void> => {
    if (v === undefined) return;
    if ((await t.latestVerificationFor(pv.id, v.id)) !== undefined) return;
    const e = required.get(v.id) ?? { version: v, descriptions: [] };
    e.descriptions.push(d);
    required.set(v.id, e);
  };
  if (provider.mainBranch !== null)
    await need(await t.branchHead(provider.id, provider.mainBranch), 'latest from main branch');
  for (const d of await t.currentlyDeployed(undefined, provider.id))
    await need(await t.versionById(d.versionId), `deployed in ${(await t.environmentById(d.environmentId)).name}`);
  for (const r of await t.currentlySupported(undefined, provider.id))
    await need(await t.versionById(r.versionId), `released in ${(await t.environmentById(r.environmentId)).name}`);
  for (const r of required.values()) {
    events.push({
      ...base,
      name: 'contract_requiring_verification_published',
      providerVersion: r.version,
      providerVersionDescriptions: r.descriptions,
    });
  }
  return events;
}
