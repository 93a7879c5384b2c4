// The API root: the index of relations the clients navigate from, the heartbeat, integrations and metrics.
import { hal, type Routes } from '../context';
import type { Links } from '../http';

function index(L: Links): Record<string, unknown> {
  const t = (href: string, title: string, templated = false): Record<string, unknown> => ({
    href: L.url(href),
    title,
    ...(templated ? { templated: true } : {}),
  });
  return {
    _links: {
      self: { href: L.base, title: 'Index' },
      'pb:publish-pact': t(
        '/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}',
        'Publish a pact',
        true,
      ),
      'pb:publish-contracts': t('/contracts/publish', 'Publish contracts'),
      'pb:latest-pact-versions': t('/pacts/latest', 'Latest pact versions'),
      'pb:tagged-pact-versions': t(
        '/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}',
        'All versions of a pact for a given consumer, provider and consumer version tag',
        true,
      ),
      'pb:pacticipants': t('/pacticipants', 'Pacticipants'),
      'pb:pacticipant': t('/pacticipants/{pacticipant}', 'Fetch pacticipant by name', true),
      'pb:latest-provider-pacts': t('/pacts/provider/{provider}/latest', 'Latest pacts by provider', true),
      'pb:latest-provider-pacts-with-tag': t(
        '/pacts/provider/{provider}/latest/{tag}',
        'Latest pacts for provider with the specified tag',
        true,
      ),
      'pb:provider-pacts-with-tag': t(
        '/pacts/provider/{provider}/tag/{tag}',
        'All pact versions for the provider with the specified consumer version tag',
        true,
      ),
      'pb:provider-pacts': t('/pacts/provider/{provider}', 'All pact versions for the specified provider', true),
      'pb:provider-pacts-with-main-branch': t(
        '/pacts/provider/{provider}/branch',
        'All pact versions for the provider from the main branch of each consumer',
        true,
      ),
      'pb:provider-pacts-with-branch': t(
        '/pacts/provider/{provider}/branch/{branch}',
        'All pact versions for the provider from the given consumer branch',
        true,
      ),
      'pb:latest-provider-pacts-with-main-branch': t(
        '/pacts/provider/{provider}/branch/latest',
        'Latest pacts for the provider from the main branch of each consumer',
        true,
      ),
      'pb:latest-provider-pacts-with-branch': t(
        '/pacts/provider/{provider}/branch/{branch}/latest',
        'Latest pacts for the provider from the given consumer branch',
        true,
      ),
      'pb:main-branch-pact-versions': t(
        '/pacts/provider/{provider}/consumer/{consumer}/branch/versions',
        'Pact versions from the main branch of the consumer',
        true,
      ),
      'pb:branch-pact-versions': t(
        '/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}',
        'Pact versions from the given consumer branch',
        true,
      ),
      'pb:latest-branch-pact-versions': t(
        '/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions',
        'Latest pact version from the given consumer branch',
        true,
      ),
      'pb:latest-main-branch-pact-versions': t(
        '/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions',
        'Latest pact version from the main branch of the consumer',
        true,
      ),
      'pb:latest-version': t('/pacticipants/{pacticipant}/latest-version', 'Latest pacticipant version', true),
      'pb:latest-tagged-version': t(
        '/pacticipants/{pacticipant}/latest-version/{tag}',
        'Latest pacticipant version with the specified tag',
        true,
      ),
      'pb:pacticipant-version': t(
        '/pacticipants/{pacticipant}/versions/{version}',
        'Get, create or delete a pacticipant version',
        true,
      ),
      'pb:pacticipant-version-tag': t(
        '/pacticipants/{pacticipant}/versions/{version}/tags/{tag}',
        'Get, create or delete a tag for a pacticipant version',
        true,
      ),
      'pb:pacticipant-branch': t(
        '/pacticipants/{pacticipant}/branches/{branch}',
        'Get or delete a pacticipant branch',
        true,
      ),
      'pb:pacticipant-branch-version': t(
        '/pacticipants/{pacticipant}/branches/{branch}/versions/{version}',
        'Get or add/create a pacticipant version for a branch',
        true,
      ),
      'pb:environments': t('/environments', 'Environments'),
      'pb:environment': t('/environments/{uuid}', 'Environment', true),
      'pb:provider-pacts-for-verification': t(
        '/pacts/provider/{provider}/for-verification',
        'Pact versions to be verified for the specified provider',
        true,
      ),
      'beta:provider-pacts-for-verification': {
        ...t(
          '/pacts/provider/{provider}/for-verification',
          'DEPRECATED - please use pb:provider-pacts-for-verification',
          true,
        ),
        name: 'beta',
      },
      'pb:webhooks': t('/webhooks', 'Webhooks'),
      'pb:webhook': t('/webhooks/{uuid}', 'Webhook', true),
      'pb:integrations': t('/integrations', 'Integrations'),
      'pb:metrics': t('/metrics', 'Get Pact Broker metrics'),
      'pb:can-i-deploy-pacticipant-version-to-tag': t(
        '/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}',
        'Determine if an application version can be safely deployed to an environment identified by the given tag',
        true,
      ),
      'pb:can-i-deploy-pacticipant-version-to-environment': t(
        '/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}',
        'Determine if an application version can be safely deployed to an environment',
        true,
      ),
      'pb:matrix': t('/matrix', 'The matrix of verified pacts'),
      curies: [
        { name: 'pb', href: L.url('/doc/{rel}?context=index'), templated: true },
        { name: 'beta', href: L.url('/doc/{rel}?context=index'), templated: true },
      ],
    },
  };
}

export function rootRoutes(r: Routes): void {
  const S = r.deps.store;
  r.resource('/', { GET: (c) => hal(200, index(c.var.links)) });
  r.resource('/diagnostic/status/heartbeat', {
    GET: (c) => hal(200, { ok: true, _links: { self: { href: c.var.links.url('/diagnostic/status/heartbeat') } } }),
  });
  r.resource('/integrations', {
    GET: async (c) => {
      const L = c.var.links;
      const items = await Promise.all(
        (await S.integrations()).map(async (i) => {
          const [consumer, provider] = await Promise.all([
            S.pacticipantById(i.consumerId),
            S.pacticipantById(i.providerId),
          ]);
          return {
            consumer: { name: consumer.name },
            provider: { name: provider.name },
            latestPactPublishedAt: i.latest.createdAt,
            _links: { 'pb:latest-pact': { href: L.latestPact(provider.name, consumer.name) } },
          };
        }),
      );
      return hal(200, { _embedded: { integrations: items }, _links: { self: { href: L.url('/integrations') } } });
    },
  });
  r.resource('/metrics', {
    GET: async () => {
      const n = await S.counts();
      const body: Record<string, { count: number }> = {};
      for (const [k, v] of Object.entries(n))
        body[k === 'versions' ? 'pacticipantVersions' : k === 'verifications' ? 'verificationResults' : k] = {
          count: v,
        };
      return hal(200, body);
    },
  });
}
