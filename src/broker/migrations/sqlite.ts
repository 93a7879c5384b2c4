// SQLite schema migrations, applied in order at start; `PRAGMA user_version` records how many ran. Append only:
// a released migration never changes (existing databases have already applied it).
export const SQLITE_MIGRATIONS: string[] = [
  `
  CREATE TABLE pacticipants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    main_branch TEXT,
    repository_url TEXT,
    repository_name TEXT,
    repository_namespace TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE labels (
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (pacticipant_id, name)
  );
  CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
  );
  CREATE INDEX versions_pacticipant_order ON versions (pacticipant_id, id);
  CREATE TABLE branches (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
  );
  CREATE TABLE branch_versions (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (branch_id, version_id)
  );
  CREATE INDEX branch_versions_version ON branch_versions (version_id);
  CREATE TABLE tags (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
  );
  CREATE INDEX tags_head ON tags (pacticipant_id, name, version_id);
  CREATE TABLE pact_versions (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
  );
  CREATE TABLE pact_publications (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    consumer_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
  );
  CREATE INDEX pact_publications_integration ON pact_publications (provider_id, consumer_id, consumer_version_id);
  CREATE INDEX pact_publications_pact_version ON pact_publications (pact_version_id);
  CREATE INDEX pact_publications_provider_created ON pact_publications (provider_id, created_at);
  CREATE TABLE verifications (
    id INTEGER PRIMARY KEY,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
    provider_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    success INTEGER NOT NULL,
    build_url TEXT,
    test_results TEXT,
    verified_by TEXT,
    wip INTEGER NOT NULL DEFAULT 0,
    pending INTEGER,
    consumer_version_numbers TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX verifications_pair ON verifications (pact_version_id, provider_version_id, id);
  CREATE INDEX verifications_provider_version ON verifications (provider_version_id);
  CREATE INDEX verifications_success ON verifications (pact_version_id, success, wip, provider_version_id);
  CREATE TABLE environments (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production INTEGER NOT NULL,
    contacts TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE deployed_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    application_instance TEXT,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
  );
  CREATE INDEX deployed_versions_current ON deployed_versions (environment_id, pacticipant_id, undeployed_at);
  CREATE INDEX deployed_versions_version ON deployed_versions (version_id);
  CREATE TABLE released_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
  );
  CREATE INDEX released_versions_current ON released_versions (environment_id, pacticipant_id, support_ended_at);
  CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    description TEXT,
    consumer TEXT,
    provider TEXT,
    events TEXT NOT NULL,
    request TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE triggered_webhooks (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    webhook_uuid TEXT NOT NULL,
    event_name TEXT NOT NULL,
    status TEXT NOT NULL,
    context TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX triggered_webhooks_webhook ON triggered_webhooks (webhook_uuid, id);
  CREATE TABLE webhook_executions (
    id INTEGER PRIMARY KEY,
    triggered_webhook_id INTEGER NOT NULL REFERENCES triggered_webhooks(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    success INTEGER NOT NULL,
    logs TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // 2: pending/WIP lookups per provider ("which pact versions did this provider verify successfully, when").
  `
  CREATE INDEX verifications_provider_success ON verifications (provider_id, success, created_at, pact_version_id);
  `,
  // 3: materialised integrations (consumer, provider), so "consumers of P" is not a scan of all publications.
  `
  CREATE TABLE integrations (
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (provider_id, consumer_id)
  );
  CREATE INDEX integrations_consumer ON integrations (consumer_id, provider_id);
  INSERT OR IGNORE INTO integrations (consumer_id, provider_id, created_at)
    SELECT consumer_id, provider_id, MIN(created_at) FROM pact_publications GROUP BY consumer_id, provider_id;
  `,
  // 4: indexes for deletes that cascade through foreign keys, and one number per verification of a pact version.
  `
  CREATE INDEX IF NOT EXISTS pact_versions_provider ON pact_versions (provider_id);
  CREATE INDEX IF NOT EXISTS pact_publications_consumer ON pact_publications (consumer_id, provider_id, consumer_version_id);
  CREATE INDEX IF NOT EXISTS verifications_consumer ON verifications (consumer_id, provider_id);
  CREATE UNIQUE INDEX IF NOT EXISTS verifications_number ON verifications (pact_version_id, number);
  CREATE INDEX IF NOT EXISTS deployed_versions_pacticipant ON deployed_versions (pacticipant_id, undeployed_at);
  CREATE INDEX IF NOT EXISTS released_versions_pacticipant ON released_versions (pacticipant_id, support_ended_at);
  CREATE INDEX IF NOT EXISTS webhook_executions_triggered ON webhook_executions (triggered_webhook_id);
  `,
  // 5: branch heads (the newest version of every branch) and their pacts, kept by triggers: see the PostgreSQL
  // migration 3 for why.
  `
  CREATE TABLE branch_heads (
    branch_id INTEGER PRIMARY KEY REFERENCES branches(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    branch_name TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE
  );
  CREATE INDEX branch_heads_by_name ON branch_heads (pacticipant_id, branch_name, version_id);
  CREATE INDEX branch_heads_version ON branch_heads (version_id);
  INSERT INTO branch_heads (branch_id, pacticipant_id, branch_name, version_id)
    SELECT b.id, b.pacticipant_id, b.name, m.version_id FROM branches b
    JOIN (SELECT branch_id, MAX(version_id) AS version_id FROM branch_versions GROUP BY branch_id) m ON m.branch_id = b.id;
  CREATE TRIGGER branch_heads_on_insert AFTER INSERT ON branch_versions BEGIN
    INSERT INTO branch_heads (branch_id, pacticipant_id, branch_name, version_id)
      SELECT b.id, b.pacticipant_id, b.name, NEW.version_id FROM branches b WHERE b.id = NEW.branch_id
      ON CONFLICT (branch_id) DO UPDATE SET version_id = excluded.version_id WHERE excluded.version_id > branch_heads.version_id;
  END;
  CREATE TRIGGER branch_heads_on_delete AFTER DELETE ON branch_versions BEGIN
    DELETE FROM branch_heads WHERE branch_id = OLD.branch_id AND version_id = OLD.version_id AND NOT EXISTS (SELECT 1 FROM branch_versions WHERE branch_id = OLD.branch_id);
    INSERT INTO branch_heads (branch_id, pacticipant_id, branch_name, version_id)
      SELECT b.id, b.pacticipant_id, b.name, m.v FROM branches b, (SELECT MAX(version_id) AS v FROM branch_versions WHERE branch_id = OLD.branch_id) m
      WHERE b.id = OLD.branch_id AND m.v IS NOT NULL
      ON CONFLICT (branch_id) DO UPDATE SET version_id = excluded.version_id WHERE branch_heads.version_id = OLD.version_id;
  END;
  CREATE TABLE branch_head_pacts (
    branch_id INTEGER NOT NULL,
    provider_id INTEGER NOT NULL,
    consumer_id INTEGER NOT NULL,
    branch_name TEXT NOT NULL,
    version_id INTEGER NOT NULL,
    version_number TEXT NOT NULL,
    pact_publication_id INTEGER NOT NULL REFERENCES pact_publications(id) ON DELETE CASCADE,
    pact_version_id INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (branch_id, provider_id)
  );
  CREATE INDEX branch_head_pacts_wip ON branch_head_pacts (provider_id, consumer_id, published_at, branch_name, version_id, version_number, pact_publication_id, pact_version_id);
  CREATE INDEX branch_head_pacts_publication ON branch_head_pacts (pact_publication_id);
  INSERT INTO branch_head_pacts (branch_id, provider_id, consumer_id, branch_name, version_id, version_number, pact_publication_id, pact_version_id, published_at)
    SELECT h.branch_id, pp.provider_id, pp.consumer_id, h.branch_name, h.version_id, v.number, pp.id, pp.pact_version_id, pp.created_at
    FROM branch_heads h JOIN pact_publications pp ON pp.consumer_version_id = h.version_id JOIN versions v ON v.id = h.version_id;
  CREATE TRIGGER branch_head_pacts_on_head_insert AFTER INSERT ON branch_heads BEGIN
    INSERT INTO branch_head_pacts (branch_id, provider_id, consumer_id, branch_name, version_id, version_number, pact_publication_id, pact_version_id, published_at)
      SELECT NEW.branch_id, pp.provider_id, pp.consumer_id, NEW.branch_name, NEW.version_id, v.number, pp.id, pp.pact_version_id, pp.created_at
      FROM pact_publications pp JOIN versions v ON v.id = pp.consumer_version_id WHERE pp.consumer_version_id = NEW.version_id;
  END;
  CREATE TRIGGER branch_head_pacts_on_head_update AFTER UPDATE OF version_id ON branch_heads WHEN OLD.version_id IS NOT NEW.version_id BEGIN
    DELETE FROM branch_head_pacts WHERE branch_id = NEW.branch_id;
    INSERT INTO branch_head_pacts (branch_id, provider_id, consumer_id, branch_name, version_id, version_number, pact_publication_id, pact_version_id, published_at)
      SELECT NEW.branch_id, pp.provider_id, pp.consumer_id, NEW.branch_name, NEW.version_id, v.number, pp.id, pp.pact_version_id, pp.created_at
      FROM pact_publications pp JOIN versions v ON v.id = pp.consumer_version_id WHERE pp.consumer_version_id = NEW.version_id;
  END;
  CREATE TRIGGER branch_head_pacts_on_head_delete AFTER DELETE ON branch_heads BEGIN
    DELETE FROM branch_head_pacts WHERE branch_id = OLD.branch_id AND version_id = OLD.version_id;
  END;
  CREATE TRIGGER branch_head_pacts_on_publish AFTER INSERT ON pact_publications BEGIN
    INSERT INTO branch_head_pacts (branch_id, provider_id, consumer_id, branch_name, version_id, version_number, pact_publication_id, pact_version_id, published_at)
      SELECT h.branch_id, NEW.provider_id, NEW.consumer_id, h.branch_name, NEW.consumer_version_id, v.number, NEW.id, NEW.pact_version_id, NEW.created_at
      FROM branch_heads h JOIN versions v ON v.id = NEW.consumer_version_id WHERE h.version_id = NEW.consumer_version_id
      ON CONFLICT (branch_id, provider_id) DO UPDATE SET pact_publication_id = excluded.pact_publication_id, pact_version_id = excluded.pact_version_id, published_at = excluded.published_at;
  END;
  CREATE TRIGGER branch_head_pacts_on_republish AFTER UPDATE OF pact_version_id, created_at ON pact_publications BEGIN
    UPDATE branch_head_pacts SET pact_version_id = NEW.pact_version_id, published_at = NEW.created_at WHERE pact_publication_id = NEW.id;
  END;
  `,
];
