// Codes of the emulator: Velocity, JSONPath, JSONata, the response translation and contract validation.
export const ENGINE_CODES = {
  'velocity.syntax': 'a template is not valid Velocity',
  'velocity.undefined-reference': 'a reference to a name that is not set (strict mode fails the action)',
  'velocity.null-reference': 'a non-quiet reference evaluated to null',
  'velocity.invalid-access': 'a property or method that does not exist, or an access on null',
  'velocity.method-failed': 'a Java method threw (index out of range, bad regex, ...)',
  'velocity.invalid-operation': 'arithmetic or comparison on values that do not support it',
  'jsonpath.syntax': 'an expression is not a valid Jayway JsonPath',
  'translation.jsonpath.syntax':
    'a translationMap JSONPath that does not parse (the same code in lint, run and consumer)',
  'translation.jsonata.syntax': 'a JSONata translation that does not parse',
  'translation.jsonata.failed': 'the JSONata translation failed on the response',
  'translation.jsonata.async':
    'translateResponse (synchronous) was given a JSONata action: translateResponseAsync runs it',
  'translation.path.not-found': 'a translationMap path found nothing and the variable has no default',
  'translation.template.failed': 'the success template failed to render',
  'translation.output.not-json': 'the rendered success template is not JSON',
  'translation.http.status': 'a non-2xx response: Genesys takes the Failure path and translates nothing',
  'translation.default.used': 'an output fell back to its translationMapDefaults value',
  'translation.default.null': 'an output is null because its default is null',
  'translation.output.null': 'an output is null',
  'translation.failed': 'the translation failed for another reason',
  'input.schema.invalid': 'the inputs break the input contract',
  'output.schema.invalid': 'the outputs break the output contract',
  'schema.unsupported': 'a contract schema that cannot be compiled',
  'response.status.failure': 'the given response is not 2xx (cxpact run)',
} as const;

export type EngineCode = keyof typeof ENGINE_CODES;
