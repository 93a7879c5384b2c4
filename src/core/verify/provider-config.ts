// The provider config's shape (`providers/<name>/provider.config.ts` or `.json`), as written and as loaded. Types
// only: loading and validating the file is src/io/verifier/config.ts.
import type { VerifierOptions } from '@pact-foundation/pact';

/** pact-js's state handler map (state name -> function or {setup, teardown}). */
export type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** A credential the verifier injects into every request sent to the provider. The value comes only from env. */
export interface CredentialSpec {
  /** Request header to set, e.g. `Authorization` or `X-Api-Key`. */
  header: string;
  /** Environment variable holding the secret (a CI variable in GitLab); never a literal secret. */
  env: string;
  /** Written before the value, e.g. `Bearer `. */
  prefix?: string;
  /** When true a missing variable stops the run; otherwise the run continues unauthenticated with a warning. */
  required?: boolean;
}

/** What a provider request looks like to a request filter (the verifier's proxy passes an Express request). */
export interface FilterRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Adds or replaces request headers; receives the environment so secrets stay out of the config file. */
export type RequestFilter = (req: FilterRequest, env: NodeJS.ProcessEnv) => void | Promise<void>;

/** The config a provider folder exports (`export default defineProvider({...})` or `export const provider`). */
export interface WrittenProviderConfig {
  /** Pacticipant name in the pacts and the broker; must match the folder name. */
  name: string;
  /** Where the running provider listens; overridden by `PROVIDER_BASE_URL` and `--provider-base-url`. */
  baseUrl?: string;
  /** Third-party API (vendor, Genesys Cloud): it never runs Pact; it is checked from recordings (`pact:check-recorded`). */
  thirdParty?: boolean;
  /** Provider-state functions run in the verifier's process. */
  stateHandlers?: StateHandlers;
  /**
   * A URL the provider itself exposes to set up states (POST `{state, params, action}`); relative URLs are
   * resolved against the base URL. Used when the provider runs as its own process (CI).
   */
  stateChangeUrl?: string;
  /** Credentials injected from env into every request (Authorization, API keys). */
  credentials?: CredentialSpec[];
  /** Extra request rewriting, run after the credentials are injected. */
  requestFilter?: RequestFilter;
  /** Date from which work-in-progress pacts are included (YYYY-MM-DD). Default: 30 days before the run. */
  includeWipPactsSince?: string;
  /** Per-request timeout in ms for the verifier. */
  timeoutMs?: number;
}

export interface LoadedProviderConfig extends WrittenProviderConfig {
  /** The file it came from, relative to the working directory. */
  file: string;
  dir: string;
}
