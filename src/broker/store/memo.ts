// A per-request read cache: one matrix or pacts-for-verification answer asks for the same pacticipant, version,
// environment or branch list many times; with PostgreSQL every ask is a round trip. Only for reads made while
// answering one request (never across requests, never inside a transaction that writes).
import type { BrokerReads } from './types';

const MEMOISED = new Set<keyof BrokerReads>([
  'pacticipant',
  'pacticipantById',
  'labels',
  'version',
  'versionById',
  'branch',
  'branchHead',
  'branchesOfVersion',
  'tagsOfVersion',
  'tagFirstCreated',
  'latestVersion',
  'latestVersionWithTag',
  'pactVersionSha',
  'publication',
  'consumerIdsOf',
  'environments',
  'environmentByName',
  'environmentById',
  'deploymentsOfVersion',
  'releasesOfVersion',
  'environmentsOfVersion',
  'versionsInEnvironment',
  'currentlyDeployed',
  'currentlySupported',
  'latestVerificationFor',
  'webhooks',
]);

const MEMO = Symbol('memoReads');

/** Wraps a store's reads so that repeated calls with the same arguments share one query. */
export function memoReads<T extends BrokerReads>(store: T): T {
  if ((store as unknown as Record<symbol, unknown>)[MEMO] === true) return store;
  const cache = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === MEMO) return true;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !MEMOISED.has(prop as keyof BrokerReads) || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) => {
        const key = `${prop}\u0000${JSON.stringify(args)}`;
        let hit = cache.get(key);
        if (hit === undefined) {
          hit = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          // A failed read is not remembered.
          (hit as Promise<unknown>).catch(() => cache.delete(key));
          cache.set(key, hit);
        }
        return hit;
      };
    },
  });
}
