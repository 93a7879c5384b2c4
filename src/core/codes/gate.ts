// Codes of the deployment gate: errors of can-i-deploy / record-deployment, and the reasons of a decision.
export const GATE_CODES = {
  'gate.pacticipant.unknown': 'the broker does not know the pacticipant',
  'gate.matrix.rejected': 'the broker rejected the can-i-deploy query',
  'gate.environment.create-failed': 'the environment could not be created',
  'gate.version.unknown': 'the broker has no such version of the pacticipant',
  'gate.record-deployment.failed': '`pact broker record-deployment` failed',
  'gate.verified': 'reason: a provider version verified the pact (or a recorded check matched it)',
  'gate.verification.failed': 'reason: the verification (or recorded check) of the pact failed',
  'gate.unverified': 'reason: no verification of the pact by what is deployed',
  'gate.not-deployed': 'reason: no version of an integration partner is recorded as deployed',
  'gate.unpublished': 'reason: the broker has no pacts or results for that version',
  'gate.broker-reason': "reason: the broker's own words, where cxpact has no better explanation",
  'gate.ignored': 'reason: an integration left out with --ignore',
  'gate.nothing-to-break': 'reason: no pacts with what is deployed',
} as const;

export type GateCode = keyof typeof GATE_CODES;
