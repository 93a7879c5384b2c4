// Names the broker stores and puts into URLs (pacticipants, versions, tags, branches, environments, labels,
// application instances), validated the same way on every route that creates or renames one, so both stores hold
// only what every URL can address and every database can store.
import { badRequest } from './http';

/** Longest name in UTF-8 bytes: the Pact Broker's 255-character columns, and percent-encoded at most ~765 URL characters. */
export const MAX_NAME_BYTES = 255;

/** C0 and C1 control characters (CR, LF, NUL, TAB, ESC, DEL, ...) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` cannot be a name (undefined when it can). */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'is required and must be a non-blank string';
  const control = CONTROL.exec(value);
  if (control !== null)
    return `must not contain control characters (found U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${control.index})`;
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (it contains a lone surrogate)';
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `must be at most ${MAX_NAME_BYTES} bytes in UTF-8 (got ${bytes})`;
  if (value === '.' || value === '..') return `cannot be '${value}' (a URL path cannot address it)`;
  return undefined;
}

/** Adds the problem with `value` (if any) to `errors` under `field`. */
export function collectNameProblem(errors: Record<string, string[]>, field: string, value: unknown): void {
  const problem = nameProblem(value);
  if (problem !== undefined) addError(errors, field, problem);
}

/** Adds `message` to the list of `field` in a `{ errors: { field: [...] } }` answer. */
export function addError(errors: Record<string, string[]>, field: string, message: string): void {
  const list = errors[field];
  if (list === undefined) errors[field] = [message];
  else list.push(message);
}

/** 400 naming the field when `value` is not a valid name; the name otherwise. */
export function requireName(field: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem !== undefined) throw badRequest({ [field]: [problem] });
  return value as string;
}

/** Path parameters that are names; checked on every route that writes (POST, PUT, PATCH). */
export const NAME_PARAMS: ReadonlySet<string> = new Set([
  'pacticipant',
  'provider',
  'consumer',
  'version',
  'tag',
  'branch',
  'label',
]);
