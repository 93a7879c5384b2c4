// Lint reports: human text, JSON and JUnit XML (GitLab `artifacts:reports:junit`), over render/index.ts.
import { countBySeverity } from '../../core/finding';
import type { LintResult } from '../../core/lint/types';
import { fileJUnit, findingJson, groupedText } from './index';

/** `error  lint.secret.literal  $.path` + message + fix, grouped by file, then a summary line. */
export function formatText(result: LintResult): string {
  const lines = groupedText(result.findings);
  const { errors, warnings, infos } = countBySeverity(result.findings);
  if (lines.length > 0) lines.push('');
  const bad = new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.at.file)).size;
  lines.push(
    `${result.actions.length} Data Action(s) linted${result.unparsed > 0 ? `, ${result.unparsed} file(s) could not be parsed` : ''}: ${errors} error(s)${errors > 0 ? ` in ${bad} file(s)` : ''}, ${warnings} warning(s)${infos > 0 ? `, ${infos} info` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: LintResult): string {
  const { errors, warnings, infos } = countBySeverity(result.findings);
  return `${JSON.stringify(
    {
      summary: {
        actions: result.actions.length,
        unparsed: result.unparsed,
        errors,
        warnings,
        ...(infos > 0 ? { infos } : {}),
      },
      findings: result.findings.map(findingJson),
      actions: result.actions,
    },
    null,
    2,
  )}\n`;
}

/** One testcase per definition file; error findings fail it, warnings and info go to system-out. */
export function formatJUnit(result: LintResult): string {
  return fileJUnit('cxpact lint', 'cxpact.lint', {
    findings: result.findings,
    files: result.actions.map((a) => a.file),
  });
}
