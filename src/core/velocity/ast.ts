// The Velocity AST. Every node carries the 1-based line and column of its first character.

export interface Pos {
  line: number;
  column: number;
}

export type Node =
  | TextNode
  | RefNode
  | SetNode
  | IfNode
  | ForeachNode
  | MacroDefNode
  | MacroCallNode
  | BreakNode
  | StopNode;

export interface TextNode extends Pos {
  type: 'text';
  value: string;
}

export type RefPart =
  | ({ type: 'prop'; name: string } & Pos)
  | ({ type: 'method'; name: string; args: Expr[] } & Pos)
  | ({ type: 'index'; index: Expr } & Pos);

export interface RefNode extends Pos {
  type: 'ref';
  /** `$!x` / `$!{x}`. */
  quiet: boolean;
  /** `${x}` / `$!{x}`. */
  formal: boolean;
  root: string;
  parts: RefPart[];
  /** The reference as written in the template, e.g. `${input.x.trim()}`. */
  source: string;
  /** Number of backslashes written right before the `$` (escaping). Only set in template text. */
  escapes?: number;
}

export interface SetNode extends Pos {
  type: 'set';
  target: RefNode;
  value: Expr;
}

export interface IfNode extends Pos {
  type: 'if';
  branches: Array<{ condition: Expr; body: Node[] } & Pos>;
  otherwise?: Node[];
}

export interface ForeachNode extends Pos {
  type: 'foreach';
  variable: string;
  iterable: Expr;
  body: Node[];
  /** `#foreach(...) ... #else ... #end` (Velocity 2): rendered when there is nothing to iterate. */
  otherwise?: Node[];
}

export interface MacroDefNode extends Pos {
  type: 'macro';
  name: string;
  params: string[];
  body: Node[];
}

export interface MacroCallNode extends Pos {
  type: 'macroCall';
  name: string;
  args: Expr[];
}

export interface BreakNode extends Pos {
  type: 'break';
}

export interface StopNode extends Pos {
  type: 'stop';
}

export type Expr =
  | ({ type: 'string'; value: string } & Pos)
  | ({ type: 'interpolated'; nodes: Node[]; raw: string } & Pos)
  | ({ type: 'int'; value: number } & Pos)
  | ({ type: 'float'; value: number } & Pos)
  | ({ type: 'bool'; value: boolean } & Pos)
  | ({ type: 'null' } & Pos)
  | ({ type: 'list'; items: Expr[] } & Pos)
  | ({ type: 'range'; from: Expr; to: Expr } & Pos)
  | ({ type: 'map'; entries: Array<{ key: Expr; value: Expr }> } & Pos)
  | ({ type: 'refExpr'; ref: RefNode } & Pos)
  | ({ type: 'unary'; op: '!' | '-'; operand: Expr } & Pos)
  | ({ type: 'binary'; op: BinaryOp; left: Expr; right: Expr } & Pos);

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** A parsed template, reusable across renders. */
export interface VelocityTemplate {
  name: string;
  source: string;
  nodes: Node[];
  macros: Map<string, MacroDefNode>;
}
