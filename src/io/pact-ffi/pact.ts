// One pact on the Pact FFI, with the calls cxpact makes (the ones the pact-js V4 builder makes for an HTTP
// interaction), each one's result checked: a call the core refuses throws, naming the call and the core's reason.

import { isMatcher } from '../../core/contract/matchers';
import type { InteractionSpec } from '../../core/contract/interaction';
import { ffi, type Ffi, type MatchingResult } from './ffi';

/** FFI specification version for V4 pacts (pact-core's `SPECIFICATION_VERSION_V4`). */
const PACT_V4 = 5;
/** The interaction parts of pactffiWithHeader / pactffiWithBody. */
const REQUEST = 0;
const RESPONSE = 1;

/** What pactffiCreateMockServerForTransport's negative results mean. */
const START_ERRORS: Record<number, string> = {
  [-1]: 'a null pointer was passed to the core',
  [-2]: 'the core could not parse the pact',
  [-3]: 'the mock server could not start',
  [-4]: 'the core panicked',
  [-5]: 'the address is not valid',
  [-6]: 'the TLS configuration could not be created',
};

/** What pactffiWritePactFile's non-zero results mean. */
const WRITE_ERRORS: Record<number, string> = {
  1: 'the core panicked while writing it',
  2: 'the core could not write the file',
  3: 'the mock server was not found',
};

function headerValue(value: string | object): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class FfiPact {
  private readonly ffi: Ffi;
  private readonly handle: number;

  /** A new V4 pact between `consumer` and `provider` on this thread's library. */
  constructor(consumer: string, provider: string) {
    this.ffi = ffi();
    this.handle = this.ffi.pactffiNewPact(consumer, provider);
    this.check(this.ffi.pactffiWithSpecification(this.handle, PACT_V4), 'set the V4 specification');
  }

  private check(ok: boolean, what: string): void {
    if (ok) return;
    const reason = this.ffi.pactffiGetErrorMessage();
    throw new Error(`the Pact core refused to ${what}${reason ? `: ${reason}` : ''}`);
  }

  addMetadata(namespace: string, name: string, value: string): void {
    this.check(
      this.ffi.pactffiWithPactMetadata(this.handle, namespace, name, value),
      `add the metadata ${namespace}.${name}`,
    );
  }

  /** Adds `spec` as an HTTP interaction (comments only matter in a written pact; replay servers skip them). */
  addInteraction(spec: InteractionSpec, withComments = true): void {
    const f = this.ffi;
    const it = f.pactffiNewInteraction(this.handle, spec.description);
    this.check(f.pactffiUponReceiving(it, spec.description), 'set the description');
    for (const state of spec.providerStates) {
      if (state.params !== undefined && Object.keys(state.params).length > 0)
        this.check(
          f.pactffiGivenWithParams(it, state.name, JSON.stringify(state.params)),
          `add the provider state "${state.name}"`,
        );
      else this.check(f.pactffiGiven(it, state.name), `add the provider state "${state.name}"`);
    }
    if (withComments)
      for (const comment of spec.comments) this.check(f.pactffiAddTextComment(it, comment), 'add a comment');
    const req = spec.request;
    this.check(
      f.pactffiWithRequest(it, req.method, req.pathMatcher === undefined ? req.path : JSON.stringify(req.pathMatcher)),
      `set the request ${req.method} ${req.path}`,
    );
    for (const [name, values] of Object.entries(req.query))
      values.forEach((v, i) => {
        this.check(f.pactffiWithQueryParameter(it, name, i, headerValue(v)), `add the query parameter ${name}`);
      });
    for (const [name, value] of Object.entries(req.headers))
      this.check(f.pactffiWithHeader(it, REQUEST, name, 0, headerValue(value)), `add the request header ${name}`);
    if (req.body !== undefined) {
      const text = req.body.kind === 'json' ? JSON.stringify(req.body.json) : req.body.text;
      this.check(f.pactffiWithBody(it, REQUEST, req.body.contentType, text), 'set the request body');
    }
    const res = spec.response;
    this.check(f.pactffiResponseStatus(it, JSON.stringify(res.status)), `set the response status ${res.status}`);
    for (const [name, value] of Object.entries(res.headers))
      this.check(f.pactffiWithHeader(it, RESPONSE, name, 0, headerValue(value)), `add the response header ${name}`);
    if (res.body !== undefined) {
      const contentType = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      const ct =
        contentType === undefined
          ? 'application/json'
          : isMatcher(contentType)
            ? String(contentType.value)
            : contentType;
      this.check(f.pactffiWithBody(it, RESPONSE, ct, JSON.stringify(res.body)), 'set the response body');
    }
  }

  /** Starts a mock server holding the interactions on 127.0.0.1 (port 0: any free port); returns its port. */
  startMockServer(): number {
    const port = this.ffi.pactffiCreateMockServerForTransport(this.handle, '127.0.0.1', 0, 'http', '');
    if (port > 0) return port;
    throw new Error(`the Pact core did not start the mock server: ${START_ERRORS[port] ?? `error code ${port}`}`);
  }

  /** True when the mock server saw exactly the expected requests. */
  matched(port: number): boolean {
    return this.ffi.pactffiMockServerMatched(port);
  }

  /** What the mock server saw that it did not expect, or expected and did not see. */
  mismatches(port: number): MatchingResult[] {
    const results = JSON.parse(this.ffi.pactffiMockServerMismatches(port)) as MatchingResult[];
    // The core nests each mismatch of a request as JSON text.
    return results.map((r) =>
      'mismatches' in r
        ? { ...r, mismatches: r.mismatches.map((m) => (typeof m === 'string' ? JSON.parse(m) : m)) }
        : r,
    );
  }

  stopMockServer(port: number): void {
    this.ffi.pactffiCleanupMockServer(port);
  }

  /** Writes `<consumer>-<provider>.json` into `dir`: merged into an existing file, or replacing it. */
  writePactFile(dir: string, merge: boolean): void {
    const result = this.ffi.pactffiWritePactFile(this.handle, dir, !merge);
    if (result !== 0)
      throw new Error(
        `the Pact core did not write the pact file into ${dir}: ${WRITE_ERRORS[result] ?? `error code ${result}`}`,
      );
  }
}

/** One line per mismatch the mock server reported. */
export function describeMismatch(m: MatchingResult): string {
  if ('type' in m) {
    switch (m.type) {
      case 'request-match':
        return 'matched';
      case 'request-mismatch':
        return `${m.method} ${m.path}: ${m.mismatches.map((x) => ('mismatch' in x ? x.mismatch : JSON.stringify(x))).join('; ')}`;
      case 'request-not-found':
        return `${m.method} ${m.path}: the mock server has no interaction for this request`;
      case 'missing-request':
        return `${m.method} ${m.path}: expected request was never sent`;
      default:
        return JSON.stringify(m);
    }
  }
  return m.error;
}
