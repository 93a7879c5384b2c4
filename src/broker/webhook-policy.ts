// What a webhook may call: allow-lists of URL schemes, hosts and HTTP methods, like the Pact Broker's
// webhook_scheme_whitelist (default https), webhook_host_whitelist (default empty: any host) and
// webhook_http_method_whitelist (default POST) (lib/pact_broker/config/runtime_configuration.rb,
// api/contracts/webhook_request_contract.rb, webhooks/check_host_whitelist.rb). One difference, on purpose: with an
// empty host list, loopback, link-local (cloud metadata) and unspecified addresses are refused too; they need an
// entry that names them. The same checks run when a webhook is saved and again when it executes, where the host's
// DNS answer is checked as well (a name that resolves to 127.0.0.1 is a loopback target).
import dns from 'node:dns';
import net from 'node:net';
import { isLoopbackName, normaliseHostname } from './security';

export interface WebhookPolicyOptions {
  /** URL schemes a webhook may use. Default ['https'] (PACT_BROKER_WEBHOOK_SCHEME_WHITELIST). */
  schemes?: string[];
  /**
   * Hosts a webhook may call: names (`ci.example.com`), `*.example.com`, IP addresses, CIDR ranges (`10.0.0.0/8`)
   * and regular expressions (`/\.example\.com$/`). Default empty: any host except loopback, link-local and
   * unspecified addresses (PACT_BROKER_WEBHOOK_HOST_WHITELIST). With entries, only matching hosts, and the
   * response details are logged (as in the Pact Broker, they are hidden without a host list).
   */
  hosts?: string[];
  /** HTTP methods a webhook may use. Default ['POST'] (PACT_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST). */
  methods?: string[];
}

export const DEFAULT_WEBHOOK_SCHEMES = ['https'];
export const DEFAULT_WEBHOOK_METHODS = ['POST'];
const KNOWN_METHODS = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT)$/i;
const CONFIG_HINT = {
  schemes: '--webhook-schemes / PACT_BROKER_WEBHOOK_SCHEME_WHITELIST',
  hosts: '--webhook-hosts / PACT_BROKER_WEBHOOK_HOST_WHITELIST',
  methods: '--webhook-methods / PACT_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST',
};

