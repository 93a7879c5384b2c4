// Publishing pacts: POST /contracts/publish (what `pact broker publish` sends) and the legacy PUT/PATCH of a pact at
// /pacts/provider/P/consumer/C/version/V. Each publication is one transaction: version, branch, tags and every
// contract are stored together or not at all; webhooks fire after it commits.
import { hal, jsonBody, nonBlank, params, type BrokerDeps, type Ctx, type Handler, type Routes } from '../context';
import { publishEvents } from '../events';
import { badRequest, HttpError } from '../http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-limits';
import { addError, collectNameProblem, nameProblem } from '../names';
import { canonicalJson, describeDiff } from '../pact-content';
import { Resources } from '../resources';
import { tagVersion } from '../tagging';
import type { BrokerEvent } from '../webhooks';
import { isRecord } from '../../core/json';

const CONFLICT_TEXT = (consumer: string, version: string, provider: string): string =>
  `Cannot change the content of the pact for ${consumer} version ${version} and provider ${provider}, as race conditions will cause unreliable results for can-i-deploy. Each pact must be published with a unique consumer version number.`;

interface ParsedContract {
  consumerName: string;
  providerName: string;
  pact: Record<string, unknown>;
  onConflict: string;
}

function parsePublishBody(body: Record<string, unknown>): {
  name: string;
  number: string;
  branch?: string;
  buildUrl?: string;
  tags: string[];
  contracts: ParsedContract[];
} {
  const errors: Record<string, string[]> = {};
  const err = (k: string, m: string): void => addError(errors, k, m);
  const name = body.pacticipantName;
  const number = body.pacticipantVersionNumber;
  collectNameProblem(errors, 'pacticipantName', name);
  collectNameProblem(errors, 'pacticipantVersionNumber', number);
  if (body.branch !== undefined && body.branch !== null) collectNameProblem(errors, 'branch', body.branch);
  const tags = body.tags ?? [];
  if (!Array.isArray(tags)) err('tags', 'must be an array of tag names');
  else
    for (const [i, t] of tags.entries()) {
      const problem = nameProblem(t);
      if (problem !== undefined) err('tags', `${problem} (at index ${i})`);
    }
  if (body.buildUrl !== undefined && body.buildUrl !== null && typeof body.buildUrl !== 'string')
    err('buildUrl', 'must be a string');
  const contracts = body.contracts;
  const parsed: ParsedContract[] = [];
  if (!Array.isArray(contracts) || contracts.length === 0) err('contracts', 'must be a non-empty array');
  else {
    for (const [i, c] of contracts.entries()) {
      const at = `contracts[${i}]`;
      if (!isRecord(c)) {
        err('contracts', `${at} must be an object`);
        continue;
      }
      const badConsumer = nameProblem(c.consumerName);
      const badProvider = nameProblem(c.providerName);
      if (badConsumer !== undefined) err('contracts', `${at}.consumerName ${badConsumer}`);
      if (badProvider !== undefined) err('contracts', `${at}.providerName ${badProvider}`);
      if (nonBlank(c.consumerName) && nonBlank(name) && c.consumerName !== name)
        err('contracts', `${at}.consumerName (${c.consumerName}) must match pacticipantName (${name})`);
      if (c.specification !== undefined && c.specification !== 'pact') continue; // only pacts are stored
      if (typeof c.content !== 'string') {
        err('contracts', `${at}.content must be a base64 encoded string`);
        continue;
      }
      let pact: unknown;
      try {
        const text = Buffer.from(c.content, 'base64').toString('utf8');
        if (nestsDeeperThan(text)) {
          err(
            'contracts',
            `${at}.content nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (the Pact Broker's limit)`,
          );
          continue;
        }
        pact = JSON.parse(text);
      } catch {
        err('contracts', `${at}.content is not valid base64-encoded JSON`);
        continue;
      }
      if (!isRecord(pact)) {
        err('contracts', `${at}.content must decode to a JSON object`);
        continue;
      }
      const pc = isRecord(pact.consumer) ? pact.consumer.name : undefined;
      const pp = isRecord(pact.provider) ? pact.provider.name : undefined;
      if (pc !== undefined && pc !== c.consumerName)
        err(
          'contracts',
          `${at}: the consumer name in the pact content (${String(pc)}) does not match consumerName (${String(c.consumerName)})`,
        );
      if (pp !== undefined && pp !== c.providerName)
        err(
          'contracts',
          `${at}: the provider name in the pact content (${String(pp)}) does not match providerName (${String(c.providerName)})`,
        );
      if (badConsumer === undefined && badProvider === undefined)
        parsed.push({
          consumerName: c.consumerName as string,
          providerName: c.providerName as string,
          pact,
          onConflict: String(c.onConflict ?? 'overwrite'),
        });
    }
  }
  if (Object.keys(errors).length > 0) throw badRequest(errors);
  return {
    name: name as string,
    number: number as string,
    branch: nonBlank(body.branch) ? body.branch : undefined,
    buildUrl: typeof body.buildUrl === 'string' ? body.buildUrl : undefined,
    tags: (tags as string[]).map(String),
    contracts: parsed,
  };
}

