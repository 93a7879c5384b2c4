// The HTML pages for browsers: / (integrations, environments, webhooks) when the client asks for HTML, and the
// pages under /ui (matrix, pact, verification result). API clients asking for JSON at / fall through to the API.
// The pages read through a per-request cache (memoReads) and never write.
import type { MiddlewareHandler } from 'hono';
import { params, type BrokerEnv, type Ctx, type Routes } from '../context';
import { memoReads } from '../store/memo';
import { indexPage } from '../pages/index-page';
import { notFoundPage, pageResponse } from '../pages/layout';
import { matrixFilters, matrixPage } from '../pages/matrix-page';
import { pactPage, verificationPage, type PactRef } from '../pages/pact-page';
import { pageUrls } from '../pages/urls';

const wantsHtml = (accept: string | undefined): boolean =>
  accept !== undefined && /text\/html/.test(accept) && !/application\/(hal\+)?json/.test(accept);

export function pageRoutes(r: Routes): void {
  const S = r.deps.store;
  const htmlOnly =
    (render: (c: Ctx) => Promise<Response>): MiddlewareHandler<BrokerEnv> =>
    async (c, next) => {
      if (!wantsHtml(c.req.header('accept'))) return next();
      return render(c);
    };
  r.app.get(
    '/',
    htmlOnly(async (c) => {
      const q = c.var.query;
      const pageNo = Number(q.get('page') ?? '1');
      const html = await indexPage(
        memoReads(S),
        c.var.links,
        { filter: q.get('filter') ?? undefined, page: Number.isFinite(pageNo) ? pageNo : 1 },
        { webhookRetryDelaysMs: r.deps.webhooks.retryDelays },
      );
      return pageResponse(200, html);
    }),
  );
  r.app.get('/ui/matrix', async (c) =>
    pageResponse(200, await matrixPage(memoReads(S), c.var.links, matrixFilters(c.var.query))),
  );
  // The first page's address for a pacticipant's matrix.
  r.app.get('/ui/pacticipants/:name/matrix', (c) =>
    c.redirect(pageUrls(c.var.links).matrix({ pacticipant: params(c).name! }), 302),
  );

  const pact = (ref: (p: Record<string, string>) => PactRef) => async (c: Ctx) => {
    const p = params(c);
    const out = await pactPage(memoReads(S), c.var.links, p.provider!, p.consumer!, ref(p));
    return typeof out === 'string' ? pageResponse(200, out) : notFoundPage(c.var.links, 'Pact not found', out.notFound);
  };
  r.app.get(
    '/ui/pacts/provider/:provider/consumer/:consumer/version/:version',
    pact((p) => ({ version: p.version! })),
  );
  r.app.get(
    '/ui/pacts/provider/:provider/consumer/:consumer/pact-version/:sha',
    pact((p) => ({ sha: p.sha! })),
  );
  r.app.get(
    '/ui/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/verification-results/:number',
    async (c) => {
      const p = params(c);
      const out = await verificationPage(memoReads(S), c.var.links, p.provider!, p.consumer!, p.sha!, p.number!);
      return typeof out === 'string'
        ? pageResponse(200, out)
        : notFoundPage(c.var.links, 'Verification result not found', out.notFound);
    },
  );
}
