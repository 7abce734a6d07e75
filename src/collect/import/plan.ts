// Plans an import before a row is read: checks the request, the file's columns and the mapping (on a
// read connection, so a typo never holds up ingest), and assembles the staging SQL and temp-table names.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../../config.js";
import { err, ok, type Result } from "../../result.js";
import type { Store } from "../../store/database.js";
import { type Channel, channelFromName, channels } from "../channel.js";
import { messageTypes } from "../schemas.js";
import type { ImportTables } from "./chunk.js";
import type { ImportFormat, ImportRequest } from "./contract.js";
import { checkTargets, type ResolvedMapping, resolveMapping } from "./mapping.js";
import { type Column, describeColumns, detectFormat, jsonlKeys, numberedRows, readerSql } from "./reader.js";
import { checkRejectsPath, rejectsPathFor } from "./rejects.js";
import { jsonlSource, tabularSource } from "./sources.js";
import { quoteIdent, quoteString } from "./sql.js";
import { stagingSql } from "./staging.js";

const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Numbers this process's imports, so two imports in one server never share temp tables. */
let sequence = 0;

/** Everything decided before the file is read: checked mapping, SQL, table names. */
export interface ImportPlan {
  file: string;
  format: ImportFormat;
  mapping: ResolvedMapping;
  rejectsFile: string;
  tables: ImportTables & { copy: string; csvErrors?: string; csvScans?: string };
  /** Copies a CSV or JSONL file into a temp table first (see numberedRows). */
  copySql?: string;
  stagingSql: string;
  /** The channel of every row when a --channel flag sets it and no column does. */
  constantChannel?: Channel;
  flagChannel?: Channel;
  receivedAt: number;
}

function checkDefaults(d: ImportRequest["defaults"]): Result<Channel | undefined, string> {
  if (d.type !== undefined && !(messageTypes as readonly string[]).includes(d.type))
    return err(`--type must be one of ${messageTypes.join(", ")} (got "${d.type}")`);
  if (d.channel === undefined) return ok(undefined);
  const channel = channelFromName(d.channel);
  return channel
    ? ok(channel)
    : err(`--channel must name a channel: ${channels.join(", ")} (got "${d.channel}")`);
}

/** Mistakes that would reject every row of a CSV or Parquet file are reported before it is read. */
function preflight(
  m: ResolvedMapping,
  req: ImportRequest,
  traitIds: readonly string[],
): Result<void, string> {
  const mapped = Object.entries(m.used).map(([k, v]) => `${k}=${v}`);
  const hint = mapped.length > 0 ? ` (mapped: ${mapped.join(", ")})` : "";
  if (!m.fields.has("timestamp")) return err(`no timestamp column: pass --map timestamp=COLUMN${hint}`);
  const ids = ["userId", "anonymousId", "email", "phone", ...traitIds];
  if (!ids.some((k) => m.fields.has(k)))
    return err(`no identifier column: map one of ${ids.join(", ")}, e.g. --map userId=COLUMN${hint}`);
  const type = req.defaults.type ?? "track";
  if (!m.fields.has("type") && type === "track" && !m.fields.has("event") && !req.defaults.event)
    return err(`track events need a name: pass --event NAME or --map event=COLUMN${hint}`);
  return ok(undefined);
}

