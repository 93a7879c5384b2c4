// `cxpact run`: the offline runner. Renders a Data Action's request and, given a raw response, its translation
// and outputs with their validation: a Data Action run without a Genesys org.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { summaryOf } from '../command-list';
import { parseCommandArgs, stringOpt } from '../args';
import { CxpactError, messageOf } from '../../core/errors';
import { defaultEngine } from '../../io/default-engine';
import type { EngineIssue } from '../../core/contract/engine';
import type { DataAction, RawResponse, RenderedRequest } from '../../core/data-action';
import type { FieldRead } from '../../core/contract/response-shape';
import {
  activeBudget,
  endBudget,
  LIMIT_ARGS,
  LIMITS_HELP,
  limitErrorFromRaw,
  limitsFromArgs,
  restoreBudget,
  startBudget,
  withNewBudget,
} from '../../core/limits';
import { guarded } from '../../io/backstop';
import { findingLines, reportJson } from '../render';

const help = `Usage: cxpact run <action-file> --input <json|file> [--response <json|file>] [--action <name>] [--json]

Runs one Data Action offline, the way Genesys Cloud would: validates the inputs against the input contract,
renders the request (Velocity in URL, headers and body; credentials become placeholders, never real values) and,
given a raw response, applies the response translation (translationMap + defaults + successTemplate, or JSONata)
and validates the outputs against contract.output.successSchema (draft-04, no coercion).

Arguments:
  <action-file>        a definition: UI export JSON, Platform API object, .tf or .tf.json

Options:
  --input <json|file>  the execution inputs: inline JSON ('{"phoneNumber":"+15551234567"}') or a JSON file
  --response <json|file>
                       the raw response: inline JSON or a JSON file, shaped
                       {"status": 200, "headers": {...}, "body": {...}} (the same shape as a case's "response"
                       in <action>.cases.json; a bare body is refused), e.g.
                       --response '{"status": 200, "body": {"customer": {"customerId": "C-1"}}}'
  --action <name>      which action, when the file holds several (name or slug)
  --json               print one JSON object:
                       {request: {method, url, headers, body}, translation, output, valid, errors: [{message, ...}]}
                       (url as rendered: relative /api/v2/... for Genesys Cloud actions); a usage error
                       (exit 2) is still printed as text on stderr, with nothing on stdout
  -h, --help           show this help

Examples:
  cxpact run data-actions/crm/lookup.json --input '{"phoneNumber": "+15551234567"}'
  cxpact run data-actions/crm/lookup.json --input input.json --response '{"status": 404, "body": {}}'

Environment variables: the budget and limit variables below.

${LIMITS_HELP}
Exit codes:
  0  the request rendered and (with --response) the outputs are valid
  1  invalid inputs, a template/translation error, a non-2xx response or outputs breaking the output schema
  2  usage error (missing file, bad --input)
`;

interface RunResult {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null } | null;
  translation: Record<string, unknown> | null;
  output: unknown;
  valid: boolean;
  /** Findings (EngineIssue: a Finding with the variable, expression and data pointer); --json prints them flat. */
  errors: EngineIssue[];
  /** Defaults applied where a near-identical key was in the response ("did you mean ..."). */
  notes?: string[];
}

/** The "did you mean" helpers, loaded only when a path found nothing (a clean run does not need them). */
function nearMiss(): typeof import('../../core/contract/near-miss') {
  return require('../../core/contract/near-miss') as typeof import('../../core/contract/near-miss');
}

/** A path that found nothing: "did you mean" when a near-identical key is in the response; a default typed from the output schema. */
function withNearMiss(e: EngineIssue, raw: RawResponse, reads: () => FieldRead[]): EngineIssue {
  if (e.code !== 'translation.path.not-found' || e.variable === undefined) return e;
  const { defaultFix, didYouMean } = nearMiss();
  const read = reads().find((r) => r.variable === e.variable);
  const similar = read === undefined ? undefined : didYouMean(raw.body, read.steps);
  const fix = `${similar !== undefined ? `read ${similar} in translationMap.${e.variable}, or add` : 'Add'} a default: ${defaultFix(e.variable, read)} (JSON text), or make sure the response always has this field.`;
  return {
    ...e,
    message:
      similar !== undefined
        ? `${e.message} Did you mean ${similar.replace(/^\$\.?/, '')}? (${similar} is in the response)`
        : e.message,
    fix,
  };
}

function readJsonArg(flag: string, value: string, cwd: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      throw new CxpactError('usage.invalid-json', `--${flag} is not valid JSON: ${messageOf(error)}.`, {
        fix: `Pass --${flag} '{"name": "value"}' or a path to a JSON file.`,
      });
    }
  }
  const file = path.resolve(cwd, value);
  if (!fs.existsSync(file)) {
    throw new CxpactError('usage.file-not-found', `--${flag} file not found: ${value}.`, {
      file: value,
      fix: `Pass inline JSON or an existing JSON file to --${flag}.`,
    });
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CxpactError('usage.invalid-json', `--${flag} file is not valid JSON: ${messageOf(error)}.`, {
      file: value,
      path: '$',
      fix: 'Fix the JSON syntax.',
    });
  }
}

