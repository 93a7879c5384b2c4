// `cxpact lint` core: loads every Data Action under a folder, runs the rules on each, and turns definition
// problems (malformed JSON, missing fields) into findings too, so one bad file never hides the others.
import fs from 'node:fs';
import path from 'node:path';
import { actionFromJson, parseDefinitionFile, slugFromFile } from '../core/data-action/parse';
import { loadDataActions } from './files';
import type { DataAction } from '../core/data-action/model';
import { casesFileFor, parseCasesFile } from '../core/contract/cases';
import type { CxpactError } from '../core/errors';
import { lintAction } from '../core/lint/registry';
import type { LintFinding, LintOptions, LintResult } from '../core/lint/types';
import { compareFindings, type Code } from '../core/finding';
import { isRecord } from '../core/json';
import {
  currentLimits,
  limitErrorFromRaw,
  resolveLimits,
  setDefaultLimits,
  sizeLimitError,
  startBudget,
} from '../core/limits';
import { guardedEach } from './backstop';

/** An error that stopped reading a definition or cases file, as the lint finding it is. */
function errorFinding(error: CxpactError, action = '', code: Code = error.code): LintFinding {
  const f = error.finding;
  return {
    code,
    severity: 'error',
    message: f.message,
    at: { ...f.at, file: f.at.file ?? '', path: f.at.path ?? '$' },
    fix: f.fix ?? 'Fix the definition.',
    action,
  };
}

/** A finding of the driver itself (a budget, a limit, a bug) about a whole action or file. */
function driverFinding(
  code: Code,
  message: string,
  file: string,
  path: string,
  fix: string,
  action: string,
): LintFinding {
  return { code, severity: 'error', message, at: { file, path }, fix, action };
}

/** Parse errors that the lint rules report better themselves (timeout range, missing contracts). */
function recoverable(error: CxpactError): boolean {
  return (
    (error.path !== undefined && /^\$\.config\.timeoutSeconds$/.test(error.path)) ||
    (error.code === 'data-action.contract.missing' && /^\$\.contract/.test(error.path ?? ''))
  );
}

/**
 * A whole-file JSON definition the parser rejected only for a bad timeout or a missing contract: parse it again
 * with those fields neutralised so every other rule still runs; the lint rules then report the timeout and the
 * missing output contract themselves (with the right context, e.g. custom-auth actions have no contract).
 */
function recover(file: string): DataAction | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!isRecord(json) || !isRecord(json['config'])) return undefined;
  const patched = structuredClone(json) as Record<string, unknown>;
  const config = patched['config'] as Record<string, unknown>;
  const timeout = config['timeoutSeconds'];
  delete config['timeoutSeconds'];
  const contract = isRecord(patched['contract']) ? patched['contract'] : {};
  const input = isRecord(contract['input']) ? contract['input'] : {};
  const output = isRecord(contract['output']) ? contract['output'] : {};
  patched['contract'] = {
    ...contract,
    input: { ...input, inputSchema: isRecord(input['inputSchema']) ? input['inputSchema'] : {} },
    output: { ...output, successSchema: isRecord(output['successSchema']) ? output['successSchema'] : {} },
  };
  const r = actionFromJson(file, patched, '$', slugFromFile(file));
  if (r.action === undefined) return undefined;
  if (typeof timeout === 'number') r.action.timeoutSeconds = timeout;
  else if (timeout !== undefined && timeout !== null) r.action.timeoutSeconds = Number.NaN;
  return r.action;
}

/** A .tf file rejected only for out-of-range timeouts: parse it again without them so the other rules run. */
function recoverTerraform(file: string): DataAction[] | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').replace(/^[ \t]*config_timeout_seconds[ \t]*=[^\n]*$/gm, '');
    const r = parseDefinitionFile(file, text);
    return r.errors.length === 0 ? r.actions : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lints every Data Action definition under `dir` (recursively) and its `<slug>.cases.json`. `options.info` adds the
 * info findings (never failing a run).
 */
