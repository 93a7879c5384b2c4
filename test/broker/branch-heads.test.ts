// Branch heads (the newest version of each branch) and their pacts (the WIP candidates), kept by database triggers
// on both stores: they follow adds in any order, removals and deletions of the head, publications, overwrites and
// deletions of pacts, and concurrent transactions (PostgreSQL, several connections, including a head moving back to
// a version whose pact another transaction is publishing or deleting); databases from before the tables get them
// filled by the migration.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore, type BrokerStore } from '../../src/broker';
import { PG_MIGRATIONS } from '../../src/broker/migrations/postgres';
import { SQLITE_MIGRATIONS } from '../../src/broker/migrations/sqlite';
import { currentStore, forEachStore, pactJson, tempDir } from './helpers';

jest.setTimeout(60_000);

/** Every branch whose stored head differs from the newest version on it (what a scan of branch_versions says). */
async function wrongHeads(store: BrokerStore, pacticipant: string): Promise<string[]> {
  const p = (await store.pacticipant(pacticipant))!;
  const wrong: string[] = [];
  for (const b of await store.branches(p.id)) {
    const newest = (await store.versionsOnBranch(p.id, b.name))[0]?.number;
    const head = (await store.branchHead(p.id, b.name))?.number;
    if (newest !== head) wrong.push(`${b.name}: head ${head ?? 'none'}, newest ${newest ?? 'none'}`);
  }
  return wrong;
}

forEachStore(() => {
  let dir: string;
  let store: BrokerStore;
  beforeEach(async () => {
    dir = tempDir('heads');
    store = await openStore(await currentStore().newDatabase(dir));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Creates versions (in this order, so ids ascend) and returns them by number. */
  const versions = (numbers: string[]) =>
    store.tx(async (t) => {
      const p = await t.ensurePacticipant('App');
      const out = new Map<string, number>();
      for (const n of numbers) out.set(n, (await t.ensureVersion(p.id, n)).version.id);
      return { p, ids: out };
    });
  const head = async (branch: string): Promise<string | undefined> =>
    (await store.branchHead((await store.pacticipant('App'))!.id, branch))?.number;

  test('the head is the newest version on the branch, whatever order versions join it in', async () => {
    const { p, ids } = await versions(['1', '2', '3']);
    await store.tx((t) => t.addVersionToBranch(p, ids.get('3')!, 'main'));
    expect(await head('main')).toBe('3');
    await store.tx(async (t) => {
      await t.addVersionToBranch(p, ids.get('1')!, 'main');
      await t.addVersionToBranch(p, ids.get('2')!, 'main');
      await t.addVersionToBranch(p, ids.get('1')!, 'feature');
    });
    expect(await head('main')).toBe('3');
    expect(await head('feature')).toBe('1');
    expect(await head('nope')).toBeUndefined();
    // The head is also what the branch's versions say is latest.
    expect((await store.branchesOfVersion(ids.get('3')!)).map((b) => [b.name, b.latest])).toEqual([['main', true]]);
    expect((await store.branchesOfVersion(ids.get('1')!)).map((b) => [b.name, b.latest])).toEqual([
      ['main', false],
      ['feature', true],
    ]);
  });

  test('removing or deleting the head moves it back; removing the last version leaves no head', async () => {
    const { p, ids } = await versions(['1', '2', '3', '4']);
    await store.tx(async (t) => {
      for (const n of ['1', '2', '3', '4']) await t.addVersionToBranch(p, ids.get(n)!, 'main');
      await t.addVersionToBranch(p, ids.get('2')!, 'short');
    });
    const main = (await store.branch(p.id, 'main'))!;
    await store.tx((t) => t.removeVersionFromBranch(main.id, ids.get('2')!)); // not the head
    expect(await head('main')).toBe('4');
    await store.tx((t) => t.removeVersionFromBranch(main.id, ids.get('4')!));
    expect(await head('main')).toBe('3');
    await store.tx(async (t) => t.deleteVersion((await t.version(p.id, '3'))!));
    expect(await head('main')).toBe('1');
    await store.tx(async (t) => t.deleteVersion((await t.version(p.id, '2'))!)); // the only version of 'short'
    expect(await head('short')).toBeUndefined();
    await store.tx(async (t) => t.deleteBranch((await t.branch(p.id, 'main'))!));
    expect(await head('main')).toBeUndefined();
    expect(await wrongHeads(store, 'App')).toEqual([]);
  });

  test('concurrent publishes and removals on one branch leave the newest version as its head', async () => {
    const { p } = await versions(['0']);
    // Each worker creates versions and adds them to main; some remove the version they just added again.
    await Promise.all(
      Array.from({ length: 6 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 8; i++) {
            await store.tx(async (t) => {
              const { version } = await t.ensureVersion(p.id, `${w}.${i}`);
              await t.addVersionToBranch(p, version.id, 'main');
              if ((w + i) % 3 === 0) await t.addVersionToBranch(p, version.id, `topic-${w}`);
            });
            if (i % 3 === 2) {
              await store.tx(async (t) => {
                const v = (await t.version(p.id, `${w}.${i}`))!;
                await t.removeVersionFromBranch((await t.branch(p.id, 'main'))!.id, v.id);
              });
            }
          }
        })(),
      ),
    );
    expect(await wrongHeads(store, 'App')).toEqual([]);
    const newestOnMain = (await store.versionsOnBranch(p.id, 'main'))[0]!;
    expect(await head('main')).toBe(newestOnMain.number);
  });
});

