// Every Finding a command shows goes through here: as text (one block per finding: message, where, fix, hint),
// as JSON (flat: `file`, `path`, `line`, `column` beside the code, as --json has always printed them) and as JUnit
// XML (GitLab's artifacts:reports:junit). Commands choose the layout around the blocks; the blocks are the same.
// Pure: strings in, strings out.
import path from 'node:path';
import type { At, Finding } from '../../core/finding';
import { countBySeverity, isFinding } from '../../core/finding';
import { CxpactError } from '../../core/errors';
import { safeJson } from '../../core/limits';
import { xmlEscape } from '../../core/xml';

// ---------------------------------------------------------------------------------------------------------------
// Text

/** `file path` (or `file path:line:column`), a file inside `cwd` shown relative to it. Empty when the finding has no place. */
export function whereText(at: At, cwd?: string): string {
  const file = at.file === undefined ? undefined : shownFile(at.file, cwd);
  const place =
    at.path === undefined ? undefined : `${at.path}${at.line === undefined ? '' : `:${at.line}:${at.column ?? 1}`}`;
  return [file, place].filter((p) => p !== undefined && p !== '').join(' ');
}

/** A path inside `cwd` relative to it, anything else as given. */
export function shownFile(file: string, cwd?: string): string {
  if (cwd === undefined || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

export interface BlockOptions {
  /** Indentation of the first line. */
  indent?: string;
  /** Indentation of the detail lines (default: two more than the first). */
  detailIndent?: string;
  /** Written before the message: `[cxpact] `, `error: `, `- action / case: `. */
  head?: string;
  /** Detail lines before `at` (e.g. `(output x, expression $.a; translation.default.used)`). */
  context?: string[];
  /** Show where (default true). */
  at?: boolean;
  cwd?: string;
}

/** message / at / fix / hint: the block every command prints for a finding. */
export function findingLines(
  f: Pick<Finding, 'message' | 'at' | 'fix' | 'hint'>,
  options: BlockOptions = {},
): string[] {
  const indent = options.indent ?? '';
  const inner = options.detailIndent ?? `${indent}  `;
  const lines = [`${indent}${options.head ?? ''}${f.message}`];
  for (const c of options.context ?? []) lines.push(`${inner}${c}`);
  const where = options.at === false ? '' : whereText(f.at, options.cwd);
  if (where !== '') lines.push(`${inner}at ${where}`);
  if (f.fix !== undefined) lines.push(`${inner}fix: ${f.fix}`);
  if (f.hint !== undefined) lines.push(`${inner}hint: ${f.hint}`);
  return lines;
}

/** A CxpactError (or any thrown value) for stderr: `[cxpact] message`, then where and the fix. */
export function formatError(error: unknown, cwd?: string): string {
  if (error instanceof CxpactError) return findingLines(error.finding, { head: '[cxpact] ', cwd }).join('\n');
  if (error instanceof Error) return `[cxpact] ${error.message}`;
  return `[cxpact] ${String(error)}`;
}

/**
 * A mismatch of an HTTP exchange, where the place is part of the message (`status: expected 200 ...`,
 * `body $.customer.id: ...`): `label place: message`, then hint and fix. Used by verify and check-recorded.
 */
export function mismatchLines(
  f: Pick<Finding, 'message' | 'at' | 'fix' | 'hint'>,
  options: { indent: string; label?: string; fixFirst?: boolean },
): string[] {
  const place = [options.label, f.at.path].filter((p) => p !== undefined && p !== '').join(' ');
  const lines = [`${options.indent}${place === '' ? '' : `${place}: `}${f.message}`];
  const hint = f.hint === undefined ? [] : [`${options.indent}  hint: ${f.hint}`];
  const fix = f.fix === undefined ? [] : [`${options.indent}  fix: ${f.fix}`];
  lines.push(...(options.fixFirst === true ? [...fix, ...hint] : [...hint, ...fix]));
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// Lint-style reports: findings grouped by file

export interface FileReport<F extends Finding = Finding> {
  findings: readonly F[];
  /** Every file checked (files without findings are passing test cases in JUnit). */
  files: readonly string[];
}

/** Per file (in the order given: sort with compareFindings): `file`, then `  severity code  path:line:column` / message / fix. */
export function groupedText(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  let file: string | undefined;
  for (const f of findings) {
    const fFile = f.at.file ?? '';
    if (fFile !== file) {
      if (file !== undefined) lines.push('');
      file = fFile;
      lines.push(file);
    }
    lines.push(
      `  ${f.severity.padEnd(7)} ${f.code}  ${f.at.path ?? ''}${f.at.line === undefined ? '' : `:${f.at.line}:${f.at.column ?? 1}`}`,
    );
    // A message of several lines (a JSONPath error with its caret) keeps its continuation lines under the first.
    lines.push(
      ...findingLines(
        { ...f, message: f.message.split('\n').join('\n    ') },
        { indent: '    ', detailIndent: '    ', at: false },
      ),
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

/**
 * A finding as --json prints it: flat, the location's `file`, `path`, `line` and `column` beside the code (the shape
 * --json has always had), then the specialisation's own fields (`action`, `consumer`, `expected`, ...).
 */
export function findingJson(f: Finding): Record<string, unknown> {
  const { code, severity, message, at, fix, hint, ...extra } = f as Finding & Record<string, unknown>;
  return {
    code,
    severity,
    message,
    ...(at.file === undefined ? {} : { file: at.file }),
    ...(at.path === undefined ? {} : { path: at.path }),
    ...(at.line === undefined ? {} : { line: at.line }),
    ...(at.column === undefined ? {} : { column: at.column }),
    ...(fix === undefined ? {} : { fix }),
    ...(hint === undefined ? {} : { hint }),
    ...extra,
  };
}

/** A report as JSON text, every Finding inside it (at any depth) in its findingJson form; depth-limited (safeJson). */
export function reportJson(report: unknown, indent = 2): string {
  return safeJson(flattenFindings(report), indent);
}

function flattenFindings(value: unknown, depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (value instanceof CxpactError) return findingJson(value.finding);
  if (isFinding(value)) return findingJson(value);
  if (Array.isArray(value)) return value.map((v) => flattenFindings(v, depth + 1));
  if (value instanceof Map || value instanceof Set) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = flattenFindings(v, depth + 1);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// JUnit XML

export interface JUnitCase {
  classname: string;
  name: string;
  /** Seconds, as text (`0.012`). */
  time?: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
}

/** `<testsuites>` with one `<testsuite>` per suite; `skippedAttribute` adds the skipped count to each suite. */
export function junitXml(
  name: string,
  suites: readonly JUnitSuite[],
  options: { skippedAttribute?: boolean } = {},
): string {
  const esc = xmlEscape;
  const all = suites.flatMap((s) => s.cases);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${esc(name)}" tests="${all.length}" failures="${all.filter((c) => c.failure !== undefined).length}">`,
  );
  for (const suite of suites) {
    const failures = suite.cases.filter((c) => c.failure !== undefined).length;
    const skipped =
      options.skippedAttribute === true
        ? ` skipped="${suite.cases.filter((c) => c.skipped !== undefined).length}"`
        : '';
    out.push(`  <testsuite name="${esc(suite.name)}" tests="${suite.cases.length}" failures="${failures}"${skipped}>`);
    for (const c of suite.cases) {
      out.push(
        `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}"${c.time === undefined ? '' : ` time="${c.time}"`}>`,
      );
      if (c.skipped !== undefined) out.push(`      <skipped message="${esc(c.skipped)}"/>`);
      if (c.failure !== undefined)
        out.push(
          `      <failure message="${esc(c.failure.message)}" type="${esc(c.failure.type)}">${esc(c.failure.body)}</failure>`,
        );
      if (c.systemOut !== undefined) out.push(`      <system-out>${esc(c.systemOut)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** One test case per file: its errors fail it, warnings and info go to system-out (lint's JUnit report). */
export function fileJUnit(name: string, classname: string, report: FileReport): string {
  const files = new Map<string, Finding[]>();
  for (const f of report.files) files.set(f, []);
  for (const f of report.findings) files.set(f.at.file ?? '', [...(files.get(f.at.file ?? '') ?? []), f]);
  const where = (at: At): string =>
    `${at.file ?? ''} ${at.path ?? ''}${at.line === undefined ? '' : ` (line ${at.line}, column ${at.column ?? 1})`}`;
  const block = (f: Finding, withSeverity: boolean): string =>
    `${withSeverity ? `${f.severity} ` : ''}${f.code} at ${where(f.at)}\n  ${f.message}${f.fix === undefined ? '' : `\n  fix: ${f.fix}`}`;
  const cases: JUnitCase[] = [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, findings]) => {
      const errors = findings.filter((f) => f.severity === 'error');
      const others = findings.filter((f) => f.severity !== 'error');
      const first = errors[0];
      return {
        classname,
        name: file,
        ...(first === undefined
          ? {}
          : {
              failure: {
                message: `${first.code}: ${first.message}`,
                type: first.code,
                body: errors.map((f) => block(f, false)).join('\n'),
              },
            }),
        ...(others.length === 0 ? {} : { systemOut: others.map((f) => block(f, true)).join('\n') }),
      };
    });
  return junitXml(name, [{ name, cases }]);
}

/** `N error(s), M warning(s)[, K info]` counts of a list of findings. */
export function severityCounts(findings: readonly Finding[]): { errors: number; warnings: number; infos: number } {
  return countBySeverity(findings);
}
