// Lint reports: human text, JSON, and JUnit XML (GitLab `artifacts:reports:junit`). Pure.
import type { LintFinding, LintResult } from './types';
import { xmlEscape } from '../xml';

const esc = xmlEscape;

function counts(result: LintResult): { errors: number; warnings: number; infos: number } {
  return {
    errors: result.findings.filter((f) => f.severity === 'error').length,
    warnings: result.findings.filter((f) => f.severity === 'warning').length,
    infos: result.findings.filter((f) => f.severity === 'info').length,
  };
}

function where(f: LintFinding): string {
  return `${f.file} ${f.path}${f.line === undefined ? '' : ` (line ${f.line}, column ${f.column ?? 1})`}`;
}

/** `error  lint.secret.literal  file $.path` + message + fix, grouped by file, then a summary line. */
export function formatText(result: LintResult): string {
  const lines: string[] = [];
  let file = '';
  for (const f of result.findings) {
    if (f.file !== file) {
      if (file !== '') lines.push('');
      file = f.file;
      lines.push(file);
    }
    lines.push(`  ${f.severity.padEnd(7)} ${f.code}  ${f.path}${f.line === undefined ? '' : `:${f.line}:${f.column ?? 1}`}`);
    lines.push(`    ${f.message}`);
    lines.push(`    fix: ${f.fix}`);
  }
  const { errors, warnings, infos } = counts(result);
  if (lines.length > 0) lines.push('');
  const bad = new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.file)).size;
  lines.push(
    `${result.actions.length} Data Action(s) linted${result.unparsed > 0 ? `, ${result.unparsed} file(s) could not be parsed` : ''}: ${errors} error(s)${errors > 0 ? ` in ${bad} file(s)` : ''}, ${warnings} warning(s)${infos > 0 ? `, ${infos} info` : ''}.`,
  );
  return lines.join('\n') + '\n';
}

export function formatJson(result: LintResult): string {
  const { errors, warnings, infos } = counts(result);
  return JSON.stringify({ summary: { actions: result.actions.length, unparsed: result.unparsed, errors, warnings, ...(infos > 0 ? { infos } : {}) }, findings: result.findings, actions: result.actions }, null, 2) + '\n';
}

/** One testcase per definition file; error findings fail it, warnings and info go to system-out. */
export function formatJUnit(result: LintResult): string {
  const files = new Map<string, LintFinding[]>();
  for (const a of result.actions) files.set(a.file, []);
  for (const f of result.findings) files.set(f.file, [...(files.get(f.file) ?? []), f]);
  const failed = [...files.values()].filter((fs) => fs.some((f) => f.severity === 'error')).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="cxpact lint" tests="${files.size}" failures="${failed}">`);
  out.push(`  <testsuite name="cxpact lint" tests="${files.size}" failures="${failed}">`);
  for (const [file, findings] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`    <testcase classname="cxpact.lint" name="${esc(file)}">`);
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0] as LintFinding;
      const body = errors.map((f) => `${f.code} at ${where(f)}\n  ${f.message}\n  fix: ${f.fix}`).join('\n');
      out.push(`      <failure message="${esc(`${first.code}: ${first.message}`)}" type="${esc(first.code)}">${esc(body)}</failure>`);
    }
    const warnings = findings.filter((f) => f.severity !== 'error');
    if (warnings.length > 0) {
      out.push(`      <system-out>${esc(warnings.map((f) => `${f.severity} ${f.code} at ${where(f)}\n  ${f.message}\n  fix: ${f.fix}`).join('\n'))}</system-out>`);
    }
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
