// One error hierarchy for cxpact. Pure: no console, no process.exit.
// Every user-facing error says what failed, where (file + JSON path) and how to fix it.

export interface ErrorLocation {
  /** The file the problem is in, relative to the working directory where possible. */
  file?: string;
  /** A JSON path inside that file, e.g. `$.config.response.translationMap.customerId`. */
  path?: string;
}

export interface CxpactErrorOptions extends ErrorLocation {
  /** What the user should do about it. */
  fix?: string;
  cause?: unknown;
  /** Extra structured details for --json output. */
  details?: Record<string, unknown>;
}

/** A problem the user can fix. `code` is stable and dotted (e.g. `data-action.json.malformed`). */
export class CxpactError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly path?: string;
  readonly fix?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: CxpactErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CxpactError';
    this.code = code;
    this.file = options.file;
    this.path = options.path;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** Plain data for --json output and reports. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.fix === undefined ? {} : { fix: this.fix }),
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

/** Formats an error for a human: message, location and fix on separate lines. */
export function formatError(error: unknown): string {
  if (error instanceof CxpactError) {
    const lines = [`[cxpact] ${error.message}`];
    if (error.file !== undefined || error.path !== undefined) {
      lines.push(`  at ${[error.file, error.path].filter((p) => p !== undefined).join(' ')}`);
    }
    if (error.fix !== undefined) lines.push(`  fix: ${error.fix}`);
    return lines.join('\n');
  }
  if (error instanceof Error) return `[cxpact] ${error.message}`;
  return `[cxpact] ${String(error)}`;
}

/** Narrow an unknown thrown value to a message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
