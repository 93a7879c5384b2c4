// Parser for Jayway JsonPath expressions. Accepts what Jayway 2.x accepts in practice, including the forms seen in
// real Data Actions: `$.a.b`, `$['a']`, `$.['a']`, `$.[0]`, `$..a`, `$.a[*]`, `$.a[-1]`, `$.a[0,1]`, `$.a[1:3]`,
// `$.a[?(@.b == 'x' && @.c)]`, `[?('acd' in @.p[*].purpose)]`, `$.a.size()`.

import { CxpactError } from '../errors';
import { currentLimits } from '../limits';
import type { FilterExpr, FunctionArg, Operand, PathAst, RelOp, Segment } from './ast';

export class JsonPathSyntaxError extends CxpactError {
  readonly position: number;
  readonly expression: string;
  constructor(expression: string, position: number, message: string) {
    // A long expression is shown as a window around the position (an excerpt, never 64 KB of text).
    const from = expression.length > 200 ? Math.max(0, position - 100) : 0;
    const shown =
      expression.length > 200
        ? `${from > 0 ? '…' : ''}${expression.slice(from, from + 200)}${from + 200 < expression.length ? '…' : ''}`
        : expression;
    const pointer = `${shown}\n${' '.repeat(Math.max(0, position - from + (from > 0 ? 1 : 0)))}^`;
    super(
      'jsonpath.syntax',
      `Invalid JSONPath ${JSON.stringify(shown)} at position ${position}: ${message}\n${pointer}`,
      {
        fix: "Write the path in Jayway JsonPath syntax, e.g. `$.customer.name`, `$.items[0].id`, `$.items[?(@.type == 'x')].id`.",
        details: { expression, position },
      },
    );
    this.name = 'JsonPathSyntaxError';
    this.position = position;
    this.expression = expression;
  }
}

const WORD_OPS: RelOp[] = ['subsetof', 'noneof', 'anyof', 'contains', 'empty', 'size', 'nin', 'in'];
const FUNCTIONS = new Set([
  'length',
  'size',
  'min',
  'max',
  'avg',
  'sum',
  'stddev',
  'first',
  'last',
  'index',
  'keys',
  'concat',
  'append',
]);

class Parser {
  pos = 0;
  /** Nesting of brackets, parentheses, negations and and/or terms: bounded, so no input overflows the stack. */
  private depth = 0;
  private readonly maxDepth = currentLimits().depth;
  constructor(readonly src: string) {}

  /** Runs `fn` one nesting level deeper; fails past the depth limit. */
  nest<T>(fn: () => T, levels = 1): T {
    this.depth += levels;
    if (this.depth > this.maxDepth)
      this.fail(
        `the expression nests deeper than ${this.maxDepth} levels (brackets, parentheses, ! and && / || terms); the limit is --limit-depth / CXPACT_LIMIT_DEPTH`,
      );
    try {
      return fn();
    } finally {
      this.depth -= levels;
    }
  }

  fail(message: string, at = this.pos): never {
    throw new JsonPathSyntaxError(this.src, at, message);
  }

  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  skipWs(): void {
    while (!this.eof() && /\s/.test(this.peek())) this.pos++;
  }

  expect(ch: string): void {
    if (this.src.startsWith(ch, this.pos)) {
      this.pos += ch.length;
      return;
    }
    this.fail(`expected '${ch}' but found ${this.eof() ? 'the end of the expression' : `'${this.peek()}'`}`);
  }

  /** A whole path: root then segments. `inFilter` stops at operators/whitespace. */
  parsePath(inFilter: boolean): PathAst {
    const c = this.peek();
    let root: '$' | '@';
    if (c === '$' || c === '@') {
      root = c;
      this.pos++;
    } else if (!inFilter && c !== '') {
      // Jayway accepts a path without `$` (`a.b` means `$.a.b`; `[0]` means `$[0]`).
      root = '$';
      if (c !== '[' && c !== '.') {
        const segs: Segment[] = [];
        this.parseDotName(segs);
        return { root, segments: this.parseSegments(inFilter, segs) };
      }
    } else {
      this.fail(inFilter ? "expected a path starting with '@' or '$'" : "a JSONPath must start with '$'");
    }
    return { root, segments: this.parseSegments(inFilter, []) };
  }

