// The deployment gate: can-i-deploy explained in plain language, record-deployment, and the broker calls behind them.

// Gate
export { canIDeploy, matrixQuery, pacticipantRoles } from './can-i-deploy';
export type { CanIDeployRequest, CanIDeployResult } from './can-i-deploy';
export { recordDeployment, ensureEnvironment, listEnvironments } from './record-deployment';
export type { RecordDeploymentRequest, RecordDeploymentResult } from './record-deployment';

// Explanations (pure)
export { explainMatrix, formatDecision, unpublishedVersionFix, unpublishedVersionsIn } from './explain';
export type { GateDecision, GateReason, MatrixResponse, MatrixRow, ExplainContext, PacticipantRoles } from './explain';

// Broker access
export { brokerTarget, brokerRequest, checkBroker, authorizationHeader, brokerErrorMessages, BROKER_UNAVAILABLE_CODES } from './broker-http';
export type { BrokerTarget, BrokerAuth, BrokerResponse } from './broker-http';
export { pactCliEntry, runPactCli } from './pact-cli';
export type { PactCliResult } from './pact-cli';
