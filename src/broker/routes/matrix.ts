// The matrix and can-i-deploy: GET /matrix (what `pact broker can-i-deploy` asks), GET /can-i-deploy (the Pact
// Broker's simple form) and /pacticipants/P/latest-version/TAG/can-i-deploy/to/TO.
import { hal, params, type Routes } from '../context';
import { badRequest } from '../http';
import { Matrix } from '../matrix';

export function matrixRoutes(r: Routes): void {
  const S = r.deps.store;
  r.resource('/pacticipants/:pacticipant/latest-version/:tag/can-i-deploy/to/:to', {
    GET: async (c) => {
      const p = params(c);
      const q = new URLSearchParams([
        ['q[][pacticipant]', p.pacticipant!],
        ['q[][tag]', p.tag!],
        ['q[][latest]', 'true'],
        ['tag', p.to!],
        ['latest', 'true'],
        ['latestby', 'cvp'],
      ]);
      return hal(200, await new Matrix(S, c.var.links).query(q));
    },
  });
  r.resource('/matrix', { GET: async (c) => hal(200, await new Matrix(S, c.var.links).query(c.var.query)) });
  r.resource('/can-i-deploy', {
    GET: async (c) => {
      const q = c.var.query;
      const pacticipant = q.get('pacticipant');
      const version = q.get('version');
      const environment = q.get('environment');
      const to = q.get('to') ?? q.get('tag');
      const errors: string[] = [];
      if (pacticipant === null || pacticipant === '') errors.push('pacticipant is required');
      if (version === null || version === '') errors.push('version is required');
      if ((environment === null || environment === '') && (to === null || to === ''))
        errors.push('environment (or to) is required');
      if (errors.length > 0) throw badRequest(errors);
      const query: [string, string][] = [
        ['q[][pacticipant]', pacticipant!],
        ['q[][version]', version!],
      ];
      if (environment !== null && environment !== '') query.push(['environment', environment], ['latestby', 'cvpv']);
      else query.push(['tag', to!], ['latest', 'true'], ['latestby', 'cvp']);
      for (const [k, v] of q) if (k.startsWith('ignore[]')) query.push([k, v]);
      return hal(200, await new Matrix(S, c.var.links).query(new URLSearchParams(query)));
    },
  });
}
