// `cxpact consumer` without the CLI: reads data-actions/, builds every case's interaction, replays them all
// against real Pact mock servers in this one process, checks the translated outputs, and writes one V4 pact per
// consumer-provider pair. One bad action never hides the others: every problem lands in the report.

import fs from 'node:fs';
import path from 'node:path';
import { fieldPath, type DataAction } from '../core/data-action';
import type { Finding } from '../core/finding';
import type { EngineIssue } from '../core/contract/engine';
import { CxpactError, messageOf } from '../core/errors';
import {
  currentLimits,
  endBudget,
  LimitExceededError,
  limitErrorFromRaw,
  resolveLimits,
  setDefaultLimits,
  sizeLimitError,
  startBudget,
  tooDeep,
  type Limits,
} from '../core/limits';
import { guardedLoop } from './backstop';
import { casesFileFor, parseCasesFile, type ContractCase } from '../core/contract/cases';
import { deriveCases } from '../core/contract/derive';
import type { DataActionEngine } from '../core/contract/engine';
import { buildInteraction, caseProblem, checkCaseOutcome, type CaseProblem } from '../core/contract/from-data-action';
import type { InteractionSpec } from '../core/contract/interaction';
import { discoverProviders, type ProviderFolder } from './layout';
import { pactFileName } from '../core/contract/pact-file';
import { replayInteractions, writePact, type ReplayItem, type ReplayOptions } from './pact-ffi';
import { stepsToPath, type FieldRead } from '../core/contract/response-shape';
import { whereChecked, type CheckedBy } from '../core/contract/where-checked';
import { didYouMean, fieldPresent } from '../core/contract/near-miss';
import { velocityGotchaFix } from '../core/lint/velocity-gotchas';

export interface CaseReport {
  name: string;
  kind: ContractCase['kind'];
  description: string;
  /** The provider state's name; absent when the case has none. */
  providerState?: string;
  /** Where the case is checked: in the pact (the provider is verified against it) or by the emulator only. */
  checkedBy: CheckedBy;
  /** Why it is checked there. */
  checkedByReason: string;
  ok: boolean;
  problems: CaseProblem[];
  output?: unknown;
}

export interface ActionReport {
  /** Action name, or the file name when the file did not parse. */
  name: string;
  file: string;
  slug?: string;
  consumer: string;
  provider: string;
  casesSource: 'file' | 'derived' | 'none';
  ok: boolean;
  /** Problems with the action itself (parse, JSONPath, cases file): the findings of the errors that stopped it. */
  errors: Finding[];
  cases: CaseReport[];
}

export interface PairReport {
  consumer: string;
  provider: string;
  pactFile?: string;
  interactions: number;
  /** No pact was written and a pact file from an earlier run was removed (it would be a stale contract). */
  removedStale?: boolean;
}

export interface ConsumerReport {
  ok: boolean;
  actions: ActionReport[];
  pacts: PairReport[];
  /** Problems not tied to an action (layout, config). */
  errors: Finding[];
  totals: {
    actions: number;
    cases: number;
    passed: number;
    failed: number;
    actionErrors: number;
    /** Cases checked in a pact (interactions written when they pass). */
    inPacts: number;
    /** Cases checked by the emulator only (never written to a pact). */
    emulatorOnly: number;
  };
}

export interface ConsumerRunOptions {
  dataActionsDir: string;
  pactsDir: string;
  engine: DataActionEngine;
  replay?: ReplayOptions;
  /** Write pact files (default true). */
  write?: boolean;
  /** Budgets and limits of each action's evaluation (defaults: src/core/limits.ts, README "Limits and budgets"). */
  limits?: Partial<Limits>;
  /** Where the user runs cxpact: pacts and fixes name files relative to it (default: the process's working directory). */
  cwd?: string;
}

interface PendingCase {
  id: string;
  action: DataAction;
  report: ActionReport;
  caseReport: CaseReport;
  kase: ContractCase;
  reads: FieldRead[];
  spec?: InteractionSpec;
  /** The raw response body the case describes (an absent field removed): what the emulator translates. */
  example: unknown;
  folder: ProviderFolder;
}

