// Java value semantics for the Velocity emulator: how values render (toString), compare (equals) and which
// java.lang.String / List / Map / Number methods a template may call on them.

import { type JavaEscapeRule, javaPosixClass, translateJavaRegex } from '../safe-regex';

/** A Java double (as opposed to an Integer/Long): renders like Double.toString (`2.0`, `1.0E10`). */
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return javaDoubleToString(this.value);
  }
}

/** A segment of rendered output; `secret` segments are placeholders for credentials, never real values. */
export interface Segment {
  text: string;
  secret: boolean;
}

/**
 * A value that stands for a secret (`$credentials.x`, `$authResponse.x`, or anything computed from one).
 * It renders as its placeholder text (e.g. `{{credentials.clientId}}`); the segments let callers build a regex
 * a real value matches.
 */
export class SecretText {
  constructor(readonly segments: Segment[]) {}
  static placeholder(text: string): SecretText {
    return new SecretText([{ text, secret: true }]);
  }
  toString(): string {
    return this.segments.map((s) => s.text).join('');
  }
  /** The placeholder names inside, without braces: `credentials.clientId:credentials.clientSecret`. */
  describe(): string {
    return this.segments.map((s) => (s.secret ? s.text.replace(/^\{\{|\}\}$/g, '') : s.text)).join('');
  }
}

/** A Velocity tool object in the context ($esc, $math, ...): methods callable from templates. */
export class VelocityTool {
  constructor(
    /** The Java class Genesys' tool would be, used in messages. */
    readonly javaClass: string,
    readonly methods: Record<string, (...args: unknown[]) => unknown>,
  ) {}
}

/** `$credentials` / `$authResponse` in request rendering: any property is a secret placeholder. */
export class SecretSource {
  constructor(readonly root: string) {}
}

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  // Any realm's Object.prototype (objects may come from another vm context), or no prototype.
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

export function isNumber(v: unknown): v is number | JavaDouble {
  return (typeof v === 'number' && !Number.isNaN(v)) || v instanceof JavaDouble;
}

export function numValue(v: number | JavaDouble): number {
  return v instanceof JavaDouble ? v.value : v;
}

/** Is this number a Java floating point (Double) rather than an Integer/Long? */
export function isDouble(v: number | JavaDouble): boolean {
  return v instanceof JavaDouble || !Number.isInteger(v);
}

/** Java's Double.toString. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  // Scientific: mantissa with at least one decimal, `E` and exponent without `+`.
  const [mantissa, exp] = d.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.replace('+', '')}`;
}

/** Renders a value as Java's String.valueOf would (strings as-is, maps as `{a=1}`, lists as `[1, 2]`). */
export function javaToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : String(v);
    return javaDoubleToString(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JavaDouble || v instanceof SecretText) return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => (x === v ? '(this Collection)' : javaToString(x))).join(', ')}]`;
  if (v instanceof VelocityTool) return `${v.javaClass}@cxpact`;
  if (v instanceof SecretSource) return `{{${v.root}}}`;
  if (isPlainMap(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${x === v ? '(this Map)' : javaToString(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Velocity's `==`: numbers numerically, same kinds by equals(), different kinds by their string forms. */
export function velocityEquals(a: unknown, b: unknown): boolean {
  const an = a === undefined ? null : a;
  const bn = b === undefined ? null : b;
  if (an === null || bn === null) return an === bn;
  if (isNumber(an) && isNumber(bn)) return numValue(an) === numValue(bn);
  if (typeof an === typeof bn && typeof an !== 'object') return an === bn;
  if (Array.isArray(an) && Array.isArray(bn)) return javaEquals(an, bn);
  if (isPlainMap(an) && isPlainMap(bn)) return javaEquals(an, bn);
  return javaToString(an) === javaToString(bn);
}

/** Java's Object.equals (strict about kinds: "1".equals(1) is false). */
export function javaEquals(a: unknown, b: unknown): boolean {
  const an = a === undefined ? null : a;
  const bn = b === undefined ? null : b;
  if (an === null || bn === null) return an === bn;
  if (isNumber(an) && isNumber(bn)) return isDouble(an) === isDouble(bn) && numValue(an) === numValue(bn);
  if (an instanceof SecretText || bn instanceof SecretText) return javaToString(an) === javaToString(bn);
  if (Array.isArray(an))
    return Array.isArray(bn) && an.length === bn.length && an.every((x, i) => javaEquals(x, bn[i]));
  if (isPlainMap(an)) {
    if (!isPlainMap(bn)) return false;
    const ka = Object.keys(an);
    return ka.length === Object.keys(bn).length && ka.every((k) => k in bn && javaEquals(an[k], bn[k]));
  }
  return an === bn;
}

/** Velocity 1.7 truthiness in #if: only null and false are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  return true;
}

/** The Java class name of a value, for messages. */
export function javaClassOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' || v instanceof SecretText) return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (v instanceof JavaDouble) return 'java.lang.Double';
  if (typeof v === 'number')
    return Number.isInteger(v)
      ? Math.abs(v) > 2147483647
        ? 'java.lang.Long'
        : 'java.lang.Integer'
      : 'java.lang.Double';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof VelocityTool) return v.javaClass;
  if (isPlainMap(v)) return 'java.util.LinkedHashMap';
  return 'java.lang.Object';
}

// ------------------------------------------------------------------------------------------------ Java regex

/**
 * Translates a java.util.regex pattern to a JavaScript RegExp source + flags, for the constructs that differ.
 * Throws an Error with a readable message for constructs JavaScript cannot express.
 */
export function javaRegex(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateJavaRegex(pattern, extraFlags, /[.*+?^${}()|[\]\\/]/g, jsEscape);
  return new RegExp(source, flags);
}

/** Java's escapes JavaScript spells differently: `\A`, `\z`/`\Z`, `\h`, the POSIX classes; other `\p{...}` need the u flag. */
const jsEscape: JavaEscapeRule = (src, i) => {
  const n = src[i + 1];
  if (n === 'A') return { out: '^', last: i + 1 };
  if (n === 'z' || n === 'Z') return { out: '$', last: i + 1 };
  if (n === 'h') return { out: '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]', last: i + 1 };
  if (n === 'p' || n === 'P') {
    const posix = javaPosixClass(src, i);
    if (posix !== undefined) return { out: n === 'p' ? `[${posix.js}]` : `[^${posix.js}]`, last: posix.last };
    // Any other name is left to the u flag: Unicode properties it knows, a syntax error for the rest.
    return { out: `\\${n}`, last: i + 1, flag: 'u' };
  }
  return undefined;
};
