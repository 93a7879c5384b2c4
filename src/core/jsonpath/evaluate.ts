// Evaluator with Jayway JsonPath semantics (default configuration, as Genesys Data Actions use it):
// - a definite path (`.a`, `['a']`, `[0]`, functions) returns the value itself, or fails with "not found"
//   (Jayway's PathNotFoundException) when a property/index does not exist or an intermediate is not an object/array;
// - an indefinite path (`[*]`, `..`, `[?()]`, `[a,b]`, `[0,1]`, `[1:3]`) returns a list of matches, `[]` when
//   nothing matches; absent properties are silently skipped;
// - filters test array elements (or an object itself), with Jayway's operators.
// Caveat: a missing property BEFORE the first indefinite step still fails (`$.x[*]` without `x` is "Missing property
// in path $['x']"), exactly like Jayway's PathToken.handleObjectProperty (upstream definite && token definite ->
// PathNotFoundException); translationMapDefaults then apply. Modelled on Jayway 2.4-2.9 (the version Genesys runs is
// not published; 2.0.x differed on missing leaves in indefinite paths).

import type { FilterExpr, FunctionArg, Operand, PathAst, Segment } from './ast';
import { isDefinite, pathToString } from './ast';
import { isRecord } from '../json';
import { withBudget, type Budget } from '../limits';
import { compileSafeRegex, UnsafeRegexError, type SafeRegex } from '../safe-regex';

export interface EvaluationResult {
  /** False when a definite path did not resolve (Jayway's PathNotFoundException), or a function failed. */
  found: boolean;
  /** The value (definite path), the list of matches (indefinite path), or undefined when not found. */
  value: unknown;
  definite: boolean;
  /** Jayway's message when not found, e.g. `No results for path: $['a']['b']`. */
  reason?: string;
}

/** Jayway's PathNotFoundException. */
export class PathNotFound extends Error {}
/** Jayway's JsonPathException from a function (e.g. aggregation of an empty array). */
export class FunctionError extends Error {}

interface Options {
  /** Jayway's REQUIRE_PROPERTIES: missing properties always throw (used for existence checks in filters). */
  requireProperties: boolean;
}

type Json = unknown;

function javaType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'net.minidev.json.JSONArray';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'number') return Number.isInteger(v) ? 'java.lang.Integer' : 'java.lang.Double';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  return 'net.minidev.json.JSONObject';
}

function quote(name: string): string {
  return `['${name}']`;
}

class Evaluator {
  constructor(
    readonly root: Json,
    readonly opts: Options,
    readonly budget?: Budget,
  ) {}