async function publishContracts(deps: BrokerDeps, c: Ctx): Promise<Response> {
  const { name, number, branch, buildUrl, tags: tagList, contracts } = parsePublishBody(jsonBody(c));
  const L = c.var.links;
  const allow = deps.opts.allowContractModification === true;
  // The transaction may run more than once (PostgreSQL retries serialisation failures): everything it produces
  // is returned, nothing outside it is changed.
  const result = await deps.store.tx(async (t) => {
    const events: BrokerEvent[] = [];
    const notices: { type: string; text: string }[] = [];
    // The consumer and every provider in one lookup (each statement is a round trip on PostgreSQL).
    const pacticipants = await t.ensurePacticipants([name, ...contracts.map((x) => x.providerName)]);
    const consumer = pacticipants.get(name)!;
    const { version, created } = await t.ensureVersion(consumer.id, number, buildUrl, { likelyNew: true });
    if (branch !== undefined) await t.addVersionToBranch(consumer, version.id, branch);
    // Branch first, then tags, as the Pact Broker does: a tag becomes the branch only when none was given. A version
    // created just now has no label but what this loop and the line above gave it: nothing to look up.
    for (const [i, tag] of tagList.entries())
      await tagVersion(
        t,
        deps.opts,
        consumer,
        version,
        tag,
        created ? { unlabelled: i === 0 && branch === undefined } : {},
      );
    const parts = [
      created
        ? `Created ${consumer.name} version ${version.number}`
        : `Updated ${consumer.name} version ${version.number}`,
    ];
    if (branch !== undefined) parts.push(`with branch ${branch}`);
    if (tagList.length > 0) parts.push(`${branch === undefined ? 'with' : 'and'} tags ${tagList.join(', ')}`);
    notices.push({ type: 'debug', text: parts.join(' ') });
    const conflicts: string[] = [];
    const diffs: string[] = [];
    const contractsOut: { provider: string }[] = [];
    const published = new Set<number>();
    for (const contract of contracts) {
      const provider = pacticipants.get(contract.providerName)!;
      let pact = contract.pact;
      if (contract.onConflict === 'merge' && allow) {
        const existing = await t.publication(version.id, provider.id);
        if (existing !== undefined)
          pact = mergePacts(
            JSON.parse((await t.pactVersionById(existing.pactVersionId)).content) as Record<string, unknown>,
            pact,
          );
      }
      const r = await t.publishPact(consumer, version, provider, pact, allow, {
        versionCreated: created && !published.has(provider.id),
      });
      published.add(provider.id);
      if (r.outcome === 'conflict') {
        conflicts.push(
          `${CONFLICT_TEXT(consumer.name, version.number, provider.name)} Some Pact libraries generate random data when a concrete value for a type matcher is not specified, and this can cause the contract to mutate - ensure you have given example values for all type matchers. For more information see https://docs.pact.io/go/versioning`,
        );
        diffs.push(describeDiff(JSON.parse(r.previous!.content) as Record<string, unknown>, pact));
        continue;
      }
      contractsOut.push({ provider: provider.name });
      const pv = r.pactVersion!;
      if (r.outcome === 'same') {
        notices.push({
          type: 'success',
          text: `Pact successfully republished for ${consumer.name} version ${version.number} and provider ${provider.name} with no content changes.`,
        });
      } else {
        notices.push({
          type: 'success',
          text: `Pact successfully published for ${consumer.name} version ${version.number} and provider ${provider.name}.`,
        });
      }
      notices.push({
        type: 'debug',
        text: `  View the published pact at ${L.pactByVersion(provider.name, consumer.name, version.number)}`,
      });
      events.push(
        ...(await publishEvents(t, consumer, provider, version, pv, r.outcome, buildUrl ?? version.buildUrl)),
      );
    }
    if (conflicts.length > 0) {
      throw new HttpError(409, {
        notices: [
          ...conflicts.map((text) => ({ type: 'error', text })),
          ...diffs.map((text) => ({ type: 'info', text })),
        ],
        errors: { contracts: conflicts },
      });
    }
    return { consumer, version, contractsOut, events, notices };
  });
  const { consumer, version, contractsOut, events, notices } = result;
  const triggered = await deps.webhooks.fire(events, L);
  for (const t of triggered) notices.push({ type: 'info', text: t });
  if (triggered.length === 0 && events.length > 0)
    notices.push({ type: 'debug', text: 'No enabled webhooks found for the detected events' });
  return hal(200, {
    notices,
    logs: notices.map((n) => ({
      level: n.type === 'success' ? 'info' : n.type,
      message: n.text,
      deprecationWarning: 'Replaced by notices',
    })),
    _embedded: {
      pacticipant: { name: consumer.name, _links: { self: { href: L.pacticipant(consumer.name) } } },
      version: {
        number: version.number,
        _links: { self: { title: 'Version', name: version.number, href: L.version(consumer.name, version.number) } },
      },
    },
    _links: {
      'pb:pacticipant': { title: 'Pacticipant', name: consumer.name, href: L.pacticipant(consumer.name) },
      'pb:pacticipant-version': {
        title: 'Pacticipant version',
        name: version.number,
        href: L.version(consumer.name, version.number),
      },
      'pb:pacticipant-version-tags': tagList.map((t) => ({
        title: 'Tag',
        name: t,
        href: L.tag(consumer.name, version.number, t),
      })),
      'pb:contracts': contractsOut.map((x) => ({
        title: 'Pact',
        name: `Pact between ${consumer.name} (${version.number}) and ${x.provider}`,
        href: L.pactByVersion(x.provider, consumer.name, version.number),
      })),
    },
  });
}

