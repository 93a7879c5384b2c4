// Pacticipants (list, create, read, update, delete), their labels and their branches.
import { hal, jsonBody, noContent, nonBlank, pacticipantOr404, params, pathOf, singleLine, type Routes } from '../context';
import { badRequest, HttpError, notFound, seg } from '../http';
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
    out[k] = v === null || v === '' ? null : v;
  }
  return out;
}

export function pacticipantRoutes(r: Routes): void {
  const S = r.deps.store;

  r.resource('/pacticipants', {
    GET: async (c) => {
      const R = new Resources(S, c.var.links);
      const list = await Promise.all((await S.pacticipants()).map((p) => R.pacticipant(p, false)));
      return hal(200, {
        _embedded: { pacticipants: list },
        pacticipants: list,
        _links: { self: { href: c.var.links.url('/pacticipants') }, 'pb:pacticipants': list.map((p) => ({ href: c.var.links.pacticipant(String(p.name)), title: String(p.displayName), name: String(p.name) })) },
      });
    },
    POST: async (c) => {
      const body = jsonBody(c);
      if (!nonBlank(body.name) || !singleLine(body.name)) throw badRequest({ name: ['is required and must be a non-blank single line string'] });
      const name = body.name;
      const fields = pacticipantFields(body);
      const p = await S.tx(async (t) => {
        if ((await t.pacticipant(name)) !== undefined) throw new HttpError(409, { errors: { name: [`A pacticipant with name '${name}' already exists`] } });
        return t.createPacticipant(name, fields);
      });
      return hal(201, await new Resources(S, c.var.links).pacticipant(p), { Location: c.var.links.pacticipant(p.name) });
    },
  });

  r.resource('/pacticipants/:pacticipant', {
    GET: async (c) => hal(200, await new Resources(S, c.var.links).pacticipant(await pacticipantOr404(S, params(c).pacticipant!))),
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
        return t.updatePacticipant(existing, { displayName: f.displayName ?? null, mainBranch: f.mainBranch ?? null, repositoryUrl: f.repositoryUrl ?? null, repositoryName: f.repositoryName ?? null, repositoryNamespace: f.repositoryNamespace ?? null });
      });
      return hal(200, await new Resources(S, c.var.links).pacticipant(p));
    },
    DELETE: async (c) => {
      const existing = await pacticipantOr404(S, params(c).pacticipant!);
      await S.tx((t) => t.deletePacticipant(existing));
      return noContent();
    },
  });

  const labelJson = (links: { pacticipant(n: string): string }, pacticipant: string, label: string): Record<string, unknown> => ({
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
      const branches = (await S.branches(pp.id)).map((b) => ({ name: b.name, createdAt: b.createdAt, _links: { self: { href: c.var.links.branch(pp.name, b.name) } } }));
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
        _links: { self: { href: c.var.links.branch(pp.name, b.name) }, 'pb:pacticipant': { href: c.var.links.pacticipant(pp.name), name: pp.name } },
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
