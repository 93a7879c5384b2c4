// Branch heads (the newest version of each branch), kept by database triggers on both stores: they follow adds in
// any order, removals and deletions of the head, and concurrent publishes to one branch (PostgreSQL, several
// connections); databases from before the table get it filled by the migration.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore, type BrokerStore } from '../../src/broker';
import { PG_MIGRATIONS } from '../../src/broker/migrations/postgres';
import { SQLITE_MIGRATIONS } from '../../src/broker/migrations/sqlite';
import { currentStore, forEachStore, tempDir } from './helpers';

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
  const head = async (branch: string): Promise<string | undefined> => (await store.branchHead((await store.pacticipant('App'))!.id, branch))?.number;

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
      INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (1, 3, 't'), (1, 1, 't');`);
    old.close();
    const store = await openStore({ dbFile: file });
    try {
      expect((await store.branchHead(1, 'main'))?.number).toBe('c');
      expect(await store.branchHead(1, 'empty')).toBeUndefined();
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
        await c.query('CREATE TABLE cxpact_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        const heads = PG_MIGRATIONS.find((x) => x.sql.includes('CREATE TABLE branch_heads'))!.version;
        for (const m of PG_MIGRATIONS.filter((x) => x.version < heads)) {
          await c.query(m.sql);
          await c.query('INSERT INTO cxpact_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await c.query(`INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES (1, 'Old', now(), now());
          INSERT INTO versions (id, pacticipant_id, number, created_at, updated_at) VALUES (1, 1, 'a', now(), now()), (2, 1, 'b', now(), now()), (3, 1, 'c', now(), now());
          INSERT INTO branches (id, pacticipant_id, name, created_at) VALUES (1, 1, 'main', now()), (2, 1, 'empty', now());
          INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (1, 3, now()), (1, 1, now());`);
      } finally {
        await c.end();
      }
      const store = await openStore({ databaseUrl: url });
      try {
        expect((await store.branchHead(1, 'main'))?.number).toBe('c');
        expect(await store.branchHead(1, 'empty')).toBeUndefined();
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
