// The Pact core's native library (the Rust FFI behind pact-js), typed by @pact-foundation/pact-core and loaded on
// first use: commands that never start a mock server (`cxpact run`, `lint`, `--help`) never pay for it (~100 ms of
// CPU: pact-core, its logger and the library).
//
// On the calling thread the library comes from pact-core's public `getFfiLib`, which finds the platform's prebuild
// (@pact-foundation/pact-core-<os>-<arch>[-libc], or PACT_PREBUILD_LOCATION) and initialises the core's logging
// once for the process. A replay worker (worker.ts) must not initialise it again (the core prints "Failed to
// initialise global tracing subscriber" on stderr every time): it loads the very addon file this thread loaded,
// named by Node's diagnostic report (`process.report`, the shared objects of the process), and nothing else.

import path from 'node:path';
import type { getFfiLib, MatchingResult } from '@pact-foundation/pact-core';

/** The native library's functions, as @pact-foundation/pact-core types them. */
export type Ffi = ReturnType<typeof getFfiLib>;
export type { MatchingResult };

let loaded: Ffi | undefined;

/** The library on this thread: pact-core's, or the addon given to useAddon (a worker). */
export function ffi(): Ffi {
  if (loaded === undefined) {
    const core = require('@pact-foundation/pact-core') as typeof import('@pact-foundation/pact-core');
    // pact-core's own logger would print an INFO line on loading; cxpact reports problems itself.
    core.setLogLevel('error');
    loaded = core.getFfiLib('error');
  }
  return loaded;
}

/** A worker's library: the addon file the calling thread loaded (see addonFile), without initialising the core again. */
export function useAddon(file: string): Ffi {
  loaded = require(file) as Ffi;
  return loaded;
}

/**
 * The Node-API addon file of the library loaded in this process (loading it first if needed): the `.node` shared
 * object in the folder of the Pact FFI library itself (libpact_ffi.so, libpact_ffi.dylib or pact_ffi.dll). Undefined
 * when Node's report does not list it (then large runs replay on the calling thread).
 */
export function addonFile(): string | undefined {
  ffi();
  // Without the network part (Node >= 22.13; @types/node lacks the setting): its reverse DNS lookups can take long.
  const reporter = process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean };
  const excludeNetwork = reporter.excludeNetwork;
  reporter.excludeNetwork = true;
  let report: { sharedObjects?: unknown };
  try {
    report = reporter.getReport() as unknown as { sharedObjects?: unknown };
  } finally {
    reporter.excludeNetwork = excludeNetwork;
  }
  const objects = Array.isArray(report.sharedObjects)
    ? report.sharedObjects.filter((s): s is string => typeof s === 'string')
    : [];
  const library = objects.find((s) => /^(lib)?pact_ffi\.(so|dylib|dll)$/i.test(path.basename(s)));
  if (library === undefined) return undefined;
  return objects.find((s) => s.endsWith('.node') && path.dirname(s) === path.dirname(library));
}
