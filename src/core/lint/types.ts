// Lint findings: the Finding shape pointing into the definition file (a JSON path, and a line and column inside a
// template), with a fix always and the action's name.
import type { FileFinding, Severity } from '../finding';
import type { Limits } from '../limits';
import type { Spelling } from '../spelling';

export type { Severity } from '../finding';
export type { Field } from '../data-action/fields';
export { fieldPath, member } from '../data-action/fields';

export interface LintFinding extends FileFinding {
  fix: string;
  /** The action's name ('' for a file that did not parse). */
  action: string;
}

export interface LintResult {
  /** Every action that was parsed and linted. */
  actions: Array<{ name: string; file: string; slug: string }>;
  findings: LintFinding[];
  /** Definition files that could not be parsed (also reported as findings). */
  unparsed: number;
}

export interface LintOptions {
  /** Also report info findings (e.g. `lint.input.optional-unguarded`); off by default. */
  info?: boolean;
  /** Budgets and limits of linting one action (defaults: src/core/limits.ts). */
  limits?: Partial<Limits>;
  /** How fixes spell cxpact commands (default `npx cxpact ...`). */
  spell?: Spelling;
}

/** Severity order for sorting: errors first. */
export type { Severity as LintSeverity };
export const LINT_SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
