// The shared store: PostgreSQL through pg (pure JavaScript). Several broker processes on one database are one
// broker: every write runs in a transaction (READ COMMITTED) whose read-then-write steps lock the row that orders
// them and whose inserts are upserts or unique-checked (see SqlStore), so concurrent publishes through different
// processes neither lose nor duplicate anything; a transaction that meets a deadlock or serialisation failure is
// retried whole. Migrations run at start under an advisory lock, so processes starting at once apply each once.
//
// Why not SERIALIZABLE: new versions, publications and branch memberships all land on the rightmost pages of the
// same indexes, which PostgreSQL's serialisable isolation reads as conflicts between unrelated publishes; under
// 8 concurrent publishes most transactions were aborted and retried. Explicit row locks order exactly the
// transactions that touch the same thing.
import crypto from 'node:crypto';
import pg from 'pg';
import { PG_MIGRATIONS } from '../migrations/postgres';
import {
  SqlStore,
  StoreConflictError,
  StoreInputError,
  type Row,
  type SqlDialect,
  type SqlExec,
  type SqlParam,
} from './sql';
import type { BrokerStore, BrokerTx } from './types';

const DIALECT: SqlDialect = {
  orderedJoin: 'JOIN',
  byteOrder: ' COLLATE "C"',
  lockRead: ' FOR NO KEY UPDATE',
  // `= ANY(ARRAY(...))`, not `IN (SELECT ...)`: the array is computed once and probed through the index; the IN
  // form was planned as a hash semi-join over a sequential scan (every tag / every pact version's row).
  inJsonIds: '= ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb)::bigint))',
  writableCte: true,
  inJsonTexts: '= ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))',
};

/** pg_advisory_lock key for migrations: ('cxpa', 1). */
const MIGRATION_LOCK: [number, number] = [0x63787061, 1];
const MIGRATIONS_TABLE = 'cxpact_schema_migrations';
/** SQLSTATEs worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 12;

// Row values as the SQLite store returns them: bigint ids and counts as numbers (ids stay far below 2^53),
// timestamps as ISO-8601 strings.
const parseTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (s: string) => Date;
/** The session runs with TimeZone=UTC and DateStyle=ISO: `2026-05-20 04:13:14.123+00` -> `2026-05-20T04:13:14.123Z`. */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;
const isoTimestamp = (s: string): string => {
  const m = UTC_TEXT.exec(s);
  return m === null ? parseTimestamp(s).toISOString() : `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
};
const TYPE_PARSERS: Record<number, (s: string) => unknown> = {
  [pg.types.builtins.INT8]: (s) => Number(s),
  [pg.types.builtins.TIMESTAMPTZ]: isoTimestamp,
};
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    format !== 'binary' && TYPE_PARSERS[oid] !== undefined
      ? TYPE_PARSERS[oid]
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** `?` placeholders -> `$1..$n` (outside quoted strings and identifiers), cached with a prepared-statement name. */
const converted = new Map<string, { name: string; text: string }>();
function toPg(sql: string): { name: string; text: string } {
  let c = converted.get(sql);
  if (c === undefined) {
    let n = 0;
    let out = '';
    let quote: string | undefined;
    for (const ch of sql) {
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
        out += ch;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
        out += ch;
      } else if (ch === '?') out += `$${++n}`;
      else out += ch;
    }
    c = { name: `cx_${crypto.createHash('sha1').update(out).digest('hex').slice(0, 20)}`, text: out };
    converted.set(sql, c);
  }
  return c;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Unique violations become StoreConflictError (409); values PostgreSQL cannot take become StoreInputError (400). */
function translate(error: unknown): never {
  const e = error as { code?: string; detail?: string; message?: string };
  if (e.code === '23505') throw new StoreConflictError(e.detail ?? e.message ?? 'unique constraint violated');
  // 22021/22P05: a character the database cannot store (NUL); 22P02/22003: not a number / out of range.
  if (e.code === '22021' || e.code === '22P05')
    throw new StoreInputError('A value contains a character that cannot be stored (NUL).');
  if (e.code === '22P02' || e.code === '22003')
    throw new StoreInputError(`A value is not a valid number or is out of range (${e.message ?? e.code}).`);
  throw error;
}

class PgExec implements SqlExec {
  constructor(private readonly db: Queryable) {}

  private async query(sql: string, params: SqlParam[]): Promise<pg.QueryResult> {
    const { name, text } = toPg(sql);
    try {
      return await this.db.query({ name, text, values: params });
    } catch (error) {
      return translate(error);
    }
  }

  async get<T = Row>(sql: string, params: SqlParam[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T = Row>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async run(sql: string, params: SqlParam[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
}

/** Removes the password from a connection URL (for logs and errors). */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]*):[^@]*@/, '://$1:***@');
  }
}

export interface PostgresStoreOptions {
  /** Connections in this process's pool. Default 10. */
  poolSize?: number;
  log?: (line: string) => void;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const applied = new Set(
        (await client.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows.map((r) =>
          Number(r.version),
        ),
      );
      const newest = Math.max(0, ...applied);
      const known = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
      if (newest > known)
        throw new Error(
          `The database has schema version ${newest}, newer than this cxpact knows (${known}); upgrade cxpact.`,
        );
      for (const m of PG_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK);
    }
  } finally {
    client.release();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class PostgresStore extends SqlStore implements BrokerStore {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    super(new PgExec(pool), DIALECT);
    this.description = redactDatabaseUrl(url);
  }

  /** Connects, applies pending migrations (under an advisory lock) and returns the store. */
  static async open(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    // Parallel query off for the broker's sessions: its statements are short index lookups, and a parallel plan
    // (chosen for the WIP heads of a few consumers) started two workers per statement, slower on a busy server.
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      types,
      options: '-c TimeZone=UTC -c DateStyle=ISO -c max_parallel_workers_per_gather=0',
      application_name: 'cxpact-broker',
    });
    // An idle connection that breaks (server restart) must not crash the broker; the pool replaces it.
    pool.on('error', (error) => opts.log?.(`[broker] database connection error: ${error.message}`));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, url);
  }

  async tx<T>(fn: (t: BrokerTx) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('The broker store is closed.');
    const client = await this.pool.connect();
    let broken = false;
    try {
      const t = new SqlStore(new PgExec(client), DIALECT);
      for (let attempt = 1; ; attempt++) {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        try {
          const result = await fn(t);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true; // the connection is gone; the pool must not hand it out again
            throw error;
          }
          const code = (error as { code?: string }).code;
          if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
          // Back off with jitter so the transactions that collided do not collide again.
          await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
        }
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
