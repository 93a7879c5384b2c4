// Verification config of the example CRM provider (read by `cxpact verify --provider crm-customer-api`).
import { defineProvider } from '../../src/io/verifier/config';

export default defineProvider({
  name: 'crm-customer-api',
  // Local default (the Data Actions call https://crm.example.com/api/v1/...); CI passes PROVIDER_BASE_URL.
  baseUrl: 'http://127.0.0.1:8080',
  // The API runs as its own process in CI, so states go through the endpoint it exposes (see states.ts).
  stateChangeUrl: '/_pact/provider-states',
  // The Data Actions send `Authorization: Bearer ${credentials.apiKey}`; the verifier replaces it per request
  // with the real key from the CI variable, so the key never lands in pacts, logs or reports. Optional here
  // because the example API runs without a token unless CRM_API_TOKEN is set.
  credentials: [{ header: 'Authorization', env: 'CRM_API_TOKEN', prefix: 'Bearer ' }],
});
