// Builds a GenesysClient from CLI flags and environment variables (shared by genesys-pull and genesys-test).
import { credentialsFromEnv } from './auth';
import { GenesysClient, type ApiCallEvent } from './client';
import { resolveHosts } from './regions';

export interface ConnectOptions {
  region?: string;
  baseUrl?: string;
  loginUrl?: string;
  env: NodeJS.ProcessEnv;
  onCall?: (event: ApiCallEvent) => void;
  maxRetries?: number;
  baseDelayMs?: number;
}

/** The environment variables the Genesys commands read (for --help texts). */
export const GENESYS_ENV_HELP = `Environment:
  GENESYS_CLOUD_CLIENT_ID        OAuth client id (client credentials grant)
  GENESYS_CLOUD_CLIENT_SECRET    OAuth client secret (never printed)
  GENESYS_CLOUD_REGION           region, e.g. us-east-1, eu-west-1, ap-southeast-2 (or its domain, mypurecloud.ie)
  GENESYS_CLOUD_API_BASE_URL     override the API host (https://api.<domain>); same as --base-url
  GENESYS_CLOUD_LOGIN_BASE_URL   override the login host (https://login.<domain>); same as --login-url`;

/** Region/base URL resolution first (so an unknown region fails before credentials are even read). */
export function connect(options: ConnectOptions): GenesysClient {
  const hosts = resolveHosts({
    region: options.region ?? options.env['GENESYS_CLOUD_REGION'],
    apiBaseUrl: options.baseUrl ?? options.env['GENESYS_CLOUD_API_BASE_URL'],
    loginBaseUrl: options.loginUrl ?? options.env['GENESYS_CLOUD_LOGIN_BASE_URL'],
  });
  const credentials = credentialsFromEnv(options.env);
  return new GenesysClient({ ...credentials, hosts, onCall: options.onCall, maxRetries: options.maxRetries, baseDelayMs: options.baseDelayMs });
}
