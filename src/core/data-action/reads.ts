// Which response-body fields a Data Action's translation reads — the input of the contract generator, which turns
// them into the pact's response body (with matchers) and into "field missing" cases.
//
// Sources:
//   - each translationMap JSONPath: `.a` / `['a']` -> key steps, `[n]` -> an index step, `[*]` / `[?()]` / slices ->
//     an `each` step (any element of an array; a filter lists the fields its condition reads in `filterFields`),
//     `..x` -> `x` directly under the scanned node (the smallest body a deep scan finds), functions: `.size()` /
//     `.length()` read the array/object before them as a whole (usage 'size'), aggregations read the numbers of an
//     array, `.first()`/`.last()`/`.index(n)` read an element;
//   - `rawResult` in the success template: a template that is only `${rawResult}` passes the body through, so the
//     fields of the output schema are what is read (one read per leaf of the schema); any other use of rawResult
//     reads the whole body;
//   - the JSONata AST (`jsonata(expr).ast()`): path expressions from the body root (or from `$`/`$$`), with filters
//     and indexes, inside object constructors, function arguments, conditions and bound variables.

import { jsonata } from './jsonata';
import { compileJsonPath, visitFilter, type FilterExpr, type PathAst, type Segment } from '../jsonpath';
import { CxpactError, messageOf } from '../errors';
import { isRecord } from '../json';
import { velocityReferences } from '../velocity';
import type { DataAction, JsonSchema } from './model';

import { translationPathSyntax } from './problems';

/** One step of a response path. `each` = any element of an array (wildcard, filter, slice). */
export type PathStep =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | {
      kind: 'each';
      /** Relative fields (`@.a.b` -> ['a','b']) the filter condition reads. */
      filterFields: string[][];
      /** Values that make the filter match (`@.purpose == 'customer'`, `@.kind in ['a','b']`), for example bodies. */
      filterValues?: { field: string[]; value: unknown }[];
    };

/** A response-body field the translation reads. Structurally compatible with src/core/contract's FieldRead. */
export interface FieldRead {
  /** Path from the body root. */
  steps: PathStep[];
  /** The translation variable (native), the output key (JSONata object constructor / rawResult schema), or `$`. */
  variable: string;
  /** The JSONPath / JSONata expression as written. */
  expression: string;
  /** translationMapDefaults has an entry for this variable (a missing field then does not fail the action). */
  hasDefault: boolean;
  /** How the value is used: the value itself, its size (`.size()`), a filter condition, or an existence test. */
  usage: 'value' | 'size' | 'filter' | 'exists';
  /** The output schema of the value at the end of the path, when known. */
  schema?: JsonSchema;
  /** The value at the end of the path is used whole (object/array read as a unit: `.size()`, rawResult, `$.items`). */
  whole?: boolean;
  /** The path came from a deep scan (`..x`): the field may sit at any depth below the scanned node. */
  deep?: boolean;
  /** Where the read comes from: `translationMap`, `successTemplate` (rawResult) or `jsonata`. */
  source: 'translationMap' | 'successTemplate' | 'jsonata';
}

const NUMERIC_AGGREGATES = new Set(['min', 'max', 'avg', 'sum', 'stddev']);
/** JSONata functions whose lambda argument gets each element of their first argument. */
const HIGHER_ORDER = new Set(['map', 'filter', 'reduce', 'single', 'sort', 'each', 'sift']);

/** Relative field path of `@.a.b` (['a','b']); undefined when it is not a plain chain of properties. */
function relativeKeys(p: PathAst, whole = false): string[] | undefined {
  if (p.root !== '@') return undefined;
  const keys: string[] = [];
  for (const s of p.segments) {
    if (s.kind === 'property' && s.names.length === 1) keys.push(s.names[0]!);
    else return keys.length > 0 && !whole ? keys : undefined;
  }
  return keys.length > 0 ? keys : undefined;
}

/**
 * Relative field paths (`@.a.b` -> ['a','b']) a filter reads, and values that satisfy its `==` / `in` comparisons
 * (only along the `&&` spine and the first branch of `||`, so the values are jointly satisfiable). Paths from `$` are
 * pushed to `rootPaths`.
 */
