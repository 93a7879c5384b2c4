// `cxpact broker`: run the local Pact Broker (HAL+JSON API the official clients use, SQLite or PostgreSQL storage,
// HTML page).
import type { Command } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { CxpactError } from '../../shared/errors';
import { DEFAULT_DB_FILE, DEFAULT_MAX_BODY_BYTES, isPostgresUrl, redactDatabaseUrl, startBroker, type BrokerAuthConfig } from '../../broker';

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
  --base-url <url>            Public URL used in links (default: from each request's Host header)
  --token <t>                 Read-write bearer token (enables auth)
  --read-only-token <t>       Read-only bearer token (GET only; writes get 403)
  --basic-auth <user:pass>    Read-write basic auth credentials (enables auth)
  --read-only-basic-auth <user:pass>  Read-only basic auth credentials
  --public-read               With auth enabled, allow unauthenticated GETs
  --allow-open                Allow --host other than loopback without credentials (refused otherwise:
                              anyone who reaches it could write)
  --allow-contract-modification  Accept different pact content for an existing consumer version
                              (refused with 409 by default, like the Pact Broker)
  --no-tag-deployments        A tag named after an environment does NOT record a deployment there (by default
                              it does, like the Pact Broker's create_deployed_versions_for_tags)
  --max-body-bytes <n>        Largest accepted request body (default ${DEFAULT_MAX_BODY_BYTES}); larger gets 413
  --quiet                     Do not log one line per request

Environment variables (flags win):
  CXPACT_BROKER_TOKEN               read-write bearer token
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

Auth: without any credentials configured the broker is open, which is only meant for loopback (127.0.0.1): with
another --host and no credentials it refuses to start (exit 1) unless --allow-open is given. With credentials, requests without them get 401, and writes with read-only credentials get 403. Tokens and passwords
are never logged.

Exit codes: 0 stopped cleanly, 1 could not start (e.g. port in use), 2 usage error.
`;

function parseBasic(flag: string, v: string | undefined): { username: string; password: string } | undefined {
  if (v === undefined || v === '') return undefined;
  const i = v.indexOf(':');
  if (i <= 0) {
    throw new CxpactError('usage.invalid-basic-auth', `${flag} must be user:password.`, { fix: `Pass ${flag} <user>:<password>.` });
  }
  return { username: v.slice(0, i), password: v.slice(i + 1) };
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
      throw new CxpactError('usage.invalid-port', `--port must be a number from 0 to 65535 (got "${portText}").`, { fix: 'Pass --port 9292, or --port 0 for a free port.' });
    }
    const maxText = stringOpt(args, 'max-body-bytes');
    const maxBodyBytes = maxText === undefined ? undefined : Number(maxText);
    if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024)) {
      throw new CxpactError('usage.invalid-max-body', `--max-body-bytes must be an integer >= 1024 (got "${maxText}").`, { fix: 'Pass e.g. --max-body-bytes 10485760.' });
    }
    const envBasic = (u: string | undefined, p: string | undefined): string | undefined => (u !== undefined && u !== '' ? `${u}:${p ?? ''}` : undefined);
    const auth: BrokerAuthConfig = {
      token: stringOpt(args, 'token') ?? (env.CXPACT_BROKER_TOKEN || undefined),
      readOnlyToken: stringOpt(args, 'read-only-token') ?? (env.CXPACT_BROKER_READ_ONLY_TOKEN || undefined),
      basic: parseBasic('--basic-auth', stringOpt(args, 'basic-auth') ?? (env.CXPACT_BROKER_BASIC_AUTH || envBasic(env.PACT_BROKER_BASIC_AUTH_USERNAME, env.PACT_BROKER_BASIC_AUTH_PASSWORD))),
      readOnlyBasic: parseBasic(
        '--read-only-basic-auth',
        stringOpt(args, 'read-only-basic-auth') ?? (env.CXPACT_BROKER_READ_ONLY_BASIC_AUTH || envBasic(env.PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME, env.PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD)),
      ),
      publicRead: args.values['public-read'] === true || env.PACT_BROKER_ALLOW_PUBLIC_READ === 'true',
    };
    const host = stringOpt(args, 'host') ?? '127.0.0.1';
    const dbFile = stringOpt(args, 'db') ?? DEFAULT_DB_FILE;
    const databaseUrl = stringOpt(args, 'database-url') ?? (env.PACT_BROKER_DATABASE_URL || undefined);
    if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
      throw new CxpactError('usage.invalid-database-url', `--database-url must be a postgres:// (or postgresql://) URL (got "${redactDatabaseUrl(databaseUrl)}").`, {
        fix: 'Pass --database-url postgres://user:password@host:5432/database, or --db <file> for SQLite.',
      });
    }
    if (databaseUrl !== undefined && stringOpt(args, 'db') !== undefined) {
      throw new CxpactError('usage.conflicting-database', '--db (SQLite) and --database-url (PostgreSQL) name two different databases.', { fix: 'Pass only one of them.' });
    }
    const poolText = stringOpt(args, 'database-pool-size') ?? (env.PACT_BROKER_DATABASE_POOL_SIZE || undefined);
    const databasePoolSize = poolText === undefined ? undefined : Number(poolText);
    if (databasePoolSize !== undefined && (!Number.isInteger(databasePoolSize) || databasePoolSize < 1 || databasePoolSize > 1000)) {
      throw new CxpactError('usage.invalid-pool-size', `--database-pool-size must be an integer from 1 to 1000 (got "${poolText}").`, { fix: 'Pass e.g. --database-pool-size 10.' });
    }
    const where = databaseUrl === undefined ? `db: ${dbFile}` : `database: ${redactDatabaseUrl(databaseUrl)}`;
    const log = (line: string): void => io.stderr(line + '\n');
    let broker;
    try {
      broker = await startBroker({
        port,
        host,
        dbFile,
        databaseUrl,
        databasePoolSize,
        baseUrl: stringOpt(args, 'base-url') ?? (env.PACT_BROKER_BASE_URL_PUBLIC || undefined),
        auth,
        allowContractModification: args.values['allow-contract-modification'] === true || env.PACT_BROKER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION === 'true',
        maxBodyBytes,
        logRequests: args.values.quiet !== true,
        createDeployedVersionsForTags: !(args.values['no-tag-deployments'] === true || env.PACT_BROKER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS === 'false'),
        allowOpen: args.values['allow-open'] === true || env.CXPACT_BROKER_ALLOW_OPEN === 'true',
        log,
      });
    } catch (error) {
      if (error instanceof CxpactError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') {
        throw new CxpactError('broker.port-in-use', `Port ${port} on ${host} is already in use.`, { fix: 'Stop the other process or pass --port <free port> (or --port 0).' });
      }
      if (databaseUrl !== undefined) {
        throw new CxpactError('broker.start-failed', `The broker could not start on ${redactDatabaseUrl(databaseUrl)}: ${redactDatabaseUrl(e.message)}`, {
          fix: 'Check that PostgreSQL is reachable at that URL, the database exists and the user may create tables in it.',
        });
      }
      throw new CxpactError('broker.start-failed', `The broker could not start: ${e.message}`, { file: dbFile, fix: 'Check that the --db directory is writable and the file is a cxpact broker database.' });
    }
    const authMode = [auth.token || auth.basic ? 'read-write credentials' : '', auth.readOnlyToken || auth.readOnlyBasic ? 'read-only credentials' : ''].filter((x) => x !== '').join(' + ');
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
