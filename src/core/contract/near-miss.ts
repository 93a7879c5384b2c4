// Where a translation path meets a response: does the field exist, and if not, is there a near-identical key
// ("did you mean requester_id"). Also the default a translation variable should get, typed from the output
// schema. Pure.

import type { JsonSchema } from '../data-action';
import { isRecord } from '../json';
import { findSimilarKey } from '../similar';
import { stepsToPath, type FieldRead, type PathStep } from './response-shape';

/** True when `steps` lead to a value in `body` (an `each` step: in any element). */
export function fieldPresent(body: unknown, steps: PathStep[]): boolean {
  return walk(body, steps, 0);
}

function walk(value: unknown, steps: PathStep[], i: number): boolean {
  if (i === steps.length) return value !== undefined;
  const step = steps[i] as PathStep;
  if (step.kind === 'key')
    return isRecord(value) && Object.hasOwn(value, step.key) && walk(value[step.key], steps, i + 1);
  if (!Array.isArray(value)) return false;
  if (step.kind === 'index') return step.index < value.length && walk(value[step.index], steps, i + 1);
  return value.some((v) => walk(v, steps, i + 1));
}

/**
 * The path a near-identical key would give when `steps` do not resolve in `body`: the first missing key is
 * compared with the keys present at that level (`requester_id` for `requesterId`). Undefined when the path
 * resolves, or nothing similar exists.
 * @example didYouMean({ requester_id: 1 }, [{ kind: 'key', key: 'requesterId' }]) // '$.requester_id'
 */
export function didYouMean(body: unknown, steps: PathStep[]): string | undefined {
  if (fieldPresent(body, steps)) return undefined;
  return suggest(body, steps, 0);
}

function suggest(value: unknown, steps: PathStep[], i: number): string | undefined {
  if (i === steps.length) return undefined;
  const step = steps[i] as PathStep;
  if (step.kind === 'key') {
    if (!isRecord(value)) return undefined;
    if (Object.hasOwn(value, step.key)) return suggest(value[step.key], steps, i + 1);
    const parent = [...steps.slice(0, i)].reverse().find((s) => s.kind === 'key');
    const similar = findSimilarKey(step.key, Object.keys(value), parent?.kind === 'key' ? parent.key : undefined);
    if (similar === undefined) return undefined;
    const fixed: PathStep[] = [...steps.slice(0, i), { kind: 'key', key: similar }, ...steps.slice(i + 1)];
    return stepsToPath(fixed);
  }
  if (!Array.isArray(value)) return undefined;
  if (step.kind === 'index') return suggest(value[step.index], steps, i + 1);
  for (const v of value) {
    const found = suggest(v, steps, i + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** " (did you mean $.requester_id?)" for a read that does not resolve in `body`, else "". */
export function didYouMeanText(body: unknown, read: FieldRead | undefined): string {
  if (read === undefined) return '';
  const similar = didYouMean(body, read.steps);
  return similar === undefined
    ? ''
    : `; did you mean ${similar.replace(/^\$\.?/, '')}? (${similar} is in the response)`;
}

/**
 * The translationMapDefaults value (JSON text, as Genesys stores it) that fits the output schema of a variable:
 * `0` for numbers, `false` for booleans, `[]` for arrays, `{}` for objects, `""` (as `"\"\""`) otherwise.
 */
export function suggestedDefault(schema: JsonSchema | undefined): string {
  const raw = schema?.['type'];
  const type = Array.isArray(raw) ? raw.find((t) => t !== 'null') : raw;
  switch (type) {
    case 'integer':
    case 'number':
      return '0';
    case 'boolean':
      return 'false';
    case 'array':
      return '[]';
    case 'object':
      return '{}';
    default:
      return '""';
  }
}

/** The default for a read: a size is a number, an existence test a boolean, a value typed by its output schema. */
export function suggestedDefaultFor(read: FieldRead | undefined): string {
  if (read?.usage === 'size') return '0';
  if (read?.usage === 'exists') return 'false';
  return suggestedDefault(read?.schema);
}

/** `"translationMapDefaults": { "openTickets": "0" }` for a variable, typed from its output schema. */
export function defaultFix(variable: string, read: FieldRead | undefined): string {
  return `"translationMapDefaults": { ${JSON.stringify(variable)}: ${JSON.stringify(suggestedDefaultFor(read))} }`;
}