export async function lintDataActions(dir: string, options: LintOptions = {}): Promise<LintResult> {
  const limits = resolveLimits(options.limits);
  const previousDefaults = currentLimits();
  setDefaultLimits(limits);
  const loaded = await loadDataActions(dir);
  const findings: LintFinding[] = [];
  const actions: DataAction[] = [...loaded.actions];
  let unparsed = 0;

  // Group parse errors by file; recover files whose only problems the rules cover.
  const byFile = new Map<string, CxpactError[]>();
  for (const error of loaded.errors) {
    const key = error.file ?? dir;
    byFile.set(key, [...(byFile.get(key) ?? []), error]);
  }
  for (const [file, errors] of byFile) {
    const recovered =
      errors.every(recoverable) && /\.json$/i.test(file) && !/\.tf\.json$/i.test(file) ? recover(file) : undefined;
    if (recovered !== undefined) {
      actions.push(recovered);
      continue;
    }
    const tf =
      /\.tf$/i.test(file) && errors.every((e) => /\.config_timeout_seconds$/.test(e.path ?? ''))
        ? recoverTerraform(file)
        : undefined;
    if (tf !== undefined) {
      actions.push(...tf);
      findings.push(...errors.map((e) => errorFinding(e, '', 'lint.config.timeout-range')));
      continue;
    }
    unparsed += 1;
    findings.push(...errors.map((e) => errorFinding(e)));
  }

  // Each action is linted under its own budget, with a hard time limit behind it (shared/limits.ts): one action that
  // cannot be evaluated in time is a finding, and every other action is still linted.
  guardedEach(
    actions,
    limits.timeMs,
    (action) => {
      startBudget(limits);
      try {
        findings.push(...lintAction(action, options));
      } catch (error) {
        const limit = limitErrorFromRaw(error, 'linting this action');
        findings.push(
          driverFinding(
            limit?.code ?? 'internal',
            limit !== undefined
              ? `The action could not be linted: ${limit.message}`
              : `The linter failed on this action: ${(error as Error).message}`,
            action.file,
            action.pointer,
            limit?.fix ?? 'Report this as a cxpact bug with the definition attached.',
            action.name,
          ),
        );
      }
    },
    (action) =>
      findings.push(
        driverFinding(
          'budget.time',
          `Linting this action did not finish within its ${limits.timeMs.toLocaleString('en-US')} ms budget and was stopped (a regex or loop that never ends?)`,
          action.file,
          action.pointer,
          'Simplify the templates and expressions of this action, or raise the budget: --budget-time-ms / CXPACT_BUDGET_TIME_MS',
          action.name,
        ),
      ),
  );
  setDefaultLimits(previousDefaults);

  // Cases files beside the definitions.
  const casesFiles = new Set(actions.map((a) => casesFileFor(a.file)));
  for (const casesFile of [...casesFiles].sort()) {
    if (!fs.existsSync(casesFile)) continue;
    const size = fs.statSync(casesFile).size;
    if (size > limits.fileBytes) {
      const e = sizeLimitError(
        `the cases file ${path.basename(casesFile)}`,
        size,
        'fileBytes',
        limits.fileBytes,
        'Keep cases files small (trim recorded bodies to the fields the translation reads)',
      );
      findings.push(driverFinding(e.code, e.message, casesFile, '$', e.fix ?? '', ''));
      continue;
    }
    try {
      const { errors } = parseCasesFile(casesFile, fs.readFileSync(casesFile, 'utf8'));
      findings.push(...errors.map((e) => errorFinding(e)));
    } catch (error) {
      const limit = limitErrorFromRaw(error, 'reading the cases file');
      if (limit === undefined) throw error;
      findings.push(driverFinding(limit.code, limit.message, casesFile, '$', limit.fix ?? '', ''));
    }
  }

  return {
    actions: actions
      .map((a) => ({ name: a.name, file: a.file, slug: a.slug }))
      .sort((a, b) => a.file.localeCompare(b.file)),
    findings: findings.sort(compareFindings),
    unparsed,
  };
}

/** Makes file names in findings relative to `cwd` (for reports). */
export function relativize(result: LintResult, cwd: string): LintResult {
  const rel = (f: string): string => (path.isAbsolute(f) ? path.relative(cwd, f) || f : f);
  return {
    ...result,
    actions: result.actions.map((a) => ({ ...a, file: rel(a.file) })),
    findings: result.findings.map((f) => ({ ...f, at: { ...f.at, file: rel(f.at.file) } })),
  };
}
