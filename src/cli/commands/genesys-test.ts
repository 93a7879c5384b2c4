// `cxpact genesys-test`: each action's cases through the org's Data Action test endpoint, compared step by step
// with cxpact's emulation; latency per action; an audit log as JSON lines.
import path from 'node:path';
import type { Command, CliIO } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { formatError } from '../render';
import { redactSecrets } from '../../io/oauth';
import { connectOrExit, GENESYS_ENV_HELP, integerFlag } from '../genesys-flags';
import { fileAuditSink, runGenesysTests, type GenesysTestReport } from '../../io/genesys-client/run-tests';

const help = `Usage: cxpact genesys-test [options]
       npm run genesys:test -- [options]
       (the npm script form exists where package.json declares the script, as in the cxpact repository;
       elsewhere run: npx cxpact genesys-test ...)

Runs the cases of every Data Action (<slug>.cases.json beside the definition) through the org's test endpoint
(POST /api/v2/integrations/actions/{id}/test; /draft/test for drafts) and compares the platform's steps with
cxpact's own emulation of the same execution: the rendered URL, method and body, the translation-map values
(computed by cxpact from the raw response the platform received), the success template's result, the final
result and success vs failure. Any difference is reported: it measures the emulator's fidelity against the
platform. Latency (median, p95) is reported per action.

An action without a cases file runs once with inputs derived from its input contract, the way pact:consumer
derives its cases (example, default, enum, format, type). The test endpoint calls the real backend, so derived
inputs go only to GET/HEAD actions; a POST/PUT/PATCH/DELETE action without a cases file is skipped (and named)
unless --derive-writes is given.

Actions map to org actions by an "id" in the definition (files written by \`cxpact genesys-pull\` have one),
else by name (without the " - Exported <date>" suffix). A definition with "draft": true uses /draft/test.
429 answers are retried with exponential backoff, jitter and Retry-After.

Options:
  --data-actions <dir>   folder of definitions and cases (default: data-actions)
  --only <slug|name>     only this action (repeatable)
  --draft                test the drafts of all actions (/draft/test)
  --derive-writes        also send derived inputs to POST/PUT/PATCH/DELETE actions without a cases file
  --repeat <n>           run every case n times (latency statistics; default 1)
  --audit-log <file>     JSON lines audit log: every API call and case result, no secrets, no input values
                         (default: reports/genesys-test-audit.jsonl)
  --json                 print the report as JSON
  --region <region>      Genesys Cloud region (default: GENESYS_CLOUD_REGION)
  --base-url <url>       API host override (tests, proxies); the login host defaults to it
  --login-url <url>      login host override
  --max-retries <n>      retries on 429/503 per call (default 5)

${GENESYS_ENV_HELP}

Exit codes:
  0  every case ran and the platform agreed with cxpact at every compared step (a skipped write action
     without a cases file is listed with the reason, not counted as a failure)
  1  a difference, a case whose platform answer had no step to compare (no request or execute operation),
     a failed call, an action missing from the org, or an unreadable definition/cases file
  2  usage error (unknown option, unknown region, missing credentials)
`;

function short(value: unknown, secrets: string[]): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  const clipped = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return redactSecrets(clipped, secrets, '***');
}

