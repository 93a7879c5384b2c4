// One Data Action case through the whole machinery, for hand-written consumer tests (consumers/*.pact.test.ts):
// render -> interaction -> real mock server -> translation -> checks. The same path `cxpact consumer` takes.

import fs from 'node:fs';
import path from 'node:path';
import type { DataAction } from '../core/data-action';
import { CxpactError } from '../core/errors';
import type { ContractCase } from '../core/contract/cases';
import type { DataActionEngine } from '../core/contract/engine';
import { buildInteraction, checkCaseOutcome, type CaseProblem } from '../core/contract/from-data-action';
import type { InteractionSpec } from '../core/contract/interaction';
import { DEFAULT_CONSUMER } from './layout';
import { executeInteraction } from './pact-ffi';

/** Loads the single action of a definition file (or the one named `name`). */
export function loadAction(engine: DataActionEngine, file: string, name?: string): DataAction {
  const parsed = engine.parseDefinitionFile(file, fs.readFileSync(file, 'utf8'));
  if (parsed.actions.length === 0)
    throw (
      parsed.errors[0] ?? new CxpactError('data-action.contract.missing', 'The file holds no Data Action.', { file })
    );
  const action =
    name === undefined ? parsed.actions[0] : parsed.actions.find((a) => a.name === name || a.slug === name);
  if (action === undefined)
    throw new CxpactError('data-action.not-found', `No action "${name}" in ${file}.`, {
      file,
      fix: `Use one of: ${parsed.actions.map((a) => a.slug).join(', ')}.`,
    });
  return action;
}

export interface ActionCaseResult {
  spec: InteractionSpec;
  output?: unknown;
  translation?: Record<string, unknown>;
  problems: CaseProblem[];
}

/**
 * Runs one case of an action against a real Pact mock server and, when it passes and `pactsDir` is given, merges
 * the interaction into `<consumer>-<provider>.json` there.
 * @example const r = await runActionCase({ engine, action, provider: 'crm-customer-api', kase }); expect(r.problems).toEqual([]);
 */
export async function runActionCase(options: {
  engine: DataActionEngine;
  action: DataAction;
  provider: string;
  consumer?: string;
  kase: Omit<ContractCase, 'optional' | 'origin'> & Partial<Pick<ContractCase, 'optional' | 'origin'>>;
  pactsDir?: string;
}): Promise<ActionCaseResult> {
  const { engine, action } = options;
  const kase: ContractCase = {
    optional: [],
    origin: { kind: 'file', file: 'hand-written test', path: '$' },
    ...options.kase,
  };
  const inputIssues = engine.validateInput(action, kase.input);
  if (inputIssues.length > 0)
    throw new CxpactError(
      'case.input.invalid',
      `The inputs break the input schema: ${inputIssues.map((i) => i.message).join('; ')}`,
      { file: action.file },
    );
  const reads = engine.responseFieldsRead(action);
  const { spec, problems } = buildInteraction(
    action,
    kase,
    engine.renderRequest(action, kase.input),
    reads,
    process.cwd(),
  );
  if (problems.length > 0) return { spec, problems };
  let checked: Awaited<ReturnType<typeof checkCaseOutcome>> | undefined;
  const pactsDir = options.pactsDir === undefined ? undefined : path.resolve(options.pactsDir);
  const target = {
    consumer: options.consumer ?? DEFAULT_CONSUMER,
    provider: options.provider,
    spec,
    ...(pactsDir === undefined ? {} : { pactsDir }),
  };
  // Only a passing case reaches the pact file.
  await executeInteraction(
    { ...target, writeIf: () => checked !== undefined && checked.problems.length === 0 },
    async (baseUrl) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.request.headers))
        headers[k] = typeof v === 'string' ? v : String(v.value);
      const body =
        spec.request.body === undefined
          ? undefined
          : spec.request.body.kind === 'json'
            ? JSON.stringify(spec.request.body.json)
            : spec.request.body.text;
      const res = await fetch(new URL(spec.request.rawPathAndQuery, baseUrl), {
        method: spec.request.method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      const resHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        resHeaders[k] = v;
      });
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      checked = await checkCaseOutcome(
        engine,
        action,
        kase,
        reads,
        { status: res.status, headers: resHeaders, body: parsed },
        process.cwd(),
      );
    },
  );
  const result: ActionCaseResult = { spec, problems: checked?.problems ?? [] };
  if (checked?.output !== undefined) result.output = checked.output;
  if (checked?.translation !== undefined) result.translation = checked.translation;
  return result;
}
