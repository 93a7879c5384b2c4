// The broker's data store over SQLite: pacticipants, versions, branches, tags, pacts, verifications,
// environments, deployments, releases and webhooks. Pure data operations; HAL rendering lives in the app.
import crypto from 'node:crypto';
import { Db, type Row } from './db';
import { contentSha, withInteractionIds } from './pact-content';

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

export interface WebhookRecord {
  id: number;
  uuid: string;
  description: string | null;
  consumer: { name?: string; label?: string } | null;
  provider: { name?: string; label?: string } | null;
  events: string[];
  request: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

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

const now = (): string => new Date().toISOString();
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const parseJson = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};

const toPacticipant = (r: Row): Pacticipant => ({
  id: Number(r.id),
  name: String(r.name),
  displayName: str(r.display_name),
  mainBranch: str(r.main_branch),
  repositoryUrl: str(r.repository_url),
  repositoryName: str(r.repository_name),
  repositoryNamespace: str(r.repository_namespace),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});
const toVersion = (r: Row): Version => ({
  id: Number(r.id),
  pacticipantId: Number(r.pacticipant_id),
  number: String(r.number),
  buildUrl: str(r.build_url),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});
const toBranch = (r: Row): Branch => ({ id: Number(r.id), pacticipantId: Number(r.pacticipant_id), name: String(r.name), createdAt: String(r.created_at) });
const toPactVersion = (r: Row): PactVersion => ({
  id: Number(r.id),
  consumerId: Number(r.consumer_id),
  providerId: Number(r.provider_id),
  sha: String(r.sha),
  content: String(r.content),
  createdAt: String(r.created_at),
});
const toPublication = (r: Row): PactPublication => ({
  id: Number(r.id),
  consumerId: Number(r.consumer_id),
  providerId: Number(r.provider_id),
  consumerVersionId: Number(r.consumer_version_id),
  pactVersionId: Number(r.pact_version_id),
  revision: Number(r.revision),
  createdAt: String(r.created_at),
});
const toVerification = (r: Row): Verification => ({
  id: Number(r.id),
  pactVersionId: Number(r.pact_version_id),
  providerVersionId: Number(r.provider_version_id),
  providerId: Number(r.provider_id),
  consumerId: Number(r.consumer_id),
  number: Number(r.number),
  success: Number(r.success) === 1,
  buildUrl: str(r.build_url),
  testResults: parseJson(r.test_results, null),
  verifiedBy: parseJson(r.verified_by, null),
  wip: Number(r.wip) === 1,
  pending: r.pending === null || r.pending === undefined ? null : Number(r.pending) === 1,
  consumerVersionNumbers: parseJson<string[]>(r.consumer_version_numbers, []),
  createdAt: String(r.created_at),
});
const toEnvironment = (r: Row): Environment => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  name: String(r.name),
  displayName: String(r.display_name),
  production: Number(r.production) === 1,
  contacts: parseJson<unknown[]>(r.contacts, []),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});
const toDeployed = (r: Row): DeployedVersion => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  versionId: Number(r.version_id),
  pacticipantId: Number(r.pacticipant_id),
  environmentId: Number(r.environment_id),
  applicationInstance: str(r.application_instance),
  createdAt: String(r.created_at),
  undeployedAt: str(r.undeployed_at),
});
const toReleased = (r: Row): ReleasedVersion => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  versionId: Number(r.version_id),
  pacticipantId: Number(r.pacticipant_id),
  environmentId: Number(r.environment_id),
  createdAt: String(r.created_at),
  supportEndedAt: str(r.support_ended_at),
});

/**
 * Deployed and released versions are the same kind of record: a version in an environment, current until its end
 * column is set (undeployed / support ended). The queries below differ only in the table, that column and the row type.
 */
interface EnvironmentRecordKind<T> {
  table: 'deployed_versions' | 'released_versions';
  endedColumn: 'undeployed_at' | 'support_ended_at';
  fromRow: (r: Row) => T;
}
const DEPLOYED: EnvironmentRecordKind<DeployedVersion> = { table: 'deployed_versions', endedColumn: 'undeployed_at', fromRow: toDeployed };
const RELEASED: EnvironmentRecordKind<ReleasedVersion> = { table: 'released_versions', endedColumn: 'support_ended_at', fromRow: toReleased };

const toWebhook = (r: Row): WebhookRecord => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  description: str(r.description),
  consumer: parseJson(r.consumer, null),
  provider: parseJson(r.provider, null),
  events: parseJson<string[]>(r.events, []),
  request: parseJson<Record<string, unknown>>(r.request, {}),
  enabled: Number(r.enabled) === 1,
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});
const toTriggered = (r: Row): TriggeredWebhook => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  webhookUuid: String(r.webhook_uuid),
  eventName: String(r.event_name),
  status: String(r.status),
  context: parseJson<Record<string, unknown>>(r.context, {}),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

