// Lint rules about evaluation cost, checked before anything runs: regexes that a backtracking engine (Java's, which
// Genesys runs) can take exponential time on, and Velocity loops whose step count is unbounded or beyond the budget.
// cxpact itself evaluates such definitions safely (linear-time regexes, step budgets: src/core/limits.ts), but on
// Genesys they hang or time out the action, so they are findings. Pure.

import { compileJsonPath, visitFilter, walkPath, type FilterExpr, type PathAst } from '../../jsonpath';
import { parseVelocity } from '../../velocity';
import type { Expr, Node, RefNode } from '../../velocity/ast';
import type { DataAction } from '../../data-action/model';
import { member, type Field } from '../../data-action/fields';
import { currentLimits } from '../../limits';
import { catastrophicBacktracking } from '../../safe-regex';
import type { LintContext } from '../context';

const REGEX_METHODS = new Set(['matches', 'replaceAll', 'replaceFirst', 'split']);

interface Template {
  field: Field;
  name: string;
  text: string;
}

function templatesOf(action: DataAction): Template[] {
  const out: Template[] = [{ field: { kind: 'url' }, name: 'requestUrlTemplate', text: action.request.urlTemplate }];
  for (const [name, text] of Object.entries(action.request.headers))
    out.push({ field: { kind: 'header', name }, name: `header ${name}`, text });
  out.push({ field: { kind: 'body' }, name: 'requestTemplate', text: action.request.bodyTemplate });
  out.push({ field: { kind: 'successTemplate' }, name: 'successTemplate', text: action.response.successTemplate });
  return out;
}

const CATASTROPHIC_FIX =
  'Rewrite it so no repeated part can match the same text in two ways: (a+)+ -> a+, (a|ab)* -> a(b)?…, (\\w+\\s?)+ -> [\\w\\s]+';

