// The `cxpact` command as its own process, the way a user starts it: bin/cxpact.js, which runs the compiled CLI
// (dist/). In this checkout it rebuilds dist/ first when src/ changed; jest's global setup has built it already.
import path from 'node:path';

export const CXPACT_BIN = path.resolve(__dirname, '..', '..', 'bin', 'cxpact.js');

/** The argv (after the node executable) that runs `cxpact <args>`. */
export function cxpactArgs(args: string[]): string[] {
  return [CXPACT_BIN, ...args];
}
