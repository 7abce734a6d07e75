// Right to erasure: removes one person from every per-person table (personal-data.ts) in one transaction,
// leaves a tombstone of keyed hashes so their later events are dropped, removes their lines from the
// files Itinera keeps (import rejects, the demo's ground truth), and compacts the database into a fresh
// file: DuckDB does not zero the blocks deleted rows occupied, so without that the bytes would remain.
import fs from "node:fs";
import path from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { IdentityGraph } from "../identity/graph.js";
import { type Identifier, normalisePhone } from "../identity/identifiers.js";
import { requireFullRefresh } from "../journey/refresh.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { canonicalCustomer } from "./export.js";
import { dropPerson, personalTables, selectPerson } from "./personal-data.js";
import { createTombstone, type Tombstones } from "./tombstones.js";

export interface ErasureDeps {
  store: Store;
  graph: IdentityGraph;
  /** The loader of the ingest log: drained first, so none of the person's acknowledged events waits there. */
  ingest: { drain(): Promise<void> };
  tombstones: Tombstones | undefined;
  defaultPhoneRegion: string;
}

export interface Erasure {
  /** The id asked for, and the canonical customer it resolved to. */
  requestedId: number;
  customerId: number;
  /** Rows removed per table. */
  tables: Record<string, number>;
  /** Lines removed per file Itinera keeps. */
  files: Array<{ path: string; lines: number }>;
  tombstone: { id: number; identifiers: number };
  /** Time to rewrite the database file without the deleted rows. */
  compactMs: number;
  totalMs: number;
}

/** Files Itinera wrote that may hold personal data: recorded rejects files, and known ones beside the database. */
export async function keptFiles(store: Store): Promise<string[]> {
  const recorded = await store.read((c) => all(c, "SELECT path FROM privacy_files ORDER BY path"));
  const dir = path.dirname(store.path);
  const beside = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".rejects.jsonl") || f.endsWith(".demo-customers.jsonl"))
    .map((f) => path.join(dir, f));
  return [...new Set([...recorded.map((r) => String(r.path)), ...beside])].filter((f) => fs.existsSync(f));
}

/** Records a file that may hold personal data, so an erasure cleans it (called by the importer). */
export async function rememberFile(conn: Connection, file: string, kind: string): Promise<void> {
  await conn.run(
    "INSERT INTO privacy_files VALUES ($1, $2, now()::TIMESTAMP) ON CONFLICT DO UPDATE SET written_at = excluded.written_at",
    [path.resolve(file), kind],
  );
}

/**
 * Whether a line of a kept file is about the person: a JSON value equal to one of their identifiers
 * (a phone in any format), or a long identifier (an email, a phone's national digits) inside any text,
 * e.g. a CSV line DuckDB could not read.
 */
export function lineMentions(line: string, ids: Identifier[], region: string): boolean {
  const values = new Set(ids.map((i) => i.value.toLowerCase()));
  const phones = new Set(ids.filter((i) => i.kind === "phone").map((i) => i.value));
  const lower = line.toLowerCase();
  // Whole values only: user id "c-1" must not take the line of "c-12".
  const whole = (v: string) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "u");
  for (const v of values) if (v.length >= 6 && whole(v).test(lower)) return true;
  // A phone written any way ("010-8919-0001", "+82 10 8919 0001"): a run of digits and separators
  // ending in the national number, with at most a country code or trunk prefix before it.
  const numbers = (line.match(/[+\d][\d\s().-]{6,}\d/g) ?? []).map((t) => t.replace(/\D/g, ""));
  for (const p of phones) {
    const national = parsePhoneNumberFromString(p)?.nationalNumber ?? "";
    if (national.length < 8) continue;
    if (numbers.some((d) => d.endsWith(national) && d.length - national.length <= 3)) return true;
  }
  let leaves: unknown[] = [];
  try {
    const walk = (v: unknown): void => {
      if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
      else leaves.push(v);
    };
    walk(JSON.parse(line));
  } catch {
    leaves = [];
  }
  for (const leaf of leaves) {
    if (typeof leaf !== "string" && typeof leaf !== "number") continue;
    const text = String(leaf).trim().toLowerCase();
    if (values.has(text)) return true;
    if (phones.size > 0 && /\d{6}/.test(text.replace(/\D/g, ""))) {
      const p = normalisePhone(leaf, region);
      if (p && phones.has(p)) return true;
    }
  }
  return false;
}

/** Rewrites a file without the person's lines (into a new file renamed over it); returns lines removed. */
function cleanFile(file: string, ids: Identifier[], region: string): number {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const kept = lines.filter((l) => l === "" || !lineMentions(l, ids, region));
  const removed = lines.length - kept.length;
  if (removed > 0) {
    const tmp = `${file}.erasing`;
    fs.writeFileSync(tmp, kept.join("\n"), { mode: fs.statSync(file).mode });
    fs.renameSync(tmp, file);
  }
  return removed;
}

