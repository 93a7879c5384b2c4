// CX-as-Code (Terraform) Data Actions: `genesyscloud_integration_action`, `genesyscloud_integration_action_draft`
// and `genesyscloud_integration_custom_auth_action` resources in `.tf` (HCL) and `.tf.json` files.
//
// The HCL parser is a deliberately small subset: blocks, attributes, quoted templates with escapes, `$${` / `%%{`
// unescaping, heredocs (`<<EOF`, `<<-EOF`), lists, objects/maps, numbers, bools, null, `jsonencode(...)` of HCL
// values. Anything Terraform would resolve at plan time (`var.x`, `module.m.out`, `local.y`, other functions,
// conditionals, interpolations `${...}`) is kept as a `{{TF:<expression>}}` placeholder, as in the shared corpus.

import { CxpactError } from '../errors';
import { currentLimits } from '../limits';
import { isRecord } from '../json';
import type { DataAction } from './model';
import { terraformPath } from './fields';
import { actionFromJson, fileSafe, lineColumn, type ParseResult } from './json-definition';

export const ACTION_RESOURCE_TYPES = [
  'genesyscloud_integration_action',
  'genesyscloud_integration_action_draft',
  'genesyscloud_integration_custom_auth_action',
] as const;

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  /** Offset of the block in the file. */
  offset: number;
}

export interface HclBody {
  attributes: Record<string, HclValue>;
  /** Offsets of attributes (for error locations). */
  attributeOffsets: Record<string, number>;
  blocks: HclBlock[];
}

export class HclSyntaxError extends CxpactError {}

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

class HclParser {
  pos = 0;
  /** Nesting of blocks and expressions: bounded, so no file overflows the stack. */
  private depth = 0;
  private readonly maxDepth = currentLimits().depth;
  constructor(
    readonly file: string,
    readonly src: string,
  ) {}

