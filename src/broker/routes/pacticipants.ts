// Pacticipants (list, create, read, update, delete), their labels and their branches.
import { hal, jsonBody, noContent, pacticipantOr404, params, pathOf, type Routes } from '../context';
import { badRequest, HttpError, notFound, seg } from '../http';
import { requireName } from '../names';
import { Resources } from '../resources';
import type { PacticipantFields } from '../store/types';

const FIELDS = ['displayName', 'mainBranch', 'repositoryUrl', 'repositoryName', 'repositoryNamespace'] as const;

/** The updatable fields present in a body (null or '' clears one); 400 for a non-string. */
export function pacticipantFields(body: Record<string, unknown>): PacticipantFields {
  const out: PacticipantFields = {};
  for (const k of FIELDS) {
    const v = body[k];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') throw badRequest({ [k]: ['must be a string'] });
    if (k === 'mainBranch' && v !== null && v !== '') requireName(k, v);
    out[k] = v === null || v === '' ? null : v;
  }
  return out;
}

export function pacticipantRoutes(r: Routes): void {
  const S = r.deps.store;

  r.resource('/pacticipants', {
    GET: async (c) => {
      // As the Pact Broker's DeprecatedPacticipantsDecorator (decorators/pacticipants_decorator.rb): the embedded
      // collection, the older top-level `pacticipants` (which `pact broker list-pacticipants` reads) and both the
      // `pb:pacticipants` and the older `pacticipants` links.
      const L = c.var.links;
      const R = new Resources(S, L);
      const all = await S.pacticipants();
      const list = await Promise.all(all.map((p) => R.pacticipant(p)));
      return hal(200, {
        _embedded: { pacticipants: list },
        pacticipants: list.map((p) => ({
          ...p,
          title: 'DEPRECATED - Please use the embedded pacticipants collection',
        })),
        _links: {
          self: { href: L.url('/pacticipants') },
          'pb:pacticipants-with-label': {
            title: 'Find pacticipants by label',
            href: L.url('/pacticipants/label/{label}'),
            templated: true,
          },
          'pb:pacticipants': all.map((p) => ({ href: L.pacticipant(p.name), title: 'Pacticipant', name: p.name })),
          pacticipants: all.map((p) => ({
            href: L.pacticipant(p.name),
            title: p.name,
            name: 'DEPRECATED - please use pb:pacticipants',
          })),
        },
      });
    },
    POST: async (c) => {
      const body = jsonBody(c);
      const name = requireName('name', body.name);
      const fields = pacticipantFields(body);
      const p = await S.tx(async (t) => {
        if ((await t.pacticipant(name)) !== undefined)
          throw new HttpError(409, { errors: { name: [`A pacticipant with name '${name}' already exists`] } });
        return t.createPacticipant(name, fields);
      });
      return hal(201, await new Resources(S, c.var.links).pacticipant(p), {
        Location: c.var.links.pacticipant(p.name),
      });
    },
  });

  r.resource('/pacticipants/label/:label', {
    GET: async (c) => {
      const label = params(c).label!;
      const L = c.var.links;
      const R = new Resources(S, L);
      const all = await S.pacticipants();
      const labelled = (
        await Promise.all(all.map(async (p) => ((await S.labels(p.id)).includes(label) ? p : undefined)))
      ).filter((p) => p !== undefined);
      const list = await Promise.all(labelled.map((p) => R.pacticipant(p)));
      return hal(200, { _embedded: { pacticipants: list }, _links: { self: { href: L.url(pathOf(c)) } } });
    },
  });

  r.resource('/pacticipants/:pacticipant', {
    GET: async (c) =>
      hal(200, await new Resources(S, c.var.links).pacticipant(await pacticipantOr404(S, params(c).pacticipant!))),
    PATCH: async (c) => {
      const name = params(c).pacticipant!;
      const fields = pacticipantFields(jsonBody(c));
      const { p, created } = await S.tx(async (t) => {
        const created = (await t.pacticipant(name)) === undefined;
        const p = await t.ensurePacticipant(name);
        return { p: Object.keys(fields).length === 0 ? p : await t.updatePacticipant(p, fields), created };
      });
      return hal(created ? 201 : 200, await new Resources(S, c.var.links).pacticipant(p));
    },
    PUT: async (c) => {
      const name = params(c).pacticipant!;
      const f = pacticipantFields(jsonBody(c));
      const p = await S.tx(async (t) => {
        const existing = await t.pacticipant(name);
        if (existing === undefined) throw notFound(`No pacticipant with name '${name}' found`);
        return t.updatePacticipant(existing, {
          displayName: f.displayName ?? null,
          mainBranch: f.mainBranch ?? null,
          repositoryUrl: f.repositoryUrl ?? null,
          repositoryName: f.repositoryName ?? null,
          repositoryNamespace: f.repositoryNamespace ?? null,
        });
      });
      return hal(200, await new Resources(S, c.var.links).pacticipant(p));
    },
    DELETE: async (c) => {
      const existing = await pacticipantOr404(S, params(c).pacticipant!);
      await S.tx((t) => t.deletePacticipant(existing));
      return noContent();
    },
  });

  const labelJson = (
    links: { pacticipant(n: string): string },
    pacticipant: string,
    label: string,
  ): Record<string, unknown> => ({
    name: label,
    _links: { self: { href: `${links.pacticipant(pacticipant)}/labels/${seg(label)}` } },
  });
  r.resource('/pacticipants/:pacticipant/labels/:label', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      if (!(await S.labels(pp.id)).includes(p.label!)) throw notFound('No such label');
      return hal(200, labelJson(c.var.links, pp.name, p.label!));
    },
    PUT: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const created = await S.tx((t) => t.addLabel(pp.id, p.label!));
      return hal(created ? 201 : 200, labelJson(c.var.links, pp.name, p.label!));
    },
    DELETE: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      if (!(await S.tx((t) => t.deleteLabel(pp.id, p.label!)))) throw notFound('No such label');
      return noContent();
    },
  });

  r.resource('/pacticipants/:pacticipant/branches', {
    GET: async (c) => {
      const pp = await pacticipantOr404(S, params(c).pacticipant!);
      const branches = (await S.branches(pp.id)).map((b) => ({
        name: b.name,
        createdAt: b.createdAt,
        _links: { self: { href: c.var.links.branch(pp.name, b.name) } },
      }));
      return hal(200, { _embedded: { branches }, _links: { self: { href: c.var.links.url(pathOf(c)) } } });
    },
  });
  r.resource('/pacticipants/:pacticipant/branches/:branch', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const b = await S.branch(pp.id, p.branch!);
      if (b === undefined) throw notFound(`No branch ${p.branch} for ${pp.name}`);
      const head = await S.branchHead(pp.id, b.name);
      return hal(200, {
        name: b.name,
        createdAt: b.createdAt,
        ...(head === undefined ? {} : { latestVersion: head.number }),
        _links: {
          self: { href: c.var.links.branch(pp.name, b.name) },
          'pb:pacticipant': { href: c.var.links.pacticipant(pp.name), name: pp.name },
        },
      });
    },
    DELETE: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const b = await S.branch(pp.id, p.branch!);
      if (b === undefined) throw notFound(`No branch ${p.branch} for ${pp.name}`);
      await S.tx((t) => t.deleteBranch(b));
      return noContent();
    },
  });
}