  parseSegments(inFilter: boolean, segments: Segment[]): Segment[] {
    for (;;) {
      // Paths are evaluated one step per recursion level: their length counts as nesting.
      if (segments.length > this.maxDepth)
        this.fail(`the path has more than ${this.maxDepth} steps; the limit is --limit-depth / CXPACT_LIMIT_DEPTH`);
      const c = this.peek();
      if (c === '.') {
        if (this.peek(1) === '.') {
          this.pos += 2;
          segments.push({ kind: 'scan' });
          const n = this.peek();
          if (n === '[') segments.push(this.parseBracket());
          else if (n === '*') {
            this.pos++;
            segments.push({ kind: 'wildcard' });
          } else this.parseDotName(segments);
          continue;
        }
        this.pos++;
        const n = this.peek();
        if (n === '[') {
          segments.push(this.parseBracket());
        } else if (n === '*') {
          this.pos++;
          segments.push({ kind: 'wildcard' });
        } else {
          this.parseDotName(segments);
        }
        continue;
      }
      if (c === '[') {
        segments.push(this.parseBracket());
        continue;
      }
      if (this.eof()) break;
      if (inFilter) break;
      this.fail(`unexpected character '${c}'`);
    }
    return segments;
  }

  parseDotName(segments: Segment[]): void {
    const start = this.pos;
    while (!this.eof() && !/[.[\]()\s=<>!&|,~]/.test(this.peek())) this.pos++;
    const name = this.src.slice(start, this.pos);
    if (name === '') this.fail('expected a property name');
    if (this.peek() === '(') {
      if (!FUNCTIONS.has(name))
        this.fail(
          `unknown function '${name}()'; Jayway knows ${[...FUNCTIONS].map((f) => `${f}()`).join(', ')}`,
          start,
        );
      this.pos++;
      const args = this.parseFunctionArgs();
      segments.push({ kind: 'function', name, args });
      return;
    }
    segments.push({ kind: 'property', names: [name] });
  }

  parseFunctionArgs(): FunctionArg[] {
    const args: FunctionArg[] = [];
    this.skipWs();
    if (this.peek() === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      this.skipWs();
      const op = this.parseOperand();
      if (op.kind === 'regex') this.fail('a regex is not a function argument');
      args.push(op.kind === 'path' ? { kind: 'path', path: op.path } : { kind: 'literal', value: op.value });
      this.skipWs();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(')');
      return args;
    }
  }

  parseBracket(): Segment {
    return this.nest(() => this.parseBracketInner());
  }

  parseBracketInner(): Segment {
    const open = this.pos;
    this.expect('[');
    this.skipWs();
    const c = this.peek();
    let seg: Segment;
    if (c === '?') {
      this.pos++;
      this.skipWs();
      this.expect('(');
      const exprStart = this.pos;
      const expr = this.parseOr();
      this.skipWs();
      const source = this.src.slice(exprStart, this.pos).trim();
      this.expect(')');
      seg = { kind: 'filter', expr, source };
    } else if (c === '*') {
      this.pos++;
      seg = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      const names: string[] = [];
      for (;;) {
        this.skipWs();
        const q = this.peek();
        if (q !== "'" && q !== '"') this.fail('expected a quoted property name');
        names.push(this.parseQuoted());
        this.skipWs();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        break;
      }
      seg = { kind: 'property', names };
    } else if (c === ':' || c === '-' || /[0-9]/.test(c)) {
      const first = c === ':' ? undefined : this.parseInt();
      this.skipWs();
      if (this.peek() === ':') {
        this.pos++;
        this.skipWs();
        const end = this.peek() === ']' ? undefined : this.parseInt();
        seg = { kind: 'slice', start: first, end };
      } else {
        const indexes = [first as number];
        while (this.peek() === ',') {
          this.pos++;
          this.skipWs();
          indexes.push(this.parseInt());
          this.skipWs();
        }
        seg = { kind: 'index', indexes };
      }
    } else if (c === ']') {
      this.fail("empty brackets: write [*], [0], ['name'] or [?(...)]");
    } else {
      this.fail(`unexpected '${c}' in brackets`);
    }
    this.skipWs();
    if (this.peek() !== ']') this.fail(`expected ']' to close the '[' at position ${open}`);
    this.pos++;
    return seg;
  }