  /** Runs `fn` one level deeper; past the depth limit the file is refused (`limit.depth`). */
  private nest<T>(fn: () => T): T {
    if (++this.depth > this.maxDepth) {
      this.depth--;
      const { line, column } = lineColumn(this.src, this.pos);
      throw new HclSyntaxError(
        'limit.depth',
        `${this.file}:${line}:${column}: the Terraform file nests deeper than ${this.maxDepth} levels (blocks, lists, objects, function calls).`,
        {
          file: this.file,
          fix: 'Nest less deeply (real Data Action resources nest a few levels), or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
          details: { line, column },
        },
      );
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  fail(message: string, at = this.pos): never {
    const { line, column } = lineColumn(this.src, at);
    throw new HclSyntaxError(
      'data-action.hcl.malformed',
      `${this.file}:${line}:${column}: cannot read this Terraform file: ${message}.`,
      {
        file: this.file,
        fix: 'Check the HCL syntax near that line (`terraform validate` shows the same problem), or use a .tf.json file.',
        details: { line, column },
      },
    );
  }

  peek(o = 0): string {
    return this.src[this.pos + o] ?? '';
  }

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  /** Skips spaces, comments and (when `newlines`) line breaks. */
  skip(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.pos++;
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (!this.eof() && this.peek() !== '\n') this.pos++;
      } else if (c === '/' && this.peek(1) === '*') {
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated /* comment');
        this.pos = end + 2;
      } else return;
    }
  }

  ident(): string | undefined {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.src);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  body(closing: boolean): HclBody {
    return this.nest(() => this.bodyInner(closing));
  }

  bodyInner(closing: boolean): HclBody {
    const body: HclBody = { attributes: {}, attributeOffsets: {}, blocks: [] };
    for (;;) {
      this.skip(true);
      if (this.eof()) {
        if (closing) this.fail("missing '}'");
        return body;
      }
      if (this.peek() === '}') {
        if (!closing) this.fail("unexpected '}'");
        this.pos++;
        return body;
      }
      const start = this.pos;
      const name = this.peek() === '"' ? this.quotedLabel() : this.ident();
      if (name === undefined) this.fail(`unexpected '${this.peek()}'`);
      this.skip(false);
      if (this.peek() === '=' && this.peek(1) !== '=') {
        this.pos++;
        this.skip(false);
        body.attributes[name] = this.expression();
        body.attributeOffsets[name] = start;
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skip(false);
        const c = this.peek();
        if (c === '"') labels.push(this.quotedLabel());
        else if (c === '{') break;
        else {
          const l = this.ident();
          if (l === undefined) this.fail(`expected '=' or '{' after "${name}"`);
          labels.push(l);
        }
      }
      this.pos++;
      body.blocks.push({ type: name, labels, body: this.body(true), offset: start });
    }
  }

  quotedLabel(): string {
    const v = this.template('"');
    return v;
  }

  /** An expression; complex expressions become `{{TF:<text>}}`. */
  expression(): HclValue {
    return this.nest(() => this.expressionInner());
  }

  expressionInner(): HclValue {
    const start = this.pos;
    if (this.peek() === '!' || (this.peek() === '-' && !/[0-9]/.test(this.peek(1)))) {
      this.pos++;
      this.skip(false);
      this.primary();
      this.skipExpressionRest();
      return placeholder(this.src.slice(start, this.pos).trim());
    }
    let value = this.primary();
    this.skip(false);
    const c = this.peek();
    if (c !== '' && /[?+*/%<>!=&|-]/.test(c) && !(c === '/' && (this.peek(1) === '/' || this.peek(1) === '*'))) {
      this.skipExpressionRest();
      value = placeholder(this.src.slice(start, this.pos).trim());
    }
    return value;
  }

  /** Skips to the end of the current expression (newline, `,`, or a closing bracket at depth 0). */
  skipExpressionRest(): void {
    let depth = 0;
    while (!this.eof()) {
      const c = this.peek();
      if (c === '"') {
        this.template('"');
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return;
        depth--;
      } else if ((c === '\n' || c === ',') && depth === 0) return;
      this.pos++;
    }
  }

  primary(): HclValue {
    const c = this.peek();
    if (c === '"') return this.template('"');
    if (c === '<' && this.peek(1) === '<') return this.heredoc();
    if (c === '[') return this.list();
    if (c === '{') return this.object();
    if (c === '(') {
      this.pos++;
      this.skip(true);
      const v = this.expression();
      this.skip(true);
      if (this.peek() !== ')') this.fail("expected ')'");
      this.pos++;
      return v;
    }
    const num = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    num.lastIndex = this.pos;
    const nm = num.exec(this.src);
    if (nm) {
      this.pos += nm[0].length;
      return Number(nm[0]);
    }
    const start = this.pos;
    const id = this.ident();
    if (id === undefined) this.fail(`unexpected '${c || 'end of file'}' where a value was expected`);
    if (id === 'true') return true;
    if (id === 'false') return false;
    if (id === 'null') return null;
    if (this.peek() === '(') {
      this.pos++;
      const args: HclValue[] = [];
      for (;;) {
        this.skip(true);
        if (this.peek() === ')') {
          this.pos++;
          break;
        }
        args.push(this.expression());
        this.skip(true);
        if (this.peek() === '.' && this.src.startsWith('...', this.pos)) this.pos += 3;
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== ')') this.fail(`expected ',' or ')' in the arguments of ${id}()`);
      }
      const text = this.src.slice(start, this.pos);
      if (id === 'jsonencode' && args.length === 1 && !containsPlaceholderOnly(args[0]!))
        return JSON.stringify(sortKeys(args[0]!));
      if ((id === 'tostring' || id === 'trimspace') && args.length === 1 && typeof args[0] === 'string')
        return id === 'trimspace' ? args[0].trim() : args[0];
      if (id === 'tonumber' && args.length === 1 && typeof args[0] === 'number') return args[0];
      return placeholder(text + this.traversalRest());
    }
    // A reference (var.x, local.y, module.m.out, resource.name.attr, x[0]).
    this.traversalRest();
    return placeholder(this.src.slice(start, this.pos));
  }

  /** `.attr`, `[index]`, `.*` after a reference or call. */
  traversalRest(): string {
    const start = this.pos;
    for (;;) {
      if (this.peek() === '.' && this.peek(1) === '*') this.pos += 2;
      else if (this.peek() === '.') {
        this.pos++;
        if (this.ident() === undefined && !/[0-9]/.test(this.peek())) this.fail('expected an attribute name after "."');
        while (/[0-9]/.test(this.peek())) this.pos++;
      } else if (this.peek() === '[') {
        let depth = 0;
        do {
          const c = this.peek();
          if (c === '[') depth++;
          else if (c === ']') depth--;
          else if (c === '"') {
            this.template('"');
            continue;
          }
          if (this.eof()) this.fail("missing ']'");
          this.pos++;
        } while (depth > 0);
      } else return this.src.slice(start, this.pos);
    }
  }

  private listStart = 0;

  /** The text of a bracketed expression starting at `this.pos` (strings respected); moves past its end. */
  balanced(): string {
    const start = this.pos;
    let depth = 0;
    while (!this.eof()) {
      const c = this.peek();
      if (c === '"') {
        this.template('"');
        continue;
      }
      if (c === '<' && this.peek(1) === '<' && /[A-Za-z-]/.test(this.peek(2))) {
        this.heredoc();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          this.pos++;
          return this.src.slice(start, this.pos);
        }
      }
      this.pos++;
    }
    return this.fail('unclosed bracket', start);
  }

  list(): HclValue[] | HclValue {
    this.listStart = this.pos;
    this.pos++;
    const out: HclValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.peek() === ']') {
        this.pos++;
        return out;
      }
      if (/^for\s/.test(this.src.slice(this.pos, this.pos + 4))) {
        this.pos = this.listStart;
        return placeholder(this.balanced());
      }
      out.push(this.expression());
      this.skip(true);
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail("expected ',' or ']' in a list");
    }
  }

  object(): { [key: string]: HclValue } | string {
    const start = this.pos;
    this.pos++;
    const out: { [key: string]: HclValue } = {};
    this.skip(true);
    if (/^for\s/.test(this.src.slice(this.pos, this.pos + 4))) {
      this.pos = start;
      return placeholder(this.balanced());
    }
    for (;;) {
      this.skip(true);
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      let key: string;
      if (this.peek() === '"') key = this.template('"');
      else if (this.peek() === '(') {
        const v = this.primary();
        key = typeof v === 'string' ? v : JSON.stringify(v);
      } else {
        const k = this.ident();
        if (k === undefined) this.fail(`expected an object key, found '${this.peek()}'`);
        key = k + this.traversalRest();
      }
      this.skip(false);
      if (this.peek() === '=' || this.peek() === ':') this.pos++;
      else this.fail(`expected '=' or ':' after the key "${key}"`);
      this.skip(true);
      out[key] = this.expression();
      this.skip(false);
      if (this.peek() === ',') this.pos++;
    }
  }

  /** A quoted template: escapes, `$${` and `%%{` unescaping, interpolations kept as placeholders. */
  template(quote: string): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.eof() || this.peek() === '\n') this.fail('unterminated string', start);
      const c = this.peek();
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const n = this.peek(1);
        this.pos += 2;
        switch (n) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case 'u':
            out += this.hexEscape(4, n);
            break;
          case 'U':
            out += this.hexEscape(8, n);
            break;
          default:
            this.fail(`invalid escape \\${n} (HCL knows \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN)`, this.pos - 2);
        }
        continue;
      }
      const t = this.templateSpecial();
      if (t !== undefined) {
        out += t;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /** The character of a `\uNNNN` (digits 4) or `\UNNNNNNNN` (digits 8) escape whose hex digits start here. */
  private hexEscape(digits: number, letter: string): string {
    const hex = this.src.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`bad \\${letter} escape`);
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail(`\\${letter}${hex} is not a Unicode code point (the largest is \\U0010FFFF)`);
    const char = String.fromCodePoint(code);
    this.pos += digits;
    return char;
  }

  /** `$${` -> `${`, `%%{` -> `%{`, `${expr}` / `%{...}` -> placeholder. Undefined when not at one. */
  templateSpecial(): string | undefined {
    const c = this.peek();
    if ((c === '$' || c === '%') && this.peek(1) === c && this.peek(2) === '{') {
      this.pos += 3;
      return `${c}{`;
    }
    if ((c === '$' || c === '%') && this.peek(1) === '{') {
      const start = this.pos;
      this.pos += 2;
      let depth = 1;
      while (depth > 0) {
        if (this.eof()) this.fail(`unterminated ${c}{ interpolation`, start);
        const ch = this.peek();
        if (ch === '"') {
          this.template('"');
          continue;
        }
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
        this.pos++;
      }
      const inner = this.src
        .slice(start + 2, this.pos - 1)
        .replace(/^~/, '')
        .replace(/~$/, '')
        .trim();
      return c === '$' ? placeholder(inner) : `{{TF:%{${inner}}}}`;
    }
    return undefined;
  }

  heredoc(): string {
    const start = this.pos;
    const m = /<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/y;
    m.lastIndex = this.pos;
    const h = m.exec(this.src);
    if (!h) this.fail('bad heredoc opener (expected <<EOF or <<-EOF followed by a newline)');
    const indent = h[1] === '-';
    const marker = h[2];
    this.pos += h[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.eof()) this.fail(`heredoc <<${marker} is not closed by a line "${marker}"`, start);
      let nl = this.src.indexOf('\n', this.pos);
      if (nl < 0) nl = this.src.length;
      const raw = this.src.slice(this.pos, nl).replace(/\r$/, '');
      if (raw.trim() === marker) {
        this.pos = nl;
        break;
      }
      lines.push(raw);
      this.pos = nl + 1;
    }
    let bodyLines = lines;
    if (indent) {
      const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
      const strip = widths.length ? Math.min(...widths) : 0;
      bodyLines = lines.map((l) => l.slice(Math.min(strip, /^[ \t]*/.exec(l)![0].length)));
    }
    const text = bodyLines.length ? `${bodyLines.join('\n')}\n` : '';
    // Interpolations and escapes in the heredoc body.
    return new HclParser(this.file, text).templateText();
  }

  /** The rest of the source read as template text: `$${` -> `${`, `%%{` -> `%{`, `${expr}` / `%{...}` -> placeholder. */
  templateText(): string {
    let out = '';
    while (!this.eof()) {
      const t = this.templateSpecial();
      if (t !== undefined) out += t;
      else {
        out += this.peek();
        this.pos++;
      }
    }
    return out;
  }
}

