// Codes of consumer contracts: a case of an action, its interaction and what the mock server answered.
export const CONTRACT_CODES = {
  'case.input.invalid': "the case's inputs break the input contract",
  'case.response.missing-field': "the case's response lacks a field the translation reads",
  'case.absent-field.unknown': 'absentField names no variable the translation reads',
  'case.absent-field.no-default': 'the absent field has no translationMapDefaults entry',
  'case.absent-field.default-not-applied': 'the default was not applied although the field was absent',
  'case.absent-field.never-present': 'no response of the action has the absent field: the case tests nothing',
  'case.failure.not-failing': 'a failure case got a 2xx response',
  'case.output.unexpected': 'the outputs differ from expectedOutput',
  'request.body.not-json': 'the rendered body is sent as JSON but is not JSON',
  'render.failed': 'the request does not render',
  'mock.mismatch': 'the rendered request does not match the interaction',
  'interaction.invalid': 'a hand-written interaction spec that the mock server cannot take',
  'mock.status.unexpected': 'the mock server answered another status than the case expects',
} as const;

export type ContractCode = keyof typeof CONTRACT_CODES;
