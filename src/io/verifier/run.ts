// The verification shell: checks inputs, drives the official pact-js Verifier, returns a readable summary.
// Touches the network (provider, broker) and reads pact files; never prints (the Rust verifier itself writes
// its own progress to stdout).
import fs from 'node:fs';
import path from 'node:path';
import type { VerifierOptions } from '@pact-foundation/pact';
import { CxpactError, messageOf } from '../../core/errors';
import { brokerRequest, checkBroker, halLink } from '../broker-client/http';
import type { BrokerTarget } from '../broker-client/target';
import { declaredProvider, parsePactFile, type PactFile, type PactFileProblem } from '../../core/contract/pact-file';
import type { LoadedProviderConfig, FilterRequest, StateHandlers } from './config';
import { attachOrigins, summariseVerification, type VerificationSummary } from '../../core/verify/hints';
import {
  explainWithPreflight,
  formatPreflight,
  interactionsOf,
  preflight,
  type Preflight,
} from '../../core/verify/preflight';
import { runVerifierChild, type VerifierLog } from './verifier-process';
import { cxpactCommand } from '../cli-spelling';
import { listPactFiles } from '../files';
import { isRecord } from '../../core/json';

/** Where the pacts come from. */
export type PactSource =
  | { kind: 'files'; paths: string[] }
  | { kind: 'url'; url: string; broker?: BrokerTarget }
  | { kind: 'broker'; broker: BrokerTarget };

export interface VerifyRequest {
  config: LoadedProviderConfig;
  providerBaseUrl: string;
  source: PactSource;
  /** Environment the credentials are read from (never written anywhere). */
  env: NodeJS.ProcessEnv;
  publish: boolean;
  providerVersion?: string;
  providerBranch?: string;
  buildUrl?: string;
  includeWipPactsSince?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Called with warnings worth showing the user (missing optional credential, unpublishable source). */
  warn?: (message: string) => void;
  /** Where the user runs cxpact (spelling of the commands in fixes; default the process's cwd). */
  cwd?: string;
  /**
   * Where the verifier's own per-interaction log goes. Given: the verifier runs in a child process whose output
   * goes to that file (or this terminal); the config is loaded there again from `config.file`. Not given: the
   * verifier runs in this process and prints wherever this process prints.
   */
  verifierLog?: VerifierLog;
  /** Called with the pre-flight report (states without a handler, placeholders not injected) before verifying. */
  notice?: (text: string) => void;
}

export interface VerifyOutcome {
  summary: VerificationSummary;
  /** Human description of the source, for the summary line. */
  sourceText: string;
  /** The pact files used (files source only). */
  pactFiles: string[];
  /** Pact files that were skipped (unreadable, empty): reported, and they fail the run. */
  problems: CxpactError[];
  published: boolean;
  /** When published to a known broker: whether the broker now has the provider version (undefined: not checked). */
  publishConfirmed?: boolean;
  /** What the pre-flight found (undefined when the pacts could not be read before verifying). */
  preflight?: Preflight;
}

/**
 * Pacts for `provider` in the given files/directories (directories are expanded to their *.json files).
 * A broken or empty pact becomes a problem and is skipped, so it never hides the verification of the others.
 */
