// AST of a Jayway JsonPath expression (https://github.com/json-path/JsonPath). Pure data.

/** One step of a path. `$` / `@` is the root the steps start from. */
export type Segment =
  | { kind: 'property'; names: string[] } // `.a`, `['a']`, `['a','b']`
  | { kind: 'wildcard' } // `.*`, `[*]`
  | { kind: 'index'; indexes: number[] } // `[0]`, `[-1]`, `[0,2]`
  | { kind: 'slice'; start?: number; end?: number } // `[1:3]`, `[:2]`, `[-2:]`
  | { kind: 'filter'; expr: FilterExpr; source: string } // `[?(@.a == 'x')]`
  | { kind: 'scan' } // `..` (followed by the step it scans for)
  | { kind: 'function'; name: string; args: FunctionArg[] }; // `.length()`

export type FunctionArg = { kind: 'literal'; value: unknown } | { kind: 'path'; path: PathAst };

export interface PathAst {
  /** `$` (document root) or `@` (current item inside a filter). */
  root: '$' | '@';
  segments: Segment[];
}

export type RelOp =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | 'in'
  | 'nin'
  | 'subsetof'
  | 'anyof'
  | 'noneof'
  | 'size'
  | 'empty'
  | 'contains';

export type Operand =
  | { kind: 'path'; path: PathAst }
  | { kind: 'literal'; value: unknown }
  | { kind: 'regex'; source: string; flags: string };

export type FilterExpr =
  | { kind: 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'exists'; path: PathAst }
  | { kind: 'compare'; op: RelOp; left: Operand; right: Operand };

/** Jayway: a path is definite when it only has property (single name, or several names at the leaf), and index steps (one index), and functions. */
export function isDefinite(path: PathAst): boolean {
  // From the end: a segment is a leaf when only functions follow it (linear, not a slice per segment).
  let onlyFunctionsAfter = true;
  for (let i = path.segments.length - 1; i >= 0; i--) {
    const s = path.segments[i] as Segment;
    if (!segmentIsDefinite(s, onlyFunctionsAfter)) return false;
    if (s.kind !== 'function') onlyFunctionsAfter = false;
  }
  return true;
}

function segmentIsDefinite(s: Segment, leaf: boolean): boolean {
  switch (s.kind) {
    case 'property':
      return s.names.length === 1 || leaf;
    case 'index':
      return s.indexes.length === 1;
    case 'function':
      return true;
    default:
      return false;
  }
}

/** Renders a path back to Jayway's normalised bracket form (`$['a'][0]`). */
export function pathToString(path: PathAst): string {
  let out: string = path.root;
  for (const s of path.segments) {
    switch (s.kind) {
      case 'property':
        out += `[${s.names.map((n) => `'${n.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(',')}]`;
        break;
      case 'wildcard':
        out += '[*]';
        break;
      case 'index':
        out += `[${s.indexes.join(',')}]`;
        break;
      case 'slice':
        out += `[${s.start ?? ''}:${s.end ?? ''}]`;
        break;
      case 'filter':
        out += `[?(${s.source})]`;
        break;
      case 'scan':
        out += '..';
        break;
      case 'function':
        out += `.${s.name}()`;
        break;
    }
  }
  return out;
}