function formatReport(report: GenesysTestReport, cwd: string, secrets: string[]): string {
  const t = report.totals;
  const lines = [
    `[cxpact] genesys-test: ${t.actions} action(s), ${t.cases} case run(s): ${t.agreed} agree with cxpact's emulation, ${t.differing} differ, ${t.uncompared === 0 ? '' : `${t.uncompared} not comparable, `}${t.failedCalls} failed call(s), ${t.skipped} skipped.`,
  ];
  for (const a of report.actions) {
    const where = path.relative(cwd, a.file) || a.file;
    if (a.skipped !== undefined) {
      lines.push(`  - ${a.name} (${where}): skipped, ${a.skipped}`);
      continue;
    }
    if (a.error !== undefined) {
      lines.push(`  ✗ ${a.name} (${where}): ${a.error.message}`, `      fix: ${a.error.fix ?? ''}`);
      continue;
    }
    const bad = a.cases.filter(
      (c) => c.error !== undefined || (c.fidelity?.differences.length ?? 0) > 0 || c.fidelity?.compared.length === 0,
    );
    lines.push(
      `  ${bad.length === 0 ? '✓' : '✗'} ${a.name} [${a.actionId}${a.draft ? ', draft' : ''}]: ${a.cases.length} case run(s)${a.casesSource === 'derived' ? ' (inputs derived from the input contract: no cases file)' : ''}, latency median ${a.latency.median.toFixed(1)} ms, p95 ${a.latency.p95.toFixed(1)} ms`,
    );
    for (const c of bad) {
      if (c.error !== undefined) {
        lines.push(`      case ${c.case}: the test call failed: ${redactSecrets(c.error, secrets, '***')}`);
        continue;
      }
      if (c.fidelity?.compared.length === 0) {
        lines.push(
          `      case ${c.case}: not comparable: the platform's answer (${c.fidelity.platformSuccess ? 'success' : 'failure'}) has no request or execute step cxpact can check, so fidelity was not measured`,
        );
      }
      for (const d of c.fidelity?.differences ?? []) {
        lines.push(
          `      case ${c.case}: ${d.step}${d.operation === undefined ? '' : ` [${d.operation}]`} ${d.field}: platform ${short(d.platform, secrets)} vs cxpact ${short(d.cxpact, secrets)}`,
        );
      }
    }
  }
  for (const e of report.errors) lines.push(formatError(e));
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'genesys-test',
  summary: summaryOf('genesys-test'),
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('genesys-test', argv, {
      'data-actions': { type: 'string' },
      only: { type: 'string', multiple: true },
      draft: { type: 'boolean' },
      'derive-writes': { type: 'boolean' },
      repeat: { type: 'string' },
      'audit-log': { type: 'string' },
      json: { type: 'boolean' },
      region: { type: 'string' },
      'base-url': { type: 'string' },
      'login-url': { type: 'string' },
      'max-retries': { type: 'string' },
    });
    const dir = path.resolve(io.cwd, stringOpt(args, 'data-actions') ?? 'data-actions');
    const repeat = integerFlag('repeat', stringOpt(args, 'repeat'), 1);
    const maxRetries = integerFlag('max-retries', stringOpt(args, 'max-retries'), 5, 0);
    const only = Array.isArray(args.values['only']) ? (args.values['only'] as string[]) : undefined;
    const auditFile = path.resolve(io.cwd, stringOpt(args, 'audit-log') ?? 'reports/genesys-test-audit.jsonl');
    const secret = io.env['GENESYS_CLOUD_CLIENT_SECRET'] ?? '';
    // The client secret, its Basic-auth form and every token issued: never printed.
    const secrets = secret === '' ? [] : [secret];

    // Opened once the configuration is valid (no file for a usage error); no API call happens before that.
    let audit: ReturnType<typeof fileAuditSink> | undefined;
    try {
      const client = connectOrExit(
        {
          region: stringOpt(args, 'region'),
          baseUrl: stringOpt(args, 'base-url'),
          loginUrl: stringOpt(args, 'login-url'),
          env: io.env,
          maxRetries,
          onCall: (e) =>
            audit?.write({
              event: 'api',
              method: e.method,
              path: e.path,
              status: e.status,
              latencyMs: Math.round(e.latencyMs * 10) / 10,
              attempt: e.attempt,
              ...(e.retry === undefined ? {} : { retry: e.retry.reason, retryInMs: e.retry.delayMs }),
            }),
        },
        io,
      );
      audit = fileAuditSink(auditFile);
      audit.write({
        event: 'start',
        apiBase: client.apiBase,
        dataActions: path.relative(io.cwd, dir) || '.',
        draft: args.values['draft'] === true,
        repeat,
      });
      const report = await runGenesysTests(client, {
        dir,
        draft: args.values['draft'] === true,
        deriveWrites: args.values['derive-writes'] === true,
        only,
        repeat,
        audit,
      });
      audit.write({ event: 'end', ...report.totals });
      secrets.push(...client.tokens.secrets());
      if (args.values['json'] === true) {
        const json = JSON.stringify(
          {
            totals: report.totals,
            actions: report.actions.map((a) => ({
              ...a,
              file: path.relative(io.cwd, a.file),
              error: a.error?.toJSON(),
            })),
            errors: report.errors.map((e) => e.toJSON()),
            auditLog: path.relative(io.cwd, auditFile),
          },
          null,
          2,
        );
        io.stdout(`${redactSecrets(json, secrets, '***')}\n`);
      } else {
        io.stdout(formatReport(report, io.cwd, secrets));
        io.stdout(`[cxpact] Audit log: ${path.relative(io.cwd, auditFile)}\n`);
      }
      const failed =
        report.errors.length > 0 ||
        report.actions.some((a) => a.error !== undefined) ||
        report.totals.differing > 0 ||
        report.totals.uncompared > 0 ||
        report.totals.failedCalls > 0;
      return failed ? 1 : 0;
    } finally {
      audit?.close();
    }
  },
};
