// Where one person's data lives: every table that holds rows about a customer, and how to find those rows.
// Export and erasure both read this list, so a feature that adds per-person data adds one entry here
// (test/privacy.test.ts fails on a table with a customer, identity or message column that is in neither list).
// Outside the tables, acknowledged events wait in the ingest log (src/loader/log.ts) until the loader stores
// them: an export or erasure first drains the loader (ErasureDeps.ingest), so the log holds none of them after.

import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";

/**
 * Temp tables on the connection that name the person's rows: `person_customers` (every customer row merged
 * into them and the canonical id), `person_identities` (identity ids), `person_messages` (their events'
 * message ids). Created outside any transaction (a temp table made inside one vanishes on rollback).
 */
export async function selectPerson(conn: Connection, canonicalId: number): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE person_customers AS
       SELECT id FROM customers WHERE canonical_id = $1 UNION SELECT $1::BIGINT`,
    [canonicalId],
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE person_identities AS
       SELECT id FROM identities WHERE customer_id IN (SELECT id FROM person_customers)`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE person_messages AS
       SELECT DISTINCT message_id FROM events WHERE identity_id IN (SELECT id FROM person_identities)`,
  );
}

export async function dropPerson(conn: Connection): Promise<void> {
  await conn.run(
    "DROP TABLE IF EXISTS person_customers; DROP TABLE IF EXISTS person_identities; DROP TABLE IF EXISTS person_messages",
  );
}

export interface PersonalTable {
  table: string;
  /** The `record` name of its rows in an export. */
  record: string;
  /** Which rows are the person's, over the temp tables of selectPerson. */
  where: string;
  /** Order of an export. */
  orderBy: string;
  /** Exported (false: erased only, e.g. dedupe bookkeeping). */
  exported: boolean;
}

const inCustomers = (col: string) => `${col} IN (SELECT id FROM person_customers)`;
const inMessages = (col: string) => `${col} IN (SELECT message_id FROM person_messages)`;

/** Every table with per-person rows, in the order an erasure deletes them (derived rows first). */
export const personalTables: readonly PersonalTable[] = [
  {
    table: "journey_events",
    record: "journey_event",
    where: `${inCustomers("customer_id")} OR ${inMessages("message_id")}`,
    orderBy: "timestamp, message_id",
    exported: true,
  },
  {
    table: "stage_transitions",
    record: "stage_transition",
    where: inCustomers("customer_id"),
    orderBy: "changed_at",
    exported: true,
  },
  {
    table: "customer_facts",
    record: "customer_fact",
    where: inCustomers("customer_id"),
    orderBy: "customer_id",
    exported: true,
  },
  {
    table: "search_terms",
    record: "search_term",
    where: inCustomers("customer_id"),
    orderBy: "kind, term",
    exported: true,
  },
  {
    table: "identity_links",
    record: "identity_link",
    where:
      "from_identity IN (SELECT id FROM person_identities) OR to_identity IN (SELECT id FROM person_identities)",
    orderBy: "linked_at, message_id",
    exported: true,
  },
  {
    table: "seen_messages",
    record: "seen_message",
    where: inMessages("message_id"),
    orderBy: "message_id",
    exported: false,
  },
  {
    table: "events",
    record: "event",
    where: "identity_id IN (SELECT id FROM person_identities)",
    orderBy: "timestamp, message_id",
    exported: true,
  },
  {
    table: "identities",
    record: "identifier",
    where: inCustomers("customer_id"),
    orderBy: "first_seen, id",
    exported: true,
  },
  {
    table: "customers",
    record: "customer",
    where: inCustomers("id"),
    orderBy: "id",
    exported: true,
  },
];

/**
 * Tables that name customers, identities or messages but hold nothing about the person themselves:
 * the audit trail (actions on a customer id, never personal data) and the tombstones (keyed hashes).
 */
export const notPersonalTables: readonly string[] = [
  "audit_log",
  "tombstones",
  "tombstone_keys",
  "accounts",
  "sessions",
  "store_meta",
  "schema_migrations",
];

/** Columns that tie a row to a person; a table with one must be in one of the two lists above. */
export async function tablesNamingPeople(conn: Connection): Promise<string[]> {
  const rows = await all(
    conn,
    `SELECT DISTINCT table_name FROM duckdb_columns()
      WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
        AND column_name IN ('customer_id', 'identity_id', 'message_id', 'email', 'phone', 'user_id', 'anonymous_id')
      ORDER BY 1`,
  );
  return rows.map((r) => String(r.table_name));
}