/** An error as a result entry: budget and limit errors (also raw "too deep/too big" ones) name the file. */
function errorEntry(error: unknown, file: string): EngineIssue {
  const e = limitErrorFromRaw(error) ?? error;
  if (e instanceof CxpactError) return { ...e.finding, at: { file, ...e.finding.at } };
  return {
    code: 'internal',
    severity: 'error',
    message: messageOf(e),
    at: { file },
    fix: 'Report this as a cxpact bug with the definition and the inputs attached.',
  };
}

/** Where an issue is: its JSON path in the file, or the pointer into the data it is about. */
function placeOf(e: EngineIssue): string | undefined {
  return e.at.path ?? (e.field === undefined || e.field === '' ? undefined : e.field);
}

function pickAction(actions: DataAction[], wanted: string | undefined, file: string): DataAction {
  if (wanted !== undefined) {
    const found = actions.find((a) => a.name === wanted || a.slug === wanted);
    if (found) return found;
    throw new CxpactError('usage.unknown-action', `No action "${wanted}" in ${file}.`, {
      file,
      fix: `Use one of: ${actions.map((a) => a.slug).join(', ')}.`,
    });
  }
  if (actions.length === 1) return actions[0] as DataAction;
  throw new CxpactError('usage.ambiguous-action', `${file} holds ${actions.length} actions.`, {
    file,
    fix: `Pick one with --action: ${actions.map((a) => a.slug).join(', ')}.`,
  });
}