  walk(segs: Segment[], i: number, model: Json, evalPath: string, upDef: boolean, out: Json[]): void {
    this.budget?.tick();
    if (i === segs.length) {
      out.push(model);
      return;
    }
    const s = segs[i]!;
    const leaf = i === segs.length - 1;
    switch (s.kind) {
      case 'property': {
        if (!isRecord(model)) {
          if (upDef) {
            throw new PathNotFound(
              `Expected to find an object with property ${s.names.map(quote).join(',')} in path ${evalPath} but found '${javaType(model)}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.`,
            );
          }
          return;
        }
        const only = s.names.length === 1 ? s.names[0] : undefined;
        if (only !== undefined) {
          const name = only;
          const p = evalPath + quote(name);
          if (!Object.hasOwn(model, name)) {
            if (leaf) {
              if (this.opts.requireProperties) throw new PathNotFound(`No results for path: ${p}`);
              return;
            }
            if (upDef || this.opts.requireProperties) throw new PathNotFound(`Missing property in path ${p}`);
            return;
          }
          this.walk(segs, i + 1, model[name], p, upDef, out);
          return;
        }
        if (leaf) {
          const merged: Record<string, Json> = {};
          for (const name of s.names) {
            if (Object.hasOwn(model, name)) merged[name] = model[name];
            else if (this.opts.requireProperties)
              throw new PathNotFound(`No results for path: ${evalPath}${quote(name)}`);
          }
          out.push(merged);
          return;
        }
        for (const name of s.names) {
          if (Object.hasOwn(model, name)) this.walk(segs, i + 1, model[name], evalPath + quote(name), false, out);
        }
        return;
      }
      case 'wildcard': {
        if (Array.isArray(model))
          model.forEach((e, k) => {
            this.walk(segs, i + 1, e, `${evalPath}[${k}]`, false, out);
          });
        else if (isRecord(model))
          for (const [k, v] of Object.entries(model)) this.walk(segs, i + 1, v, evalPath + quote(k), false, out);
        return;
      }
      case 'index': {
        const single = s.indexes.length === 1;
        if (!Array.isArray(model)) {
          if (upDef && single)
            throw new PathNotFound(
              `Filter: [${s.indexes.join(',')}] can only be applied to arrays. Current context is: ${JSON.stringify(model)}`,
            );
          return;
        }
        for (const idx of s.indexes) {
          const eff = idx < 0 ? model.length + idx : idx;
          if (eff >= 0 && eff < model.length)
            this.walk(segs, i + 1, model[eff], `${evalPath}[${eff}]`, upDef && single, out);
        }
        return;
      }
      case 'slice': {
        if (!Array.isArray(model)) return;
        const len = model.length;
        let from = s.start ?? 0;
        let to = s.end ?? len;
        if (from < 0) from = Math.max(0, len + from);
        if (to < 0) to = Math.max(0, len + to);
        to = Math.min(to, len);
        for (let k = from; k < to; k++) this.walk(segs, i + 1, model[k], `${evalPath}[${k}]`, false, out);
        return;
      }
      case 'filter': {
        if (Array.isArray(model)) {
          model.forEach((e, k) => {
            if (this.test(s.expr, e)) this.walk(segs, i + 1, e, `${evalPath}[${k}]`, false, out);
          });
        } else if (isRecord(model)) {
          if (this.test(s.expr, model)) this.walk(segs, i + 1, model, evalPath, false, out);
        }
        return;
      }
      case 'scan': {
        // Jayway tests a filter after `..` against every object in the tree (an array is not tested itself, its
        // elements are visited as nodes), so each match is found once.
        const filterNext = segs[i + 1]?.kind === 'filter';
        const visit = (node: Json, p: string): void => {
          if (!(filterNext && Array.isArray(node))) this.walk(segs, i + 1, node, p, false, out);
          if (Array.isArray(node))
            node.forEach((e, k) => {
              if (typeof e === 'object' && e !== null) visit(e, `${p}[${k}]`);
            });
          else if (isRecord(node))
            for (const [k, v] of Object.entries(node)) if (typeof v === 'object' && v !== null) visit(v, p + quote(k));
        };
        visit(model, evalPath);
        return;
      }
      case 'function': {
        const value = this.applyFunction(s.name, s.args, model);
        this.walk(segs, i + 1, value, `${evalPath}.${s.name}()`, upDef, out);
        return;
      }
    }
  }

  /** Runs a whole path. Throws PathNotFound for a definite path without result. */
  run(path: PathAst, current: Json): { value: Json; definite: boolean } {
    const start = path.root === '$' ? this.root : current;
    const segs = path.segments;
    const last = segs[segs.length - 1];
    // Jayway's ScannerFunctionInverter: `$..x.fn()` becomes `fn($..x)`, the function gets the deep scan's whole
    // result; length()/size() then count the children of every match (`$..x[*]`).
    if (last?.kind === 'function' && segs[0]?.kind === 'scan') {
      const out: Json[] = [];
      this.walk(segs.slice(0, -1), 0, start, path.root, true, out);
      if (last.name === 'length' || last.name === 'size') {
        let n = 0;
        for (const m of out) n += Array.isArray(m) ? m.length : isRecord(m) ? Object.keys(m).length : 0;
        return { value: n, definite: true };
      }
      return { value: this.applyFunction(last.name, last.args, out), definite: true };
    }
    const out: Json[] = [];
    this.walk(segs, 0, start, path.root, true, out);
    if (isDefinite(path)) {
      if (out.length === 0) throw new PathNotFound(`No results for path: ${pathToString(path)}`);
      return { value: out[0], definite: true };
    }
    return { value: out, definite: false };
  }

