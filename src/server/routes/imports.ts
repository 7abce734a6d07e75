// POST /api/imports: a bulk import run inside the server, which owns the database file. The file is read
// from the server's own disk (the CLI on the same machine sends its absolute path, never its contents).
// A route rather than an operation of the table: `itinera import` on the file shows progress (rows, rate,
// ETA) as it goes, which an operation's one answer cannot carry; both paths share importFile and its audit.
import { auditImport } from "../../collect/import/audit.js";
import { ImportRequest, ImportSummary } from "../../collect/import/contract.js";
import { importFile } from "../../collect/import/importer.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";
import { actorOf } from "../permissions.js";

export function importRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/imports",
    {
      // An import runs for minutes with no byte on the socket: the connection timeout must not close it.
      config: { access: "events.import", longRunning: true },
      schema: {
        summary: "Import a CSV, JSONL or Parquet file from the server's disk; answers with the summary",
        description:
          "Rows are validated, deduplicated and stitched as on /v1; rejected rows go to the rejects file with their reason. The request returns when the import is done.",
        tags: ["collect"],
        security: [{ bearerAuth: [] }],
        body: ImportRequest,
        response: { 200: ImportSummary, ...errorResponses },
      },
    },
    async (req) => {
      const result = await importFile(ctx, req.body);
      if (!result.ok) throw new HttpError(400, "invalid_import", result.error);
      ctx.log.info({ import: result.value }, "import finished");
      await auditImport(ctx.store, actorOf(req), result.value);
      return result.value;
    },
  );
}
