// The tools Genesys puts in a Data Action's Velocity context: $esc (Velocity Tools EscapeTool + Genesys'
// jsonString/jsonEncode/jsonDecode/uriEncode), $math (MathTool), $urlTool, $encoding, $successTemplateUtils,
// $salesforce and $msdynamics. Null arguments give null results, as the Java tools do.
import { JavaDouble, VelocityTool, isDouble, isNumber, javaToString, numValue } from './values';

/** Thrown by a tool for a bad argument; the renderer turns it into a VelocityRenderError with the location. */
export class ToolError extends Error {}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return javaToString(v);
}

/** Java's URLEncoder.encode(s, "UTF-8"). */
export function formEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Java's URLDecoder.decode(s, "UTF-8"). */
export function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new ToolError(`URLDecoder: illegal escape sequence in '${s}'`);
  }
}

/** Escapes a string for use inside a JSON string literal (no surrounding quotes). */
export function jsonStringEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

function jsonStringUnescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    throw new ToolError(`jsonDecode: '${s}' is not an escaped JSON string`);
  }
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** commons-lang StringEscapeUtils.escapeJava / escapeJavaScript. */
function escapeJavaStyle(s: string, javascript: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (code > 0x7f) out += unicodeEscape(code);
    else if (code < 32) {
      const named: Record<string, string> = { '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r' };
      out +=
        named[ch] ??
        (code > 0xf ? `\\u00${code.toString(16).toUpperCase()}` : `\\u000${code.toString(16).toUpperCase()}`);
    } else if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (javascript && ch === "'") out += "\\'";
    else if (javascript && ch === '/') out += '\\/';
    else out += ch;
  }
  return out;
}

function escapeXmlStyle(s: string, html: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (!html && ch === "'") out += '&apos;';
    else if (code > 0x7f) out += `&#${code};`;
    else out += ch;
  }
  return out;
}

function toNumber(v: unknown): number | JavaDouble | null {
  if (v === null || v === undefined) return null;
  if (isNumber(v)) return v;
  if (typeof v === 'boolean') return null;
  const s = javaToString(v).trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return /[.eE]/.test(s) ? new JavaDouble(n) : n;
}

/** MathTool.matchType: integral inputs and a whole result give an Integer/Long; otherwise a Double. */
function matchType(inputs: Array<number | JavaDouble>, out: number): number | JavaDouble {
  if (!Number.isFinite(out)) return new JavaDouble(out);
  if (inputs.some((n) => isDouble(n)) || !Number.isInteger(out)) return new JavaDouble(out);
  return out;
}

function nums(args: unknown[]): Array<number | JavaDouble> | null {
  const out: Array<number | JavaDouble> = [];
  for (const a of args) {
    const n = toNumber(a);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

function mathOp(fn: (...xs: number[]) => number): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const ns = nums(args);
    if (ns === null || ns.length === 0) return null;
    return matchType(ns, fn(...ns.map(numValue)));
  };
}

function javaRound(x: number): number {
  return Math.floor(x + 0.5);
}

