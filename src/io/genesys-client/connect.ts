// Builds a GenesysClient from the region, host overrides and OAuth client credentials (flags over environment
// variables), resolving and checking the hosts before the credentials are read.
import { credentialsFromEnv } from './auth';
import { GenesysClient, type ApiCallEvent } from './client';
import { resolveHosts } from '../../core/genesys/hosts';

export interface ConnectOptions {
  region?: string;
  baseUrl?: string;
  loginUrl?: string;
  env: NodeJS.ProcessEnv;
  onCall?: (event: ApiCallEvent) => void;
  maxRetries?: number;
  baseDelayMs?: number;
}

/** Region/base URL resolution first (so an unknown region fails before credentials are even read). */
export function connect(options: ConnectOptions): GenesysClient {
  const hosts = resolveHosts({
    region: options.region ?? options.env['GENESYS_CLOUD_REGION'],
    regionSource: options.region !== undefined ? '--region' : 'GENESYS_CLOUD_REGION',
    apiBaseUrl: options.baseUrl ?? options.env['GENESYS_CLOUD_API_BASE_URL'],
    loginBaseUrl: options.loginUrl ?? options.env['GENESYS_CLOUD_LOGIN_BASE_URL'],
  });
  const credentials = credentialsFromEnv(options.env);
  return new GenesysClient({
    ...credentials,
    hosts,
    onCall: options.onCall,
    maxRetries: options.maxRetries,
    baseDelayMs: options.baseDelayMs,
  });
}