  // ---- functions ----
  argValue(arg: FunctionArg, current: Json): Json {
    if (arg.kind === 'literal') return arg.value;
    try {
      return this.run(arg.path, current).value;
    } catch (e) {
      if (e instanceof PathNotFound) return undefined;
      throw e;
    }
  }

  applyFunction(name: string, args: FunctionArg[], model: Json): Json {
    const argv = args.map((a) => this.argValue(a, model));
    switch (name) {
      case 'length':
      case 'size':
        if (Array.isArray(model)) return model.length;
        if (isRecord(model)) return Object.keys(model).length;
        return null;
      case 'min':
      case 'max':
      case 'avg':
      case 'sum':
      case 'stddev': {
        const nums: number[] = [];
        if (Array.isArray(model)) for (const v of model) if (typeof v === 'number') nums.push(v);
        for (const v of argv) {
          if (typeof v === 'number') nums.push(v);
          else if (Array.isArray(v)) for (const x of v) if (typeof x === 'number') nums.push(x);
        }
        if (nums.length === 0)
          throw new FunctionError('Aggregation function attempted to calculate value using empty array');
        if (name === 'min') return Math.min(...nums);
        if (name === 'max') return Math.max(...nums);
        const sum = nums.reduce((a, b) => a + b, 0);
        if (name === 'sum') return sum;
        const avg = sum / nums.length;
        if (name === 'avg') return avg;
        const sq = nums.reduce((a, b) => a + b * b, 0);
        return Math.sqrt(sq / nums.length - avg * avg);
      }
      case 'first':
      case 'last':
      case 'index': {
        if (!Array.isArray(model) || model.length === 0)
          throw new FunctionError(
            `Invalid function ${name}() on ${Array.isArray(model) ? 'an empty array' : 'a non-array value'}`,
          );
        if (name === 'first') return model[0];
        if (name === 'last') return model[model.length - 1];
        const n = typeof argv[0] === 'number' ? argv[0] : 0;
        const eff = n < 0 ? model.length + n : n;
        if (eff < 0 || eff >= model.length)
          throw new FunctionError(`index(${n}) is out of range for an array of ${model.length}`);
        return model[eff];
      }
      case 'keys':
        if (isRecord(model)) return Object.keys(model);
        throw new FunctionError('keys() can only be applied to an object');
      case 'concat': {
        let s = '';
        if (Array.isArray(model)) for (const v of model) s += typeof v === 'string' ? v : '';
        else if (typeof model === 'string') s += model;
        for (const v of argv) if (v !== undefined && v !== null) s += typeof v === 'string' ? v : JSON.stringify(v);
        return s;
      }
      case 'append': {
        if (!Array.isArray(model)) throw new FunctionError('append() can only be applied to an array');
        return [...model, ...argv];
      }
      default:
        throw new FunctionError(`Function with name: ${name} does not exist.`);
    }
  }

  // ---- filters ----
  test(expr: FilterExpr, current: Json): boolean {
    switch (expr.kind) {
      case 'and':
        return this.test(expr.left, current) && this.test(expr.right, current);
      case 'or':
        return this.test(expr.left, current) || this.test(expr.right, current);
      case 'not':
        return !this.test(expr.expr, current);
      case 'exists': {
        const strict = new Evaluator(this.root, { requireProperties: true }, this.budget);
        try {
          strict.run(expr.path, current);
          return true;
        } catch (e) {
          if (e instanceof PathNotFound || e instanceof FunctionError) return false;
          throw e;
        }
      }
      case 'compare':
        return this.compare(expr.op, this.operand(expr.left, current), this.operand(expr.right, current), expr.right);
    }
  }

  operand(op: Operand, current: Json): Json {
    if (op.kind === 'literal') return op.value;
    if (op.kind === 'regex') return op;
    try {
      return this.run(op.path, current).value;
    } catch (e) {
      if (e instanceof PathNotFound || e instanceof FunctionError) return UNDEFINED;
      throw e;
    }
  }

