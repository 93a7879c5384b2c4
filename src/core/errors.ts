// One error hierarchy for cxpact. Pure: no console, no process.exit.
// A CxpactError is "cannot continue" and carries the Finding the user reads: what failed, where (file + JSON path)
// and how to fix it. Findings that do not stop anything travel as plain Finding values (src/core/finding.ts).
import type { At, Code, Finding } from './finding';

export type { Code } from './finding';

export interface ErrorLocation {
  /** The file the problem is in, relative to the working directory where possible. */
  file?: string;
  /** A JSON path inside that file, e.g. `$.config.response.translationMap.customerId`. */
  path?: string;
}

export interface CxpactErrorOptions extends ErrorLocation {
  /** 1-based position inside a template or text file. */
  line?: number;
  column?: number;
  /** What the user should do about it. */
  fix?: string;
  /** Why it probably happened. */
  hint?: string;
  cause?: unknown;
  /** Extra structured details for --json output. */
  details?: Record<string, unknown>;
}

/** A problem the user can fix. `code` is stable and dotted (e.g. `data-action.json.malformed`), from src/core/codes. */
export class CxpactError<C extends Code = Code> extends Error {
  /** What the user reads: code, message, where, fix. Its severity is always `error`. */
  readonly finding: Finding<C>;
  readonly details?: Record<string, unknown>;

  constructor(code: C, message: string, options: CxpactErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CxpactError';
    const at: At = {};
    if (options.file !== undefined) at.file = options.file;
    if (options.path !== undefined) at.path = options.path;
    if (options.line !== undefined) at.line = options.line;
    if (options.column !== undefined) at.column = options.column;
    this.finding = {
      code,
      severity: 'error',
      message,
      at,
      ...(options.fix === undefined ? {} : { fix: options.fix }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    };
    this.details = options.details;
  }

  /** The error that stops on `finding` (its message, location and fix). */
  static of<C extends Code>(
    finding: Finding<C>,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ): CxpactError<C> {
    return new CxpactError<C>(finding.code, finding.message, {
      ...finding.at,
      fix: finding.fix,
      hint: finding.hint,
      ...options,
    });
  }

  get code(): C {
    return this.finding.code;
  }
  get file(): string | undefined {
    return this.finding.at.file;
  }
  set file(file: string | undefined) {
    if (file === undefined) delete this.finding.at.file;
    else this.finding.at.file = file;
  }
  get path(): string | undefined {
    return this.finding.at.path;
  }
  set path(p: string | undefined) {
    if (p === undefined) delete this.finding.at.path;
    else this.finding.at.path = p;
  }
  get fix(): string | undefined {
    return this.finding.fix;
  }

  /** Plain data for --json output and reports. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.fix === undefined ? {} : { fix: this.fix }),
      ...(this.finding.hint === undefined ? {} : { hint: this.finding.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** "The user was already told": the CLI exits with `exitCode` and prints nothing more. */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message = `exit ${exitCode}`) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Narrow an unknown thrown value to a message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
