// The DuckDB schema as ordered migrations. A migration, once released, is never edited: add a new one.
export const migrations: readonly string[] = [
  `
  CREATE TABLE events (
    message_id   VARCHAR   NOT NULL,
    type         VARCHAR   NOT NULL,  -- track | identify | page | screen | group | alias
    event        VARCHAR,             -- track event name, page/screen name
    channel      VARCHAR   NOT NULL,
    timestamp    TIMESTAMP NOT NULL,  -- UTC, millisecond precision, skew-corrected
    received_at  TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    anonymous_id VARCHAR,
    user_id      VARCHAR,
    identity_id  BIGINT,              -- the event's strongest identifier; mapped to a customer when reading
    properties   JSON,
    traits       JSON,
    context      JSON,
    source       VARCHAR   NOT NULL   -- write key name or import file
  );
  CREATE INDEX events_identity ON events (identity_id);

  -- Remembers messageIds for the dedupe window.
  CREATE TABLE seen_messages (
    message_id  VARCHAR PRIMARY KEY,
    received_at TIMESTAMP NOT NULL
  );

  -- A customer row is created once and never deleted; a merge points canonical_id at the survivor.
  CREATE TABLE customers (
    id           BIGINT PRIMARY KEY,
    canonical_id BIGINT    NOT NULL,
    created_at   TIMESTAMP NOT NULL
  );

  -- Identifiers are insert-only: (kind, value) belongs to the customer row that first saw it.
  CREATE TABLE identities (
    id          BIGINT PRIMARY KEY,
    key         VARCHAR   NOT NULL UNIQUE, -- kind || ':' || value
    kind        VARCHAR   NOT NULL,
    value       VARCHAR   NOT NULL,
    customer_id BIGINT    NOT NULL,
    first_seen  TIMESTAMP NOT NULL,
    message_id  VARCHAR
  );
  CREATE INDEX identities_customer ON identities (customer_id);

  -- Every decision of the identity graph with its evidence, accepted or refused.
  CREATE TABLE identity_links (
    linked_at         TIMESTAMP NOT NULL,
    message_id        VARCHAR,
    event_type        VARCHAR,
    from_identity     BIGINT    NOT NULL,
    to_identity       BIGINT    NOT NULL,
    kept_customer     BIGINT    NOT NULL,
    absorbed_customer BIGINT,
    accepted          BOOLEAN   NOT NULL,
    reason            VARCHAR   NOT NULL
  );

  -- Non-identifying words a customer can be found by (names), lower-cased.
  CREATE TABLE search_terms (
    term        VARCHAR NOT NULL,
    customer_id BIGINT  NOT NULL,
    PRIMARY KEY (term, customer_id)
  );

  CREATE TABLE write_keys (
    id         VARCHAR PRIMARY KEY,
    name       VARCHAR   NOT NULL,
    key_hash   VARCHAR   NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
  );

  CREATE TABLE api_tokens (
    id         VARCHAR PRIMARY KEY,
    name       VARCHAR   NOT NULL,
    token_hash VARCHAR   NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
  );
  `,
  // Email addresses join names in search_terms so prefix search is one narrow scan, not one over
  // every identifier; `kind` says which one matched.
  `
  ALTER TABLE search_terms ADD COLUMN kind VARCHAR DEFAULT 'name';
  INSERT INTO search_terms (term, customer_id, kind)
    SELECT value, customer_id, 'email' FROM identities WHERE kind = 'email'
    ON CONFLICT DO NOTHING;
  `,
  // Small facts about maintenance, e.g. how many search terms were in sorted order at the last compaction.
  `
  CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
  `,
  // search_terms without a primary key: its ART made every insert and the periodic re-sort slow.
  // Repeats are harmless (search groups by customer) and the re-sort drops them.
  `
  CREATE TABLE search_terms_v2 (term VARCHAR NOT NULL, customer_id BIGINT NOT NULL, kind VARCHAR NOT NULL);
  INSERT INTO search_terms_v2
    SELECT DISTINCT term, customer_id, coalesce(kind, 'name') FROM search_terms ORDER BY term;
  DROP TABLE search_terms;
  ALTER TABLE search_terms_v2 RENAME TO search_terms;
  CREATE INDEX search_terms_customer ON search_terms (customer_id);
  INSERT INTO store_meta SELECT 'search_terms_sorted_rows', count(*) FROM search_terms
    ON CONFLICT DO UPDATE SET value = excluded.value;
  `,
  // The display name on the customer row (latest wins), so a search result needs no extra lookup.
  `
  ALTER TABLE customers ADD COLUMN name VARCHAR;
  UPDATE customers SET name = t.term
    FROM (SELECT customer_id, arg_max(term, length(term)) AS term FROM search_terms WHERE kind = 'name' GROUP BY 1) t
   WHERE customers.id = t.customer_id;
  `,
  // The journey model (configuration, edited through the API) and what is derived from it. Derived tables
  // are rebuilt from events by the journey refresher and never edited by hand.
  `
  CREATE TABLE journey_model (id INTEGER PRIMARY KEY, doc JSON NOT NULL, updated_at TIMESTAMP NOT NULL);
  CREATE TABLE touchpoints (
    id         VARCHAR PRIMARY KEY,
    position   INTEGER   NOT NULL,
    doc        JSON      NOT NULL,
    updated_at TIMESTAMP NOT NULL
  );
  CREATE TABLE personas (
    id         VARCHAR PRIMARY KEY,
    priority   INTEGER   NOT NULL,
    doc        JSON      NOT NULL,
    updated_at TIMESTAMP NOT NULL
  );
  -- Authored lanes of a journey map: goals, questions, actions, opportunities per persona ('' = all) and stage.
  CREATE TABLE journey_lanes (
    persona    VARCHAR   NOT NULL,
    stage      VARCHAR   NOT NULL,
    lane       VARCHAR   NOT NULL,
    items      JSON      NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (persona, stage, lane)
  );

  -- Derived: every event a touchpoint or stage rule matched, with its customer as of the last refresh.
  CREATE TABLE journey_events (
    customer_id      BIGINT    NOT NULL,
    timestamp        TIMESTAMP NOT NULL,
    message_id       VARCHAR   NOT NULL,
    channel          VARCHAR   NOT NULL,
    touchpoint       VARCHAR,            -- touchpoint id, NULL for a stage signal no touchpoint names
    stage            SMALLINT,           -- position of the touchpoint's stage
    signal           SMALLINT,           -- stage position this event puts the customer in, if any
    kind             VARCHAR,
    feedback         DOUBLE,             -- −1 … 1
    response_minutes DOUBLE,
    subject          VARCHAR,
    revenue          DOUBLE,             -- for the purchase event
    -- What followed, in the customer's whole history (so a map of any period needs no window functions):
    next_stage_at    TIMESTAMP,          -- next signal of a stage after this touchpoint's stage
    next_feedback_at TIMESTAMP,          -- next feedback the customer gave after this event
    next_feedback    DOUBLE
  );
  -- Derived: one row per customer: behaviour, latest traits, persona and current stage.
  CREATE TABLE customer_facts (
    customer_id       BIGINT PRIMARY KEY,
    first_seen        TIMESTAMP NOT NULL,
    last_seen         TIMESTAMP NOT NULL,
    events            BIGINT    NOT NULL,
    active_days       BIGINT    NOT NULL,
    channels_used     BIGINT    NOT NULL,
    orders            BIGINT    NOT NULL,
    spend             DOUBLE    NOT NULL,
    last_order        TIMESTAMP,
    last_signal       TIMESTAMP,           -- the latest stage signal: when a lapse falls due
    channel_events    MAP(VARCHAR, BIGINT),
    event_counts      MAP(VARCHAR, BIGINT),
    touchpoint_counts MAP(VARCHAR, BIGINT),
    traits            JSON,
    persona           VARCHAR,
    stage             SMALLINT,
    stage_since       TIMESTAMP
  );
  -- Derived: every stage change, forward by a signal or back by lapsing.
  CREATE TABLE stage_transitions (
    customer_id BIGINT    NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    from_stage  SMALLINT  NOT NULL,      -- 0: not in the journey yet
    to_stage    SMALLINT  NOT NULL,
    cause       VARCHAR   NOT NULL,      -- signal | lapse
    message_id  VARCHAR
  );
  `,
  // What the friction finder looks for (its steps, dimensions and thresholds), when a brand has changed
  // the defaults.
  `
  CREATE TABLE friction_settings (id INTEGER PRIMARY KEY, doc JSON NOT NULL, updated_at TIMESTAMP NOT NULL);
  `,
  // People who sign in to the dashboard, and their sessions (token hashes, like API tokens).
  `
  CREATE TABLE accounts (
    id            VARCHAR PRIMARY KEY,
    email         VARCHAR   NOT NULL UNIQUE,
    name          VARCHAR   NOT NULL,
    role          VARCHAR   NOT NULL,
    password_hash VARCHAR   NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    disabled_at   TIMESTAMP
  );
  CREATE TABLE sessions (
    id         VARCHAR PRIMARY KEY,   -- SHA-256 of the token
    account_id VARCHAR   NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
  );
  `,
  // Roles (src/auth/roles.ts): API tokens carry one too (tokens made before roles were admins' scripts),
  // and the old catch-all 'member' becomes 'analyst', which is what it could do short of accounts.
  `
  ALTER TABLE api_tokens ADD COLUMN role VARCHAR DEFAULT 'admin';
  UPDATE api_tokens SET role = 'admin' WHERE role IS NULL;
  UPDATE accounts SET role = 'analyst' WHERE role = 'member';
  `,
  // The audit trail (src/audit/log.ts): append-only.
  `
  CREATE SEQUENCE audit_seq START 1;
  CREATE TABLE audit_log (
    id         BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor_kind VARCHAR   NOT NULL,  -- account | token | cli | system
    actor_id   VARCHAR,
    actor_name VARCHAR   NOT NULL,
    action     VARCHAR   NOT NULL,  -- noun.verb
    target     VARCHAR,
    before     JSON,
    after      JSON,
    detail     JSON
  );
  `,
  // Erasure (src/privacy/): a tombstone per erased person keeps keyed hashes of their identifiers, so later
  // events from them are dropped; the secret keys those hashes. Files Itinera wrote that may hold personal
  // data (import rejects) are listed so an erasure can clean them too.
  `
  CREATE TABLE privacy_secret (id INTEGER PRIMARY KEY, secret VARCHAR NOT NULL);
  CREATE SEQUENCE tombstone_seq START 1;
  CREATE TABLE tombstones (
    id          BIGINT PRIMARY KEY,
    customer_id BIGINT    NOT NULL,   -- the canonical id the person had
    deleted_at  TIMESTAMP NOT NULL,
    kinds       VARCHAR[] NOT NULL,   -- identifier kinds hashed, e.g. [email, phone, anonymous_id]
    dropped     BIGINT    NOT NULL,   -- events refused since
    last_dropped_at TIMESTAMP,
    lifted_at   TIMESTAMP             -- undeleted: the keys are gone, the row stays as the record
  );
  CREATE TABLE tombstone_keys (tombstone_id BIGINT NOT NULL, kind VARCHAR NOT NULL, hash VARCHAR NOT NULL);
  CREATE TABLE privacy_files (path VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL);
  `,
  // seen_messages without its primary key: the storing step (src/loader/store-batch.ts) dedupes set-wise
  // (an anti-join and a window per batch) and is the only writer, so the key's index only cost upkeep: about
  // 2.6 µs per stored event, a second per million imported rows.
  `
  CREATE TABLE seen_messages_v2 (message_id VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL);
  INSERT INTO seen_messages_v2 SELECT message_id, received_at FROM seen_messages;
  DROP TABLE seen_messages;
  ALTER TABLE seen_messages_v2 RENAME TO seen_messages;
  `,
  // identities without the primary key on id and the unique index on key: the storing step only adds keys
  // its batch lookup did not find (one writer), no read probes either index (lookups by key are IN lists
  // and joins, which scan), and their upkeep was two thirds of the cost of adding an identifier. The index
  // on customer_id stays: a customer's identifiers are read by equality on it (src/customers/members.ts).
  `
  CREATE TABLE identities_v2 (
    id          BIGINT    NOT NULL,
    key         VARCHAR   NOT NULL, -- kind || ':' || value, one row per key
    kind        VARCHAR   NOT NULL,
    value       VARCHAR   NOT NULL,
    customer_id BIGINT    NOT NULL,
    first_seen  TIMESTAMP NOT NULL,
    message_id  VARCHAR
  );
  INSERT INTO identities_v2 SELECT id, key, kind, value, customer_id, first_seen, message_id FROM identities ORDER BY id;
  DROP TABLE identities;
  ALTER TABLE identities_v2 RENAME TO identities;
  CREATE INDEX identities_customer ON identities (customer_id);
  `,
  // The key index back on identities: customer search by an exact email, phone or id (src/customers/search.ts)
  // probes it; without it each search scans every identifier (2 ms against 40–75 ms at 3M identifiers). Its
  // upkeep (a few µs per new identifier) is paid once per identifier, not per event.
  `
  CREATE INDEX identities_key ON identities (key);
  `,
  // Saved views and boards (src/saved/): a view's state is its dashboard URL's query as JSON; a board's
  // tiles are ordered (position) and sized on a 12-column grid. Deleting a view deletes its tiles.
  `
  CREATE TABLE saved_views (
    id          VARCHAR PRIMARY KEY,
    kind        VARCHAR   NOT NULL,
    name        VARCHAR   NOT NULL,
    description VARCHAR   NOT NULL,
    state       JSON      NOT NULL,
    owner_kind  VARCHAR   NOT NULL,
    owner_id    VARCHAR,
    owner_name  VARCHAR   NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
  );
  CREATE TABLE boards (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR   NOT NULL,
    description VARCHAR   NOT NULL,
    owner_kind  VARCHAR   NOT NULL,
    owner_id    VARCHAR,
    owner_name  VARCHAR   NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
  );
  -- No key: a board's tiles are replaced as a whole (add, remove, reorder) in one transaction.
  CREATE TABLE board_tiles (
    board_id VARCHAR  NOT NULL,
    position INTEGER  NOT NULL,
    view_id  VARCHAR  NOT NULL,
    width    SMALLINT NOT NULL,
    height   SMALLINT NOT NULL
  );
  `,
];
