// The Java methods a template may call on plain values: java.lang.String, java.util.List, java.util.Map,
// Integer/Long/Double and Boolean. Returns NOT_FOUND when Java would have no such method (a render error in
// strict mode); throws JavaException for what Java would throw at run time.
import {
  JavaDouble,
  SecretText,
  isDouble,
  isNumber,
  isPlainMap,
  javaEquals,
  javaRegex,
  javaToString,
  numValue,
} from './values';

import { currentLimits, LimitExceededError } from '../limits';
import { compileSafeRegex, RegexSyntaxError, UnsafeRegexError, type SafeRegex } from '../safe-regex';

export const NOT_FOUND: unique symbol = Symbol('method not found');

/** A Java exception raised by a method (StringIndexOutOfBoundsException, PatternSyntaxException, ...). */
export class JavaException extends Error {}

type Result = unknown | typeof NOT_FOUND;

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** A CharSequence argument; a secret counts as its placeholder text. Null makes Java throw. */
function cs(v: unknown, method: string): string | typeof NOT_FOUND {
  if (v === null || v === undefined)
    throw new JavaException(`NullPointerException in String.${method}(): the argument is null`);
  if (isStr(v)) return v;
  if (v instanceof SecretText) return v.toString();
  return NOT_FOUND;
}

function checkIndex(i: number, size: number, what: string): void {
  if (i < 0 || i >= size) throw new JavaException(`${what}IndexOutOfBoundsException: index ${i}, length ${size}`);
}

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * A Java regex from a template on the linear-time engine (shared/safe-regex.ts): `$s.matches("(a+)+$")` cannot
 * backtrack catastrophically. Patterns RE2 lacks (backreferences, lookaround) use the Java-to-JavaScript translation.
 */
function regexOf(pattern: string): SafeRegex {
  try {
    return compileSafeRegex(pattern, { dialect: 'java', nativeFallback: (p) => javaRegex(p) });
  } catch (e) {
    if (e instanceof UnsafeRegexError) throw e;
    throw new JavaException(`PatternSyntaxException: ${(e as Error).message}`);
  }
}

/** A string a method builds, refused past the output limit (before it is built when its length is known). */
function built(length: number): void {
  const max = currentLimits().outputLength;
  if (length > max)
    throw new LimitExceededError(
      'limit.output',
      'outputLength',
      `the method would build a string of ${length.toLocaleString('en-US')} characters, more than the ${max.toLocaleString('en-US')} allowed`,
      'Build shorter text',
    );
}