forEachStore(() => {
  let dir: string;
  let store: BrokerStore;
  let databaseUrl: string | undefined;
  beforeEach(async () => {
    dir = tempDir('head-pacts');
    const db = await currentStore().newDatabase(dir);
    databaseUrl = db.databaseUrl;
    store = await openStore(db);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The WIP candidates of App's branches as stored, and as computed from the heads and the publications. */
  async function headPacts(provider: string): Promise<{ stored: string[]; computed: string[] }> {
    const p = (await store.pacticipant('App'))!;
    const pr = (await store.pacticipant(provider))!;
    const stored = (await store.headPublications(p.id, pr.id, '1970-01-01T00:00:00.000Z'))
      .filter((h) => h.kind === 'branch')
      .map((h) => `${h.name}@${h.version.number}:${h.publication.pactVersionId}`);
    const computed: string[] = [];
    for (const b of [...(await store.branches(p.id))].sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const head = await store.branchHead(p.id, b.name);
      const pub = head === undefined ? undefined : await store.publication(head.id, pr.id);
      if (pub !== undefined) computed.push(`${b.name}@${head!.number}:${pub.pactVersionId}`);
    }
    return { stored, computed };
  }
  const pact = (n: number): Record<string, unknown> =>
    pactJson('App', 'Api', [{ description: `d${n}`, path: `/x/${n}`, body: { n } }]);

  test('the pacts of branch heads follow publications, overwrites, deletions and heads moving, also concurrently', async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 8; i++) {
            await store.tx(async (t) => {
              const app = await t.ensurePacticipant('App');
              const api = await t.ensurePacticipant('Api');
              const { version, created } = await t.ensureVersion(app.id, `${w}.${i}`, undefined, { likelyNew: true });
              await t.addVersionToBranch(app, version.id, i % 2 === 0 ? 'main' : `topic-${w}`);
              // Some versions join a branch before their pact is published, some after.
              if (i % 3 !== 1)
                await t.publishPact(app, version, api, pact(w * 100 + i), false, { versionCreated: created });
              if (i % 3 === 1) {
                await t.publishPact(app, version, api, pact(w * 100 + i), false);
                await t.addVersionToBranch(app, version.id, 'late');
              }
            });
            if (i === 5) {
              // Overwrite the pact of the current head of topic-w, then delete one of an older version.
              await store.tx(async (t) => {
                const app = (await t.pacticipant('App'))!;
                const api = (await t.pacticipant('Api'))!;
                const head = (await t.branchHead(app.id, `topic-${w}`))!;
                await t.publishPact(app, head, api, pact(9_000 + w), true);
                const old = await t.version(app.id, `${w}.0`);
                const pub = old === undefined ? undefined : await t.publication(old.id, api.id);
                if (pub !== undefined) await t.deletePublication(pub);
              });
            }
          }
        })(),
      ),
    );
    const { stored, computed } = await headPacts('Api');
    expect(stored.length).toBeGreaterThan(5);
    expect(stored).toEqual(computed);
    // A head moving back (its version removed from the branch) brings its predecessor's pact back.
    const app = (await store.pacticipant('App'))!;
    const main = (await store.branch(app.id, 'main'))!;
    await store.tx(async (t) => t.removeVersionFromBranch(main.id, (await t.branchHead(app.id, 'main'))!.id));
    await store.tx(async (t) => t.deleteVersion((await t.branchHead(app.id, 'late'))!));
    // A deleted branch takes its head's pacts with it.
    await store.tx(async (t) => t.deleteBranch((await t.branch(app.id, 'topic-0'))!));
    const after = await headPacts('Api');
    expect(after.stored.some((x) => x.startsWith('topic-0@'))).toBe(false);
    expect(after.stored).toEqual(after.computed);
    expect(after.stored).not.toEqual(stored);
  });

  /**
   * Resolves once `other` has settled or (PostgreSQL) a session of this database waits for a lock, whichever comes
   * first; on SQLite, whose transactions run one at a time, once `other` had the chance to start.
   */
  async function blockedOrSettled(other: Promise<unknown>): Promise<void> {
    let settled = false;
    other.then(
      () => (settled = true),
      () => (settled = true),
    );
    if (databaseUrl === undefined) return new Promise((resolve) => setTimeout(resolve, 50));
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      for (let i = 0; i < 1_000 && !settled; i++) {
        const r = await c.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (r.rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await c.end();
    }
  }

  test.each(['removed from the branch', 'deleted'])(
    'a head moving back (the head %s) to a version whose pact another transaction is publishing gets that pact',
    async (how) => {
      await store.tx(async (t) => {
        const app = await t.ensurePacticipant('App');
        await t.ensurePacticipant('Api');
        for (const n of ['1', '2'])
          await t.addVersionToBranch(app, (await t.ensureVersion(app.id, n)).version.id, 'main');
      });
      // One transaction publishes version 1's pact and stays open; meanwhile another takes version 2 off main, so
      // that main's head moves back to 1.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let published!: () => void;
      const inFlight = new Promise<void>((resolve) => (published = resolve));
      const publisher = store.tx(async (t) => {
        const app = (await t.pacticipant('App'))!;
        const { version } = await t.ensureVersion(app.id, '1');
        expect((await t.publishPact(app, version, (await t.pacticipant('Api'))!, pact(1), false)).outcome).toBe(
          'created',
        );
        published();
        await gate;
      });
      await inFlight;
      const mover = store.tx(async (t) => {
        const app = (await t.pacticipant('App'))!;
        const two = (await t.version(app.id, '2'))!;
        if (how === 'deleted') await t.deleteVersion(two);
        else expect(await t.removeVersionFromBranch((await t.branch(app.id, 'main'))!.id, two.id)).toBe(true);
      });
      await blockedOrSettled(mover);
      release();
      await Promise.all([publisher, mover]);
      const { stored, computed } = await headPacts('Api');
      expect(computed).toHaveLength(1);
      expect(computed[0]).toMatch(/^main@1:/);
      expect(stored).toEqual(computed);
    },
  );

  test('a head moving back to a version whose pact another transaction deletes: no pact, no error', async () => {
    await store.tx(async (t) => {
      const app = await t.ensurePacticipant('App');
      const api = await t.ensurePacticipant('Api');
      for (const n of ['1', '2']) {
        const { version } = await t.ensureVersion(app.id, n);
        await t.addVersionToBranch(app, version.id, 'main');
        await t.publishPact(app, version, api, pact(Number(n)), false);
      }
    });
    const app = (await store.pacticipant('App'))!;
    const api = (await store.pacticipant('Api'))!;
    const one = (await store.version(app.id, '1'))!;
    const pub = (await store.publication(one.id, api.id))!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let deleted!: () => void;
    const inFlight = new Promise<void>((resolve) => (deleted = resolve));
    const deleter = store.tx(async (t) => {
      await t.deletePublication(pub);
      deleted();
      await gate;
    });
    await inFlight;
    const mover = store.tx(async (t) =>
      t.removeVersionFromBranch((await t.branch(app.id, 'main'))!.id, (await t.version(app.id, '2'))!.id),
    );
    await blockedOrSettled(mover);
    release();
    await Promise.all([deleter, mover]);
    expect(await headPacts('Api')).toEqual({ stored: [], computed: [] });
  });
});