export function collectPactFiles(
  paths: string[],
  provider: string,
  cwd?: string,
): { files: string[]; otherProviders: string[]; problems: CxpactError[] } {
  const files: string[] = [];
  const otherProviders = new Set<string>();
  const problems: CxpactError[] = [];
  const entries = listPactFiles(
    paths,
    (p) =>
      new CxpactError('verify.pact-files.missing', `Pact file or directory ${p} does not exist.`, {
        file: p,
        fix: `Run \`${cxpactCommand(cwd, 'consumer')}\` to write pacts to pacts/, or pass --pact-files <dir|file>.`,
      }),
  );
  for (const { file, fromDirectory } of entries) {
    let doc: unknown;
    try {
      doc = readPactJson(file, cwd);
    } catch (error) {
      if (error instanceof CxpactError) {
        problems.push(error);
        continue;
      }
      throw error;
    }
    const name = declaredProvider(doc);
    if (name === provider) {
      const parsed = parsePactFile(doc);
      const problem = parsed.ok ? emptyPactError(file, parsed.pact, cwd) : invalidPactError(file, parsed.problem, cwd);
      if (problem === undefined) files.push(file);
      else problems.push(problem);
    } else if (name !== undefined) otherProviders.add(name);
    else if (!fromDirectory) {
      const parsed = parsePactFile(doc);
      problems.push(
        invalidPactError(
          file,
          parsed.ok ? { path: '$.provider.name', message: 'no provider name' } : parsed.problem,
          cwd,
        ),
      );
    }
  }
  return { files, otherProviders: [...otherProviders].sort(), problems };
}

function invalidPactError(file: string, problem: PactFileProblem, cwd: string | undefined): CxpactError {
  return new CxpactError('verify.pact.invalid', `${file} is not a pact file: ${problem.message}.`, {
    file,
    path: problem.path,
    fix: `Pass a pact file written by \`${cxpactCommand(cwd, 'consumer')}\` (Pact specification V2-V4).`,
  });
}

/** A pact with no interactions would pass while proving nothing. */
function emptyPactError(file: string, pact: PactFile, cwd: string | undefined): CxpactError | undefined {
  if (pact.interactions.length > 0) return undefined;
  return new CxpactError(
    'verify.pact.empty',
    `The pact ${file} between ${pact.consumer} and ${pact.provider} has no interactions, so verifying it would prove nothing.`,
    {
      file,
      path: '$.interactions',
      fix: `Regenerate the pact with \`${cxpactCommand(cwd, 'consumer')}\` (each Data Action case becomes an interaction), or delete the empty file.`,
    },
  );
}

function readPactJson(file: string, cwd: string | undefined): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CxpactError('verify.pact.unreadable', `Cannot read pact file ${file}: ${messageOf(error)}`, {
      file,
      fix: `Regenerate it with \`${cxpactCommand(cwd, 'consumer')}\`.`,
      cause: error,
    });
  }
}

/** Rejects pacts the verifier would pass silently: no interactions means nothing was checked. */
export function assertPactsHaveInteractions(files: string[], cwd?: string): void {
  for (const file of files) {
    const parsed = parsePactFile(readPactJson(file, cwd));
    const problem = parsed.ok ? emptyPactError(file, parsed.pact, cwd) : invalidPactError(file, parsed.problem, cwd);
    if (problem !== undefined) throw problem;
  }
}

/**
 * The fix for an unreachable provider: its start script when `providers/<name>/server.ts` exists under cwd,
 * otherwise the generic advice (start it however it runs, then pass its URL).
 */
export function unreachableProviderFix(providerName: string | undefined, cwd?: string): string {
  const pass = 'pass --provider-base-url or set PROVIDER_BASE_URL';
  if (providerName !== undefined && providerName !== '') {
    const server = path.join('providers', providerName, 'server.ts');
    if (fs.existsSync(path.join(cwd ?? process.cwd(), server))) {
      return `Start the provider first (e.g. \`npx tsx ${server.split(path.sep).join('/')} --port 8080\`) and ${pass}.`;
    }
    return `Start the provider ${providerName} first and ${pass} with the URL it listens on.`;
  }
  return `Start the provider first and ${pass} with the URL it listens on.`;
}

