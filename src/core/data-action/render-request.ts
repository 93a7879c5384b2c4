// Renders the HTTP request a Data Action sends for given inputs, as Genesys does: null inputs dropped, then
// requestUrlTemplate, each header and (for methods that send one) requestTemplate rendered with Velocity in
// strict reference mode. Credentials never appear: `${credentials.X}` / `${authResponse.X}` render as
// `{{credentials.X}}` placeholders and the header (or URL/body) is reported with a regex a real value matches.
import { CxpactError } from '../errors';
import { currentLimits, tooDeep, withBudget } from '../limits';
import {
  SecretSource,
  VelocityRenderError,
  VelocitySyntaxError,
  renderVelocitySegments,
  type Segment,
} from '../velocity';
import type { DataAction, HttpMethod, RenderedRequest, SecretHeader, SecretPart } from './model';
import { fieldPath } from './fields';
import { velocitySyntaxFix } from '../velocity/errors';

export const DEFAULT_REQUEST_TEMPLATE = '${input.rawRequest}';

export interface RenderRequestOptions {
  /** Strict reference mode (default true): a missing input used by `${input.x}` is an error. */
  strict?: boolean;
  /**
   * Reject a rendered URL holding characters Genesys sends unescaped and the request then fails on
   * (whitespace, control characters, `"<>\^`|{}`; `{{...}}` placeholders excepted). Default true.
   */
  checkUrl?: boolean;
}

/** The context roots a request template may use. */
const REQUEST_ROOTS = [
  'input',
  'credentials',
  'authResponse',
  'esc',
  'math',
  'urlTool',
  'encoding',
  'salesforce',
  'msdynamics',
];

/** Genesys removes every input whose value is null before anything else (since 2024-03-15). */
export function dropNullInputs(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** Methods whose request carries the rendered requestTemplate. */
function sendsBody(method: HttpMethod, template: string): boolean {
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') return true;
  if (method === 'DELETE') {
    // A DELETE sends a body only when the action defines one [unverified]; the default template is not one.
    const t = template.trim();
    return t !== '' && !/^\$!?\{?input\.rawRequest\}?$/.test(t);
  }
  return false;
}

type Field = { kind: 'url' } | { kind: 'header'; name: string } | { kind: 'body' };

/** A request template's name as the renderer (and Genesys's errors) call it: `requestUrlTemplate`, `headers.X`, `requestTemplate`. */
export function templateName(field: Field): string {
  if (field.kind === 'url') return 'requestUrlTemplate';
  if (field.kind === 'body') return 'requestTemplate';
  return `headers.${field.name}`;
}

/** The JSON path (or Terraform attribute path) of a request field inside the action's file (data-action/fields.ts). */
export function requestFieldPath(action: DataAction, field: Field): string {
  return fieldPath(action, field);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `^Bearer .+$` for `Bearer {{authResponse.access_token}}`: literal parts escaped, each secret `.+`. */
export function secretRegex(segments: Segment[]): string {
  let body = '';
  for (const s of segments) {
    if (s.secret) {
      if (!body.endsWith('.+')) body += '.+';
    } else body += escapeRegex(s.text);
  }
  return `^${body}$`;
}

function inputSchemaProperties(action: DataAction): Record<string, unknown> {
  const props = action.inputSchema?.['properties'];
  return props !== null && typeof props === 'object' ? (props as Record<string, unknown>) : {};
}

/** Explains a Velocity failure in terms of the Data Action: what to change. */
function fixFor(action: DataAction, error: VelocityRenderError | VelocitySyntaxError, field: Field): string {
  const where = `line ${error.line}, column ${error.column} of ${templateName(field)}`;
  if (error.code.startsWith('limit.') || error.code.startsWith('budget.'))
    return `${error.fix ?? 'make the template cheaper'} (${where})`;
  if (error instanceof VelocitySyntaxError) return velocitySyntaxFix(templateName(field), error.line, error.column);
  const details = error.details ?? {};
  const declared = Object.keys(inputSchemaProperties(action));
  if (error.code === 'velocity.undefined-reference') {
    const root = String(details['root'] ?? (error.reference ?? '').replace(/^\$/, ''));
    const sameButCase = REQUEST_ROOTS.find((r) => r.toLowerCase() === root.toLowerCase());
    if (sameButCase) {
      return `references are case-sensitive: write $${sameButCase} instead of $${root} (${where})`;
    }
    if (declared.includes(root))
      return `inputs are under $input: write \${input.${root}} instead of $${root} (${where})`;
    return `$${root} does not exist in a request template; the context has ${REQUEST_ROOTS.map((r) => `$${r}`).join(', ')} (${where})`;
  }
  const ref = error.reference ?? '';
  const inputKey = /^\$input\.([A-Za-z0-9_-]+)/.exec(ref)?.[1];
  if (inputKey === 'orgId' || inputKey === 'integrationId') {
    return `Genesys fills input.${inputKey} itself (a reserved input); give the case a value for ${inputKey} to emulate it (${where})`;
  }
  if (
    inputKey !== undefined &&
    (error.code === 'velocity.null-reference' || error.code === 'velocity.invalid-access')
  ) {
    const exact = declared.includes(inputKey);
    const caseMatch = declared.find((d) => d.toLowerCase() === inputKey.toLowerCase() && d !== inputKey);
    if (caseMatch) {
      return `input names are case-sensitive: the contract declares '${caseMatch}', the template uses '${inputKey}' (${where})`;
    }
    const base = `input ${inputKey} is used by the template but missing from the case inputs; add it or use $!{input.${inputKey}}`;
    return exact ? `${base} (${where})` : `${base}, and declare it in contract.input.inputSchema (${where})`;
  }
  if (error.code === 'velocity.null-reference') {
    return `the value is null: render it quietly with $!{...} or guard it with #if (${where})`;
  }
  return `check the expression at ${where}`;
}

function renderField(
  action: DataAction,
  template: string,
  context: Record<string, unknown>,
  field: Field,
  strict: boolean,
): Segment[] {
  try {
    return renderVelocitySegments(template, context, { name: templateName(field), strict });
  } catch (e) {
    if (e instanceof VelocityRenderError || e instanceof VelocitySyntaxError) {
      throw new CxpactError(e.code, `Data Action '${action.name}': ${e.message}`, {
        file: action.file,
        path: requestFieldPath(action, field),
        fix: fixFor(action, e, field),
        cause: e,
        details: { ...(e.details ?? {}), field: templateName(field) },
      });
    }
    throw e;
  }
}

/** A deep copy of JSON-like data, so a template's #set cannot change the caller's input. */
function copyJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyJson);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, copyJson(x)]));
  }
  return v;
}