function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function stringMethod(s: string, name: string, args: unknown[]): Result {
  const n = args.length;
  const a0 = args[0];
  const a1 = args[1];
  switch (name) {
    case 'length':
      return n === 0 ? s.length : NOT_FOUND;
    case 'isEmpty':
      return n === 0 ? s.length === 0 : NOT_FOUND;
    case 'isBlank':
      return n === 0 ? s.trim().length === 0 : NOT_FOUND;
    case 'toString':
    case 'intern':
      return n === 0 ? s : NOT_FOUND;
    case 'hashCode':
      return n === 0 ? javaHash(s) : NOT_FOUND;
    case 'toUpperCase':
      return n === 0 ? s.toUpperCase() : NOT_FOUND;
    case 'toLowerCase':
      return n === 0 ? s.toLowerCase() : NOT_FOUND;
    case 'trim':
      return n === 0 ? s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '') : NOT_FOUND;
    case 'strip':
      return n === 0 ? s.trim() : NOT_FOUND;
    case 'stripLeading':
      return n === 0 ? s.trimStart() : NOT_FOUND;
    case 'stripTrailing':
      return n === 0 ? s.trimEnd() : NOT_FOUND;
    case 'toCharArray':
      return n === 0 ? [...s] : NOT_FOUND;
    case 'charAt':
    case 'codePointAt': {
      if (n !== 1 || !isInt(a0)) return NOT_FOUND;
      checkIndex(a0, s.length, 'String');
      return name === 'charAt' ? s[a0] : s.codePointAt(a0);
    }
    case 'substring':
    case 'subSequence': {
      if (n < 1 || n > 2 || !isInt(a0) || (n === 2 && !isInt(a1))) return NOT_FOUND;
      const end = n === 2 ? (a1 as number) : s.length;
      if (a0 < 0 || end > s.length || a0 > end) {
        throw new JavaException(`StringIndexOutOfBoundsException: begin ${a0}, end ${end}, length ${s.length}`);
      }
      return s.slice(a0, end);
    }
    case 'indexOf':
    case 'lastIndexOf': {
      if (n < 1 || n > 2) return NOT_FOUND;
      const needle = cs(a0, name);
      if (needle === NOT_FOUND) return NOT_FOUND;
      if (n === 2 && !isInt(a1)) return NOT_FOUND;
      if (name === 'indexOf') return n === 2 ? s.indexOf(needle, Math.max(0, a1 as number)) : s.indexOf(needle);
      return n === 2 ? ((a1 as number) < 0 ? -1 : s.lastIndexOf(needle, a1 as number)) : s.lastIndexOf(needle);
    }
    case 'contains':
    case 'endsWith':
    case 'equalsIgnoreCase':
    case 'compareTo':
    case 'compareToIgnoreCase':
    case 'concat':
    case 'matches': {
      if (n !== 1) return NOT_FOUND;
      if (name === 'equalsIgnoreCase' && (a0 === null || a0 === undefined)) return false;
      const x = cs(a0, name);
      if (x === NOT_FOUND) return name === 'equalsIgnoreCase' ? false : NOT_FOUND;
      if (name === 'contains') return s.includes(x);
      if (name === 'endsWith') return s.endsWith(x);
      if (name === 'equalsIgnoreCase') return s.length === x.length && s.toUpperCase() === x.toUpperCase();
      if (name === 'compareTo') return compareStrings(s, x);
      if (name === 'compareToIgnoreCase') return compareStrings(s.toLowerCase(), x.toLowerCase());
      if (name === 'concat') {
        built(s.length + x.length);
        return s + x;
      }
      return regexOf(x).matchesWhole(s);
    }
    case 'startsWith': {
      if (n < 1 || n > 2) return NOT_FOUND;
      const x = cs(a0, name);
      if (x === NOT_FOUND || (n === 2 && !isInt(a1))) return NOT_FOUND;
      return s.startsWith(x, n === 2 ? (a1 as number) : 0);
    }
    case 'equals':
      return n === 1 ? javaEquals(s, a0) : NOT_FOUND;
    case 'replace': {
      if (n !== 2) return NOT_FOUND;
      const from = cs(a0, name);
      const to = cs(a1, name);
      if (from === NOT_FOUND || to === NOT_FOUND) return NOT_FOUND;
      const pieces = s.split(from);
      built(s.length + (pieces.length - 1) * (to.length - from.length));
      return pieces.join(to);
    }
    case 'replaceAll':
    case 'replaceFirst': {
      if (n !== 2) return NOT_FOUND;
      const pattern = cs(a0, name);
      const repl = cs(a1, name);
      if (pattern === NOT_FOUND || repl === NOT_FOUND) return NOT_FOUND;
      try {
        const out = regexOf(pattern).replaceJava(s, repl, name === 'replaceAll');
        built(out.length);
        return out;
      } catch (e) {
        if (e instanceof RegexSyntaxError) throw new JavaException(e.message);
        throw e;
      }
    }
    case 'split': {
      if (n < 1 || n > 2) return NOT_FOUND;
      const pattern = cs(a0, name);
      if (pattern === NOT_FOUND || (n === 2 && !isInt(a1))) return NOT_FOUND;
      return regexOf(pattern).splitJava(s, n === 2 ? (a1 as number) : 0);
    }
    case 'repeat': {
      if (n !== 1 || !isInt(a0)) return NOT_FOUND;
      if (a0 < 0) throw new JavaException(`IllegalArgumentException: count is negative: ${a0}`);
      built(s.length * a0);
      return s.repeat(a0);
    }
    default:
      return NOT_FOUND;
  }
}

function numberMethod(v: number | JavaDouble, name: string, args: unknown[]): Result {
  const x = numValue(v);
  if (args.length === 0) {
    switch (name) {
      case 'intValue':
      case 'longValue':
      case 'shortValue':
      case 'byteValue':
        return Math.trunc(x);
      case 'doubleValue':
      case 'floatValue':
        return new JavaDouble(x);
      case 'toString':
        return javaToString(v);
      case 'hashCode':
        return Math.trunc(x) | 0;
      case 'isNaN':
        return Number.isNaN(x);
      case 'isInfinite':
        return !Number.isFinite(x) && !Number.isNaN(x);
      default:
        return NOT_FOUND;
    }
  }
  if (args.length === 1) {
    const a = args[0];
    if (name === 'equals') return javaEquals(v, a);
    if (name === 'compareTo') {
      if (!isNumber(a) || isDouble(a) !== isDouble(v)) return NOT_FOUND;
      return Math.sign(x - numValue(a));
    }
  }
  return NOT_FOUND;
}

