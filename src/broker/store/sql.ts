// The broker's queries, written once for both databases. SQLite (node:sqlite) and PostgreSQL (pg) each provide a
// SqlExec (run a query with `?` parameters) and a few dialect words; everything else is the same SQL, so the two
// stores cannot drift apart. Schema: src/broker/migrations/{sqlite,postgres}.ts.
import crypto from 'node:crypto';
import { contentSha, withInteractionIds } from '../pact-content';
import type {
  Branch,
  BrokerTx,
  DeployedVersion,
  Environment,
  EnvironmentFields,
  HeadPublication,
  Integration,
  NewVerification,
  PactPublication,
  PactVersion,
  Pacticipant,
  PacticipantFields,
  PublishResult,
  ReleasedVersion,
  StoreCounts,
  Tag,
  TriggeredWebhook,
  VerifiedFilter,
  Verification,
  Version,
  VersionDetails,
  VersionLabel,
  WebhookExecution,
  WebhookFields,
  WebhookRecord,
} from './types';

export type Row = Record<string, unknown>;
export type SqlParam = string | number | null;

/** Runs one statement; `?` placeholders, positional parameters. */
export interface SqlExec {
  get<T = Row>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: SqlParam[]): Promise<number>;
}

/** The few words that differ between the two databases. */
export interface SqlDialect {
  /** A join whose order the planner keeps (SQLite: CROSS JOIN ... ON; PostgreSQL: JOIN). */
  orderedJoin: string;
  /** Appended to ORDER BY of names so both sort by code point (PostgreSQL's default collation may not). */
  byteOrder: string;
  /**
   * Appended to a SELECT inside a write transaction to lock the rows read until commit (PostgreSQL: FOR NO KEY
   * UPDATE; SQLite: nothing, its write transactions already run one at a time).
   */
  lockRead: string;
  /** `IN (...)` over one parameter holding a JSON array of ids (one statement whatever the number of ids). */
  inJsonIds: string;
  /** The same over a JSON array of strings. */
  inJsonTexts: string;
  /**
   * Whether a statement can write in its WITH clause (PostgreSQL). The publishing path then joins steps into one
   * statement: on PostgreSQL each statement is a network round trip, which costs the broker and the server more CPU
   * than the step itself; SQLite's statements are function calls, so it keeps the plain steps.
   */
  writableCte: boolean;
}

/** A write refused by a uniqueness rule (e.g. two environments with one name): HTTP 409, not a crash. */
export class StoreConflictError extends Error {
  readonly code = 'store.conflict';
}

/** A value the database cannot store or compare (e.g. a NUL character for PostgreSQL): HTTP 400, not a crash. */
export class StoreInputError extends Error {
  readonly code = 'store.input';
}

