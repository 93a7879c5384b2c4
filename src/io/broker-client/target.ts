// Which Pact Broker to talk to and as whom: the URL from --broker-url or PACT_BROKER_BASE_URL, a bearer token
// (PACT_BROKER_TOKEN) or basic auth (PACT_BROKER_USERNAME / _PASSWORD). The one place every command (publish,
// verify, record, check-recorded, can-i-deploy, record-deployment) reads them; credentials are never echoed.
import { CxpactError } from '../../core/errors';
import type { RetryPolicy, Sleeper } from '../retry';

export interface BrokerAuth {
  token?: string;
  username?: string;
  password?: string;
}

export interface BrokerTarget {
  baseUrl: string;
  auth: BrokerAuth;
  /** Where the user runs cxpact: fixes spell commands as they work there (default: the process's cwd). */
  cwd?: string;
  /** Retries of idempotent requests on transient failures (default DEFAULT_BROKER_RETRY). */
  retry?: RetryPolicy;
  /** Waits between retries (tests pass a fake). */
  sleep?: Sleeper;
}

/** Where the URL came from, for messages and fixes. */
function urlSource(flagUrl: string | undefined): '--broker-url' | 'PACT_BROKER_BASE_URL' {
  return flagUrl !== undefined ? '--broker-url' : 'PACT_BROKER_BASE_URL';
}

/**
 * Broker URL from the flag, else `PACT_BROKER_BASE_URL`; credentials from `PACT_BROKER_TOKEN` or `_USERNAME`/`_PASSWORD`.
 * Undefined when neither names a broker; a URL without http(s):// is a usage error (`usage.broker-url.invalid`).
 */
export function brokerTarget(
  flagUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd?: string,
): BrokerTarget | undefined {
  const baseUrl = flagUrl ?? (env.PACT_BROKER_BASE_URL || undefined);
  if (baseUrl === undefined) return undefined;
  if (!/^https?:\/\/[^/?#\s]/i.test(baseUrl)) {
    // A usage error (exit 2), before anything tries to reach it: `127.0.0.1:9292` would be read as a scheme.
    const from = urlSource(flagUrl);
    throw new CxpactError(
      'usage.broker-url.invalid',
      `The broker URL ${JSON.stringify(baseUrl)} (${from}) is not an http(s) URL.`,
      {
        path: from,
        fix: /^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl)
          ? 'Use an http:// or https:// URL.'
          : `add http:// (or https://): ${from}${from === '--broker-url' ? ' ' : '='}http://${baseUrl.replace(/^\/+/, '')}`,
      },
    );
  }
  const auth: BrokerAuth = {};
  if (env.PACT_BROKER_TOKEN) auth.token = env.PACT_BROKER_TOKEN;
  if (env.PACT_BROKER_USERNAME) auth.username = env.PACT_BROKER_USERNAME;
  if (env.PACT_BROKER_PASSWORD) auth.password = env.PACT_BROKER_PASSWORD;
  return { baseUrl: baseUrl.replace(/\/+$/, ''), auth, ...(cwd === undefined ? {} : { cwd }) };
}

/** The broker a command needs: as brokerTarget, and `usage.broker-url.missing` (naming `why`) when none is given. */
export function requireBrokerTarget(
  flagUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  why: string,
  fix = 'Pass --broker-url <url> or set PACT_BROKER_BASE_URL.',
  cwd?: string,
): BrokerTarget {
  const target = brokerTarget(flagUrl, env, cwd);
  if (target === undefined)
    throw new CxpactError('usage.broker-url.missing', `${why}: pass --broker-url <url> or set PACT_BROKER_BASE_URL.`, {
      path: '--broker-url',
      fix,
    });
  return target;
}

/** The Authorization header the official clients send: the token wins over username/password. */
export function authorizationHeader(auth: BrokerAuth): string | undefined {
  if (auth.token !== undefined) return `Bearer ${auth.token}`;
  if (auth.username !== undefined)
    return `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  return undefined;
}

const BROKER_VARIABLES = [
  'PACT_BROKER_BASE_URL',
  'PACT_BROKER_TOKEN',
  'PACT_BROKER_USERNAME',
  'PACT_BROKER_PASSWORD',
] as const;

/**
 * The environment of an official `pact` CLI child for `target`: the caller's environment without any PACT_BROKER_*
 * credentials of its own, then the target's URL and credentials (the token wins, as in authorizationHeader). They
 * travel in the environment, never in argv, so they stay out of process listings and logs. The user's
 * PACT_DO_NOT_TRACK and PACT_BROKER_HTTP_RETRIES pass through as set.
 */
export function pactCliEnv(target: BrokerTarget, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of BROKER_VARIABLES) delete env[k];
  env.PACT_BROKER_BASE_URL = target.baseUrl;
  if (target.auth.token !== undefined) env.PACT_BROKER_TOKEN = target.auth.token;
  else if (target.auth.username !== undefined) {
    env.PACT_BROKER_USERNAME = target.auth.username;
    env.PACT_BROKER_PASSWORD = target.auth.password ?? '';
  }
  return env;
}
