// src/io/pact-ffi: the Pact FFI mock-server driver (the only code that talks to Pact's core).
export { replayInteractions, writePact, executeInteraction } from './driver';
export type { ReplayOptions } from './driver';
export { planBatches } from './mock-server';
export type { ReplayItem, ReplayResult } from './mock-server';
