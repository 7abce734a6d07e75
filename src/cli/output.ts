// How CLI commands speak: a human summary on a terminal, or exactly one JSON document with --json.
export interface OutputOptions {
  json?: boolean;
}

export function emit<T>(opts: OutputOptions, value: T, human: (v: T) => string): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human(value)}\n`);
}

/** A failure the user can fix: printed without a stack, exit code 1 (2 for bad usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function fail(opts: OutputOptions, e: unknown): never {
  const message = e instanceof Error ? e.message : String(e);
  if (opts.json) process.stdout.write(`${JSON.stringify({ error: { message } })}\n`);
  else process.stderr.write(`itinera: ${message}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
}

// Hangul, CJK and full-width forms take two terminal columns.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** How many terminal columns a string takes. */
export const displayWidth = (s: string): number => s.length + (s.match(WIDE)?.length ?? 0);

export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => displayWidth(cell(r[c])))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v + " ".repeat(Math.max(0, widths[i]! - displayWidth(v))))
      .join("  ")
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join("\n");
}

/** A page of customers behind a number (a map's, a friction's): the table and how to get the next page. */
export function customerPage(
  title: string,
  page: { customers: ReadonlyArray<object>; next: number | null },
): string {
  const lines = [
    title,
    "",
    table(page.customers as unknown as Array<Record<string, unknown>>, [
      "id",
      "name",
      "persona",
      "stage",
      "lastSeen",
    ]),
  ];
  if (page.next !== null) lines.push("", `More: add --after ${page.next}`);
  return lines.join("\n");
}
