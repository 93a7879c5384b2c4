// The OAuth login of the Genesys commands (genesys-pull, genesys-test): credentials from GENESYS_CLOUD_CLIENT_ID /
// GENESYS_CLOUD_CLIENT_SECRET and the one token client of cxpact (src/io/oauth.ts), with error codes and fixes
// that speak of the commands' variables and flags. Secrets never appear in messages.
import {
  ClientCredentialsTokenSource,
  type ClientCredentials,
  type ClientCredentialsOptions,
  type LoginErrorContext,
} from '../oauth';
import { CxpactError } from '../../core/errors';

export type { ClientCredentials } from '../oauth';

/** Login errors of the Genesys commands: `genesys.auth.*` codes, fixes naming GENESYS_CLOUD_REGION and the flags. */
export const GENESYS_LOGIN_ERRORS: LoginErrorContext = {
  codes: {
    unreachable: 'genesys.auth.unreachable',
    rejected: 'genesys.auth.invalid-credentials',
    failed: 'genesys.auth.failed',
    'no-token': 'genesys.auth.failed',
  },
  hostSetting: 'the region (GENESYS_CLOUD_REGION / --region), --login-url',
  hostLocation: { path: 'GENESYS_CLOUD_REGION' },
};

export interface GenesysTokenOptions
  extends ClientCredentials,
    Pick<ClientCredentialsOptions, 'refreshSkewMs' | 'now' | 'timeoutMs' | 'retry' | 'sleep' | 'random'> {
  /** `https://login.<region-domain>` or a loopback URL in tests. */
  loginBase: string;
}

/** The token source of the Genesys commands (reuse until shortly before expiry, single flight, forced refresh). */
export function genesysTokenSource(options: GenesysTokenOptions): ClientCredentialsTokenSource {
  const { loginBase, ...rest } = options;
  return new ClientCredentialsTokenSource({
    ...rest,
    loginBaseUrl: loginBase,
    clientIdEnv: 'GENESYS_CLOUD_CLIENT_ID',
    clientSecretEnv: 'GENESYS_CLOUD_CLIENT_SECRET',
    errors: GENESYS_LOGIN_ERRORS,
  });
}

/** Reads GENESYS_CLOUD_CLIENT_ID / GENESYS_CLOUD_CLIENT_SECRET; a clear error names the missing variable. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): ClientCredentials {
  const clientId = env['GENESYS_CLOUD_CLIENT_ID'] ?? '';
  const clientSecret = env['GENESYS_CLOUD_CLIENT_SECRET'] ?? '';
  const missing = [
    clientId === '' ? 'GENESYS_CLOUD_CLIENT_ID' : undefined,
    clientSecret === '' ? 'GENESYS_CLOUD_CLIENT_SECRET' : undefined,
  ].filter((v): v is string => v !== undefined);
  if (missing.length > 0) {
    throw new CxpactError(
      'genesys.auth.missing-credentials',
      `Missing OAuth client credentials: ${missing.join(', ')} not set.`,
      {
        path: missing.join(', '),
        fix: 'Create an OAuth client (grant type Client Credentials, role with integrations:action:view/execute) in Genesys Cloud Admin and export its id and secret in those variables.',
      },
    );
  }
  return { clientId, clientSecret };
}
