// The HTML pages for browsers (Accept: text/html without JSON): / (integrations) and the matrix of one
// pacticipant. API clients asking for JSON at the same paths fall through to the API routes.
import type { MiddlewareHandler } from 'hono';
import { htmlResponse, params, type BrokerEnv, type Ctx, type Routes } from '../context';
import { indexPage } from '../pages/index-page';
import { esc, page } from '../pages/layout';
import { matrixPage } from '../pages/matrix-page';

const wantsHtml = (accept: string | undefined): boolean => accept !== undefined && /text\/html/.test(accept) && !/application\/(hal\+)?json/.test(accept);

export function pageRoutes(r: Routes): void {
  const S = r.deps.store;
  const htmlOnly =
    (render: (c: Ctx) => Promise<Response>): MiddlewareHandler<BrokerEnv> =>
    async (c, next) => {
      if (!wantsHtml(c.req.header('accept'))) return next();
      return render(c);
    };
  r.app.get('/', htmlOnly(async (c) => htmlResponse(200, await indexPage(S, c.var.links))));
  r.app.get(
    '/ui/pacticipants/:name/matrix',
    htmlOnly(async (c) => {
      const name = params(c).name!;
      const body = await matrixPage(S, c.var.links, name);
      return body === undefined ? htmlResponse(404, page('Not found', `<h1>No pacticipant named ${esc(name)}</h1>`)) : htmlResponse(200, body);
    }),
  );
}
