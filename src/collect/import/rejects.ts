// The rejects file: one JSON line per row that was not stored, with its row number, the reason and the
// row as read ({"row": 12, "reason": "...", "record": {...}}). DuckDB writes it straight from the staged
// rows. CSV lines DuckDB could not read at all have no row number; their reason names the file line.
import fs from "node:fs";
import path from "node:path";
import { err, ok, type Result } from "../../result.js";
import type { Connection } from "../../store/driver.js";

const SUFFIX = ".rejects.jsonl";

/** `<file>.rejects.jsonl` next to the input unless a path is given. */
export function rejectsPathFor(file: string, given?: string): string {
  return given ? path.resolve(given) : `${file}${SUFFIX}`;
}

/**
 * Refuses a rejects path that would overwrite something else: an existing file is replaced only when it
 * is itself a rejects file (the server writes with its own rights, so a typo must not clobber a file).
 */
export function checkRejectsPath(rejects: string, input: string): Result<void, string> {
  if (path.resolve(rejects) === path.resolve(input)) return err("the rejects file cannot be the input file");
  if (!fs.existsSync(path.dirname(rejects)))
    return err(`the folder of the rejects file ${rejects} does not exist`);
  if (fs.existsSync(rejects) && !rejects.endsWith(SUFFIX))
    return err(`${rejects} exists; name a new rejects file or one ending in ${SUFFIX}`);
  return ok(undefined);
}

/** Rows not stored: those staging rejected, and CSV lines DuckDB could not read at all. */
export interface RejectCounts {
  invalid: number;
  unreadable: number;
}

/** Writes the rejected rows to `file`; nothing is written when there are none. */
export async function writeRejects(
  conn: Connection,
  staged: string,
  csvErrors: string | undefined,
  file: string,
): Promise<RejectCounts> {
  const invalid = `SELECT __row AS "row", reason, record FROM ${staged} WHERE reason IS NOT NULL`;
  const unreadable = csvErrors
    ? `SELECT NULL::BIGINT AS "row",
              'line ' || line || ' could not be read as CSV: ' || string_agg(error_message, '; ') AS reason,
              to_json(any_value(csv_line)) AS record
         FROM ${csvErrors} GROUP BY line`
    : undefined;
  const reader = await conn.runAndReadAll(
    `SELECT (SELECT count(*) FROM (${invalid})) AS invalid,
            ${unreadable ? `(SELECT count(*) FROM (${unreadable}))` : "0"} AS unreadable`,
  );
  const [row] = reader.getRowObjectsJS();
  const counts = { invalid: Number(row?.invalid ?? 0), unreadable: Number(row?.unreadable ?? 0) };
  if (counts.invalid + counts.unreadable === 0) return counts;
  const all = unreadable ? `${invalid} UNION ALL ${unreadable}` : invalid;
  await conn.run(`COPY (SELECT * FROM (${all}) ORDER BY "row" NULLS LAST) TO $1 (FORMAT json)`, [file]);
  return counts;
}
