// The broker's request safety checks, applied before any route runs (app.ts): the Host header must name this
// broker (DNS rebinding), writes from another web origin are refused (cross-site requests), JSON routes take only
// JSON bodies (415, so a browser's "simple" text/plain or form POST never reaches a handler), and the read-only
// exemption is exactly the Pact Broker's (POST pacts for verification).
import net from 'node:net';
import { HttpError } from './http';

/** Loopback names and addresses: always served (a browser can only reach them from this machine). */
export function isLoopbackName(host: string): boolean {
  const h = normaliseHostname(host);
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)
  );
}

/** Lower case, without IPv6 brackets and a trailing root dot. */
export function normaliseHostname(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** The hostname of a Host header value (`name:port`, `[v6]:port`), lower case; undefined when malformed. */
export function hostnameOfHeader(value: string): string | undefined {
  const v = value.trim();
  const m = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(v) ?? /^([^:[\]\s/@]+)(?::\d{1,5})?$/.exec(v);
  return m === null ? undefined : normaliseHostname(m[1]!);
}

/** Where the host list comes from, for messages. */
const HOST_FIX =
  'start the broker with --base-url <its public URL> or --allowed-host <name> (CXPACT_BROKER_ALLOWED_HOSTS)';

/**
 * The Host names a broker answers to. A name that is not served gets 421: a web page that made its own domain
 * resolve to this machine (DNS rebinding) sends its own name as Host and is refused. IP literals are always served:
 * rebinding needs a name the attacker controls, and a literal address can only reach the broker if it is one.
 */
export class HostPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  /** `allowed`: names, `.example.com` / `*.example.com` for every subdomain, `*` for any Host (not recommended). */
  constructor(allowed: readonly string[], baseUrl?: string) {
    this.any = allowed.includes('*');
    for (const entry of allowed) {
      const e = normaliseHostname(entry.trim());
      if (e === '' || e === '*') continue;
      if (e.startsWith('*.')) this.suffixes.push(e.slice(1));
      else if (e.startsWith('.')) this.suffixes.push(e);
      else this.exact.add(e);
    }
    if (baseUrl !== undefined) this.exact.add(normaliseHostname(new URL(baseUrl).hostname));
  }

  /** Also serve this name (the interface the broker is bound to, once it listens). */
  add(hostname: string): void {
    this.exact.add(normaliseHostname(hostname));
  }

  serves(hostname: string): boolean {
    const h = normaliseHostname(hostname);
    return (
      this.any ||
      isLoopbackName(h) ||
      net.isIP(h) !== 0 ||
      this.exact.has(h) ||
      this.suffixes.some((s) => h.endsWith(s) && h.length > s.length)
    );
  }

  /** Throws 421 (malformed: 400) unless the request's Host header is served. */
  check(hostHeader: string | undefined): void {
    if (hostHeader === undefined || hostHeader === '') return; // HTTP/1.0 without Host: nothing to rebind
    const name = hostnameOfHeader(hostHeader);
    if (name === undefined)
      throw new HttpError(400, { error: `The Host header '${hostHeader.slice(0, 200)}' is not a valid host[:port].` });
    if (!this.serves(name)) {
      throw new HttpError(421, {
        error: `This broker does not serve the host '${name}' (the Host header must be one of its own names, so that a web page cannot reach it through DNS rebinding). If '${name}' is a name of this broker, ${HOST_FIX}.`,
      });
    }
  }
}

/**
 * Refuses writes that a browser sent on behalf of another web origin (403). Same origin is the broker's own base
 * URL or the Host the request was sent to; command-line clients send no Origin and pass.
 */
export function checkOrigin(
  method: string,
  origin: string | undefined,
  secFetchSite: string | undefined,
  hostHeader: string | undefined,
  baseUrl: string | undefined,
): void {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  if (origin === undefined) {
    if (secFetchSite === 'cross-site')
      throw new HttpError(403, {
        error: `Cross-site ${method} refused: the request came from another site (Sec-Fetch-Site: cross-site).`,
      });
    return;
  }
  let parsed: URL | undefined;
  try {
    parsed = origin === 'null' ? undefined : new URL(origin);
  } catch {
    parsed = undefined;
  }
  const sameAsHost = parsed !== undefined && hostHeader !== undefined && parsed.host === hostOf(hostHeader);
  const sameAsBase = parsed !== undefined && baseUrl !== undefined && parsed.origin === new URL(baseUrl).origin;
  if (!sameAsHost && !sameAsBase) {
    throw new HttpError(403, {
      error: `Cross-origin ${method} refused: Origin ${origin.slice(0, 200)} is not this broker. Writes come from the Pact clients (which send no Origin) or from the broker's own pages.`,
    });
  }
}

/** `host[:port]` as the URL parser writes it (lower case, default port dropped); undefined when malformed. */
function hostOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader.trim()}`).host;
  } catch {
    return undefined;
  }
}

/** The JSON media types a write body may have (charset and other parameters are fine). */
const JSON_MEDIA_TYPE = /^application\/(?:json|[\w.+-]+\+json)\s*(?:;.*)?$/i;

/** 415 unless a non-empty body is declared as JSON (text/plain, forms and a missing type are refused). */
export function checkJsonContentType(method: string, contentType: string | undefined, bodyLength: number): void {
  if (bodyLength === 0 || method === 'GET' || method === 'HEAD' || method === 'DELETE') return;
  if (contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.trim())) return;
  throw new HttpError(415, {
    error: `${contentType === undefined ? 'A request body without a Content-Type' : `Unsupported Content-Type '${contentType.slice(0, 100)}'`} is refused: send the body as application/json (application/merge-patch+json for PATCH).`,
  });
}

/** The one write a read-only credential may make, as in the Pact Broker (resource_access_policy.rb). */
export const PACTS_FOR_VERIFICATION_PATH = /^\/pacts\/provider\/[^/]+\/for-verification$/;

export function isReadOnlyExempt(method: string, path: string): boolean {
  return method === 'POST' && PACTS_FOR_VERIFICATION_PATH.test(path);
}
