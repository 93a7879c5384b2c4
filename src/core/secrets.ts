// Every form a secret can take in what a server sends back, so none of them is written anywhere: the raw value;
// URL-encoded (`%2B`, `%2b`, `+` for a space, double-encoded `%252B`, and any mix of encoded and plain characters);
// JSON-escaped (`\/`, `\u002b`, `\"`, `\\`, also escaped twice in a JSON string inside a JSON string); HTML
// character references (`&#43;`, `&#x2B;`, `&amp;`); and base64 / base64url (standalone or inside a longer
// encoded blob: the characters that depend on the secret alone, at each of the three byte alignments).
// One compiled pattern per secret; secrets are replaced longest first, so a secret inside another leaves no tail.

/** Secrets shorter than this are not scrubbed (too many innocent matches); every real credential is longer. */
export const MIN_SECRET_LENGTH = 4;
/** base64 forms are matched for secrets of at least this many bytes, and only runs of at least this many characters. */
const MIN_BASE64 = 8;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Hex digits of `n` (zero-padded to `width`) matching either case. */
function hex(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .toUpperCase()
    .replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`);
}

const NAMED_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&(?:apos|#39);',
};

/** The forms one character may take. */
function charPattern(ch: string): string {
  const forms = new Set<string>([escapeRegExp(ch)]);
  // URL-encoded UTF-8 bytes, any hex case, possibly encoded again (%25 is the percent sign).
  forms.add([...Buffer.from(ch, 'utf8')].map((b) => `%(?:25)*${hex(b, 2)}`).join(''));
  // JSON \u escapes (UTF-16 code units), behind one or more backslashes (a JSON string inside a JSON string).
  forms.add(Array.from({ length: ch.length }, (_, i) => `\\\\+u${hex(ch.charCodeAt(i), 4)}`).join(''));
  // HTML numeric character references.
  const cp = ch.codePointAt(0)!;
  forms.add(
    `&#(?:[xX]0*${cp
      .toString(16)
      .toUpperCase()
      .replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`)}|0*${cp});`,
  );
  if (NAMED_ENTITIES[ch] !== undefined) forms.add(NAMED_ENTITIES[ch]);
  // JSON's short escapes: \/ \" \\ (any depth of escaping).
  if (ch === '/') forms.add('\\\\+/');
  if (ch === '"') forms.add('\\\\+"');
  if (ch === '\\') forms.add('\\\\+');
  // application/x-www-form-urlencoded writes a space as +.
  if (ch === ' ') forms.add('\\+');
  return forms.size === 1 ? [...forms][0]! : `(?:${[...forms].join('|')})`;
}

/**
 * The base64 and base64url runs that encode `secret`: its whole encoding, and wherever it sits in a longer byte
 * string, for each byte offset (mod 3), the characters whose six bits all come from the secret. Longest first.
 */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_BASE64) return [];
  const cores = new Set<string>();
  // The whole encoding first (with and without padding), so a value that is just the encoded secret goes entirely.
  const whole = bytes.toString('base64');
  for (const w of [whole, whole.replace(/=+$/, ''), bytes.toString('base64url')]) cores.add(w);
  cores.add(whole.replace(/\+/g, '-').replace(/\//g, '_'));
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(start, end);
    if (core.length < MIN_BASE64) continue;
    cores.add(core);
    cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...cores].sort((a, b) => b.length - a.length);
}

/** One regex matching every form of `secret`. */
export function secretPattern(secret: string): RegExp {
  const chars = Array.from(secret).map(charPattern).join('');
  const alternatives = [chars, ...base64Cores(secret).map(escapeRegExp)];
  return new RegExp(alternatives.map((a) => `(?:${a})`).join('|'), 'g');
}

/** Replaces every form of a set of secrets; compile once, apply to many texts and values. */
export class SecretScrubber {
  private readonly patterns: RegExp[];

  constructor(
    secrets: Iterable<string | undefined>,
    private readonly replacement = '[REDACTED]',
  ) {
    const live = [
      ...new Set([...secrets].filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH)),
    ];
    live.sort((a, b) => b.length - a.length);
    this.patterns = live.map(secretPattern);
  }

  /** True when there is nothing to scrub. */
  get empty(): boolean {
    return this.patterns.length === 0;
  }

  text(text: string): string {
    let out = text;
    for (const p of this.patterns) {
      p.lastIndex = 0;
      out = out.replace(p, this.replacement);
    }
    return out;
  }

  /** A deep copy of a JSON value with every string (and key) scrubbed. */
  value<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.walk(x);
      return out;
    }
    return v;
  }
}
