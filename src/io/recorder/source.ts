// Shared by `cxpact record` and `cxpact check-recorded`: where the pacts come from (files, else the broker).
import path from 'node:path';
import { CxpactError } from '../../core/errors';
import { loadPactsFromBroker } from '../broker-client/pacts';
import type { BrokerTarget } from '../broker-client/target';
import { loadPactsFromFiles } from './pacts';
import type { LoadedPact } from '../../core/recorded/model';
import { cxpactCommand } from '../cli-spelling';

export interface PactSourceChoice {
  pactPaths?: string[];
  broker?: BrokerTarget;
}

/** Loads the provider's pacts: --pacts files win, then the broker, then ./pacts. No pacts at all is an error. */
export async function loadProviderPacts(
  provider: string,
  choice: PactSourceChoice,
  cwd: string,
): Promise<{ pacts: LoadedPact[]; sourceText: string }> {
  if (choice.pactPaths === undefined && choice.broker !== undefined) {
    const pacts = await loadPactsFromBroker(choice.broker, provider);
    if (pacts.length === 0) {
      throw new CxpactError(
        'recorded.pacts.none',
        `The broker at ${choice.broker.baseUrl} has no pacts for ${provider}.`,
        {
          fix: `Publish the consumer pacts first: \`${cxpactCommand(cwd, 'consumer')} && ${cxpactCommand(cwd, 'publish')}\`.`,
        },
      );
    }
    return { pacts, sourceText: `the latest pacts for ${provider} in the broker at ${choice.broker.baseUrl}` };
  }
  const paths = (choice.pactPaths ?? ['pacts']).map((p) => path.resolve(cwd, p));
  const { pacts, otherProviders } = loadPactsFromFiles(paths, provider, cwd);
  if (pacts.length === 0) {
    throw new CxpactError(
      'recorded.pacts.none',
      `No pact for provider ${provider} in ${paths.map((p) => path.relative(cwd, p) || '.').join(', ')}.`,
      {
        file: paths[0],
        fix:
          `Run \`${cxpactCommand(cwd, 'consumer')}\` to write the pacts, pass --pacts <dir|file>, or use --broker-url.` +
          (otherProviders.length > 0 ? ` Pacts there are for: ${otherProviders.join(', ')}.` : ''),
      },
    );
  }
  return { pacts, sourceText: `${pacts.length} local pact file(s)` };
}
