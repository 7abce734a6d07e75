// SQL text helpers for the importer. Names and values that come from users (file columns, mapping keys,
// flags) reach SQL only through these: quoted identifiers and literals, or positional parameters.
export { Params, quoteIdent, quoteString } from "../../store/sql.js";

/** JavaScript's String.prototype.trim strips tabs and newlines too; DuckDB's trim() only spaces. */
export const trimWs = (sql: string): string => `trim(${sql}, ' ' || chr(9) || chr(10) || chr(13))`;

/** Text that is empty after trimming becomes NULL. */
export const nonEmpty = (sql: string): string => `nullif(${trimWs(sql)}, '')`;

/**
 * nonEmpty for a column reference (it is repeated): most values need no trimming, and cheap checks
 * for edge spaces and control characters skip the trim for them.
 */
export const nonEmptyColumn = (col: string): string =>
  `CASE WHEN ${col} = '' THEN NULL
        WHEN starts_with(${col}, ' ') OR ends_with(${col}, ' ') OR contains(${col}, chr(9))
          OR contains(${col}, chr(10)) OR contains(${col}, chr(13)) THEN ${nonEmpty(col)}
        ELSE ${col} END`;

// JSON values pulled out of a JSONL line with json_extract: SQL NULL when the path is missing,
// a JSON `null` when the line says null. JavaScript's `??` treats both as absent.
export const json = {
  present: (e: string) => `CASE WHEN json_type(${e}) <> 'NULL' THEN ${e} END`,
  /** A JSON string's text, else NULL. */
  string: (e: string) => `CASE WHEN json_type(${e}) = 'VARCHAR' THEN ${e} ->> '$' END`,
  /** Strings and numbers as text (ids and phone numbers arrive as either). */
  scalar: (e: string) =>
    `CASE WHEN json_type(${e}) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') THEN ${e} ->> '$' END`,
  object: (e: string) => `CASE WHEN json_type(${e}) = 'OBJECT' THEN ${e} END`,
  /** JavaScript truthiness of a JSON value. `->>` binds looser than `<>` and `=`: hence the parentheses. */
  truthy: (e: string) =>
    `coalesce(json_type(${e}) IN ('OBJECT', 'ARRAY')
      OR (json_type(${e}) = 'VARCHAR' AND (${e} ->> '$') <> '')
      OR (json_type(${e}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND TRY_CAST(${e} ->> '$' AS DOUBLE) <> 0)
      OR (json_type(${e}) = 'BOOLEAN' AND (${e} ->> '$') = 'true'), false)`,
};
