// genesys-test: runs each action's cases through the org's test endpoint (/test, or /draft/test for drafts),
// compares every step with cxpact's emulation, measures latency per action and writes an audit log (JSON lines,
// no secrets, no input values).
import fs from 'node:fs';
import path from 'node:path';
import { loadDataActions } from '../files';
import type { DataAction } from '../../core/data-action/model';
import { casesFileFor, parseCasesFile, type ContractCase } from '../../core/contract/cases';
import { deriveCases } from '../../core/contract/derive';
import { CxpactError } from '../../core/errors';
import type { GenesysClient, PlatformAction } from './client';
import { compareWithEmulation, median, percentile, type FidelityResult } from '../../core/genesys/fidelity';
import { baseName } from './pull';
import { cxpactCommand } from '../cli-spelling';
import { isRecord } from '../../core/json';

export interface CaseRun {
  case: string;
  /** Wall time of the test call that answered (ms). */
  latencyMs: number;
  fidelity?: FidelityResult;
  /** The call failed (after retries): the case could not be compared. */
  error?: string;
}

export interface ActionRun {
  name: string;
  slug: string;
  file: string;
  actionId?: string;
  draft: boolean;
  cases: CaseRun[];
  latency: { median: number; p95: number; calls: number };
  /**
   * Where the cases came from: the action's cases file, or derived from the input schema (as `pact:consumer` does
   * for an action without a cases file; only the inputs matter here, the org's backend gives the response).
   */
  casesSource?: 'file' | 'derived';
  /** Why the action was not run (not in the org, no cases file, ...). */
  skipped?: string;
  /** A problem that fails the run for this action (mapping error, unreadable cases file). */
  error?: CxpactError;
}

export interface GenesysTestReport {
  actions: ActionRun[];
  /** Definition files that could not be parsed. */
  errors: CxpactError[];
  /**
   * `uncompared`: case runs whose platform answer had no step cxpact could compare (no request or execute
   * operation): neither agreement nor difference, so fidelity was not measured for them.
   */
  totals: {
    actions: number;
    cases: number;
    agreed: number;
    differing: number;
    uncompared: number;
    failedCalls: number;
    skipped: number;
  };
}

export interface AuditSink {
  write(event: Record<string, unknown>): void;
}

/** JSON lines into a file (appends; creates the folder). */
export function fileAuditSink(file: string): AuditSink & { close(): void } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  return {
    write: (event) => fs.writeSync(fd, `${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`),
    close: () => fs.closeSync(fd),
  };
}

export interface GenesysTestOptions {
  dir: string;
  /** Test drafts (`/draft/test`) for every action; otherwise a definition with `"draft": true` is a draft. */
  draft?: boolean;
  /** Only actions whose slug or name matches. */
  only?: string[];
  /** Run every case this many times (latency statistics). */
  repeat?: number;
  /**
   * Derive cases for actions of any method. Without it, an action without a cases file is run with derived inputs
   * only when it reads (GET/HEAD): the test endpoint calls the real backend, and made-up inputs sent to a POST, PUT,
   * PATCH or DELETE could create or change real records.
   */
  deriveWrites?: boolean;
  audit?: AuditSink;
}

/** `id` and `draft` written in the definition (a pulled file carries the org's id). */
function orgFields(action: DataAction): { id?: string; draft?: boolean } {
  if (!/\.json$/i.test(action.file) || /\.tf\.json$/i.test(action.file)) return {};
  try {
    let node: unknown = JSON.parse(fs.readFileSync(action.file, 'utf8').replace(/^\uFEFF/, ''));
    for (const m of action.pointer.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
      if (m[1] !== undefined) node = isRecord(node) ? node[m[1]] : undefined;
      else if (m[2] !== undefined) node = Array.isArray(node) ? node[Number(m[2])] : undefined;
    }
    if (!isRecord(node)) return {};
    return {
      ...(typeof node['id'] === 'string' ? { id: node['id'] } : {}),
      ...(node['draft'] === true ? { draft: true } : {}),
    };
  } catch {
    return {};
  }
}

type CasesOf = {
  file?: string;
  source?: 'file' | 'derived';
  cases: ContractCase[];
  errors: CxpactError[];
  skipped?: string;
};

/**
 * The action's cases: its cases file, else cases derived from the input schema the way `pact:consumer` derives them
 * (`deriveCases`). The derived cases differ only in the backend response they expect, which the org's real backend
 * gives here, so they collapse to one run per distinct input.
 */
function casesOf(action: DataAction, deriveWrites: boolean): CasesOf {
  const candidates = [casesFileFor(action.file), path.join(path.dirname(action.file), `${action.slug}.cases.json`)];
  const file = candidates.find((f) => fs.existsSync(f));
  if (file !== undefined) {
    const { cases, errors } = parseCasesFile(file, fs.readFileSync(file, 'utf8'));
    return { file, source: 'file', cases, errors };
  }
  const method = action.request.method.toUpperCase();
  if (!deriveWrites && method !== 'GET' && method !== 'HEAD') {
    return {
      cases: [],
      errors: [],
      skipped: `no cases file (${path.basename(casesFileFor(action.file))}), and derived inputs are not sent to a ${method} action: the org would call the real backend with made-up values. Add the cases file, or pass --derive-writes`,
    };
  }
  const seen = new Set<string>();
  const cases: ContractCase[] = [];
  for (const c of deriveCases(action, [])) {
    const key = JSON.stringify(c.input);
    if (seen.has(key)) continue;
    seen.add(key);
    cases.push({ ...c, name: cases.length === 0 ? 'derived-input' : `derived-input-${cases.length + 1}` });
  }
  return { source: 'derived', cases, errors: [] };
}

