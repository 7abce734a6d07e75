// SQL text helpers shared by every query module. Names and values that come from users (file columns,
// property paths, rule values) reach SQL only through these: quoted identifiers and literals, or
// positional parameters.
import type { DuckDBValue } from "@duckdb/node-api";

/** A double-quoted identifier: any column name a file may have. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A single-quoted string literal (DuckDB strings take backslashes literally). */
export const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * The JSON path of the top-level key held in a SQL expression (e.g. a json_keys element), or NULL when the
 * key is not a plain name: stored keys such as "", "*" or "[" are no valid path and would fail the query.
 */
export const plainKeyPath = (key: string): string =>
  `CASE WHEN regexp_full_match(${key}, '[A-Za-z_][A-Za-z0-9_]*') THEN '$.' || ${key} END`;

/** Collects positional parameters while a statement is assembled: `p.add(v)` returns `$n`. */
export class Params {
  readonly values: DuckDBValue[] = [];
  private readonly named = new Map<string, string>();
  add(v: DuckDBValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  /** One parameter used in many places, added only if used (DuckDB refuses unused parameters). */
  shared(name: string, v: DuckDBValue): () => string {
    return () => {
      const known = this.named.get(name);
      if (known) return known;
      const ref = this.add(v);
      this.named.set(name, ref);
      return ref;
    };
  }
}
