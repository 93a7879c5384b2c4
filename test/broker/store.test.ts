// The store layer on each database: versioned migrations (an older SQLite file is upgraded in place; a database
// from a newer cxpact is refused with a clear message), writes only inside transactions that commit whole or not
// at all, and values a database cannot hold answered as bad input (400), never as a crash (500).
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { BrokerApp, openStore, SqliteStore, type BrokerStore } from '../../src/broker';
import { SQLITE_MIGRATIONS } from '../../src/broker/migrations/sqlite';
import { currentStore, forEachStore, pactJson, tempDir, THINGS } from './helpers';

jest.setTimeout(60_000);

test('an SQLite file from an older cxpact (schema 3) is migrated in place and keeps its data', async () => {
  const dir = tempDir('store-upgrade');
  const file = path.join(dir, 'old.sqlite');
  try {
    const old = new DatabaseSync(file);
    for (let i = 0; i < 3; i++) old.exec(SQLITE_MIGRATIONS[i]!);
    old.exec('PRAGMA user_version = 3');
    old.exec(
      "INSERT INTO pacticipants (name, display_name, created_at, updated_at) VALUES ('Legacy', 'Legacy', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')",
    );
    old.close();
    const store = SqliteStore.open(file);
    try {
      expect((await store.pacticipant('Legacy'))?.createdAt).toBe('2024-01-01T00:00:00.000Z');
    } finally {
      await store.close();
    }
    const peek = new DatabaseSync(file, { readOnly: true });
    expect((peek.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      SQLITE_MIGRATIONS.length,
    );
    expect(peek.prepare("SELECT name FROM sqlite_master WHERE name = 'verifications_number'").get()).toEqual({
      name: 'verifications_number',
    });
    peek.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

forEachStore((sut) => {
  let dir: string;
  let store: BrokerStore;
  let where: { dbFile: string; databaseUrl?: string };
  beforeEach(async () => {
    dir = tempDir('store');
    where = await currentStore().newDatabase(dir);
    store = await openStore(where);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a transaction that fails leaves nothing behind; one that succeeds is seen by the next reader', async () => {
    await expect(
      store.tx(async (t) => {
        const p = await t.ensurePacticipant('Half');
        await t.ensureVersion(p.id, '1.0.0');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.pacticipant('Half')).toBeUndefined();
    const v = await store.tx(async (t) => {
      const p = await t.ensurePacticipant('Whole');
      return (await t.ensureVersion(p.id, '1.0.0')).version;
    });
    expect((await store.version(v.pacticipantId, '1.0.0'))?.id).toBe(v.id);
    expect((await store.counts()).versions).toBe(1);
  });

  test('a database written by a newer cxpact is refused with a clear message', async () => {
    await store.close();
    if (sut.kind === 'sqlite') {
      const db = new DatabaseSync(where.dbFile);
      db.exec(`PRAGMA user_version = ${SQLITE_MIGRATIONS.length + 1}`);
      db.close();
    } else {
      const c = new pg.Client({ connectionString: where.databaseUrl });
      await c.connect();
      await c.query("INSERT INTO cxpact_schema_migrations (version, name) VALUES (999, 'from the future')");
      await c.end();
    }
    await expect(openStore(where)).rejects.toThrow(/newer than this cxpact knows .*upgrade cxpact/);
    store = await openStore({ dbFile: path.join(dir, 'fresh.sqlite') }); // for afterEach
  });

  test('values a database cannot hold are bad input (4xx), never a 500', async () => {
    const app = new BrokerApp(store);
    const content = Buffer.from(JSON.stringify(pactJson('Nul\u0000Consumer', 'Bar', THINGS))).toString('base64');
    const r = await app.request('/contracts/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pacticipantName: 'Nul\u0000Consumer',
        pacticipantVersionNumber: '1',
        contracts: [{ consumerName: 'Nul\u0000Consumer', providerName: 'Bar', specification: 'pact', content }],
      }),
    });
    expect(r.status).toBeLessThan(500);
    expect((await app.request('/pacticipants/a%00b')).status).toBe(sut.kind === 'postgres' ? 400 : 404);
    expect(
      (await app.request('/pacts/provider/Bar/consumer/Foo/pact-version/abc/verification-results/notanumber')).status,
    ).toBe(404);
    app.close();
  });
});
