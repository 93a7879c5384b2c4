// The public library surface of the `cxpact` package: `import { defineProvider, startBroker } from 'cxpact'`.
// Explicit named exports only, so every name here is a deliberate promise; anything else under src/ is internal
// and may change. The `cxpact` command (bin/cxpact.js) is the other half of the package.

import type { RunningBroker, StartBrokerOptions } from './broker';

// Errors every cxpact function throws (code, file, JSON path, fix) and the formatter the CLI prints them with
export { CxpactError } from './core/errors';
export { formatError } from './cli/render';
export type { CxpactErrorOptions, ErrorLocation } from './core/errors';

// Budgets and limits of evaluating definitions (README "Limits and budgets"): the `limits` option of
// runConsumerContracts and lintDataActions, and the error a budget or limit raises
export { DEFAULT_LIMITS, LimitExceededError, resolveLimits } from './core/limits';
export type { Limits } from './core/limits';

// Data Action engine: parse/load definitions (JSON, Platform API, Terraform), render requests, translate responses
export { parseDefinitionFile, parseJsonDefinition, slugFromFile } from './core/data-action';
export { loadDataActions } from './io/files';
export type { ParseResult } from './core/data-action';
export { renderRequest, translateResponse, translateResponseAsync, stopJsonataWorker } from './core/data-action';
export type { RenderRequestOptions, TranslateOptions, TranslationResult, TranslatedVariable } from './core/data-action';

// Data Action engine: input/output contract validation and the response fields a translation reads
export { validateInput, validateOutput, responseFieldsRead } from './core/data-action';
export type { SchemaIssue, FieldRead, PathStep } from './core/data-action';

// Data Action model shared by every module
export type {
  DataAction,
  DataActionRequest,
  DataActionResponse,
  DefinitionFormat,
  HttpMethod,
  JsonSchema,
  RawResponse,
  RenderedRequest,
  SecretHeader,
} from './core/data-action';

// Consumer contracts: the generated run (`cxpact consumer`) and single cases for hand-written consumer tests
export { runConsumerContracts } from './io/consumer-run';
export { defaultEngine } from './io/default-engine';
export { loadAction, runActionCase } from './io/action-case';
export { executeInteraction, writePact } from './io/pact-ffi';
export type { ConsumerReport, ConsumerRunOptions } from './io/consumer-run';
export type { DataActionEngine } from './core/contract/engine';
export type { ActionCaseResult } from './io/action-case';
export type { ContractCase, CaseKind, ProviderState } from './core/contract/cases';
export type { InteractionSpec, InteractionRequest, InteractionResponse } from './core/contract/interaction';

// Consumer contracts: Pact matchers as plain data
export { like, integer, decimal, boolean, regex, eachLike } from './core/contract/matchers';
export type { Matcher, MatchableJson } from './core/contract/matchers';

// Provider verification: the config helper for providers/<name>/provider.config.ts and the verifier
export { defineProvider, loadProviderConfig } from './io/verifier/config';
export { verifyProvider } from './io/verifier/run';
export { formatSummary } from './cli/render/verification';
export type {
  WrittenProviderConfig,
  LoadedProviderConfig,
  CredentialSpec,
  RequestFilter,
  FilterRequest,
} from './io/verifier/config';
export type { PactSource, VerifyRequest, VerifyOutcome } from './io/verifier/run';
export type { VerificationSummary } from './core/verify/hints';
export type { StateHandlers } from './io/verifier/config';

// Recorded checks of third-party APIs: compare recordings with the pacts (`cxpact check-recorded`)
export { checkRecorded, summariseCheck } from './core/recorded/check';
export { loadRecordConfig } from './io/recorder/config';
export { loadPactsFromFiles } from './io/recorder/pacts';
export { readRecordings, recordingsDir } from './io/recorder/store';
export type { CheckInput, CheckSummary, InteractionVerdict } from './core/recorded/check';
export type { Finding, LoadedPact, LoadedRecording } from './core/recorded/model';
export type { RecordConfig } from './io/recorder/config';

// The local Pact Broker (real HTTP server over node:sqlite or PostgreSQL), loaded when started
export type { StartBrokerOptions, RunningBroker };

/**
 * Starts the local Pact Broker in this process. Its HTTP server, router and database clients load only then:
 * importing 'cxpact' (a provider config's defineProvider, a consumer test) does not pay for them.
 * @example const broker = await startBroker({ port: 0 }); console.log(broker.url); await broker.close();
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const broker = await import('./broker');
  return broker.startBroker(options);
}

// The deployment gate
export { canIDeploy } from './io/broker-client/can-i-deploy';
export { recordDeployment } from './io/broker-client/record-deployment';
export type { CanIDeployRequest, CanIDeployResult } from './io/broker-client/can-i-deploy';
export type { RecordDeploymentRequest, RecordDeploymentResult } from './io/broker-client/record-deployment';
export type { BrokerTarget } from './io/broker-client/target';

// The command line, callable in-process (exit code out, output through io)
export { runCli } from './cli/main';
export type { CliIO, Command } from './cli/command';
