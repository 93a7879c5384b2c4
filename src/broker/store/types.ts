// The broker's storage contract: the records and one async interface that both stores implement (SQLite via
// node:sqlite, the embedded default, and PostgreSQL via pg for several broker processes sharing one database).
// Reads are available on the store itself; writes only inside `store.tx(async (t) => ...)`, so every write is
// part of a transaction that either commits whole or not at all.

export interface Pacticipant {
  id: number;
  name: string;
  displayName: string | null;
  mainBranch: string | null;
  repositoryUrl: string | null;
  repositoryName: string | null;
  repositoryNamespace: string | null;
  createdAt: string;
  updatedAt: string;
}

export type PacticipantFields = Partial<
  Pick<Pacticipant, 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'>
>;

export interface Version {
  id: number;
  pacticipantId: number;
  number: string;
  buildUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Branch {
  id: number;
  pacticipantId: number;
  name: string;
  createdAt: string;
}

export interface Tag {
  versionId: number;
  name: string;
  createdAt: string;
}

/** A branch or tag of a version, with whether the version is its head (newest version on it). */
export interface VersionLabel {
  name: string;
  latest: boolean;
  createdAt: string;
}

export interface PactVersion {
  id: number;
  consumerId: number;
  providerId: number;
  sha: string;
  content: string;
  createdAt: string;
}

export interface PactPublication {
  id: number;
  consumerId: number;
  providerId: number;
  consumerVersionId: number;
  pactVersionId: number;
  revision: number;
  createdAt: string;
}

export interface Verification {
  id: number;
  pactVersionId: number;
  providerVersionId: number;
  providerId: number;
  consumerId: number;
  number: number;
  success: boolean;
  buildUrl: string | null;
  testResults: unknown;
  verifiedBy: unknown;
  wip: boolean;
  pending: boolean | null;
  consumerVersionNumbers: string[];
  createdAt: string;
}

export type NewVerification = Pick<
  Verification,
  'success' | 'buildUrl' | 'testResults' | 'verifiedBy' | 'wip' | 'pending' | 'consumerVersionNumbers'
> & {
  pactVersion: PactVersion;
  providerVersion: Version;
};

export interface Environment {
  id: number;
  uuid: string;
  name: string;
  displayName: string;
  production: boolean;
  contacts: unknown[];
  createdAt: string;
  updatedAt: string;
}

export interface EnvironmentFields {
  uuid?: string;
  name: string;
  displayName?: string | null;
  production: boolean;
  contacts?: unknown[];
}

export interface DeployedVersion {
  id: number;
  uuid: string;
  versionId: number;
  pacticipantId: number;
  environmentId: number;
  applicationInstance: string | null;
  createdAt: string;
  undeployedAt: string | null;
}

export interface ReleasedVersion {
  id: number;
  uuid: string;
  versionId: number;
  pacticipantId: number;
  environmentId: number;
  createdAt: string;
  supportEndedAt: string | null;
}

export interface WebhookSelector {
  name?: string;
  label?: string;
}

export interface WebhookRecord {
  id: number;
  uuid: string;
  description: string | null;
  consumer: WebhookSelector | null;
  provider: WebhookSelector | null;
  events: string[];
  request: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type WebhookFields = Omit<WebhookRecord, 'id' | 'uuid' | 'createdAt' | 'updatedAt'>;

export interface TriggeredWebhook {
  id: number;
  uuid: string;
  webhookUuid: string;
  eventName: string;
  status: string;
  context: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookExecution {
  id: number;
  triggeredWebhookId: number;
  attempt: number;
  success: boolean;
  logs: string;
  createdAt: string;
}

export interface Integration {
  consumerId: number;
  providerId: number;
  latest: PactPublication;
}

/** Where a version is on branches and tags and in environments (the matrix's version details). */
export interface VersionDetails {
  branches: VersionLabel[];
  tags: VersionLabel[];
  environments: { kind: 'deployed' | 'released'; environment: Environment }[];
}

/** A consumer's branch or tag head with its publication for one provider (WIP pacts): what the candidates need. */
export interface HeadPublication {
  kind: 'branch' | 'tag';
  name: string;
  publication: Pick<PactPublication, 'id' | 'consumerId' | 'providerId' | 'pactVersionId' | 'createdAt'>;
  version: Pick<Version, 'id' | 'pacticipantId' | 'number'>;
}

export type PublishOutcome = 'created' | 'same' | 'conflict' | 'overwritten';

export interface PublishResult {
  outcome: PublishOutcome;
  publication: PactPublication | undefined;
  /** The content now stored (undefined on conflict). */
  pactVersion: PactVersion | undefined;
  /** The content stored before (same / conflict / overwritten). */
  previous?: PactVersion;
}

/** Filters for "which pact versions did the provider verify successfully". */
export interface VerifiedFilter {
  providerBranchId?: number;
  providerTag?: string;
  before?: string;
  excludeWip?: boolean;
}

/** Row counts of the main tables (GET /metrics). */
export interface StoreCounts {
  pacticipants: number;
  versions: number;
  pactPublications: number;
  pactVersions: number;
  verifications: number;
  environments: number;
  deployedVersions: number;
  releasedVersions: number;
  webhooks: number;
  triggeredWebhooks: number;
}

/** Everything the broker reads. Outside a transaction each call sees the latest committed state. */
export interface BrokerReads {
  // pacticipants
  pacticipant(name: string): Promise<Pacticipant | undefined>;
  pacticipantById(id: number): Promise<Pacticipant>;
  pacticipants(): Promise<Pacticipant[]>;
  labels(pacticipantId: number): Promise<string[]>;
  // versions
  version(pacticipantId: number, number: string): Promise<Version | undefined>;
  versionById(id: number): Promise<Version>;
  latestVersion(pacticipantId: number): Promise<Version | undefined>;
  latestVersionWithTag(pacticipantId: number, tag: string): Promise<Version | undefined>;
  versionsWithTag(pacticipantId: number, tag: string): Promise<Version[]>;
  /** Newest first. */
  versions(pacticipantId: number, limit?: number, offset?: number): Promise<Version[]>;
  countVersions(pacticipantId: number): Promise<number>;
  // branches and tags
  branch(pacticipantId: number, name: string): Promise<Branch | undefined>;
  branches(pacticipantId: number): Promise<Branch[]>;
  /** Every version on the branch, newest first. */
  versionsOnBranch(pacticipantId: number, branchName: string): Promise<Version[]>;
  branchHead(pacticipantId: number, branchName: string): Promise<Version | undefined>;
  branchesOfVersion(versionId: number): Promise<VersionLabel[]>;
  tag(versionId: number, name: string): Promise<Tag | undefined>;
  tagsOfVersion(versionId: number): Promise<VersionLabel[]>;
  /** First time a tag was used by the pacticipant (pending inheritance). */
  tagFirstCreated(pacticipantId: number, tag: string): Promise<string | undefined>;
  // pacts
  pactVersionById(id: number): Promise<PactVersion>;
  pactVersionSha(id: number): Promise<string>;
  pactVersionBySha(consumerId: number, providerId: number, sha: string): Promise<PactVersion | undefined>;
  publication(consumerVersionId: number, providerId: number): Promise<PactPublication | undefined>;
  publicationsOfVersion(consumerVersionId: number): Promise<PactPublication[]>;
  latestPublication(consumerId: number, providerId: number): Promise<PactPublication | undefined>;
  latestUntaggedPublication(consumerId: number, providerId: number): Promise<PactPublication | undefined>;
  /** Newest first. */
  publicationsOfIntegration(consumerId: number, providerId: number, limit?: number): Promise<PactPublication[]>;
  /** Oldest consumer version first. */
  publicationsOfPactVersion(pactVersionId: number): Promise<PactPublication[]>;
  /** The pact version of the newest earlier publication of the pair whose consumer version has the tag. */
  previousPactVersionIdWithTag(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
    tag: string,
  ): Promise<number | undefined>;
  /** The pact version of the newest earlier publication of the pair whose consumer version has no tags. */
  previousUntaggedPactVersionId(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
  ): Promise<number | undefined>;
  /** The newest publication of the pair before the consumer version with other content than `pactVersionId` (pact diffs). */
  previousDistinctPublication(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
    pactVersionId: number,
  ): Promise<PactPublication | undefined>;
  /** The oldest publication of the pair after the consumer version (pact diffs: when the content changed). */
  nextPublication(consumerId: number, providerId: number, afterVersionId: number): Promise<PactPublication | undefined>;
  consumerIdsOf(providerId: number): Promise<number[]>;
  providerIdsOf(consumerId: number): Promise<number[]>;
  integrations(): Promise<Integration[]>;
  headPublications(consumerId: number, providerId: number, since: string): Promise<HeadPublication[]>;
  // verifications
  verificationById(id: number): Promise<Verification | undefined>;
  verificationByNumber(pactVersionId: number, number: number): Promise<Verification | undefined>;
  /** The latest verification of the pact version by each provider version, newest provider version first. */
  latestVerificationsPerProviderVersion(pactVersionId: number): Promise<Verification[]>;
  latestVerificationFor(pactVersionId: number, providerVersionId: number): Promise<Verification | undefined>;
  latestVerificationOfPactVersion(pactVersionId: number): Promise<Verification | undefined>;
  hasVerificationForIntegration(consumerId: number, providerId: number): Promise<boolean>;
  /** The latest verification per pact version where the version is the provider. */
  verificationsByProviderVersion(providerVersionId: number): Promise<Verification[]>;
  successfullyVerifiedPactVersionIds(providerId: number, filter?: VerifiedFilter): Promise<Set<number>>;
  // environments, deployments, releases
  environments(): Promise<Environment[]>;
  environment(uuid: string): Promise<Environment | undefined>;
  environmentByName(name: string): Promise<Environment | undefined>;
  environmentById(id: number): Promise<Environment>;
  deployedVersion(uuid: string): Promise<DeployedVersion | undefined>;
  /** Not undeployed, in the environment and/or of the pacticipant (each optional), oldest first. */
  currentlyDeployed(envId: number | undefined, pacticipantId?: number): Promise<DeployedVersion[]>;
  deploymentsOfVersion(versionId: number): Promise<DeployedVersion[]>;
  releasedVersion(uuid: string): Promise<ReleasedVersion | undefined>;
  currentlySupported(envId: number | undefined, pacticipantId?: number): Promise<ReleasedVersion[]>;
  releasesOfVersion(versionId: number): Promise<ReleasedVersion[]>;
  /** Where the version is now: current deployments (oldest first), then current releases. */
  environmentsOfVersion(versionId: number): Promise<{ kind: 'deployed' | 'released'; environment: Environment }[]>;
  /** Versions of the pacticipant currently deployed or supported in the environment, newest first, each once. */
  versionsInEnvironment(envId: number, pacticipantId: number): Promise<Version[]>;
  /** branchesOfVersion, tagsOfVersion and environmentsOfVersion of several versions at once (three queries). */
  versionDetails(versionIds: number[]): Promise<Map<number, VersionDetails>>;
  /** pactVersionSha of several pact versions at once. */
  pactVersionShas(ids: number[]): Promise<Map<number, string>>;
  /** versionById of several versions at once (one query); unknown ids are absent. */
  versionsByIds(ids: number[]): Promise<Map<number, Version>>;
  /** latestVerificationOfPactVersion of several pact versions at once (one query); unverified ones are absent. */
  latestVerificationsOfPactVersions(pactVersionIds: number[]): Promise<Map<number, Verification>>;
  // webhooks
  webhooks(): Promise<WebhookRecord[]>;
  webhook(uuid: string): Promise<WebhookRecord | undefined>;
  triggeredWebhook(uuid: string): Promise<TriggeredWebhook | undefined>;
  triggeredWebhooksOf(webhookUuid: string, limit?: number): Promise<TriggeredWebhook[]>;
  executions(triggeredId: number): Promise<WebhookExecution[]>;
  // metrics
  counts(): Promise<StoreCounts>;
}

/** Everything the broker writes; only inside a transaction. */
export interface BrokerWrites {
  createPacticipant(name: string, fields?: PacticipantFields): Promise<Pacticipant>;
  ensurePacticipant(name: string): Promise<Pacticipant>;
  /** ensurePacticipant() of several names, by name (one lookup for all). */
  ensurePacticipants(names: string[]): Promise<Map<string, Pacticipant>>;
  updatePacticipant(p: Pacticipant, fields: PacticipantFields): Promise<Pacticipant>;
  deletePacticipant(p: Pacticipant): Promise<void>;
  addLabel(pacticipantId: number, name: string): Promise<boolean>;
  deleteLabel(pacticipantId: number, name: string): Promise<boolean>;
  /** Creates the version if missing; updates buildUrl when given. `likelyNew`: try the insert first (publishing). */
  ensureVersion(
    pacticipantId: number,
    number: string,
    buildUrl?: string | null,
    opts?: { likelyNew?: boolean },
  ): Promise<{ version: Version; created: boolean }>;
  deleteVersion(v: Version): Promise<void>;
  /** Adds the version to the branch (creating the branch; auto-detecting the main branch). */
  addVersionToBranch(
    p: Pacticipant,
    versionId: number,
    branchName: string,
  ): Promise<{ branch: Branch; created: boolean }>;
  removeVersionFromBranch(branchId: number, versionId: number): Promise<boolean>;
  deleteBranch(b: Branch): Promise<void>;
  addTag(pacticipantId: number, versionId: number, name: string): Promise<{ tag: Tag; created: boolean }>;
  deleteTag(versionId: number, name: string): Promise<boolean>;
  /**
   * Stores a pact for (consumer version, provider). Identical content (same sha) is accepted; different content
   * for an existing publication is a conflict unless `allowOverwrite`. `versionCreated`: the version was created in
   * this transaction and has no pact for this provider yet (saves a lookup).
   */
  publishPact(
    consumer: Pacticipant,
    consumerVersion: Version,
    provider: Pacticipant,
    pact: Record<string, unknown>,
    allowOverwrite: boolean,
    opts?: { versionCreated?: boolean },
  ): Promise<PublishResult>;
  deletePublication(pub: PactPublication): Promise<void>;
  createVerification(fields: NewVerification): Promise<Verification>;
  createEnvironment(fields: EnvironmentFields): Promise<Environment>;
  updateEnvironment(env: Environment, fields: EnvironmentFields): Promise<Environment>;
  deleteEnvironment(env: Environment): Promise<void>;
  /** Records the version as deployed, ending the deployment it replaces (same environment and application instance). */
  recordDeployment(
    version: Version,
    env: Environment,
    applicationInstance: string | null,
  ): Promise<{ deployed: DeployedVersion; created: boolean }>;
  undeploy(d: DeployedVersion): Promise<DeployedVersion>;
  recordRelease(version: Version, env: Environment): Promise<{ released: ReleasedVersion; created: boolean }>;
  endSupport(rv: ReleasedVersion): Promise<ReleasedVersion>;
  saveWebhook(uuid: string, fields: WebhookFields): Promise<{ webhook: WebhookRecord; created: boolean }>;
  deleteWebhook(uuid: string): Promise<boolean>;
  createTriggeredWebhook(
    webhookUuid: string,
    eventName: string,
    context: Record<string, unknown>,
  ): Promise<TriggeredWebhook>;
  setTriggeredStatus(id: number, status: string): Promise<void>;
  addExecution(triggeredId: number, attempt: number, success: boolean, logs: string): Promise<void>;
}

/** The view inside a transaction: reads see the transaction's own writes. */
export interface BrokerTx extends BrokerReads, BrokerWrites {}

export type StoreKind = 'sqlite' | 'postgres';

export interface BrokerStore extends BrokerReads {
  readonly kind: StoreKind;
  /** Where the data lives, with any password removed (for logs). */
  readonly description: string;
  /**
   * Runs `fn` in one transaction that commits whole or not at all. SQLite runs one write transaction at a time;
   * PostgreSQL runs them concurrently (READ COMMITTED; the store's writes lock the rows that order them) and
   * retries the whole transaction after a deadlock or serialisation failure. `fn` may therefore run more than
   * once: it must not change state outside the transaction; return what the caller needs instead.
   */
  tx<T>(fn: (t: BrokerTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
