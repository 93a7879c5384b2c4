// `cxpact broker`: run the local Pact Broker (HAL+JSON API the official clients use, SQLite or PostgreSQL storage,
// HTML page).
import fs from 'node:fs';
import type { Command } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt, type ParsedArgs } from '../args';
import { CxpactError } from '../../core/errors';
import {
  DEFAULT_DB_FILE,
  DEFAULT_MAX_BODY_BYTES,
  isPostgresUrl,
  redactDatabaseUrl,
  startBroker,
  type BrokerAuthConfig,
} from '../../broker';
import { splitList } from '../../broker/webhook-policy';

const HELP = `Usage: cxpact broker [options]        (npm run broker -- [options])

Runs a local Pact Broker that the official clients (\`pact broker ...\`, the pact-js Verifier) use unchanged:
publishing, pacts for verification (selectors, pending, WIP), verification results, the matrix and can-i-deploy,
environments, deployments and releases, webhooks, and an HTML page at / for browsers. Data is stored in SQLite
(one machine) or PostgreSQL (--database-url: several broker processes on one database are one broker) and
survives restarts. Stop it with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port <n>                  Port to listen on (default 9292; 0 picks a free port)
  --host <addr>               Interface to bind (default 127.0.0.1)
  --db <file>                 SQLite database file (default ${DEFAULT_DB_FILE})
  --database-url <url>        PostgreSQL instead of SQLite: postgres://user:password@host:5432/database
                              (schema migrations run at start; prefer PACT_BROKER_DATABASE_URL, which ps
                              does not show)
  --database-pool-size <n>    Connections to PostgreSQL per broker process (default 10)
  --base-url <url>            Public URL used in links and served as a Host name (default: the bound address;
                              with --host 0.0.0.0 each request's Host, which must be one the broker serves)
  --allowed-host <name>       Another Host name the broker answers to (repeatable, or a comma list;
                              *.example.com for subdomains, * for any). Loopback names, IP addresses and the
                              --base-url host are always served; other Host headers get 421 (DNS rebinding)
  --token-file <file>         Read-write bearer token, read from a file (enables auth)
  --read-only-token-file <file>  Read-only bearer token from a file (reads and pacts for verification only)
  --basic-auth-file <file>    Read-write basic auth credentials (user:password) from a file
  --read-only-basic-auth-file <file>  Read-only basic auth credentials from a file
  --token <t>                 Read-write bearer token (visible in ps: prefer the file or the environment)
  --read-only-token <t>       Read-only bearer token (visible in ps)
  --basic-auth <user:pass>    Read-write basic auth credentials (visible in ps)
  --read-only-basic-auth <user:pass>  Read-only basic auth credentials (visible in ps)
  --public-read               With auth enabled, allow unauthenticated reads (and pacts for verification)
  --allow-open                Allow --host other than loopback without credentials (refused otherwise:
                              anyone who reaches it could write)
  --allow-contract-modification  Accept different pact content for an existing consumer version
                              (refused with 409 by default, like the Pact Broker)
  --no-tag-deployments        A tag named after an environment does NOT record a deployment there (by default
                              it does, like the Pact Broker's create_deployed_versions_for_tags)
  --no-first-tag-as-branch    A version's first tag does NOT become its branch (by default it does when the
                              version has no branch and is at most 10 s old, like the Pact Broker's
                              use_first_tag_as_branch)
  --first-tag-as-branch-time-limit <s>  That window in seconds (default 10)
  --webhook-schemes <list>    URL schemes webhooks may use (default: https)
  --webhook-hosts <list>      Hosts webhooks may call: names, *.domain, IPs, address/prefix ranges,
                              /regex/ (default: any host except this machine's loopback and link-local
                              addresses, which need an entry; with a list, response details are logged)
  --webhook-methods <list>    HTTP methods webhooks may use (default: POST)
  --max-body-bytes <n>        Largest accepted request body (default ${DEFAULT_MAX_BODY_BYTES}); larger gets 413
  --quiet                     Do not log one line per request

Environment variables (flags win):
  CXPACT_BROKER_TOKEN (or PACT_BROKER_TOKEN)  read-write bearer token
  CXPACT_BROKER_READ_ONLY_TOKEN     read-only bearer token
  CXPACT_BROKER_BASIC_AUTH          read-write basic auth as user:pass
  CXPACT_BROKER_READ_ONLY_BASIC_AUTH  read-only basic auth as user:pass
  PACT_BROKER_BASIC_AUTH_USERNAME / PACT_BROKER_BASIC_AUTH_PASSWORD  (Pact Broker docker names, read-write)
  PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME / PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD
  PACT_BROKER_ALLOW_PUBLIC_READ=true            same as --public-read
  CXPACT_BROKER_ALLOW_OPEN=true                 same as --allow-open
  PACT_BROKER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS=false  same as --no-tag-deployments
  PACT_BROKER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION=true  same as --allow-contract-modification
  PACT_BROKER_PORT, PACT_BROKER_BASE_URL_PUBLIC  port and public base URL
  PACT_BROKER_DATABASE_URL                      PostgreSQL URL (same as --database-url)
  PACT_BROKER_DATABASE_POOL_SIZE                same as --database-pool-size
  CXPACT_BROKER_ALLOWED_HOSTS                   same as --allowed-host (comma or space separated)
  PACT_BROKER_USE_FIRST_TAG_AS_BRANCH=false     same as --no-first-tag-as-branch
  PACT_BROKER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT  same as --first-tag-as-branch-time-limit
  PACT_BROKER_WEBHOOK_SCHEME_WHITELIST          same as --webhook-schemes (space or comma separated)
  PACT_BROKER_WEBHOOK_HOST_WHITELIST            same as --webhook-hosts
  PACT_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST     same as --webhook-methods

Auth: without any credentials configured the broker is open, which is only meant for loopback (127.0.0.1): with
another --host and no credentials it refuses to start (exit 1) unless --allow-open is given. With credentials,
requests without them get 401, and writes with read-only credentials get 403 (the one exception, as in the Pact
Broker: POST /pacts/provider/{provider}/for-verification). An empty token, username or password is refused at start.
Tokens and passwords are never logged; given as flags they are visible to every user of the machine (ps), so the
broker warns: prefer the *-file flags or the environment.

Safe by default: JSON routes take only JSON bodies (415 otherwise), writes from another web origin get 403, a Host
header the broker does not serve gets 421, names (pacticipants, versions, tags, branches, environments) with
control characters or longer than 255 bytes get 400, JSON nested deeper than 50 levels gets 400.

Exit codes: 0 stopped cleanly, 1 could not start (e.g. port in use), 2 usage error.
`;

