// Reading pacts from a broker: the latest pact of every consumer of a provider (what the recorded checks compare
// recordings with). Network only; never prints.
import { parsePact } from '../../core/recorded/pacts';
import type { LoadedPact } from '../../core/recorded/model';
import { CxpactError } from '../../core/errors';
import { isRecord } from '../../core/json';
import { spellingFor } from '../cli-spelling';
import { brokerRequest, checkBroker, pathOf } from './http';
import type { BrokerTarget } from './target';

/** The latest pact of every consumer of `provider` in the broker (`/pacts/provider/P/latest`). */
export async function loadPactsFromBroker(broker: BrokerTarget, provider: string): Promise<LoadedPact[]> {
  await checkBroker(broker);
  const list = await brokerRequest(broker, `/pacts/provider/${encodeURIComponent(provider)}/latest`);
  if (list.status === 404) return [];
  if (list.status !== 200 || !isRecord(list.body)) {
    throw new CxpactError(
      'broker.error',
      `The broker answered GET /pacts/provider/${provider}/latest with HTTP ${list.status}.`,
      {
        fix: 'Check --broker-url points at a Pact Broker.',
      },
    );
  }
  const links = isRecord(list.body['_links']) ? list.body['_links'] : {};
  const entries = Array.isArray(links['pb:pacts'])
    ? links['pb:pacts']
    : Array.isArray(links['pacts'])
      ? links['pacts']
      : [];
  const pacts: LoadedPact[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e['href'] !== 'string') continue;
    const res = await brokerRequest(broker, pathOf(e['href'], broker.baseUrl));
    if (res.status !== 200) {
      throw new CxpactError('broker.error', `The broker answered GET ${e['href']} with HTTP ${res.status}.`, {
        fix: 'Check the broker logs.',
      });
    }
    pacts.push(parsePact(res.body, e['href'], spellingFor(broker.cwd)));
  }
  return pacts;
}
