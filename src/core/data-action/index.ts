// Public surface of src/core/data-action: the model, parsing (JSON / Platform API / Terraform), request rendering,
// response translation (native JSONPath + Velocity, or JSONata), contract validation and the fields a translation
// reads. Import from here, not from the individual files.

export type {
  DataAction,
  DataActionRequest,
  DataActionResponse,
  DefinitionFormat,
  HttpMethod,
  JsonataTranslation,
  JsonSchema,
  RawResponse,
  RenderedRequest,
  SecretHeader,
  SecretPart,
} from './model';

export {
  actionFromJson,
  DEFAULT_SUCCESS_TEMPLATE,
  fileSafe,
  jsonataCandidates,
  lineColumn,
  parseDefinitionFile,
  parseJsonDefinition,
  parseJsonText,
  slugFromFile,
  type ParseResult,
} from './parse';
export {
  ACTION_RESOURCE_TYPES,
  parseHcl,
  parseTerraformFile,
  parseTerraformJsonFile,
  type HclBlock,
  type HclBody,
  type HclValue,
} from './terraform';

export { DEFAULT_REQUEST_TEMPLATE, dropNullInputs, renderRequest, type RenderRequestOptions } from './render-request';

export {
  flattenOutput,
  toJsonText,
  translateResponse,
  translateResponseAsync,
  type TranslatedVariable,
  type TranslateOptions,
  type TranslationResult,
} from './translate-response';
export { compileJsonata, evaluateJsonata, stopJsonataWorker, type JsonataOutcome } from './jsonata';

export { dropNulls, validateAgainst, validateInput, validateOutput, type SchemaIssue } from './validate';

export { outputSchemaOfVariable, responseFieldsRead, schemaLeafReads, type FieldRead, type PathStep } from './reads';
export { fieldPath, member, terraformPath, type Field } from './fields';
