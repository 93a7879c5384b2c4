// The lint rules' codes, each with its severity and a one-line summary: the data behind `cxpact lint --help` and
// docs/lint-rules.md (generated; src/core/lint/registry.ts pairs each code with the check that reports it).
// `translation.jsonpath.syntax` and `velocity.syntax` are the engine's own codes: a broken JSONPath or template gets
// the same code and fix from lint as from `cxpact run` and `cxpact consumer`.
export interface LintCodeSpec {
  /** Finding severity (src/core/finding.ts), spelled out here: the code lists import nothing. */
  severity: 'error' | 'warning' | 'info';
  summary: string;
}

export const LINT_CODES = {
  'lint.secret.literal': {
    severity: 'error',
    summary: 'a literal secret in the URL, a header or the body (use ${credentials.X})',
  },
  'lint.url.insecure': { severity: 'error', summary: 'an absolute http:// URL' },
  'lint.input.undeclared': { severity: 'error', summary: '${input.x} used in a template, x not in the input contract' },
  'lint.input.unused': {
    severity: 'warning',
    summary: 'an input declared in the contract that no request template sends',
  },
  'lint.input.optional-unguarded': {
    severity: 'info',
    summary:
      'with --info: an input the contract does not require, printed in the URL or a header without $!{} or an #if guard',
  },
  'lint.reference.wrong-case': { severity: 'error', summary: '$Input / $INPUT / ${input.customerid} for customerId' },
  'lint.reference.undefined': {
    severity: 'error',
    summary: 'a reference that is never set (strict mode fails at run time)',
  },
  'lint.translation.unused': { severity: 'warning', summary: 'a translationMap key the success template never uses' },
  'lint.translation.default-unquoted': {
    severity: 'error',
    summary: 'a default that is not JSON text ("none" instead of "\\"none\\"")',
  },
  'lint.translation.default-unused': {
    severity: 'warning',
    summary: 'such a default on a path that always resolves ($..x): never applied',
  },
  'translation.jsonpath.syntax': { severity: 'error', summary: 'a translationMap JSONPath that does not parse' },
  'lint.translation.default-type': {
    severity: 'error',
    summary: 'a default whose JSON type the output property rejects (null into string)',
  },
  'lint.success-template.quoted-value': {
    severity: 'error',
    summary: '"${x}" around a translation value (already JSON text)',
  },
  'lint.success-template.invalid-json': {
    severity: 'error',
    summary: 'the success template does not render JSON for the default case',
  },
  'lint.success-template.render-error': {
    severity: 'error',
    summary: 'the success template fails to render for the default case',
  },
  'lint.success-template.input-reference': {
    severity: 'warning',
    summary: '$input in the success template (not documented there)',
  },
  'lint.output.type-unreachable': {
    severity: 'error',
    summary: 'an output type the translation cannot produce (filter path -> string)',
  },
  'lint.output.required-missing': { severity: 'error', summary: 'a required output the success template never writes' },
  'lint.request.invalid-json': { severity: 'error', summary: 'a JSON request template that does not render JSON' },
  'lint.request.accept-not-json': { severity: 'error', summary: 'an Accept header that is not a JSON media type' },
  'velocity.syntax': { severity: 'error', summary: 'a template that is not valid Velocity' },
  'lint.template.method-outside-reference': {
    severity: 'error',
    summary: '${input.x}.replace(...) sent as literal text',
  },
  'lint.template.stray-brace': { severity: 'error', summary: '"${input.x}}" puts a "}" into the value' },
  'lint.template.dot-after-value': {
    severity: 'error',
    summary: '$esc.url(${input.id}).json: Velocity reads ".json" as a property of the value',
  },
  'lint.contract.nested-array': { severity: 'error', summary: 'an array inside an array in the output contract' },
  'lint.contract.ref': { severity: 'error', summary: '$ref in a contract' },
  'lint.contract.input-not-flat': { severity: 'error', summary: 'an object/array input, or a non-object input root' },
  'lint.contract.input-reserved': { severity: 'error', summary: 'input named orgId, integrationId or rawRequest' },
  'lint.contract.input-name': { severity: 'error', summary: 'input name outside ^[A-Za-z][A-Za-z0-9_-]*$' },
  'lint.contract.output-dotted-key': { severity: 'warning', summary: '"a.b" output property names' },
  'lint.contract.output-missing': { severity: 'error', summary: 'no output contract (successSchema)' },
  'lint.config.timeout-range': { severity: 'error', summary: 'timeoutSeconds outside 1..60' },
  'lint.config.timeout-custom-auth': { severity: 'warning', summary: 'timeoutSeconds on a custom-auth action' },
  'lint.regex.catastrophic': {
    severity: 'warning',
    summary:
      "a regex (JSONPath =~, Velocity matches/replaceAll/replaceFirst/split, schema pattern, JSONata) that Java's backtracking engine can take exponential time on",
  },
  'lint.template.loop-unbounded': {
    severity: 'warning',
    summary: 'a #foreach over a range whose bound comes from a reference',
  },
  'lint.template.loop-huge': {
    severity: 'error',
    summary: 'nested #foreach loops over literal ranges beyond the step budget',
  },
  'lint.template.macro-recursive': { severity: 'warning', summary: 'a macro that calls itself unconditionally' },
  'lint.jsonata.recursion-unbounded': {
    severity: 'warning',
    summary: 'a JSONata function that calls itself with no condition',
  },
} as const satisfies Record<string, LintCodeSpec>;

export type LintCode = keyof typeof LINT_CODES;