/** An error that stopped an action (or the run) as the finding it carries, naming `fallbackFile` when it names no file. */
function errorFinding(error: unknown, fallbackFile: string): Finding {
  // "Maximum call stack size exceeded" and friends become the limit they hit; never a raw JavaScript error.
  error = limitErrorFromRaw(error) ?? error;
  if (error instanceof CxpactError) return { ...error.finding, at: { file: fallbackFile, ...error.finding.at } };
  return {
    code: 'internal',
    severity: 'error',
    message: messageOf(error),
    at: { file: fallbackFile },
    fix: 'Report this as a cxpact bug with the definition attached.',
  };
}

/**
 * Where an input-schema failure is fixed: the case's input in its cases file, or the schema of a derived case. The
 * issue says which property is missing as data (`missing`), not in its message.
 */
function inputProblemWhere(
  action: DataAction,
  kase: ContractCase,
  issue: EngineIssue,
): Pick<CaseProblem, 'at' | 'fix'> {
  const missing = issue.rule === 'required' ? issue.missing : undefined;
  if (kase.origin.kind === 'file') {
    return {
      at: { file: kase.origin.file, path: `${kase.origin.path}.input` },
      fix:
        missing !== undefined
          ? `add ${missing} to the case's input, or fix the input schema`
          : "change the case's input to match the input schema, or fix the input schema",
    };
  }
  return {
    at: { file: action.file, path: fieldPath(action, { kind: 'inputSchema' }) },
    fix: `fix the input schema (the derived case's input comes from it), or write the case's input in ${path.basename(casesFileFor(action.file))}`,
  };
}

function casesFor(action: DataAction, actionsInFile: number): { file?: string } {
  const bySlug = path.join(path.dirname(action.file), `${action.slug}.cases.json`);
  if (fs.existsSync(bySlug)) return { file: bySlug };
  const byFile = casesFileFor(action.file);
  if (actionsInFile === 1 && fs.existsSync(byFile)) return { file: byFile };
  return {};
}

/**
 * Absent-field cases from a cases file whose field no other case's response has: the default is applied, so the
 * case passes, but it tests nothing (usually a typo in the translationMap path). Each gets a problem.
 */
function absentFieldsNeverPresent(cases: ContractCase[], reads: FieldRead[]): Map<ContractCase, CaseProblem> {
  const out = new Map<ContractCase, CaseProblem>();
  for (const kase of cases) {
    if (kase.kind !== 'absent-field' || kase.origin.kind !== 'file' || kase.absentField === undefined) continue;
    const absent = reads.filter((r) => r.variable === kase.absentField && r.steps.length > 0);
    if (absent.length === 0) continue; // an unknown variable is reported by buildInteraction
    const others = cases.filter((c) => c !== kase && c.kind !== 'failure').map((c) => c.response.body);
    if (absent.some((r) => others.some((body) => fieldPresent(body, r.steps)))) continue;
    const read = absent[0] as FieldRead;
    const bodies = [kase.response.body, ...others];
    const similar = bodies.map((b) => didYouMean(b, read.steps)).find((x) => x !== undefined);
    out.set(
      kase,
      caseProblem(
        'case.absent-field.never-present',
        `absentField "${kase.absentField}" reads ${stepsToPath(read.steps)} (${read.expression}), which no response of this action's cases has, so the default always applies and the case tests nothing` +
          (similar !== undefined
            ? `; did you mean ${similar.replace(/^\$\.?/, '')}? (${similar} is in the responses)`
            : ''),
        {
          output: kase.absentField,
          expression: read.expression,
          responseField: stepsToPath(read.steps),
          at: kase.origin.kind === 'file' ? { file: kase.origin.file, path: kase.origin.path } : {},
          fix:
            similar !== undefined
              ? `fix the path in translationMap.${kase.absentField} (${read.expression} -> ${similar}), or add a success case whose response has ${stepsToPath(read.steps)}`
              : `fix the path in translationMap.${kase.absentField}, or add a success case whose response has ${stepsToPath(read.steps)}`,
        },
      ),
    );
  }
  return out;
}

