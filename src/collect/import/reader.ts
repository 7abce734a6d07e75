// Opens import files with DuckDB's own readers (read_csv, read_json, read_parquet): the format from the
// extension unless given, the columns a mapping is checked against, and the reader a statement reads.
import path from "node:path";
import { err, ok, type Result } from "../../result.js";
import { all } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { type ImportFormat, importFormats } from "./contract.js";
import { quoteString } from "./sql.js";

const extensions: Record<string, ImportFormat> = {
  ".csv": "csv",
  ".tsv": "csv",
  ".txt": "csv",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "jsonl",
  ".parquet": "parquet",
  ".pq": "parquet",
};

/** The format named by the file's extension (a .gz or .zst suffix is looked through), unless given. */
export function detectFormat(file: string, given?: string): Result<ImportFormat, string> {
  if (given !== undefined) {
    return (importFormats as readonly string[]).includes(given)
      ? ok(given as ImportFormat)
      : err(`--format must be one of ${importFormats.join(", ")} (got "${given}")`);
  }
  const base = path
    .basename(file)
    .toLowerCase()
    .replace(/\.(gz|zst)$/, "");
  const format = extensions[path.extname(base)];
  return format
    ? ok(format)
    : err(
        `cannot tell the format of ${path.basename(file)} from its extension; pass --format csv|jsonl|parquet`,
      );
}

export interface Column {
  name: string;
  /** DuckDB type name, e.g. VARCHAR, TIMESTAMP, TIMESTAMP WITH TIME ZONE. */
  type: string;
}

/** Extra reader options: CSV columns read as text, and the tables DuckDB records unreadable CSV lines in. */
export interface ReaderOptions {
  textColumns?: readonly string[];
  /** Parquet: number the rows in the reader (in parallel), as column file_row_number from 0. */
  fileRowNumber?: boolean;
  csvRejects?: { errors: string; scans: string };
}

/**
 * The table function reading the file at parameter `$1`. A JSONL line is read whole as one JSON value, so
 * differing properties across lines cannot upset schema inference and a broken line becomes a NULL row.
 */
export function readerSql(format: ImportFormat, opts: ReaderOptions = {}): string {
  switch (format) {
    case "parquet":
      return opts.fileRowNumber ? "read_parquet($1, file_row_number = true)" : "read_parquet($1)";
    case "jsonl":
      return "read_json($1, format = 'newline_delimited', records = false, columns = {j: 'JSON'}, ignore_errors = true)";
    case "csv": {
      const args = ["$1", "header = true"];
      // Identifier and time columns stay text: "01012345678" must keep its leading zero.
      if (opts.textColumns && opts.textColumns.length > 0)
        args.push(`types = {${opts.textColumns.map((c) => `${quoteString(c)}: 'VARCHAR'`).join(", ")}}`);
      if (opts.csvRejects)
        args.push(
          "store_rejects = true",
          `rejects_table = ${quoteString(opts.csvRejects.errors)}`,
          `rejects_scan = ${quoteString(opts.csvRejects.scans)}`,
        );
      return `read_csv(${args.join(", ")})`;
    }
  }
}

const readError = (file: string, e: unknown) =>
  `cannot read ${path.basename(file)}: ${(e as Error).message.split("\n")[0]}`;

/** Columns of a CSV or Parquet file (from its header or metadata; no full read). */
export async function describeColumns(
  conn: Connection,
  format: Exclude<ImportFormat, "jsonl">,
  file: string,
): Promise<Result<Column[], string>> {
  try {
    const rows = await all(conn, `DESCRIBE SELECT * FROM ${readerSql(format)}`, [file]);
    return ok(rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })));
  } catch (e) {
    return err(readError(file, e));
  }
}

/** Top-level keys used anywhere in a JSONL file (a full read, done only when a mapping must be checked). */
export async function jsonlKeys(conn: Connection, file: string): Promise<Result<string[], string>> {
  try {
    const rows = await all(
      conn,
      `SELECT DISTINCT unnest(json_keys(j)) AS k FROM ${readerSql("jsonl")} WHERE json_type(j) = 'OBJECT' ORDER BY k`,
      [file],
    );
    return ok(rows.map((r) => String(r.k)));
  } catch (e) {
    return err(readError(file, e));
  }
}

export { readError };

/**
 * Rows with their 1-based position in the file, as `__row` and `r_src` (`j` for JSONL). Parquet numbers
 * them in its reader; CSV and JSONL are first copied into `copy` (an order-preserving, parallel CREATE
 * TABLE AS), whose rowid is the position. row_number() OVER () would force one thread on the whole read.
 */
export function numberedRows(
  format: ImportFormat,
  reader: string,
  copy: string,
): { copySql?: string; rows: string } {
  if (format === "parquet")
    return { rows: `SELECT file_row_number + 1 AS __row, r AS r_src FROM ${reader} r` };
  return {
    copySql: `CREATE TEMP TABLE ${copy} AS SELECT * FROM ${reader}`,
    rows:
      format === "jsonl"
        ? `SELECT rowid + 1 AS __row, j FROM ${copy}`
        : `SELECT rowid + 1 AS __row, r AS r_src FROM ${copy} r`,
  };
}
