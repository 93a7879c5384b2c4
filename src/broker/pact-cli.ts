// The official `pact` CLI runner lives in the broker client (src/io/broker-client/pact-cli.ts); this re-export
// keeps the older import path of the broker tests working.
export { pactCliEntry as pactCliPath, runPactCli } from '../io/broker-client/pact-cli';
export type { PactCliResult } from '../io/broker-client/pact-cli';
