// Date/time format patterns of Pact's date, time and datetime matchers (Java DateTimeFormatter letters, which
// pact-js and the Rust core both accept) compiled to anchored regular expressions.

const cache = new Map<string, RegExp>();

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function letterRegex(letter: string, n: number): string {
  switch (letter) {
    case 'y':
    case 'u':
      return n === 2 ? '\\d{2}' : '\\d{4}';
    case 'M':
    case 'L':
      if (n >= 4) return '(?:January|February|March|April|May|June|July|August|September|October|November|December)';
      if (n === 3) return '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
      return n === 2 ? '(?:0[1-9]|1[0-2])' : '(?:1[0-2]|[1-9])';
    case 'd':
      return n === 2 ? '(?:0[1-9]|[12]\\d|3[01])' : '(?:3[01]|[12]\\d|[1-9])';
    case 'D':
      return '\\d{1,3}';
    case 'H':
      return n === 2 ? '(?:[01]\\d|2[0-3])' : '(?:2[0-3]|1\\d|\\d)';
    case 'k':
      return n === 2 ? '(?:0[1-9]|1\\d|2[0-4])' : '(?:2[0-4]|1\\d|[1-9])';
    case 'h':
      return n === 2 ? '(?:0[1-9]|1[0-2])' : '(?:1[0-2]|[1-9])';
    case 'K':
      return n === 2 ? '(?:0\\d|1[01])' : '(?:1[01]|\\d)';
    case 'm':
    case 's':
      return n === 2 ? '[0-5]\\d' : '(?:[1-5]\\d|\\d)';
    case 'S':
      return `\\d{${n}}`;
    case 'n':
      return '\\d{1,9}';
    case 'a':
      return '(?:AM|PM|am|pm)';
    case 'E':
      return n >= 4
        ? '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
        : '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
    case 'X':
      return n === 1 ? '(?:Z|[+-]\\d{2}(?:\\d{2})?)' : n === 2 ? '(?:Z|[+-]\\d{4})' : '(?:Z|[+-]\\d{2}:\\d{2})';
    case 'x':
      return n === 1 ? '[+-]\\d{2}(?:\\d{2})?' : n === 2 ? '[+-]\\d{4}' : '[+-]\\d{2}:\\d{2}';
    case 'Z':
      return n <= 3 ? '[+-]\\d{4}' : n === 4 ? '(?:GMT[+-]\\d{2}:\\d{2}|GMT)' : '(?:Z|[+-]\\d{2}:\\d{2})';
    case 'z':
    case 'V':
    case 'O':
      return '(?:[A-Za-z]+(?:[/_][A-Za-z_]+)*|[A-Z]{2,5}|GMT[+-]\\d{1,2}(?::\\d{2})?)';
    case 'G':
      return '(?:AD|BC)';
    default:
      return esc(letter.repeat(n));
  }
}

/** An anchored RegExp for a Java-style date/time pattern, e.g. `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`. */
export function formatToRegex(format: string): RegExp {
  const hit = cache.get(format);
  if (hit !== undefined) return hit;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'") {
      const end = format.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      const lit = end < 0 ? format.slice(i + 1) : format.slice(i + 1, end);
      out += esc(lit);
      i = end < 0 ? format.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (format[i + n] === c) n += 1;
      out += letterRegex(c, n);
      i += n;
    } else if (c === '[') {
      // optional section
      const end = format.indexOf(']', i);
      const inner = end < 0 ? format.slice(i + 1) : format.slice(i + 1, end);
      out += `(?:${formatToRegex(inner).source.slice(1, -1)})?`;
      i = end < 0 ? format.length : end + 1;
    } else {
      out += esc(c);
      i += 1;
    }
  }
  const re = new RegExp(`^${out}$`);
  cache.set(format, re);
  return re;
}

/** ISO 8601 defaults when a matcher has no format. */
export const DEFAULT_FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  time: /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/,
  datetime:
    /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/,
};
