// Opening a broker store: PostgreSQL for a URL (postgres:// or postgresql://), SQLite for a file (the default).
import { PostgresStore, redactDatabaseUrl, type PostgresStoreOptions } from './postgres';
import { SqliteStore } from './sqlite';
import type { BrokerStore } from './types';

export * from './types';
export { StoreConflictError, generateDisplayName } from './sql';
export { SqliteStore } from './sqlite';
export { PostgresStore, redactDatabaseUrl } from './postgres';

export interface OpenStoreOptions extends PostgresStoreOptions {
  /** SQLite database file (used when no databaseUrl is given). */
  dbFile?: string;
  /** postgres://user:password@host:port/database (the Pact Broker's PACT_BROKER_DATABASE_URL). */
  databaseUrl?: string;
}

export const DEFAULT_DB_FILE = '.pact-broker/broker.sqlite';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the store the options name and applies pending schema migrations. */
export async function openStore(opts: OpenStoreOptions): Promise<BrokerStore> {
  if (opts.databaseUrl !== undefined) {
    if (!isPostgresUrl(opts.databaseUrl)) {
      throw new Error(
        `Unsupported database URL ${redactDatabaseUrl(opts.databaseUrl)}: only postgres:// (or postgresql://) URLs are supported; use --db <file> for SQLite.`,
      );
    }
    return PostgresStore.open(opts.databaseUrl, opts);
  }
  return SqliteStore.open(opts.dbFile ?? DEFAULT_DB_FILE);
}