/** Checks the request and the file's columns (on a read connection: a typo never holds up ingest). */
export async function planImport(
  store: Store,
  config: Config,
  req: ImportRequest,
): Promise<Result<ImportPlan, string>> {
  const file = req.path;
  if (!path.isAbsolute(file)) return err(`the file path must be absolute (got "${file}")`);
  if (!fs.existsSync(file)) return err(`no such file: ${file}`);
  if (!fs.statSync(file).isFile()) return err(`${file} is not a file`);
  const format = detectFormat(file, req.format);
  if (!format.ok) return format;
  const traitIds = config.identity.traitIdentifiers;
  const targets = checkTargets(req.mapping, traitIds);
  if (!targets.ok) return targets;
  const flagChannel = checkDefaults(req.defaults);
  if (!flagChannel.ok) return flagChannel;
  if (req.rejectsPath !== undefined && !path.isAbsolute(req.rejectsPath))
    return err(`the rejects path must be absolute (got "${req.rejectsPath}")`);
  const rejectsFile = rejectsPathFor(file, req.rejectsPath);
  const rejectsOk = checkRejectsPath(rejectsFile, file);
  if (!rejectsOk.ok) return rejectsOk;

  let columns: Column[] = [];
  let fileColumns: Column[] = [];
  let messages = false;
  if (format.value !== "jsonl") {
    const described = await store.read((c) => describeColumns(c, format.value as "csv" | "parquet", file));
    if (!described.ok) return described;
    columns = described.value;
    fileColumns = described.value;
    messages =
      format.value === "parquet" && isSegmentShaped(columns) && Object.keys(req.mapping).length === 0;
  } else if (Object.keys(req.mapping).length > 0) {
    const keys = await store.read((c) => jsonlKeys(c, file));
    if (!keys.ok) return keys;
    columns = keys.value.map((name) => ({ name, type: "JSON" }));
  }
  // A Parquet file of Segment messages (a warehouse export, `itinera demo generate --format parquet`)
  // is read row by row as messages, exactly as JSONL is.
  const tabular = format.value !== "jsonl" && !messages;
  if (messages) columns = [];
  const mapping = resolveMapping(
    messages ? "jsonl" : format.value,
    req.mapping,
    columns.map((c) => c.name),
    traitIds,
  );
  if (!mapping.ok) return mapping;
  const m = mapping.value;
  if (tabular) {
    const checked = preflight(m, req, traitIds);
    if (!checked.ok) return checked;
  }

  const n = ++sequence;
  const tables: ImportPlan["tables"] = {
    staged: `imp${n}_rows`,
    phones: `imp${n}_phones`,
    channels: `imp${n}_channels`,
    chunk: `imp${n}_chunk`,
    copy: `imp${n}_copy`,
    ...(format.value === "csv" ? { csvErrors: `imp${n}_csv_errors`, csvScans: `imp${n}_csv_scans` } : {}),
  };
  // CSV identifier and time columns are read as text ("01012345678" keeps its zero).
  const textColumns = format.value === "csv" ? [...new Set(m.fields.values())] : [];
  const typed = columns.map((c) => (textColumns.includes(c.name) ? { ...c, type: "VARCHAR" } : c));
  const csvRejects =
    tables.csvErrors && tables.csvScans ? { errors: tables.csvErrors, scans: tables.csvScans } : undefined;
  const reader = readerSql(format.value, { textColumns, csvRejects, fileRowNumber: true });
  const numbered = messages
    ? { copySql: undefined, rows: messageRows(fileColumns, reader) }
    : numberedRows(format.value, reader, tables.copy);
  const raw = tabular
    ? tabularSource(m, typed, traitIds, numbered.rows)
    : jsonlSource(m, traitIds, numbered.rows, config.limits.maxEventBytes);
  if (!raw.ok) return raw;
  const receivedAt = Date.now();
  return ok({
    file,
    format: format.value,
    mapping: m,
    rejectsFile,
    tables,
    copySql: numbered.copySql,
    stagingSql: stagingSql(tables.staged, raw.value, {
      identity: config.identity,
      defaults: req.defaults,
      fallbackType: tabular ? "track" : null,
      earliest: EARLIEST,
      latest: receivedAt + LATEST_AHEAD_MS,
    }),
    constantChannel: m.fields.has("channel") ? undefined : flagChannel.value,
    flagChannel: flagChannel.value,
    receivedAt,
  });
}

/** Segment's message shape: a `type` column beside properties, traits or context. */
function isSegmentShaped(columns: Column[]): boolean {
  const names = new Set(columns.map((c) => c.name));
  return names.has("type") && (names.has("properties") || names.has("context") || names.has("traits"));
}

/** Each Parquet row as one JSON message `j`, numbered like JSONL lines. */
function messageRows(columns: Column[], reader: string): string {
  const fields = columns
    .filter((c) => c.name !== "file_row_number")
    .map((c) => {
      // ISO-8601 with a T and a zone, as the API takes it; JSON columns stay JSON.
      const value = c.type.startsWith("TIMESTAMP")
        ? `strftime(r.${quoteIdent(c.name)}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%gZ')`
        : `r.${quoteIdent(c.name)}`;
      return `${quoteString(c.name)}: ${value}`;
    });
  return `SELECT file_row_number + 1 AS __row, to_json({${fields.join(", ")}}) AS j FROM ${reader} r`;
}