/** Legacy PUT (replace) / PATCH (merge interactions) of a pact at /pacts/provider/P/consumer/C/version/V. */
export function putPact(deps: BrokerDeps, merge: boolean): Handler {
  return async (c) => {
    const p = params(c);
    const pact = jsonBody(c);
    const pc = isRecord(pact.consumer) ? pact.consumer.name : undefined;
    const pp = isRecord(pact.provider) ? pact.provider.name : undefined;
    const errors: string[] = [];
    if (pc !== undefined && pc !== p.consumer)
      errors.push(`consumer name in pact (${String(pc)}) does not match consumer name in path (${p.consumer}).`);
    if (pp !== undefined && pp !== p.provider)
      errors.push(`provider name in pact (${String(pp)}) does not match provider name in path (${p.provider}).`);
    if (!nonBlank(p.version)) errors.push('The consumer version number must not be blank.');
    if (errors.length > 0) throw badRequest({ pact: errors });
    const allow = deps.opts.allowContractModification === true;
    const { publication, created, events } = await deps.store.tx(async (t) => {
      const consumer = await t.ensurePacticipant(p.consumer!);
      const provider = await t.ensurePacticipant(p.provider!);
      const { version } = await t.ensureVersion(consumer.id, p.version!);
      let content = pact;
      const existing = await t.publication(version.id, provider.id);
      if (merge && existing !== undefined) {
        const old = JSON.parse((await t.pactVersionById(existing.pactVersionId)).content) as Record<string, unknown>;
        const conflict = mergeConflict(old, pact);
        if (conflict !== undefined)
          throw new HttpError(409, {
            errors: { interactions: [conflict] },
            notices: [{ type: 'error', text: conflict }],
          });
        content = mergePacts(old, pact);
      }
      const r = await t.publishPact(consumer, version, provider, content, allow || merge);
      if (r.outcome === 'conflict') {
        const text = CONFLICT_TEXT(consumer.name, version.number, provider.name);
        throw new HttpError(409, {
          errors: { pact: [text] },
          notices: [
            { type: 'error', text },
            { type: 'info', text: describeDiff(JSON.parse(r.previous!.content) as Record<string, unknown>, content) },
          ],
        });
      }
      return {
        publication: r.publication!,
        created: r.outcome === 'created',
        events: await publishEvents(t, consumer, provider, version, r.pactVersion!, r.outcome, null),
      };
    });
    await deps.webhooks.fire(events, c.var.links);
    return new Resources(deps.store, c.var.links).pactResponse(publication, '', created ? 201 : 200);
  };
}

function interactionKey(i: unknown): string {
  if (!isRecord(i)) return canonicalJson(i);
  return canonicalJson({ d: i.description, s: i.providerState ?? i.providerStates ?? null });
}

function mergeConflict(old: Record<string, unknown>, next: Record<string, unknown>): string | undefined {
  const oldList = (Array.isArray(old.interactions) ? old.interactions : []) as unknown[];
  const byKey = new Map(oldList.map((i) => [interactionKey(i), i]));
  for (const i of (Array.isArray(next.interactions) ? next.interactions : []) as unknown[]) {
    const prev = byKey.get(interactionKey(i));
    if (prev === undefined) continue;
    const strip = (x: unknown): unknown => (isRecord(x) ? { ...x, _id: undefined } : x);
    if (canonicalJson(strip(prev)) !== canonicalJson(strip(i))) {
      return `Cannot merge pacts: an interaction with description '${isRecord(i) ? String(i.description) : '?'}' and the same provider state already exists with different content.`;
    }
  }
  return undefined;
}

/** Merges interactions of `next` into `old` (same description + provider state replaces). */
export function mergePacts(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...old, ...next };
  for (const key of ['interactions', 'messages']) {
    const a = (Array.isArray(old[key]) ? old[key] : []) as unknown[];
    const b = (Array.isArray(next[key]) ? next[key] : []) as unknown[];
    if (a.length === 0 && b.length === 0) continue;
    const keys = new Set(b.map(interactionKey));
    out[key] = [...a.filter((i) => !keys.has(interactionKey(i))), ...b];
  }
  return out;
}

export function publishRoutes(r: Routes): void {
  r.resource('/contracts/publish', { POST: (c) => publishContracts(r.deps, c) });
}