function formatHuman(result: RunResult, defaultsUsed: string[]): string {
  const lines: string[] = [];
  if (result.request) {
    lines.push('Request:', `  ${result.request.method} ${result.request.url}`);
    for (const [k, v] of Object.entries(result.request.headers)) lines.push(`  ${k}: ${v}`);
    if (result.request.body !== null)
      lines.push(
        '',
        result.request.body
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
  }
  if (result.translation !== null) {
    lines.push('', 'Translation:');
    for (const [k, v] of Object.entries(result.translation))
      lines.push(
        `  ${k} = ${JSON.stringify(v)}${defaultsUsed.includes(k) ? '   (translationMapDefaults: the path did not resolve)' : ''}`,
      );
  }
  if (result.output !== null && result.output !== undefined)
    lines.push('', 'Output:', JSON.stringify(result.output, null, 2).replace(/^/gm, '  '));
  if (result.notes !== undefined) lines.push('', 'Notes:', ...result.notes.map((n) => `  - ${n}`));
  if (result.errors.length > 0) {
    lines.push('', 'Errors:');
    for (const e of result.errors) {
      const place = placeOf(e);
      lines.push(
        ...findingLines(
          { ...e, message: `${e.message}${place === undefined ? '' : ` (at ${place})`}` },
          { indent: '  ', head: '- ', at: false },
        ),
      );
    }
  }
  const scope =
    result.translation === null && result.output === null
      ? 'inputs and request (pass --response <file> to run the translation)'
      : 'inputs, request and outputs';
  lines.push('', result.valid ? `valid: ${scope}` : 'INVALID');
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'run',
  summary: summaryOf('run'),
  help,
  async run(argv, io) {
    const args = parseCommandArgs(
      'run',
      argv,
      {
        input: { type: 'string' },
        response: { type: 'string' },
        action: { type: 'string' },
        json: { type: 'boolean' },
        ...LIMIT_ARGS,
      },
      true,
    );
    const limits = limitsFromArgs(args.values, io.env);
    const [fileArg, ...extra] = args.positionals;
    if (fileArg === undefined || extra.length > 0) {
      throw new CxpactError('usage.action-file', 'cxpact run needs exactly one <action-file>.', {
        fix: 'Run `cxpact run data-actions/crm-customer-api/lookup-customer-by-phone.json --input \'{"phoneNumber":"+15551234567"}\'`.',
      });
    }
    const file = path.resolve(io.cwd, fileArg);
    if (!fs.existsSync(file))
      throw new CxpactError('usage.file-not-found', `Action file not found: ${fileArg}.`, {
        file: fileArg,
        fix: 'Pass the path of a Data Action definition.',
      });
    const inputArg = stringOpt(args, 'input') ?? '{}';
    const input = readJsonArg('input', inputArg, io.cwd);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new CxpactError('usage.invalid-input', '--input must be a JSON object of input-contract properties.', {
        fix: 'Pass --input \'{"phoneNumber": "+15551234567"}\'.',
      });
    }
    const responseArg = stringOpt(args, 'response');
    let raw: RawResponse | undefined;
    if (responseArg !== undefined) {
      const r = readJsonArg('response', responseArg, io.cwd);
      if (typeof r !== 'object' || r === null || Array.isArray(r) || !('body' in r || 'status' in r)) {
        throw new CxpactError(
          'usage.invalid-response',
          '--response must be {"status": 200, "headers": {...}, "body": {...}} (inline JSON or a JSON file).',
          {
            file: responseArg,
            path: '$',
            fix: 'Wrap the body: {"status": 200, "headers": {}, "body": <the response JSON>}.',
          },
        );
      }
      const rr = r as Record<string, unknown>;
      const status = rr['status'] ?? 200;
      if (typeof status !== 'number')
        throw new CxpactError('usage.invalid-response', '"status" must be a number.', {
          file: responseArg,
          path: '$.status',
          fix: 'Write "status": 200.',
        });
      raw = { status, headers: (rr['headers'] ?? {}) as Record<string, string>, body: rr['body'] };
    }

    const engine = await defaultEngine();
    // Every step of the evaluation runs under the budget, with a hard time limit behind it (shared/limits.ts).
    const parsed = guarded(limits.timeMs, () =>
      withNewBudget(limits, () => engine.parseDefinitionFile(file, fs.readFileSync(file, 'utf8'))),
    );
    const result: RunResult = { request: null, translation: null, output: null, valid: false, errors: [] };
    let defaultsUsed: string[] = [];
    const notes: string[] = [];
    if (parsed.actions.length === 0) {
      result.errors.push(
        ...(parsed.errors.length > 0
          ? parsed.errors
          : [new CxpactError('data-action.contract.missing', 'The file holds no Data Action.', { file })]
        ).map((e) => e.finding),
      );
    } else {
      const action = pickAction(parsed.actions, stringOpt(args, 'action'), fileArg);
      // The fields the translation reads, for "did you mean" hints: worked out only when a hint is needed, and
      // outside the action's budget (under a budget of its own, as when it was worked out before the evaluation).
      let fieldsRead: FieldRead[] | undefined;
      const reads = (): FieldRead[] => {
        if (fieldsRead === undefined) {
          const budget = activeBudget();
          restoreBudget(undefined);
          try {
            fieldsRead = engine.responseFieldsRead(action);
          } catch {
            fieldsRead = []; // a broken JSONPath is reported by the translation itself
          } finally {
            restoreBudget(budget);
          }
        }
        return fieldsRead;
      };
      const inputs = input as Record<string, unknown>;
      let rendered: RenderedRequest | undefined;
      try {
        result.errors.push(
          ...guarded(limits.timeMs, () => withNewBudget(limits, () => engine.validateInput(action, inputs))).map(
            (e) => ({ ...e, message: `input: ${e.message}` }),
          ),
        );
        rendered = guarded(limits.timeMs, () => withNewBudget(limits, () => engine.renderRequest(action, inputs)));
        result.request = {
          method: rendered.method,
          url: rendered.url,
          headers: rendered.headers,
          body: rendered.body ?? null,
        };
      } catch (error) {
        const data = errorEntry(error, file);
        // `$esc.url(${input.id}).json` and its kind: say exactly what to write instead.
        const gotcha = (
          require('../../core/lint/velocity-gotchas') as typeof import('../../core/lint/velocity-gotchas')
        ).velocityGotchaFix(action);
        if (gotcha !== undefined && !/^(budget|limit)\./.test(data.code)) data.fix = gotcha;
        result.errors.push(data);
      }
      if (raw !== undefined) {
        if (raw.status < 200 || raw.status > 299) {
          result.errors.push({
            code: 'response.status.failure',
            severity: 'error',
            message: `The response status ${raw.status} is not 2xx: Genesys takes the action's Failure path and applies no translation.`,
            at: {},
          });
        } else {
          try {
            startBudget(limits);
            const outcome = await engine.translateResponse(action, raw, inputs);
            result.translation = outcome.translation;
            defaultsUsed = outcome.defaultsUsed;
            result.output = outcome.output ?? null;
            result.errors.push(...outcome.errors.map((e) => withNearMiss(e, raw as RawResponse, reads)));
            for (const v of outcome.defaultsUsed) {
              const read = reads().find((r) => r.variable === v);
              const similar = read === undefined ? undefined : nearMiss().didYouMean(raw.body, read.steps);
              if (similar !== undefined)
                notes.push(
                  `${v}: ${read?.expression ?? ''} did not resolve, so its default was used; did you mean ${similar.replace(/^\$\.?/, '')}? (${similar} is in the response)`,
                );
            }
            if (outcome.output !== undefined && outcome.errors.length === 0)
              result.errors.push(
                ...engine
                  .validateOutput(action, outcome.output)
                  .map((e) => ({ ...e, message: `output: ${e.message}` })),
              );
          } catch (error) {
            result.errors.push(errorEntry(error, file));
          }
          endBudget();
        }
      }
      result.valid = result.errors.length === 0;
    }
    if (notes.length > 0) result.notes = notes;
    io.stdout(args.values['json'] === true ? `${reportJson(result)}\n` : formatHuman(result, defaultsUsed));
    return result.valid ? 0 : 1;
  },
};
