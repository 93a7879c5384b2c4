// A per-request read layer: one matrix, pacts-for-verification or page answer asks for the same pacticipant,
// version, environment or branch many times, and for many of one kind at once (the provider of every pact of a
// version, the main-branch head of every consumer). With PostgreSQL every ask is a round trip, which costs more CPU
// on both sides than the lookup itself. So:
// - repeated reads with the same arguments share one query (a cache, for the life of the request), and
// - single-row reads of one kind made at the same moment (before the request's code awaits anything else) are
//   sent as one batched query (SqlStore's "batched reads"), like DataLoader: a request's concurrent lookups
//   (Promise.all over providers, consumers, selectors) cost one statement per kind instead of one per row.
// Only for reads made while answering one request (never across requests, never inside a transaction that writes).
import type { SqlStore } from './sql';
import type {
  BrokerReads,
  DeployedVersion,
  HeadPublication,
  PactPublication,
  Pacticipant,
  ReleasedVersion,
  Verification,
  Version,
} from './types';

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
  'headPublications',
]);

const MEMO = Symbol('memoReads');

type Args = unknown[];
type Batched = (keys: Args[]) => Promise<unknown[]>;

/** Queues the reads of one kind made in one turn and runs them as one batch (or singly, when alone). */
class Coalescer {
  private queue: { args: Args; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly single: (...args: Args) => Promise<unknown>,
    private readonly batched: Batched,
  ) {}

  load(args: Args): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // After every promise job queued now (the other lookups this turn of the request's code starts) has run.
      if (this.queue.length === 0) void Promise.resolve().then(() => process.nextTick(() => this.flush()));
      this.queue.push({ args, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 1) {
      this.single(...batch[0]!.args).then(batch[0]!.resolve, batch[0]!.reject);
      return;
    }
    this.batched(batch.map((b) => b.args)).then(
      (values) =>
        batch.forEach((b, k) => {
          const v = values[k];
          if (v instanceof Error) b.reject(v);
          else b.resolve(v);
        }),
      (error: unknown) => {
        for (const b of batch) b.reject(error);
      },
    );
  }
}

/** Groups keys by one argument (a batched query takes one name / environment / provider and many ids). */
async function byGroup<R>(
  keys: Args[],
  group: (k: Args) => string,
  run: (ks: Args[]) => Promise<(k: Args) => R>,
): Promise<R[]> {
  const groups = new Map<string, Args[]>();
  for (const k of keys) {
    const g = group(k);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [k]);
    else list.push(k);
  }
  const lookups = new Map<string, (k: Args) => R>();
  await Promise.all([...groups].map(async ([g, ks]) => lookups.set(g, await run(ks))));
  return keys.map((k) => lookups.get(group(k))!(k));
}

const num = (v: unknown): number => v as number;
const pairKey = (a: unknown, b: unknown): string => `${String(a)}:${String(b)}`;

