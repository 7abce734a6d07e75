// An import in the audit trail: the file's name and its counts (never its rows, which hold personal data).
import path from "node:path";
import { type Actor, recordAudit } from "../../audit/log.js";
import type { Store } from "../../store/database.js";
import type { ImportSummary } from "./contract.js";

/** Records a finished import; a dry run stores nothing and is not recorded. */
export async function auditImport(store: Store, actor: Actor, s: ImportSummary): Promise<void> {
  if (s.dryRun) return;
  const file = path.basename(s.file);
  await recordAudit(store, {
    actor,
    action: "import.run",
    target: file,
    detail: {
      file,
      format: s.format,
      rows: s.rows,
      imported: s.imported,
      duplicates: s.duplicates,
      rejected: s.rejected,
    },
  });
}