/** Any HTTP answer counts as reachable; a refused or timed-out connection does not. */
export async function checkProviderReachable(baseUrl: string, providerName?: string, cwd?: string): Promise<void> {
  try {
    new URL(baseUrl);
  } catch {
    throw new CxpactError(
      'usage.provider-base-url',
      `Provider base URL ${JSON.stringify(baseUrl)} is not an absolute URL.`,
      {
        fix: 'Pass --provider-base-url http://host:port (or set PROVIDER_BASE_URL).',
      },
    );
  }
  try {
    const res = await fetch(baseUrl, { method: 'GET', signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new CxpactError(
      'verify.provider.unreachable',
      `Cannot reach the provider at ${baseUrl} (${cause?.code ?? messageOf(error)}).`,
      {
        fix: unreachableProviderFix(providerName, cwd),
        cause: error,
      },
    );
  }
}

/** Consumer version selectors cxpact uses by default (Pact's recommended set). */
export function defaultSelectors(
  providerBranch: string | undefined,
): NonNullable<VerifierOptions['consumerVersionSelectors']> {
  return [{ mainBranch: true }, { deployedOrReleased: true }, ...(providerBranch ? [{ matchingBranch: true }] : [])];
}

/** State handlers that forward each state to a URL the provider exposes (POST {state, params, action}). */
export function stateChangeUrlHandlers(stateChangeUrl: string, baseUrl: string): StateHandlers {
  const url = new URL(stateChangeUrl, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  const call = (state: string, action: 'setup' | 'teardown') => async (params?: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ state, params: params ?? {}, action }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(
        `state change URL ${url} answered ${res.status} for "${state}" (${action}): ${text.slice(0, 200)}`,
      );
    try {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      return isRecord(body) ? (body as Record<string, never>) : undefined;
    } catch {
      return undefined;
    }
  };
  // Any state name the verifier asks for is forwarded: the provider decides what it knows.
  return new Proxy({} as StateHandlers, {
    get: (_t, prop) =>
      typeof prop === 'string' ? { setup: call(prop, 'setup'), teardown: call(prop, 'teardown') } : undefined,
  });
}

type Middleware = (req: FilterRequest, res: unknown, next: (err?: unknown) => void) => void;

/** The Express middleware pact-js runs on every request to the provider: credentials from env, then the custom filter. */
export function buildRequestFilter(
  config: LoadedProviderConfig,
  env: NodeJS.ProcessEnv,
  warn: (m: string) => void,
): Middleware | undefined {
  const creds = config.credentials ?? [];
  for (const c of creds) {
    if (!env[c.env]) {
      if (c.required === true) {
        throw new CxpactError(
          'verify.credentials.missing',
          `Provider ${config.name} needs the environment variable ${c.env} for the ${c.header} header.`,
          {
            file: config.file,
            path: '$.credentials',
            fix: `Set ${c.env} (in GitLab: Settings > CI/CD > Variables, masked). The value is injected per request and never written to pacts, logs or reports.`,
          },
        );
      }
      warn(`${c.env} is not set: requests to ${config.name} go without the ${c.header} header.`);
    }
  }
  if (creds.length === 0 && config.requestFilter === undefined) return undefined;
  return (req, _res, next) => {
    for (const c of creds) {
      const value = env[c.env];
      if (value) req.headers[c.header.toLowerCase()] = `${c.prefix ?? ''}${value}`;
    }
    if (config.requestFilter === undefined) return next();
    Promise.resolve(config.requestFilter(req, env)).then(
      () => next(),
      (error: unknown) => next(error),
    );
  };
}

/**
 * The pact documents the verifier will check, read before it runs (for the pre-flight and the origins in the
 * summary). Best effort: a pact that cannot be fetched here is still the verifier's to report.
 */
async function loadPactDocs(
  source: PactSource,
  files: string[],
  provider: string,
  body: Record<string, unknown>,
): Promise<PactFile[] | undefined> {
  const pacts: PactFile[] = [];
  const add = (doc: unknown) => {
    const parsed = parsePactFile(doc);
    if (parsed.ok) pacts.push(parsed.pact);
  };
  try {
    if (source.kind === 'files') for (const f of files) add(JSON.parse(fs.readFileSync(f, 'utf8')));
    else if (source.kind === 'url') {
      if (source.broker !== undefined) add((await brokerRequest(source.broker, source.url)).body);
      else add(await (await fetch(source.url, { signal: AbortSignal.timeout(10_000) })).json());
    } else {
      // The same question the verifier asks: pacts for verification with the same selectors.
      const res = await brokerRequest(
        source.broker,
        `/pacts/provider/${encodeURIComponent(provider)}/for-verification`,
        { method: 'POST', body },
      );
      const embedded =
        isRecord(res.body) && isRecord(res.body['_embedded']) ? res.body['_embedded']['pacts'] : undefined;
      for (const p of Array.isArray(embedded) ? embedded : []) {
        const href = halLink(p, 'self');
        if (href !== undefined) add((await brokerRequest(source.broker, href)).body);
      }
    }
  } catch {
    return pacts.length > 0 ? pacts : undefined;
  }
  return pacts;
}

/** Runs pact-js's Verifier with env shielding: PACT_BROKER_BASE_URL would silently add a broker source to file runs. */
export async function runVerifier(options: VerifierOptions, shieldBrokerEnv: boolean): Promise<string> {
  const saved = process.env.PACT_BROKER_BASE_URL;
  if (shieldBrokerEnv) delete process.env.PACT_BROKER_BASE_URL;
  try {
    // Loaded here, not at the top: `cxpact verify` runs the verifier in a child process and never needs it itself.
    const { Verifier } = await import('@pact-foundation/pact');
    return await new Verifier(options).verifyProvider();
  } finally {
    if (shieldBrokerEnv && saved !== undefined) process.env.PACT_BROKER_BASE_URL = saved;
  }
}

function defaultWipSince(now: Date): string {
  // 30 days back: long enough for a feature branch's pacts, short enough to not resurrect abandoned ones.
  return new Date(now.getTime() - 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Verifies a running provider against its pacts and returns the readable summary. Throws CxpactError for bad input. */
export async function verifyProvider(req: VerifyRequest): Promise<VerifyOutcome> {
  const warn = req.warn ?? (() => undefined);
  const { config } = req;
  let pactFiles: string[] = [];
  let pactProblems: CxpactError[] = [];
  let sourceText: string;
  if (req.source.kind === 'files') {
    const { files, otherProviders, problems } = collectPactFiles(req.source.paths, config.name, req.cwd);
    pactProblems = problems;
    if (files.length === 0 && problems.length > 0) {
      if (problems.length === 1) throw problems[0]!;
      throw new CxpactError(
        'verify.pacts.invalid',
        `None of the pacts for ${config.name} can be verified:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
        {
          file: problems[0]!.file,
          fix: problems[0]!.fix ?? `Regenerate the pacts with \`${cxpactCommand(req.cwd, 'consumer')}\`.`,
        },
      );
    }
    if (files.length === 0) {
      throw new CxpactError(
        'verify.no-pacts',
        `No pact for provider ${config.name} in ${req.source.paths.join(', ')}.`,
        {
          file: req.source.paths[0],
          fix:
            `Run \`${cxpactCommand(req.cwd, 'consumer')}\` to write pacts, or verify from the broker with --broker-url.` +
            (otherProviders.length > 0 ? ` Pacts there are for: ${otherProviders.join(', ')}.` : ''),
        },
      );
    }
    pactFiles = files;
    sourceText = `${files.length} local pact file(s)`;
  } else if (req.source.kind === 'url') {
    if (req.source.broker !== undefined) await checkBroker(req.source.broker);
    sourceText = `the pact at ${req.source.url}`;
  } else {
    await checkBroker(req.source.broker);
    sourceText = `the pacts for ${config.name} in the broker at ${req.source.broker.baseUrl}`;
  }
  // Config problems first (they are the user's to fix), then the network.
  const filter = buildRequestFilter(config, req.env, warn);
  await checkProviderReachable(req.providerBaseUrl, config.name, req.cwd);
  const stateHandlers =
    config.stateHandlers ??
    (config.stateChangeUrl !== undefined
      ? stateChangeUrlHandlers(config.stateChangeUrl, req.providerBaseUrl)
      : undefined);

  let publish = req.publish;
  if (publish && req.source.kind === 'files') {
    warn(
      'results of local pact files cannot be published (they are not from the broker); verify with --broker-url to publish.',
    );
    publish = false;
  }
  if (publish && !req.providerVersion) {
    throw new CxpactError('usage.provider-version', 'Publishing verification results needs the provider version.', {
      fix: 'Pass --provider-version <git sha> (CI sets CI_COMMIT_SHA), or run inside a git checkout.',
    });
  }

  const broker = req.source.kind === 'files' ? undefined : req.source.broker;
  const options: VerifierOptions = {
    provider: config.name,
    providerBaseUrl: req.providerBaseUrl,
    logLevel: req.logLevel ?? 'warn',
    ...(stateHandlers === undefined ? {} : { stateHandlers }),
    ...(filter === undefined
      ? {}
      : { requestFilter: filter as unknown as NonNullable<VerifierOptions['requestFilter']> }),
    ...(config.timeoutMs === undefined ? {} : { timeout: config.timeoutMs }),
    ...(broker?.auth.token ? { pactBrokerToken: broker.auth.token } : {}),
    ...(broker?.auth.username
      ? { pactBrokerUsername: broker.auth.username, pactBrokerPassword: broker.auth.password ?? '' }
      : {}),
    ...(publish
      ? {
          publishVerificationResult: true,
          providerVersion: req.providerVersion,
          ...(req.providerBranch ? { providerVersionBranch: req.providerBranch } : {}),
          ...(req.buildUrl ? { buildUrl: req.buildUrl } : {}),
        }
      : {}),
  };
  if (req.source.kind === 'files') options.pactUrls = pactFiles;
  else if (req.source.kind === 'url') options.pactUrls = [req.source.url];
  else {
    options.pactBrokerUrl = req.source.broker.baseUrl;
    options.consumerVersionSelectors = defaultSelectors(req.providerBranch);
    // Pending and WIP need a provider branch: the broker computes both relative to it.
    if (req.providerBranch) {
      options.providerVersionBranch = req.providerBranch;
      options.enablePending = true;
      options.includeWipPactsSince =
        req.includeWipPactsSince ?? config.includeWipPactsSince ?? defaultWipSince(new Date());
    }
  }

  // Pre-flight: what the pacts ask that this config does not provide (said before the verifier runs).
  const docs = await loadPactDocs(req.source, pactFiles, config.name, {
    consumerVersionSelectors: options.consumerVersionSelectors ?? defaultSelectors(req.providerBranch),
    includePendingStatus: options.enablePending === true,
    ...(options.includeWipPactsSince === undefined ? {} : { includeWipPactsSince: options.includeWipPactsSince }),
    ...(req.providerBranch ? { providerVersionBranch: req.providerBranch } : {}),
  });
  const checks = docs === undefined ? undefined : preflight(config, interactionsOf(docs), req.env);
  if (checks !== undefined && req.notice !== undefined) {
    const text = formatPreflight(config, checks);
    if (text !== '') req.notice(text);
  }

  let raw: string;
  try {
    raw = await verify(req, options, config);
  } catch (error) {
    const message = messageOf(error);
    if (message.trim().startsWith('{')) raw = message;
    else if (/no pacts? (were )?found/i.test(message)) {
      throw new CxpactError(
        'verify.no-pacts',
        `The broker has no pacts for ${config.name} matching the consumer version selectors (main branch, deployed or released${req.providerBranch ? ', matching branch' : ''}).`,
        {
          fix: `Publish the consumer pacts first: \`${cxpactCommand(req.cwd, 'consumer')} && ${cxpactCommand(req.cwd, 'publish')}\`.`,
          cause: error,
        },
      );
    } else {
      throw new CxpactError(
        'verify.verifier-failed',
        `The pact verifier could not run for ${config.name}: ${message}`,
        {
          fix: 'Check the pact source and the provider URL; rerun with --log-level debug for the verifier log.',
          cause: error,
        },
      );
    }
  }
  const summary = summariseVerification(raw);
  if (summary.interactions.length === 0 && /no pacts? (were )?found/i.test(raw)) {
    throw new CxpactError(
      'verify.no-pacts',
      req.source.kind === 'broker'
        ? `The broker has no pacts for ${config.name} matching the consumer version selectors (main branch, deployed or released${req.providerBranch ? ', matching branch' : ''}).`
        : `No pacts for ${config.name} were found at ${sourceText}.`,
      {
        fix: `Publish the consumer pacts first: \`${cxpactCommand(req.cwd, 'consumer')} && ${cxpactCommand(req.cwd, 'publish')}\` (in the integration pipeline).`,
      },
    );
  }
  if (summary.interactions.length === 0 && summary.loadErrors.length > 0) {
    throw new CxpactError(
      'verify.pact.unloadable',
      `The verifier could not load the pacts for ${config.name} (${sourceText}): ${summary.loadErrors.join('; ')}`,
      {
        fix: 'Check the pact URL / files (a 404 means the broker has no such pact version; 401 means credentials: PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD).',
      },
    );
  }
  if (summary.interactions.length === 0) {
    throw new CxpactError(
      'verify.nothing-verified',
      `The verifier checked no interactions for ${config.name} (${sourceText}).`,
      {
        fix: `Make sure the pacts have interactions for this provider: \`${cxpactCommand(req.cwd, 'consumer')}\`, then publish or pass --pact-files.`,
      },
    );
  }
  if (checks !== undefined) {
    attachOrigins(summary, new Map([...checks.interactions].map(([k, i]) => [k, i.origin])));
    explainWithPreflight(summary, config, checks);
  }
  let publishConfirmed: boolean | undefined;
  if (publish && broker !== undefined && req.providerVersion) {
    // The verifier can skip publishing with only a log line (e.g. a broker answer it cannot parse): confirm it.
    const res = await brokerRequest(
      broker,
      `/pacticipants/${encodeURIComponent(config.name)}/versions/${encodeURIComponent(req.providerVersion)}`,
    );
    publishConfirmed = res.status === 200;
  }
  return {
    summary,
    sourceText,
    pactFiles,
    problems: pactProblems,
    published: publish,
    ...(publishConfirmed === undefined ? {} : { publishConfirmed }),
    ...(checks === undefined ? {} : { preflight: checks }),
  };
}

/** The verifier in this process, or in a child process whose output goes to the requested log. */
async function verify(req: VerifyRequest, options: VerifierOptions, config: LoadedProviderConfig): Promise<string> {
  const shield = req.source.kind !== 'broker';
  if (req.verifierLog === undefined || !fs.existsSync(path.resolve(req.cwd ?? process.cwd(), config.file)))
    return runVerifier(options, shield);
  const { stateHandlers: _s, requestFilter: _f, ...plain } = options;
  const secrets = [
    ...(config.credentials ?? []).map((c) => req.env[c.env]),
    req.env.PACT_BROKER_TOKEN,
    req.env.PACT_BROKER_PASSWORD,
  ].filter((v): v is string => typeof v === 'string' && v !== '');
  const result = await runVerifierChild(
    {
      cwd: req.cwd ?? process.cwd(),
      provider: config.name,
      options: plain,
      shieldBrokerEnv: shield,
      configFile: config.file,
    },
    req.env,
    req.verifierLog,
    secrets,
  );
  if (result.ok) return result.raw;
  throw new Error(result.message);
}