  parseInt(): number {
    const m = /^-?[0-9]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected an integer');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  parseQuoted(): string {
    const q = this.peek();
    const start = this.pos;
    this.pos++;
    let out = '';
    while (!this.eof() && this.peek() !== q) {
      const ch = this.peek();
      if (ch === '\\') {
        const n = this.peek(1);
        this.pos += 2;
        switch (n) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            const hex = this.src.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            out += n;
        }
        continue;
      }
      out += ch;
      this.pos++;
    }
    if (this.eof()) this.fail(`unterminated string starting here`, start);
    this.pos++;
    return out;
  }

  // ---- filters ----
  parseOr(): FilterExpr {
    let left = this.parseAnd();
    let terms = 0;
    for (;;) {
      this.skipWs();
      if (this.src.startsWith('||', this.pos)) {
        this.pos += 2;
        // A chain of n terms is a tree n deep: it counts towards the nesting limit.
        left = { kind: 'or', left, right: this.nest(() => this.parseAnd(), ++terms) };
      } else return left;
    }
  }

  parseAnd(): FilterExpr {
    let left = this.parseUnary();
    let terms = 0;
    for (;;) {
      this.skipWs();
      if (this.src.startsWith('&&', this.pos)) {
        this.pos += 2;
        left = { kind: 'and', left, right: this.nest(() => this.parseUnary(), ++terms) };
      } else return left;
    }
  }

  parseUnary(): FilterExpr {
    this.skipWs();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      return { kind: 'not', expr: this.nest(() => this.parseUnary()) };
    }
    if (this.peek() === '(') {
      this.pos++;
      const e = this.nest(() => this.parseOr());
      this.skipWs();
      this.expect(')');
      return e;
    }
    return this.parseRelation();
  }

  parseRelation(): FilterExpr {
    this.skipWs();
    const left = this.parseOperand();
    this.skipWs();
    const op = this.parseOp();
    if (op === undefined) {
      if (left.kind !== 'path')
        this.fail(
          'expected a comparison operator (==, !=, <, <=, >, >=, =~, in, nin, subsetof, anyof, noneof, size, empty)',
        );
      return { kind: 'exists', path: left.path };
    }
    this.skipWs();
    const right = this.parseOperand();
    return { kind: 'compare', op, left, right };
  }

  parseOp(): RelOp | undefined {
    const rest = this.src.slice(this.pos);
    for (const op of ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>'] as const) {
      if (rest.startsWith(op)) {
        this.pos += op.length;
        if (op === '===') return '==';
        if (op === '!==') return '!=';
        return op;
      }
    }
    for (const op of WORD_OPS) {
      if (rest.toLowerCase().startsWith(op) && !/[A-Za-z0-9_]/.test(rest[op.length] ?? '')) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  parseOperand(): Operand {
    const c = this.peek();
    if (c === '@' || c === '$') return { kind: 'path', path: this.parsePath(true) };
    if (c === "'" || c === '"') return { kind: 'literal', value: this.parseQuoted() };
    if (c === '/') {
      const start = this.pos;
      this.pos++;
      let source = '';
      while (!this.eof() && this.peek() !== '/') {
        if (this.peek() === '\\') {
          source += this.peek() + this.peek(1);
          this.pos += 2;
        } else {
          source += this.peek();
          this.pos++;
        }
      }
      if (this.eof()) this.fail('unterminated regex', start);
      this.pos++;
      const fm = /^[a-zA-Z]*/.exec(this.src.slice(this.pos));
      const flags = fm ? fm[0] : '';
      this.pos += flags.length;
      return { kind: 'regex', source, flags };
    }
    if (c === '[' || c === '{') return { kind: 'literal', value: this.parseJsonLiteral() };
    const num = /^-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.src.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(this.src[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail(this.eof() ? 'unexpected end of the expression' : `unexpected '${c}' in a filter`);
  }

  /** JSON-ish literal: arrays/objects, single or double quoted strings. */
  parseJsonLiteral(): unknown {
    return this.nest(() => this.parseJsonLiteralInner());
  }

  parseJsonLiteralInner(): unknown {
    this.skipWs();
    const c = this.peek();
    if (c === '[') {
      this.pos++;
      const out: unknown[] = [];
      this.skipWs();
      if (this.peek() === ']') {
        this.pos++;
        return out;
      }
      for (;;) {
        out.push(this.parseJsonLiteral());
        this.skipWs();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        this.expect(']');
        return out;
      }
    }
    if (c === '{') {
      this.pos++;
      const out: Record<string, unknown> = {};
      this.skipWs();
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      for (;;) {
        this.skipWs();
        const q = this.peek();
        if (q !== '"' && q !== "'") this.fail('expected a quoted key');
        const key = this.parseQuoted();
        this.skipWs();
        this.expect(':');
        out[key] = this.parseJsonLiteral();
        this.skipWs();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        this.expect('}');
        return out;
      }
    }
    const op = this.parseOperand();
    if (op.kind !== 'literal') this.fail('expected a literal value');
    return op.value;
  }
}

/** Parses a Jayway JsonPath; throws JsonPathSyntaxError (code `jsonpath.syntax`) with the position. */
export function parseJsonPath(expression: string): PathAst {
  const p = new Parser(expression.trim());
  if (p.src === '') p.fail('the expression is empty');
  const path = p.parsePath(false);
  if (!p.eof()) p.fail(`unexpected '${p.peek()}'`);
  for (let i = 0; i < path.segments.length; i++) {
    const s = path.segments[i]!;
    if (s.kind === 'scan' && i === path.segments.length - 1)
      p.fail("'..' must be followed by a property, '*' or brackets", p.src.length);
  }
  return path;
}
