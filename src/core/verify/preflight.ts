// What to tell a provider team before the verifier runs, from the pacts and the provider config: which provider
// states have no handler, and which `{{credentials.X}}` placeholders the pacts send that the config does not
// inject (with the config line that would). After the run, the same facts explain 401/403 answers
// ("credentials not injected") and failures of interactions whose state nobody set up. Pure.
import { httpInteractions, type PactFile, type PactHttpRequest } from '../contract/pact-file';
import type { LoadedProviderConfig } from './provider-config';
import { mismatch, originKey, type VerificationSummary } from './hints';

/** A secret placeholder in a pact request, e.g. `Bearer {{credentials.apiKey}}` in the Authorization header. */
export interface Placeholder {
  where: 'header' | 'query' | 'path';
  /** Header or query parameter name; `path` for the path. */
  name: string;
  /** `credentials.apiKey` / `authResponse.access_token`. */
  placeholder: string;
  /** The whole example value, e.g. `Bearer {{credentials.apiKey}}`. */
  example: string;
}

export interface InteractionInfo {
  consumer: string;
  description: string;
  states: string[];
  placeholders: Placeholder[];
  /** cxpact's origin comments ("cxpact: generated from ..."). */
  origin: string[];
}

/** The HTTP interactions of the pacts, as far as the pre-flight needs them. */
export function interactionsOf(pacts: readonly PactFile[]): InteractionInfo[] {
  return pacts.flatMap((pact) =>
    httpInteractions(pact).map((i) => ({
      consumer: pact.consumer,
      description: i.description,
      states: i.providerStates.map((st) => st.name),
      placeholders: placeholdersOf(i.request),
      origin: i.comments.filter((t) => t.startsWith('cxpact')),
    })),
  );
}

const PLACEHOLDER = /\{\{((?:credentials|authResponse)\.[^}]+)\}\}/g;

function placeholdersOf(request: PactHttpRequest): Placeholder[] {
  const out: Placeholder[] = [];
  const scan = (where: Placeholder['where'], name: string, example: string): void => {
    for (const m of example.matchAll(PLACEHOLDER)) out.push({ where, name, placeholder: m[1] as string, example });
  };
  for (const [k, values] of Object.entries(request.headers)) for (const x of values) scan('header', k, x);
  for (const [k, values] of Object.entries(request.query)) for (const x of values) scan('query', k, x);
  scan('path', 'path', request.path);
  return out;
}

export interface StateGap {
  state: string;
  interactions: string[];
}

export interface CredentialGap {
  where: Placeholder['where'];
  name: string;
  placeholder: string;
  example: string;
  interactions: string[];
  /** The config line that would inject it, or undefined when only a requestFilter can (query, path, two secrets). */
  configLine?: string;
}

export interface Preflight {
  /** States the pacts use that nothing sets up (no stateHandlers entry, no stateChangeUrl). */
  unhandledStates: StateGap[];
  /** Placeholders the pacts send that the config does not inject. */
  credentialGaps: CredentialGap[];
  /** Configured credentials whose environment variable is not set (by header, lower case). */
  unsetCredentials: Map<string, string>;
  /** By consumer + description. */
  interactions: Map<string, InteractionInfo>;
}

