// Right of access: everything Itinera holds about one person, as records of every per-person table (see
// personal-data.ts) plus the readable profile (identifiers, why they were linked, traits latest-wins).
// The records are produced page by page, so a JSONL export of a large customer streams in flat memory.

import { type CustomerProfile, getCustomer } from "../customers/profile.js";
import { all, type Row, runQuery, type Store } from "../store/database.js";
import type { ColumnType, Connection } from "../store/driver.js";
import { dropPerson, personalTables, selectPerson } from "./personal-data.js";

export type ExportRecord = { record: string } & Record<string, unknown>;

export interface CustomerExport {
  customerId: number;
  exportedAt: string;
  profile: CustomerProfile;
  /** Rows per record type (`event`, `identifier`, `identity_link`, …), every column. */
  counts: Record<string, number>;
  records: Record<string, Array<Record<string, unknown>>>;
}

const PAGE = 5000;

/** A stored value as JSON: JSON columns parsed, MAPs as objects, times as ISO strings, BIGINTs as numbers. */
function plain(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === "JSON" && typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (type.startsWith("MAP") && Array.isArray(value))
    return Object.fromEntries(
      (value as Array<{ key: unknown; value: unknown }>).map((e) => [String(e.key), plain(e.value, "")]),
    );
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, ""));
  return value;
}

async function page(conn: Connection, sql: string): Promise<Array<Record<string, unknown>>> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t: ColumnType) => t.toString());
  return reader.getRowObjectsJS().map((r: Row) => {
    const out: Record<string, unknown> = {};
    names.forEach((n, i) => {
      out[n] = plain(r[n], types[i]!);
    });
    return out;
  });
}

/** The canonical id behind any customer id (a merged-away id resolves to its survivor). */
export async function canonicalCustomer(conn: Connection, id: number): Promise<number | undefined> {
  const [row] = await all(conn, "SELECT canonical_id FROM customers WHERE id = $1", [id]);
  return row ? Number(row.canonical_id) : undefined;
}

/**
 * Calls `onRecord` for every record of the person, in table order, page by page; returns the counts, or
 * undefined when there is no such customer.
 */
export async function forEachRecord(
  store: Store,
  customerId: number,
  onRecord: (r: ExportRecord) => void | Promise<void>,
): Promise<{ customerId: number; profile: CustomerProfile; counts: Record<string, number> } | undefined> {
  const profile = await getCustomer(store, customerId);
  if (!profile) return undefined;
  await onRecord({ record: "profile", ...profile });
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        await selectPerson(conn, profile.id);
        const counts: Record<string, number> = {};
        try {
          for (const t of personalTables) {
            if (!t.exported) continue;
            counts[t.record] = 0;
            for (let offset = 0; ; offset += PAGE) {
              const rows = await page(
                conn,
                `SELECT * FROM ${t.table} WHERE ${t.where} ORDER BY ${t.orderBy} LIMIT ${PAGE} OFFSET ${offset}`,
              );
              for (const r of rows) await onRecord({ record: t.record, ...r });
              counts[t.record]! += rows.length;
              if (rows.length < PAGE) break;
            }
          }
        } finally {
          await dropPerson(conn);
        }
        return { customerId: profile.id, profile, counts };
      }),
  });
}

/** The whole export as one document. */
export async function exportCustomer(store: Store, customerId: number): Promise<CustomerExport | undefined> {
  const records: Record<string, Array<Record<string, unknown>>> = {};
  const done = await forEachRecord(store, customerId, ({ record, ...rest }) => {
    if (record === "profile") return;
    const list = records[record] ?? [];
    list.push(rest);
    records[record] = list;
  });
  if (!done) return undefined;
  for (const record of Object.keys(done.counts)) records[record] ??= [];
  return {
    customerId: done.customerId,
    exportedAt: new Date().toISOString(),
    profile: done.profile,
    counts: done.counts,
    records,
  };
}