function listMethod(list: unknown[], name: string, args: unknown[]): Result {
  const n = args.length;
  const a0 = args[0];
  switch (name) {
    case 'size':
      return n === 0 ? list.length : NOT_FOUND;
    case 'isEmpty':
      return n === 0 ? list.length === 0 : NOT_FOUND;
    case 'toString':
      return n === 0 ? javaToString(list) : NOT_FOUND;
    case 'get': {
      if (n !== 1 || !isInt(a0)) return NOT_FOUND;
      checkIndex(a0, list.length, '');
      return list[a0];
    }
    case 'contains':
      return n === 1 ? list.some((x) => javaEquals(x, a0)) : NOT_FOUND;
    case 'containsAll':
      return n === 1 && Array.isArray(a0) ? a0.every((y) => list.some((x) => javaEquals(x, y))) : NOT_FOUND;
    case 'indexOf':
      return n === 1 ? list.findIndex((x) => javaEquals(x, a0)) : NOT_FOUND;
    case 'lastIndexOf': {
      if (n !== 1) return NOT_FOUND;
      for (let i = list.length - 1; i >= 0; i--) if (javaEquals(list[i], a0)) return i;
      return -1;
    }
    case 'equals':
      return n === 1 ? javaEquals(list, a0) : NOT_FOUND;
    case 'add': {
      if (n === 1) {
        list.push(a0);
        return true;
      }
      if (n === 2 && isInt(a0)) {
        if (a0 < 0 || a0 > list.length) checkIndex(a0, list.length, '');
        list.splice(a0, 0, args[1]);
        return null;
      }
      return NOT_FOUND;
    }
    case 'addAll':
      if (n === 1 && Array.isArray(a0)) {
        built(list.length + a0.length);
        for (const x of a0 === list ? [...a0] : (a0 as unknown[])) list.push(x);
        return a0.length > 0;
      }
      return NOT_FOUND;
    case 'set': {
      if (n !== 2 || !isInt(a0)) return NOT_FOUND;
      checkIndex(a0, list.length, '');
      const old = list[a0];
      list[a0] = args[1];
      return old;
    }
    case 'remove': {
      if (n !== 1) return NOT_FOUND;
      if (isInt(a0)) {
        checkIndex(a0, list.length, '');
        return list.splice(a0, 1)[0];
      }
      const i = list.findIndex((x) => javaEquals(x, a0));
      if (i >= 0) list.splice(i, 1);
      return i >= 0;
    }
    case 'clear':
      if (n !== 0) return NOT_FOUND;
      list.length = 0;
      return null;
    case 'subList': {
      const a1 = args[1];
      if (n !== 2 || !isInt(a0) || !isInt(a1)) return NOT_FOUND;
      if (a0 < 0 || a1 > list.length || a0 > a1) {
        throw new JavaException(`IndexOutOfBoundsException: fromIndex ${a0}, toIndex ${a1}, size ${list.length}`);
      }
      return list.slice(a0, a1);
    }
    default:
      return NOT_FOUND;
  }
}

function mapMethod(map: Record<string, unknown>, name: string, args: unknown[]): Result {
  const n = args.length;
  const key = n > 0 ? javaToString(args[0]) : '';
  const has = n > 0 && Object.hasOwn(map, key);
  switch (name) {
    case 'get':
      return n === 1 ? (has ? map[key] : null) : NOT_FOUND;
    case 'getOrDefault':
      return n === 2 ? (has ? map[key] : args[1]) : NOT_FOUND;
    case 'containsKey':
      return n === 1 ? has : NOT_FOUND;
    case 'containsValue':
      return n === 1 ? Object.values(map).some((v) => javaEquals(v, args[0])) : NOT_FOUND;
    case 'keySet':
      return n === 0 ? Object.keys(map) : NOT_FOUND;
    case 'values':
      return n === 0 ? Object.values(map) : NOT_FOUND;
    case 'entrySet':
      return n === 0 ? Object.entries(map).map(([k, v]) => ({ key: k, value: v })) : NOT_FOUND;
    case 'size':
      return n === 0 ? Object.keys(map).length : NOT_FOUND;
    case 'isEmpty':
      return n === 0 ? Object.keys(map).length === 0 : NOT_FOUND;
    case 'toString':
      return n === 0 ? javaToString(map) : NOT_FOUND;
    case 'equals':
      return n === 1 ? javaEquals(map, args[0]) : NOT_FOUND;
    case 'put': {
      if (n !== 2) return NOT_FOUND;
      const old = has ? map[key] : null;
      map[key] = args[1];
      return old;
    }
    case 'putAll':
      if (n === 1 && isPlainMap(args[0])) {
        Object.assign(map, args[0]);
        return null;
      }
      return NOT_FOUND;
    case 'remove': {
      if (n !== 1) return NOT_FOUND;
      const old = has ? map[key] : null;
      delete map[key];
      return old;
    }
    default:
      return NOT_FOUND;
  }
}

/** Calls a Java method on a plain value. */
export function callJavaMethod(target: unknown, name: string, args: unknown[]): Result {
  if (typeof target === 'string') return stringMethod(target, name, args);
  if (isNumber(target)) return numberMethod(target, name, args);
  if (typeof target === 'boolean') {
    if (args.length === 0 && (name === 'booleanValue' || name === 'toString'))
      return name === 'toString' ? String(target) : target;
    if (args.length === 1 && name === 'equals') return javaEquals(target, args[0]);
    return NOT_FOUND;
  }
  if (Array.isArray(target)) return listMethod(target, name, args);
  if (isPlainMap(target)) return mapMethod(target, name, args);
  return NOT_FOUND;
}

/** Velocity's property lookup on a non-map object: `$s.empty` calls isEmpty(), `$x.bytes` getBytes(). */
export function callJavaGetter(target: unknown, property: string): Result {
  const cap = property.charAt(0).toUpperCase() + property.slice(1);
  for (const candidate of [`get${cap}`, `get${property}`, `is${cap}`]) {
    const r = callJavaMethod(target, candidate, []);
    if (r !== NOT_FOUND) {
      if (candidate.startsWith('is') && typeof r !== 'boolean') continue;
      return r;
    }
  }
  return NOT_FOUND;
}