/** Runs every case of every action; resolves to the full report (never throws for bad input). */
export async function runConsumerContracts(options: ConsumerRunOptions): Promise<ConsumerReport> {
  const { engine } = options;
  const layout = discoverProviders(options.dataActionsDir, { skipDirs: [options.pactsDir] });
  // Pact comments name files relative to the working directory, or to the folder holding the data-actions folder
  // when that is elsewhere: the pact's content never depends on an absolute path.
  const root = path.resolve(options.dataActionsDir);
  const cwd = options.cwd ?? process.cwd();
  const commentBase = root.startsWith(cwd + path.sep) ? cwd : path.dirname(root);
  const globalErrors = layout.errors.map((e) => errorFinding(e, options.dataActionsDir));
  const actions: ActionReport[] = [];
  const pending: PendingCase[] = [];
  let seq = 0;

  // Each action is evaluated under its own budget; a hard time limit backs the budgets up (shared/limits.ts).
  const limits = resolveLimits(options.limits);
  const previousDefaults = currentLimits();
  setDefaultLimits(limits);
  const files = layout.folders.flatMap((folder) => folder.definitionFiles.map((file) => ({ folder, file })));
  let at = 0;
  const timedOut = (): void => {
    const { folder, file } = files[at++] as (typeof files)[number];
    const e = new LimitExceededError(
      'budget.time',
      'timeMs',
      `the evaluation did not finish within its ${limits.timeMs.toLocaleString('en-US')} ms budget and was stopped`,
      'Make the definition cheaper to evaluate (fewer nested loops, simpler regexes)',
    );
    const last = actions[actions.length - 1];
    if (last !== undefined && last.file === file) last.errors.push(errorFinding(e, file));
    else
      actions.push({
        file,
        consumer: folder.consumer,
        provider: folder.provider,
        casesSource: 'none',
        ok: false,
        name: path.basename(file),
        errors: [errorFinding(e, file)],
        cases: [],
      });
  };
  guardedLoop(
    limits.timeMs,
    (more) => {
      for (; at < files.length && more(); at++) {
        const { folder, file } = files[at] as (typeof files)[number];
        startBudget(limits);
        {
          const base: Omit<ActionReport, 'name'> = {
            file,
            consumer: folder.consumer,
            provider: folder.provider,
            casesSource: 'none',
            ok: false,
            errors: [],
            cases: [],
          };
          let parsed: { actions: DataAction[]; errors: CxpactError[] };
          try {
            parsed = engine.parseDefinitionFile(file, fs.readFileSync(file, 'utf8'));
          } catch (error) {
            actions.push({ ...base, name: path.basename(file), errors: [errorFinding(error, file)] });
            continue;
          }
          if (parsed.errors.length > 0 && parsed.actions.length === 0) {
            actions.push({
              ...base,
              name: path.basename(file),
              errors: parsed.errors.map((e) => errorFinding(e, file)),
            });
            continue;
          }
          if (parsed.actions.length === 0) {
            actions.push({
              ...base,
              name: path.basename(file),
              errors: [
                errorFinding(
                  new CxpactError('data-action.contract.missing', 'The file holds no Data Action.', {
                    file,
                    fix: 'Put a Data Action definition (UI export, Platform API object or Terraform) in the file, or move the file out of data-actions/.',
                  }),
                  file,
                ),
              ],
            });
            continue;
          }
          for (const action of parsed.actions) {
            startBudget(limits);
            const report: ActionReport = {
              ...base,
              name: action.name,
              slug: action.slug,
              errors: parsed.errors.map((e) => errorFinding(e, file)),
              cases: [],
            };
            actions.push(report);
            let reads: FieldRead[];
            try {
              reads = engine.responseFieldsRead(action);
            } catch (error) {
              report.errors.push(errorFinding(error, file));
              continue;
            }
            try {
              let cases: ContractCase[];
              const casesFile = casesFor(action, parsed.actions.length).file;
              if (casesFile !== undefined) {
                report.casesSource = 'file';
                const size = fs.statSync(casesFile).size;
                if (size > limits.fileBytes)
                  throw Object.assign(
                    sizeLimitError(
                      `the cases file ${path.basename(casesFile)}`,
                      size,
                      'fileBytes',
                      limits.fileBytes,
                      'Keep cases files small (trim recorded bodies to the fields the translation reads)',
                    ),
                    { file: casesFile },
                  );
                const result = parseCasesFile(casesFile, fs.readFileSync(casesFile, 'utf8'));
                report.errors.push(...result.errors.map((e) => errorFinding(e, casesFile)));
                cases = result.cases;
              } else {
                report.casesSource = 'derived';
                cases = deriveCases(action, reads);
              }
              const neverPresent = absentFieldsNeverPresent(cases, reads);
              for (const kase of cases) {
                const where = whereChecked(kase);
                const caseReport: CaseReport = {
                  name: kase.name,
                  kind: kase.kind,
                  description: kase.description,
                  ...(kase.providerState === undefined ? {} : { providerState: kase.providerState.name }),
                  checkedBy: where.checkedBy,
                  checkedByReason: where.reason,
                  ok: false,
                  problems: [],
                };
                report.cases.push(caseReport);
                const typo = neverPresent.get(kase);
                if (typo !== undefined) caseReport.problems.push(typo);
                const inputIssues = engine.validateInput(action, kase.input);
                if (inputIssues.length > 0) {
                  for (const issue of inputIssues) {
                    caseReport.problems.push(
                      caseProblem(
                        'case.input.invalid',
                        `the case's inputs break the input schema: ${issue.message}${issue.field ? ` (at ${issue.field})` : ''}`,
                        inputProblemWhere(action, kase, issue),
                      ),
                    );
                  }
                  continue;
                }
                const deepBody = tooDeep(kase.response.body, limits.depth);
                if (deepBody !== undefined) {
                  caseReport.problems.push(
                    caseProblem(
                      'limit.depth',
                      `the case's response body nests deeper than ${limits.depth} levels (at ${deepBody})`,
                      { fix: 'Use a flatter response body, or raise the limit: --limit-depth / CXPACT_LIMIT_DEPTH' },
                    ),
                  );
                  continue;
                }
                let spec: InteractionSpec;
                let example: unknown;
                try {
                  const rendered = engine.renderRequest(action, kase.input);
                  const built = buildInteraction(action, kase, rendered, reads, commentBase);
                  caseReport.problems.push(...built.problems);
                  spec = built.spec;
                  example = built.example;
                } catch (error) {
                  const failed = errorFinding(error, file);
                  if (failed.code === 'velocity.syntax' || /^(budget|limit)\./.test(failed.code)) {
                    // A template that does not parse (or spends the action's budget) fails every case the same way: one error for the action.
                    report.cases.pop();
                    report.errors.push(failed);
                    break;
                  }
                  caseReport.problems.push(
                    caseProblem(
                      failed.code,
                      `the request does not render: ${failed.message}${failed.at.path ? ` (at ${failed.at.path})` : ''}`,
                      { fix: velocityGotchaFix(action) ?? failed.fix },
                    ),
                  );
                  continue;
                }
                if (caseReport.problems.length > 0) continue;
                pending.push({ id: String(seq++), action, report, caseReport, kase, reads, spec, example, folder });
              }
            } catch (error) {
              // Scenario: an unexpected failure (a bug, an unreadable cases file): this action fails, the others run.
              report.errors.push(errorFinding(error, file));
            }
          }
        }
      }
      return at >= files.length;
    },
    timedOut,
  );
  endBudget();

  // Two actions of one folder with the same name would collide in the pact (description + state is the key).
  const seenDescriptions = new Map<string, number>();
  for (const p of pending) {
    if (p.spec === undefined) continue;
    const key = `${p.folder.consumer}\u0000${p.folder.provider}\u0000${p.spec.description}\u0000${JSON.stringify(p.spec.providerStates)}`;
    const n = seenDescriptions.get(key) ?? 0;
    seenDescriptions.set(key, n + 1);
    if (n > 0) p.spec.description = `${p.spec.description} [${p.action.slug}]`;
  }

  // Pact cases are replayed against the real Pact mock server (the interaction written is the one replayed);
  // emulator-only cases are translated from the case's own response, as Genesys would.
  const items: ReplayItem[] = pending
    .filter((p) => p.spec !== undefined && p.caseReport.checkedBy === 'pact')
    .map((p) => ({ id: p.id, spec: p.spec as InteractionSpec }));
  const answers = await replayInteractions(items, options.replay);
  for (const p of pending) {
    if (p.caseReport.checkedBy === 'emulator') {
      try {
        const checked = await checkCaseOutcome(
          engine,
          p.action,
          p.kase,
          p.reads,
          { status: p.kase.response.status, headers: p.kase.response.headers, body: p.example },
          cwd,
        );
        p.caseReport.problems.push(...checked.problems);
        if (checked.output !== undefined) p.caseReport.output = checked.output;
      } catch (error) {
        p.caseReport.problems.push(caseProblem('translation.failed', messageOf(error)));
      }
      p.caseReport.ok = p.caseReport.problems.length === 0;
      continue;
    }
    const answer = answers.get(p.id);
    if (answer === undefined || !answer.ok || answer.status === undefined) {
      for (const problem of answer?.problems ?? ['no answer from the mock server']) {
        p.caseReport.problems.push(
          caseProblem('mock.mismatch', `the rendered request does not match the interaction: ${problem}`),
        );
      }
      continue;
    }
    try {
      startBudget(limits);
      const checked = await checkCaseOutcome(
        engine,
        p.action,
        p.kase,
        p.reads,
        { status: answer.status, headers: answer.headers, body: answer.body },
        cwd,
      );
      p.caseReport.problems.push(...checked.problems);
      if (checked.output !== undefined) p.caseReport.output = checked.output;
    } catch (error) {
      const limit = limitErrorFromRaw(error, 'the translation');
      p.caseReport.problems.push(
        limit !== undefined
          ? caseProblem(limit.code, limit.message, { fix: limit.fix })
          : caseProblem('translation.failed', messageOf(error)),
      );
    }
    p.caseReport.ok = p.caseReport.problems.length === 0;
  }

  endBudget();
  setDefaultLimits(previousDefaults);

  // One pact per pair, holding only interactions whose case passed.
  const pacts: PairReport[] = [];
  const byPair = new Map<string, { consumer: string; provider: string; specs: InteractionSpec[] }>();
  for (const folder of layout.folders) {
    const key = `${folder.consumer}\u0000${folder.provider}`;
    if (!byPair.has(key)) byPair.set(key, { consumer: folder.consumer, provider: folder.provider, specs: [] });
  }
  for (const p of pending) {
    if (p.caseReport.ok && p.caseReport.checkedBy === 'pact' && p.spec !== undefined)
      byPair.get(`${p.folder.consumer}\u0000${p.folder.provider}`)?.specs.push(p.spec);
  }
  for (const pair of byPair.values()) {
    const pr: PairReport = { consumer: pair.consumer, provider: pair.provider, interactions: pair.specs.length };
    if (options.write !== false && pair.specs.length === 0) {
      // No passing interaction: a pact left from an earlier run would be a stale contract, publishable by mistake.
      const stale = path.join(options.pactsDir, pactFileName(pair.consumer, pair.provider));
      if (fs.existsSync(stale)) {
        fs.rmSync(stale, { force: true });
        pr.removedStale = true;
      }
    }
    if (options.write !== false && pair.specs.length > 0) {
      try {
        pr.pactFile = writePact(pair.consumer, pair.provider, pair.specs, options.pactsDir, {
          generator: 'cxpact consumer',
        });
      } catch (error) {
        globalErrors.push(errorFinding(error, options.pactsDir));
      }
    }
    pacts.push(pr);
  }

  if (actions.length === 0 && layout.errors.length === 0) {
    globalErrors.push(
      errorFinding(
        new CxpactError('layout.no-actions', `No Data Action definitions found under ${options.dataActionsDir}.`, {
          file: options.dataActionsDir,
          fix: 'Add definitions as <data-actions>/<provider>/<action>.json (UI export, Platform API object, .tf or .tf.json).',
        }),
        options.dataActionsDir,
      ),
    );
  }
  for (const a of actions) a.ok = a.errors.length === 0 && a.cases.length > 0 && a.cases.every((c) => c.ok);
  const cases = actions.flatMap((a) => a.cases);
  const passed = cases.filter((c) => c.ok).length;
  return {
    ok: globalErrors.length === 0 && actions.length > 0 && actions.every((a) => a.ok),
    actions,
    pacts,
    errors: globalErrors,
    totals: {
      actions: actions.length,
      cases: cases.length,
      passed,
      failed: cases.length - passed,
      actionErrors: actions.filter((a) => a.errors.length > 0).length,
      inPacts: cases.filter((c) => c.checkedBy === 'pact').length,
      emulatorOnly: cases.filter((c) => c.checkedBy === 'emulator').length,
    },
  };
}
