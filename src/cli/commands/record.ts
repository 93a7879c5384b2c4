// `cxpact record`: records a third-party provider's real answers to every interaction of its pacts.
import fs from 'node:fs';
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, requireOpt, stringOpt } from '../args';
import { unavailableExit } from '../broker-args';
import { brokerTarget } from '../../io/broker-client/target';
import { loadRecordConfig, resolveTarget } from '../../io/recorder/config';
import { recordInteractions } from '../../io/recorder/record';
import { loadProviderPacts } from '../../io/recorder/source';
import { readRecordings, recordingsDir } from '../../io/recorder/store';
import { cxpactCommand } from '../../io/cli-spelling';

const help = `Usage: cxpact record --provider <name> [options]
       npm run pact:record -- --provider <name> [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact record ...)

Sends the request of every interaction in the provider's pacts to its staging API with real credentials and
saves each response, redacted, as providers/<name>/recordings/<consumer>/<interaction-key>.json.
For third-party APIs that will never run Pact verification (a vendor CRM, the Genesys Cloud Public API).
Configuration: providers/<name>/record.config.json (fields: docs/providers.md in the cxpact package).

Options:
  --provider <name>      provider name (required)
  --pacts <dir|file>     local pacts (repeatable; default ./pacts)
  --broker-url <url>     read the latest pacts of the provider from the broker instead (or PACT_BROKER_BASE_URL
                         when --pacts is not given)
  --base-url <url>       staging base URL (overrides the config's baseUrl/region)
  --login-url <url>      OAuth login host (overrides the region's https://login.<region>)
  --prune                delete recordings that match no interaction of the pacts any more (after the run)
  --providers-dir <dir>  where provider folders live (default ./providers)

Environment:
  The variables the config names: for the Genesys Cloud API GENESYS_CLOUD_CLIENT_ID,
  GENESYS_CLOUD_CLIENT_SECRET and GENESYS_CLOUD_REGION; PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or
  PACT_BROKER_USERNAME/PASSWORD for --broker-url. Secrets are read from the environment only; they never reach
  recordings, logs or reports. Progress goes to stderr.

Behaviour:
  At most rateLimit.requestsPerSecond requests per second; 429 and 5xx answers, of the API and of the OAuth login,
  are retried up to retry.maxRetries times with exponential backoff and jitter; a Retry-After sets the wait, but
  no wait is longer than retry.maxDelayMs (default 30 s). A 401 refreshes the OAuth token once. A request that
  still fails is reported and fails the run; it is never skipped silently. Secrets (credentials, client secret,
  tokens) are scrubbed from recordings and output in every form an API may echo them: raw, URL-encoded,
  JSON-escaped, HTML-escaped, base64.

Exit codes (one per cause):
  0  every interaction recorded
  1  an interaction could not be recorded (HTTP error after the retries, refused credentials on a request,
     an unfillable placeholder), or the config or pacts are invalid
  2  usage error; or the provider or login host could not be asked: unreachable, connection broken, no complete
     answer within timeoutMs (before or during the body), login refused the credentials or kept failing
`;

export async function runRecord(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('record', argv, {
    provider: { type: 'string' },
    pacts: { type: 'string', multiple: true },
    'broker-url': { type: 'string' },
    'base-url': { type: 'string' },
    'login-url': { type: 'string' },
    'providers-dir': { type: 'string' },
    prune: { type: 'boolean' },
  });
  const provider = requireOpt('record', args, 'provider');
  const providersDir = path.resolve(io.cwd, stringOpt(args, 'providers-dir') ?? 'providers');
  const config = loadRecordConfig(providersDir, provider);
  const target = resolveTarget(config, io.env, {
    ...(stringOpt(args, 'base-url') === undefined ? {} : { baseUrl: stringOpt(args, 'base-url') }),
    ...(stringOpt(args, 'login-url') === undefined ? {} : { loginUrl: stringOpt(args, 'login-url') }),
  });
  const pactPaths = args.values.pacts as string[] | undefined;
  const broker = brokerTarget(stringOpt(args, 'broker-url'), io.env, io.cwd);
  try {
    const { pacts, sourceText } = await loadProviderPacts(
      provider,
      { ...(pactPaths === undefined ? {} : { pactPaths }), ...(broker === undefined ? {} : { broker }) },
      io.cwd,
    );
    const empty = pacts.filter((p) => p.interactions.length === 0);
    for (const p of empty)
      io.stderr(
        `[cxpact] The pact between ${p.consumer} and ${p.provider} (${p.source}) has no HTTP interactions: nothing to record for it.\n`,
      );
    const outcome = await recordInteractions({
      config,
      target,
      pacts,
      env: io.env,
      progress: (l) => io.stderr(`${l}\n`),
    });
    const rel = (f: string) => path.relative(io.cwd, f) || f;
    io.stdout(
      `[cxpact] Recorded ${outcome.recorded.length} of ${outcome.total} interaction(s) of ${provider} (from ${sourceText})` +
        (outcome.recorded.length > 0 ? ` into ${rel(path.dirname(path.dirname(outcome.recorded[0]!.file)))}` : '') +
        '.\n',
    );
    for (const f of outcome.failed) io.stdout(`  ✗ ${f.consumer}: "${f.description}": ${f.reason}\n`);
    if (args.values.prune === true) {
      const keep = new Set(pacts.flatMap((p) => p.interactions.map((i) => `${i.consumer}/${i.key}`)));
      const { recordings, problems } = readRecordings(recordingsDir(config.dir), io.cwd);
      const gone = [
        ...recordings.filter((r) => !keep.has(`${r.consumer}/${r.key}`)).map((r) => r.file),
        ...problems.map((p) => p.at.file).filter((f): f is string => f !== undefined),
      ];
      for (const f of gone) {
        fs.rmSync(path.resolve(io.cwd, f), { force: true });
        io.stdout(`  - removed ${f} (matches no interaction of the pacts)\n`);
      }
    }
    if (outcome.failed.length > 0) {
      io.stdout(
        `[cxpact] ${outcome.failed.length} interaction(s) were not recorded; fix the cause and rerun \`${cxpactCommand(io.cwd, 'record', `--provider ${provider}`)}\`.\n`,
      );
      return 1;
    }
    // An empty pact is bad input even when other pacts were recorded: check-recorded fails on it too.
    return empty.length > 0 ? 1 : 0;
  } catch (error) {
    return unavailableExit(error, io.stderr);
  }
}

export const command: Command = {
  name: 'record',
  summary: summaryOf('record'),
  help,
  run: runRecord,
};
