// A hand-written Velocity Template Language parser (the subset and semantics Genesys Cloud Data Actions use,
// following Apache Velocity 1.7 / 2.x). Produces an AST whose nodes carry line and column.
//
// Whitespace: a line that holds only a directive (#if/#elseif/#else/#end/#set/#foreach/#macro/#break/#stop or
// a block comment) and whitespace is removed entirely, newline included (Velocity 2's "lines" space gobbling).
import type { BinaryOp, Expr, MacroDefNode, Node, Pos, RefNode, RefPart, VelocityTemplate } from './ast';
import { VelocitySyntaxError } from './errors';
import { currentLimits } from '../limits';

const BLOCK_TERMINATORS = new Set(['end', 'else', 'elseif']);
const KNOWN_DIRECTIVES = new Set(['if', 'elseif', 'else', 'end', 'set', 'foreach', 'macro', 'break', 'stop']);

interface Terminator {
  kind: 'end' | 'else' | 'elseif';
  pos: number;
  condition?: Expr;
}

type DirectiveHeader =
  | { kind: 'set'; target: RefNode; value: Expr }
  | { kind: 'if'; condition: Expr }
  | { kind: 'foreach'; variable: string; iterable: Expr }
  | { kind: 'macro'; name: string; params: string[] }
  | { kind: 'break' }
  | { kind: 'stop' };

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

class Parser {
  private pos = 0;
  private lastNodeEnd = 0;
  private readonly lineStarts: number[] = [0];
  readonly macros = new Map<string, MacroDefNode>();
  /** Nesting of blocks, expressions and operator chains: bounded, so no template overflows the stack. */
  private depth = 0;
  private readonly maxDepth = currentLimits().depth;

  /** Runs `fn` `levels` deeper; past the depth limit the template is refused with a syntax error at `pos`. */
  private nest<T>(pos: number, fn: () => T, levels = 1): T {
    this.depth += levels;
    if (this.depth > this.maxDepth) {
      throw this.error(
        `the template nests deeper than ${this.maxDepth} levels (directives, parentheses, lists or operator chains); the limit is --limit-depth / CXPACT_LIMIT_DEPTH`,
        pos,
      );
    }
    try {
      return fn();
    } finally {
      this.depth -= levels;
    }
  }

