// What an import is asked to do and what it reports. One schema serves the CLI, the /api/imports route
// (validation and OpenAPI) and the importer's types.
import { type Static, Type } from "@sinclair/typebox";

// Literal tuples (not .map) so the route handler's types stay exact.
const Format = Type.Union([Type.Literal("csv"), Type.Literal("jsonl"), Type.Literal("parquet")]);
export type ImportFormat = Static<typeof Format>;
export const importFormats: readonly ImportFormat[] = ["csv", "jsonl", "parquet"];

/** The message types of collect/schemas.ts; the importer checks a given type against that list too. */
const MessageTypeName = Type.Union([
  Type.Literal("track"),
  Type.Literal("identify"),
  Type.Literal("page"),
  Type.Literal("screen"),
  Type.Literal("group"),
  Type.Literal("alias"),
]);

export const ImportRequest = Type.Object({
  path: Type.String({ minLength: 1, description: "Absolute path of the file, on the server's machine" }),
  format: Type.Optional(Type.Union(Format.anyOf, { description: "Overrides detection by file extension" })),
  mapping: Type.Record(Type.String(), Type.String(), {
    description:
      "Target → source column, e.g. {timestamp: 'call_start', userId: 'customer_no', 'properties.duration': 'secs'}",
  }),
  defaults: Type.Object(
    {
      event: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      channel: Type.Optional(Type.String({ minLength: 1 })),
      type: Type.Optional(MessageTypeName),
    },
    { description: "Values for rows whose mapped column is empty, or when no column is mapped" },
  ),
  rejectsPath: Type.Optional(
    Type.String({ minLength: 1, description: "Where rejected rows go (default <file>.rejects.jsonl)" }),
  ),
  dryRun: Type.Optional(Type.Boolean({ description: "Validate and count without storing" })),
});
export type ImportRequest = Static<typeof ImportRequest>;

export const ImportSummary = Type.Object({
  file: Type.String(),
  format: Format,
  rows: Type.Integer({ description: "Data rows read from the file" }),
  imported: Type.Integer({ description: "Events stored (or that would be, with dryRun)" }),
  duplicates: Type.Integer({ description: "Rows whose messageId was already stored or repeats in the file" }),
  rejected: Type.Integer({ description: "Rows written to the rejects file with their reason" }),
  suppressed: Type.Integer({
    description: "Rows of erased people (tombstones), dropped and counted, not stored",
  }),
  rejectsFile: Type.Union([Type.String(), Type.Null()]),
  seconds: Type.Number(),
  rowsPerSecond: Type.Integer(),
  dryRun: Type.Boolean(),
  mapping: Type.Record(Type.String(), Type.String(), {
    description: "The mapping used, including columns mapped by name",
  }),
});
export type ImportSummary = Static<typeof ImportSummary>;

/** Reported while an import runs: the file is being read, then rows are stored chunk by chunk. */
export type ImportProgress =
  | { phase: "reading" }
  | { phase: "storing"; done: number; total: number; startedAt: number };
