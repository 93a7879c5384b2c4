// Environments: list (optionally by name), create, read, update, delete.
import { environmentOr404, hal, jsonBody, noContent, params, type Routes } from '../context';
import { badRequest } from '../http';
import { nameProblem } from '../names';
import { Resources } from '../resources';
import type { BrokerReads, Environment, EnvironmentFields } from '../store/types';

/** Validates an environment body (400 naming each bad field, including a name another environment has). */
async function environmentFields(
  store: BrokerReads,
  body: Record<string, unknown>,
  existing: Environment | undefined,
): Promise<EnvironmentFields> {
  const errors: Record<string, string[]> = {};
  const problem = nameProblem(body.name);
  if (problem !== undefined) errors.name = [problem];
  else if (/\s/.test(body.name as string)) errors.name = ['cannot contain spaces'];
  else {
    const other = await store.environmentByName(body.name as string);
    if (other !== undefined && other.uuid !== existing?.uuid)
      errors.name = [`Another environment with name '${body.name}' already exists (${other.uuid})`];
  }
  if (typeof body.production !== 'boolean') errors.production = ['is required and must be true or false'];
  if (body.displayName !== undefined && body.displayName !== null && typeof body.displayName !== 'string')
    errors.displayName = ['must be a string'];
  if (body.contacts !== undefined && !Array.isArray(body.contacts)) errors.contacts = ['must be an array'];
  if (body.uuid !== undefined && (typeof body.uuid !== 'string' || !/^[A-Za-z0-9-]{8,}$/.test(body.uuid)))
    errors.uuid = ['must be a uuid'];
  if (Object.keys(errors).length > 0) throw badRequest(errors);
  return {
    ...(existing === undefined && typeof body.uuid === 'string' ? { uuid: body.uuid } : {}),
    name: body.name as string,
    displayName: typeof body.displayName === 'string' && body.displayName.trim() !== '' ? body.displayName : null,
    production: body.production as boolean,
    contacts: Array.isArray(body.contacts) ? body.contacts : [],
  };
}

export function environmentRoutes(r: Routes): void {
  const S = r.deps.store;
  r.resource('/environments', {
    GET: async (c) => {
      let envs = await S.environments();
      const name = c.var.query.get('name');
      if (name !== null && name !== '') envs = envs.filter((e) => e.name === name);
      const R = new Resources(S, c.var.links);
      return hal(200, {
        _embedded: { environments: envs.map((e) => R.environment(e)) },
        _links: {
          self: { href: c.var.links.url('/environments'), title: 'Environments' },
          'pb:environments': envs.map((e) => ({
            title: e.displayName,
            name: e.name,
            href: c.var.links.environment(e.uuid),
          })),
        },
      });
    },
    POST: async (c) => {
      const body = jsonBody(c);
      const e = await S.tx(async (t) => t.createEnvironment(await environmentFields(t, body, undefined)));
      return hal(201, new Resources(S, c.var.links).environment(e), { Location: c.var.links.environment(e.uuid) });
    },
  });
  r.resource('/environments/:environment', {
    GET: async (c) =>
      hal(200, new Resources(S, c.var.links).environment(await environmentOr404(S, params(c).environment!))),
    PUT: async (c) => {
      const body = jsonBody(c);
      const uuid = params(c).environment!;
      const e = await S.tx(async (t) => {
        const env = await environmentOr404(t, uuid);
        return t.updateEnvironment(env, await environmentFields(t, body, env));
      });
      return hal(200, new Resources(S, c.var.links).environment(e));
    },
    DELETE: async (c) => {
      const env = await environmentOr404(S, params(c).environment!);
      await S.tx((t) => t.deleteEnvironment(env));
      return noContent();
    },
  });
}
