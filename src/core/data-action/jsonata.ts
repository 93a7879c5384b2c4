// JSONata translations (cxpact extension), evaluated in-process with the real jsonata library. jsonata 2.x only
// evaluates asynchronously, so a JSONata translation is async (translateResponseAsync). Compiled expressions are
// cached.

import type Jsonata from 'jsonata';
import { currentLimits } from '../limits';
import { compileSafeRegex } from '../safe-regex';

/**
 * jsonata's RegexEngine seam: regex literals in expressions (`/(a+)+$/`, $match, $replace, $split, $contains) run on
 * the linear-time engine instead of JavaScript's backtracking one. jsonata constructs it with the literal's RegExp
 * and drives it through `lastIndex` and `exec`.
 */
class SafeJsonataRegex {
  lastIndex = 0;
  private readonly re;
  constructor(literal: RegExp) {
    this.re = compileSafeRegex(literal.source, {
      dialect: 'ecmascript',
      flags: literal.flags.replace(/[^ims]/g, ''),
      nativeFallback: () => literal,
    });
  }
  exec(s: string): (RegExpExecArray & { index: number }) | null {
    const m = this.re.execFrom(s, this.lastIndex);
    if (m === null) return null;
    const out = [m.match, ...m.groups] as unknown as RegExpExecArray;
    out.index = m.index;
    this.lastIndex = m.index + m.match.length;
    return out;
  }
}

let library: typeof Jsonata | undefined;

/** The jsonata library, loaded on first use: actions without a JSONata translation never pay for it. */
export function jsonata(expression: string, options?: Jsonata.JsonataOptions): Jsonata.Expression {
  library ??= require('jsonata') as typeof Jsonata;
  return library(expression, options);
}

/** jsonata's own guard rails from the budget: a timeout and a maximum evaluation depth (runaway recursion). */
function guardOptions(): { timeout: number; stack: number; RegexEngine: RegExpConstructor } {
  const limits = currentLimits();
  // jsonata's depth counts evaluation frames (several per nesting level of the expression).
  return {
    timeout: limits.timeMs,
    stack: Math.max(500, limits.depth * 50),
    RegexEngine: SafeJsonataRegex as unknown as RegExpConstructor,
  };
}

const guardedCache = new Map<string, Compiled>();

/** The expression compiled with the guard rails in force (cached per expression and limits). */
function guardedJsonata(expression: string): Compiled {
  const options = guardOptions();
  const key = `${options.timeout}\u0000${options.stack}\u0000${expression}`;
  let c = guardedCache.get(key);
  if (c === undefined) {
    c = jsonata(expression, options);
    if (guardedCache.size > 2000) guardedCache.clear();
    guardedCache.set(key, c);
  }
  return c;
}

export type JsonataOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: string; position?: number; token?: string };

type Compiled = Jsonata.Expression;
const compiled = new Map<string, Compiled | { error: string; position?: number; token?: string }>();

interface JsonataErrorLike {
  message?: string;
  position?: number;
  token?: string;
  code?: string;
}

function describe(e: unknown): { error: string; position?: number; token?: string } {
  const x = (typeof e === 'object' && e !== null ? e : {}) as JsonataErrorLike;
  let msg = x.message ?? String(e);
  if (x.code === 'D1012')
    msg = `the expression did not finish within its time budget (${msg}); a non-terminating recursion or a huge range? Raise the budget with --budget-time-ms / CXPACT_BUDGET_TIME_MS`;
  if (x.code === 'U1001' || /Maximum call stack|stack overflow/i.test(msg))
    msg = 'the expression nests too deep, or a recursive function does not terminate (JSONata ran out of stack)';
  if (/Invalid (string|array) length/i.test(msg))
    msg = 'the expression built a value larger than JavaScript can hold (a huge string or array)';
  return {
    error: `${x.code ? `${x.code}: ` : ''}${msg}${typeof x.position === 'number' ? ` (at position ${x.position})` : ''}`,
    ...(typeof x.position === 'number' ? { position: x.position } : {}),
    ...(typeof x.token === 'string' ? { token: x.token } : {}),
  };
}

/** Compiles a JSONata expression (cached). Returns the error instead of throwing. */
export function compileJsonata(expression: string): Compiled | { error: string; position?: number; token?: string } {
  let c = compiled.get(expression);
  if (!c) {
    try {
      c = jsonata(expression, { RegexEngine: SafeJsonataRegex as unknown as RegExpConstructor });
    } catch (e) {
      c = describe(e);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(expression, c);
  }
  return c;
}

/** jsonata sequences carry extra properties and may hold functions: reduce to plain JSON. */
function plain(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v) ?? 'null');
}

/** Evaluates in-process (async). */
export async function evaluateJsonata(
  expression: string,
  body: unknown,
  bindings: Record<string, unknown>,
): Promise<JsonataOutcome> {
  const c = compileJsonata(expression);
  if ('error' in c) return { ok: false, ...c };
  try {
    // A fresh evaluation object with the guard rails of the budget in force (the compiled AST is shared).
    return { ok: true, value: plain(await guardedJsonata(expression).evaluate(body, bindings)) };
  } catch (e) {
    return { ok: false, ...describe(e) };
  }
}

/** @deprecated JSONata runs in-process (evaluateJsonata): there is no worker thread to stop. Kept for callers of the 0.1 API. */
export async function stopJsonataWorker(): Promise<void> {}