test('an SQLite database from before branch heads gets them from its branches when it is migrated', async () => {
  const dir = tempDir('heads-upgrade');
  const file = path.join(dir, 'old.sqlite');
  try {
    const old = new DatabaseSync(file);
    const before = SQLITE_MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE branch_heads'));
    for (let i = 0; i < before; i++) old.exec(SQLITE_MIGRATIONS[i]!);
    old.exec(`PRAGMA user_version = ${before}`);
    old.exec(`INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (1, 'Old', 't', 't');
      INSERT INTO versions (id, pacticipant_id, number, created_at, updated_at) VALUES (1, 1, 'a', 't', 't'), (2, 1, 'b', 't', 't'), (3, 1, 'c', 't', 't');
      INSERT INTO branches (id, pacticipant_id, name, created_at) VALUES (1, 1, 'main', 't'), (2, 1, 'empty', 't');
      INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (1, 3, 't'), (1, 1, 't');
      INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (2, 'Prov', 't', 't');
      INSERT INTO pact_versions (id, consumer_id, provider_id, sha, content, created_at) VALUES (1, 1, 2, 's1', '{}', 't'), (2, 1, 2, 's2', '{}', 't');
      INSERT INTO pact_publications (id, consumer_id, provider_id, consumer_version_id, pact_version_id, created_at) VALUES (1, 1, 2, 1, 1, '2026-01-01T00:00:00.000Z'), (2, 1, 2, 3, 2, '2026-01-02T00:00:00.000Z');`);
    old.close();
    const store = await openStore({ dbFile: file });
    try {
      expect((await store.branchHead(1, 'main'))?.number).toBe('c');
      expect(await store.branchHead(1, 'empty')).toBeUndefined();
      // The heads' pacts (WIP candidates) are filled in too.
      expect(
        (await store.headPublications(1, 2, '2020-01-01T00:00:00.000Z')).map((h) => [
          h.kind,
          h.name,
          h.version.number,
          h.publication.id,
        ]),
      ).toEqual([['branch', 'main', 'c', 2]]);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

forEachStore(
  (sut) => {
    test('a PostgreSQL database from before branch heads gets them from its branches when it is migrated', async () => {
      const url = await sut.pg.createDatabase('heads_upgrade');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(
          'CREATE TABLE cxpact_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        const heads = PG_MIGRATIONS.find((x) => x.sql.includes('CREATE TABLE branch_heads'))!.version;
        for (const m of PG_MIGRATIONS.filter((x) => x.version < heads)) {
          await c.query(m.sql);
          await c.query('INSERT INTO cxpact_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await c.query(`INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (1, 'Old', now(), now());
          INSERT INTO versions (id, pacticipant_id, number, created_at, updated_at) VALUES (1, 1, 'a', now(), now()), (2, 1, 'b', now(), now()), (3, 1, 'c', now(), now());
          INSERT INTO branches (id, pacticipant_id, name, created_at) VALUES (1, 1, 'main', now()), (2, 1, 'empty', now());
          INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (1, 3, now()), (1, 1, now());
          INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (2, 'Prov', now(), now());
          INSERT INTO pact_versions (id, consumer_id, provider_id, sha, content, created_at) VALUES (1, 1, 2, 's1', '{}', now()), (2, 1, 2, 's2', '{}', now());
          INSERT INTO pact_publications (id, consumer_id, provider_id, consumer_version_id, pact_version_id, created_at) VALUES (1, 1, 2, 1, 1, now()), (2, 1, 2, 3, 2, now());`);
      } finally {
        await c.end();
      }
      const store = await openStore({ databaseUrl: url });
      try {
        expect((await store.branchHead(1, 'main'))?.number).toBe('c');
        expect(await store.branchHead(1, 'empty')).toBeUndefined();
        // The heads' pacts (WIP candidates) are filled in too.
        expect(
          (await store.headPublications(1, 2, '2020-01-01T00:00:00.000Z')).map((h) => [
            h.kind,
            h.name,
            h.version.number,
            h.publication.id,
          ]),
        ).toEqual([['branch', 'main', 'c', 2]]);
        // and from now on the triggers keep it
        await store.tx(async (t) => t.addVersionToBranch((await t.pacticipant('Old'))!, 2, 'empty'));
        expect((await store.branchHead(1, 'empty'))?.number).toBe('b');
      } finally {
        await store.close();
      }
    });
  },
  ['postgres'],
);
