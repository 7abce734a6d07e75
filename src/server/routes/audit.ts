// GET /api/audit: the audit trail, newest first, for those who may read it (admins).
import { AuditPage, AuditQuery, listAudit } from "../../audit/log.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses } from "../errors.js";

export function auditRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/audit",
    {
      config: { access: "audit.read" },
      schema: {
        summary: "The audit trail: who changed what and when, newest first, page by page",
        description:
          "Changes to credentials, accounts and roles, touchpoints, stages, personas, lanes and settings, saved views and boards, imports, exports and erasures, and refused attempts to give more rights than the caller has. Definitions carry their before and after; secrets, passwords and customers' personal data are never recorded.",
        tags: ["audit"],
        security: [{ bearerAuth: [] }],
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (req) => listAudit(ctx.store, req.query),
  );
}
