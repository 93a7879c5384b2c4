// Deployments and releases: record a version as deployed to / released in an environment, list them per version,
// what is currently deployed / supported in an environment, and undeploy / end support.
import {
  environmentOr404,
  hal,
  jsonBody,
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
import type { DeployedVersion, ReleasedVersion } from '../store/types';

export function deploymentRoutes(r: Routes): void {
  const S = r.deps.store;

  const recordDeploymentOrRelease =
    (kind: 'deployed' | 'released'): Handler =>
    async (c) => {
      const p = params(c);
      const body = jsonBody(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const [v, env] = await Promise.all([versionOr404(S, pp, p.version!), environmentOr404(S, p.environment!)]);
      const R = (): Resources => new Resources(S, c.var.links);
      if (kind === 'deployed') {
        const inst = body.applicationInstance ?? body.target;
        if (inst !== undefined && inst !== null && typeof inst !== 'string')
          throw badRequest({ applicationInstance: ['must be a string'] });
        const instance =
          typeof inst === 'string' && inst.trim() !== '' ? requireName('applicationInstance', inst) : null;
        const { deployed } = await S.tx((t) => t.recordDeployment(v, env, instance));
        return hal(201, await R().deployed(deployed.uuid), { Location: c.var.links.deployedVersion(deployed.uuid) });
      }
      const { released, created } = await S.tx((t) => t.recordRelease(v, env));
      return hal(created ? 201 : 200, await R().released(released.uuid), {
        Location: c.var.links.releasedVersion(released.uuid),
      });
    };
  const listForVersion =
    (kind: 'deployed' | 'released'): Handler =>
    async (c) => {
      const p = params(c);
      const pp = await pacticipantOr404(S, p.pacticipant!);
      const [v, env] = await Promise.all([versionOr404(S, pp, p.version!), environmentOr404(S, p.environment!)]);
      const R = new Resources(S, c.var.links);
      const self = { self: { href: c.var.links.url(pathOf(c)) } };
      if (kind === 'deployed') {
        const list = await Promise.all(
          (await S.deploymentsOfVersion(v.id)).filter((d) => d.environmentId === env.id).map((d) => R.deployed(d.uuid)),
        );
        return hal(200, { _embedded: { deployedVersions: list }, _links: self });
      }
      const list = await Promise.all(
        (await S.releasesOfVersion(v.id)).filter((d) => d.environmentId === env.id).map((d) => R.released(d.uuid)),
      );
      return hal(200, { _embedded: { releasedVersions: list }, _links: self });
    };
  r.resource('/pacticipants/:pacticipant/versions/:version/deployed-versions/environment/:environment', {
    GET: listForVersion('deployed'),
    POST: recordDeploymentOrRelease('deployed'),
  });
  r.resource('/pacticipants/:pacticipant/versions/:version/released-versions/environment/:environment', {
    GET: listForVersion('released'),
    POST: recordDeploymentOrRelease('released'),
  });

  /** Current records of the environment, optionally of one pacticipant (?pacticipant=) and version (?version=, releases). */
  const current = async <T extends DeployedVersion | ReleasedVersion>(
    c: Parameters<Handler>[0],
    list: T[],
    byVersion: boolean,
  ): Promise<T[]> => {
    const pn = c.var.query.get('pacticipant');
    if (pn !== null && pn !== '') {
      const pp = await S.pacticipant(pn);
      list = pp === undefined ? [] : list.filter((d) => d.pacticipantId === pp.id);
    }
    const vn = c.var.query.get('version');
    if (byVersion && vn !== null && vn !== '') {
      const numbers = await Promise.all(list.map(async (d) => (await S.versionById(d.versionId)).number));
      list = list.filter((_, i) => numbers[i] === vn);
    }
    return list;
  };
  r.resource('/environments/:environment/deployed-versions/currently-deployed', {
    GET: async (c) => {
      const env = await environmentOr404(S, params(c).environment!);
      let list = await current(c, await S.currentlyDeployed(env.id), false);
      const q = c.var.query;
      if (q.has('applicationInstance') || q.has('target')) {
        const inst = q.get('applicationInstance') ?? q.get('target') ?? '';
        list = list.filter((d) => (inst === '' ? d.applicationInstance === null : d.applicationInstance === inst));
      }
      const R = new Resources(S, c.var.links);
      return hal(200, {
        _embedded: { deployedVersions: await Promise.all(list.map((d) => R.deployed(d.uuid))) },
        _links: {
          self: { href: c.var.links.url(pathOf(c)), title: `Currently deployed versions in ${env.displayName}` },
        },
      });
    },
  });
  r.resource('/environments/:environment/released-versions/currently-supported', {
    GET: async (c) => {
      const env = await environmentOr404(S, params(c).environment!);
      const list = await current(c, await S.currentlySupported(env.id), true);
      const R = new Resources(S, c.var.links);
      return hal(200, {
        _embedded: { releasedVersions: await Promise.all(list.map((d) => R.released(d.uuid))) },
        _links: {
          self: { href: c.var.links.url(pathOf(c)), title: `Currently supported versions in ${env.displayName}` },
        },
      });
    },
  });
  r.resource('/deployed-versions/:uuid', {
    GET: async (c) => hal(200, await new Resources(S, c.var.links).deployed(params(c).uuid!)),
    PATCH: async (c) => {
      const uuid = params(c).uuid!;
      const body = jsonBody(c);
      if (body.currentlyDeployed !== undefined && typeof body.currentlyDeployed !== 'boolean')
        throw badRequest({ currentlyDeployed: ['must be a boolean'] });
      await S.tx(async (t) => {
        const d = await t.deployedVersion(uuid);
        if (d === undefined) throw notFound('No such deployed version');
        if (body.currentlyDeployed === true && d.undeployedAt !== null)
          throw badRequest({
            currentlyDeployed: [
              'An undeployed version cannot be marked as deployed again; record a new deployment instead.',
            ],
          });
        if (body.currentlyDeployed === false) await t.undeploy(d);
      });
      return hal(200, await new Resources(S, c.var.links).deployed(uuid));
    },
  });
  r.resource('/released-versions/:uuid', {
    GET: async (c) => hal(200, await new Resources(S, c.var.links).released(params(c).uuid!)),
    PATCH: async (c) => {
      const uuid = params(c).uuid!;
      const body = jsonBody(c);
      if (body.currentlySupported !== undefined && typeof body.currentlySupported !== 'boolean')
        throw badRequest({ currentlySupported: ['must be a boolean'] });
      await S.tx(async (t) => {
        const rv = await t.releasedVersion(uuid);
        if (rv === undefined) throw notFound('No such released version');
        if (body.currentlySupported === false) await t.endSupport(rv);
        if (body.currentlySupported === true)
          await t.recordRelease(await t.versionById(rv.versionId), await t.environmentById(rv.environmentId));
      });
      return hal(200, await new Resources(S, c.var.links).released(uuid));
    },
  });
}
