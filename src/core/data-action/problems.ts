// Problems of a definition that several parts of cxpact find (the translation at run time, the fields-read analysis
// of the consumer run, lint): built here once, so each condition has one code, one message and one fix wherever it
// is reported. Pure.
import { CxpactError, messageOf } from '../errors';
import { fieldPath } from './fields';
import type { DataAction } from './model';

/** A translationMap entry whose JSONPath does not parse (`translation.jsonpath.syntax`). */
export function translationPathSyntax(
  action: Pick<DataAction, 'name' | 'file' | 'format' | 'pointer'>,
  variable: string,
  error: unknown,
): CxpactError<'translation.jsonpath.syntax'> {
  return new CxpactError(
    'translation.jsonpath.syntax',
    `Data Action "${action.name}": the translationMap entry "${variable}" is not a valid JSONPath: ${messageOf(error)}`,
    {
      file: action.file,
      path: fieldPath(action, { kind: 'translationMap', key: variable }),
      fix: 'Write a Jayway JsonPath starting with $, e.g. "$.customer.name" or "$.items[0].id".',
      details: { variable },
    },
  );
}
