// Pure: a verification summary as JUnit XML, the format GitLab's `artifacts:reports:junit` reads.
import type { VerificationSummary } from './hints';
import { xmlEscape } from '../xml';

const esc = xmlEscape;

/** One `<testsuite>` per consumer/provider pair, one `<testcase>` per interaction. */
export function toJUnitXml(provider: string, summary: VerificationSummary): string {
  const suites = new Map<string, VerificationSummary['interactions']>();
  for (const i of summary.interactions) {
    const key = `${i.consumer} -> ${i.provider}`;
    const list = suites.get(key) ?? [];
    list.push(i);
    suites.set(key, list);
  }
  const totalFailures = summary.interactions.filter((i) => !i.passed && !i.pending).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${esc(`pact verification of ${provider}`)}" tests="${summary.interactions.length}" failures="${totalFailures}">`,
  );
  for (const [name, cases] of suites) {
    const failures = cases.filter((c) => !c.passed && !c.pending).length;
    const skipped = cases.filter((c) => !c.passed && c.pending).length;
    out.push(`  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`);
    for (const c of cases) {
      const states = c.providerStates.length > 0 ? ` given ${c.providerStates.join(' and ')}` : '';
      const seconds = secondsOf(c.durationText);
      out.push(
        `    <testcase classname="${esc(name)}" name="${esc(c.description + states)}"${seconds === undefined ? '' : ` time="${seconds}"`}>`,
      );
      if (!c.passed) {
        const detail = c.mismatches
          .map((m) => `${m.attribute}${m.path === '' ? '' : ` ${m.path}`}: ${m.message}${m.hint === undefined ? '' : `\n  hint: ${m.hint}`}`)
          .join('\n');
        const first = c.mismatches[0]?.message ?? 'verification failed';
        if (c.pending) {
          out.push(`      <skipped message="${esc(`pending pact, not fatal: ${first}`)}"/>`);
        } else {
          out.push(`      <failure message="${esc(first)}" type="pact.mismatch">${esc(detail)}</failure>`);
        }
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function secondsOf(duration: string | undefined): string | undefined {
  if (duration === undefined) return undefined;
  const ms = /^(\d+(?:\.\d+)?)ms$/.exec(duration);
  if (ms !== null) return (Number(ms[1]) / 1000).toFixed(3);
  const s = /^(\d+(?:\.\d+)?)s$/.exec(duration);
  if (s !== null) return Number(s[1]).toFixed(3);
  return undefined;
}
