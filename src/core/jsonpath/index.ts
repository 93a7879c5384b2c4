// Jayway JsonPath for cxpact: compile once, evaluate many times. See evaluate.ts for the semantics.

import type { FilterExpr, Operand, PathAst, Segment } from './ast';
import { isDefinite, pathToString } from './ast';
import { evaluatePath, type EvaluationResult } from './evaluate';
import { parseJsonPath } from './parser';

export type { FilterExpr, FunctionArg, Operand, PathAst, RelOp, Segment } from './ast';
export { isDefinite, pathToString } from './ast';
export { evaluatePath, jaywayEquals, type EvaluationResult } from './evaluate';
export { JsonPathSyntaxError, parseJsonPath } from './parser';

export interface JsonPath {
  /** The expression as written. */
  readonly expression: string;
  readonly ast: PathAst;
  /** Jayway's definite-path rule (only single properties, single indexes and functions). */
  readonly definite: boolean;
  evaluate(doc: unknown): EvaluationResult;
}

const cache = new Map<string, JsonPath>();

/** Compiles (and caches) a Jayway JsonPath. Throws JsonPathSyntaxError (`jsonpath.syntax`) with the position. */
export function compileJsonPath(expression: string): JsonPath {
  const hit = cache.get(expression);
  if (hit) return hit;
  const ast = parseJsonPath(expression);
  const compiled: JsonPath = {
    expression,
    ast,
    definite:
      isDefinite(ast) ||
      (ast.segments[0]?.kind === 'scan' && ast.segments[ast.segments.length - 1]?.kind === 'function'),
    evaluate: (doc) => evaluatePath(ast, doc),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(expression, compiled);
  return compiled;
}

/** Normalised bracket notation (`$['a'][0]`), as Jayway prints paths in its messages. */
export function normalizePath(expression: string): string {
  return pathToString(parseJsonPath(expression));
}

/** Visitor over a path AST, including paths nested in filters and function arguments. */
export interface PathVisitor {
  /** Called for every path (the top-level one and nested `@`/`$` paths), with the enclosing filter when nested. */
  path?(path: PathAst, context: { inFilter: boolean }): void;
  segment?(segment: Segment, path: PathAst): void;
}

/** Walks a path AST depth-first: the path, its segments, then paths inside filters / function arguments. */
export function walkPath(path: PathAst, visitor: PathVisitor, inFilter = false): void {
  visitor.path?.(path, { inFilter });
  for (const s of path.segments) {
    visitor.segment?.(s, path);
    if (s.kind === 'filter') walkFilter(s.expr, visitor);
    if (s.kind === 'function') for (const a of s.args) if (a.kind === 'path') walkPath(a.path, visitor, true);
  }
}

/** Visitor over a filter expression (`[?(...)]`): its paths and comparisons, with whether they must hold. */
export interface FilterVisitor {
  /**
   * A path the filter reads (an existence test or a comparison operand). `satisfiable` is true along the `&&` spine
   * and the first branch of `||` (what a matching element must satisfy together), false under `!` or a later `||`.
   */
  path?(path: PathAst, context: { satisfiable: boolean }): void;
  /** A comparison, after its operand paths. */
  compare?(expr: Extract<FilterExpr, { kind: 'compare' }>, context: { satisfiable: boolean }): void;
}

/** The one walk over a filter expression (lint, the fields-read analysis and the path walker use it). */
export function visitFilter(expr: FilterExpr, visitor: FilterVisitor, satisfiable = true): void {
  switch (expr.kind) {
    case 'and':
      visitFilter(expr.left, visitor, satisfiable);
      visitFilter(expr.right, visitor, satisfiable);
      return;
    case 'or':
      visitFilter(expr.left, visitor, satisfiable);
      visitFilter(expr.right, visitor, false);
      return;
    case 'not':
      visitFilter(expr.expr, visitor, false);
      return;
    case 'exists':
      visitor.path?.(expr.path, { satisfiable });
      return;
    case 'compare':
      for (const op of [expr.left, expr.right] as Operand[])
        if (op.kind === 'path') visitor.path?.(op.path, { satisfiable });
      visitor.compare?.(expr, { satisfiable });
      return;
  }
}

/** Walks the paths used by a filter expression. */
export function walkFilter(expr: FilterExpr, visitor: PathVisitor): void {
  visitFilter(expr, { path: (p) => walkPath(p, visitor, true) });
}