/** $esc: Velocity Tools' EscapeTool plus Genesys' JSON helpers. */
export function escapeTool(): VelocityTool {
  const m = (fn: (s: string) => string) => (v: unknown) => {
    const s = str(v);
    return s === null ? null : fn(s);
  };
  return new VelocityTool('org.apache.velocity.tools.generic.EscapeTool', {
    jsonString: m(jsonStringEscape),
    jsonEncode: m(jsonStringEscape),
    jsonDecode: m(jsonStringUnescape),
    json: m(jsonStringEscape),
    java: m((s) => escapeJavaStyle(s, false)),
    javascript: m((s) => escapeJavaStyle(s, true)),
    html: m((s) => escapeXmlStyle(s, true)),
    xml: m((s) => escapeXmlStyle(s, false)),
    sql: m((s) => s.replace(/'/g, "''")),
    velocity: m((s) => s.replace(/[$#]/g, (c) => (c === '$' ? '${esc.d}' : '${esc.h}'))),
    url: m(formEncode),
    urlFormEncode: m(formEncode),
    uriEncode: m((s) => encodeURIComponent(s)),
    unurl: m(formDecode),
    urlDecode: m(formDecode),
    propertyKey: m((s) => s.replace(/[\\:= ]/g, '\\$&')),
    propertyValue: m((s) => s.replace(/\\/g, '\\\\')),
    unicode: (v: unknown) => {
      const s = str(v);
      if (s === null) return null;
      const code = parseInt(s.replace(/^\\?u/, ''), 16);
      return Number.isNaN(code) ? null : String.fromCharCode(code);
    },
    dollar: () => '$',
    d: () => '$',
    hash: () => '#',
    h: () => '#',
    backslash: () => '\\',
    b: () => '\\',
    quote: () => '"',
    q: () => '"',
    singleQuote: () => "'",
    s: () => "'",
    exclamation: () => '!',
    e: () => '!',
    newline: () => '\n',
    n: () => '\n',
  });
}

/** $math: Velocity Tools' MathTool. Unparseable arguments give null, as MathTool does. */
export function mathTool(): VelocityTool {
  return new VelocityTool('org.apache.velocity.tools.generic.MathTool', {
    add: mathOp((...xs) => xs.reduce((a, b) => a + b, 0)),
    sub: mathOp((a, ...xs) => xs.reduce((x, b) => x - b, a!)),
    mul: mathOp((...xs) => xs.reduce((a, b) => a * b, 1)),
    div: (...args: unknown[]) => {
      const ns = nums(args);
      if (ns === null || ns.length < 2) return null;
      if (ns.slice(1).some((n) => numValue(n) === 0)) return null;
      return matchType(
        ns,
        ns.slice(1).reduce<number>((a, b) => a / numValue(b), numValue(ns[0]!)),
      );
    },
    max: mathOp((...xs) => Math.max(...xs)),
    min: mathOp((...xs) => Math.min(...xs)),
    abs: mathOp((x) => Math.abs(x!)),
    pow: mathOp((a, b) => a! ** b!),
    mod: (a: unknown, b: unknown) => {
      const ns = nums([a, b]);
      if (ns === null || Math.trunc(numValue(ns[1]!)) === 0) return null;
      return Math.trunc(numValue(ns[0]!)) % Math.trunc(numValue(ns[1]!));
    },
    idiv: (a: unknown, b: unknown) => {
      const ns = nums([a, b]);
      if (ns === null || Math.trunc(numValue(ns[1]!)) === 0) return null;
      return Math.trunc(Math.trunc(numValue(ns[0]!)) / Math.trunc(numValue(ns[1]!)));
    },
    ceil: (a: unknown) => {
      const n = toNumber(a);
      return n === null ? null : Math.ceil(numValue(n));
    },
    floor: (a: unknown) => {
      const n = toNumber(a);
      return n === null ? null : Math.floor(numValue(n));
    },
    round: (a: unknown) => {
      const n = toNumber(a);
      return n === null ? null : javaRound(numValue(n));
    },
    roundTo: (decimals: unknown, a: unknown) => {
      const d = toNumber(decimals);
      const n = toNumber(a);
      if (d === null || n === null) return null;
      const f = 10 ** Math.trunc(numValue(d));
      return matchType([n], javaRound(numValue(n) * f) / f);
    },
    toInteger: (a: unknown) => {
      const n = toNumber(a);
      return n === null ? null : Math.trunc(numValue(n));
    },
    toDouble: (a: unknown) => {
      const n = toNumber(a);
      return n === null ? null : new JavaDouble(numValue(n));
    },
    toNumber: (a: unknown) => toNumber(a),
    random: (...args: unknown[]) => {
      if (args.length === 0) return new JavaDouble(Math.random());
      const ns = nums(args);
      if (ns === null || ns.length < 2) return null;
      const lo = numValue(ns[0]!);
      const hi = numValue(ns[1]!);
      const r = lo + Math.random() * (hi - lo);
      return isDouble(ns[0]!) || isDouble(ns[1]!) ? new JavaDouble(r) : Math.floor(r);
    },
    getRandom: () => new JavaDouble(Math.random()),
  });
}

/** $urlTool: Genesys' URL helper. */
export function urlTool(): VelocityTool {
  return new VelocityTool('com.inin.integrations.UrlTool', {
    optionalQueryParam: (name: unknown, value: unknown) => {
      const n = str(name);
      const v = str(value);
      if (n === null || v === null || v === '') return '';
      return `${formEncode(n)}=${formEncode(v)}`;
    },
    encode: (v: unknown) => {
      const s = str(v);
      return s === null ? null : formEncode(s);
    },
    decode: (v: unknown) => {
      const s = str(v);
      return s === null ? null : formDecode(s);
    },
  });
}

/** $encoding: Base64 of the UTF-8 bytes (Basic auth headers). */
export function encodingTool(): VelocityTool {
  const enc = (v: unknown) => {
    const s = str(v);
    return s === null ? null : Buffer.from(s, 'utf8').toString('base64');
  };
  const dec = (v: unknown) => {
    const s = str(v);
    return s === null ? null : Buffer.from(s, 'base64').toString('utf8');
  };
  return new VelocityTool('com.inin.integrations.EncodingTool', {
    base64: enc,
    base64Encode: enc,
    base64Decode: dec,
    decodeBase64: dec,
    urlEncode: (v: unknown) => {
      const s = str(v);
      return s === null ? null : formEncode(s);
    },
  });
}

/**
 * $successTemplateUtils. `firstFromArray(arrayJsonText, defaultJsonText?)`: the JSON text of element 0, or the
 * default verbatim when the array is empty (empty text without a default). Text that is not a JSON array is
 * returned unchanged [unverified: Genesys' behaviour there is not documented].
 */
export function successTemplateUtils(): VelocityTool {
  return new VelocityTool('com.inin.integrations.SuccessTemplateUtils', {
    firstFromArray: (arrayText: unknown, defaultText?: unknown) => {
      const text = str(arrayText);
      const fallback = defaultText === undefined ? '' : (str(defaultText) ?? '');
      if (text === null) return fallback;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ToolError(`firstFromArray: the first argument is not JSON text: ${text.slice(0, 80)}`);
      }
      if (!Array.isArray(parsed)) return text;
      if (parsed.length === 0) return fallback;
      return JSON.stringify(parsed[0]);
    },
    moveKeysIntoArrayOfObjects: () => {
      throw new ToolError(
        'successTemplateUtils.moveKeysIntoArrayOfObjects is not emulated by cxpact (its semantics are undocumented)',
      );
    },
  });
}

/** $salesforce.escReserved: backslash-escapes SOSL reserved characters. */
export function salesforceTool(): VelocityTool {
  return new VelocityTool('com.inin.integrations.SalesforceTool', {
    escReserved: (v: unknown) => {
      const s = str(v);
      return s === null ? null : s.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, '\\$&');
    },
  });
}

/**
 * $msdynamics.phoneNumberFilter(phone, fields): an OData filter matching the number in `tel:` form and as
 * digits only in each field [unverified: derived from Genesys' description of the Dynamics phone search].
 */
export function msDynamicsTool(): VelocityTool {
  return new VelocityTool('com.inin.integrations.MsDynamicsTool', {
    phoneNumberFilter: (phone: unknown, fields: unknown) => {
      const p = str(phone);
      if (p === null) return null;
      const list = Array.isArray(fields) ? fields.map((f) => javaToString(f)) : [javaToString(fields)];
      const digits = p.replace(/\D/g, '');
      const tel = `tel:+${digits}`;
      const forms = [...new Set([tel, digits])].map((f) => f.replace(/'/g, "''"));
      return list.flatMap((f) => forms.map((v) => `${f} eq '${v}'`)).join(' or ');
    },
  });
}

/** The tools of a request template context. */
export function genesysTools(): Record<string, VelocityTool> {
  return {
    esc: escapeTool(),
    math: mathTool(),
    urlTool: urlTool(),
    encoding: encodingTool(),
    successTemplateUtils: successTemplateUtils(),
    salesforce: salesforceTool(),
    msdynamics: msDynamicsTool(),
  };
}