function placeholder(expr: string): string {
  return `{{TF:${expr}}}`;
}

function containsPlaceholderOnly(v: HclValue): boolean {
  return typeof v === 'string' && /^\{\{TF:.*\}\}$/s.test(v);
}

/** Terraform's jsonencode emits object keys in lexicographic order. */
function sortKeys(v: HclValue): HclValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: HclValue } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
    return out;
  }
  return v;
}

/** Parses HCL text into blocks and attributes. Throws a CxpactError (`data-action.hcl.malformed`). */
export function parseHcl(file: string, text: string): HclBody {
  return new HclParser(file, text).body(false);
}

// ---------------------------------------------------------------------------------------------------------------
// Mapping resources to the API shape

type Obj = { [key: string]: unknown };

/** A nested block in either syntax: HCL blocks, or .tf.json object / list of objects. */
interface ResourceView {
  type: string;
  name: string;
  attrs: Obj;
  block(name: string): Obj | undefined;
  offset?: number;
}

function resourceToAction(
  file: string,
  r: ResourceView,
  format: 'terraform' | 'terraform-json',
): { action?: DataAction; errors: CxpactError[] } {
  const address = `${r.type}.${r.name}`;
  const errors: CxpactError[] = [];
  const schema = (attr: string, required: boolean): unknown => {
    const v = r.attrs[attr];
    if (v === undefined || v === null) {
      if (required) {
        errors.push(
          new CxpactError('data-action.contract.missing', `Terraform resource ${address}: \`${attr}\` is missing.`, {
            file,
            path: `${address}.${attr}`,
            fix: `Add ${attr} = jsonencode({ type = "object", properties = { ... } }).`,
          }),
        );
      }
      return undefined;
    }
    if (isRecord(v)) return v;
    if (typeof v !== 'string') {
      errors.push(
        new CxpactError(
          'data-action.field.invalid',
          `Terraform resource ${address}: \`${attr}\` must be a JSON string.`,
          { file, path: `${address}.${attr}`, fix: `Write ${attr} = jsonencode({...}).` },
        ),
      );
      return undefined;
    }
    if (/^\{\{TF:.*\}\}$/s.test(v)) {
      errors.push(
        new CxpactError(
          'data-action.contract.unresolved',
          `Terraform resource ${address}: \`${attr}\` is the Terraform expression ${v.slice(5, -2)}, which cxpact cannot resolve offline.`,
          {
            file,
            path: `${address}.${attr}`,
            fix: `Write the schema inline with jsonencode({...}) or as a heredoc, or pull the deployed action with \`cxpact genesys-pull\`.`,
          },
        ),
      );
      return undefined;
    }
    try {
      return JSON.parse(v);
    } catch (e) {
      errors.push(
        new CxpactError(
          'data-action.json.malformed',
          `Terraform resource ${address}: \`${attr}\` is not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
          {
            file,
            path: `${address}.${attr}`,
            fix: `Use jsonencode({...}) so Terraform writes the JSON for you.`,
          },
        ),
      );
      return undefined;
    }
  };
  const customAuth = r.type === 'genesyscloud_integration_custom_auth_action';
  const defaultContract = { type: 'object', properties: {}, additionalProperties: true };
  // When a contract attribute is broken its error is reported here; `{}` keeps actionFromJson from repeating it.
  const input = schema('contract_input', !customAuth) ?? (customAuth ? defaultContract : {});
  const output = schema('contract_output', !customAuth) ?? (customAuth ? defaultContract : {});
  const req = r.block('config_request') ?? {};
  const res = r.block('config_response');
  // Maps given as Terraform expressions (merge(...), var.headers) cannot be resolved offline.
  const unresolvedMap = (obj: Obj | undefined, blockName: string, attr: string): void => {
    const v = obj?.[attr];
    if (typeof v === 'string' && /^\{\{TF:.*\}\}$/s.test(v)) {
      errors.push(
        new CxpactError(
          'data-action.terraform.unresolved',
          `Terraform resource ${address}: \`${blockName}.${attr}\` is the Terraform expression ${v.slice(5, -2)}, which cxpact cannot resolve offline.`,
          {
            file,
            path: `${address}.${blockName}.${attr}`,
            fix: `Write ${attr} as an inline map ({ "Name" = "value" }), or pull the deployed action with \`cxpact genesys-pull\`.`,
          },
        ),
      );
      delete obj![attr];
    }
  };
  unresolvedMap(req, 'config_request', 'headers');
  unresolvedMap(res, 'config_response', 'translation_map');
  unresolvedMap(res, 'config_response', 'translation_map_defaults');
  const api: Obj = {
    name: r.attrs['name'],
    category: r.attrs['category'],
    integrationId: r.attrs['integration_id'],
    actionType: customAuth ? 'customAuth' : 'custom',
    secure: r.attrs['secure'] ?? false,
    config: {
      request: {
        requestUrlTemplate: req['request_url_template'],
        requestType: req['request_type'],
        headers: req['headers'] ?? {},
        ...(req['request_template'] === undefined ? {} : { requestTemplate: req['request_template'] }),
      },
      response: res
        ? {
            translationMap: res['translation_map'] ?? {},
            translationMapDefaults: stringifyValues(res['translation_map_defaults']),
            ...(res['success_template'] === undefined ? {} : { successTemplate: res['success_template'] }),
            ...(res['jsonata'] === undefined ? {} : { jsonata: res['jsonata'] }),
          }
        : {},
      ...(typeof r.attrs['config_timeout_seconds'] === 'number' && r.attrs['config_timeout_seconds'] > 0
        ? { timeoutSeconds: r.attrs['config_timeout_seconds'] }
        : {}),
    },
    contract: { input: { inputSchema: input }, output: { successSchema: output } },
  };
  if (typeof api['name'] !== 'string') api['name'] = r.name;
  const built = actionFromJson(file, api, address, fileSafe(r.name), format);
  // Re-point JSON paths at Terraform attribute names.
  const retarget = (e: CxpactError): CxpactError => {
    const tfPath = terraformPath((e.path ?? '').slice(address.length));
    if (tfPath === undefined) return e;
    return new CxpactError(
      e.code,
      e.message
        .replace(/^Data Action/, `Terraform resource ${address} (Data Action`)
        .replace(/^(Terraform resource [^(]+\(Data Action "[^"]*"):/, '$1):'),
      {
        file,
        path: `${address}${tfPath}`,
        fix: e.fix,
      },
    );
  };
  return { action: built.action, errors: [...errors, ...built.errors.map(retarget)] };
}

/** HCL maps of strings convert numbers/bools to strings (`{ count = 0 }` is `"0"`). */
function stringifyValues(v: unknown): unknown {
  if (!isRecord(v)) return v ?? {};
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'number' || typeof x === 'boolean' ? String(x) : x;
  return out;
}

function finish(
  file: string,
  views: ResourceView[],
  format: 'terraform' | 'terraform-json',
  extraErrors: CxpactError[],
): ParseResult {
  const actions: DataAction[] = [];
  const errors: CxpactError[] = [...extraErrors];
  for (const v of views) {
    const r = resourceToAction(file, v, format);
    if (r.action && r.errors.length === 0) actions.push(r.action);
    errors.push(...r.errors);
  }
  return { actions, errors };
}

/** Parses a `.tf` file: one DataAction per action resource (pointer = resource address, slug = resource name). */
export function parseTerraformFile(file: string, text: string): ParseResult {
  let body: HclBody;
  try {
    body = parseHcl(file, text);
  } catch (e) {
    // A .tf without any Data Action resource (variables.tf, providers.tf, ...) is none of cxpact's business, even
    // when it uses HCL this subset parser does not know.
    if (e instanceof HclSyntaxError && !ACTION_RESOURCE_TYPES.some((t) => text.includes(`"${t}"`)))
      return { actions: [], errors: [] };
    throw e;
  }
  const views: ResourceView[] = [];
  for (const b of body.blocks) {
    const [type, name] = b.labels;
    if (b.type !== 'resource' || type === undefined || name === undefined || b.labels.length !== 2) continue;
    if (!(ACTION_RESOURCE_TYPES as readonly string[]).includes(type)) continue;
    views.push({
      type,
      name,
      attrs: b.body.attributes as Obj,
      offset: b.offset,
      block: (n) => {
        const blk = b.body.blocks.find((x) => x.type === n);
        if (blk) return blk.body.attributes as Obj;
        const attr = b.body.attributes[n];
        return isRecord(attr) ? attr : undefined;
      },
    });
  }
  return finish(file, views, 'terraform', []);
}

/** Terraform JSON strings are templates too: `$${` -> `${`, `${expr}` -> placeholder. */
function unescapeJsonTemplates(v: unknown, file: string): unknown {
  if (typeof v === 'string') {
    if (!v.includes('{')) return v;
    // A whole-string `${expression}` is an HCL expression: `"${jsonencode({ type = \"object\" })}"` resolves.
    const whole = /^\$\{([\s\S]*)\}$/.exec(v);
    if (whole?.[1] !== undefined && !/\$\{/.test(whole[1])) {
      try {
        const p = new HclParser(file, whole[1].trim());
        const value = p.expression();
        p.skip(true);
        if (p.eof() && typeof value !== 'object') return value;
      } catch {
        // not an expression this subset parser knows: fall through to a placeholder
      }
    }
    return new HclParser(file, v).templateText();
  }
  if (Array.isArray(v)) return v.map((x) => unescapeJsonTemplates(x, file));
  if (isRecord(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = unescapeJsonTemplates(x, file);
    return out;
  }
  return v;
}

/** Parses a `.tf.json` document (already JSON-parsed). */
export function parseTerraformJsonFile(file: string, json: unknown): ParseResult {
  const views: ResourceView[] = [];
  const errors: CxpactError[] = [];
  const resources = isRecord(json) ? json['resource'] : undefined;
  const add = (type: string, name: string, attrsRaw: unknown): void => {
    const a = Array.isArray(attrsRaw) ? attrsRaw[0] : attrsRaw;
    if (!isRecord(a)) {
      errors.push(
        new CxpactError('data-action.field.invalid', `Terraform resource ${type}.${name} must be an object.`, {
          file,
          path: `$.resource.${type}.${name}`,
          fix: 'Write the resource body as a JSON object.',
        }),
      );
      return;
    }
    const attrs = unescapeJsonTemplates(a, file) as Obj;
    views.push({
      type,
      name,
      attrs,
      block: (n) => {
        const b = attrs[n];
        if (Array.isArray(b)) return isRecord(b[0]) ? b[0] : undefined;
        return isRecord(b) ? b : undefined;
      },
    });
  };
  const visit = (res: unknown): void => {
    if (Array.isArray(res)) {
      res.forEach(visit);
      return;
    }
    if (!isRecord(res)) return;
    for (const type of ACTION_RESOURCE_TYPES) {
      const byName = res[type];
      if (Array.isArray(byName))
        byName.forEach((x) => {
          if (isRecord(x))
            Object.entries(x).forEach(([n, v]) => {
              add(type, n, v);
            });
        });
      else if (isRecord(byName)) for (const [n, v] of Object.entries(byName)) add(type, n, v);
    }
  };
  visit(resources);
  return finish(file, views, 'terraform-json', errors);
}
