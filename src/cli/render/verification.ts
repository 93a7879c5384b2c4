// A verification summary (cxpact verify, and check-recorded in the same shape) as text and as JUnit XML. Each
// mismatch is a Finding rendered by render/index.ts.
import type { VerificationSummary } from '../../core/verify/hints';
import { junitXml, mismatchLines, type JUnitCase } from './index';

/** Plain-text report: one line per failing interaction, indented mismatches and hints, then totals. */
export function formatSummary(provider: string, summary: VerificationSummary, sourceText: string): string {
  const total = summary.interactions.length;
  const failed = summary.interactions.filter((i) => !i.passed);
  const lines: string[] = [];
  lines.push(
    `[cxpact] Verification of ${provider} against ${sourceText}: ${total - failed.length} of ${total} interaction(s) passed` +
      (failed.length > 0 ? `, ${failed.length} failed` : '') +
      (summary.pendingFailures > 0 ? ` (${summary.pendingFailures} on pending pacts, not fatal)` : '') +
      '.',
  );
  for (const f of failed) {
    const given = f.providerStates.length > 0 ? ` given ${f.providerStates.map((s) => `"${s}"`).join(' and ')}` : '';
    lines.push(`  ✗ ${f.consumer} -> ${f.provider}: "${f.description}"${given}${f.pending ? ' [pending]' : ''}`);
    for (const o of f.origin ?? []) lines.push(`      ${o}`);
    if (f.mismatches.length === 0) lines.push('      (the verifier reported no details; rerun with --log-level debug)');
    for (const m of f.mismatches) lines.push(...mismatchLines(m, { indent: '      ', label: m.attribute }));
  }
  if (summary.pendingFailures > 0) {
    lines.push(
      `  Pending pacts: this provider branch has never verified them successfully, so their failures are published but do not fail the build (Pact's pending pacts). can-i-deploy still counts them.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function secondsOf(duration: string | undefined): string | undefined {
  if (duration === undefined) return undefined;
  const ms = /^(\d+(?:\.\d+)?)ms$/.exec(duration);
  if (ms !== null) return (Number(ms[1]) / 1000).toFixed(3);
  const s = /^(\d+(?:\.\d+)?)s$/.exec(duration);
  if (s !== null) return Number(s[1]).toFixed(3);
  return undefined;
}

/** JUnit XML: one `<testsuite>` per consumer/provider pair, one `<testcase>` per interaction; pending failures are skipped. */
export function toJUnitXml(provider: string, summary: VerificationSummary): string {
  const suites = new Map<string, JUnitCase[]>();
  for (const i of summary.interactions) {
    const name = `${i.consumer} -> ${i.provider}`;
    const states = i.providerStates.length > 0 ? ` given ${i.providerStates.join(' and ')}` : '';
    const time = secondsOf(i.durationText);
    const c: JUnitCase = { classname: name, name: i.description + states, ...(time === undefined ? {} : { time }) };
    if (!i.passed) {
      const first = i.mismatches[0]?.message ?? 'verification failed';
      if (i.pending) c.skipped = `pending pact, not fatal: ${first}`;
      else
        c.failure = {
          message: first,
          type: 'pact.mismatch',
          body: i.mismatches
            .flatMap((m) => mismatchLines({ ...m, fix: undefined }, { indent: '', label: m.attribute }))
            .join('\n'),
        };
    }
    suites.set(name, [...(suites.get(name) ?? []), c]);
  }
  return junitXml(
    `pact verification of ${provider}`,
    [...suites].map(([name, cases]) => ({ name, cases })),
    { skippedAttribute: true },
  );
}
