// The embedded store: SQLite through node:sqlite (no native addon), WAL, numbered migrations (PRAGMA user_version).
// Two connections to one file: a writer for transactions (BEGIN IMMEDIATE, one at a time in this process) and a
// query-only reader for everything else, so a request never sees another request's uncommitted writes.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite';
import { SqlStore, type Row, type SqlDialect, type SqlExec, type SqlParam } from './sql';
import type { BrokerStore, BrokerTx } from './types';

const DIALECT: SqlDialect = {
  orderedJoin: 'CROSS JOIN',
  byteOrder: '',
  lockRead: '',
  inJsonIds: 'IN (SELECT value FROM json_each(?))',
  writableCte: false,
  inJsonTexts: 'IN (SELECT value FROM json_each(?))',
};

class SqliteExec implements SqlExec {
  private readonly cache = new Map<string, StatementSync>();
  constructor(readonly db: DatabaseSync) {}

  private stmt(sql: string): StatementSync {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  get<T = Row>(sql: string, params: SqlParam[] = []): Promise<T | undefined> {
    try {
      return Promise.resolve(this.stmt(sql).get(...(params as SQLInputValue[])) as T | undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  all<T = Row>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    try {
      return Promise.resolve(this.stmt(sql).all(...(params as SQLInputValue[])) as T[]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(sql: string, params: SqlParam[] = []): Promise<number> {
    try {
      return Promise.resolve(Number(this.stmt(sql).run(...(params as SQLInputValue[])).changes));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  clear(): void {
    this.cache.clear();
  }
}

function configure(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL mode: a commit is durable once the process has written it (a killed process loses nothing it
  // acknowledged); only a power cut can lose the last commits.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  // Reads straight from the memory-mapped file (no read() per page) and a larger page cache: one answer touches a
  // few hundred pages spread over a large file (pacts for verification at a million versions: 3x faster).
  db.exec('PRAGMA mmap_size = 1073741824');
  db.exec('PRAGMA cache_size = -32768');
}

function migrate(db: DatabaseSync): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as Row).user_version ?? 0);
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `The database has schema version ${current}, newer than this cxpact knows (${SQLITE_MIGRATIONS.length}); upgrade cxpact.`,
    );
  }
  for (let i = current; i < SQLITE_MIGRATIONS.length; i++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have migrated between our read and our lock.
      const now = Number((db.prepare('PRAGMA user_version').get() as Row).user_version ?? 0);
      if (now > i) {
        db.exec('COMMIT');
        continue;
      }
      db.exec(SQLITE_MIGRATIONS[i]!);
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** Serialises async critical sections (one write transaction at a time on the writer connection). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export class SqliteStore extends SqlStore implements BrokerStore {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  private readonly writer: SqliteExec;
  private readonly reader: SqliteExec;
  private readonly txStore: SqlStore;
  private readonly mutex = new Mutex();
  private closed = false;

  private constructor(file: string, writer: DatabaseSync, reader: DatabaseSync) {
    const readerExec = reader === writer ? undefined : new SqliteExec(reader);
    const writerExec = new SqliteExec(writer);
    super(readerExec ?? writerExec, DIALECT);
    this.writer = writerExec;
    this.reader = readerExec ?? writerExec;
    this.txStore = new SqlStore(writerExec, DIALECT);
    this.description = `sqlite:${file}`;
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(file: string): SqliteStore {
    const memory = file === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const writer = new DatabaseSync(file);
    try {
      configure(writer);
      migrate(writer);
    } catch (error) {
      writer.close();
      throw error;
    }
    if (memory) return new SqliteStore(file, writer, writer);
    const reader = new DatabaseSync(file);
    configure(reader);
    reader.exec('PRAGMA query_only = ON');
    return new SqliteStore(file, writer, reader);
  }

  tx<T>(fn: (t: BrokerTx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.closed) throw new Error('The broker store is closed.');
      const db = this.writer.db;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.txStore);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        try {
          db.exec('ROLLBACK');
        } catch {
          /* already rolled back */
        }
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let a transaction in progress finish first.
    await this.mutex.run(async () => {
      this.closed = true;
    });
    this.writer.clear();
    this.reader.clear();
    if (this.reader !== this.writer) this.reader.db.close();
    try {
      this.writer.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      /* best effort */
    }
    this.writer.db.close();
  }
}
