// Tagging a version, with the Pact Broker's use_first_tag_as_branch: a version's first tag also puts it on the
// branch of that name when the version has no branch yet and was created moments ago (by default within 10
// seconds, use_first_tag_as_branch_time_limit), so clients that only tag (older CLIs, `providerVersionTags`
// without a branch) still get branch semantics. lib/pact_broker/versions/service.rb maybe_set_version_branch_from_tag,
// called from lib/pact_broker/tags/service.rb before the tag is created.
import type { BrokerAppOptions } from './context';
import type { BrokerTx, Pacticipant, Tag, Version } from './store/types';

export const DEFAULT_FIRST_TAG_AS_BRANCH_SECONDS = 10;

/**
 * `unlabelled`: whether the version has no tag and no branch, when the caller knows (a version it created in this
 * transaction and has not labelled yet); otherwise they are looked up.
 */
export async function tagVersion(
  t: BrokerTx,
  opts: BrokerAppOptions,
  p: Pacticipant,
  v: Version,
  tag: string,
  known: { unlabelled?: boolean } = {},
): Promise<{ tag: Tag; created: boolean }> {
  if (opts.useFirstTagAsBranch !== false) {
    const limitMs = (opts.firstTagAsBranchTimeLimitSeconds ?? DEFAULT_FIRST_TAG_AS_BRANCH_SECONDS) * 1000;
    if (
      Date.now() - Date.parse(v.createdAt) <= limitMs &&
      (known.unlabelled ??
        ((await t.tagsOfVersion(v.id)).length === 0 && (await t.branchesOfVersion(v.id)).length === 0))
    ) {
      await t.addVersionToBranch(p, v.id, tag);
    }
  }
  return t.addTag(p.id, v.id, tag);
}
