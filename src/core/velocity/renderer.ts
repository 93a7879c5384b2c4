// Renders a parsed Velocity template against a context, with Apache Velocity's strict reference mode as
// Genesys runs it: an undefined name is an error naming the reference, line and column; a non-quiet reference
// that evaluates to null is an error; `$!{x}` renders nothing for null. `strict: false` renders a null
// reference as its own text, as the Genesys help page describes for `${x}`.
import type { Expr, MacroDefNode, Node, Pos, RefNode, RefPart, VelocityTemplate } from './ast';
import { VelocityRenderError, type VelocityRenderCode } from './errors';
import { JavaException, NOT_FOUND, callJavaGetter, callJavaMethod } from './java-methods';
import { ToolError } from './tools';
import { type LimitExceededError, limitErrorFromRaw, withBudget, type Budget } from '../limits';
import { UnsafeRegexError } from '../safe-regex';
import {
  JavaDouble,
  SecretSource,
  SecretText,
  VelocityTool,
  isDouble,
  isNumber,
  isPlainMap,
  javaClassOf,
  javaToString,
  numValue,
  truthy,
  velocityEquals,
  type Segment,
} from './values';

export interface RenderOptions {
  /** The template's name in error messages (default: the name given to parseVelocity, else `template`). */
  name?: string;
  /** Strict reference mode (default true). */
  strict?: boolean;
  /** Add genesysTools() to the context (default true; names in the context win). */
  tools?: boolean;
}

class BreakSignal {}
class StopSignal {}

const MAX_RANGE = 1_000_000;
const MAX_MACRO_DEPTH = 100;

class Output {
  readonly segments: Segment[] = [];
  private length = 0;
  constructor(private readonly budget?: Budget) {}
  push(text: string, secret = false): void {
    if (text === '') return;
    this.length += text.length;
    this.budget?.checkLength(this.length, 'the rendered text');
    const last = this.segments[this.segments.length - 1];
    if (last && last.secret === secret && !secret) last.text += text;
    else this.segments.push({ text, secret });
  }
  pushValue(v: unknown): void {
    if (v instanceof SecretText) for (const s of v.segments) this.push(s.text, s.secret);
    else if (v instanceof SecretSource) this.push(`{{${v.root}}}`, true);
    else this.push(javaToString(v));
  }
  text(): string {
    return this.segments.map((s) => s.text).join('');
  }
}

const canonicalCache = new WeakMap<RefNode, string>();

/** `$input.a.b(...)` written canonically, for messages (the whole reference is computed once per node). */
export function canonicalReference(ref: RefNode, upTo = ref.parts.length): string {
  const whole = upTo === ref.parts.length;
  if (whole) {
    const hit = canonicalCache.get(ref);
    if (hit !== undefined) return hit;
  }
  let s = `$${ref.root}`;
  for (const p of ref.parts.slice(0, upTo)) {
    if (p.type === 'prop') s += `.${p.name}`;
    else if (p.type === 'method') s += `.${p.name}(${p.args.length > 0 ? '...' : ''})`;
    else s += '[...]';
  }
  if (whole) canonicalCache.set(ref, s);
  return s;
}

class Renderer {
  private readonly vars: Map<string, unknown>;
  private macroDepth = 0;

  constructor(
    private readonly template: VelocityTemplate,
    context: Record<string, unknown>,
    private readonly name: string,
    private readonly strict: boolean,
    private readonly budget: Budget,
  ) {
    this.vars = new Map(Object.entries(context));
  }

  run(): Output {
    const out = new Output(this.budget);
    try {
      this.renderNodes(this.template.nodes, out);
    } catch (e) {
      if (e instanceof StopSignal) return out;
      if (e instanceof BreakSignal) return out;
      const limit = limitErrorFromRaw(e);
      if (limit !== undefined) this.overBudget(limit, `the ${this.name}`, { line: 1, column: 1 });
      throw e;
    }
    return out;
  }

