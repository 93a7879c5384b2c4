// Public API of the cxpact broker: start it in-process (tests, demo) or use the pure app over a store.
export { startBroker, DEFAULT_DB_FILE, type StartBrokerOptions, type RunningBroker } from './server';
export { BrokerApp, DEFAULT_MAX_BODY_BYTES, type BrokerAppOptions, type BrokerAuthConfig } from './app';
export { Store } from './store';
export type { BrokerRequest, BrokerResponse } from './http';
