// What the lint rules share while they run over one action: where findings go (each code's severity comes from
// the registry data in src/core/codes/lint.ts, never from the call), the parsed templates (parsed once; a syntax
// error is reported once, as the engine reports it), the literal secrets to redact, and the inputs the request
// templates use. Helpers over templates and schemas used by several families. Pure.
import type { DataAction, JsonSchema } from '../data-action/model';
import { fieldPath, type Field } from '../data-action/fields';
import { LINT_CODES, type LintCode } from '../codes/lint';
import { isRecord } from '../json';
import { npxSpelling, type Spelling } from '../spelling';
import { genesysTools, parseVelocity, type VelocityTemplate } from '../velocity';
import { velocitySyntaxFix, VelocitySyntaxError } from '../velocity/errors';
import { templateName } from '../data-action/render-request';
import type { Node, RefNode } from '../velocity/ast';
import type { LintFinding, LintOptions } from './types';

export const TOOL_NAMES = new Set(Object.keys(genesysTools()));
/** Inputs the platform adds to `$input` itself (section 3.1). */
export const RESERVED_INPUTS = new Set(['rawRequest', 'orgId', 'integrationId']);

export interface TemplateField {
  field: Field;
  /** Name as Genesys reports it. */
  name: string;
  text: string;
}

export class LintContext {
  readonly findings: LintFinding[] = [];
  /** Literal secrets found in the definition: never repeated in a finding's message (reports are CI artifacts). */
  readonly secrets = new Set<string>();
  /** Inputs the request templates use (the request family fills it; the inputs family reads it). */
  readonly usedInputs = new Set<string>();
  /** A request template sends ${input.rawRequest} (every input). */
  rawRequestUsed = false;
  private readonly parsed = new Map<string, VelocityTemplate | null>();

  constructor(
    readonly action: DataAction,
    readonly options: LintOptions = {},
  ) {}

  get spell(): Spelling {
    return this.options.spell ?? npxSpelling;
  }

  /** A finding of `code` at `field` (severity: the code's, from the registry data). */
  add(code: LintCode, field: Field, message: string, fix: string, pos?: { line: number; column: number }): void {
    this.findings.push({
      code,
      severity: LINT_CODES[code].severity,
      message,
      at: {
        file: this.action.file,
        path: fieldPath(this.action, field),
        ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
      },
      fix,
      action: this.action.name,
    });
  }

  /** A finding of `code` at a place that is not a field of the definition (a `.jsonata` file beside it). */
  addAt(code: LintCode, at: { file: string; path: string }, message: string, fix: string): void {
    this.findings.push({ code, severity: LINT_CODES[code].severity, message, at, fix, action: this.action.name });
  }

  /** How many findings of `code` there are so far. */
  count(code: LintCode): number {
    return this.findings.filter((f) => f.code === code).length;
  }

  /** The parsed template; undefined when it does not parse (reported once as `velocity.syntax`). */
  template(t: TemplateField): VelocityTemplate | undefined {
    const key = `${JSON.stringify(t.field)}\u0000${t.text}`;
    const hit = this.parsed.get(key);
    if (hit !== undefined) return hit ?? undefined;
    try {
      const template = parseVelocity(t.text, t.name);
      this.parsed.set(key, template);
      return template;
    } catch (error) {
      this.parsed.set(key, null);
      if (!(error instanceof VelocitySyntaxError)) throw error;
      // The renderer's fix for the same template (its name as the renderer gives it: `headers.X`, not `header X`).
      const name =
        t.field.kind === 'url' || t.field.kind === 'header' || t.field.kind === 'body' ? templateName(t.field) : t.name;
      this.add(
        'velocity.syntax',
        t.field,
        `${t.name} is not valid Velocity: ${error.message}`,
        velocitySyntaxFix(name, error.line, error.column),
        { line: error.line, column: error.column },
      );
      return undefined;
    }
  }
}

/** The request templates that are actually rendered (GET and HEAD send no body). */
export function requestTemplates(action: DataAction): TemplateField[] {
  const out: TemplateField[] = [
    { field: { kind: 'url' }, name: 'requestUrlTemplate', text: action.request.urlTemplate },
  ];
  for (const [name, value] of Object.entries(action.request.headers))
    out.push({ field: { kind: 'header', name }, name: `header ${name}`, text: value });
  if (sendsBody(action))
    out.push({ field: { kind: 'body' }, name: 'requestTemplate', text: action.request.bodyTemplate });
  return out;
}

/** POST/PUT/PATCH send the rendered body; a DELETE only when it defines its own template (as renderRequest does). */
export function sendsBody(action: DataAction): boolean {
  const m = action.request.method;
  if (m === 'POST' || m === 'PUT' || m === 'PATCH') return true;
  if (m !== 'DELETE') return false;
  const t = action.request.bodyTemplate.trim();
  return t !== '' && !/^\$!?\{?input\.rawRequest\}?$/.test(t);
}

/** 1-based line/column -> offset in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l += 1) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + column - 1;
}

/** References written directly in template text (output position), with the text right after each. */
export interface OutputRef {
  ref: RefNode;
  before: string;
  after: string;
}

export function outputRefs(template: VelocityTemplate): OutputRef[] {
  const out: OutputRef[] = [];
  const text = template.source;
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.type === 'ref') {
        const start = offsetOf(text, n.line, n.column);
        const end = start + n.source.length;
        out.push({ ref: n, before: text.slice(Math.max(0, start - 200), start), after: text.slice(end, end + 200) });
      } else if (n.type === 'if') {
        n.branches.forEach((b) => {
          visit(b.body);
        });
        if (n.otherwise) visit(n.otherwise);
      } else if (n.type === 'foreach' || n.type === 'macro') visit(n.body);
    }
  };
  visit(template.nodes);
  return out;
}

export function properties(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const props = schema?.['properties'];
  if (!isRecord(props)) return {};
  const out: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(props)) if (isRecord(v)) out[k] = v;
  return out;
}

export function typesOf(schema: JsonSchema | undefined): string[] {
  const t = schema?.['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

export function caseMatch(name: string, candidates: Iterable<string>): string | undefined {
  for (const c of candidates) if (c !== name && c.toLowerCase() === name.toLowerCase()) return c;
  return undefined;
}
