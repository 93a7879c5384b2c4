// Pacticipant versions: list, latest (optionally by tag or branch), create/update/delete one, its tags, and its
// membership of branches.
import {
  hal,
  jsonBody,
  noContent,
  nonBlank,
  pacticipantOr404,
  params,
  pathOf,
  versionOr404,
  type Handler,
  type Routes,
} from '../context';
import { badRequest, notFound } from '../http';
import { requireName } from '../names';
import { Resources } from '../resources';
import { tagVersion } from '../tagging';

export function versionRoutes(r: Routes): void {
  const S = r.deps.store;
  const opts = r.deps.opts;

  r.resource('/pacticipants/:pacticipant/versions', {
    GET: async (c) => {
      const pp = await pacticipantOr404(S, params(c).pacticipant!);
      const q = c.var.query;
      const size = Math.min(Math.max(Number(q.get('pageSize') ?? q.get('size') ?? 100) || 100, 1), 1000);
      const page = Math.max(Number(q.get('pageNumber') ?? q.get('page') ?? 1) || 1, 1);
      const R = new Resources(S, c.var.links);
      const [list, total] = await Promise.all([S.versions(pp.id, size, (page - 1) * size), S.countVersions(pp.id)]);
      const versions = await Promise.all(list.map((v) => R.version(pp, v)));
      return hal(200, { _embedded: { versions }, total, _links: { self: { href: c.var.links.url(pathOf(c)) } } });
    },
  });
  r.resource('/pacticipants/:pacticipant/latest-version', {
    GET: async (c) => {
      const pp = await pacticipantOr404(S, params(c).pacticipant!);
      const v = await S.latestVersion(pp.id);
      if (v === undefined) throw notFound(`${pp.name} has no versions`);
      return hal(200, await new Resources(S, c.var.links).version(pp, v));
    },
  });
  r.resource('/pacticipants/:pacticipant/latest-version/:tag', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await S.latestVersionWithTag(pp.id, p.tag!);
      if (v === undefined) throw notFound(`${pp.name} has no version tagged ${p.tag}`);
      return hal(200, await new Resources(S, c.var.links).version(pp, v));
    },
  });

  const putVersion: Handler = async (c) => {
    const p = params(c);
    const body = jsonBody(c);
    if (body.buildUrl !== undefined && body.buildUrl !== null && typeof body.buildUrl !== 'string')
      throw badRequest({ buildUrl: ['must be a string'] });
    if (body.branch !== undefined && body.branch !== null) requireName('branch', body.branch);
    const { pp, version, created } = await S.tx(async (t) => {
      const pp = await t.ensurePacticipant(p.pacticipant!);
      const { version, created } = await t.ensureVersion(
        pp.id,
        p.version!,
        typeof body.buildUrl === 'string' ? body.buildUrl : undefined,
      );
      if (nonBlank(body.branch)) await t.addVersionToBranch(pp, version.id, body.branch);
      return { pp, version, created };
    });
    return hal(created ? 201 : 200, await new Resources(S, c.var.links).version(pp, version));
  };
  r.resource('/pacticipants/:pacticipant/versions/:version', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      return hal(200, await new Resources(S, c.var.links).version(pp, await versionOr404(S, pp, p.version!)));
    },
    PUT: putVersion,
    PATCH: putVersion,
    DELETE: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await versionOr404(S, pp, p.version!);
      await S.tx((t) => t.deleteVersion(v));
      return noContent();
    },
  });

  r.resource('/pacticipants/:pacticipant/versions/:version/tags/:tag', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await versionOr404(S, pp, p.version!);
      const t = await S.tag(v.id, p.tag!);
      if (t === undefined) throw notFound(`No tag ${p.tag} on version ${v.number} of ${pp.name}`);
      return hal(200, new Resources(S, c.var.links).tag(pp, v, t.name, t.createdAt));
    },
    PUT: async (c) => {
      const p = params(c);
      jsonBody(c); // validates JSON if present
      if (!nonBlank(p.tag)) throw badRequest({ tag: ['must not be blank'] });
      const { pp, v, tag, created } = await S.tx(async (t) => {
        const pp = await t.ensurePacticipant(p.pacticipant!);
        const { version: v } = await t.ensureVersion(pp.id, p.version!);
        const { tag, created } = await tagVersion(t, opts, pp, v, p.tag!);
        // Like the Pact Broker (create_deployed_versions_for_tags): a tag equal to an environment's name records
        // a deployment there (no application instance), replacing the version deployed before.
        const env = opts.createDeployedVersionsForTags === false ? undefined : await t.environmentByName(p.tag!);
        if (env !== undefined) await t.recordDeployment(v, env, null);
        return { pp, v, tag, created };
      });
      const L = c.var.links;
      return hal(
        created ? 201 : 200,
        new Resources(S, L).tag(pp, v, tag.name, tag.createdAt),
        created ? { Location: L.tag(pp.name, v.number, tag.name) } : {},
      );
    },
    DELETE: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await versionOr404(S, pp, p.version!);
      if (!(await S.tx((t) => t.deleteTag(v.id, p.tag!))))
        throw notFound(`No tag ${p.tag} on version ${v.number} of ${pp.name}`);
      return noContent();
    },
  });

  r.resource('/pacticipants/:pacticipant/branches/:branch/latest-version', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await S.branchHead(pp.id, p.branch!);
      if (v === undefined) throw notFound(`No version of ${pp.name} on branch ${p.branch}`);
      return hal(200, await new Resources(S, c.var.links).version(pp, v));
    },
  });
  r.resource('/pacticipants/:pacticipant/branches/:branch/versions/:version', {
    GET: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await versionOr404(S, pp, p.version!);
      const b = (await S.branchesOfVersion(v.id)).find((x) => x.name === p.branch);
      if (b === undefined) throw notFound(`Version ${v.number} is not on branch ${p.branch}`);
      return hal(200, new Resources(S, c.var.links).branchVersion(pp, p.branch!, v, b.createdAt));
    },
    PUT: async (c) => {
      const p = params(c);
      jsonBody(c);
      if (!nonBlank(p.branch)) throw badRequest({ branch: ['must not be blank'] });
      const { pp, v, created } = await S.tx(async (t) => {
        const pp = await t.ensurePacticipant(p.pacticipant!);
        const { version: v } = await t.ensureVersion(pp.id, p.version!);
        const { created } = await t.addVersionToBranch(pp, v.id, p.branch!);
        return { pp, v, created };
      });
      const b = (await S.branchesOfVersion(v.id)).find((x) => x.name === p.branch)!;
      return hal(created ? 201 : 200, new Resources(S, c.var.links).branchVersion(pp, p.branch!, v, b.createdAt));
    },
    DELETE: async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const v = await versionOr404(S, pp, p.version!);
      const b = await S.branch(pp.id, p.branch!);
      if (b === undefined) throw notFound('No such branch');
      if (!(await S.tx((t) => t.removeVersionFromBranch(b.id, v.id)))) throw notFound('Version is not on that branch');
      return noContent();
    },
  });
}
