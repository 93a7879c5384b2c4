// Codes of the Genesys Cloud client (OAuth, API, pull, test runs) and of OAuth logins in general.
export const GENESYS_CODES = {
  'genesys.auth.missing-credentials': 'GENESYS_CLOUD_CLIENT_ID / _SECRET are not set',
  'genesys.auth.unreachable': 'the Genesys Cloud login host cannot be reached',
  'genesys.auth.invalid-credentials': 'the login host refused the client credentials',
  'genesys.auth.failed': 'the login failed otherwise',
  'genesys.region.missing': 'no Genesys Cloud region',
  'genesys.region.unknown': 'an unknown Genesys Cloud region',
  'genesys.config.invalid-url': 'an API or login URL that cannot be used',
  'genesys.api.unreachable': 'the Genesys Cloud API cannot be reached',
  'genesys.api.unauthorized': 'the API refused the token (HTTP 401)',
  'genesys.api.forbidden': 'the API refused the call (HTTP 403: permission or scope)',
  'genesys.api.not-found': 'the API answered 404',
  'genesys.api.rate-limited': 'still rate limited after the retries',
  'genesys.api.malformed': 'the API answered with a body that is not JSON',
  'genesys.api.failed': 'the API call failed otherwise',
  'genesys.paging.runaway': 'paging did not end',
  'genesys.template.not-found': "an action's template does not exist",
  'genesys.test.action-not-in-org': 'a Data Action of the repository is not in the org',
  'genesys.test.action-ambiguous': 'a Data Action matches several org actions',
  'auth.region.unknown': 'an unknown Genesys Cloud region in a config',
  'auth.login.unreachable': 'the OAuth login host cannot be reached',
  'auth.login.rejected': 'the OAuth login host refused the credentials',
  'auth.login.failed': 'the OAuth login failed otherwise',
  'auth.login.no-token': 'the OAuth login host answered without an access token',
} as const;

export type GenesysCode = keyof typeof GENESYS_CODES;