/** Maps each action to its org id: an `id` in the definition, else the org action with the same name. */
function resolveId(
  action: DataAction,
  written: string | undefined,
  org: PlatformAction[] | undefined,
): { id?: string; error?: CxpactError } {
  if (written !== undefined) return { id: written };
  const matches = (org ?? []).filter((a) => baseName(a.name) === baseName(action.name));
  if (matches.length === 1) return { id: (matches[0] as PlatformAction).id };
  if (matches.length === 0) {
    return {
      error: new CxpactError(
        'genesys.test.action-not-in-org',
        `Data Action "${action.name}" is not in the org (no action with that name, and the definition has no "id").`,
        {
          file: action.file,
          path: `${action.pointer}.name`,
          fix: `Import the action into the org (or run \`${cxpactCommand(undefined, 'genesys-pull')}\` to get the org's copy with its id), or add "id": "<org action id>" to the definition.`,
        },
      ),
    };
  }
  return {
    error: new CxpactError(
      'genesys.test.action-ambiguous',
      `Data Action "${action.name}" matches ${matches.length} org actions by name (${matches.map((m) => m.id).join(', ')}).`,
      {
        file: action.file,
        path: `${action.pointer}.name`,
        fix: 'Add "id": "<org action id>" to the definition to say which one.',
      },
    ),
  };
}

export async function runGenesysTests(client: GenesysClient, options: GenesysTestOptions): Promise<GenesysTestReport> {
  const loaded = await loadDataActions(options.dir);
  const audit = options.audit;
  const repeat = Math.max(1, options.repeat ?? 1);
  let actions = loaded.actions;
  if (options.only !== undefined && options.only.length > 0) {
    const wanted = new Set(options.only);
    actions = actions.filter((a) => wanted.has(a.slug) || wanted.has(a.name) || wanted.has(baseName(a.name)));
  }
  const prepared = actions.map((action) => ({
    action,
    org: orgFields(action),
    cases: casesOf(action, options.deriveWrites === true),
  }));
  // List the org only when some action has no id written in its definition.
  const needsListing = prepared.some((p) => p.org.id === undefined && p.cases.cases.length > 0);
  const orgActions = needsListing ? await client.listActions() : undefined;

  const runs: ActionRun[] = [];
  for (const { action, org, cases } of prepared) {
    const draft = options.draft === true || org.draft === true;
    const run: ActionRun = {
      name: action.name,
      slug: action.slug,
      file: action.file,
      draft,
      cases: [],
      latency: { median: 0, p95: 0, calls: 0 },
    };
    runs.push(run);
    if (cases.errors.length > 0) {
      run.error = cases.errors[0];
      continue;
    }
    if (cases.skipped !== undefined) {
      run.skipped = cases.skipped;
      continue;
    }
    if (cases.cases.length === 0) {
      run.skipped = `${path.basename(cases.file ?? casesFileFor(action.file))} has no cases`;
      continue;
    }
    if (cases.source !== undefined) run.casesSource = cases.source;
    const { id, error } = resolveId(action, org.id, orgActions);
    if (error !== undefined || id === undefined) {
      run.error = error;
      continue;
    }
    run.actionId = id;
    const latencies: number[] = [];
    for (const c of cases.cases) {
      for (let i = 0; i < repeat; i += 1) {
        const name = repeat > 1 ? `${c.name} #${i + 1}` : c.name;
        try {
          const response = await client.testAction(id, c.input, draft);
          latencies.push(response.latencyMs);
          const fidelity = await compareWithEmulation(action, c.input, response.body);
          run.cases.push({ case: name, latencyMs: response.latencyMs, fidelity });
          audit?.write({
            event: 'case',
            action: action.name,
            actionId: id,
            draft,
            case: name,
            casesSource: cases.source,
            inputKeys: Object.keys(c.input).sort(),
            platformSuccess: fidelity.platformSuccess,
            cxpactSuccess: fidelity.cxpactSuccess,
            compared: fidelity.compared,
            differences: fidelity.differences.map((d) => `${d.step}:${d.field}`),
            latencyMs: Math.round(response.latencyMs * 10) / 10,
          });
        } catch (e) {
          if (!(e instanceof CxpactError) || !/^genesys\.api\.(not-found|failed|rate-limited|malformed)$/.test(e.code))
            throw e;
          run.cases.push({ case: name, latencyMs: 0, error: e.message });
          audit?.write({ event: 'case', action: action.name, actionId: id, draft, case: name, error: e.code });
        }
      }
    }
    run.latency = { median: median(latencies), p95: percentile(latencies, 95), calls: latencies.length };
  }

  const all = runs.flatMap((r) => r.cases);
  return {
    actions: runs,
    errors: loaded.errors,
    totals: {
      actions: runs.length,
      cases: all.length,
      agreed: all.filter(
        (c) => c.fidelity !== undefined && c.fidelity.differences.length === 0 && c.fidelity.compared.length > 0,
      ).length,
      differing: all.filter((c) => c.fidelity !== undefined && c.fidelity.differences.length > 0).length,
      uncompared: all.filter(
        (c) => c.fidelity !== undefined && c.fidelity.differences.length === 0 && c.fidelity.compared.length === 0,
      ).length,
      failedCalls: all.filter((c) => c.error !== undefined).length,
      skipped: runs.filter((r) => r.skipped !== undefined).length,
    },
  };
}