  compare(op: string, l: Json, r: Json, rightOp: Operand): boolean {
    switch (op) {
      case '==':
        return jaywayEquals(l, r);
      case '!=':
        return !jaywayEquals(l, r);
      case '<':
      case '<=':
      case '>':
      case '>=': {
        let c: number;
        if (typeof l === 'number' && typeof r === 'number') c = l - r;
        else if (typeof l === 'string' && typeof r === 'string') c = l < r ? -1 : l > r ? 1 : 0;
        else return false;
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      }
      case '=~': {
        if (rightOp.kind !== 'regex') return false;
        const input =
          typeof l === 'string' ? l : typeof l === 'number' || typeof l === 'boolean' ? String(l) : undefined;
        if (input === undefined) return false;
        return regexFor(rightOp.source, rightOp.flags).matchesWhole(input);
      }
      case 'in':
        return Array.isArray(r) && r.some((x) => jaywayEquals(l, x));
      case 'nin':
        return !(Array.isArray(r) && r.some((x) => jaywayEquals(l, x)));
      case 'subsetof':
        return Array.isArray(l) && Array.isArray(r) && l.every((x) => r.some((y) => jaywayEquals(x, y)));
      case 'anyof':
        return Array.isArray(l) && Array.isArray(r) && l.some((x) => r.some((y) => jaywayEquals(x, y)));
      case 'noneof':
        return Array.isArray(l) && Array.isArray(r) && !l.some((x) => r.some((y) => jaywayEquals(x, y)));
      case 'size':
        if (typeof r !== 'number') return false;
        if (typeof l === 'string' || Array.isArray(l)) return l.length === r;
        return false;
      case 'empty':
        if (typeof r !== 'boolean') return false;
        if (typeof l === 'string' || Array.isArray(l)) return (l.length === 0) === r;
        if (isRecord(l)) return (Object.keys(l).length === 0) === r;
        return false;
      case 'contains':
        if (typeof l === 'string') return typeof r === 'string' && l.includes(r);
        if (Array.isArray(l)) return l.some((x) => jaywayEquals(x, r));
        return false;
      default:
        return false;
    }
  }
}

const UNDEFINED: unique symbol = Symbol('undefined');

/**
 * Jayway compiles `=~ /.../flags` with java.util.regex and calls Matcher.matches() (the whole input must match).
 * Run on the linear-time engine (shared/safe-regex.ts), so no filter regex can backtrack catastrophically.
 */
function regexFor(source: string, flags: string): SafeRegex {
  const jsFlags = [...new Set(flags.split('').filter((f) => 'ims'.includes(f)))].join('');
  try {
    return compileSafeRegex(source, {
      dialect: 'java',
      flags: jsFlags,
      nativeFallback: (_p, f) => new RegExp(source, f.replace(/[^ims]/g, '')),
    });
  } catch (e) {
    if (e instanceof UnsafeRegexError)
      throw new FunctionError(`the filter regex /${source}/ cannot be evaluated safely: ${e.message}`);
    throw new FunctionError(`the filter regex /${source}/ is invalid: ${(e as Error).message}`);
  }
}

/** Jayway's ValueNode equality: deep for JSON, numeric strings equal numbers, undefined equals nothing. */
export function jaywayEquals(a: Json, b: Json): boolean {
  if (a === UNDEFINED || b === UNDEFINED) return false;
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jaywayEquals(x, b[i]));
  const ak = Object.keys(a as object);
  const bo = b as Record<string, Json>;
  return (
    ak.length === Object.keys(bo).length &&
    ak.every((k) => Object.hasOwn(bo, k) && jaywayEquals((a as Record<string, Json>)[k], bo[k]))
  );
}

/** Evaluates a parsed path against a document with Jayway's default configuration. */
export function evaluatePath(path: PathAst, doc: Json): EvaluationResult {
  return withBudget((budget) => evaluateWithin(path, doc, budget));
}

function evaluateWithin(path: PathAst, doc: Json, budget: Budget): EvaluationResult {
  const ev = new Evaluator(doc, { requireProperties: false }, budget);
  try {
    const r = ev.run(path, doc);
    return { found: true, value: r.value, definite: r.definite };
  } catch (e) {
    if (e instanceof PathNotFound || e instanceof FunctionError)
      return { found: false, value: undefined, definite: isDefinite(path), reason: e.message };
    throw e;
  }
}