/** Family `cost`: regexes and loops (every template is parsed here, a body a GET never sends too). */
export function checkCost(c: LintContext): void {
  const action = c.action;
  const add = c.add.bind(c);

  // Velocity: regex literals passed to String.matches/replaceAll/replaceFirst/split, and loops.
  for (const t of templatesOf(action)) {
    let nodes: Node[];
    let macros: Map<string, { body: Node[] }>;
    try {
      const parsed = parseVelocity(t.text, t.name);
      nodes = parsed.nodes;
      macros = parsed.macros;
    } catch {
      continue; // lint.template.syntax reports it
    }
    walkTemplate(
      nodes,
      {
        method: (ref, name, args) => {
          const first = args[0];
          if (!REGEX_METHODS.has(name) || first === undefined) return;
          const literal = literalText(first);
          if (literal === undefined) return;
          const why = catastrophicBacktracking(literal);
          if (why !== undefined) {
            add(
              'lint.regex.catastrophic',
              t.field,
              `${ref.source}: the pattern "${literal}" can backtrack catastrophically in Java's regex engine (${why}); on Genesys the action can hang until it times out`,
              CATASTROPHIC_FIX,
              first,
            );
          }
        },
        loop: (steps, at, why) => {
          if (why !== undefined) {
            add(
              'lint.template.loop-unbounded',
              t.field,
              `the #foreach at line ${at.line} iterates ${why}: its length is not bounded by the definition`,
              'Bound the loop (iterate a list from the response or a small literal range), or check the bound with #if first',
              at,
            );
          } else if (steps > currentLimits().steps) {
            add(
              'lint.template.loop-huge',
              t.field,
              `the nested #foreach loops at line ${at.line} take ${steps.toLocaleString('en-US')} iterations, more than the ${currentLimits().steps.toLocaleString('en-US')}-step budget (Genesys times out long before)`,
              'Iterate smaller ranges, or fewer nested loops',
              at,
            );
          }
        },
      },
      macros,
    );
    for (const [name, macro] of macros) {
      if (callsMacro(macro.body, name)) {
        add(
          'lint.template.macro-recursive',
          t.field,
          `the macro #${name} calls itself unconditionally: every call recurses until Velocity's macro depth limit fails the render`,
          'Stop the recursion with an #if, or write the repetition as a #foreach over a bounded list',
          macro as unknown as { line: number; column: number },
        );
      }
    }
  }

  // JSONPath `=~` filters in the translation map.
  for (const [key, expression] of Object.entries(action.response.translationMap)) {
    let ast: PathAst;
    try {
      ast = compileJsonPath(expression).ast;
    } catch {
      continue; // lint.translation.path-syntax reports it
    }
    const regexes: string[] = [];
    const collect = (f: FilterExpr): void =>
      visitFilter(f, { compare: (e) => (e.right.kind === 'regex' ? regexes.push(e.right.source) : undefined) });
    walkPath(ast, { segment: (s) => (s.kind === 'filter' ? collect(s.expr) : undefined) });
    for (const source of regexes) {
      const why = catastrophicBacktracking(source);
      if (why !== undefined)
        add(
          'lint.regex.catastrophic',
          { kind: 'translationMap', key },
          `the filter regex /${source}/ in ${expression} can backtrack catastrophically in Java's regex engine (${why}); on Genesys the action can hang until it times out`,
          CATASTROPHIC_FIX,
        );
    }
  }

  // Schema `pattern` / `patternProperties` (Genesys validates inputs and outputs with a Java validator).
  for (const [kind, schema] of [
    ['inputSchema', action.inputSchema],
    ['outputSchema', action.outputSchema],
  ] as const) {
    for (const { pattern, sub } of schemaPatterns(schema)) {
      const why = catastrophicBacktracking(pattern);
      if (why !== undefined)
        add(
          'lint.regex.catastrophic',
          { kind, sub },
          `the schema pattern "${pattern}" can backtrack catastrophically in Java's regex engine (${why}); validating a long value can hang the action on Genesys`,
          CATASTROPHIC_FIX,
        );
    }
  }

  // JSONata: regex literals and recursive functions without a condition.
  const jsonata = action.response.jsonata;
  if (jsonata !== undefined) {
    // An inline expression is a field of the definition; a .jsonata file beside it is its own file.
    const jsonataAt = jsonata.source.startsWith('$')
      ? { file: action.file, path: jsonata.source }
      : { file: jsonata.source, path: '$' };
    for (const m of jsonata.expression.matchAll(/(?<![\w)\]}"'])\/((?:\\.|[^/\\\n])+)\/[imsx]*/g)) {
      const why = catastrophicBacktracking(m[1] as string);
      if (why !== undefined)
        c.addAt(
          'lint.regex.catastrophic',
          jsonataAt,
          `the JSONata regex /${m[1]}/ can backtrack catastrophically in a backtracking engine (${why})`,
          CATASTROPHIC_FIX,
        );
    }
    for (const m of jsonata.expression.matchAll(/\$(\w+)\s*:=\s*function\s*\(([^)]*)\)\s*\{/g)) {
      const body = balancedBody(jsonata.expression, (m.index ?? 0) + m[0].length - 1);
      if (body !== undefined && new RegExp(`\\$${m[1]}\\s*\\(`).test(body) && !body.includes('?')) {
        c.addAt(
          'lint.jsonata.recursion-unbounded',
          jsonataAt,
          `the JSONata function $${m[1]} calls itself with no condition (?:) to stop: it recurses until the time budget stops it`,
          'Give the recursion a base case: condition ? result : $f(...)',
        );
      }
    }
  }
}

/** The text of a string literal ('...', or "..." without references), undefined when computed. */
function literalText(e: Expr): string | undefined {
  if (e.type === 'string') return e.value;
  if (e.type === 'interpolated' && e.nodes.every((n) => n.type === 'text'))
    return e.nodes.map((n) => (n.type === 'text' ? n.value : '')).join('');
  return undefined;
}

/** The text between the `{` at `open` and its matching `}`. */
function balancedBody(text: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

/** Every `pattern` (and `patternProperties` key) in a schema, with its path, found iteratively. */
function schemaPatterns(schema: unknown): { pattern: string; sub: string }[] {
  const out: { pattern: string; sub: string }[] = [];
  const stack: { v: unknown; sub: string; depth: number }[] = [{ v: schema, sub: '', depth: 0 }];
  const max = currentLimits().depth;
  while (stack.length > 0) {
    const { v, sub, depth } = stack.pop() as (typeof stack)[number];
    if (typeof v !== 'object' || v === null || depth > max) continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        stack.push({ v: x, sub: `${sub}[${i}]`, depth: depth + 1 });
      });
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['pattern'] === 'string') out.push({ pattern: o['pattern'], sub: `${sub}.pattern` });
    const pp = o['patternProperties'];
    if (typeof pp === 'object' && pp !== null && !Array.isArray(pp))
      for (const k of Object.keys(pp)) out.push({ pattern: k, sub: `${sub}.patternProperties${member(k)}` });
    for (const [k, x] of Object.entries(o))
      if (typeof x === 'object' && x !== null) stack.push({ v: x, sub: `${sub}${member(k)}`, depth: depth + 1 });
  }
  return out;
}