  /** A spent budget or a limit, reported at the construct that spent it (the innermost loop or macro call). */
  private overBudget(e: LimitExceededError, construct: string, pos: Pos): never {
    throw new VelocityRenderError(
      e.code,
      `${e.message} in ${construct}`,
      { template: this.name, line: pos.line, column: pos.column },
      { fix: e.fix, details: { ...(e.details ?? {}), construct } },
    );
  }

  /** Runs `fn`; a budget or limit error (or a raw JavaScript "too big" error) inside is reported at `construct`. */
  private within<T>(construct: () => string, pos: Pos, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof BreakSignal || e instanceof StopSignal || e instanceof VelocityRenderError) throw e;
      const limit = limitErrorFromRaw(e);
      if (limit !== undefined) this.overBudget(limit, construct(), pos);
      throw e;
    }
  }

  private fail(
    code: VelocityRenderCode,
    message: string,
    pos: Pos,
    reference?: string,
    details?: Record<string, unknown>,
  ): never {
    throw new VelocityRenderError(
      code,
      message,
      { template: this.name, line: pos.line, column: pos.column, ...(reference === undefined ? {} : { reference }) },
      details === undefined ? {} : { details },
    );
  }

  private renderNodes(nodes: Node[], out: Output): void {
    for (const node of nodes) this.renderNode(node, out);
  }

  private renderNode(node: Node, out: Output): void {
    this.budget.tick();
    switch (node.type) {
      case 'text':
        out.push(node.value);
        return;
      case 'ref':
        this.renderRef(node, out);
        return;
      case 'set':
        this.doSet(node.target, this.evalExpr(node.value, false));
        return;
      case 'if': {
        for (const branch of node.branches) {
          if (truthy(this.evalExpr(branch.condition, true))) {
            this.renderNodes(branch.body, out);
            return;
          }
        }
        if (node.otherwise) this.renderNodes(node.otherwise, out);
        return;
      }
      case 'foreach':
        if (
          !this.within(
            () => `#foreach ($${node.variable} in ...)`,
            node,
            () => this.doForeach(node.variable, node.iterable, node.body, node, out),
          ) &&
          node.otherwise
        ) {
          this.renderNodes(node.otherwise, out);
        }
        return;
      case 'macro':
        return;
      case 'macroCall':
        this.within(
          () => `the macro call #${node.name}(...)`,
          node,
          () => this.doMacroCall(node.name, node.args, node, out),
        );
        return;
      case 'break':
        throw new BreakSignal();
      case 'stop':
        throw new StopSignal();
    }
  }

  private renderRef(ref: RefNode, out: Output): void {
    const v = this.resolveRef(ref, false);
    if (v === null || v === undefined) {
      if (ref.quiet) return;
      if (!this.strict) {
        out.push(ref.source);
        return;
      }
      const canonical = canonicalReference(ref);
      const missingKey = this.missingMapKey(ref);
      this.fail(
        'velocity.null-reference',
        `Reference ${canonical} evaluated to null when attempting to render` +
          (missingKey
            ? ` (no key '${missingKey}' in $${ref.parts.length > 1 ? canonicalReference(ref, ref.parts.length - 1).slice(1) : ref.root})`
            : ''),
        ref,
        canonical,
        missingKey ? { missingKey } : undefined,
      );
    }
    out.pushValue(v);
  }

  /** When the reference ends in `.name` on a map without that key, returns the key. */
  private missingMapKey(ref: RefNode): string | undefined {
    const last = ref.parts[ref.parts.length - 1];
    if (last?.type !== 'prop') return undefined;
    try {
      const parent = this.resolveRef({ ...ref, parts: ref.parts.slice(0, -1), quiet: true }, false);
      if (isPlainMap(parent) && !Object.hasOwn(parent, last.name)) return last.name;
    } catch {
      return undefined;
    }
    return undefined;
  }

  /**
   * Evaluates a reference. `bareInCondition`: the reference stands alone in an #if condition, where Velocity's
   * strict mode lets an undefined name be false.
   */
  private resolveRef(ref: RefNode, bareInCondition: boolean): unknown {
    if (!this.vars.has(ref.root)) {
      if ((bareInCondition && ref.parts.length === 0) || ref.quiet || !this.strict) return undefined;
      this.fail('velocity.undefined-reference', `Variable $${ref.root} has not been set`, ref, `$${ref.root}`, {
        root: ref.root,
      });
    }
    let v = this.vars.get(ref.root);
    for (let i = 0; i < ref.parts.length; i++) {
      const part = ref.parts[i]!;
      if (v === null || v === undefined) {
        if (this.strict && !ref.quiet) {
          const what = part.type === 'index' ? 'an index' : `'${part.name}'`;
          this.fail(
            'velocity.invalid-access',
            `Attempted to access ${what} on a null value (${canonicalReference(ref, i)} is null)`,
            part,
            canonicalReference(ref),
          );
        }
        return null;
      }
      v = this.applyPart(v, part, ref, i);
    }
    return v;
  }

  private applyPart(v: unknown, part: RefPart, ref: RefNode, i: number): unknown {
    const canonical = canonicalReference(ref);
    if (part.type === 'index') {
      const idx = this.evalExpr(part.index, false);
      if (Array.isArray(v)) {
        if (!isNumber(idx) || isDouble(idx)) {
          this.fail(
            'velocity.invalid-access',
            `List index must be an integer, got ${javaToString(idx)}`,
            part,
            canonical,
          );
        }
        let n = numValue(idx);
        if (n < 0) n += v.length;
        if (n < 0 || n >= v.length) {
          if (this.strict && !ref.quiet) {
            this.fail(
              'velocity.method-failed',
              `Index ${numValue(idx)} out of bounds for length ${v.length} in ${canonical}`,
              part,
              canonical,
            );
          }
          return null;
        }
        return v[n];
      }
      if (isPlainMap(v)) {
        const key = javaToString(idx);
        return Object.hasOwn(v, key) ? v[key] : null;
      }
      if (v instanceof SecretSource || v instanceof SecretText) return v;
      return this.fail(
        'velocity.invalid-access',
        `Cannot index into ${javaClassOf(v)} (${canonicalReference(ref, i)})`,
        part,
        canonical,
      );
    }
    if (v instanceof SecretSource) {
      if (part.type === 'prop') return SecretText.placeholder(`{{${v.root}.${part.name}}}`);
      if (part.name === 'get' && part.args.length === 1) {
        return SecretText.placeholder(`{{${v.root}.${javaToString(this.evalExpr(part.args[0]!, false))}}}`);
      }
      return SecretText.placeholder(`{{${v.root}.${part.name}()}}`);
    }
    if (v instanceof SecretText) {
      // Anything computed from a secret stays a secret placeholder.
      if (part.type === 'prop') return SecretText.placeholder(`{{${v.describe()}.${part.name}}}`);
      for (const a of part.args) this.evalExpr(a, false);
      return v;
    }
    if (part.type === 'prop') {
      if (isPlainMap(v)) return Object.hasOwn(v, part.name) ? v[part.name] : null;
      if (v instanceof VelocityTool) {
        const cap = part.name.charAt(0).toUpperCase() + part.name.slice(1);
        const fn = v.methods[part.name] ?? v.methods[`get${cap}`] ?? v.methods[`is${cap}`];
        if (fn) return this.invokeTool(v, part.name, fn, [], part, canonical);
      } else {
        const r = callJavaGetter(v, part.name);
        if (r !== NOT_FOUND) return r;
      }
      if (this.strict && !ref.quiet) {
        this.fail(
          'velocity.invalid-access',
          `Attempted to access '${part.name}' on object of class ${javaClassOf(v)} (${canonicalReference(ref, i)})`,
          part,
          canonical,
        );
      }
      return null;
    }
    // Method call.
    const args = part.args.map((a) => this.evalExpr(a, false));
    if (v instanceof VelocityTool) {
      const fn = v.methods[part.name];
      if (!fn) {
        return this.fail(
          'velocity.invalid-access',
          `Method '${part.name}' does not exist on $${ref.parts.length > 0 && i === 0 ? ref.root : canonicalReference(ref, i).slice(1)} (${v.javaClass})`,
          part,
          canonical,
        );
      }
      if (args.some((a) => a instanceof SecretText || a instanceof SecretSource)) {
        const described = args
          .map((a) => (a instanceof SecretText ? a.describe() : a instanceof SecretSource ? a.root : javaToString(a)))
          .join(', ');
        return SecretText.placeholder(`{{${part.name}(${described})}}`);
      }
      return this.invokeTool(v, part.name, fn, args, part, canonical);
    }
    let r: unknown;
    try {
      r = callJavaMethod(v, part.name, args);
    } catch (e) {
      if (e instanceof JavaException) {
        return this.fail('velocity.method-failed', `${canonical} threw ${e.message}`, part, canonical);
      }
      if (e instanceof UnsafeRegexError) {
        throw new VelocityRenderError(
          'limit.regex',
          `${canonical}: ${e.message}`,
          { template: this.name, line: part.line, column: part.column, reference: canonical },
          { fix: e.fix },
        );
      }
      const limit = limitErrorFromRaw(e);
      if (limit !== undefined) this.overBudget(limit, canonical, part);
      throw e;
    }
    if (r === NOT_FOUND) {
      const sig = args.map((a) => javaClassOf(a).replace(/^java\.(lang|util)\./, '')).join(', ');
      if (this.strict && !ref.quiet) {
        return this.fail(
          'velocity.invalid-access',
          `Method ${part.name}(${sig}) does not exist on ${javaClassOf(v)} (${canonicalReference(ref, i)})`,
          part,
          canonical,
        );
      }
      return null;
    }
    return r;
  }

  private invokeTool(
    tool: VelocityTool,
    method: string,
    fn: (...args: unknown[]) => unknown,
    args: unknown[],
    pos: Pos,
    canonical: string,
  ): unknown {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof ToolError || e instanceof JavaException) {
        return this.fail('velocity.method-failed', `${canonical} failed: ${e.message}`, pos, canonical);
      }
      const limit = limitErrorFromRaw(e);
      if (limit !== undefined) this.overBudget(limit, canonical, pos);
      throw new VelocityRenderError(
        'velocity.method-failed',
        `${canonical} (${tool.javaClass}.${method}) failed: ${(e as Error).message}`,
        { template: this.name, line: pos.line, column: pos.column, reference: canonical },
      );
    }
  }

  private doSet(target: RefNode, value: unknown): void {
    if (target.parts.length === 0) {
      this.vars.set(target.root, value);
      return;
    }
    const parentRef: RefNode = { ...target, parts: target.parts.slice(0, -1) };
    const parent = this.resolveRef(parentRef, false);
    const last = target.parts[target.parts.length - 1]!;
    if (last.type === 'prop' && isPlainMap(parent)) {
      parent[last.name] = value;
      return;
    }
    if (last.type === 'index') {
      const idx = this.evalExpr(last.index, false);
      if (isPlainMap(parent)) {
        parent[javaToString(idx)] = value;
        return;
      }
      if (Array.isArray(parent) && isNumber(idx) && !isDouble(idx)) {
        const n = numValue(idx);
        if (n >= 0 && n < parent.length) {
          parent[n] = value;
          return;
        }
        this.fail(
          'velocity.method-failed',
          `Index ${n} out of bounds for length ${parent.length}`,
          last,
          canonicalReference(target),
        );
      }
    }
    this.fail(
      'velocity.invalid-access',
      `Cannot #set ${canonicalReference(target)}: ${javaClassOf(parent)} has no settable property`,
      target,
      canonicalReference(target),
    );
  }

  /** Renders the loop; returns whether there was anything to iterate. */
  private doForeach(variable: string, iterableExpr: Expr, body: Node[], pos: Pos, out: Output): boolean {
    const iterable = this.evalExpr(iterableExpr, false);
    let items: unknown[];
    if (iterable === null || iterable === undefined) return false;
    if (Array.isArray(iterable)) items = [...iterable];
    else if (isPlainMap(iterable)) items = Object.values(iterable);
    else {
      if (this.strict) {
        this.fail(
          'velocity.invalid-operation',
          `#foreach cannot iterate over a ${javaClassOf(iterable)}` +
            (typeof iterable === 'string' ? ' (a JSON text is a string: iterate a list, not its text)' : ''),
          pos,
        );
      }
      return false;
    }
    if (items.length === 0) return false;
    const saved = new Map<string, { had: boolean; value: unknown }>();
    for (const name of [variable, 'foreach', 'velocityCount', 'velocityHasNext']) {
      saved.set(name, { had: this.vars.has(name), value: this.vars.get(name) });
    }
    const parentScope = this.vars.get('foreach');
    try {
      // One scope per loop, updated per iteration (as Velocity's ForeachScope is): no closures per iteration.
      const state = { index: 0, hasNext: false };
      const scope = new VelocityTool('org.apache.velocity.runtime.directive.ForeachScope', {
        index: () => state.index,
        getIndex: () => state.index,
        count: () => state.index + 1,
        getCount: () => state.index + 1,
        hasNext: () => state.hasNext,
        getHasNext: () => state.hasNext,
        first: () => state.index === 0,
        isFirst: () => state.index === 0,
        last: () => !state.hasNext,
        isLast: () => !state.hasNext,
        parent: () => parentScope ?? null,
        getParent: () => parentScope ?? null,
      });
      for (let i = 0; i < items.length; i++) {
        const hasNext = i < items.length - 1;
        state.index = i;
        state.hasNext = hasNext;
        this.budget.tick();
        this.vars.set(variable, items[i]);
        this.vars.set('foreach', scope);
        this.vars.set('velocityCount', i + 1);
        this.vars.set('velocityHasNext', hasNext);
        try {
          this.renderNodes(body, out);
        } catch (e) {
          if (e instanceof BreakSignal) break;
          throw e;
        }
      }
    } finally {
      for (const [name, s] of saved) {
        if (s.had) this.vars.set(name, s.value);
        else this.vars.delete(name);
      }
    }
    return true;
  }

  private doMacroCall(name: string, argExprs: Expr[], pos: Pos, out: Output): void {
    const def: MacroDefNode | undefined = this.template.macros.get(name);
    if (!def) this.fail('velocity.invalid-access', `Macro #${name} is not defined`, pos);
    if (argExprs.length !== def.params.length && this.strict) {
      this.fail(
        'velocity.invalid-operation',
        `Macro #${name} takes ${def.params.length} argument(s), ${argExprs.length} given`,
        pos,
      );
    }
    if (this.macroDepth >= MAX_MACRO_DEPTH)
      this.fail('velocity.invalid-operation', `Macro #${name} recursed too deep`, pos);
    const args = argExprs.map((a) => this.evalExpr(a, false));
    const saved = def.params.map((p) => ({ name: p, had: this.vars.has(p), value: this.vars.get(p) }));
    def.params.forEach((p, i) => {
      this.vars.set(p, i < args.length ? args[i] : null);
    });
    this.macroDepth++;
    try {
      this.renderNodes(def.body, out);
    } finally {
      this.macroDepth--;
      for (const s of saved) {
        if (s.had) this.vars.set(s.name, s.value);
        else this.vars.delete(s.name);
      }
    }
  }

  // ------------------------------------------------------------------------------------------ expressions

  /** `cond`: the expression is (a logical part of) an #if condition. */
  private evalExpr(e: Expr, cond: boolean): unknown {
    switch (e.type) {
      case 'string':
        return e.value;
      case 'interpolated': {
        const out = new Output(this.budget);
        this.renderNodes(e.nodes, out);
        return out.segments.some((s) => s.secret) ? new SecretText(out.segments) : out.text();
      }
      case 'int':
        return e.value;
      case 'float':
        return new JavaDouble(e.value);
      case 'bool':
        return e.value;
      case 'null':
        return null;
      case 'list':
        return e.items.map((x) => this.evalExpr(x, false));
      case 'map': {
        const m: Record<string, unknown> = {};
        for (const { key, value } of e.entries)
          m[javaToString(this.evalExpr(key, false))] = this.evalExpr(value, false);
        return m;
      }
      case 'range': {
        const from = this.evalExpr(e.from, false);
        const to = this.evalExpr(e.to, false);
        const a = this.toInt(from, e);
        const b = this.toInt(to, e);
        if (Math.abs(b - a) + 1 > MAX_RANGE)
          this.fail('velocity.invalid-operation', `Range [${a}..${b}] is too large`, e);
        this.budget.tick(Math.abs(b - a) + 1);
        const r: number[] = [];
        if (a <= b) for (let i = a; i <= b; i++) r.push(i);
        else for (let i = a; i >= b; i--) r.push(i);
        return r;
      }
      case 'refExpr':
        return this.resolveRef(e.ref, cond);
      case 'unary': {
        if (e.op === '!') return !truthy(this.evalExpr(e.operand, cond));
        const v = this.evalExpr(e.operand, false);
        if (!isNumber(v)) this.fail('velocity.invalid-operation', `Cannot negate ${javaToString(v)} (not a number)`, e);
        return v instanceof JavaDouble ? new JavaDouble(-v.value) : -v;
      }
      case 'binary':
        return this.evalBinary(e, cond);
    }
  }

  private toInt(v: unknown, pos: Pos): number {
    if (isNumber(v)) return Math.trunc(numValue(v));
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    return this.fail('velocity.invalid-operation', `Range bound ${javaToString(v)} is not an integer`, pos);
  }

  private evalBinary(e: Extract<Expr, { type: 'binary' }>, cond: boolean): unknown {
    if (e.op === '&&') return truthy(this.evalExpr(e.left, cond)) && truthy(this.evalExpr(e.right, cond));
    if (e.op === '||') return truthy(this.evalExpr(e.left, cond)) || truthy(this.evalExpr(e.right, cond));
    const l = this.evalExpr(e.left, false);
    const r = this.evalExpr(e.right, false);
    switch (e.op) {
      case '==':
        return velocityEquals(l, r);
      case '!=':
        return !velocityEquals(l, r);
      case '<':
      case '<=':
      case '>':
      case '>=': {
        let c: number;
        if (isNumber(l) && isNumber(r)) c = numValue(l) - numValue(r);
        else if (typeof l === 'string' && typeof r === 'string') c = l < r ? -1 : l > r ? 1 : 0;
        else {
          return this.fail(
            'velocity.invalid-operation',
            `Cannot compare ${javaToString(l)} (${javaClassOf(l)}) ${e.op} ${javaToString(r)} (${javaClassOf(r)})`,
            e,
          );
        }
        return e.op === '<' ? c < 0 : e.op === '<=' ? c <= 0 : e.op === '>' ? c > 0 : c >= 0;
      }
      default: {
        if (!isNumber(l) || !isNumber(r)) {
          const bad = !isNumber(l) ? l : r;
          return this.fail(
            'velocity.invalid-operation',
            `${!isNumber(l) ? 'Left' : 'Right'} side of '${e.op}' is not a number: ${javaToString(bad)} (${javaClassOf(bad)})`,
            e,
          );
        }
        const a = numValue(l);
        const b = numValue(r);
        const dbl = isDouble(l) || isDouble(r);
        if ((e.op === '/' || e.op === '%') && b === 0 && !dbl) {
          return this.fail('velocity.invalid-operation', `Division by zero (${javaToString(l)} ${e.op} 0)`, e);
        }
        let x: number;
        switch (e.op) {
          case '+':
            x = a + b;
            break;
          case '-':
            x = a - b;
            break;
          case '*':
            x = a * b;
            break;
          case '/':
            x = dbl ? a / b : Math.trunc(a / b);
            break;
          default:
            x = a % b;
        }
        return dbl ? new JavaDouble(x) : x;
      }
    }
  }
}

/** Renders to output segments (secret placeholders marked). */
export function renderSegments(
  template: VelocityTemplate,
  context: Record<string, unknown>,
  options: RenderOptions = {},
): Segment[] {
  return withBudget(
    (budget) =>
      new Renderer(template, context, options.name ?? template.name, options.strict ?? true, budget).run().segments,
  );
}