const now = (): string => new Date().toISOString();
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const flag = (v: unknown): boolean => v === true || Number(v) === 1;
const bit = (b: boolean): number => (b ? 1 : 0);
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
const toBranch = (r: Row): Branch => ({
  id: Number(r.id),
  pacticipantId: Number(r.pacticipant_id),
  name: String(r.name),
  createdAt: String(r.created_at),
});
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
  success: flag(r.success),
  buildUrl: str(r.build_url),
  testResults: parseJson(r.test_results, null),
  verifiedBy: parseJson(r.verified_by, null),
  wip: flag(r.wip),
  pending: r.pending === null || r.pending === undefined ? null : flag(r.pending),
  consumerVersionNumbers: parseJson<string[]>(r.consumer_version_numbers, []),
  createdAt: String(r.created_at),
});
const toEnvironment = (r: Row): Environment => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  name: String(r.name),
  displayName: String(r.display_name),
  production: flag(r.production),
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
const toWebhook = (r: Row): WebhookRecord => ({
  id: Number(r.id),
  uuid: String(r.uuid),
  description: str(r.description),
  consumer: parseJson(r.consumer, null),
  provider: parseJson(r.provider, null),
  events: parseJson<string[]>(r.events, []),
  request: parseJson<Record<string, unknown>>(r.request, {}),
  enabled: flag(r.enabled),
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
const toExecution = (r: Row): WebhookExecution => ({
  id: Number(r.id),
  triggeredWebhookId: Number(r.triggered_webhook_id),
  attempt: Number(r.attempt),
  success: flag(r.success),
  logs: String(r.logs),
  createdAt: String(r.created_at),
});

/**
 * Deployed and released versions are the same kind of record: a version in an environment, current until its end
 * column is set (undeployed / support ended). The queries differ only in the table, that column and the row type.
 */
interface EnvironmentRecordKind<T> {
  table: 'deployed_versions' | 'released_versions';
  endedColumn: 'undeployed_at' | 'support_ended_at';
  fromRow: (r: Row) => T;
}
const DEPLOYED: EnvironmentRecordKind<DeployedVersion> = {
  table: 'deployed_versions',
  endedColumn: 'undeployed_at',
  fromRow: toDeployed,
};
const RELEASED: EnvironmentRecordKind<ReleasedVersion> = {
  table: 'released_versions',
  endedColumn: 'support_ended_at',
  fromRow: toReleased,
};

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

function groupBy<T>(items: T[], key: (t: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

const COUNTED_TABLES: [keyof StoreCounts, string][] = [
  ['pacticipants', 'pacticipants'],
  ['versions', 'versions'],
  ['pactPublications', 'pact_publications'],
  ['pactVersions', 'pact_versions'],
  ['verifications', 'verifications'],
  ['environments', 'environments'],
  ['deployedVersions', 'deployed_versions'],
  ['releasedVersions', 'released_versions'],
  ['webhooks', 'webhooks'],
  ['triggeredWebhooks', 'triggered_webhooks'],
];

/**
 * Reads and writes over one SqlExec. The store's top level uses one for committed reads; a transaction gets its
 * own over the transaction's connection (see sqlite.ts / postgres.ts).
 *
 * Concurrency (several transactions at once on PostgreSQL, READ COMMITTED): every write is an upsert or an
 * insert checked by a unique constraint, and every read-then-write first locks the row that orders it:
 * - a version, by any transaction that ensures it (publishing for it, tagging it, adding it to a branch,
 *   verifying with it) or deletes one of its pacts, so one consumer version's pacts are decided one transaction at
 *   a time (and a branch head moving to it, whose trigger locks it too, sees them all: branch_head_pacts);
 * - a pact version, before numbering its next verification result;
 * - a pacticipant, before recording a deployment or release of one of its versions (one current deployment per
 *   environment and application instance);
 * - an integration, before deleting it with its last pact (a concurrent publish waits on it, then re-creates it).
 * On SQLite the same code runs one write transaction at a time.
 */
export class SqlStore implements BrokerTx {
  constructor(
    protected readonly exec: SqlExec,
    protected readonly dialect: SqlDialect,
  ) {}

  private get<T = Row>(sql: string, ...params: SqlParam[]): Promise<T | undefined> {
    return this.exec.get<T>(sql, params);
  }

  private all<T = Row>(sql: string, ...params: SqlParam[]): Promise<T[]> {
    return this.exec.all<T>(sql, params);
  }

  private run(sql: string, ...params: SqlParam[]): Promise<number> {
    return this.exec.run(sql, params);
  }

  private async one<T>(what: string, sql: string, map: (r: Row) => T, ...params: SqlParam[]): Promise<T> {
    const r = await this.get(sql, ...params);
    if (r === undefined) throw new Error(`${what} vanished`);
    return map(r);
  }

  private async maybe<T>(sql: string, map: (r: Row) => T, ...params: SqlParam[]): Promise<T | undefined> {
    const r = await this.get(sql, ...params);
    return r === undefined ? undefined : map(r);
  }

  private async many<T>(sql: string, map: (r: Row) => T, ...params: SqlParam[]): Promise<T[]> {
    return (await this.all(sql, ...params)).map(map);
  }

  // ---------------------------------------------------------------- pacticipants
  pacticipant(name: string): Promise<Pacticipant | undefined> {
    return this.maybe('SELECT * FROM pacticipants WHERE name = ?', toPacticipant, name);
  }

  pacticipantById(id: number): Promise<Pacticipant> {
    return this.one(`pacticipant ${id}`, 'SELECT * FROM pacticipants WHERE id = ?', toPacticipant, id);
  }

  pacticipants(): Promise<Pacticipant[]> {
    return this.many(`SELECT * FROM pacticipants ORDER BY name${this.dialect.byteOrder}`, toPacticipant);
  }

  async createPacticipant(name: string, fields: PacticipantFields = {}): Promise<Pacticipant> {
    const t = now();
    const r = await this.get(
      'INSERT INTO pacticipants (name, display_name, main_branch, repository_url, repository_name, repository_namespace, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      name,
      fields.displayName ?? generateDisplayName(name),
      fields.mainBranch ?? null,
      fields.repositoryUrl ?? null,
      fields.repositoryName ?? null,
      fields.repositoryNamespace ?? null,
      t,
      t,
    );
    if (r === undefined) throw new StoreConflictError(`A pacticipant with name '${name}' already exists`);
    return toPacticipant(r);
  }

  async ensurePacticipant(name: string): Promise<Pacticipant> {
    const existing = await this.pacticipant(name);
    if (existing !== undefined) return existing;
    const t = now();
    const r = await this.get(
      'INSERT INTO pacticipants (name, display_name, created_at, updated_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      name,
      generateDisplayName(name),
      t,
      t,
    );
    return r === undefined ? (await this.pacticipant(name))! : toPacticipant(r);
  }

  /** Sets only the given fields (so concurrent updates of different fields both stay); null clears one. */
  async updatePacticipant(p: Pacticipant, fields: PacticipantFields): Promise<Pacticipant> {
    const columns: Record<keyof PacticipantFields, string> = {
      displayName: 'display_name',
      mainBranch: 'main_branch',
      repositoryUrl: 'repository_url',
      repositoryName: 'repository_name',
      repositoryNamespace: 'repository_namespace',
    };
    const sets: string[] = [];
    const params: SqlParam[] = [];
    for (const [k, column] of Object.entries(columns) as [keyof PacticipantFields, string][]) {
      if (!(k in fields)) continue;
      sets.push(`${column} = ?`);
      params.push(k === 'displayName' ? (fields.displayName ?? generateDisplayName(p.name)) : (fields[k] ?? null));
    }
    return this.one(
      `pacticipant ${p.id}`,
      `UPDATE pacticipants SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`,
      toPacticipant,
      ...params,
      now(),
      p.id,
    );
  }

  async deletePacticipant(p: Pacticipant): Promise<void> {
    await this.run('DELETE FROM pacticipants WHERE id = ?', p.id);
  }

  async labels(pacticipantId: number): Promise<string[]> {
    return (
      await this.all<{ name: string }>(
        `SELECT name FROM labels WHERE pacticipant_id = ? ORDER BY name${this.dialect.byteOrder}`,
        pacticipantId,
      )
    ).map((r) => String(r.name));
  }

  async addLabel(pacticipantId: number, name: string): Promise<boolean> {
    return (
      (await this.run(
        'INSERT INTO labels (pacticipant_id, name, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING',
        pacticipantId,
        name,
        now(),
      )) > 0
    );
  }

  async deleteLabel(pacticipantId: number, name: string): Promise<boolean> {
    return (await this.run('DELETE FROM labels WHERE pacticipant_id = ? AND name = ?', pacticipantId, name)) > 0;
  }

  // ---------------------------------------------------------------- versions
  version(pacticipantId: number, number: string): Promise<Version | undefined> {
    return this.maybe(
      'SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?',
      toVersion,
      pacticipantId,
      number,
    );
  }

  versionById(id: number): Promise<Version> {
    return this.one(`version ${id}`, 'SELECT * FROM versions WHERE id = ?', toVersion, id);
  }

  async ensureVersion(
    pacticipantId: number,
    number: string,
    buildUrl?: string | null,
    opts: { likelyNew?: boolean } = {},
  ): Promise<{ version: Version; created: boolean }> {
    // A version being published is usually new: try the insert first (one statement instead of two).
    if (opts.likelyNew === true) {
      const created = await this.insertVersion(pacticipantId, number, buildUrl);
      if (created !== undefined) return { version: created, created: true };
    }
    // The version row stays locked until the transaction ends (a new row is ours anyway): see the class comment.
    const existing = await this.maybe(
      `SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?${this.dialect.lockRead}`,
      toVersion,
      pacticipantId,
      number,
    );
    if (existing === undefined) {
      const created = await this.insertVersion(pacticipantId, number, buildUrl);
      if (created !== undefined) return { version: created, created: true };
      // Created by a concurrent transaction since our read (which waited for it to commit): lock and use it.
      return this.ensureVersion(pacticipantId, number, buildUrl);
    }
    if (buildUrl !== undefined && buildUrl !== null && buildUrl !== existing.buildUrl) {
      const updated = await this.one(
        `version ${existing.id}`,
        'UPDATE versions SET build_url = ?, updated_at = ? WHERE id = ? RETURNING *',
        toVersion,
        buildUrl,
        now(),
        existing.id,
      );
      return { version: updated, created: false };
    }
    return { version: existing, created: false };
  }

  /** Inserts the version unless it exists (waiting for a concurrent insert of it to commit); undefined if it did. */
  private async insertVersion(
    pacticipantId: number,
    number: string,
    buildUrl: string | null | undefined,
  ): Promise<Version | undefined> {
    const t = now();
    const r = await this.get(
      'INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      pacticipantId,
      number,
      buildUrl ?? null,
      t,
      t,
    );
    return r === undefined ? undefined : toVersion(r);
  }

  latestVersion(pacticipantId: number): Promise<Version | undefined> {
    return this.maybe(
      'SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1',
      toVersion,
      pacticipantId,
    );
  }

  latestVersionWithTag(pacticipantId: number, tag: string): Promise<Version | undefined> {
    return this.maybe(
      'SELECT * FROM versions WHERE id = (SELECT version_id FROM tags WHERE pacticipant_id = ? AND name = ? ORDER BY version_id DESC LIMIT 1)',
      toVersion,
      pacticipantId,
      tag,
    );
  }

  versionsWithTag(pacticipantId: number, tag: string): Promise<Version[]> {
    return this.many(
      'SELECT v.* FROM tags t JOIN versions v ON v.id = t.version_id WHERE t.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC',
      toVersion,
      pacticipantId,
      tag,
    );
  }

  versions(pacticipantId: number, limit = 1000, offset = 0): Promise<Version[]> {
    return this.many(
      'SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?',
      toVersion,
      pacticipantId,
      limit,
      offset,
    );
  }

  async countVersions(pacticipantId: number): Promise<number> {
    return Number(
      (await this.get<{ n: number }>('SELECT COUNT(*) AS n FROM versions WHERE pacticipant_id = ?', pacticipantId))
        ?.n ?? 0,
    );
  }

  async deleteVersion(v: Version): Promise<void> {
    await this.run('DELETE FROM versions WHERE id = ?', v.id);
  }

  // ---------------------------------------------------------------- branches
  branch(pacticipantId: number, name: string): Promise<Branch | undefined> {
    return this.maybe('SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?', toBranch, pacticipantId, name);
  }

  branches(pacticipantId: number): Promise<Branch[]> {
    return this.many('SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC', toBranch, pacticipantId);
  }

  async addVersionToBranch(
    p: Pacticipant,
    versionId: number,
    branchName: string,
  ): Promise<{ branch: Branch; created: boolean }> {
    if (this.dialect.writableCte) {
      // The usual case, an existing branch, in one statement: read the branch and add the version to it.
      const r = await this.get<Row & { added: number }>(
        `WITH b AS (SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?),
         ins AS (INSERT INTO branch_versions (branch_id, version_id, created_at) SELECT id, ?::bigint, ?::timestamptz FROM b ON CONFLICT DO NOTHING RETURNING branch_id)
         SELECT b.*, (SELECT count(*) FROM ins) AS added FROM b`,
        p.id,
        branchName,
        versionId,
        now(),
      );
      if (r !== undefined) return { branch: toBranch(r), created: Number(r.added) > 0 };
    }
    let branch = await this.branch(p.id, branchName);
    if (branch === undefined) {
      const r = await this.get(
        'INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING RETURNING *',
        p.id,
        branchName,
        now(),
      );
      branch = r === undefined ? (await this.branch(p.id, branchName))! : toBranch(r);
      if ((p.mainBranch === null || p.mainBranch === '') && MAIN_BRANCH_CANDIDATES.includes(branchName)) {
        await this.run(
          'UPDATE pacticipants SET main_branch = ?, updated_at = ? WHERE id = ? AND main_branch IS NULL',
          branchName,
          now(),
          p.id,
        );
      }
    }
    const changed = await this.run(
      'INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING',
      branch.id,
      versionId,
      now(),
    );
    return { branch, created: changed > 0 };
  }

  async removeVersionFromBranch(branchId: number, versionId: number): Promise<boolean> {
    return (
      (await this.run('DELETE FROM branch_versions WHERE branch_id = ? AND version_id = ?', branchId, versionId)) > 0
    );
  }

  versionsOnBranch(pacticipantId: number, branchName: string): Promise<Version[]> {
    return this.many(
      'SELECT v.* FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id JOIN versions v ON v.id = bv.version_id WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY v.id DESC',
      toVersion,
      pacticipantId,
      branchName,
    );
  }

  branchHead(pacticipantId: number, branchName: string): Promise<Version | undefined> {
    return this.maybe(
      'SELECT v.* FROM branch_heads h JOIN versions v ON v.id = h.version_id WHERE h.pacticipant_id = ? AND h.branch_name = ?',
      toVersion,
      pacticipantId,
      branchName,
    );
  }

  async branchesOfVersion(versionId: number): Promise<VersionLabel[]> {
    const rows = await this.all<{ name: string; head: number; created_at: string }>(
      'SELECT b.name AS name, bv.created_at AS created_at, (SELECT h.version_id FROM branch_heads h WHERE h.branch_id = b.id) AS head FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = ? ORDER BY bv.created_at, b.id',
      versionId,
    );
    return rows.map((r) => ({
      name: String(r.name),
      latest: Number(r.head) === versionId,
      createdAt: String(r.created_at),
    }));
  }

  async deleteBranch(b: Branch): Promise<void> {
    await this.run('DELETE FROM branches WHERE id = ?', b.id);
  }

  // ---------------------------------------------------------------- tags
  async addTag(pacticipantId: number, versionId: number, name: string): Promise<{ tag: Tag; created: boolean }> {
    const r = await this.get(
      'INSERT INTO tags (version_id, pacticipant_id, name, created_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      versionId,
      pacticipantId,
      name,
      now(),
    );
    if (r !== undefined)
      return { tag: { versionId, name: String(r.name), createdAt: String(r.created_at) }, created: true };
    return { tag: (await this.tag(versionId, name))!, created: false };
  }

  tag(versionId: number, name: string): Promise<Tag | undefined> {
    return this.maybe(
      'SELECT * FROM tags WHERE version_id = ? AND name = ?',
      (r) => ({ versionId, name: String(r.name), createdAt: String(r.created_at) }),
      versionId,
      name,
    );
  }

  async tagsOfVersion(versionId: number): Promise<VersionLabel[]> {
    const rows = await this.all<{ name: string; created_at: string; head: number }>(
      'SELECT t.name AS name, t.created_at AS created_at, (SELECT t2.version_id FROM tags t2 WHERE t2.pacticipant_id = t.pacticipant_id AND t2.name = t.name ORDER BY t2.version_id DESC LIMIT 1) AS head FROM tags t WHERE t.version_id = ? ORDER BY t.created_at',
      versionId,
    );
    return rows.map((r) => ({
      name: String(r.name),
      latest: Number(r.head) === versionId,
      createdAt: String(r.created_at),
    }));
  }

  async deleteTag(versionId: number, name: string): Promise<boolean> {
    return (await this.run('DELETE FROM tags WHERE version_id = ? AND name = ?', versionId, name)) > 0;
  }

  async tagFirstCreated(pacticipantId: number, tag: string): Promise<string | undefined> {
    const r = await this.get<{ t: string | null }>(
      'SELECT MIN(created_at) AS t FROM tags WHERE pacticipant_id = ? AND name = ?',
      pacticipantId,
      tag,
    );
    return r?.t === null || r?.t === undefined ? undefined : String(r.t);
  }

  // ---------------------------------------------------------------- pacts
  pactVersionById(id: number): Promise<PactVersion> {
    return this.one(`pact version ${id}`, 'SELECT * FROM pact_versions WHERE id = ?', toPactVersion, id);
  }

  async pactVersionSha(id: number): Promise<string> {
    return this.one(`pact version ${id}`, 'SELECT sha FROM pact_versions WHERE id = ?', (r) => String(r.sha), id);
  }

  pactVersionBySha(consumerId: number, providerId: number, sha: string): Promise<PactVersion | undefined> {
    return this.maybe(
      'SELECT * FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?',
      toPactVersion,
      consumerId,
      providerId,
      sha,
    );
  }

  publication(consumerVersionId: number, providerId: number): Promise<PactPublication | undefined> {
    return this.maybe(
      'SELECT * FROM pact_publications WHERE consumer_version_id = ? AND provider_id = ?',
      toPublication,
      consumerVersionId,
      providerId,
    );
  }

  publicationsOfVersion(consumerVersionId: number): Promise<PactPublication[]> {
    return this.many(
      'SELECT * FROM pact_publications WHERE consumer_version_id = ? ORDER BY provider_id',
      toPublication,
      consumerVersionId,
    );
  }

  latestPublication(consumerId: number, providerId: number): Promise<PactPublication | undefined> {
    return this.maybe(
      'SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? ORDER BY consumer_version_id DESC LIMIT 1',
      toPublication,
      providerId,
      consumerId,
    );
  }

  latestUntaggedPublication(consumerId: number, providerId: number): Promise<PactPublication | undefined> {
    return this.maybe(
      'SELECT pp.* FROM pact_publications pp WHERE pp.provider_id = ? AND pp.consumer_id = ? AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id) ORDER BY pp.consumer_version_id DESC LIMIT 1',
      toPublication,
      providerId,
      consumerId,
    );
  }

  publicationsOfIntegration(consumerId: number, providerId: number, limit = 100): Promise<PactPublication[]> {
    return this.many(
      'SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? ORDER BY consumer_version_id DESC LIMIT ?',
      toPublication,
      providerId,
      consumerId,
      limit,
    );
  }

  previousDistinctPublication(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
    pactVersionId: number,
  ): Promise<PactPublication | undefined> {
    return this.maybe(
      'SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? AND consumer_version_id < ? AND pact_version_id <> ? ORDER BY consumer_version_id DESC LIMIT 1',
      toPublication,
      providerId,
      consumerId,
      beforeVersionId,
      pactVersionId,
    );
  }

  nextPublication(
    consumerId: number,
    providerId: number,
    afterVersionId: number,
  ): Promise<PactPublication | undefined> {
    return this.maybe(
      'SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_id = ? AND consumer_version_id > ? ORDER BY consumer_version_id LIMIT 1',
      toPublication,
      providerId,
      consumerId,
      afterVersionId,
    );
  }

  publicationsOfPactVersion(pactVersionId: number): Promise<PactPublication[]> {
    return this.many(
      'SELECT * FROM pact_publications WHERE pact_version_id = ? ORDER BY consumer_version_id',
      toPublication,
      pactVersionId,
    );
  }

  async previousPactVersionIdWithTag(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
    tag: string,
  ): Promise<number | undefined> {
    const r = await this.get<{ pact_version_id: number }>(
      'SELECT pp.pact_version_id FROM pact_publications pp JOIN tags t ON t.version_id = pp.consumer_version_id AND t.name = ? WHERE pp.consumer_id = ? AND pp.provider_id = ? AND pp.consumer_version_id < ? ORDER BY pp.consumer_version_id DESC LIMIT 1',
      tag,
      consumerId,
      providerId,
      beforeVersionId,
    );
    return r === undefined ? undefined : Number(r.pact_version_id);
  }

  async previousUntaggedPactVersionId(
    consumerId: number,
    providerId: number,
    beforeVersionId: number,
  ): Promise<number | undefined> {
    const r = await this.get<{ pact_version_id: number }>(
      'SELECT pp.pact_version_id FROM pact_publications pp WHERE pp.consumer_id = ? AND pp.provider_id = ? AND pp.consumer_version_id < ? AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id) ORDER BY pp.consumer_version_id DESC LIMIT 1',
      consumerId,
      providerId,
      beforeVersionId,
    );
    return r === undefined ? undefined : Number(r.pact_version_id);
  }

  async consumerIdsOf(providerId: number): Promise<number[]> {
    return (
      await this.all<{ c: number }>(
        'SELECT consumer_id AS c FROM integrations WHERE provider_id = ? ORDER BY consumer_id',
        providerId,
      )
    ).map((r) => Number(r.c));
  }

  async providerIdsOf(consumerId: number): Promise<number[]> {
    return (
      await this.all<{ p: number }>(
        'SELECT provider_id AS p FROM integrations WHERE consumer_id = ? ORDER BY provider_id',
        consumerId,
      )
    ).map((r) => Number(r.p));
  }

  async integrations(): Promise<Integration[]> {
    // The latest publication of each integration, found through its index (not a scan of every publication).
    const rows = await this.all(
      `SELECT pp.* FROM integrations i ${this.dialect.orderedJoin} pact_publications pp ON pp.id = (
         SELECT p2.id FROM pact_publications p2 WHERE p2.provider_id = i.provider_id AND p2.consumer_id = i.consumer_id ORDER BY p2.consumer_version_id DESC LIMIT 1)
       ORDER BY i.consumer_id, i.provider_id`,
    );
    return rows.map((r) => {
      const latest = toPublication(r);
      return { consumerId: latest.consumerId, providerId: latest.providerId, latest };
    });
  }

  async headPublications(consumerId: number, providerId: number, since: string): Promise<HeadPublication[]> {
    return (await this.headPublicationsOf([consumerId], providerId, since)).get(consumerId) ?? [];
  }

  async publishPact(
    consumer: Pacticipant,
    consumerVersion: Version,
    provider: Pacticipant,
    pact: Record<string, unknown>,
    allowOverwrite: boolean,
    opts: { versionCreated?: boolean } = {},
  ): Promise<PublishResult> {
    const sha = contentSha(pact);
    // A version created in this transaction has no pact yet: no need to look.
    const existing = opts.versionCreated === true ? undefined : await this.publication(consumerVersion.id, provider.id);
    let previous: PactVersion | undefined;
    if (existing !== undefined) {
      previous = await this.pactVersionById(existing.pactVersionId);
      if (previous.sha === sha) return { outcome: 'same', publication: existing, pactVersion: previous, previous };
      if (!allowOverwrite) return { outcome: 'conflict', publication: existing, pactVersion: undefined, previous };
    }
    const pv = await this.storePactVersion(consumer.id, provider.id, sha, pact);
    if (existing !== undefined) {
      const publication = await this.one(
        `publication ${existing.id}`,
        'UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, created_at = ? WHERE id = ? RETURNING *',
        toPublication,
        pv.id,
        now(),
        existing.id,
      );
      return { outcome: 'overwritten', publication, pactVersion: pv, previous };
    }
    const publication = await this.insertPublication(consumer.id, provider.id, consumerVersion.id, pv.id);
    return { outcome: 'created', publication, pactVersion: pv };
  }

  /** The pair's pact version with this content (sha), stored now if it is new. */
  private async storePactVersion(
    consumerId: number,
    providerId: number,
    sha: string,
    pact: Record<string, unknown>,
  ): Promise<PactVersion> {
    const insert =
      'INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING *';
    if (this.dialect.writableCte) {
      // Insert-or-read in one statement. The read sees the rows committed before the statement began, never the
      // one the insert adds; a row committed by a concurrent publish since then is read below.
      const r = await this.get(
        `WITH ins AS (${insert}) SELECT * FROM ins UNION ALL SELECT * FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?`,
        consumerId,
        providerId,
        sha,
        JSON.stringify(withInteractionIds(pact)),
        now(),
        consumerId,
        providerId,
        sha,
      );
      if (r !== undefined) return toPactVersion(r);
    } else {
      const pv = await this.pactVersionBySha(consumerId, providerId, sha);
      if (pv !== undefined) return pv;
      const r = await this.get(insert, consumerId, providerId, sha, JSON.stringify(withInteractionIds(pact)), now());
      if (r !== undefined) return toPactVersion(r);
    }
    // Inserted by a concurrent transaction meanwhile (the insert waited for it to commit).
    return (await this.pactVersionBySha(consumerId, providerId, sha))!;
  }

  /** A new publication, and the integration of its pair if there is none. */
  private async insertPublication(
    consumerId: number,
    providerId: number,
    consumerVersionId: number,
    pactVersionId: number,
  ): Promise<PactPublication> {
    // An upsert, not DO NOTHING: it waits for a concurrent deletePublication holding the row, then re-creates it.
    const integration =
      'INSERT INTO integrations (consumer_id, provider_id, created_at) VALUES (?,?,?) ON CONFLICT (provider_id, consumer_id) DO UPDATE SET created_at = integrations.created_at';
    const publication =
      'INSERT INTO pact_publications (consumer_id, provider_id, consumer_version_id, pact_version_id, revision, created_at) VALUES (?,?,?,?,1,?) RETURNING *';
    const t = now();
    const params = [consumerId, providerId, consumerVersionId, pactVersionId, t];
    if (this.dialect.writableCte)
      return this.one(
        'new publication',
        `WITH i AS (${integration}) ${publication}`,
        toPublication,
        consumerId,
        providerId,
        t,
        ...params,
      );
    await this.run(integration, consumerId, providerId, t);
    return this.one('new publication', publication, toPublication, ...params);
  }

  async deletePublication(pub: PactPublication): Promise<void> {
    // The consumer version first, as a publisher locks it (a branch head moving to it waits: see branch_head_pacts).
    await this.get(`SELECT id FROM versions WHERE id = ?${this.dialect.lockRead}`, pub.consumerVersionId);
    await this.all(
      `SELECT provider_id FROM integrations WHERE provider_id = ? AND consumer_id = ?${this.dialect.lockRead}`,
      pub.providerId,
      pub.consumerId,
    );
    await this.run('DELETE FROM pact_publications WHERE id = ?', pub.id);
    await this.run(
      'DELETE FROM integrations WHERE consumer_id = ? AND provider_id = ? AND NOT EXISTS (SELECT 1 FROM pact_publications WHERE consumer_id = ? AND provider_id = ?)',
      pub.consumerId,
      pub.providerId,
      pub.consumerId,
      pub.providerId,
    );
  }

  // ---------------------------------------------------------------- verifications
  async createVerification(fields: NewVerification): Promise<Verification> {
    await this.get(`SELECT id FROM pact_versions WHERE id = ?${this.dialect.lockRead}`, fields.pactVersion.id);
    const n = Number(
      (
        await this.get<{ n: number }>(
          'SELECT COALESCE(MAX(number), 0) + 1 AS n FROM verifications WHERE pact_version_id = ?',
          fields.pactVersion.id,
        )
      )?.n ?? 1,
    );
    return this.one(
      'new verification',
      'INSERT INTO verifications (pact_version_id, provider_version_id, provider_id, consumer_id, number, success, build_url, test_results, verified_by, wip, pending, consumer_version_numbers, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING *',
      toVerification,
      fields.pactVersion.id,
      fields.providerVersion.id,
      fields.pactVersion.providerId,
      fields.pactVersion.consumerId,
      n,
      bit(fields.success),
      fields.buildUrl,
      fields.testResults === undefined ? null : JSON.stringify(fields.testResults),
      fields.verifiedBy === undefined ? null : JSON.stringify(fields.verifiedBy),
      bit(fields.wip),
      fields.pending === null ? null : bit(fields.pending),
      JSON.stringify(fields.consumerVersionNumbers),
      now(),
    );
  }

  verificationById(id: number): Promise<Verification | undefined> {
    return this.maybe('SELECT * FROM verifications WHERE id = ?', toVerification, id);
  }

  verificationByNumber(pactVersionId: number, number: number): Promise<Verification | undefined> {
    return this.maybe(
      'SELECT * FROM verifications WHERE pact_version_id = ? AND number = ?',
      toVerification,
      pactVersionId,
      number,
    );
  }

  latestVerificationsPerProviderVersion(pactVersionId: number): Promise<Verification[]> {
    return this.many(
      'SELECT v.* FROM verifications v JOIN (SELECT provider_version_id, MAX(id) AS id FROM verifications WHERE pact_version_id = ? GROUP BY provider_version_id) m ON m.id = v.id ORDER BY v.provider_version_id DESC',
      toVerification,
      pactVersionId,
    );
  }

  latestVerificationFor(pactVersionId: number, providerVersionId: number): Promise<Verification | undefined> {
    return this.maybe(
      'SELECT * FROM verifications WHERE pact_version_id = ? AND provider_version_id = ? ORDER BY id DESC LIMIT 1',
      toVerification,
      pactVersionId,
      providerVersionId,
    );
  }

  async hasVerificationForIntegration(consumerId: number, providerId: number): Promise<boolean> {
    return (
      (await this.get(
        'SELECT 1 AS x FROM verifications WHERE provider_id = ? AND consumer_id = ? LIMIT 1',
        providerId,
        consumerId,
      )) !== undefined
    );
  }

  latestVerificationOfPactVersion(pactVersionId: number): Promise<Verification | undefined> {
    return this.maybe(
      'SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1',
      toVerification,
      pactVersionId,
    );
  }

  verificationsByProviderVersion(providerVersionId: number): Promise<Verification[]> {
    return this.many(
      'SELECT v.* FROM verifications v JOIN (SELECT pact_version_id, MAX(id) AS id FROM verifications WHERE provider_version_id = ? GROUP BY pact_version_id) m ON m.id = v.id ORDER BY v.id',
      toVerification,
      providerVersionId,
    );
  }

  async successfullyVerifiedPactVersionIds(providerId: number, opts: VerifiedFilter = {}): Promise<Set<number>> {
    let q = 'SELECT DISTINCT v.pact_version_id AS id FROM verifications v WHERE v.provider_id = ? AND v.success = TRUE';
    const params: SqlParam[] = [providerId];
    if (opts.excludeWip === true) q += ' AND v.wip = FALSE';
    if (opts.before !== undefined) {
      q += ' AND v.created_at < ?';
      params.push(opts.before);
    }
    if (opts.providerBranchId !== undefined) {
      q +=
        ' AND EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.branch_id = ? AND bv.version_id = v.provider_version_id)';
      params.push(opts.providerBranchId);
    }
    if (opts.providerTag !== undefined) {
      q += ' AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.provider_version_id AND t.name = ?)';
      params.push(opts.providerTag);
    }
    return new Set((await this.all<{ id: number }>(q, ...params)).map((r) => Number(r.id)));
  }

  // ---------------------------------------------------------------- environments
  environments(): Promise<Environment[]> {
    return this.many(`SELECT * FROM environments ORDER BY name${this.dialect.byteOrder}`, toEnvironment);
  }

  environment(uuid: string): Promise<Environment | undefined> {
    return this.maybe('SELECT * FROM environments WHERE uuid = ?', toEnvironment, uuid);
  }

  environmentByName(name: string): Promise<Environment | undefined> {
    return this.maybe('SELECT * FROM environments WHERE name = ?', toEnvironment, name);
  }

  environmentById(id: number): Promise<Environment> {
    return this.one(`environment ${id}`, 'SELECT * FROM environments WHERE id = ?', toEnvironment, id);
  }

  async createEnvironment(fields: EnvironmentFields): Promise<Environment> {
    const t = now();
    const r = await this.get(
      'INSERT INTO environments (uuid, name, display_name, production, contacts, created_at, updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      fields.uuid ?? crypto.randomUUID(),
      fields.name,
      fields.displayName ?? generateDisplayName(fields.name),
      bit(fields.production),
      JSON.stringify(fields.contacts ?? []),
      t,
      t,
    );
    if (r === undefined)
      throw new StoreConflictError(`An environment with name '${fields.name}' (or that uuid) already exists`);
    return toEnvironment(r);
  }

  async updateEnvironment(env: Environment, fields: EnvironmentFields): Promise<Environment> {
    const other = await this.environmentByName(fields.name);
    if (other !== undefined && other.id !== env.id)
      throw new StoreConflictError(`Another environment with name '${fields.name}' already exists (${other.uuid})`);
    return this.one(
      `environment ${env.id}`,
      'UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?, updated_at = ? WHERE id = ? RETURNING *',
      toEnvironment,
      fields.name,
      fields.displayName ?? generateDisplayName(fields.name),
      bit(fields.production),
      JSON.stringify(fields.contacts ?? []),
      now(),
      env.id,
    );
  }

  async deleteEnvironment(env: Environment): Promise<void> {
    await this.run('DELETE FROM environments WHERE id = ?', env.id);
  }

  // ---------------------------------------------------------------- deployments and releases
  async recordDeployment(
    version: Version,
    env: Environment,
    applicationInstance: string | null,
  ): Promise<{ deployed: DeployedVersion; created: boolean }> {
    await this.lockPacticipant(version.pacticipantId);
    const current = await this.many(
      'SELECT * FROM deployed_versions WHERE environment_id = ? AND pacticipant_id = ? AND undeployed_at IS NULL AND application_instance IS NOT DISTINCT FROM ? ORDER BY id',
      toDeployed,
      env.id,
      version.pacticipantId,
      applicationInstance,
    );
    const same = current.find((d) => d.versionId === version.id);
    if (same !== undefined) return { deployed: same, created: false };
    const t = now();
    for (const d of current) await this.endRecord(DEPLOYED, d.id, t);
    const deployed = await this.one(
      'new deployment',
      'INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, application_instance, created_at) VALUES (?,?,?,?,?,?) RETURNING *',
      toDeployed,
      crypto.randomUUID(),
      version.id,
      version.pacticipantId,
      env.id,
      applicationInstance,
      t,
    );
    return { deployed, created: true };
  }

  deployedVersion(uuid: string): Promise<DeployedVersion | undefined> {
    return this.recordByUuid(DEPLOYED, uuid);
  }

  private async lockPacticipant(id: number): Promise<void> {
    await this.get(`SELECT id FROM pacticipants WHERE id = ?${this.dialect.lockRead}`, id);
  }

  async undeploy(d: DeployedVersion): Promise<DeployedVersion> {
    if (d.undeployedAt === null) await this.endRecord(DEPLOYED, d.id, now());
    return (await this.deployedVersion(d.uuid))!;
  }

  currentlyDeployed(envId: number | undefined, pacticipantId?: number): Promise<DeployedVersion[]> {
    return this.currentRecords(DEPLOYED, envId, pacticipantId);
  }

  deploymentsOfVersion(versionId: number): Promise<DeployedVersion[]> {
    return this.recordsOfVersion(DEPLOYED, versionId);
  }

  async recordRelease(version: Version, env: Environment): Promise<{ released: ReleasedVersion; created: boolean }> {
    await this.lockPacticipant(version.pacticipantId);
    const existing = await this.maybe(
      'SELECT * FROM released_versions WHERE version_id = ? AND environment_id = ?',
      toReleased,
      version.id,
      env.id,
    );
    if (existing !== undefined) {
      if (existing.supportEndedAt !== null)
        await this.run('UPDATE released_versions SET support_ended_at = NULL WHERE id = ?', existing.id);
      return { released: (await this.releasedVersion(existing.uuid))!, created: false };
    }
    const released = await this.one(
      'new release',
      'INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, created_at) VALUES (?,?,?,?,?) RETURNING *',
      toReleased,
      crypto.randomUUID(),
      version.id,
      version.pacticipantId,
      env.id,
      now(),
    );
    return { released, created: true };
  }

  releasedVersion(uuid: string): Promise<ReleasedVersion | undefined> {
    return this.recordByUuid(RELEASED, uuid);
  }

  async endSupport(rv: ReleasedVersion): Promise<ReleasedVersion> {
    if (rv.supportEndedAt === null) await this.endRecord(RELEASED, rv.id, now());
    return (await this.releasedVersion(rv.uuid))!;
  }

  currentlySupported(envId: number | undefined, pacticipantId?: number): Promise<ReleasedVersion[]> {
    return this.currentRecords(RELEASED, envId, pacticipantId);
  }

  releasesOfVersion(versionId: number): Promise<ReleasedVersion[]> {
    return this.recordsOfVersion(RELEASED, versionId);
  }

  async environmentsOfVersion(
    versionId: number,
  ): Promise<{ kind: 'deployed' | 'released'; environment: Environment }[]> {
    const rows = await this.all(
      `SELECT e.*, x.kind AS record_kind FROM (
         SELECT environment_id, 'deployed' AS kind, 0 AS k, id AS ord FROM deployed_versions WHERE version_id = ? AND undeployed_at IS NULL
         UNION ALL
         SELECT environment_id, 'released' AS kind, 1 AS k, id AS ord FROM released_versions WHERE version_id = ? AND support_ended_at IS NULL
       ) x JOIN environments e ON e.id = x.environment_id ORDER BY x.k, x.ord`,
      versionId,
      versionId,
    );
    return rows.map((r) => ({
      kind: r.record_kind === 'released' ? ('released' as const) : ('deployed' as const),
      environment: toEnvironment(r),
    }));
  }

  async versionDetails(versionIds: number[]): Promise<Map<number, VersionDetails>> {
    const out = new Map<number, VersionDetails>(
      versionIds.map((id) => [id, { branches: [], tags: [], environments: [] }]),
    );
    if (versionIds.length === 0) return out;
    const ids = JSON.stringify([...new Set(versionIds)]);
    const IN = this.dialect.inJsonIds;
    const [branches, tags, places] = await Promise.all([
      this.all(
        `SELECT bv.version_id AS vid, b.name AS name, bv.created_at AS created_at, (SELECT h.version_id FROM branch_heads h WHERE h.branch_id = b.id) AS head
         FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id ${IN} ORDER BY bv.version_id, bv.created_at, b.id`,
        ids,
      ),
      this.all(
        `SELECT t.version_id AS vid, t.name AS name, t.created_at AS created_at, (SELECT t2.version_id FROM tags t2 WHERE t2.pacticipant_id = t.pacticipant_id AND t2.name = t.name ORDER BY t2.version_id DESC LIMIT 1) AS head
         FROM tags t WHERE t.version_id ${IN} ORDER BY t.version_id, t.created_at`,
        ids,
      ),
      this.all(
        `SELECT e.*, x.vid AS vid, x.kind AS record_kind FROM (
           SELECT version_id AS vid, environment_id, 'deployed' AS kind, 0 AS k, id AS ord FROM deployed_versions WHERE version_id ${IN} AND undeployed_at IS NULL
           UNION ALL
           SELECT version_id AS vid, environment_id, 'released' AS kind, 1 AS k, id AS ord FROM released_versions WHERE version_id ${IN} AND support_ended_at IS NULL
         ) x JOIN environments e ON e.id = x.environment_id ORDER BY x.vid, x.k, x.ord`,
        ids,
        ids,
      ),
    ]);
    const label = (r: Row): VersionLabel => ({
      name: String(r.name),
      latest: Number(r.head) === Number(r.vid),
      createdAt: String(r.created_at),
    });
    for (const r of branches) out.get(Number(r.vid))?.branches.push(label(r));
    for (const r of tags) out.get(Number(r.vid))?.tags.push(label(r));
    for (const r of places)
      out.get(Number(r.vid))?.environments.push({
        kind: r.record_kind === 'released' ? 'released' : 'deployed',
        environment: toEnvironment(r),
      });
    return out;
  }

  async pactVersionShas(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.all(
      `SELECT id, sha FROM pact_versions WHERE id ${this.dialect.inJsonIds}`,
      JSON.stringify([...new Set(ids)]),
    );
    return new Map(rows.map((r) => [Number(r.id), String(r.sha)]));
  }

  async versionsByIds(ids: number[]): Promise<Map<number, Version>> {
    if (ids.length === 0) return new Map();
    const rows = await this.many(
      `SELECT * FROM versions WHERE id ${this.dialect.inJsonIds}`,
      toVersion,
      JSON.stringify([...new Set(ids)]),
    );
    return new Map(rows.map((v) => [v.id, v]));
  }

  async latestVerificationsOfPactVersions(pactVersionIds: number[]): Promise<Map<number, Verification>> {
    if (pactVersionIds.length === 0) return new Map();
    const rows = await this.many(
      `SELECT * FROM verifications WHERE id IN (SELECT MAX(id) FROM verifications WHERE pact_version_id ${this.dialect.inJsonIds} GROUP BY pact_version_id)`,
      toVerification,
      JSON.stringify([...new Set(pactVersionIds)]),
    );
    return new Map(rows.map((v) => [v.pactVersionId, v]));
  }

  versionsInEnvironment(envId: number, pacticipantId: number): Promise<Version[]> {
    return this.many(
      `SELECT * FROM versions WHERE id IN (
         SELECT version_id FROM deployed_versions WHERE environment_id = ? AND pacticipant_id = ? AND undeployed_at IS NULL
         UNION SELECT version_id FROM released_versions WHERE environment_id = ? AND pacticipant_id = ? AND support_ended_at IS NULL
       ) ORDER BY id DESC`,
      toVersion,
      envId,
      pacticipantId,
      envId,
      pacticipantId,
    );
  }

  private recordByUuid<T>(kind: EnvironmentRecordKind<T>, uuid: string): Promise<T | undefined> {
    return this.maybe(`SELECT * FROM ${kind.table} WHERE uuid = ?`, kind.fromRow, uuid);
  }

  private async endRecord<T>(kind: EnvironmentRecordKind<T>, id: number, at: string): Promise<void> {
    await this.run(`UPDATE ${kind.table} SET ${kind.endedColumn} = ? WHERE id = ?`, at, id);
  }

  private currentRecords<T>(
    kind: EnvironmentRecordKind<T>,
    envId: number | undefined,
    pacticipantId: number | undefined,
  ): Promise<T[]> {
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
    return this.many(`SELECT * FROM ${kind.table} WHERE ${where.join(' AND ')} ORDER BY id`, kind.fromRow, ...params);
  }

  private recordsOfVersion<T>(kind: EnvironmentRecordKind<T>, versionId: number): Promise<T[]> {
    return this.many(`SELECT * FROM ${kind.table} WHERE version_id = ? ORDER BY id`, kind.fromRow, versionId);
  }

  // ---------------------------------------------------------------- batched reads
  // The same reads for many keys in one statement. memo.ts turns the single reads one request makes at the same
  // moment (e.g. the providers of every pact of a version) into these: on PostgreSQL every statement is a round
  // trip, which costs more CPU (broker and server) than the lookup itself. The ids go in as `IN (?, ?, ...)`, padded
  // to a power of two (a few distinct prepared statements): the planner then knows how many there are (behind
  // one array parameter it guesses a hundred, and joined the heads of two consumers by hashing every publication
  // of the provider).

  private idList(ids: number[]): { sql: string; params: SqlParam[] } {
    return this.valueList(ids, this.dialect.inJsonIds);
  }

  private valueList<V extends number | string>(values: V[], inJson: string): { sql: string; params: SqlParam[] } {
    const unique = [...new Set(values)];
    if (unique.length > 512) return { sql: inJson, params: [JSON.stringify(unique)] };
    let n = 1;
    while (n < unique.length) n *= 2;
    const params = Array.from({ length: n }, (_, k) => unique[Math.min(k, unique.length - 1)] ?? null);
    return { sql: `IN (${params.map(() => '?').join(',')})`, params };
  }

  /**
   * ensurePacticipant() of several names (a publication's consumer and providers): one lookup for all of them, then
   * an insert for each one missing.
   */
  async ensurePacticipants(names: string[]): Promise<Map<string, Pacticipant>> {
    const list = this.valueList(names, this.dialect.inJsonTexts);
    const rows = await this.many(`SELECT * FROM pacticipants WHERE name ${list.sql}`, toPacticipant, ...list.params);
    const out = new Map(rows.map((p) => [p.name, p]));
    for (const name of names) if (!out.has(name)) out.set(name, await this.ensurePacticipant(name));
    return out;
  }

  async pacticipantsByIds(ids: number[]): Promise<Map<number, Pacticipant>> {
    if (ids.length === 0) return new Map();
    const list = this.idList(ids);
    const rows = await this.many(`SELECT * FROM pacticipants WHERE id ${list.sql}`, toPacticipant, ...list.params);
    return new Map(rows.map((p) => [p.id, p]));
  }

  /** publication() of several (consumer version, provider) pairs (rows of other combinations of them too). */
  publicationsOf(consumerVersionIds: number[], providerIds: number[]): Promise<PactPublication[]> {
    const [a, b] = [this.idList(consumerVersionIds), this.idList(providerIds)];
    return this.many(
      `SELECT * FROM pact_publications WHERE consumer_version_id ${a.sql} AND provider_id ${b.sql}`,
      toPublication,
      ...a.params,
      ...b.params,
    );
  }

  /** latestVerificationFor() of several (pact version, provider version) pairs (and other combinations of them). */
  latestVerificationsOf(pactVersionIds: number[], providerVersionIds: number[]): Promise<Verification[]> {
    const [a, b] = [this.idList(pactVersionIds), this.idList(providerVersionIds)];
    return this.many(
      `SELECT * FROM verifications WHERE id IN (SELECT MAX(id) FROM verifications WHERE pact_version_id ${a.sql} AND provider_version_id ${b.sql} GROUP BY pact_version_id, provider_version_id)`,
      toVerification,
      ...a.params,
      ...b.params,
    );
  }

  /** branchHead() of one branch name for several pacticipants, by pacticipant id. */
  async branchHeadsOf(pacticipantIds: number[], branchName: string): Promise<Map<number, Version>> {
    const list = this.idList(pacticipantIds);
    const rows = await this.many(
      `SELECT v.* FROM branch_heads h JOIN versions v ON v.id = h.version_id WHERE h.branch_name = ? AND h.pacticipant_id ${list.sql}`,
      toVersion,
      branchName,
      ...list.params,
    );
    return new Map(rows.map((v) => [v.pacticipantId, v]));
  }

  /** latestVersionWithTag() of one tag for several pacticipants, by pacticipant id. */
  async latestVersionsWithTag(pacticipantIds: number[], tag: string): Promise<Map<number, Version>> {
    const list = this.idList(pacticipantIds);
    const rows = await this.many(
      `SELECT * FROM versions WHERE id IN (SELECT MAX(version_id) FROM tags WHERE name = ? AND pacticipant_id ${list.sql} GROUP BY pacticipant_id)`,
      toVersion,
      tag,
      ...list.params,
    );
    return new Map(rows.map((v) => [v.pacticipantId, v]));
  }

  /** versionsInEnvironment() of several pacticipants, by pacticipant id (each newest first). */
  async versionsInEnvironmentOf(envId: number, pacticipantIds: number[]): Promise<Map<number, Version[]>> {
    const list = this.idList(pacticipantIds);
    const rows = await this.many(
      `SELECT * FROM versions WHERE id IN (
         SELECT version_id FROM deployed_versions WHERE environment_id = ? AND pacticipant_id ${list.sql} AND undeployed_at IS NULL
         UNION SELECT version_id FROM released_versions WHERE environment_id = ? AND pacticipant_id ${list.sql} AND support_ended_at IS NULL
       ) ORDER BY id DESC`,
      toVersion,
      envId,
      ...list.params,
      envId,
      ...list.params,
    );
    return groupBy(rows, (v) => v.pacticipantId);
  }

  /** currentlyDeployed() / currentlySupported() of several pacticipants, by pacticipant id (each oldest first). */
  async currentRecordsOf(
    kind: 'deployed' | 'released',
    envId: number | undefined,
    pacticipantIds: number[],
  ): Promise<Map<number, (DeployedVersion | ReleasedVersion)[]>> {
    const k: EnvironmentRecordKind<DeployedVersion | ReleasedVersion> = kind === 'deployed' ? DEPLOYED : RELEASED;
    const list = this.idList(pacticipantIds);
    const rows = await this.many(
      `SELECT * FROM ${k.table} WHERE ${envId === undefined ? '' : 'environment_id = ? AND '}pacticipant_id ${list.sql} AND ${k.endedColumn} IS NULL ORDER BY id`,
      k.fromRow,
      ...(envId === undefined ? [] : [envId]),
      ...list.params,
    );
    return groupBy(rows, (r) => r.pacticipantId);
  }

  /** headPublications() of several consumers, by consumer id (each: branch heads, then tag heads, by name). */
  async headPublicationsOf(
    consumerIds: number[],
    providerId: number,
    since: string,
  ): Promise<Map<number, HeadPublication[]>> {
    const J = this.dialect.orderedJoin;
    const list = this.idList(consumerIds);
    // Branch heads' pacts come from branch_head_pacts (kept by triggers), tag heads are computed (few).
    const rows = await this.all(
      `SELECT x.* FROM (
         SELECT 'branch' AS kind, consumer_id AS cid, branch_name AS name, version_id AS vid, version_number AS vnum, pact_publication_id AS ppid, pact_version_id AS pvid, published_at
         FROM branch_head_pacts WHERE provider_id = ? AND consumer_id ${list.sql} AND published_at >= ?
         UNION ALL
         SELECT 'tag' AS kind, h.cid AS cid, h.name AS name, pp.consumer_version_id AS vid, v.number AS vnum, pp.id AS ppid, pp.pact_version_id AS pvid, pp.created_at AS published_at FROM (
           SELECT pacticipant_id AS cid, name, MAX(version_id) AS vid FROM tags WHERE pacticipant_id ${list.sql} GROUP BY pacticipant_id, name
         ) h ${J} pact_publications pp ON pp.consumer_version_id = h.vid AND pp.provider_id = ?
         ${J} versions v ON v.id = pp.consumer_version_id
         WHERE pp.created_at >= ?
       ) x ORDER BY x.cid, x.kind, x.name${this.dialect.byteOrder}`,
      providerId,
      ...list.params,
      since,
      ...list.params,
      providerId,
      since,
    );
    return groupBy(
      rows.map((r) => ({
        kind: String(r.kind) === 'tag' ? ('tag' as const) : ('branch' as const),
        name: String(r.name),
        publication: {
          id: Number(r.ppid),
          consumerId: Number(r.cid),
          providerId,
          pactVersionId: Number(r.pvid),
          createdAt: String(r.published_at),
        },
        version: { id: Number(r.vid), pacticipantId: Number(r.cid), number: String(r.vnum) },
      })),
      (h) => h.version.pacticipantId,
    );
  }

  // ---------------------------------------------------------------- webhooks
  webhooks(): Promise<WebhookRecord[]> {
    return this.many('SELECT * FROM webhooks ORDER BY id', toWebhook);
  }

  webhook(uuid: string): Promise<WebhookRecord | undefined> {
    return this.maybe('SELECT * FROM webhooks WHERE uuid = ?', toWebhook, uuid);
  }

  async saveWebhook(uuid: string, fields: WebhookFields): Promise<{ webhook: WebhookRecord; created: boolean }> {
    const t = now();
    const values = [
      fields.description,
      fields.consumer === null ? null : JSON.stringify(fields.consumer),
      fields.provider === null ? null : JSON.stringify(fields.provider),
      JSON.stringify(fields.events),
      JSON.stringify(fields.request),
      bit(fields.enabled),
    ];
    const update = (): Promise<Row | undefined> =>
      this.get(
        'UPDATE webhooks SET description = ?, consumer = ?, provider = ?, events = ?, request = ?, enabled = ?, updated_at = ? WHERE uuid = ? RETURNING *',
        ...values,
        t,
        uuid,
      );
    const updated = await update();
    if (updated !== undefined) return { webhook: toWebhook(updated), created: false };
    const inserted = await this.get(
      'INSERT INTO webhooks (description, consumer, provider, events, request, enabled, uuid, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING *',
      ...values,
      uuid,
      t,
      t,
    );
    if (inserted !== undefined) return { webhook: toWebhook(inserted), created: true };
    // Created by a concurrent transaction between our update and insert: this one updates it.
    return { webhook: toWebhook((await update())!), created: false };
  }

  async deleteWebhook(uuid: string): Promise<boolean> {
    return (await this.run('DELETE FROM webhooks WHERE uuid = ?', uuid)) > 0;
  }

  createTriggeredWebhook(
    webhookUuid: string,
    eventName: string,
    context: Record<string, unknown>,
  ): Promise<TriggeredWebhook> {
    const t = now();
    return this.one(
      'new triggered webhook',
      'INSERT INTO triggered_webhooks (uuid, webhook_uuid, event_name, status, context, created_at, updated_at) VALUES (?,?,?,?,?,?,?) RETURNING *',
      toTriggered,
      crypto.randomUUID(),
      webhookUuid,
      eventName,
      'not_run',
      JSON.stringify(context),
      t,
      t,
    );
  }

  triggeredWebhook(uuid: string): Promise<TriggeredWebhook | undefined> {
    return this.maybe('SELECT * FROM triggered_webhooks WHERE uuid = ?', toTriggered, uuid);
  }

  triggeredWebhooksOf(webhookUuid: string, limit = 50): Promise<TriggeredWebhook[]> {
    return this.many(
      'SELECT * FROM triggered_webhooks WHERE webhook_uuid = ? ORDER BY id DESC LIMIT ?',
      toTriggered,
      webhookUuid,
      limit,
    );
  }

  async setTriggeredStatus(id: number, status: string): Promise<void> {
    await this.run('UPDATE triggered_webhooks SET status = ?, updated_at = ? WHERE id = ?', status, now(), id);
  }

  async addExecution(triggeredId: number, attempt: number, success: boolean, logs: string): Promise<void> {
    await this.run(
      'INSERT INTO webhook_executions (triggered_webhook_id, attempt, success, logs, created_at) VALUES (?,?,?,?,?)',
      triggeredId,
      attempt,
      bit(success),
      logs,
      now(),
    );
  }

  executions(triggeredId: number): Promise<WebhookExecution[]> {
    return this.many(
      'SELECT * FROM webhook_executions WHERE triggered_webhook_id = ? ORDER BY id',
      toExecution,
      triggeredId,
    );
  }

  // ---------------------------------------------------------------- metrics
  async counts(): Promise<StoreCounts> {
    const r = (await this.get(
      `SELECT ${COUNTED_TABLES.map(([k, t]) => `(SELECT COUNT(*) FROM ${t}) AS "${k}"`).join(', ')}`,
    ))!;
    return Object.fromEntries(COUNTED_TABLES.map(([k]) => [k, Number(r[k] ?? 0)])) as unknown as StoreCounts;
  }
}
