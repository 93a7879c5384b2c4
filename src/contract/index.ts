// src/contract: generated consumer contracts from Data Actions, and the machinery hand-written consumer tests use.

// Running the generated contracts (cxpact consumer)
export { runConsumerContracts } from './consumer-run';
export type { ConsumerReport, ConsumerRunOptions, ActionReport, CaseReport, PairReport } from './consumer-run';

// The engine seam (src/data-action behind a small interface) and its real default
export { defaultEngine } from './default-engine';
export type { DataActionEngine, EngineIssue, TranslationOutcome } from './engine';

// Cases: the <action>.cases.json format and derived cases
export { parseCasesFile, casesFileFor, CASE_KINDS } from './cases';
export type { ContractCase, CaseKind, ProviderState } from './cases';
export { deriveCases, deriveInput } from './derive';

// Interactions as plain data
export { buildInteraction, checkCaseOutcome, requiredReads } from './from-data-action';
export type { CaseProblem } from './from-data-action';
export { requestFromRendered, splitUrl, placeholderMatcher, checkInteractionSpec } from './interaction';
export type { InteractionSpec, InteractionRequest, InteractionResponse } from './interaction';
export { pactBodyFromExample, exampleBody, exampleForSchema, parseSimpleJsonPath, stepsToPath, removeField } from './response-shape';
export type { FieldRead, PathStep } from './response-shape';

// Matchers (pact V3/V4 integration JSON as data)
export { like, integer, decimal, boolean, regex, eachLike, matcherFor, matchersForValue, reify, listMatchers, isMatcher, enumRegex } from './matchers';
export type { Matcher, MatchableJson, MatcherType } from './matchers';

// Layout of data-actions/
export { discoverProviders, parseFolderConfig, pactFileName, DEFAULT_CONSUMER } from './layout';
export type { ProviderFolder } from './layout';

// Pact (the FFI driver in src/io/pact-ffi is the only code touching pact-js core) and single-case runs for hand-written tests
export { replayInteractions, writePact, executeInteraction, planBatches } from '../io/pact-ffi';
export type { ReplayItem, ReplayResult, ReplayOptions } from '../io/pact-ffi';
export { loadAction, runActionCase } from './action-case';
export type { ActionCaseResult } from './action-case';
