// Velocity errors: syntax errors (the template cannot be parsed) and render errors (strict references,
// Java method failures). Both are CxpactErrors carrying the template name, line and column.
import { CxpactError, type CxpactErrorOptions } from '../errors';
import type { LimitCode } from '../codes';

export interface VelocityErrorDetails {
  /** The template's name as Genesys reports it (e.g. `successTemplate`, `requestUrlTemplate`). */
  template: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The reference the error is about, as written (`$input.foo`), when there is one. */
  reference?: string;
}

export type VelocityRenderCode =
  | 'velocity.undefined-reference'
  | 'velocity.null-reference'
  | 'velocity.invalid-access'
  | 'velocity.method-failed'
  | 'velocity.invalid-operation';

const DEFAULT_FIX: Record<VelocityRenderCode, string> = {
  'velocity.undefined-reference':
    'fix the name (references are case-sensitive) or define it; $!{...} does not make an unknown name valid',
  'velocity.null-reference': 'the value is null: render it quietly with $!{...} or guard it with #if(...)',
  'velocity.invalid-access': 'check the property or method name, its arguments, and that the value is not null',
  'velocity.method-failed': "check the method's arguments against the value (indexes, regex syntax)",
  'velocity.invalid-operation': 'check the types of the operands (numbers for arithmetic and ordering)',
};

/** `at successTemplate[line 1, column 20]`, the way Velocity words a location. */
export function velocityLocation(template: string, line: number, column: number): string {
  return `${template}[line ${line}, column ${column}]`;
}

/** The fix of a template that does not parse: one text wherever it is reported (render, translation, lint). */
export function velocitySyntaxFix(template: string, line: number, column: number): string {
  return `Fix the Velocity syntax at line ${line}, column ${column} of ${template} (an unbalanced #if/#end, an unclosed \${...}).`;
}

/** The template cannot be parsed. Code `velocity.syntax`. */
export class VelocitySyntaxError extends CxpactError<'velocity.syntax'> {
  readonly template: string;
  readonly line: number;
  readonly column: number;

  constructor(message: string, where: VelocityErrorDetails, options: CxpactErrorOptions = {}) {
    super('velocity.syntax', `${message} at ${velocityLocation(where.template, where.line, where.column)}`, {
      fix: velocitySyntaxFix(where.template, where.line, where.column),
      ...options,
      details: { ...where, ...(options.details ?? {}) },
    });
    this.name = 'VelocitySyntaxError';
    this.template = where.template;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * Rendering failed. Codes:
 * - `velocity.undefined-reference`: a name not in the context (`Variable $x has not been set`)
 * - `velocity.null-reference`: a non-quiet reference evaluated to null in strict mode
 * - `velocity.invalid-access`: a property or method that does not exist, or an access on null
 * - `velocity.method-failed`: a Java method threw (index out of range, bad regex, ...)
 * - `velocity.invalid-operation`: arithmetic or comparison on values that do not support it
 */
export class VelocityRenderError extends CxpactError<VelocityRenderCode | LimitCode> {
  readonly template: string;
  readonly line: number;
  readonly column: number;
  readonly reference?: string;

  constructor(
    code: VelocityRenderCode | LimitCode,
    message: string,
    where: VelocityErrorDetails,
    options: CxpactErrorOptions = {},
  ) {
    super(code, `${message} at ${velocityLocation(where.template, where.line, where.column)}`, {
      fix: code in DEFAULT_FIX ? DEFAULT_FIX[code as VelocityRenderCode] : undefined,
      ...options,
      details: { ...where, ...(options.details ?? {}) },
    });
    this.name = 'VelocityRenderError';
    this.template = where.template;
    this.line = where.line;
    this.column = where.column;
    this.reference = where.reference;
  }
}