/** Set with an erasure's rows, cleared on the compacted file: a crash in between is finished at the next start. */
const COMPACT_PENDING = "privacy_compaction_pending";

/** Deleted rows' bytes are still in the file: the next erasure or start compacts it (inside the caller's transaction). */
export async function markCompactionPending(conn: Connection): Promise<void> {
  await conn.run(
    `INSERT INTO store_meta VALUES ('${COMPACT_PENDING}', 1) ON CONFLICT DO UPDATE SET value = 1`,
  );
}

function compactAfterErasure(store: Store): Promise<void> {
  return store.compact(async (conn) => {
    await requireFullRefresh(conn);
    await conn.run("DELETE FROM store_meta WHERE key = $1", [COMPACT_PENDING]);
  });
}

/** Compacts when an erasure's rows were deleted but the process stopped before the file was compacted. */
export async function finishPendingErasure(store: Store): Promise<boolean> {
  const [row] = await store.read((c) =>
    all(c, "SELECT value FROM store_meta WHERE key = $1", [COMPACT_PENDING]),
  );
  if (!row) return false;
  await compactAfterErasure(store);
  return true;
}

/** Removes one person's rows, holding the writer; undefined when there is no such customer. */
async function eraseRows(deps: ErasureDeps, requestedId: number) {
  return deps.store.exclusive(async (conn) => {
    const customerId = await canonicalCustomer(conn, requestedId);
    if (customerId === undefined) return undefined;
    await selectPerson(conn, customerId);
    try {
      const identifiers = (
        await all(conn, "SELECT kind, value FROM identities WHERE id IN (SELECT id FROM person_identities)")
      ).map((r) => ({ kind: String(r.kind), value: String(r.value) }));
      const tables: Record<string, number> = {};
      await conn.run("BEGIN TRANSACTION");
      let tombstone: { id: number; hashes: string[] };
      try {
        for (const t of personalTables) {
          const reader = await conn.runAndReadAll(`DELETE FROM ${t.table} WHERE ${t.where}`);
          tables[t.table] = Number(reader.getColumnsJS()[0]?.[0] ?? 0);
        }
        tombstone = await createTombstone(conn, customerId, identifiers);
        await markCompactionPending(conn);
        await conn.run("COMMIT");
      } catch (e) {
        await conn.run("ROLLBACK").catch(() => undefined);
        throw e;
      }
      // Before the writer runs again: its next group must already drop this person's events, and the
      // graph must forget the deleted identities it has cached.
      deps.tombstones?.add(tombstone.id, tombstone.hashes);
      await deps.graph.load(conn);
      return { customerId, tables, identifiers, tombstone };
    } finally {
      await dropPerson(conn);
    }
  });
}

export interface ErasureBatch {
  erased: Erasure[];
  /** Ids that named no customer (or one already erased earlier in the batch, through another of its ids). */
  missing: number[];
  compactMs: number;
  totalMs: number;
}

/**
 * Erases several people with one compaction at the end (the compaction copies the whole database and
 * holds the writer meanwhile, so a batch of requests costs about what one does).
 */
export async function eraseCustomers(deps: ErasureDeps, requestedIds: number[]): Promise<ErasureBatch> {
  const started = performance.now();
  await deps.ingest.drain();
  const done: Array<Omit<Erasure, "compactMs" | "totalMs">> = [];
  const missing: number[] = [];
  for (const requestedId of requestedIds) {
    const rows = await eraseRows(deps, requestedId);
    if (!rows) {
      missing.push(requestedId);
      continue;
    }
    const files: Erasure["files"] = [];
    for (const file of await keptFiles(deps.store)) {
      const lines = cleanFile(file, rows.identifiers, deps.defaultPhoneRegion);
      if (lines > 0) files.push({ path: file, lines });
    }
    done.push({
      requestedId,
      customerId: rows.customerId,
      tables: rows.tables,
      files,
      tombstone: { id: rows.tombstone.id, identifiers: rows.identifiers.length },
    });
  }
  const compactStarted = performance.now();
  if (done.length > 0) await compactAfterErasure(deps.store);
  const now = performance.now();
  const compactMs = done.length > 0 ? Math.round(now - compactStarted) : 0;
  const totalMs = Math.round(now - started);
  return { erased: done.map((e) => ({ ...e, compactMs, totalMs })), missing, compactMs, totalMs };
}

/** Erases one person; undefined when there is no such customer. */
export async function eraseCustomer(deps: ErasureDeps, requestedId: number): Promise<Erasure | undefined> {
  return (await eraseCustomers(deps, [requestedId])).erased[0];
}
