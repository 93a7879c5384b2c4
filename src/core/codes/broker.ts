// Codes of talking to a Pact Broker (one code per condition, whichever command asks) and of cxpact's own broker.
export const BROKER_CODES = {
  'broker.unreachable': 'the broker cannot be reached (exit 2)',
  'broker.unauthorized': 'the broker answered 401: no credentials, or wrong ones (exit 2)',
  'broker.forbidden': 'the broker answered 403: the credentials lack the permission (exit 2)',
  'broker.error': 'the broker answered with an error, or something other than a Pact Broker answered (exit 2)',
  'broker.pact-cli.missing': 'the official pact CLI (@pact-foundation/pact-cli) is not installed',
  'publish.no-pacts-dir': 'the pacts directory does not exist',
  'publish.no-pacts': 'no pact files to publish',
  'publish.invalid-pact': 'a pact file that is not valid JSON or has no consumer/provider name',
  'publish.conflict': 'the broker has different content for this consumer version (HTTP 409)',
  'publish.failed': '`pact broker publish` failed',
  'broker.port-in-use': 'the local broker port is in use',
  'broker.open-non-loopback': 'the local broker refuses to listen beyond loopback without credentials',
  'broker.start-failed': 'the local broker could not start',
  'broker.empty-secret': 'the local broker refuses to start with an empty token or password',
  'broker.invalid-base-url': "the local broker's --base-url is not an http(s) URL",
  'broker.invalid-webhook-hosts': 'an entry of the webhook host allow-list cannot be read',
} as const;

export type BrokerCode = keyof typeof BROKER_CODES;
