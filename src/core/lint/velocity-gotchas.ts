// Velocity gotchas in request templates that Genesys turns into a failed action at run time, with the exact fix.
// `$esc.url(${input.id}).json`: without braces Velocity reads `.json` as a property of the string $esc.url(...)
// returns, and fails; `${esc.url(${input.id})}.json` ends the reference before the dot. Pure.

import type { DataAction, JsonSchema } from '../data-action/model';
import { genesysTools, parseVelocity } from '../velocity';
import type { Expr, Node, RefNode } from '../velocity/ast';

export interface DotAfterValue {
  /** Which template: `requestUrlTemplate`, `header <name>` or `requestTemplate`. */
  template: string;
  field: { kind: 'url' } | { kind: 'header'; name: string } | { kind: 'body' };
  /** The reference as written, e.g. `$esc.url(${input.id}).json`. */
  source: string;
  /** The property Velocity would read, e.g. `json`. */
  property: string;
  /** The reference rewritten with braces, e.g. `${esc.url(${input.id})}.json`. */
  fixed: string;
  line: number;
  column: number;
}

const TOOLS = new Set(Object.keys(genesysTools()));

/** Every reference node of a template, nested ones (method arguments, directives) included. */
function allRefs(nodes: Node[]): RefNode[] {
  const out: RefNode[] = [];
  const expr = (e: Expr): void => {
    if (e.type === 'interpolated') e.nodes.forEach(node);
    else if (e.type === 'list') e.items.forEach(expr);
    else if (e.type === 'map')
      e.entries.forEach((x) => {
        expr(x.key);
        expr(x.value);
      });
    else if (e.type === 'range') {
      expr(e.from);
      expr(e.to);
    } else if (e.type === 'refExpr') ref(e.ref);
    else if (e.type === 'unary') expr(e.operand);
    else if (e.type === 'binary') {
      expr(e.left);
      expr(e.right);
    }
  };
  const ref = (r: RefNode): void => {
    out.push(r);
    for (const p of r.parts) {
      if (p.type === 'method') p.args.forEach(expr);
      else if (p.type === 'index') expr(p.index);
    }
  };
  const node = (n: Node): void => {
    if (n.type === 'ref') ref(n);
    else if (n.type === 'set') {
      ref(n.target);
      expr(n.value);
    } else if (n.type === 'if') {
      n.branches.forEach((b) => {
        expr(b.condition);
        b.body.forEach(node);
      });
      n.otherwise?.forEach(node);
    } else if (n.type === 'foreach') {
      expr(n.iterable);
      n.body.forEach(node);
      n.otherwise?.forEach(node);
    } else if (n.type === 'macro') n.body.forEach(node);
    else if (n.type === 'macroCall') n.args.forEach(expr);
  };
  nodes.forEach(node);
  return out;
}

function isStringInput(schema: JsonSchema, name: string): boolean {
  const props = schema['properties'];
  if (typeof props !== 'object' || props === null) return false;
  const prop = (props as Record<string, unknown>)[name];
  if (typeof prop !== 'object' || prop === null) return false;
  const type = (prop as Record<string, unknown>)['type'];
  return type === 'string' || (Array.isArray(type) && type.includes('string') && !type.includes('object'));
}

/**
 * Shorthand references (`$x`, not `${x}`) where a `.name` after a scalar is read as a property: after a tool's
 * method call (`$esc.url(...)`, `$math.add(...)` return strings and numbers) or after a string input
 * (`$input.id.json`). Method calls on the scalar (`.toLowerCase()`) are Java and fine.
 */
export function findDotAfterValue(action: DataAction): DotAfterValue[] {
  const templates: Array<Pick<DotAfterValue, 'template' | 'field'> & { text: string }> = [
    { template: 'requestUrlTemplate', field: { kind: 'url' }, text: action.request.urlTemplate },
    ...Object.entries(action.request.headers).map(([name, text]) => ({
      template: `header ${name}`,
      field: { kind: 'header' as const, name },
      text,
    })),
    { template: 'requestTemplate', field: { kind: 'body' }, text: action.request.bodyTemplate },
  ];
  const out: DotAfterValue[] = [];
  for (const t of templates) {
    if (!t.text.includes('$')) continue;
    let nodes: Node[];
    try {
      nodes = parseVelocity(t.text, t.template).nodes;
    } catch {
      continue; // a syntax error is reported on its own
    }
    for (const r of allRefs(nodes)) {
      if (r.formal) continue;
      let scalarFrom = -1;
      if (TOOLS.has(r.root)) scalarFrom = r.parts.findIndex((p) => p.type === 'method');
      else if (r.root === 'input' && r.parts[0]?.type === 'prop' && isStringInput(action.inputSchema, r.parts[0].name))
        scalarFrom = 0;
      if (scalarFrom === -1) continue;
      const at = r.parts.findIndex((p, i) => i > scalarFrom && p.type === 'prop');
      const prop = r.parts[at];
      if (prop === undefined || prop.type !== 'prop' || prop.line !== r.line) continue;
      // The part's column is its name's; the dot is right before it.
      const cut = prop.column - r.column - 1;
      if (cut <= 1 || r.source[cut] !== '.') continue;
      const head = r.source.slice(0, cut).replace(/^\$!?/, '');
      const bang = r.source.startsWith('$!') ? '!' : '';
      out.push({
        template: t.template,
        field: t.field,
        source: r.source,
        property: prop.name,
        fixed: `$${bang}{${head}}${r.source.slice(cut)}`,
        line: r.line,
        column: r.column,
      });
    }
  }
  return out;
}

/** The fix for a request that fails to render because of such a reference, or undefined when there is none. */
export function velocityGotchaFix(action: DataAction): string | undefined {
  const found = findDotAfterValue(action);
  if (found.length === 0) return undefined;
  return found
    .map(
      (f) =>
        `in ${f.template}, Velocity reads ".${f.property}" in ${f.source} as a property of the value before it; end the reference before the dot: write ${f.fixed}`,
    )
    .join('; ');
}