/** The batched form of each read memo coalesces (arguments as the single read takes them). */
function batchers(s: SqlStore): Partial<Record<keyof BrokerReads, Batched>> {
  return {
    pacticipantById: async (keys) => {
      const found = await s.pacticipantsByIds(keys.map((k) => num(k[0])));
      return keys.map(
        (k): Pacticipant | Error => found.get(num(k[0])) ?? new Error(`pacticipant ${String(k[0])} vanished`),
      );
    },
    versionById: async (keys) => {
      const found = await s.versionsByIds(keys.map((k) => num(k[0])));
      return keys.map((k): Version | Error => found.get(num(k[0])) ?? new Error(`version ${String(k[0])} vanished`));
    },
    publication: async (keys) => {
      const rows = await s.publicationsOf(
        keys.map((k) => num(k[0])),
        keys.map((k) => num(k[1])),
      );
      const found = new Map(rows.map((p) => [pairKey(p.consumerVersionId, p.providerId), p]));
      return keys.map((k): PactPublication | undefined => found.get(pairKey(k[0], k[1])));
    },
    latestVerificationFor: async (keys) => {
      const rows = await s.latestVerificationsOf(
        keys.map((k) => num(k[0])),
        keys.map((k) => num(k[1])),
      );
      const found = new Map(rows.map((v) => [pairKey(v.pactVersionId, v.providerVersionId), v]));
      return keys.map((k): Verification | undefined => found.get(pairKey(k[0], k[1])));
    },
    branchHead: (keys) =>
      byGroup(
        keys,
        (k) => String(k[1]),
        async (ks) => {
          const found = await s.branchHeadsOf(
            ks.map((k) => num(k[0])),
            String(ks[0]![1]),
          );
          return (k) => found.get(num(k[0]));
        },
      ),
    latestVersionWithTag: (keys) =>
      byGroup(
        keys,
        (k) => String(k[1]),
        async (ks) => {
          const found = await s.latestVersionsWithTag(
            ks.map((k) => num(k[0])),
            String(ks[0]![1]),
          );
          return (k) => found.get(num(k[0]));
        },
      ),
    versionsInEnvironment: (keys) =>
      byGroup(
        keys,
        (k) => String(k[0]),
        async (ks) => {
          const found = await s.versionsInEnvironmentOf(
            num(ks[0]![0]),
            ks.map((k) => num(k[1])),
          );
          return (k): Version[] => found.get(num(k[1])) ?? [];
        },
      ),
    currentlyDeployed: currentRecords(s, 'deployed'),
    currentlySupported: currentRecords(s, 'released'),
    headPublications: (keys) =>
      byGroup(
        keys,
        (k) => JSON.stringify([k[1], k[2]]),
        async (ks) => {
          const found = await s.headPublicationsOf(
            ks.map((k) => num(k[0])),
            num(ks[0]![1]),
            String(ks[0]![2]),
          );
          return (k): HeadPublication[] => found.get(num(k[0])) ?? [];
        },
      ),
  };
}

/** currentlyDeployed(envId, pacticipantId) / currentlySupported(...) of several pacticipants (by environment). */
function currentRecords(s: SqlStore, kind: 'deployed' | 'released'): Batched {
  return (keys) =>
    byGroup(
      keys,
      (k) => `${String(k[0])}|${k[1] === undefined ? 'all' : 'one'}`,
      async (ks) => {
        if (ks[0]![1] === undefined) {
          // Every pacticipant: not a batch of single reads (each such key is alone in its group).
          const all = await (kind === 'deployed'
            ? s.currentlyDeployed(ks[0]![0] as number | undefined)
            : s.currentlySupported(ks[0]![0] as number | undefined));
          return () => all;
        }
        const found = await s.currentRecordsOf(
          kind,
          ks[0]![0] as number | undefined,
          ks.map((k) => num(k[1])),
        );
        return (k): (DeployedVersion | ReleasedVersion)[] => found.get(num(k[1])) ?? [];
      },
    );
}

const canBatch = (store: BrokerReads): store is BrokerReads & SqlStore =>
  typeof (store as Partial<SqlStore>).pacticipantsByIds === 'function';

/** Wraps a store's reads so that repeated calls with the same arguments share one query and concurrent ones batch. */
export function memoReads<T extends BrokerReads>(store: T): T {
  if ((store as unknown as Record<symbol, unknown>)[MEMO] === true) return store;
  const cache = new Map<string, unknown>();
  const batch = canBatch(store) ? batchers(store) : {};
  const coalescers = new Map<string, Coalescer>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === MEMO) return true;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !MEMOISED.has(prop as keyof BrokerReads) || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      const single = (...args: Args): Promise<unknown> =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      const batched = batch[prop as keyof BrokerReads];
      let coalescer = coalescers.get(prop);
      if (coalescer === undefined && batched !== undefined) {
        coalescer = new Coalescer(single, batched);
        coalescers.set(prop, coalescer);
      }
      return (...args: unknown[]) => {
        const key = `${prop}\u0000${JSON.stringify(args)}`;
        let hit = cache.get(key);
        if (hit === undefined) {
          hit = coalescer === undefined ? single(...args) : coalescer.load(args);
          // A failed read is not remembered.
          (hit as Promise<unknown>).catch(() => cache.delete(key));
          cache.set(key, hit);
        }
        return hit;
      };
    },
  });
}
