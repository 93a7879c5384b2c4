// The nesting limit of every JSON document the broker accepts (request bodies and the pact content inside a
// publication), checked on the text before it is parsed, without recursion: a 50,000-deep document is a 400 naming
// the limit, never a stack overflow later in a walker.

/** The Pact Broker's limit (PACT_PARSING_OPTIONS max_nesting in lib/pact_broker/json.rb): 50 levels of arrays and objects. */
export const MAX_JSON_DEPTH = 50;

/** Whether the JSON text nests arrays and objects deeper than `max` (strings are skipped); one linear scan. */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
