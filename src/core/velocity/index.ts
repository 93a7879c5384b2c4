// cxpact's own Velocity engine, with Genesys Cloud Data Action semantics (strict references, Java String
// methods, the EscapeTool/MathTool/... context tools, success-template context).
import type { Expr, Node, RefNode, VelocityTemplate } from './ast';
import { parseVelocity } from './parser';
import { renderSegments, type RenderOptions } from './renderer';
import { genesysTools as tools } from './tools';
import type { Segment } from './values';

export type { VelocityTemplate } from './ast';
export { VelocityRenderError, VelocitySyntaxError } from './errors';
export { parseVelocity } from './parser';
export type { RenderOptions } from './renderer';
export { SecretSource, SecretText, JavaDouble, VelocityTool, javaToString, type Segment } from './values';
export { formEncode, jsonStringEscape } from './tools';

const cache = new Map<string, VelocityTemplate>();

// The tools hold no state, so one set serves every render.
let toolsSingleton: Record<string, unknown> | undefined;
function sharedTools(): Record<string, unknown> {
  toolsSingleton ??= tools();
  return toolsSingleton;
}
const CACHE_MAX = 500;

function parsed(template: string | VelocityTemplate, name: string | undefined): VelocityTemplate {
  if (typeof template !== 'string') return template;
  const key = `${name ?? 'template'}\u0000${template}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const t = parseVelocity(template, name ?? 'template');
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, t);
  return t;
}

/**
 * Renders a template (text or parsed) against a context. Strict reference mode unless `strict: false`.
 * Genesys' tools ($esc, $math, ...) are added to the context unless `tools: false` (the context wins).
 * Throws VelocitySyntaxError / VelocityRenderError (CxpactErrors with line and column).
 */
export function renderVelocity(
  template: string | VelocityTemplate,
  context: Record<string, unknown>,
  options: RenderOptions = {},
): string {
  return renderVelocitySegments(template, context, options)
    .map((s) => s.text)
    .join('');
}

/** As renderVelocity, but returns the output as segments; `secret` segments hold credential placeholders. */
export function renderVelocitySegments(
  template: string | VelocityTemplate,
  context: Record<string, unknown>,
  options: RenderOptions = {},
): Segment[] {
  const ctx = options.tools === false ? context : { ...sharedTools(), ...context };
  return renderSegments(parsed(template, options.name), ctx, options);
}

/** The tools Genesys puts in a Data Action's Velocity context ($esc, $math, $urlTool, $encoding, ...). */
export function genesysTools(): Record<string, unknown> {
  return tools();
}

export interface VelocityReference {
  /** The context name: `input` for `${input.customerId}`. */
  root: string;
  /** The property chain after the root, up to the first method call or index: `['customerId']`. */
  path: string[];
  /** `$!x` / `$!{x}`. */
  quiet: boolean;
  line: number;
  column: number;
  /** The reference as written. */
  source: string;
  /** The root is a template-local name (#set, #foreach variable, macro parameter, $foreach, $velocityCount). */
  local: boolean;
}

/**
 * Every reference a template uses, in source order (including those inside directives, method arguments and
 * string literals; not those in comments, `#[[unparsed]]#` blocks or escaped with a backslash). Throws
 * VelocitySyntaxError (named `name`) when the template does not parse.
 */
export function velocityReferences(template: string | VelocityTemplate, name?: string): VelocityReference[] {
  const t = parsed(template, typeof template === 'string' ? (name ?? 'template') : template.name);
  const refs: RefNode[] = [];
  const locals = new Set<string>();

  const visitExpr = (e: Expr): void => {
    switch (e.type) {
      case 'interpolated':
        e.nodes.forEach(visitNode);
        return;
      case 'list':
        e.items.forEach(visitExpr);
        return;
      case 'map':
        e.entries.forEach((x) => {
          visitExpr(x.key);
          visitExpr(x.value);
        });
        return;
      case 'range':
        visitExpr(e.from);
        visitExpr(e.to);
        return;
      case 'refExpr':
        visitRef(e.ref);
        return;
      case 'unary':
        visitExpr(e.operand);
        return;
      case 'binary':
        visitExpr(e.left);
        visitExpr(e.right);
        return;
      default:
        return;
    }
  };
  const visitRef = (r: RefNode): void => {
    refs.push(r);
    for (const p of r.parts) {
      if (p.type === 'method') p.args.forEach(visitExpr);
      else if (p.type === 'index') visitExpr(p.index);
    }
  };
  const visitNode = (n: Node): void => {
    switch (n.type) {
      case 'ref':
        visitRef(n);
        return;
      case 'set':
        if (n.target.parts.length === 0) locals.add(n.target.root);
        else visitRef(n.target);
        visitExpr(n.value);
        return;
      case 'if':
        n.branches.forEach((b) => {
          visitExpr(b.condition);
          b.body.forEach(visitNode);
        });
        n.otherwise?.forEach(visitNode);
        return;
      case 'foreach':
        locals.add(n.variable);
        locals.add('foreach');
        locals.add('velocityCount');
        locals.add('velocityHasNext');
        visitExpr(n.iterable);
        n.body.forEach(visitNode);
        n.otherwise?.forEach(visitNode);
        return;
      case 'macro':
        n.params.forEach((p) => {
          locals.add(p);
        });
        n.body.forEach(visitNode);
        return;
      case 'macroCall':
        n.args.forEach(visitExpr);
        return;
      default:
        return;
    }
  };
  t.nodes.forEach(visitNode);

  return refs
    .map((r) => {
      const path: string[] = [];
      for (const p of r.parts) {
        if (p.type !== 'prop') break;
        path.push(p.name);
      }
      return {
        root: r.root,
        path,
        quiet: r.quiet,
        line: r.line,
        column: r.column,
        source: r.source,
        local: locals.has(r.root),
      };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Renders a success template as Genesys does: each translation-map variable is JSON TEXT (`"abc"` with its
 * quotes, `123`, `[...]`), `$rawResult` is the raw response body text, and the tools ($esc, $math,
 * $successTemplateUtils, ...) are in the context. Errors name the template `successTemplate`.
 */
export function renderSuccessTemplate(template: string, vars: Record<string, string>, rawResult: string): string {
  return renderVelocity(template, { ...sharedTools(), ...vars, rawResult }, { name: 'successTemplate', strict: true });
}
