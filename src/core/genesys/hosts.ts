// The login and API hosts of the Genesys commands: --base-url/--login-url overrides, else the region looked up in
// the one region table (src/core/genesys/regions.ts, shared with the recorded checks). Tests point both hosts at loopback.
import { GENESYS_REGIONS, hostUrlProblem, resolveRegion } from './regions';
import { CxpactError } from '../errors';

export interface GenesysHosts {
  /** e.g. `https://login.mypurecloud.ie` (no trailing slash). */
  loginBase: string;
  /** e.g. `https://api.mypurecloud.ie` (no trailing slash). */
  apiBase: string;
  region?: string;
}

export interface HostOptions {
  /** A region name (`eu-west-1`) or a region domain (`mypurecloud.ie`). */
  region?: string;
  /** Where the region came from, for error messages (default GENESYS_CLOUD_REGION). */
  regionSource?: string;
  /** Overrides the API host (tests use `http://127.0.0.1:<port>`). */
  apiBaseUrl?: string;
  /** Overrides the login host; defaults to apiBaseUrl when only that is given. */
  loginBaseUrl?: string;
}

function checkUrl(url: string, what: string, flag: string): string {
  const problem = hostUrlProblem(url);
  if (problem !== undefined) {
    throw new CxpactError('genesys.config.invalid-url', `${what} "${url}" ${problem}.`, {
      path: flag,
      fix: `Pass an absolute https:// URL such as https://api.mypurecloud.com to ${flag}.`,
    });
  }
  return url.replace(/\/+$/, '');
}

/**
 * Resolves the login and API hosts from a region name/domain or explicit base URLs.
 * @example resolveHosts({ region: 'eu-west-1' }) // { loginBase: 'https://login.mypurecloud.ie', apiBase: 'https://api.mypurecloud.ie' }
 */
export function resolveHosts(options: HostOptions): GenesysHosts {
  if (options.apiBaseUrl !== undefined && options.apiBaseUrl !== '') {
    const apiBase = checkUrl(options.apiBaseUrl, 'The API base URL', '--base-url');
    const loginBase =
      options.loginBaseUrl !== undefined && options.loginBaseUrl !== ''
        ? checkUrl(options.loginBaseUrl, 'The login base URL', '--login-url')
        : apiBase;
    return { apiBase, loginBase, region: options.region };
  }
  const region = (options.region ?? '').trim();
  if (region === '') {
    throw new CxpactError('genesys.region.missing', 'No Genesys Cloud region was given.', {
      path: 'GENESYS_CLOUD_REGION',
      fix: `Set GENESYS_CLOUD_REGION or pass --region, one of: ${Object.keys(GENESYS_REGIONS).join(', ')}.`,
    });
  }
  const { loginBaseUrl, apiBaseUrl } = resolveRegion(region, {
    code: 'genesys.region.unknown',
    path: options.regionSource ?? 'GENESYS_CLOUD_REGION',
    namesFirst: true,
    customHost: 'pass --base-url',
  });
  return { loginBase: loginBaseUrl, apiBase: apiBaseUrl, region: region.toLowerCase() };
}
