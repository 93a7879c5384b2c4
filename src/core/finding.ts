// The one shape of everything cxpact tells a user about their input: a stable code from a closed list
// (src/core/codes/), a severity, the message, where to change it and how. Lint findings, recorded-check mismatches,
// consumer-case problems, engine and schema issues, verifier mismatches and gate reasons are this shape (or a thin
// specialisation adding the fields their report needs); a CxpactError carries one. Rendering (text, JSON, JUnit)
// lives in src/cli/render.ts. Pure.
import type { Code } from './codes';

export type { Code } from './codes';

/** `info`: worth knowing, often intended (never counted as a problem, never fails a run). */
export type Severity = 'error' | 'warning' | 'info';

/**
 * Where the user changes something. `file` and `path` are absent when the problem is not in a file (an unreachable
 * broker, a command-line flag without a value); an empty string would only be a sentinel for the same thing.
 */
export interface At {
  /** The file to change (definition, cases file, recording, config), relative to the working directory where possible. */
  file?: string;
  /**
   * A JSON path inside that file (`$.config.response.translationMap.customerId`), a flag (`--broker-url`) or a place
   * in an HTTP exchange (`status`, `header Content-Type`, `$.customer.id` of a body).
   */
  path?: string;
  /** 1-based position inside a template or text file, when the finding is about one. */
  line?: number;
  column?: number;
}

export interface Finding<C extends Code = Code> {
  code: C;
  severity: Severity;
  message: string;
  at: At;
  /** What to change. */
  fix?: string;
  /** Why it probably happened, or what else to look at ("renamed?"). */
  hint?: string;
}

/** A finding that points into a file (lint findings, parse errors of a definition). */
export type FileFinding<C extends Code = Code> = Finding<C> & { at: At & { file: string; path: string } };

/** Builds a finding; empty optional parts are left out so JSON output stays small. */
export function finding<C extends Code>(
  code: C,
  severity: Severity,
  message: string,
  at: At = {},
  extra: { fix?: string | undefined; hint?: string | undefined } = {},
): Finding<C> {
  return {
    code,
    severity,
    message,
    at: compactAt(at),
    ...(extra.fix === undefined ? {} : { fix: extra.fix }),
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
  };
}

/** The location without undefined members. */
export function compactAt(at: At): At {
  const out: At = {};
  if (at.file !== undefined) out.file = at.file;
  if (at.path !== undefined) out.path = at.path;
  if (at.line !== undefined) out.line = at.line;
  if (at.column !== undefined) out.column = at.column;
  return out;
}

/** True for a value of the Finding shape (used by the JSON renderer to find findings inside reports). */
export function isFinding(value: unknown): value is Finding {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['code'] === 'string' &&
    typeof v['message'] === 'string' &&
    (v['severity'] === 'error' || v['severity'] === 'warning' || v['severity'] === 'info') &&
    typeof v['at'] === 'object' &&
    v['at'] !== null
  );
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** File, then severity (errors first), path, position and code: the order every report lists findings in. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.at.file ?? '').localeCompare(b.at.file ?? '') ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.at.path ?? '').localeCompare(b.at.path ?? '') ||
    (a.at.line ?? 0) - (b.at.line ?? 0) ||
    (a.at.column ?? 0) - (b.at.column ?? 0) ||
    a.code.localeCompare(b.code)
  );
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors += 1;
    else if (f.severity === 'warning') warnings += 1;
    else infos += 1;
  }
  return { errors, warnings, infos };
}