function filterFields(
  expr: FilterExpr,
  rootPaths: PathAst[],
): { fields: string[][]; values: { field: string[]; value: unknown }[] } {
  const fields: string[][] = [];
  const values: { field: string[]; value: unknown }[] = [];
  visitFilter(expr, {
    path: (p) => {
      if (p.root === '$') {
        rootPaths.push(p);
        return;
      }
      const keys = relativeKeys(p);
      if (keys && !fields.some((f) => f.join('\u0000') === keys.join('\u0000'))) fields.push(keys);
    },
    compare: (e, { satisfiable }) => {
      if (!satisfiable) return;
      const [pathOp, litOp] = e.left.kind === 'path' ? [e.left, e.right] : [e.right, e.left];
      if (pathOp.kind !== 'path' || litOp.kind !== 'literal') return;
      const keys = relativeKeys(pathOp.path, true);
      if (!keys || values.some((v) => v.field.join('\u0000') === keys.join('\u0000'))) return;
      if (e.op === '==') values.push({ field: keys, value: litOp.value });
      else if (e.op === 'in' && pathOp === e.left && Array.isArray(litOp.value) && litOp.value.length > 0)
        values.push({ field: keys, value: litOp.value[0] });
    },
  });
  return { fields, values };
}

interface Partial {
  steps: PathStep[];
  deep: boolean;
}

/** Expands a JSONPath AST into the step lists it reads (several for unions), plus extra root reads from filters. */
function jsonPathReads(path: PathAst): {
  reads: { steps: PathStep[]; deep: boolean; usage: FieldRead['usage']; whole: boolean }[];
  rootPaths: PathAst[];
} {
  let partials: Partial[] = [{ steps: [], deep: false }];
  const rootPaths: PathAst[] = [];
  let usage: FieldRead['usage'] = 'value';
  let whole = false;
  const segs: Segment[] = path.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    switch (s.kind) {
      case 'property':
        partials = partials.flatMap((p) =>
          s.names.map((n) => ({ steps: [...p.steps, { kind: 'key' as const, key: n }], deep: p.deep })),
        );
        break;
      case 'index':
        partials = partials.flatMap((p) =>
          s.indexes.map((n) => ({
            steps: [
              ...p.steps,
              n >= 0 ? { kind: 'index' as const, index: n } : { kind: 'each' as const, filterFields: [] },
            ],
            deep: p.deep,
          })),
        );
        break;
      case 'wildcard':
      case 'slice':
        partials = partials.map((p) => ({ steps: [...p.steps, { kind: 'each', filterFields: [] }], deep: p.deep }));
        break;
      case 'filter': {
        const ff = filterFields(s.expr, rootPaths);
        const step: PathStep =
          ff.values.length > 0
            ? { kind: 'each', filterFields: ff.fields, filterValues: ff.values }
            : { kind: 'each', filterFields: ff.fields };
        partials = partials.map((p) => ({ steps: [...p.steps, step], deep: p.deep }));
        break;
      }
      case 'scan':
        partials = partials.map((p) => ({ ...p, deep: true }));
        break;
      case 'function':
        if (s.name === 'length' || s.name === 'size' || s.name === 'keys') {
          usage = 'size';
          whole = true;
        } else if (NUMERIC_AGGREGATES.has(s.name)) {
          partials = partials.map((p) => ({ steps: [...p.steps, { kind: 'each', filterFields: [] }], deep: p.deep }));
        } else if (s.name === 'first' || s.name === 'index') {
          const idx =
            s.name === 'index' &&
            s.args[0]?.kind === 'literal' &&
            typeof s.args[0].value === 'number' &&
            s.args[0].value >= 0
              ? s.args[0].value
              : 0;
          partials = partials.map((p) => ({ steps: [...p.steps, { kind: 'index', index: idx }], deep: p.deep }));
        } else if (s.name === 'last') {
          partials = partials.map((p) => ({ steps: [...p.steps, { kind: 'each', filterFields: [] }], deep: p.deep }));
        } else {
          whole = true;
        }
        // Anything after a function is computed, not read.
        i = segs.length;
        break;
    }
  }
  return { reads: partials.map((p) => ({ ...p, usage, whole })), rootPaths };
}