/** Splits a list given as one string (flag or environment variable): commas and/or spaces. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Loopback, link-local and unspecified addresses (IPv4, IPv6 and IPv4-mapped IPv6). */
const LOCAL = new net.BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addAddress('::', 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');
LOCAL.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');
LOCAL.addSubnet('::ffff:169.254.0.0', 112, 'ipv6');
LOCAL.addSubnet('::ffff:0.0.0.0', 104, 'ipv6');

/** Whether the address or name is this machine (loopback), link-local or unspecified. */
export function isLocalTarget(host: string): boolean {
  const h = normaliseHostname(host);
  const family = net.isIP(h);
  if (family === 4) return LOCAL.check(h, 'ipv4');
  if (family === 6) return LOCAL.check(h, 'ipv6');
  return isLoopbackName(h);
}

type HostRule =
  | { kind: 'name'; name: string }
  | { kind: 'wildcard'; suffix: string }
  | { kind: 'ip'; list: net.BlockList }
  | { kind: 'regexp'; re: RegExp; source: string };

function parseHostRule(entry: string): HostRule {
  const e = entry.trim();
  const re = /^\/(.*)\/([a-z]*)$/.exec(e);
  if (re !== null) {
    try {
      return { kind: 'regexp', re: new RegExp(re[1]!, re[2]!.replace(/[gy]/g, '')), source: e };
    } catch (error) {
      throw new Error(`The webhook host entry ${e} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(e);
  const address = normaliseHostname(cidr === null ? e : cidr[1]!);
  const family = net.isIP(address);
  if (family !== 0) {
    const list = new net.BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (cidr === null) list.addAddress(address, type);
    else {
      const prefix = Number(cidr[2]);
      if (prefix > (family === 4 ? 32 : 128))
        throw new Error(`The webhook host entry ${e} has a prefix longer than the address.`);
      list.addSubnet(address, prefix, type);
    }
    return { kind: 'ip', list };
  }
  if (cidr !== null) throw new Error(`The webhook host entry ${e} is not an IP range (address/prefix).`);
  if (address.startsWith('*.')) return { kind: 'wildcard', suffix: address.slice(1) };
  return { kind: 'name', name: address };
}

function ruleMatches(rule: HostRule, host: string): boolean {
  const family = net.isIP(host);
  switch (rule.kind) {
    case 'ip':
      return family !== 0 && rule.list.check(host, family === 4 ? 'ipv4' : 'ipv6');
    case 'regexp':
      return rule.re.test(host);
    case 'wildcard':
      // Like OpenSSL's verify_hostname: `*.example.com` matches exactly one label in front of example.com.
      return (
        family === 0 &&
        host.endsWith(rule.suffix) &&
        !host.slice(0, -rule.suffix.length).includes('.') &&
        host.length > rule.suffix.length
      );
    case 'name':
      return host === rule.name;
  }
}

/** `${pactbroker.x}` replaced by a placeholder, as the Pact Broker checks templated URLs. */
function withPlaceholder(url: string, placeholder: string): string {
  return url.replace(/\$\{pactbroker\.\w+\}/g, placeholder);
}

export class WebhookPolicy {
  readonly schemes: string[];
  readonly methods: string[];
  readonly hosts: string[];
  private readonly rules: HostRule[];

  /** Throws (naming the entry) when a host entry is malformed. */
  constructor(opts: WebhookPolicyOptions = {}) {
    this.schemes = (opts.schemes ?? DEFAULT_WEBHOOK_SCHEMES).map((s) => s.toLowerCase().replace(/:$/, ''));
    this.methods = (opts.methods ?? DEFAULT_WEBHOOK_METHODS).map((m) => m.toUpperCase());
    this.hosts = opts.hosts ?? [];
    this.rules = this.hosts.map(parseHostRule);
  }

  /** Whether execution logs may show the response (only with a host allow-list, as in the Pact Broker). */
  get showResponses(): boolean {
    return this.rules.length > 0;
  }

  /** Whether the host is allowed, and whether an entry names it explicitly. */
  private hostVerdict(hostname: string): { allowed: boolean; explicit: boolean } {
    const host = normaliseHostname(hostname);
    const explicit = this.rules.some((r) => ruleMatches(r, host));
    if (this.rules.length > 0) return { allowed: explicit, explicit };
    return { allowed: !isLocalTarget(host), explicit: false };
  }

  /** Problems with a webhook's HTTP method (the Pact Broker's messages), empty when allowed. */
  methodProblems(method: unknown): string[] {
    const m = typeof method === 'string' ? method : '';
    if (!KNOWN_METHODS.test(m)) return ['is not a recognised HTTP method'];
    if (!this.methods.includes(m.toUpperCase())) {
      return [
        `must be ${this.methods.length === 1 ? this.methods[0] : `one of ${this.methods.join(', ')}`}. Other methods need ${CONFIG_HINT.methods}.`,
      ];
    }
    return [];
  }

  /** Problems with a webhook's URL template (the Pact Broker's messages), empty when allowed. */
  urlProblems(url: unknown): string[] {
    if (typeof url !== 'string' || url.trim() === '') return ['is missing'];
    let parsed: URL;
    let other: URL;
    try {
      parsed = new URL(withPlaceholder(url, 'placeholder'));
      other = new URL(withPlaceholder(url, 'differentplaceholder'));
    } catch {
      return ['is not a valid URL eg. http://example.org'];
    }
    if (parsed.hostname === '') return ['is not a valid URL eg. http://example.org'];
    if (parsed.hostname !== other.hostname) return ['cannot have a template parameter in the host'];
    const scheme = parsed.protocol.replace(/:$/, '');
    if (!this.schemes.includes(scheme))
      return [`scheme must be ${this.schemes.join(', ')}. Other schemes need ${CONFIG_HINT.schemes}.`];
    const host = normaliseHostname(parsed.hostname);
    const verdict = this.hostVerdict(host);
    if (!verdict.allowed) {
      if (this.rules.length > 0)
        return [
          `host must be in the whitelist ${this.hosts.map((h) => JSON.stringify(h)).join(', ')}. Other hosts need ${CONFIG_HINT.hosts}.`,
        ];
      return [
        `host ${host} is this machine or a link-local address: a webhook may call it only when the host allow-list names it (${CONFIG_HINT.hosts}, e.g. ${host}).`,
      ];
    }
    return [];
  }

  /**
   * A dns.lookup for connecting to `hostname`: refuses addresses that are loopback, link-local or unspecified
   * unless an allow-list entry names the host (so a public name that resolves to 127.0.0.1 cannot reach this
   * machine's ports), and connects to exactly the address it checked.
   */
  lookupFor(hostname: string): net.LookupFunction {
    const explicit = this.hostVerdict(hostname).explicit;
    return (name, options, callback) => {
      dns.lookup(name, { ...options, all: true }, (error, addresses) => {
        if (error !== null) return callback(error, '', 0);
        const list = addresses as dns.LookupAddress[];
        const bad = explicit ? undefined : list.find((a) => isLocalTarget(a.address));
        if (bad !== undefined) {
          return callback(
            Object.assign(
              new Error(
                `${name} resolves to ${bad.address}, a loopback or link-local address: a webhook may call it only when the host allow-list names ${name} (${CONFIG_HINT.hosts})`,
              ),
              { code: 'EWEBHOOKHOST' },
            ),
            '',
            0,
          );
        }
        if ((options as { all?: boolean }).all === true)
          return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        const first = list[0];
        if (first === undefined)
          return callback(Object.assign(new Error(`${name} has no address`), { code: 'ENOTFOUND' }), '', 0);
        callback(null, first.address, first.family);
      });
    };
  }
}
