// The audit trail, newest first, for those who may read it (admins).
import { AuditPage, AuditQuery, listAudit } from "../../audit/log.js";
import { ok } from "../../result.js";
import { operation } from "../operation.js";

export const auditOperation = operation({
  id: "audit.list",
  method: "GET",
  path: "/api/audit",
  access: "audit.read",
  summary: "The audit trail: who changed what and when, newest first, page by page",
  description:
    "Changes to credentials, accounts and roles, touchpoints, stages, personas, lanes and settings, saved views and boards, imports, exports and erasures, and refused attempts to give more rights than the caller has. Definitions carry their before and after; secrets, passwords and customers' personal data are never recorded.",
  tags: ["audit"],
  query: AuditQuery,
  response: AuditPage,
  run: async (ctx, { query }) => ok(await listAudit(ctx.store, query)),
});

export const auditOperations = [auditOperation];