/** "foo-bar_baz" -> "Foo Bar Baz", as the Ruby broker generates display names. */
export function generateDisplayName(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

const MAIN_BRANCH_CANDIDATES = ['develop', 'main', 'master'];

export type PublishOutcome = 'created' | 'same' | 'conflict' | 'overwritten';

export class Store {
  readonly db: Db;

  constructor(file: string) {
    this.db = new Db(file);
  }

  close(): void {
    this.db.close();
  }

  tx<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  // ---------------------------------------------------------------- pacticipants
  pacticipant(name: string): Pacticipant | undefined {
    const r = this.db.get('SELECT * FROM pacticipants WHERE name = ?', name);
    return r === undefined ? undefined : toPacticipant(r);
  }

  pacticipantById(id: number): Pacticipant {
    const r = this.db.get('SELECT * FROM pacticipants WHERE id = ?', id);
    if (r === undefined) throw new Error(`pacticipant ${id} vanished`);
    return toPacticipant(r);
  }

  pacticipants(): Pacticipant[] {
    return this.db.all('SELECT * FROM pacticipants ORDER BY name').map(toPacticipant);
  }

  createPacticipant(name: string, fields: Partial<Pick<Pacticipant, 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'>> = {}): Pacticipant {
    const t = now();
    this.db.run(
      'INSERT INTO pacticipants (name, display_name, main_branch, repository_url, repository_name, repository_namespace, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)',
      name,
      fields.displayName ?? generateDisplayName(name),
      fields.mainBranch ?? null,
      fields.repositoryUrl ?? null,
      fields.repositoryName ?? null,
      fields.repositoryNamespace ?? null,
      t,
      t,
    );
    return this.pacticipant(name)!;
  }

  ensurePacticipant(name: string): Pacticipant {
    return this.pacticipant(name) ?? this.createPacticipant(name);
  }

  updatePacticipant(p: Pacticipant, fields: Partial<Pick<Pacticipant, 'displayName' | 'mainBranch' | 'repositoryUrl' | 'repositoryName' | 'repositoryNamespace'>>): Pacticipant {
    const next = { ...p, ...fields };
    this.db.run(
      'UPDATE pacticipants SET display_name = ?, main_branch = ?, repository_url = ?, repository_name = ?, repository_namespace = ?, updated_at = ? WHERE id = ?',
      next.displayName ?? generateDisplayName(p.name),
      next.mainBranch,
      next.repositoryUrl,
      next.repositoryName,
      next.repositoryNamespace,
      now(),
      p.id,
    );
    return this.pacticipantById(p.id);
  }

  deletePacticipant(p: Pacticipant): void {
    this.db.run('DELETE FROM pacticipants WHERE id = ?', p.id);
  }

  labels(pacticipantId: number): string[] {
    return this.db.all<{ name: string }>('SELECT name FROM labels WHERE pacticipant_id = ? ORDER BY name', pacticipantId).map((r) => String(r.name));
  }

  addLabel(pacticipantId: number, name: string): boolean {
    return this.db.run('INSERT OR IGNORE INTO labels (pacticipant_id, name, created_at) VALUES (?,?,?)', pacticipantId, name, now()).changes > 0;
  }

  deleteLabel(pacticipantId: number, name: string): boolean {
    return this.db.run('DELETE FROM labels WHERE pacticipant_id = ? AND name = ?', pacticipantId, name).changes > 0;
  }

  // ---------------------------------------------------------------- versions
  version(pacticipantId: number, number: string): Version | undefined {
    const r = this.db.get('SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?', pacticipantId, number);
    return r === undefined ? undefined : toVersion(r);
  }

  versionById(id: number): Version {
    const r = this.db.get('SELECT * FROM versions WHERE id = ?', id);
    if (r === undefined) throw new Error(`version ${id} vanished`);
    return toVersion(r);
  }

  /** Creates the version if missing; updates buildUrl when given. */
  ensureVersion(pacticipantId: number, number: string, buildUrl?: string | null): { version: Version; created: boolean } {
    const existing = this.version(pacticipantId, number);
    if (existing !== undefined) {
      if (buildUrl !== undefined && buildUrl !== null && buildUrl !== existing.buildUrl) {
        this.db.run('UPDATE versions SET build_url = ?, updated_at = ? WHERE id = ?', buildUrl, now(), existing.id);
        return { version: this.versionById(existing.id), created: false };
      }
      return { version: existing, created: false };
    }
    const t = now();
    const r = this.db.run('INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at) VALUES (?,?,?,?,?)', pacticipantId, number, buildUrl ?? null, t, t);
    return { version: this.versionById(r.lastInsertRowid), created: true };
  }

  latestVersion(pacticipantId: number): Version | undefined {
    const r = this.db.get('SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1', pacticipantId);
    return r === undefined ? undefined : toVersion(r);
  }

  latestVersionWithTag(pacticipantId: number, tag: string): Version | undefined {
    const r = this.db.get<{ version_id: number }>('SELECT MAX(version_id) AS version_id FROM tags WHERE pacticipant_id = ? AND name = ?', pacticipantId, tag);
    return r === undefined || r.version_id === null ? undefined : this.versionById(Number(r.version_id));
  }

  versionsWithTag(pacticipantId: number, tag: string): Version[] {
    return this.db
      .all('SELECT v.* FROM tags t JOIN versions v ON v.id = t.version_id WHERE t.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC', pacticipantId, tag)
      .map(toVersion);
  }

  versions(pacticipantId: number, limit = 1000, offset = 0): Version[] {
    return this.db.all('SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?', pacticipantId, limit, offset).map(toVersion);
  }

  countVersions(pacticipantId: number): number {
    return Number(this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM versions WHERE pacticipant_id = ?', pacticipantId)?.n ?? 0);
  }

  deleteVersion(v: Version): void {
    this.db.run('DELETE FROM versions WHERE id = ?', v.id);
  }

  // ---------------------------------------------------------------- branches
  branch(pacticipantId: number, name: string): Branch | undefined {
    const r = this.db.get('SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?', pacticipantId, name);
    return r === undefined ? undefined : toBranch(r);
  }

  branches(pacticipantId: number): Branch[] {
    return this.db.all('SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC', pacticipantId).map(toBranch);
  }

  /** Adds the version to the branch (creating the branch; auto-detecting the main branch). Returns whether it was new. */
  addVersionToBranch(p: Pacticipant, versionId: number, branchName: string): { branch: Branch; created: boolean } {
    let branch = this.branch(p.id, branchName);
    if (branch === undefined) {
      this.db.run('INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?,?,?)', p.id, branchName, now());
      branch = this.branch(p.id, branchName)!;
      if ((p.mainBranch === null || p.mainBranch === '') && MAIN_BRANCH_CANDIDATES.includes(branchName)) {
        this.db.run('UPDATE pacticipants SET main_branch = ?, updated_at = ? WHERE id = ? AND main_branch IS NULL', branchName, now(), p.id);
      }
    }
    const r = this.db.run('INSERT OR IGNORE INTO branch_versions (branch_id, version_id, created_at) VALUES (?,?,?)', branch.id, versionId, now());
    return { branch, created: r.changes > 0 };
  }

  /** Every version on the branch, newest first. */
  versionsOnBranch(pacticipantId: number, branchName: string): Version[] {
    return this.db
      .all('SELECT v.* FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id JOIN versions v ON v.id = bv.version_id WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC', pacticipantId, branchName)
      .map(toVersion);
  }

  branchHead(pacticipantId: number, branchName: string): Version | undefined {
    const r = this.db.get<{ version_id: number | null }>(
      'SELECT MAX(bv.version_id) AS version_id FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id WHERE b.pacticipant_id = ? AND b.name = ?',
      pacticipantId,
      branchName,
    );
    return r === undefined || r.version_id === null ? undefined : this.versionById(Number(r.version_id));
  }

  branchVersions(pacticipantId: number, branchName: string): Version[] {
    return this.db
      .all('SELECT v.* FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id JOIN versions v ON v.id = bv.version_id WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC', pacticipantId, branchName)
      .map(toVersion);
  }

  /** Branches of a version, with whether the version is that branch's head. */
  branchesOfVersion(versionId: number): { name: string; latest: boolean; createdAt: string }[] {
    return this.db
      .all<{ name: string; head: number; created_at: string }>(
        'SELECT b.name AS name, bv.created_at AS created_at, (SELECT MAX(version_id) FROM branch_versions WHERE branch_id = b.id) AS head FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = ? ORDER BY bv.created_at, b.id',
        versionId,
      )
      .map((r) => ({ name: String(r.name), latest: Number(r.head) === versionId, createdAt: String(r.created_at) }));
  }

  deleteBranch(b: Branch): void {
    this.db.run('DELETE FROM branches WHERE id = ?', b.id);
  }

  // ---------------------------------------------------------------- tags
  addTag(pacticipantId: number, versionId: number, name: string): { tag: Tag; created: boolean } {
    const r = this.db.run('INSERT OR IGNORE INTO tags (version_id, pacticipant_id, name, created_at) VALUES (?,?,?,?)', versionId, pacticipantId, name, now());
    return { tag: this.tag(versionId, name)!, created: r.changes > 0 };
  }

  tag(versionId: number, name: string): Tag | undefined {
    const r = this.db.get('SELECT * FROM tags WHERE version_id = ? AND name = ?', versionId, name);
    return r === undefined ? undefined : { versionId, name: String(r.name), createdAt: String(r.created_at) };
  }

  tagsOfVersion(versionId: number): { name: string; latest: boolean; createdAt: string }[] {
    return this.db
      .all<{ name: string; created_at: string; head: number }>(
        'SELECT t.name AS name, t.created_at AS created_at, (SELECT MAX(t2.version_id) FROM tags t2 WHERE t2.pacticipant_id = t.pacticipant_id AND t2.name = t.name) AS head FROM tags t WHERE t.version_id = ? ORDER BY t.created_at',
        versionId,
      )
      .map((r) => ({ name: String(r.name), latest: Number(r.head) === versionId, createdAt: String(r.created_at) }));
  }

  deleteTag(versionId: number, name: string): boolean {
    return this.db.run('DELETE FROM tags WHERE version_id = ? AND name = ?', versionId, name).changes > 0;
  }

  /** All (pacticipant, tag) head versions of a pacticipant: the newest version per tag name. */
  tagHeads(pacticipantId: number): { name: string; versionId: number }[] {
    return this.db
      .all<{ name: string; vid: number }>('SELECT name, MAX(version_id) AS vid FROM tags WHERE pacticipant_id = ? GROUP BY name', pacticipantId)
      .map((r) => ({ name: String(r.name), versionId: Number(r.vid) }));
  }

  branchHeads(pacticipantId: number): { name: string; versionId: number }[] {
    return this.db
      .all<{ name: string; vid: number }>(
        'SELECT b.name AS name, MAX(bv.version_id) AS vid FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id WHERE b.pacticipant_id = ? GROUP BY b.id',
        pacticipantId,
      )
      .map((r) => ({ name: String(r.name), versionId: Number(r.vid) }));
  }

  // ---------------------------------------------------------------- pacts
  pactVersionById(id: number): PactVersion {
    const r = this.db.get('SELECT * FROM pact_versions WHERE id = ?', id);
    if (r === undefined) throw new Error(`pact version ${id} vanished`);
    return toPactVersion(r);
  }

  /** The pact version's sha without loading its content. */
  pactVersionSha(id: number): string {
    const r = this.db.get<{ sha: string }>('SELECT sha FROM pact_versions WHERE id = ?', id);
    if (r === undefined) throw new Error(`pact version ${id} vanished`);
    return String(r.sha);
  }

  pactVersionBySha(consumerId: number, providerId: number, sha: string): PactVersion | undefined {
    const r = this.db.get('SELECT * FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?', consumerId, providerId, sha);
    return r === undefined ? undefined : toPactVersion(r);
  }

  publication(consumerVersionId: number, providerId: number): PactPublication | undefined {
    const r = this.db.get('SELECT * FROM pact_publications WHERE consumer_version_id = ? AND provider_id = ?', consumerVersionId, providerId);
    return r === undefined ? undefined : toPublication(r);
  }

  publicationsOfVersion(consumerVersionId: number): PactPublication[] {
    return this.db.all('SELECT * FROM pact_publications WHERE consumer_version_id = ? ORDER BY provider_id', consumerVersionId).map(toPublication);
  }

  latestPublication(consumerId: number, providerId: number): PactPublication | undefined {
    const r = this.db.get('SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? ORDER BY consumer_version_id DESC LIMIT 1', providerId, consumerId);
    return r === undefined ? undefined : toPublication(r);
  }

  latestUntaggedPublication(consumerId: number, providerId: number): PactPublication | undefined {
    const r = this.db.get(
      'SELECT pp.* FROM pact_publications pp WHERE pp.provider_id = ? AND pp.consumer_id = ? AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id) ORDER BY pp.consumer_version_id DESC LIMIT 1',
      providerId,
      consumerId,
    );
    return r === undefined ? undefined : toPublication(r);
  }

  publicationsOfIntegration(consumerId: number, providerId: number, limit = 100): PactPublication[] {
    return this.db
      .all('SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? ORDER BY consumer_version_id DESC LIMIT ?', providerId, consumerId, limit)
      .map(toPublication);
  }

  publicationsOfPactVersion(pactVersionId: number): PactPublication[] {
    return this.db.all('SELECT * FROM pact_publications WHERE pact_version_id = ? ORDER BY consumer_version_id', pactVersionId).map(toPublication);
  }

  /** Consumers with at least one pact with the provider. */
  consumerIdsOf(providerId: number): number[] {
    return this.db.all<{ c: number }>('SELECT consumer_id AS c FROM integrations WHERE provider_id = ? ORDER BY consumer_id', providerId).map((r) => Number(r.c));
  }

  providerIdsOf(consumerId: number): number[] {
    return this.db.all<{ p: number }>('SELECT provider_id AS p FROM integrations WHERE consumer_id = ? ORDER BY provider_id', consumerId).map((r) => Number(r.p));
  }

  /** Every integration (consumer, provider) with its latest publication. */
  integrations(): { consumerId: number; providerId: number; latest: PactPublication }[] {
    const rows = this.db.all<{ consumer_id: number; provider_id: number; cvid: number }>(
      'SELECT consumer_id, provider_id, MAX(consumer_version_id) AS cvid FROM pact_publications GROUP BY consumer_id, provider_id',
    );
    return rows.map((r) => ({
      consumerId: Number(r.consumer_id),
      providerId: Number(r.provider_id),
      latest: this.publication(Number(r.cvid), Number(r.provider_id))!,
    }));
  }

  /**
   * Stores a pact for (consumer version, provider). Identical content (same sha) is accepted; different
   * content for an existing publication is a conflict unless `allowOverwrite`.
   */
  publishPact(
    consumer: Pacticipant,
    consumerVersion: Version,
    provider: Pacticipant,
    pact: Record<string, unknown>,
    allowOverwrite: boolean,
  ): { outcome: PublishOutcome; publication: PactPublication | undefined; previous?: PactVersion; pactVersion: PactVersion | undefined } {
    const sha = contentSha(pact);
    const existing = this.publication(consumerVersion.id, provider.id);
    if (existing !== undefined) {
      const prev = this.pactVersionById(existing.pactVersionId);
      if (prev.sha === sha) return { outcome: 'same', publication: existing, pactVersion: prev, previous: prev };
      if (!allowOverwrite) return { outcome: 'conflict', publication: existing, pactVersion: undefined, previous: prev };
    }
    let pv = this.pactVersionBySha(consumer.id, provider.id, sha);
    if (pv === undefined) {
      const content = JSON.stringify(withInteractionIds(pact));
      const r = this.db.run('INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at) VALUES (?,?,?,?,?)', consumer.id, provider.id, sha, content, now());
      pv = this.pactVersionById(r.lastInsertRowid);
    }
    if (existing !== undefined) {
      this.db.run('UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, created_at = ? WHERE id = ?', pv.id, now(), existing.id);
      return { outcome: 'overwritten', publication: this.publication(consumerVersion.id, provider.id), pactVersion: pv, previous: this.pactVersionById(existing.pactVersionId) };
    }
    this.db.run('INSERT OR IGNORE INTO integrations (consumer_id, provider_id, created_at) VALUES (?,?,?)', consumer.id, provider.id, now());
    this.db.run(
      'INSERT INTO pact_publications (consumer_id, provider_id, consumer_version_id, pact_version_id, revision, created_at) VALUES (?,?,?,?,1,?)',
      consumer.id,
      provider.id,
      consumerVersion.id,
      pv.id,
      now(),
    );
    return { outcome: 'created', publication: this.publication(consumerVersion.id, provider.id), pactVersion: pv };
  }

  deletePublication(pub: PactPublication): void {
    this.db.run('DELETE FROM pact_publications WHERE id = ?', pub.id);
    this.db.run(
      'DELETE FROM integrations WHERE consumer_id = ? AND provider_id = ? AND NOT EXISTS (SELECT 1 FROM pact_publications WHERE consumer_id = ? AND provider_id = ?)',
      pub.consumerId,
      pub.providerId,
      pub.consumerId,
      pub.providerId,
    );
  }

  // ---------------------------------------------------------------- verifications
  createVerification(fields: {
    pactVersion: PactVersion;
    providerVersion: Version;
    success: boolean;
    buildUrl: string | null;
    testResults: unknown;
    verifiedBy: unknown;
    wip: boolean;
    pending: boolean | null;
    consumerVersionNumbers: string[];
  }): Verification {
    const n = Number(this.db.get<{ n: number }>('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM verifications WHERE pact_version_id = ?', fields.pactVersion.id)?.n ?? 1);
    const r = this.db.run(
      'INSERT INTO verifications (pact_version_id, provider_version_id, provider_id, consumer_id, number, success, build_url, test_results, verified_by, wip, pending, consumer_version_numbers, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
      fields.pactVersion.id,
      fields.providerVersion.id,
      fields.pactVersion.providerId,
      fields.pactVersion.consumerId,
      n,
      fields.success ? 1 : 0,
      fields.buildUrl,
      fields.testResults === undefined ? null : JSON.stringify(fields.testResults),
      fields.verifiedBy === undefined ? null : JSON.stringify(fields.verifiedBy),
      fields.wip ? 1 : 0,
      fields.pending === null ? null : fields.pending ? 1 : 0,
      JSON.stringify(fields.consumerVersionNumbers),
      now(),
    );
    return this.verificationById(r.lastInsertRowid)!;
  }

  verificationById(id: number): Verification | undefined {
    const r = this.db.get('SELECT * FROM verifications WHERE id = ?', id);
    return r === undefined ? undefined : toVerification(r);
  }

  verificationByNumber(pactVersionId: number, number: number): Verification | undefined {
    const r = this.db.get('SELECT * FROM verifications WHERE pact_version_id = ? AND number = ?', pactVersionId, number);
    return r === undefined ? undefined : toVerification(r);
  }

  /** The latest verification of the pact version by each provider version (one per provider version). */
  latestVerificationsPerProviderVersion(pactVersionId: number): Verification[] {
    return this.db
      .all(
        'SELECT v.* FROM verifications v JOIN (SELECT provider_version_id, MAX(id) AS id FROM verifications WHERE pact_version_id = ? GROUP BY provider_version_id) m ON m.id = v.id ORDER BY v.provider_version_id DESC',
        pactVersionId,
      )
      .map(toVerification);
  }

  latestVerificationFor(pactVersionId: number, providerVersionId: number): Verification | undefined {
    const r = this.db.get('SELECT * FROM verifications WHERE pact_version_id = ? AND provider_version_id = ? ORDER BY id DESC LIMIT 1', pactVersionId, providerVersionId);
    return r === undefined ? undefined : toVerification(r);
  }

  /** Whether the provider ever verified any pact of this consumer (the badge's "changed" state). */
  hasVerificationForIntegration(consumerId: number, providerId: number): boolean {
    return this.db.get('SELECT 1 AS x FROM verifications WHERE provider_id = ? AND consumer_id = ? LIMIT 1', providerId, consumerId) !== undefined;
  }

  latestVerificationOfPactVersion(pactVersionId: number): Verification | undefined {
    const r = this.db.get('SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1', pactVersionId);
    return r === undefined ? undefined : toVerification(r);
  }

  /** Latest verifications where the given version is the provider: one per pact version. */
  verificationsByProviderVersion(providerVersionId: number): Verification[] {
    return this.db
      .all(
        'SELECT v.* FROM verifications v JOIN (SELECT pact_version_id, MAX(id) AS id FROM verifications WHERE provider_version_id = ? GROUP BY pact_version_id) m ON m.id = v.id',
        providerVersionId,
      )
      .map(toVerification);
  }

  /** Was this pact version ever successfully verified (optionally: not as WIP, before a date, by a version on a branch / with a tag)? */
  hasSuccessfulVerification(
    pactVersionId: number,
    opts: { providerBranchId?: number; providerId?: number; providerTag?: string; before?: string; excludeWip?: boolean } = {},
  ): boolean {
    let q = 'SELECT 1 FROM verifications v WHERE v.pact_version_id = ? AND v.success = 1';
    const params: (string | number)[] = [pactVersionId];
    if (opts.excludeWip === true) q += ' AND v.wip = 0';
    if (opts.before !== undefined) {
      q += ' AND v.created_at < ?';
      params.push(opts.before);
    }
    if (opts.providerBranchId !== undefined) {
      q += ' AND EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.branch_id = ? AND bv.version_id = v.provider_version_id)';
      params.push(opts.providerBranchId);
    }
    if (opts.providerTag !== undefined && opts.providerId !== undefined) {
      q += ' AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.provider_version_id AND t.name = ?)';
      params.push(opts.providerTag);
    }
    q += ' LIMIT 1';
    return this.db.get(q, ...params) !== undefined;
  }

  /**
   * Pact version ids the provider verified successfully, optionally only by versions on a branch / with a tag,
   * only before a time, or excluding WIP verifications. One query; used to compute pending/WIP per request.
   */
  successfullyVerifiedPactVersionIds(providerId: number, opts: { providerBranchId?: number; providerTag?: string; before?: string; excludeWip?: boolean } = {}): Set<number> {
    let q = 'SELECT DISTINCT v.pact_version_id AS id FROM verifications v WHERE v.provider_id = ? AND v.success = 1';
    const params: (string | number)[] = [providerId];
    if (opts.excludeWip === true) q += ' AND v.wip = 0';
    if (opts.before !== undefined) {
      q += ' AND v.created_at < ?';
      params.push(opts.before);
    }
    if (opts.providerBranchId !== undefined) {
      q += ' AND EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.branch_id = ? AND bv.version_id = v.provider_version_id)';
      params.push(opts.providerBranchId);
    }
    if (opts.providerTag !== undefined) {
      q += ' AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.provider_version_id AND t.name = ?)';
      params.push(opts.providerTag);
    }
    return new Set(this.db.all<{ id: number }>(q, ...params).map((r) => Number(r.id)));
  }

  /** Publications (with the provider) of every branch head and tag head of a consumer, published since a time. */
  headPublications(consumerId: number, providerId: number, since: string): { kind: 'branch' | 'tag'; name: string; publication: PactPublication; version: Version; sha: string }[] {
    const rows = this.db.all(
      `SELECT h.kind AS kind, h.name AS head_name, pp.*, v.number AS v_number, v.build_url AS v_build_url, v.created_at AS v_created_at, v.updated_at AS v_updated_at, pv.sha AS pv_sha FROM (
         SELECT 'branch' AS kind, b.name AS name, (SELECT MAX(bv.version_id) FROM branch_versions bv WHERE bv.branch_id = b.id) AS vid FROM branches b WHERE b.pacticipant_id = ?
         UNION ALL
         SELECT 'tag' AS kind, name, MAX(version_id) AS vid FROM tags WHERE pacticipant_id = ? GROUP BY name
       ) h CROSS JOIN pact_publications pp ON pp.consumer_version_id = h.vid AND pp.provider_id = ?
       CROSS JOIN versions v ON v.id = pp.consumer_version_id CROSS JOIN pact_versions pv ON pv.id = pp.pact_version_id
       WHERE pp.created_at >= ?`,
      consumerId,
      consumerId,
      providerId,
      since,
    );
    return rows.map((r) => ({
      kind: String(r.kind) === 'tag' ? ('tag' as const) : ('branch' as const),
      name: String(r.head_name),
      publication: toPublication(r),
      version: { id: Number(r.consumer_version_id), pacticipantId: consumerId, number: String(r.v_number), buildUrl: str(r.v_build_url), createdAt: String(r.v_created_at), updatedAt: String(r.v_updated_at) },
      sha: String(r.pv_sha),
    }));
  }

  /** First time a provider tag was used (for pending inheritance). */
  tagFirstCreated(pacticipantId: number, tag: string): string | undefined {
    const r = this.db.get<{ t: string | null }>('SELECT MIN(created_at) AS t FROM tags WHERE pacticipant_id = ? AND name = ?', pacticipantId, tag);
    return r?.t === null || r?.t === undefined ? undefined : String(r.t);
  }

  // ---------------------------------------------------------------- environments
  environments(): Environment[] {
    return this.db.all('SELECT * FROM environments ORDER BY name').map(toEnvironment);
  }

  environment(uuid: string): Environment | undefined {
    const r = this.db.get('SELECT * FROM environments WHERE uuid = ?', uuid);
    return r === undefined ? undefined : toEnvironment(r);
  }

  environmentByName(name: string): Environment | undefined {
    const r = this.db.get('SELECT * FROM environments WHERE name = ?', name);
    return r === undefined ? undefined : toEnvironment(r);
  }

  environmentById(id: number): Environment {
    const r = this.db.get('SELECT * FROM environments WHERE id = ?', id);
    if (r === undefined) throw new Error(`environment ${id} vanished`);
    return toEnvironment(r);
  }

  createEnvironment(fields: { uuid?: string; name: string; displayName?: string | null; production: boolean; contacts?: unknown[] }): Environment {
    const t = now();
    const uuid = fields.uuid ?? crypto.randomUUID();
    this.db.run(
      'INSERT INTO environments (uuid, name, display_name, production, contacts, created_at, updated_at) VALUES (?,?,?,?,?,?,?)',
      uuid,
      fields.name,
      fields.displayName ?? generateDisplayName(fields.name),
      fields.production ? 1 : 0,
      JSON.stringify(fields.contacts ?? []),
      t,
      t,
    );
    return this.environment(uuid)!;
  }

  updateEnvironment(env: Environment, fields: { name: string; displayName?: string | null; production: boolean; contacts?: unknown[] }): Environment {
    this.db.run(
      'UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?, updated_at = ? WHERE id = ?',
      fields.name,
      fields.displayName ?? generateDisplayName(fields.name),
      fields.production ? 1 : 0,
      JSON.stringify(fields.contacts ?? []),
      now(),
      env.id,
    );
    return this.environment(env.uuid)!;
  }

  deleteEnvironment(env: Environment): void {
    this.db.run('DELETE FROM environments WHERE id = ?', env.id);
  }

  // ---------------------------------------------------------------- deployments and releases
  recordDeployment(version: Version, env: Environment, applicationInstance: string | null): { deployed: DeployedVersion; created: boolean } {
    const current = this.db.all(
      'SELECT * FROM deployed_versions WHERE environment_id = ? AND pacticipant_id = ? AND undeployed_at IS NULL AND application_instance IS ?',
      env.id,
      version.pacticipantId,
      applicationInstance,
    ).map(toDeployed);
    const same = current.find((d) => d.versionId === version.id);
    if (same !== undefined) return { deployed: same, created: false };
    const t = now();
    for (const d of current) this.endRecord(DEPLOYED, d.id, t);
    const uuid = crypto.randomUUID();
    this.db.run(
      'INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, application_instance, created_at) VALUES (?,?,?,?,?,?)',
      uuid,
      version.id,
      version.pacticipantId,
      env.id,
      applicationInstance,
      t,
    );
    return { deployed: this.deployedVersion(uuid)!, created: true };
  }

  deployedVersion(uuid: string): DeployedVersion | undefined {
    return this.recordByUuid(DEPLOYED, uuid);
  }

  undeploy(d: DeployedVersion): DeployedVersion {
    if (d.undeployedAt === null) this.endRecord(DEPLOYED, d.id, now());
    return this.deployedVersion(d.uuid)!;
  }

  currentlyDeployed(envId: number, pacticipantId?: number): DeployedVersion[] {
    return this.currentRecords(DEPLOYED, envId, pacticipantId);
  }

  deploymentsOfVersion(versionId: number): DeployedVersion[] {
    return this.recordsOfVersion(DEPLOYED, versionId);
  }

  /** Versions of any pacticipant currently deployed (optionally in one environment), with the environment. */
  allCurrentlyDeployed(pacticipantId: number, envId?: number): DeployedVersion[] {
    return this.currentRecords(DEPLOYED, envId, pacticipantId);
  }

  recordRelease(version: Version, env: Environment): { released: ReleasedVersion; created: boolean } {
    const existing = this.db.get('SELECT * FROM released_versions WHERE version_id = ? AND environment_id = ?', version.id, env.id);
    if (existing !== undefined) {
      const rv = toReleased(existing);
      if (rv.supportEndedAt !== null) this.db.run('UPDATE released_versions SET support_ended_at = NULL WHERE id = ?', rv.id);
      return { released: this.releasedVersion(rv.uuid)!, created: false };
    }
    const uuid = crypto.randomUUID();
    this.db.run(
      'INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, created_at) VALUES (?,?,?,?,?)',
      uuid,
      version.id,
      version.pacticipantId,
      env.id,
      now(),
    );
    return { released: this.releasedVersion(uuid)!, created: true };
  }

  releasedVersion(uuid: string): ReleasedVersion | undefined {
    return this.recordByUuid(RELEASED, uuid);
  }

  endSupport(rv: ReleasedVersion): ReleasedVersion {
    if (rv.supportEndedAt === null) this.endRecord(RELEASED, rv.id, now());
    return this.releasedVersion(rv.uuid)!;
  }

  currentlySupported(envId: number, pacticipantId?: number): ReleasedVersion[] {
    return this.currentRecords(RELEASED, envId, pacticipantId);
  }

  allCurrentlySupported(pacticipantId: number, envId?: number): ReleasedVersion[] {
    return this.currentRecords(RELEASED, envId, pacticipantId);
  }

  releasesOfVersion(versionId: number): ReleasedVersion[] {
    return this.recordsOfVersion(RELEASED, versionId);
  }

  private recordByUuid<T>(kind: EnvironmentRecordKind<T>, uuid: string): T | undefined {
    const r = this.db.get(`SELECT * FROM ${kind.table} WHERE uuid = ?`, uuid);
    return r === undefined ? undefined : kind.fromRow(r);
  }

  private endRecord<T>(kind: EnvironmentRecordKind<T>, id: number, at: string): void {
    this.db.run(`UPDATE ${kind.table} SET ${kind.endedColumn} = ? WHERE id = ?`, at, id);
  }

  /** Records not ended yet, in one environment and/or of one pacticipant (each optional), oldest first. */
  private currentRecords<T>(kind: EnvironmentRecordKind<T>, envId: number | undefined, pacticipantId: number | undefined): T[] {
    const where: string[] = [];
    const params: number[] = [];
    if (envId !== undefined) {
      where.push('environment_id = ?');
      params.push(envId);
    }
    if (pacticipantId !== undefined) {
      where.push('pacticipant_id = ?');
      params.push(pacticipantId);
    }
    where.push(`${kind.endedColumn} IS NULL`);
    return this.db.all(`SELECT * FROM ${kind.table} WHERE ${where.join(' AND ')} ORDER BY id`, ...params).map(kind.fromRow);
  }

  private recordsOfVersion<T>(kind: EnvironmentRecordKind<T>, versionId: number): T[] {
    return this.db.all(`SELECT * FROM ${kind.table} WHERE version_id = ? ORDER BY id`, versionId).map(kind.fromRow);
  }

  // ---------------------------------------------------------------- webhooks
  webhooks(): WebhookRecord[] {
    return this.db.all('SELECT * FROM webhooks ORDER BY id').map(toWebhook);
  }

  webhook(uuid: string): WebhookRecord | undefined {
    const r = this.db.get('SELECT * FROM webhooks WHERE uuid = ?', uuid);
    return r === undefined ? undefined : toWebhook(r);
  }

  saveWebhook(uuid: string, fields: Omit<WebhookRecord, 'id' | 'uuid' | 'createdAt' | 'updatedAt'>): { webhook: WebhookRecord; created: boolean } {
    const existing = this.webhook(uuid);
    const t = now();
    if (existing !== undefined) {
      this.db.run(
        'UPDATE webhooks SET description = ?, consumer = ?, provider = ?, events = ?, request = ?, enabled = ?, updated_at = ? WHERE uuid = ?',
        fields.description,
        fields.consumer === null ? null : JSON.stringify(fields.consumer),
        fields.provider === null ? null : JSON.stringify(fields.provider),
        JSON.stringify(fields.events),
        JSON.stringify(fields.request),
        fields.enabled ? 1 : 0,
        t,
        uuid,
      );
      return { webhook: this.webhook(uuid)!, created: false };
    }
    this.db.run(
      'INSERT INTO webhooks (uuid, description, consumer, provider, events, request, enabled, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)',
      uuid,
      fields.description,
      fields.consumer === null ? null : JSON.stringify(fields.consumer),
      fields.provider === null ? null : JSON.stringify(fields.provider),
      JSON.stringify(fields.events),
      JSON.stringify(fields.request),
      fields.enabled ? 1 : 0,
      t,
      t,
    );
    return { webhook: this.webhook(uuid)!, created: true };
  }

  deleteWebhook(uuid: string): boolean {
    return this.db.run('DELETE FROM webhooks WHERE uuid = ?', uuid).changes > 0;
  }

  createTriggeredWebhook(webhookUuid: string, eventName: string, context: Record<string, unknown>): TriggeredWebhook {
    const uuid = crypto.randomUUID();
    const t = now();
    this.db.run(
      'INSERT INTO triggered_webhooks (uuid, webhook_uuid, event_name, status, context, created_at, updated_at) VALUES (?,?,?,?,?,?,?)',
      uuid,
      webhookUuid,
      eventName,
      'not_run',
      JSON.stringify(context),
      t,
      t,
    );
    return this.triggeredWebhook(uuid)!;
  }

  triggeredWebhook(uuid: string): TriggeredWebhook | undefined {
    const r = this.db.get('SELECT * FROM triggered_webhooks WHERE uuid = ?', uuid);
    return r === undefined ? undefined : toTriggered(r);
  }

  triggeredWebhooksOf(webhookUuid: string, limit = 50): TriggeredWebhook[] {
    return this.db.all('SELECT * FROM triggered_webhooks WHERE webhook_uuid = ? ORDER BY id DESC LIMIT ?', webhookUuid, limit).map(toTriggered);
  }

  setTriggeredStatus(id: number, status: string): void {
    this.db.run('UPDATE triggered_webhooks SET status = ?, updated_at = ? WHERE id = ?', status, now(), id);
  }

  addExecution(triggeredId: number, attempt: number, success: boolean, logs: string): void {
    this.db.run('INSERT INTO webhook_executions (triggered_webhook_id, attempt, success, logs, created_at) VALUES (?,?,?,?,?)', triggeredId, attempt, success ? 1 : 0, logs, now());
  }

  executions(triggeredId: number): WebhookExecution[] {
    return this.db.all<Row>('SELECT * FROM webhook_executions WHERE triggered_webhook_id = ? ORDER BY id', triggeredId).map((r) => ({
      id: Number(r.id),
      triggeredWebhookId: Number(r.triggered_webhook_id),
      attempt: Number(r.attempt),
      success: Number(r.success) === 1,
      logs: String(r.logs),
      createdAt: String(r.created_at),
    }));
  }
}
