// The public library surface of the `cxpact` package: `import { defineProvider, startBroker } from 'cxpact'`.
// Explicit named exports only, so every name here is a deliberate promise; anything else under src/ is internal
// and may change. The `cxpact` command (bin/cxpact.js) is the other half of the package.

import type { RunningBroker, StartBrokerOptions } from './broker';

// Errors every cxpact function throws (code, file, JSON path, fix) and the formatter the CLI prints them with
export { CxpactError, formatError } from './shared/errors';
export type { CxpactErrorOptions, ErrorLocation } from './shared/errors';

// Budgets and limits of evaluating definitions (README "Limits and budgets"): the `limits` option of
// runConsumerContracts and lintDataActions, and the error a budget or limit raises
export { DEFAULT_LIMITS, LimitExceededError, resolveLimits } from './shared/limits';
export type { Limits } from './shared/limits';

// Data Action engine: parse/load definitions (JSON, Platform API, Terraform), render requests, translate responses
export { loadDataActions, parseDefinitionFile, parseJsonDefinition, slugFromFile } from './data-action';
export type { ParseResult } from './data-action';
export { renderRequest, translateResponse, translateResponseAsync, stopJsonataWorker } from './data-action';
export type { RenderRequestOptions, TranslateOptions, TranslationResult, TranslatedVariable } from './data-action';

// Data Action engine: input/output contract validation and the response fields a translation reads
export { validateInput, validateOutput, responseFieldsRead } from './data-action';
export type { SchemaIssue, FieldRead, PathStep } from './data-action';

// Data Action model shared by every module
export type { DataAction, DataActionRequest, DataActionResponse, DefinitionFormat, HttpMethod, JsonSchema, RawResponse, RenderedRequest, SecretHeader } from './data-action';

// Consumer contracts: the generated run (`cxpact consumer`) and single cases for hand-written consumer tests
export { runConsumerContracts, defaultEngine, loadAction, runActionCase, executeInteraction, writePact } from './contract';
export type { ConsumerReport, ConsumerRunOptions, DataActionEngine, ActionCaseResult, ContractCase, CaseKind, ProviderState, InteractionSpec, InteractionRequest, InteractionResponse } from './contract';

// Consumer contracts: Pact matchers as plain data
export { like, integer, decimal, boolean, regex, eachLike } from './contract';
export type { Matcher, MatchableJson } from './contract';

// Provider verification: the config helper for providers/<name>/provider.config.ts and the verifier
export { defineProvider, loadProviderConfig, verifyProvider, formatSummary } from './verify';
export type { WrittenProviderConfig, LoadedProviderConfig, CredentialSpec, RequestFilter, FilterRequest, PactSource, VerifyRequest, VerifyOutcome, VerificationSummary } from './verify';
export type { StateHandlers } from './verify/config';

// Recorded checks of third-party APIs: compare recordings with the pacts (`cxpact check-recorded`)
export { checkRecorded, summariseCheck, loadRecordConfig, loadPactsFromFiles, readRecordings, recordingsDir } from './recorded';
export type { CheckInput, CheckSummary, InteractionVerdict, Finding, RecordConfig, LoadedPact, LoadedRecording } from './recorded';

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
export { canIDeploy, recordDeployment } from './gate';
export type { CanIDeployRequest, CanIDeployResult, RecordDeploymentRequest, RecordDeploymentResult, BrokerTarget } from './gate';

// The command line, callable in-process (exit code out, output through io)
export { runCli } from './cli/main';
export type { CliIO, Command } from './cli/command';
