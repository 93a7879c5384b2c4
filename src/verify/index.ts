// Provider verification: config, the verifier shell, readable summaries and JUnit output.

// Config
export {
  defineProvider,
  loadProviderConfig,
  listKnownProviders,
  findProviderConfigFile,
  isThirdPartyProvider,
  validateProviderConfig,
} from './config';
export type { WrittenProviderConfig, LoadedProviderConfig, CredentialSpec, RequestFilter, FilterRequest } from './config';

// Running the verifier
export { verifyProvider, collectPactFiles, assertPactsHaveInteractions, checkProviderReachable, unreachableProviderFix, defaultSelectors, stateChangeUrlHandlers } from './run';
export type { PactSource, VerifyRequest, VerifyOutcome } from './run';

// Readable output
export { summariseVerification, formatSummary, explainMismatch, findSimilarKey, normaliseKey, editDistance, attachOrigins, originComments } from './hints';
export type { VerificationSummary, InteractionOutcome, ReadableMismatch } from './hints';
export { toJUnitXml } from './junit';
