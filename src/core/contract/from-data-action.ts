// From a Data Action and one of its cases to an InteractionSpec (plain data), and the checks applied to what the
// mock server answered. Pure: the engine is passed in.

import type { DataAction, RenderedRequest } from '../data-action';
import { isRecord } from '../json';
import type { Code, Finding } from '../finding';
import type { ContractCase } from './cases';
import type { DataActionEngine, EngineIssue } from './engine';
import { requestFromRendered, type InteractionSpec } from './interaction';
import { derivedStatePrefix, isPrefix } from './derive';
import type { Matcher } from './matchers';
import { defaultFix, didYouMeanText } from './near-miss';
import { pactBodyFromExample, removeField, stepsToPath, type FieldRead } from './response-shape';

/**
 * A finding about one case: the Finding shape (`at`: the definition or cases file to change and the JSON path in
 * it, when known) plus what it is about: the output, the expression that feeds it, the response field it reads.
 */
export interface CaseProblem extends Finding {
  output?: string;
  expression?: string;
  responseField?: string;
}

/** A case problem (always an error: the case fails). */
export function caseProblem(
  code: Code,
  message: string,
  extra: Omit<Partial<CaseProblem>, 'code' | 'message' | 'severity'> = {},
): CaseProblem {
  const { at, ...rest } = extra;
  return { code, severity: 'error', message, at: at ?? {}, ...stripUndefined(rest) };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Reads the pact must require for a case: opt-outs and the absent field are left out. */
export function requiredReads(reads: FieldRead[], kase: ContractCase): FieldRead[] {
  const absent = kase.kind === 'absent-field' ? reads.filter((r) => r.variable === kase.absentField) : [];
  return reads.filter((r) => {
    if (kase.kind === 'absent-field' && r.variable === kase.absentField) return false;
    // Reads below the absent field go with it.
    if (absent.some((a) => isPrefix(a.steps, r.steps))) return false;
    const p = stepsToPath(r.steps);
    return !kase.optional.some((o) => o === r.variable || o === p || o === r.expression);
  });
}

/** Builds the interaction of a case from its rendered request. */
export function buildInteraction(
  action: DataAction,
  kase: ContractCase,
  rendered: RenderedRequest,
  reads: FieldRead[],
  /** Files in the pact's comments are relative to this folder (the project root: the caller's working directory). */
  baseDir: string,
): { spec: InteractionSpec; problems: CaseProblem[]; example: unknown } {
  const problems: CaseProblem[] = [];
  // The UI export's " - Exported <date> @ <time>" suffix changes with every export: it stays out of the pact.
  const description = `${derivedStatePrefix(action)} / ${kase.name}: ${kase.description}`;
  const contentType =
    Object.entries(kase.response.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  const spec: InteractionSpec = {
    description,
    providerStates: kase.providerState === undefined ? [] : [kase.providerState],
    request: requestFromRendered(rendered),
    response: { status: kase.response.status, headers: {} },
    comments: [
      `cxpact: generated from ${relative(action.file, baseDir)} (${action.pointer})`,
      `cxpact case: ${kase.origin.kind === 'file' ? `${relative(kase.origin.file, baseDir)} ${kase.origin.path}` : 'derived from the schemas'}`,
    ],
  };
  if (spec.request.redactedHeaders !== undefined) {
    spec.comments.push(
      `cxpact: literal credential in header(s) ${spec.request.redactedHeaders.join(', ')} replaced by a placeholder; use \${credentials.X} in the definition`,
    );
  }
  if (spec.request.body?.kind === 'text' && /json/i.test(spec.request.body.contentType)) {
    let reason = '';
    try {
      JSON.parse(spec.request.body.text);
    } catch (error) {
      reason = (error as Error).message;
    }
    if (reason !== '') {
      problems.push(
        caseProblem(
          'request.body.not-json',
          `the rendered requestTemplate is sent as ${spec.request.body.contentType} but is not valid JSON (${reason}); the backend would reject it. Rendered body: ${spec.request.body.text.slice(0, 300)}`,
        ),
      );
    }
  }
  if (kase.kind === 'failure') {
    // Scenario: the flow takes the Failure path; only the status matters to it, so only the status is contracted.
    return { spec, problems, example: kase.response.body };
  }
  const needed = requiredReads(reads, kase);
  let example = kase.response.body;
  if (kase.kind === 'absent-field') {
    const absent = reads.filter((r) => r.variable === kase.absentField);
    if (absent.length === 0) {
      problems.push(
        caseProblem(
          'case.absent-field.unknown',
          `absentField "${kase.absentField}" is not a variable the translation reads (known: ${[...new Set(reads.map((r) => r.variable))].join(', ') || 'none'})`,
          { output: kase.absentField },
        ),
      );
    } else if (!absent.some((r) => r.hasDefault)) {
      problems.push(
        caseProblem(
          'case.absent-field.no-default',
          `absentField "${kase.absentField}" has no translationMapDefaults entry, so the action would fail when the field is missing`,
          { output: kase.absentField, expression: absent[0]?.expression },
        ),
      );
    }
    for (const r of absent) example = removeField(example, r);
  }
  if (needed.length > 0 || example !== undefined) {
    const { body, missing } = pactBodyFromExample(example, needed);
    for (const m of missing) {
      // Scenario: a definite path the case's response lacks. Replaying shows what Genesys would do (the default
      // applied, or the action failing), with a message naming output, path and field: no need to stop here.
      if (m.read?.steps.every((s) => s.kind !== 'each') && (m.read.usage ?? 'value') === 'value') continue;
      problems.push(
        caseProblem(
          'case.response.missing-field',
          `the case's response has no ${m.path}, which the translation reads${m.read ? ` for "${m.read.variable}" (${m.read.expression})` : ''}; add it to the response, or list it in "optional"`,
          {
            ...(m.read ? { output: m.read.variable, expression: m.read.expression } : {}),
            responseField: m.path,
            ...(kase.origin.kind === 'file'
              ? { at: { file: kase.origin.file, path: `${kase.origin.path}.response.body` } }
              : {}),
          },
        ),
      );
    }
    spec.response.body = body;
    spec.response.headers['Content-Type'] = contentTypeMatcher(contentType);
  }
  return { spec, problems, example };
}

/**
 * The response Content-Type of an interaction. A media type with parameters (`application/json; charset=utf-8`)
 * becomes a regex matcher on the media type, so a provider that sends plain `application/json` (or another
 * charset) still matches; a bare media type stays a plain value (Pact already accepts extra parameters then).
 */
export function contentTypeMatcher(contentType: string): string | Matcher {
  const semi = contentType.indexOf(';');
  if (semi === -1) return contentType;
  const mediaType = contentType.slice(0, semi).trim();
  if (!/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/.test(mediaType)) return contentType;
  const escaped = mediaType.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { 'pact:matcher:type': 'regex', regex: `^${escaped}\\s*(;.*)?$`, value: contentType };
}

/** `file` relative to `base` when it is inside it (no base: as given). */
function relative(file: string, base: string | undefined): string {
  return base !== undefined && file.startsWith(`${base}/`) ? file.slice(base.length + 1) : file;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Which reads feed an output property (by variable name, or the variable used for it in the success template). */
function readsForOutput(action: DataAction, reads: FieldRead[], output: string): FieldRead[] {
  const direct = reads.filter((r) => r.variable === output);
  if (direct.length > 0) return direct;
  const tpl = action.response.successTemplate;
  const m = new RegExp(`"${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*([^,}\\n]*)`).exec(tpl);
  if (m) {
    const used = reads.filter((r) =>
      new RegExp(`\\$!?\\{?${r.variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(m[1] as string),
    );
    if (used.length > 0) return used;
  }
  return [];
}

function issueToProblem(issue: EngineIssue, reads: FieldRead[]): CaseProblem {
  const read = issue.variable === undefined ? undefined : reads.find((r) => r.variable === issue.variable);
  // The engine's finding, where it points (schema issues point nowhere: their pointer is into the data, not a file).
  return caseProblem(issue.code, issue.message, {
    at: issue.at,
    fix: issue.fix,
    hint: issue.hint,
    output: issue.variable,
    expression: issue.expression ?? read?.expression,
    responseField: read === undefined ? undefined : stepsToPath(read.steps),
  });
}

/** A path that resolves nowhere: where to change the response, or the default (typed from the output schema) to add. */
function caseResponseFix(
  kase: ContractCase,
  field: string | undefined,
  variable: string | undefined,
  read: FieldRead | undefined,
  baseDir: string | undefined,
): string {
  const dflt = variable === undefined ? 'a translationMapDefaults entry' : defaultFix(variable, read);
  if (kase.origin.kind !== 'file')
    return `make sure the response always has ${field ?? 'the field'}, or give the variable a default in the definition: ${dflt}`;
  return `add ${field ?? 'the field'} to the case's response in ${relative(kase.origin.file, baseDir)} (${kase.origin.path}.response.body), or give the variable a default in the definition: ${dflt}`;
}

/**
 * Checks what the mock answered for a case: translates it, validates the outputs, and fails on outputs that are
 * null or came from a default (a renamed field silently falling back is what contracts exist to catch).
 */
export async function checkCaseOutcome(
  engine: DataActionEngine,
  action: DataAction,
  kase: ContractCase,
  reads: FieldRead[],
  answer: { status: number; headers: Record<string, string>; body?: unknown },
  /** Files named in fixes are relative to this folder (the caller's working directory); absent: as given. */
  baseDir?: string,
): Promise<{ problems: CaseProblem[]; output?: unknown; translation?: Record<string, unknown> }> {
  const problems: CaseProblem[] = [];
  if (answer.status !== kase.response.status) {
    problems.push(
      caseProblem(
        'mock.status.unexpected',
        `the mock server answered ${answer.status}, the case expects ${kase.response.status}`,
      ),
    );
    return { problems };
  }
  if (kase.kind === 'failure') {
    if (answer.status >= 200 && answer.status <= 299)
      problems.push(caseProblem('case.failure.not-failing', `a failure case got a ${answer.status} response`));
    return { problems };
  }
  const outcome = await engine.translateResponse(
    action,
    { status: answer.status, headers: answer.headers, body: answer.body },
    kase.input,
  );
  for (const e of outcome.errors) {
    const problem = issueToProblem(e, reads);
    if (e.code === 'translation.path.not-found') {
      const read = reads.find((r) => r.variable === e.variable);
      problem.message += didYouMeanText(kase.response.body, read);
      problem.fix = caseResponseFix(kase, problem.responseField, e.variable, read, baseDir);
    }
    problems.push(problem);
  }
  const allowedDefaults = new Set<string>();
  if (kase.kind === 'absent-field' && kase.absentField !== undefined) {
    allowedDefaults.add(kase.absentField);
    if (
      !outcome.defaultsUsed.includes(kase.absentField) &&
      !problems.some((p) => p.code.startsWith('case.absent-field'))
    ) {
      const read = reads.find((r) => r.variable === kase.absentField);
      problems.push(
        caseProblem(
          'case.absent-field.default-not-applied',
          `"${kase.absentField}" did not fall back to its translationMapDefaults value although ${read ? stepsToPath(read.steps) : 'its field'} was absent`,
          {
            output: kase.absentField,
            ...(read ? { expression: read.expression, responseField: stepsToPath(read.steps) } : {}),
          },
        ),
      );
    }
  }
  for (const variable of outcome.defaultsUsed) {
    const read = reads.find((r) => r.variable === variable);
    if (allowedDefaults.has(variable) || kase.optional.includes(variable)) continue;
    if (
      read !== undefined &&
      (kase.optional.includes(stepsToPath(read.steps)) || kase.optional.includes(read.expression))
    )
      continue;
    problems.push(
      caseProblem(
        'translation.default.used',
        `output "${variable}" fell back to its default ${JSON.stringify(action.response.translationMapDefaults[variable] ?? '')}: ${read?.expression ?? 'its path'} did not resolve in the response; the provider must return ${read ? stepsToPath(read.steps) : 'the field'}${didYouMeanText(kase.response.body, read)}`,
        { output: variable, ...(read ? { expression: read.expression, responseField: stepsToPath(read.steps) } : {}) },
      ),
    );
  }
  if (
    outcome.output !== undefined &&
    typeof outcome.output === 'object' &&
    outcome.output !== null &&
    !Array.isArray(outcome.output)
  ) {
    for (const [key, value] of Object.entries(outcome.output)) {
      if (value !== null || kase.optional.includes(key)) continue;
      const feeding = readsForOutput(action, reads, key);
      const read = feeding[0];
      if (kase.kind === 'absent-field' && read !== undefined && read.variable === kase.absentField) {
        problems.push(
          caseProblem(
            'translation.default.null',
            `output "${key}" is null because the translationMapDefaults value of "${read.variable}" is ${JSON.stringify(action.response.translationMapDefaults[read.variable] ?? '')}: when ${stepsToPath(read.steps)} is missing the flow gets null (the output schema decides whether the action fails)`,
            { output: key, expression: read.expression, responseField: stepsToPath(read.steps) },
          ),
        );
        continue;
      }
      problems.push(
        caseProblem(
          'translation.output.null',
          `output "${key}" is null${read ? `: ${read.expression} found null or nothing in the response; the provider must return ${stepsToPath(read.steps)}${didYouMeanText(kase.response.body, read)}` : ''}`,
          { output: key, ...(read ? { expression: read.expression, responseField: stepsToPath(read.steps) } : {}) },
        ),
      );
    }
  }
  if (outcome.output !== undefined && outcome.errors.length === 0) {
    for (const e of engine.validateOutput(action, outcome.output)) {
      problems.push(issueToProblem(e, reads));
    }
  }
  if (
    kase.expectedOutput !== undefined &&
    outcome.output !== undefined &&
    !deepEqual(kase.expectedOutput, outcome.output)
  ) {
    const exp = kase.expectedOutput;
    const got = outcome.output;
    const diffs: string[] = [];
    if (isRecord(exp) && isRecord(got)) {
      for (const k of new Set([...Object.keys(exp), ...Object.keys(got)])) {
        const a = exp[k];
        const b = got[k];
        if (!deepEqual(a, b)) diffs.push(`${k}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
      }
    } else diffs.push(`expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
    for (const d of diffs) {
      const key = d.slice(0, d.indexOf(':'));
      const read = readsForOutput(action, reads, key)[0];
      problems.push(
        caseProblem('case.output.unexpected', `outputs differ from expectedOutput: ${d}`, {
          output: key,
          ...(read ? { expression: read.expression, responseField: stepsToPath(read.steps) } : {}),
        }),
      );
    }
  }
  return { problems, output: outcome.output, translation: outcome.translation };
}