  constructor(
    private readonly src: string,
    private readonly name: string,
  ) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  loc(pos: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: pos - this.lineStarts[lo]! + 1 };
  }

  private lineStart(pos: number): number {
    return this.lineStarts[this.loc(pos).line - 1]!;
  }

  error(message: string, pos: number): VelocitySyntaxError {
    const { line, column } = this.loc(pos);
    return new VelocitySyntaxError(message, { template: this.name, line, column });
  }

  parseTemplate(): Node[] {
    const { nodes, terminator } = this.parseNodes(this.src.length, null, false);
    if (terminator) throw this.error(`#${terminator.kind} without a matching #if or #foreach`, terminator.pos);
    return nodes;
  }

  /**
   * Parses template text up to `end` (exclusive). `quote` is set while parsing the inside of an interpolated
   * string literal (a doubled quote stands for one). Returns at a block terminator when `inBlock`.
   */
  private parseNodes(end: number, quote: string | null, inBlock: boolean): { nodes: Node[]; terminator?: Terminator } {
    return this.nest(this.pos, () => this.parseNodesInner(end, quote, inBlock));
  }

  private parseNodesInner(
    end: number,
    quote: string | null,
    inBlock: boolean,
  ): { nodes: Node[]; terminator?: Terminator } {
    const src = this.src;
    const nodes: Node[] = [];
    let buf = '';
    let bufStart = this.pos;
    const flush = (): void => {
      if (buf.length > 0) nodes.push({ type: 'text', value: buf, ...this.loc(bufStart) });
      buf = '';
      bufStart = this.pos;
    };

    while (this.pos < end) {
      const c = src[this.pos]!;
      if (quote !== null && c === quote && src[this.pos + 1] === quote) {
        buf += quote;
        this.pos += 2;
        continue;
      }
      if (c === '\\') {
        let n = 0;
        while (src[this.pos + n] === '\\') n++;
        const next = src[this.pos + n];
        if (next === '$') {
          const saved = this.pos;
          this.pos += n;
          const ref = this.tryReference(end);
          if (ref) {
            if (n % 2 === 1) {
              // Escaped: render the backslashes halved and the reference as written.
              buf += '\\'.repeat((n - 1) / 2) + ref.source;
            } else {
              buf += '\\'.repeat(n / 2);
              flush();
              nodes.push(ref);
              this.lastNodeEnd = this.pos;
              bufStart = this.pos;
            }
            continue;
          }
          this.pos = saved;
        } else if (next === '#' && n % 2 === 1 && /^#\{?[a-zA-Z[*#]/.test(src.slice(this.pos + n, this.pos + n + 3))) {
          buf += `${'\\'.repeat((n - 1) / 2)}#`;
          this.pos += n + 1;
          continue;
        }
        buf += '\\'.repeat(n);
        this.pos += n;
        continue;
      }
      if (c === '$') {
        const startPos = this.pos;
        const ref = this.tryReference(end);
        if (ref) {
          this.pos = startPos;
          flush();
          this.pos = startPos + ref.source.length;
          nodes.push(ref);
          this.lastNodeEnd = this.pos;
          bufStart = this.pos;
          continue;
        }
        buf += '$';
        this.pos++;
        continue;
      }
      if (c === '#') {
        const d = this.pos;
        const next = src[d + 1];
        // Comments and unparsed blocks.
        if (next === '#' && quote === null) {
          const nl = src.indexOf('\n', d);
          const stop = nl === -1 || nl >= end ? end : nl + 1;
          if (this.lineOnlyWhitespace(d)) buf = buf.slice(0, buf.length - (d - this.lineStart(d)));
          this.pos = stop;
          this.lastNodeEnd = stop;
          continue;
        }
        if (next === '*') {
          const close = src.indexOf('*#', d + 2);
          if (close === -1 || close + 2 > end) throw this.error('unclosed block comment #* ... *#', d);
          const lineOk = this.lineOnlyWhitespace(d);
          this.pos = close + 2;
          buf = this.gobble(buf, d, lineOk, quote, end);
          continue;
        }
        if (next === '[' && src[d + 2] === '[') {
          const close = src.indexOf(']]#', d + 3);
          if (close === -1 || close + 3 > end) throw this.error('unclosed unparsed block #[[ ... ]]#', d);
          buf += src.slice(d + 3, close);
          this.pos = close + 3;
          continue;
        }
        const m = /^#(\{)?([a-zA-Z][a-zA-Z0-9_]*)(\})?/.exec(src.slice(d, Math.min(end, d + 200)));
        if (m && (m[1] === undefined) === (m[3] === undefined)) {
          const word = m[2]!;
          const braced = m[1] !== undefined;
          const afterName = d + m[0].length;
          if (KNOWN_DIRECTIVES.has(word) && (braced || !isIdentChar(src[afterName]) || word === 'else')) {
            // `#elseif` is matched as `elseif`, never as `else` + `if`.
            const lineOk = this.lineOnlyWhitespace(d);
            this.pos = afterName;
            if (BLOCK_TERMINATORS.has(word)) {
              if (!inBlock) throw this.error(`#${word} without a matching #if or #foreach`, d);
              let condition: Expr | undefined;
              if (word === 'elseif') condition = this.parseParenExpr(`#elseif`, end);
              buf = this.gobble(buf, d, lineOk, quote, end);
              flush();
              return { nodes, terminator: { kind: word as Terminator['kind'], pos: d, condition } };
            }
            const header = this.parseDirectiveHeader(word, d, end);
            buf = this.gobble(buf, d, lineOk, quote, end);
            flush();
            const node = this.parseDirectiveBody(header, d, end, quote);
            bufStart = this.pos;
            nodes.push(node);
            continue;
          }
          if (this.macros.has(word) && this.peekAfterSpaces(afterName) === '(') {
            flush();
            this.pos = afterName;
            const args = this.parseMacroArgs(end);
            nodes.push({ type: 'macroCall', name: word, args, ...this.loc(d) });
            this.lastNodeEnd = this.pos;
            bufStart = this.pos;
            continue;
          }
        }
        buf += '#';
        this.pos++;
        continue;
      }
      buf += c;
      this.pos++;
    }
    flush();
    return { nodes };
  }

  /** True when nothing but spaces/tabs precede `pos` on its line and no node started on the line. */
  private lineOnlyWhitespace(pos: number): boolean {
    const ls = this.lineStart(pos);
    return ls >= this.lastNodeEnd && /^[ \t]*$/.test(this.src.slice(ls, pos));
  }

  /** Removes a directive's line when it holds nothing else; returns the text buffer with indentation removed. */
  private gobble(buf: string, directiveStart: number, lineOk: boolean, quote: string | null, end: number): string {
    let result = buf;
    if (quote === null && lineOk) {
      const rest = /^[ \t]*(\r?\n|$)/.exec(this.src.slice(this.pos, end));
      if (rest && (rest[1] !== '' || this.pos + rest[0].length === end)) {
        const indent = directiveStart - this.lineStart(directiveStart);
        result = buf.slice(0, buf.length - indent);
        this.pos += rest[0].length;
      }
    }
    this.lastNodeEnd = this.pos;
    return result;
  }

  private peekAfterSpaces(pos: number): string | undefined {
    let p = pos;
    while (this.src[p] === ' ' || this.src[p] === '\t') p++;
    return this.src[p];
  }

  private parseDirectiveHeader(word: string, start: number, end: number): DirectiveHeader {
    switch (word) {
      case 'set': {
        this.expectOpenParen('#set', end);
        this.skipWs(end);
        const target = this.src[this.pos] === '$' ? this.tryReference(end) : null;
        if (!target) throw this.error('#set needs a reference on the left, e.g. #set($x = 1)', this.pos);
        if (target.parts.some((p) => p.type === 'method')) {
          throw this.error(`#set cannot assign to a method call (${target.source})`, start);
        }
        this.skipWs(end);
        if (this.src[this.pos] !== '=') throw this.error("#set expects '=' after the reference", this.pos);
        this.pos++;
        const value = this.parseExpr(end);
        this.expectCloseParen('#set', end);
        return { kind: 'set', target, value };
      }
      case 'if':
        return { kind: 'if', condition: this.parseParenExpr('#if', end) };
      case 'foreach': {
        this.expectOpenParen('#foreach', end);
        this.skipWs(end);
        const varPos = this.pos;
        const variable = this.src[this.pos] === '$' ? this.tryReference(end) : null;
        if (!variable || variable.parts.length > 0) {
          throw this.error('#foreach expects a variable, e.g. #foreach($item in $list)', varPos);
        }
        this.skipWs(end);
        if (!/^in\b/.test(this.src.slice(this.pos, this.pos + 3))) {
          throw this.error("#foreach expects 'in' after the loop variable", this.pos);
        }
        this.pos += 2;
        const iterable = this.parseExpr(end);
        this.expectCloseParen('#foreach', end);
        return { kind: 'foreach', variable: variable.root, iterable };
      }
      case 'macro': {
        this.expectOpenParen('#macro', end);
        this.skipWs(end);
        const nameMatch = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(this.src.slice(this.pos, end));
        if (!nameMatch) throw this.error('#macro expects a name, e.g. #macro(greet $name)', this.pos);
        const name = nameMatch[0];
        this.pos += name.length;
        const params: string[] = [];
        for (;;) {
          this.skipWs(end);
          if (this.src[this.pos] === ',') {
            this.pos++;
            continue;
          }
          if (this.src[this.pos] === ')') {
            this.pos++;
            break;
          }
          const p = this.src[this.pos] === '$' ? this.tryReference(end) : null;
          if (!p || p.parts.length > 0)
            throw this.error('#macro parameters must be plain references like $name', this.pos);
          params.push(p.root);
        }
        return { kind: 'macro', name, params };
      }
      case 'break':
        return { kind: 'break' };
      default:
        return { kind: 'stop' };
    }
  }

  private parseDirectiveBody(header: DirectiveHeader, start: number, end: number, quote: string | null): Node {
    const at = this.loc(start);
    switch (header.kind) {
      case 'set':
        return { type: 'set', target: header.target, value: header.value, ...at };
      case 'if': {
        const branches: Array<{ condition: Expr; body: Node[] } & Pos> = [];
        let condition = header.condition;
        let branchPos = at;
        for (;;) {
          const { nodes, terminator } = this.parseNodes(end, quote, true);
          branches.push({ condition, body: nodes, ...branchPos });
          if (!terminator) throw this.error('#if without a matching #end', start);
          if (terminator.kind === 'end') return { type: 'if', branches, ...at };
          if (terminator.kind === 'elseif') {
            condition = terminator.condition!;
            branchPos = this.loc(terminator.pos);
            continue;
          }
          const rest = this.parseNodes(end, quote, true);
          if (!rest.terminator) throw this.error('#if without a matching #end', start);
          if (rest.terminator.kind !== 'end') {
            throw this.error(`#${rest.terminator.kind} after #else`, rest.terminator.pos);
          }
          return { type: 'if', branches, otherwise: rest.nodes, ...at };
        }
      }
      case 'foreach': {
        const { nodes, terminator } = this.parseNodes(end, quote, true);
        if (!terminator) throw this.error('#foreach without a matching #end', start);
        if (terminator.kind === 'elseif') throw this.error('#elseif inside #foreach without #if', terminator.pos);
        const node: Node = {
          type: 'foreach',
          variable: header.variable,
          iterable: header.iterable,
          body: nodes,
          ...at,
        };
        if (terminator.kind === 'else') {
          const rest = this.parseNodes(end, quote, true);
          if (rest.terminator?.kind !== 'end') throw this.error('#foreach without a matching #end', start);
          node.otherwise = rest.nodes;
        }
        return node;
      }
      case 'macro': {
        const def: MacroDefNode = { type: 'macro', name: header.name, params: header.params, body: [], ...at };
        this.macros.set(header.name, def);
        const { nodes, terminator } = this.parseNodes(end, quote, true);
        if (terminator?.kind !== 'end') throw this.error('#macro without a matching #end', start);
        def.body = nodes;
        return def;
      }
      case 'break':
        return { type: 'break', ...at };
      case 'stop':
        return { type: 'stop', ...at };
    }
  }

  private parseMacroArgs(end: number): Expr[] {
    this.expectOpenParen('macro call', end);
    const args: Expr[] = [];
    for (;;) {
      this.skipWs(end);
      if (this.src[this.pos] === ')') {
        this.pos++;
        return args;
      }
      if (this.src[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.pos >= end) throw this.error("macro call is missing ')'", this.pos);
      args.push(this.parseExpr(end));
    }
  }

  private parseParenExpr(what: string, end: number): Expr {
    this.expectOpenParen(what, end);
    const e = this.parseExpr(end);
    this.expectCloseParen(what, end);
    return e;
  }

  private expectOpenParen(what: string, end: number): void {
    while (this.pos < end && (this.src[this.pos] === ' ' || this.src[this.pos] === '\t')) this.pos++;
    if (this.src[this.pos] !== '(') throw this.error(`${what} expects '('`, this.pos);
    this.pos++;
  }

  private expectCloseParen(what: string, end: number): void {
    this.skipWs(end);
    if (this.src[this.pos] !== ')') throw this.error(`${what} expects ')'`, this.pos);
    this.pos++;
  }

  private skipWs(end: number): void {
    while (this.pos < end && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  // ---------------------------------------------------------------- references

  private readIdent(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.src[this.pos];
      if (isIdentChar(c)) this.pos++;
      else if (c === '-' && (isIdentChar(this.src[this.pos + 1]) || this.src[this.pos + 1] === '-')) this.pos++;
      else break;
    }
    return this.src.slice(start, this.pos);
  }

  /**
   * Parses a reference at `this.pos` (which holds `$`). Returns null (position unchanged) when the text is not a
   * reference (`$5`, `$ `, `$.x`): such a `$` is literal text.
   */
  private tryReference(end: number): RefNode | null {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    const quiet = src[p] === '!';
    if (quiet) p++;
    const formal = src[p] === '{';
    if (formal) p++;
    if (!isIdentStart(src[p]) || p >= end) return null;
    this.pos = p;
    const root = this.readIdent();
    const parts: RefPart[] = [];
    for (;;) {
      const c = src[this.pos];
      if (c === '.' && isIdentStart(src[this.pos + 1]) && this.pos + 1 < end) {
        const partPos = this.loc(this.pos + 1);
        this.pos++;
        const name = this.readIdent();
        if (src[this.pos] === '(') {
          const args = this.parseCallArgs(end);
          parts.push({ type: 'method', name, args, ...partPos });
        } else {
          parts.push({ type: 'prop', name, ...partPos });
        }
        continue;
      }
      if (c === '[') {
        const saved = this.pos;
        const partPos = this.loc(this.pos);
        try {
          this.pos++;
          const index = this.parseExpr(end);
          this.skipWs(end);
          if (src[this.pos] !== ']') throw this.error("expected ']' after the index", this.pos);
          this.pos++;
          parts.push({ type: 'index', index, ...partPos });
          continue;
        } catch (e) {
          if (formal) throw e;
          this.pos = saved;
          break;
        }
      }
      break;
    }
    if (formal) {
      if (src[this.pos] !== '}') {
        throw this.error(`'\${' is not closed: expected '}' after ${src.slice(start, this.pos)}`, this.pos);
      }
      this.pos++;
    }
    return { type: 'ref', quiet, formal, root, parts, source: src.slice(start, this.pos), ...this.loc(start) };
  }

  private parseCallArgs(end: number): Expr[] {
    const open = this.pos;
    this.pos++; // (
    const args: Expr[] = [];
    this.skipWs(end);
    if (this.src[this.pos] === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      args.push(this.parseExpr(end));
      this.skipWs(end);
      const c = this.src[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        return args;
      }
      if (this.pos >= end) throw this.error("method call is missing ')'", open);
      throw this.error(`unexpected '${c}' in method arguments (expected ',' or ')')`, this.pos);
    }
  }

  // ---------------------------------------------------------------- expressions

  private parseExpr(end: number): Expr {
    return this.nest(this.pos, () => this.parseOr(end));
  }

  private peekOp(end: number, ops: Array<[string, BinaryOp]>): { op: BinaryOp; len: number } | null {
    this.skipWs(end);
    const rest = this.src.slice(this.pos, Math.min(end, this.pos + 4));
    for (const [text, op] of ops) {
      if (!rest.startsWith(text)) continue;
      if (/^[a-z]/.test(text) && isIdentChar(rest[text.length])) continue;
      // `=` alone is not an operator (it belongs to #set); `==` is matched before `=`-prefixed ones.
      return { op, len: text.length };
    }
    return null;
  }

  private binaryLevel(end: number, ops: Array<[string, BinaryOp]>, next: (end: number) => Expr): Expr {
    let left = next(end);
    // A chain of n operators is a tree n deep (rendered recursively): it counts towards the nesting limit.
    let terms = 0;
    for (;;) {
      const at = this.pos;
      const found = this.peekOp(end, ops);
      if (!found) {
        this.pos = at;
        return left;
      }
      const opPos = this.loc(this.pos);
      this.pos += found.len;
      const right = this.nest(this.pos, () => next(end), ++terms);
      left = { type: 'binary', op: found.op, left, right, ...opPos };
    }
  }

  private parseOr(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['||', '||'],
        ['or', '||'],
      ],
      (e) => this.parseAnd(e),
    );
  }

  private parseAnd(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['&&', '&&'],
        ['and', '&&'],
      ],
      (e) => this.parseEq(e),
    );
  }

  private parseEq(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['==', '=='],
        ['!=', '!='],
        ['eq', '=='],
        ['ne', '!='],
      ],
      (e) => this.parseRel(e),
    );
  }

  private parseRel(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['<=', '<='],
        ['>=', '>='],
        ['<', '<'],
        ['>', '>'],
        ['le', '<='],
        ['ge', '>='],
        ['lt', '<'],
        ['gt', '>'],
      ],
      (e) => this.parseAdd(e),
    );
  }

  private parseAdd(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['+', '+'],
        ['-', '-'],
      ],
      (e) => this.parseMul(e),
    );
  }

  private parseMul(end: number): Expr {
    return this.binaryLevel(
      end,
      [
        ['*', '*'],
        ['/', '/'],
        ['%', '%'],
      ],
      (e) => this.parseUnary(e),
    );
  }

  private parseUnary(end: number): Expr {
    return this.nest(this.pos, () => this.parseUnaryInner(end));
  }

  private parseUnaryInner(end: number): Expr {
    this.skipWs(end);
    const at = this.loc(this.pos);
    const c = this.src[this.pos];
    if (c === '!' && this.src[this.pos + 1] !== '=') {
      this.pos++;
      return { type: 'unary', op: '!', operand: this.parseUnary(end), ...at };
    }
    if (/^not\b/.test(this.src.slice(this.pos, this.pos + 4))) {
      this.pos += 3;
      return { type: 'unary', op: '!', operand: this.parseUnary(end), ...at };
    }
    if (c === '-') {
      if (/[0-9]/.test(this.src[this.pos + 1] ?? '')) return this.parsePrimary(end);
      this.pos++;
      return { type: 'unary', op: '-', operand: this.parseUnary(end), ...at };
    }
    return this.parsePrimary(end);
  }

  private parsePrimary(end: number): Expr {
    this.skipWs(end);
    const src = this.src;
    const start = this.pos;
    const at = this.loc(start);
    const c = src[start];
    if (start >= end || c === undefined) throw this.error('expression expected', start);
    if (c === '(') {
      this.pos++;
      const e = this.parseExpr(end);
      this.skipWs(end);
      if (src[this.pos] !== ')') throw this.error("expected ')'", this.pos);
      this.pos++;
      return e;
    }
    if (c === '$') {
      const ref = this.tryReference(end);
      if (!ref) throw this.error("a reference must follow '$'", start);
      return { type: 'refExpr', ref, ...at };
    }
    if (c === '"' || c === "'") return this.parseStringLiteral(end);
    const num = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(start, end));
    if (num) {
      this.pos += num[0].length;
      if (num[1] !== undefined) return { type: 'float', value: Number(num[0]), ...at };
      return { type: 'int', value: Number(num[0]), ...at };
    }
    if (c === '[') {
      this.pos++;
      this.skipWs(end);
      if (src[this.pos] === ']') {
        this.pos++;
        return { type: 'list', items: [], ...at };
      }
      const first = this.parseExpr(end);
      this.skipWs(end);
      if (src.startsWith('..', this.pos)) {
        this.pos += 2;
        const to = this.parseExpr(end);
        this.skipWs(end);
        if (src[this.pos] !== ']') throw this.error("expected ']' to close the range", this.pos);
        this.pos++;
        return { type: 'range', from: first, to, ...at };
      }
      const items = [first];
      for (;;) {
        this.skipWs(end);
        if (src[this.pos] === ']') {
          this.pos++;
          return { type: 'list', items, ...at };
        }
        if (src[this.pos] !== ',') throw this.error("expected ',' or ']' in the list", this.pos);
        this.pos++;
        items.push(this.parseExpr(end));
      }
    }
    if (c === '{') {
      this.pos++;
      const entries: Array<{ key: Expr; value: Expr }> = [];
      this.skipWs(end);
      if (src[this.pos] === '}') {
        this.pos++;
        return { type: 'map', entries, ...at };
      }
      for (;;) {
        const key = this.parseExpr(end);
        this.skipWs(end);
        if (src[this.pos] !== ':') throw this.error("expected ':' after the map key", this.pos);
        this.pos++;
        const value = this.parseExpr(end);
        entries.push({ key, value });
        this.skipWs(end);
        if (src[this.pos] === '}') {
          this.pos++;
          return { type: 'map', entries, ...at };
        }
        if (src[this.pos] !== ',') throw this.error("expected ',' or '}' in the map", this.pos);
        this.pos++;
      }
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(start, end));
    if (word) {
      if (word[0] === 'true' || word[0] === 'false') {
        this.pos += word[0].length;
        return { type: 'bool', value: word[0] === 'true', ...at };
      }
      if (word[0] === 'null') {
        this.pos += 4;
        return { type: 'null', ...at };
      }
      throw this.error(
        `unexpected word '${word[0]}' in an expression (a reference needs '$', a string needs quotes)`,
        start,
      );
    }
    throw this.error(`unexpected '${c}' in an expression`, start);
  }

  private parseStringLiteral(end: number): Expr {
    const src = this.src;
    const start = this.pos;
    const q = src[start]!;
    const at = this.loc(start);
    let p = start + 1;
    for (;;) {
      if (p >= end) throw this.error(`unclosed string literal starting with ${q}`, start);
      const c = src[p];
      if (c === '\\' && (src[p + 1] === q || src[p + 1] === '\\')) {
        p += 2;
        continue;
      }
      if (c === q) {
        if (src[p + 1] === q) {
          p += 2;
          continue;
        }
        break;
      }
      p++;
    }
    const raw = src.slice(start + 1, p);
    this.pos = p + 1;
    if (q === '"' && (raw.includes('$') || raw.includes('#'))) {
      const saved = this.pos;
      const savedLast = this.lastNodeEnd;
      this.pos = start + 1;
      const { nodes } = this.parseNodes(p, q, false);
      this.pos = saved;
      this.lastNodeEnd = savedLast;
      return { type: 'interpolated', nodes, raw, ...at };
    }
    return { type: 'string', value: raw.split(q + q).join(q), ...at };
  }
}

/** Parses a Velocity template. Throws VelocitySyntaxError with line and column. */
export function parseVelocity(template: string, name = 'template'): VelocityTemplate {
  const parser = new Parser(template, name);
  const nodes = parser.parseTemplate();
  return { name, source: template, nodes, macros: parser.macros };
}