const escapeRe = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The output schema a translation variable feeds, from the success template: `"key": ${var}` or
 * `"key": ${successTemplateUtils.firstFromArray("${var}", ...)}` -> properties.key; a template that is only `${var}`
 * -> the whole output schema; otherwise properties[var]. For an indefinite path feeding an array property the schema
 * of one element is returned (the path collects elements); through firstFromArray the property schema itself.
 */
export function outputSchemaOfVariable(
  action: DataAction,
  variable: string,
  definite: boolean,
): JsonSchema | undefined {
  const t = action.response.successTemplate;
  const v = escapeRe(variable);
  let s: JsonSchema | undefined;
  let viaFirst = false;
  if (new RegExp(`^\\s*\\$!?\\{?${v}\\}?\\s*$`).test(t)) s = action.outputSchema;
  else {
    const m = new RegExp(
      `"([^"]+)"\\s*:\\s*(\\$!?\\{?successTemplateUtils\\.firstFromArray\\(\\s*"?)?\\$!?\\{?${v}\\b`,
    ).exec(t);
    const props = action.outputSchema['properties'];
    const key = m?.[1] ?? variable;
    viaFirst = m !== null && m[2] !== undefined;
    if (isRecord(props) && isRecord(props[key])) s = props[key];
  }
  if (!s) return undefined;
  if (!definite && !viaFirst && s['type'] === 'array' && isRecord(s['items'])) return s['items'];
  return s;
}

/** True when the success template is exactly `${rawResult}` (pass-through). */
function isPassThrough(template: string): boolean {
  return /^\s*\$!?\{?rawResult\}?\s*$/.test(template);
}

