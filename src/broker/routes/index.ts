// Every route of the broker, one file per resource. Registration order is matching order (the first resource
// whose path matches answers), so the order below matters where paths overlap: badges before `.../latest/:tag`,
// pages (browsers only) before the API index.
import type { Routes } from '../context';
import { badgeRoutes } from './badges';
import { deploymentRoutes } from './deployments';
import { environmentRoutes } from './environments';
import { matrixRoutes } from './matrix';
import { pacticipantRoutes } from './pacticipants';
import { pactOfPairRoutes, pactRoutes } from './pacts';
import { pageRoutes } from './pages';
import { publishRoutes } from './publish';
import { rootRoutes } from './root';
import { verificationRoutes } from './verifications';
import { versionRoutes } from './versions';
import { webhookRoutes } from './webhooks';

export function registerRoutes(r: Routes): void {
  pageRoutes(r);
  badgeRoutes(r);
  rootRoutes(r);
  publishRoutes(r);
  pactRoutes(r);
  verificationRoutes(r);
  pactOfPairRoutes(r);
  pacticipantRoutes(r);
  versionRoutes(r);
  matrixRoutes(r);
  deploymentRoutes(r);
  environmentRoutes(r);
  webhookRoutes(r);
}