function text(segments: Segment[]): string {
  return segments.map((s) => s.text).join('');
}

/** Characters java.net.URI refuses unescaped (a `{{...}}` placeholder is not checked). */
const BAD_URL_CHARS = /[\s"<>\\^`|{}\x00-\x1f\x7f]/;

function checkUrl(action: DataAction, segments: Segment[]): void {
  const url = text(segments);
  if (url.trim() === '') {
    throw new CxpactError('data-action.request.url-empty', `Data Action '${action.name}': the rendered URL is empty`, {
      file: action.file,
      path: requestFieldPath(action, { kind: 'url' }),
      fix: 'set requestUrlTemplate to the endpoint (relative /api/v2/... for Genesys Cloud actions)',
    });
  }
  let offset = 0;
  for (const s of segments) {
    const m = s.secret ? null : BAD_URL_CHARS.exec(s.text.replace(/\{\{[^{}]*\}\}/g, (p) => 'x'.repeat(p.length)));
    if (m) {
      const at = offset + m.index;
      const shown = m[0] === ' ' ? 'a space' : JSON.stringify(m[0]);
      throw new CxpactError(
        'data-action.request.url-invalid',
        `Data Action '${action.name}': the rendered URL holds ${shown} at character ${at + 1}: ${url}`,
        {
          file: action.file,
          path: requestFieldPath(action, { kind: 'url' }),
          fix:
            'Genesys sends the URL as rendered and the request fails: escape values with $esc.url(...) in a query ' +
            "or ${input.x.replace(' ', '%20')} / $esc.uriEncode(...) in a path, and keep method calls inside ${...}",
          details: { url, index: at },
        },
      );
    }
    offset += s.text.length;
  }
}

/**
 * Renders the request `action` sends for `input`. Throws CxpactError (file, JSON path of the field, fix) when
 * a template fails: an undefined reference, an input used with `${}` but missing, a syntax error, a bad URL.
 */
export function renderRequest(
  action: DataAction,
  input: Record<string, unknown>,
  options: RenderRequestOptions = {},
): RenderedRequest {
  const max = currentLimits().depth;
  const deep = tooDeep(input, max);
  if (deep !== undefined) {
    throw new CxpactError(
      'limit.depth',
      `Data Action '${action.name}': the input nests deeper than ${max} levels (at ${deep}).`,
      {
        file: action.file,
        path: action.pointer,
        fix: 'Pass flat inputs (Genesys inputs are flat), or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH.',
      },
    );
  }
  return withBudget(() => renderWithin(action, input, options));
}

function renderWithin(
  action: DataAction,
  input: Record<string, unknown>,
  options: RenderRequestOptions,
): RenderedRequest {
  const strict = options.strict ?? true;
  const stripped = dropNullInputs(input);
  const inputMap: Record<string, unknown> = {
    ...(copyJson(stripped) as Record<string, unknown>),
    rawRequest: JSON.stringify(stripped),
  };
  const context = {
    input: inputMap,
    credentials: new SecretSource('credentials'),
    authResponse: new SecretSource('authResponse'),
  };

  const urlSegments = renderField(action, action.request.urlTemplate, context, { kind: 'url' }, strict);
  if (options.checkUrl ?? true) checkUrl(action, urlSegments);

  const headers: Record<string, string> = {};
  const secretHeaders: SecretHeader[] = [];
  for (const [name, template] of Object.entries(action.request.headers ?? {})) {
    const segments = renderField(action, String(template), context, { kind: 'header', name }, strict);
    const value = text(segments);
    headers[name] = value;
    if (segments.some((s) => s.secret)) secretHeaders.push({ header: name, value, regex: secretRegex(segments) });
  }

  const secretParts: SecretPart[] = [];
  if (urlSegments.some((s) => s.secret)) {
    secretParts.push({ part: 'url', value: text(urlSegments), regex: secretRegex(urlSegments) });
  }

  let body: string | undefined;
  const template = action.request.bodyTemplate ?? '';
  if (sendsBody(action.request.method, template)) {
    const bodyTemplate = template.trim() === '' ? DEFAULT_REQUEST_TEMPLATE : template;
    const segments = renderField(action, bodyTemplate, context, { kind: 'body' }, strict);
    body = text(segments);
    if (segments.some((s) => s.secret)) secretParts.push({ part: 'body', value: body, regex: secretRegex(segments) });
  }

  return {
    method: action.request.method,
    url: text(urlSegments),
    headers,
    ...(body === undefined ? {} : { body }),
    secretHeaders,
    ...(secretParts.length > 0 ? { secretParts } : {}),
  };
}