function usesRawResult(template: string): boolean {
  try {
    return velocityReferences(template, 'successTemplate').some((r) => r.root === 'rawResult');
  } catch {
    return /\$!?\{?rawResult\b/.test(template);
  }
}

/** One read per leaf of a schema (objects -> keys, arrays -> each). An empty schema is one whole read. */
export function schemaLeafReads(
  schema: JsonSchema,
  base: PathStep[],
  make: (steps: PathStep[], schema: JsonSchema, whole: boolean, key: string) => FieldRead,
): FieldRead[] {
  const out: FieldRead[] = [];
  const walk = (s: JsonSchema, steps: PathStep[], key: string, depth: number): void => {
    const props = s['properties'];
    const items = s['items'];
    const type = s['type'];
    if (depth < 50 && isRecord(props) && Object.keys(props).length > 0) {
      for (const [k, v] of Object.entries(props))
        if (isRecord(v)) walk(v, [...steps, { kind: 'key', key: k }], k, depth + 1);
      return;
    }
    if (
      depth < 50 &&
      (type === 'array' || (Array.isArray(type) && type.includes('array'))) &&
      isRecord(items) &&
      (isRecord(items['properties']) || items['type'] === 'array')
    ) {
      walk(items, [...steps, { kind: 'each', filterFields: [] }], key, depth + 1);
      return;
    }
    if (depth < 50 && Array.isArray(items)) {
      items.forEach((it, i) => {
        if (isRecord(it)) walk(it, [...steps, { kind: 'index', index: i }], key, depth + 1);
      });
      return;
    }
    out.push(make(steps, s, steps.length === 0 || type === 'object' || type === 'array', key));
  };
  walk(schema, base, '$', 0);
  return out;
}

/**
 * The response-body fields an action's translation reads. Throws a CxpactError (`translation.jsonpath.syntax` /
 * `translation.jsonata.syntax`) naming the file and field when an expression does not parse.
 */
export function responseFieldsRead(action: DataAction): FieldRead[] {
  const reads: FieldRead[] = [];
  if (action.response.jsonata) {
    reads.push(...jsonataReads(action));
    return dedupe(reads);
  }
  const { translationMap, translationMapDefaults, successTemplate } = action.response;
  for (const [variable, expression] of Object.entries(translationMap)) {
    let path: PathAst;
    let definite: boolean;
    try {
      const jp = compileJsonPath(expression);
      path = jp.ast;
      definite = jp.definite;
    } catch (e) {
      throw translationPathSyntax(action, variable, e);
    }
    const hasDefault = Object.hasOwn(translationMapDefaults, variable);
    const r = jsonPathReads(path);
    const schema = outputSchemaOfVariable(action, variable, definite);
    for (const x of r.reads) {
      reads.push({
        steps: x.steps,
        variable,
        expression,
        hasDefault,
        usage: x.usage,
        ...(schema && x.usage === 'value' ? { schema } : {}),
        ...(x.whole ? { whole: true } : {}),
        ...(x.deep ? { deep: true } : {}),
        source: 'translationMap',
      });
    }
    for (const rp of r.rootPaths) {
      for (const x of jsonPathReads(rp).reads)
        reads.push({
          steps: x.steps,
          variable,
          expression,
          hasDefault,
          usage: 'filter',
          ...(x.deep ? { deep: true } : {}),
          source: 'translationMap',
        });
    }
  }
  if (usesRawResult(successTemplate)) {
    if (isPassThrough(successTemplate)) {
      reads.push(
        ...schemaLeafReads(action.outputSchema, [], (steps, schema, whole, key) => ({
          steps,
          variable: key,
          expression: '${rawResult}',
          hasDefault: false,
          usage: 'value',
          schema,
          ...(whole ? { whole: true } : {}),
          source: 'successTemplate',
        })),
      );
    } else {
      reads.push({
        steps: [],
        variable: 'rawResult',
        expression: '${rawResult}',
        hasDefault: false,
        usage: 'value',
        whole: true,
        source: 'successTemplate',
      });
    }
  }
  return dedupe(reads);
}

function dedupe(reads: FieldRead[]): FieldRead[] {
  const seen = new Set<string>();
  return reads.filter((r) => {
    const k = JSON.stringify([r.steps, r.variable, r.usage, r.source]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// JSONata

interface JNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: JNode[];
  stages?: JNode[];
  predicate?: JNode[];
  expr?: JNode;
  lhs?: JNode | JNode[] | [JNode, JNode][];
  rhs?: JNode;
  arguments?: JNode[];
  procedure?: JNode;
  condition?: JNode;
  then?: JNode;
  else?: JNode;
  expressions?: JNode[];
  expression?: JNode;
  body?: JNode;
  pattern?: JNode;
  update?: JNode;
  delete?: JNode;
  terms?: { expression: JNode }[];
  focus?: string;
  index?: string;
  group?: { lhs: [JNode, JNode][] };
}

/** `status = "open" and kind = 1` -> values that make a JSONata filter match (along `and` only). */
function jsonataFilterValues(e: JNode): { field: string[]; value: unknown }[] {
  const out: { field: string[]; value: unknown }[] = [];
  const fieldOf = (n: JNode | undefined): string[] | undefined => {
    if (!n) return undefined;
    if (n.type === 'name') return [String(n.value)];
    if (n.type === 'path' && (n.steps ?? []).every((st) => st.type === 'name' && !st.stages?.length))
      return (n.steps ?? []).map((st) => String(st.value));
    return undefined;
  };
  const literal = (n: JNode | undefined): { v: unknown } | undefined =>
    n && (n.type === 'string' || n.type === 'number' || n.type === 'value') ? { v: n.value } : undefined;
  const visit = (n: JNode | undefined): void => {
    if (n?.type !== 'binary') return;
    if (n.value === 'and') {
      visit(n.lhs as JNode);
      visit(n.rhs);
      return;
    }
    if (n.value !== '=') return;
    const lhs = n.lhs as JNode;
    const f = fieldOf(lhs) ?? fieldOf(n.rhs);
    const l = literal(n.rhs) ?? literal(lhs);
    if (f && l) out.push({ field: f, value: l.v });
  };
  visit(e);
  return out;
}

function jsonataReads(action: DataAction): FieldRead[] {
  const { expression, source } = action.response.jsonata!;
  let ast: JNode;
  try {
    ast = jsonata(expression).ast() as unknown as JNode;
  } catch (e) {
    if (e instanceof RangeError) {
      // jsonata's parser recurses per nesting level: a deeply nested expression overflows the stack.
      throw new CxpactError(
        'limit.depth',
        `Data Action "${action.name}": the JSONata expression nests too deep to parse.`,
        {
          file: source.startsWith('$') ? action.file : source,
          path: source.startsWith('$') ? source : undefined,
          fix: 'Nest the expression less deeply.',
        },
      );
    }
    const pos = isRecord(e) && typeof e['position'] === 'number' ? ` at position ${e['position']}` : '';
    // jsonata throws plain objects ({code, position, token, message}), not Errors.
    const why =
      isRecord(e) && typeof e['message'] === 'string'
        ? `${typeof e['code'] === 'string' ? `${e['code']}: ` : ''}${e['message']}`
        : messageOf(e);
    throw new CxpactError(
      'translation.jsonata.syntax',
      `Data Action "${action.name}": the JSONata expression does not parse${pos}: ${why}`,
      {
        file: source.startsWith('$') ? action.file : source,
        path: source.startsWith('$') ? source : undefined,
        fix: 'Fix the JSONata syntax (try it on https://try.jsonata.org).',
      },
    );
  }
  const reads: FieldRead[] = [];
  const add = (steps: PathStep[], variable: string, usage: FieldRead['usage'], deep = false): void => {
    reads.push({
      steps,
      variable,
      expression,
      hasDefault: false,
      usage,
      source: 'jsonata',
      ...(deep ? { deep: true } : {}),
    });
  };
  const vars = new Map<string, PathStep[]>();

  /** Returns the path (from the body root) the node evaluates to when it is a body path, else undefined. */
  const visit = (n: JNode | undefined, ctx: PathStep[] | undefined, variable: string): PathStep[] | undefined => {
    if (!n || typeof n !== 'object') return undefined;
    switch (n.type) {
      case 'path': {
        let cur: PathStep[] | undefined = ctx;
        let deep = false;
        const steps = n.steps ?? [];
        steps.forEach((s, i) => {
          if (s.type === 'descendant') {
            // `**`: any depth below; the read is marked deep and continues from here.
            deep = true;
          } else if (i === 0 && s.type !== 'name' && s.type !== 'wildcard') {
            cur = visit(s, ctx, variable);
          } else if (s.type === 'name' && cur) {
            cur = [...cur, { kind: 'key', key: String(s.value) }];
          } else if (s.type === 'wildcard' && cur) {
            cur = [...cur, { kind: 'each', filterFields: [] }];
          } else if (cur) {
            // An object constructor / block / function applied to each item of the path so far.
            const r = visit(s, cur, variable);
            cur = r;
          }
          for (const st of [...(s.stages ?? []), ...(s.predicate ?? [])]) {
            if (!cur) break;
            const e = st.expr;
            if (st.type === 'filter' && e && e.type === 'number' && typeof e.value === 'number') {
              cur = [...cur, { kind: 'index', index: Math.max(e.value, 0) }];
            } else if (st.type === 'filter' && e) {
              const inner: string[][] = [];
              const before = reads.length;
              visit(e, [], variable);
              for (const r of reads.splice(before)) {
                if (r.steps.every((x) => x.kind === 'key')) inner.push(r.steps.map((x) => (x as { key: string }).key));
              }
              const values = jsonataFilterValues(e);
              cur = [
                ...cur,
                values.length > 0
                  ? { kind: 'each', filterFields: inner, filterValues: values }
                  : { kind: 'each', filterFields: inner },
              ];
            }
          }
        });
        if (cur && (cur.length > 0 || ctx === undefined)) add(cur, variable, 'value', deep);
        return cur;
      }
      case 'name':
        if (ctx) {
          const p: PathStep[] = [...ctx, { kind: 'key', key: String(n.value) }];
          add(p, variable, 'value');
          return p;
        }
        return undefined;
      case 'variable': {
        if (n.value === '' || n.value === '$') return ctx ?? [];
        const v = vars.get(String(n.value));
        return v;
      }
      case 'bind': {
        const lhs = n.lhs as JNode | undefined;
        const before = reads.length;
        const p = visit(n.rhs, ctx, variable);
        if (lhs && lhs.type === 'variable' && p) {
          vars.set(String(lhs.value), p);
          // The binding itself is not a read; the uses of the variable are.
          const key = JSON.stringify(p);
          for (let i = reads.length - 1; i >= before; i--)
            if (JSON.stringify(reads[i]!.steps) === key) reads.splice(i, 1);
        }
        return undefined;
      }
      case 'unary':
        if (n.value === '{' && Array.isArray(n.lhs)) {
          for (const pair of n.lhs as [JNode, JNode][]) {
            const key = pair[0]?.type === 'string' ? String(pair[0].value) : variable;
            visit(
              pair[1],
              ctx,
              ctx && ctx.length === 0 && variable === '$' ? key : variable === '$' ? key : `${variable}.${key}`,
            );
          }
          return undefined;
        }
        if (n.value === '[' && Array.isArray(n.expressions)) {
          n.expressions.forEach((e) => {
            visit(e, ctx, variable);
          });
          return undefined;
        }
        visit(n.expression, ctx, variable);
        return undefined;
      case 'function':
      case 'partial': {
        const fname = n.procedure?.type === 'variable' ? String(n.procedure.value) : '';
        const before = reads.length;
        const args = n.arguments ?? [];
        const lambda = args[1]?.type === 'lambda' ? args[1] : undefined;
        if (HIGHER_ORDER.has(fname) && lambda) {
          // $map(items, function($i) { $i.id }): the lambda's first parameter is each element of the first argument.
          const p = visit(args[0], ctx, variable);
          const param = lambda.arguments?.[0];
          if (p && param?.type === 'variable') {
            const mark = reads.length;
            vars.set(String(param.value), [...p, { kind: 'each', filterFields: [] }]);
            visit(lambda.body, undefined, variable);
            vars.delete(String(param.value));
            if (reads.length > mark) {
              const key = JSON.stringify(p);
              for (let i = mark - 1; i >= before; i--) if (JSON.stringify(reads[i]!.steps) === key) reads.splice(i, 1);
            }
          }
          args.slice(2).forEach((a) => {
            visit(a, ctx, variable);
          });
        } else
          args.forEach((a) => {
            visit(a, ctx, variable);
          });
        if (fname === 'count' || fname === 'exists')
          for (const r of reads.slice(before)) r.usage = fname === 'count' ? 'size' : 'exists';
        return undefined;
      }
      case 'binary':
        visit(n.lhs as JNode, ctx, variable);
        visit(n.rhs, ctx, variable);
        return undefined;
      case 'condition': {
        const before = reads.length;
        visit(n.condition, ctx, variable);
        // A bare path as the condition is a truthiness/existence test; `status = "open"` reads the value.
        if (n.condition?.type === 'path' || n.condition?.type === 'name')
          for (const r of reads.slice(before)) if (r.usage === 'value') r.usage = 'exists';
        visit(n.then, ctx, variable);
        visit(n.else, ctx, variable);
        return undefined;
      }
      case 'block': {
        let last: PathStep[] | undefined;
        for (const e of n.expressions ?? []) last = visit(e, ctx, variable);
        return last;
      }
      case 'sort':
        for (const t of n.terms ?? []) visit(t.expression, ctx, variable);
        return undefined;
      case 'apply':
        visit(n.lhs as JNode, ctx, variable);
        visit(n.rhs, ctx, variable);
        return undefined;
      case 'lambda':
        return undefined;
      case 'transform':
        visit(n.pattern, ctx, variable);
        return undefined;
      default:
        return undefined;
    }
  };
  visit(ast, [], '$');
  return reads;
}
