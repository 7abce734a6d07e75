// The one shape events have on their way into the store. The HTTP path writes it to the ingest log (one JSON
// object per line, src/loader/log.ts); the importer stages a file into it; the loader hands a table of this
// shape to a LoadTarget, which deduplicates, stitches identities and stores it set-wise. A second backend
// (ClickHouse) implements LoadTarget over the same shape.

/** Column → DuckDB type, in order. `keys` are identifier keys (`kind:value`), strongest first. */
export const BATCH_COLUMNS = {
  /** Row order within the batch: the first row of a repeated messageId wins. */
  seq: "BIGINT",
  /** The request (or import chunk) a row came with; outcomes are counted per tag. */
  tag: "BIGINT",
  message_id: "VARCHAR",
  type: "VARCHAR",
  event: "VARCHAR",
  channel: "VARCHAR",
  ts_ms: "BIGINT",
  received_ms: "BIGINT",
  sent_ms: "BIGINT",
  anonymous_id: "VARCHAR",
  user_id: "VARCHAR",
  previous_id: "VARCHAR",
  properties: "JSON",
  traits: "JSON",
  context: "JSON",
  source: "VARCHAR",
  keys: "VARCHAR[]",
  names: "VARCHAR[]",
} as const;

export type BatchColumn = keyof typeof BATCH_COLUMNS;

/** `CREATE TEMP TABLE name (...)` in the batch shape. */
export const batchTableDdl = (name: string) =>
  `CREATE OR REPLACE TEMP TABLE ${name} (${Object.entries(BATCH_COLUMNS)
    .map(([c, t]) => `${c} ${t}`)
    .join(", ")})`;

export interface TagOutcome {
  stored: number;
  duplicates: number;
  suppressed: number;
}

export interface BatchOutcome extends TagOutcome {
  /** The same counts per tag (rows without a tag are counted only in the totals). */
  perTag: Map<number, TagOutcome>;
}
