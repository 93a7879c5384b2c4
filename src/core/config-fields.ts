// Unknown fields in a config file are errors, like unknown fields in a cases file: a typo such as `stateChangeURL`
// must never be dropped silently. Pure.
import { CxpactError, type Code } from './errors';
import { findSimilarKey } from './similar';

export interface ConfigProblem {
  /** JSON path of the field, e.g. `$.stateChangeURL` or `$.credentials[0].Env`. */
  path: string;
  message: string;
  fix: string;
}

function member(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** One problem per key of `obj` that is not in `allowed`; says "did you mean" when a near-identical field exists. */
export function unknownFields(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
  what: string,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const similar = findSimilarKey(key, allowed);
    out.push({
      path: `${at}${member(key)}`,
      message: `Unknown field "${key}" in ${what}${similar === undefined ? '' : ` (did you mean "${similar}"?)`}`,
      fix: `${similar === undefined ? 'Remove it' : `Rename it to "${similar}"`}; allowed fields${at === '$' ? '' : ` of ${at}`}: ${allowed.join(', ')}.`,
    });
  }
  return out;
}

/** Throws one CxpactError for all problems: the first one's path, every problem in the message. */
export function throwConfigProblems(code: Code, file: string, problems: ConfigProblem[]): void {
  const first = problems[0];
  if (first === undefined) return;
  if (problems.length === 1)
    throw new CxpactError(code, `${file}: ${first.message}.`, { file, path: first.path, fix: first.fix });
  throw new CxpactError(
    code,
    `${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${p.path}: ${p.message}; fix: ${p.fix}`).join('\n')}`,
    {
      file,
      path: first.path,
      fix: 'Fix each field listed above.',
      details: { problems },
    },
  );
}
