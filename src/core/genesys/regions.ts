// Genesys Cloud regions: a region domain (`mypurecloud.ie`) or AWS-style name (`eu-west-1`) -> API and login hosts.
// The one region table of cxpact (record.config.json "region", genesys-pull/genesys-test --region).
// Source: Genesys Cloud platform client SDK region hosts (/work/shared/docs/genesys-data-actions.md §5).
import { CxpactError, type Code, type ErrorLocation } from '../errors';

/** AWS-style region name -> Genesys Cloud region domain. */
export const GENESYS_REGIONS: Readonly<Record<string, string>> = {
  'us-east-1': 'mypurecloud.com',
  'us-east-2': 'use2.us-gov-pure.cloud',
  'us-west-2': 'usw2.pure.cloud',
  'ca-central-1': 'cac1.pure.cloud',
  'sa-east-1': 'sae1.pure.cloud',
  'eu-west-1': 'mypurecloud.ie',
  'eu-west-2': 'euw2.pure.cloud',
  'eu-central-1': 'mypurecloud.de',
  'eu-central-2': 'euc2.pure.cloud',
  'ap-south-1': 'aps1.pure.cloud',
  'ap-northeast-1': 'mypurecloud.jp',
  'ap-northeast-2': 'apne2.pure.cloud',
  'ap-northeast-3': 'apne3.pure.cloud',
  'ap-southeast-1': 'apse1.pure.cloud',
  'ap-southeast-2': 'mypurecloud.com.au',
  'me-central-1': 'mec1.pure.cloud',
  'mx-central-1': 'mxc1.pure.cloud',
};

export interface RegionHosts {
  /** The region domain, e.g. `mypurecloud.ie`. */
  domain: string;
  /** `https://api.<domain>` */
  apiBaseUrl: string;
  /** `https://login.<domain>` */
  loginBaseUrl: string;
}

/**
 * Why `url` cannot serve as an API or login host, as the end of a sentence ("is not an absolute URL"), or undefined
 * when it can (an absolute http(s) URL).
 */
export function hostUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? undefined : 'must be an http(s) URL';
}

/** How an unknown region is reported to the caller's user (where it was set, and what else they can do). */
export interface RegionErrorContext extends ErrorLocation {
  /** Error code (default `auth.region.unknown`). */
  code?: Code;
  /** List the regions as `eu-west-1 (mypurecloud.ie)` (for --region flags) instead of `mypurecloud.ie (eu-west-1)`. */
  namesFirst?: boolean;
  /** The way to a custom host, completing "or ... for a custom host" (default: the record config's baseUrl). */
  customHost?: string;
}

/** The known regions as `domain (name)` (or `name (domain)` with namesFirst), for error messages. */
export function knownRegionsText(namesFirst = false): string {
  return Object.entries(GENESYS_REGIONS)
    .map(([name, domain]) => (namesFirst ? `${name} (${domain})` : `${domain} (${name})`))
    .join(', ');
}

/**
 * The region domain of a region name or domain, or undefined when it is not a known region. Accepts
 * `eu-west-1`, `mypurecloud.ie`, `api.mypurecloud.ie`, `https://login.mypurecloud.ie/` (any case).
 */
export function regionDomain(region: string): string | undefined {
  const bare = region
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^(api|login|apps)\./, '')
    .replace(/\/+$/, '');
  if (bare === '') return undefined;
  return GENESYS_REGIONS[bare] ?? (Object.values(GENESYS_REGIONS).includes(bare) ? bare : undefined);
}

/**
 * Resolves a Genesys Cloud region to its hosts. Accepts the domain (`mypurecloud.ie`, `api.mypurecloud.ie`) or the
 * AWS-style name (`eu-west-1`); anything else is an error that lists the known regions.
 * @example resolveRegion('euw2.pure.cloud').apiBaseUrl // 'https://api.euw2.pure.cloud'
 */
export function resolveRegion(region: string, context: RegionErrorContext = {}): RegionHosts {
  const domain = regionDomain(region);
  if (domain === undefined) {
    const { code, namesFirst, customHost, ...where } = context;
    throw new CxpactError(code ?? 'auth.region.unknown', `Unknown Genesys Cloud region "${region}".`, {
      ...where,
      fix: `Use one of the known regions: ${knownRegionsText(namesFirst)}; or ${customHost ?? 'set an explicit "baseUrl" (and "auth.loginBaseUrl")'} for a custom host.`,
      details: { knownRegions: Object.entries(GENESYS_REGIONS).map(([name, d]) => ({ name, domain: d })) },
    });
  }
  return { domain, apiBaseUrl: `https://api.${domain}`, loginBaseUrl: `https://login.${domain}` };
}