interface TemplateVisitor {
  method(ref: RefNode, name: string, args: Expr[]): void;
  /** A #foreach: its total iterations including the loops around it, or why they are unbounded. */
  loop(steps: number, at: { line: number; column: number }, unbounded?: string): void;
}

/** Iterations of a #foreach's iterable when it is a literal range or list; undefined when unknown; a string when unbounded. */
function iterations(e: Expr): number | string | undefined {
  if (e.type === 'list') return e.items.length;
  if (e.type !== 'range') return undefined;
  const bound = (x: Expr): number | string =>
    x.type === 'int'
      ? x.value
      : x.type === 'unary' && x.op === '-' && x.operand.type === 'int'
        ? -x.operand.value
        : `a range whose bound is ${x.type === 'refExpr' ? x.ref.source : 'computed'}`;
  const a = bound(e.from);
  const b = bound(e.to);
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return b;
  return Math.abs(b - a) + 1;
}

/** Walks nodes and expressions (iteratively over node lists; templates are depth-limited by the parser). */
function walkTemplate(
  nodes: Node[],
  visitor: TemplateVisitor,
  macros: Map<string, { body: Node[] }>,
  outerSteps = 1,
  seenMacros = new Set<string>(),
): void {
  const expr = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.type) {
      case 'interpolated':
        walkTemplate(e.nodes, visitor, macros, outerSteps, seenMacros);
        return;
      case 'list':
        e.items.forEach(expr);
        return;
      case 'range':
        expr(e.from);
        expr(e.to);
        return;
      case 'map':
        for (const { key, value } of e.entries) {
          expr(key);
          expr(value);
        }
        return;
      case 'refExpr':
        ref(e.ref);
        return;
      case 'unary':
        expr(e.operand);
        return;
      case 'binary':
        expr(e.left);
        expr(e.right);
        return;
      default:
        return;
    }
  };
  const ref = (r: RefNode): void => {
    for (const p of r.parts) {
      if (p.type === 'method') {
        visitor.method(r, p.name, p.args);
        p.args.forEach(expr);
      } else if (p.type === 'index') expr(p.index);
    }
  };
  for (const n of nodes) {
    switch (n.type) {
      case 'ref':
        ref(n);
        break;
      case 'set':
        expr(n.value);
        break;
      case 'if':
        for (const b of n.branches) {
          expr(b.condition);
          walkTemplate(b.body, visitor, macros, outerSteps, seenMacros);
        }
        if (n.otherwise) walkTemplate(n.otherwise, visitor, macros, outerSteps, seenMacros);
        break;
      case 'foreach': {
        expr(n.iterable);
        const it = iterations(n.iterable);
        const steps = outerSteps * (typeof it === 'number' ? Math.max(1, it) : 1);
        visitor.loop(steps, n, typeof it === 'string' ? it : undefined);
        walkTemplate(n.body, visitor, macros, steps, seenMacros);
        if (n.otherwise) walkTemplate(n.otherwise, visitor, macros, outerSteps, seenMacros);
        break;
      }
      case 'macroCall': {
        n.args.forEach(expr);
        const m = macros.get(n.name);
        if (m !== undefined && !seenMacros.has(n.name))
          walkTemplate(m.body, visitor, macros, outerSteps, new Set([...seenMacros, n.name]));
        break;
      }
      default:
        break;
    }
  }
}

/** The node list calls macro `name` unconditionally (not under an #if). */
function callsMacro(nodes: Node[], name: string): boolean {
  const stack: Node[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'macroCall' && n.name === name) return true;
    // A call under an #if may be the recursion's way out: only unconditional self-calls are reported.
    if (n.type === 'foreach') {
      stack.push(...n.body);
      if (n.otherwise) stack.push(...n.otherwise);
    }
  }
  return false;
}
