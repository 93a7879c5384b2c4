// Where a JSON text first breaks, and why. Node 24's JSON.parse says "Unexpected token 'b', ..." without an
// offset for most errors, so a definition's author would not learn the line and column from it. Pure.

export interface JsonSyntaxProblem {
  /** 0-based character offset of the first character that cannot be where it is. */
  offset: number;
  /** What was expected there, in words. */
  reason: string;
}

/** Scans `text` as JSON (RFC 8259) and returns the first syntax problem, or undefined when it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (reason: string, at = i): JsonSyntaxProblem => ({ offset: Math.min(at, n), reason });
  const found = (): string => (i >= n ? 'the end of the file' : `'${text[i]}'`);

  const str = (): JsonSyntaxProblem | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20)
        return fail('a control character (such as a raw line break) inside a string; write it as \\n or \\t');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('\\u followed by four hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e))
          return fail(`a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found \\${e ?? ''}`);
        i += 2;
        continue;
      }
      i++;
    }
    return fail('a closing quote " before the end of the file');
  };

  const num = (): JsonSyntaxProblem | undefined => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-')
      return fail(`a value (a string, number, object, array, true, false or null), found ${found()}`);
    i += m[0].length;
    return undefined;
  };

  // Iterative (an explicit stack of open brackets), so 10,000 unclosed `[` cannot overflow the call stack.
  const value = (): JsonSyntaxProblem | undefined => {
    const open: ('}' | ']')[] = [];
    for (;;) {
      // A value: a scalar, or an opening bracket whose members follow.
      ws();
      const c = text[i];
      let opened: '}' | ']' | undefined;
      if (c === '"') {
        const p = str();
        if (p) return p;
      } else if (c === '{' || c === '[') {
        opened = c === '{' ? '}' : ']';
        i++;
        ws();
        if (text[i] === opened) {
          i++;
          opened = undefined;
        } else {
          open.push(opened);
          if (opened === '}') {
            const p = key();
            if (p) return p;
          }
          continue;
        }
      } else {
        let lit = false;
        for (const l of ['true', 'false', 'null']) {
          if (text.startsWith(l, i)) {
            i += l.length;
            lit = true;
            break;
          }
        }
        if (!lit) {
          const p = num();
          if (p) return p;
        }
      }
      // After a complete value: a comma (next member) or closing brackets.
      for (;;) {
        const close = open[open.length - 1];
        if (close === undefined) return undefined;
        ws();
        if (text[i] === ',') {
          i++;
          if (close === '}') {
            const p = key();
            if (p) return p;
          }
          break;
        }
        if (text[i] === close) {
          i++;
          open.pop();
          continue;
        }
        return fail(
          `',' or '${close}' after ${close === '}' ? 'a property value' : 'an array element'}, found ${found()} (a missing comma?)`,
        );
      }
    }
  };

  /** A property name and its colon. */
  const key = (): JsonSyntaxProblem | undefined => {
    ws();
    if (text[i] !== '"') return fail(`a property name in double quotes, found ${found()}`);
    const s = str();
    if (s) return s;
    ws();
    if (text[i] !== ':') return fail(`':' after the property name, found ${found()}`);
    i++;
    return undefined;
  };

  const v = value();
  if (v) return v;
  ws();
  if (i < n)
    return fail(`the end of the file after the top-level value, found ${found()} (a stray character or brace?)`);
  return undefined;
}
