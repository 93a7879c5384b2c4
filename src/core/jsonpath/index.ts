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
    definite: isDefinite(ast) || (ast.segments[0]?.kind === 'scan' && ast.segments[ast.segments.length - 1]?.kind === 'function'),
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

function walkOperand(op: Operand, visitor: PathVisitor): void {
  if (op.kind === 'path') walkPath(op.path, visitor, true);
}

/** Walks the paths used by a filter expression. */
export function walkFilter(expr: FilterExpr, visitor: PathVisitor): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      walkFilter(expr.left, visitor);
      walkFilter(expr.right, visitor);
      return;
    case 'not':
      walkFilter(expr.expr, visitor);
      return;
    case 'exists':
      walkPath(expr.path, visitor, true);
      return;
    case 'compare':
      walkOperand(expr.left, visitor);
      walkOperand(expr.right, visitor);
      return;
  }
}
