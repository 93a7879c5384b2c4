// Verification config of the example CRM provider (read by `cxpact verify --provider crm-customer-api`).
import { defineProvider } from '../../src/verify/config';

export default defineProvider({
  name: 'crm-customer-api',
  // Local default; CI passes PROVIDER_BASE_URL or --provider-base-url.
  baseUrl: 'http://127.0.0.1:8080',
  // The API runs as its own process in CI, so states go through the endpoint it exposes (see states.ts).
  stateChangeUrl: '/_pact/provider-states',
  // The real API wants a bearer token; the verifier injects it per request from the CI variable, so it is
  // never written to pacts, logs or reports. Optional here because the example runs without one by default.
  credentials: [{ header: 'Authorization', env: 'CRM_API_TOKEN', prefix: 'Bearer ' }],
});