function constantCase(name: string): string {
  return name
    .replace(/^(credentials|authResponse)\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** `credentials: [{ header: 'Authorization', env: 'API_KEY', prefix: 'Bearer ' }]`, in the config file's own syntax. */
export function credentialConfigLine(
  config: Pick<LoadedProviderConfig, 'file'>,
  header: string,
  placeholder: string,
  prefix: string,
): string {
  const env = constantCase(placeholder) || 'PROVIDER_TOKEN';
  if (config.file.endsWith('.json')) {
    return `"credentials": [{ "header": ${JSON.stringify(header)}, "env": ${JSON.stringify(env)}${prefix === '' ? '' : `, "prefix": ${JSON.stringify(prefix)}`} }]`;
  }
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `credentials: [{ header: ${q(header)}, env: ${q(env)}${prefix === '' ? '' : `, prefix: ${q(prefix)}`} }]`;
}

/** The pre-flight facts for a provider config and the interactions it will be verified against. */
export function preflight(
  config: LoadedProviderConfig,
  interactions: InteractionInfo[],
  env: NodeJS.ProcessEnv,
): Preflight {
  const byKey = new Map(interactions.map((i) => [originKey(i.consumer, i.description), i]));
  const states = new Map<string, string[]>();
  const handlers = config.stateHandlers;
  for (const i of interactions) {
    for (const s of i.states) {
      if (config.stateChangeUrl !== undefined) continue;
      if (handlers !== undefined && Object.hasOwn(handlers, s)) continue;
      const list = states.get(s) ?? [];
      list.push(i.description);
      states.set(s, list);
    }
  }
  const injected = new Set((config.credentials ?? []).map((c) => c.header.toLowerCase()));
  const gaps = new Map<string, CredentialGap>();
  for (const i of interactions) {
    for (const p of i.placeholders) {
      if (p.where === 'header' && injected.has(p.name.toLowerCase())) continue;
      const key = `${p.where}\u0000${p.name.toLowerCase()}\u0000${p.placeholder}`;
      let gap = gaps.get(key);
      if (gap === undefined) {
        const single = [...p.example.matchAll(PLACEHOLDER)].length === 1 && p.example.endsWith(`{{${p.placeholder}}}`);
        const prefix = single ? p.example.slice(0, p.example.length - `{{${p.placeholder}}}`.length) : '';
        gap = {
          where: p.where,
          name: p.name,
          placeholder: p.placeholder,
          example: p.example,
          interactions: [],
          ...(p.where === 'header' && single
            ? { configLine: credentialConfigLine(config, p.name, p.placeholder, prefix) }
            : {}),
        };
        gaps.set(key, gap);
      }
      gap.interactions.push(i.description);
    }
  }
  const unset = new Map<string, string>();
  for (const c of config.credentials ?? []) if (!env[c.env]) unset.set(c.header.toLowerCase(), c.env);
  return {
    unhandledStates: [...states]
      .map(([state, list]) => ({ state, interactions: list }))
      .sort((a, b) => a.state.localeCompare(b.state)),
    credentialGaps: [...gaps.values()],
    unsetCredentials: unset,
    interactions: byKey,
  };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The pre-flight report printed before the verifier runs (empty when there is nothing to say). */
export function formatPreflight(config: LoadedProviderConfig, p: Preflight): string {
  const lines: string[] = [];
  if (p.unhandledStates.length > 0) {
    lines.push(
      `[cxpact] ${count(p.unhandledStates.length, 'provider state')} in the pacts ${p.unhandledStates.length === 1 ? 'has' : 'have'} no handler in ${config.file} (no stateHandlers entry, no stateChangeUrl).`,
      '  The verifier goes on without setting them up: each interaction is checked against the data the backend normally serves, and fails only if that data does not satisfy it.',
    );
    for (const s of p.unhandledStates) lines.push(`  - "${s.state}" (${count(s.interactions.length, 'interaction')})`);
    lines.push(
      `  If an interaction needs data the backend does not have, set the state up: stateChangeUrl: '/_pact/provider-states' (an endpoint of the backend, POST {state, params, action}) or stateHandlers in provider.config.ts.`,
    );
  }
  for (const g of p.credentialGaps) {
    const where =
      g.where === 'header' ? `the ${g.name} header` : g.where === 'query' ? `query parameter ${g.name}` : 'the path';
    lines.push(
      `[cxpact] The pacts send {{${g.placeholder}}} in ${where} (${count(g.interactions.length, 'interaction')}), and ${config.file} does not inject it: the provider receives the placeholder, not a credential.`,
    );
    if (g.configLine !== undefined) {
      lines.push(
        `  To inject it from an environment variable (a masked CI variable), add to ${config.file}:`,
        `    ${g.configLine}`,
      );
      if (config.requestFilter !== undefined) lines.push('  (ignore this if your requestFilter sets it)');
    } else {
      lines.push(
        `  Only a requestFilter in provider.config.ts can rewrite ${where}: requestFilter: (req, env) => { /* replace {{${g.placeholder}}} with env.${constantCase(g.placeholder)} */ }`,
      );
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Explains failures the pre-flight foresaw: a 401/403 to a request that carried a placeholder is "credentials not
 * injected" (or refused, when they were injected); a failure of an interaction whose state has no handler says so.
 */
export function explainWithPreflight(summary: VerificationSummary, config: LoadedProviderConfig, p: Preflight): void {
  const unhandled = new Set(p.unhandledStates.map((s) => s.state));
  for (const i of summary.interactions) {
    if (i.passed) continue;
    const info = p.interactions.get(originKey(i.consumer, i.description));
    if (info === undefined) continue;
    const status = i.mismatches.find((m) => m.attribute === 'status');
    const actual = status === undefined ? undefined : /\b(401|403)\b(?!.*\b(401|403)\b)/.exec(status.message)?.[1];
    const expected401 = status !== undefined && /expected (401|403)\b/.test(status.message);
    if (actual !== undefined && !expected401 && info.placeholders.length > 0) {
      const headers = info.placeholders.filter((x) => x.where === 'header');
      const gap = p.credentialGaps.find((g) =>
        info.placeholders.some(
          (x) =>
            x.where === g.where && x.name.toLowerCase() === g.name.toLowerCase() && x.placeholder === g.placeholder,
        ),
      );
      const unsetEnv = headers.map((h) => p.unsetCredentials.get(h.name.toLowerCase())).find((e) => e !== undefined);
      let message: string;
      let hint: string;
      if (gap !== undefined) {
        message = `credentials not injected: the request carried the placeholder {{${gap.placeholder}}} (${gap.where === 'header' ? `${gap.name} header` : gap.where}) and the provider answered ${actual}`;
        hint =
          gap.configLine !== undefined
            ? `Inject it from an environment variable: add ${gap.configLine} to ${config.file} and set that variable.`
            : `Rewrite it in a requestFilter in provider.config.ts.`;
      } else if (unsetEnv !== undefined) {
        message = `credentials not injected: ${unsetEnv} is not set, so the request carried the pact's placeholder and the provider answered ${actual}`;
        hint = `Set ${unsetEnv} (in GitLab: a masked CI/CD variable); cxpact injects it per request and never writes it anywhere.`;
      } else {
        message = `the provider answered ${actual} to the credentials cxpact injected (${(config.credentials ?? []).map((c) => c.env).join(', ') || 'requestFilter'})`;
        hint = 'Check that the variable holds a credential this provider accepts.';
      }
      i.mismatches.unshift(mismatch('credentials', '', message, hint));
    }
    // A failure already explained (a renamed field, credentials) needs no word about states.
    if (i.mismatches.some((m) => m.hint !== undefined)) continue;
    const missing = info.states.filter((s) => unhandled.has(s));
    for (const s of missing) {
      i.mismatches.push(
        mismatch(
          'state',
          '',
          `provider state "${s}" has no handler: the verifier did not set it up, so the backend answered with the data it normally serves`,
          `Serve data that satisfies the interaction, or set the state up (stateChangeUrl or stateHandlers in ${config.file}).`,
        ),
      );
    }
  }
}
