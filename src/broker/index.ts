// Public API of the cxpact broker: start it in-process (tests, demo), or use the app (no socket) over a store.
export { startBroker, isLoopbackHost, DEFAULT_DB_FILE, type StartBrokerOptions, type RunningBroker } from './server';
export { BrokerApp, DEFAULT_MAX_BODY_BYTES, type BrokerAppOptions, type BrokerAuthConfig } from './app';
export {
  openStore,
  SqliteStore,
  PostgresStore,
  isPostgresUrl,
  redactDatabaseUrl,
  type OpenStoreOptions,
} from './store';
export type { BrokerStore, BrokerReads, BrokerTx, BrokerWrites, StoreKind } from './store/types';