function parseBasic(flag: string, v: string | undefined): { username: string; password: string } | undefined {
  if (v === undefined) return undefined;
  const i = v.indexOf(':');
  if (i <= 0) {
    throw new CxpactError('usage.invalid-basic-auth', `${flag} must be user:password.`, {
      fix: `Pass ${flag} <user>:<password>.`,
    });
  }
  const password = v.slice(i + 1);
  if (password.trim() === '') {
    throw new CxpactError(
      'usage.empty-secret',
      `${flag} has an empty password, which would let anyone write with username ${v.slice(0, i)}.`,
      { fix: `Give a password: ${flag}-file <file holding user:password>, or the environment.` },
    );
  }
  return { username: v.slice(0, i), password };
}

/**
 * One secret: the flag (warned about: `ps` shows it), else the flag's `-file` variant (the file's content
 * without its trailing newline), else the first environment variable set (a username/password pair as
 * user:password). An empty value, wherever it comes from, is a usage error: an empty secret is no secret.
 */
function secret(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  spec: { flag: string; envs: string[]; pair?: [string, string] },
): string | undefined {
  const direct = stringOpt(args, spec.flag);
  const file = stringOpt(args, `${spec.flag}-file`);
  const empty = (where: string): CxpactError =>
    new CxpactError('usage.empty-secret', `${where} is empty: an empty token or password would let anyone in.`, {
      fix: `Give a non-empty value, or leave --${spec.flag} out.`,
    });
  if (direct !== undefined && file !== undefined) {
    throw new CxpactError(
      'usage.conflicting-secret',
      `--${spec.flag} and --${spec.flag}-file both give the same secret.`,
      { fix: `Pass only --${spec.flag}-file.` },
    );
  }
  if (direct !== undefined) {
    if (direct.trim() === '') throw empty(`--${spec.flag}`);
    log(
      `[broker] WARNING: --${spec.flag} puts a secret on the command line, where every user of this machine can read it (ps); prefer --${spec.flag}-file or ${spec.envs[0]}.`,
    );
    return direct;
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8').replace(/(\r?\n)+$/, '');
    } catch (error) {
      throw new CxpactError(
        'usage.secret-file',
        `--${spec.flag}-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
        { file, fix: 'Pass a readable file holding the secret.' },
      );
    }
    if (text.trim() === '') throw empty(`--${spec.flag}-file ${file}`);
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      log(`[broker] WARNING: ${file} (--${spec.flag}-file) is readable by other users of this machine; chmod 600 it.`);
    }
    return text;
  }
  for (const name of spec.envs) {
    const v = env[name];
    if (v === undefined) continue;
    // PACT_BROKER_TOKEN is the clients' variable too: left empty in a shell it means "no token", not an empty one.
    if (v === '' && name === 'PACT_BROKER_TOKEN') continue;
    if (v.trim() === '') throw empty(name);
    return v;
  }
  if (spec.pair !== undefined) {
    const [userVar, passVar] = spec.pair;
    const user = env[userVar];
    if (user === undefined || user === '') {
      if ((env[passVar] ?? '') !== '')
        throw new CxpactError('usage.empty-secret', `${passVar} is set but ${userVar} is not.`, {
          fix: `Set ${userVar} too.`,
        });
      return undefined;
    }
    const pass = env[passVar] ?? '';
    if (pass.trim() === '') throw empty(`${passVar} (for ${userVar}=${user})`);
    return `${user}:${pass}`;
  }
  return undefined;
}

export const command: Command = {
  name: 'broker',
  summary: summaryOf('broker'),
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs('broker', argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'database-url': { type: 'string' },
      'database-pool-size': { type: 'string' },
      'base-url': { type: 'string' },
      token: { type: 'string' },
      'read-only-token': { type: 'string' },
      'basic-auth': { type: 'string' },
      'read-only-basic-auth': { type: 'string' },
      'token-file': { type: 'string' },
      'read-only-token-file': { type: 'string' },
      'basic-auth-file': { type: 'string' },
      'read-only-basic-auth-file': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'no-first-tag-as-branch': { type: 'boolean' },
      'first-tag-as-branch-time-limit': { type: 'string' },
      'webhook-schemes': { type: 'string' },
      'webhook-hosts': { type: 'string' },
      'webhook-methods': { type: 'string' },
      'public-read': { type: 'boolean' },
      'allow-open': { type: 'boolean' },
      'no-tag-deployments': { type: 'boolean' },
      'allow-contract-modification': { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const env = io.env;
    const portText = stringOpt(args, 'port') ?? env.PACT_BROKER_PORT ?? '9292';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CxpactError('usage.invalid-port', `--port must be a number from 0 to 65535 (got "${portText}").`, {
        fix: 'Pass --port 9292, or --port 0 for a free port.',
      });
    }
    const maxText = stringOpt(args, 'max-body-bytes');
    const maxBodyBytes = maxText === undefined ? undefined : Number(maxText);
    if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024)) {
      throw new CxpactError(
        'usage.invalid-max-body',
        `--max-body-bytes must be an integer >= 1024 (got "${maxText}").`,
        { fix: 'Pass e.g. --max-body-bytes 10485760.' },
      );
    }
    const log = (line: string): void => io.stderr(`${line}\n`);
    const auth: BrokerAuthConfig = {
      token: secret(args, env, log, { flag: 'token', envs: ['CXPACT_BROKER_TOKEN', 'PACT_BROKER_TOKEN'] }),
      readOnlyToken: secret(args, env, log, { flag: 'read-only-token', envs: ['CXPACT_BROKER_READ_ONLY_TOKEN'] }),
      basic: parseBasic(
        '--basic-auth',
        secret(args, env, log, {
          flag: 'basic-auth',
          envs: ['CXPACT_BROKER_BASIC_AUTH'],
          pair: ['PACT_BROKER_BASIC_AUTH_USERNAME', 'PACT_BROKER_BASIC_AUTH_PASSWORD'],
        }),
      ),
      readOnlyBasic: parseBasic(
        '--read-only-basic-auth',
        secret(args, env, log, {
          flag: 'read-only-basic-auth',
          envs: ['CXPACT_BROKER_READ_ONLY_BASIC_AUTH'],
          pair: ['PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME', 'PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD'],
        }),
      ),
      publicRead: args.values['public-read'] === true || env.PACT_BROKER_ALLOW_PUBLIC_READ === 'true',
    };
    const allowedHosts = [
      ...((args.values['allowed-host'] as string[] | undefined) ?? []).flatMap((h) => splitList(h) ?? []),
      ...(splitList(env.CXPACT_BROKER_ALLOWED_HOSTS) ?? []),
    ];
    const limitText =
      stringOpt(args, 'first-tag-as-branch-time-limit') ??
      (env.PACT_BROKER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT || undefined);
    const firstTagAsBranchTimeLimitSeconds = limitText === undefined ? undefined : Number(limitText);
    if (
      firstTagAsBranchTimeLimitSeconds !== undefined &&
      (!Number.isFinite(firstTagAsBranchTimeLimitSeconds) || firstTagAsBranchTimeLimitSeconds < 0)
    ) {
      throw new CxpactError(
        'usage.invalid-time-limit',
        `--first-tag-as-branch-time-limit must be a number of seconds >= 0 (got "${limitText}").`,
        { fix: 'Pass e.g. --first-tag-as-branch-time-limit 10.' },
      );
    }
    const webhookList = (flag: string, envName: string): string[] | undefined =>
      splitList(stringOpt(args, flag)) ?? splitList(env[envName]);
    const webhookPolicy = {
      schemes: webhookList('webhook-schemes', 'PACT_BROKER_WEBHOOK_SCHEME_WHITELIST'),
      hosts: webhookList('webhook-hosts', 'PACT_BROKER_WEBHOOK_HOST_WHITELIST'),
      methods: webhookList('webhook-methods', 'PACT_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST'),
    };
    const host = stringOpt(args, 'host') ?? '127.0.0.1';
    const dbFile = stringOpt(args, 'db') ?? DEFAULT_DB_FILE;
    const databaseUrl = stringOpt(args, 'database-url') ?? (env.PACT_BROKER_DATABASE_URL || undefined);
    if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
      throw new CxpactError(
        'usage.invalid-database-url',
        `--database-url must be a postgres:// (or postgresql://) URL (got "${redactDatabaseUrl(databaseUrl)}").`,
        {
          fix: 'Pass --database-url postgres://user:password@host:5432/database, or --db <file> for SQLite.',
        },
      );
    }
    if (databaseUrl !== undefined && stringOpt(args, 'db') !== undefined) {
      throw new CxpactError(
        'usage.conflicting-database',
        '--db (SQLite) and --database-url (PostgreSQL) name two different databases.',
        { fix: 'Pass only one of them.' },
      );
    }
    const poolText = stringOpt(args, 'database-pool-size') ?? (env.PACT_BROKER_DATABASE_POOL_SIZE || undefined);
    const databasePoolSize = poolText === undefined ? undefined : Number(poolText);
    if (
      databasePoolSize !== undefined &&
      (!Number.isInteger(databasePoolSize) || databasePoolSize < 1 || databasePoolSize > 1000)
    ) {
      throw new CxpactError(
        'usage.invalid-pool-size',
        `--database-pool-size must be an integer from 1 to 1000 (got "${poolText}").`,
        { fix: 'Pass e.g. --database-pool-size 10.' },
      );
    }
    if (stringOpt(args, 'database-url') !== undefined && redactDatabaseUrl(databaseUrl!) !== databaseUrl) {
      log(
        '[broker] WARNING: --database-url carries a password, which every user of this machine can read in the process list (ps); prefer PACT_BROKER_DATABASE_URL.',
      );
    }
    const where = databaseUrl === undefined ? `db: ${dbFile}` : `database: ${redactDatabaseUrl(databaseUrl)}`;
    let broker: Awaited<ReturnType<typeof startBroker>>;
    try {
      broker = await startBroker({
        port,
        host,
        dbFile,
        databaseUrl,
        databasePoolSize,
        baseUrl: stringOpt(args, 'base-url') ?? (env.PACT_BROKER_BASE_URL_PUBLIC || undefined),
        auth,
        allowContractModification:
          args.values['allow-contract-modification'] === true ||
          env.PACT_BROKER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION === 'true',
        maxBodyBytes,
        logRequests: args.values.quiet !== true,
        createDeployedVersionsForTags: !(
          args.values['no-tag-deployments'] === true || env.PACT_BROKER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS === 'false'
        ),
        allowOpen: args.values['allow-open'] === true || env.CXPACT_BROKER_ALLOW_OPEN === 'true',
        allowedHosts,
        useFirstTagAsBranch: !(
          args.values['no-first-tag-as-branch'] === true || env.PACT_BROKER_USE_FIRST_TAG_AS_BRANCH === 'false'
        ),
        firstTagAsBranchTimeLimitSeconds,
        webhookPolicy,
        log,
      });
    } catch (error) {
      if (error instanceof CxpactError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') {
        throw new CxpactError('broker.port-in-use', `Port ${port} on ${host} is already in use.`, {
          fix: 'Stop the other process or pass --port <free port> (or --port 0).',
        });
      }
      if (databaseUrl !== undefined) {
        throw new CxpactError(
          'broker.start-failed',
          `The broker could not start on ${redactDatabaseUrl(databaseUrl)}: ${redactDatabaseUrl(e.message)}`,
          {
            fix: 'Check that PostgreSQL is reachable at that URL, the database exists and the user may create tables in it.',
          },
        );
      }
      throw new CxpactError('broker.start-failed', `The broker could not start: ${e.message}`, {
        file: dbFile,
        fix: 'Check that the --db directory is writable and the file is a cxpact broker database.',
      });
    }
    const authMode = [
      auth.token || auth.basic ? 'read-write credentials' : '',
      auth.readOnlyToken || auth.readOnlyBasic ? 'read-only credentials' : '',
    ]
      .filter((x) => x !== '')
      .join(' + ');
    io.stdout(`cxpact broker listening on ${broker.url} (${where}; auth: ${authMode === '' ? 'open' : authMode})\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        io.stdout(`cxpact broker: ${signal} received, closing\n`);
        void broker.close().then(resolve);
      };
      const onInt = (): void => stop('SIGINT');
      const onTerm = (): void => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    return 0;
  },
};
