// The customers behind any number of a journey map, page by page. An audience names the number:
//   cohort · stage:<key>:reached|converted|dropped|feedback · touchpoint:<id>:reach|converted|dropped
//   · pain:<friction id>
// and is computed from the same scope tables and SQL predicates as the map (a pain point: the friction
// finder's list of the friction's customers), so the list is exactly as long as the number.

import { type PageQuery, pageOfAudience } from "../../analytics/audience.js";
import { listFrictionCustomers } from "../../analytics/frictions/frictions.js";
import type { Problem } from "../../problem.js";
import { err, ok, type Result } from "../../result.js";
import type { Store } from "../../store/database.js";
import { Params } from "../../store/sql.js";
import type { JourneyDefinitions } from "../definitions.js";
import { stagePosition } from "../model.js";
import type { JourneyRefresher } from "../refresh.js";
import type { MapQuery } from "./map.js";
import type { AudiencePage } from "./schema.js";
import { inScope, type ScopeTables } from "./scope.js";
import { stageAudiences } from "./stages.js";
import { touchpointAudiences } from "./touchpoints.js";

export interface AudienceQuery extends MapQuery, PageQuery {
  audience: string;
}

/** The audience's SQL over the scope's tables, checked against `defs` before the scope is built. */
type AudienceSql = (t: ScopeTables) => string;

function audienceSql(defs: JourneyDefinitions, audience: string, p: Params): Result<AudienceSql, string> {
  const [kind, a, b, c] = audience.split(":");
  if (kind === "cohort" && a === undefined) return ok((t) => `SELECT customer_id FROM ${t.cohort}`);
  if (kind === "stage" && a && b && c === undefined) {
    const k = stagePosition(defs.model, a);
    if (k === 0) return err(`no stage "${a}"`);
    const last = k === defs.model.stages.length;
    if (b === "reached" || b === "feedback") return ok((t) => stageAudiences(t)[b](k));
    if ((b === "converted" || b === "dropped") && !last) return ok((t) => stageAudiences(t)[b](k));
    return err(
      `stage audiences are reached, converted, dropped, feedback (not ${b}${last ? " in the last stage" : ""})`,
    );
  }
  if (kind === "touchpoint" && a && b && c === undefined) {
    if (!defs.touchpoints.some((t) => t.id === a)) return err(`no touchpoint "${a}"`);
    if (b !== "reach" && b !== "converted" && b !== "dropped")
      return err(`touchpoint audiences are reach, converted, dropped (not ${b})`);
    const tp = p.add(a);
    return ok((t) => touchpointAudiences(defs, t)[b](tp));
  }
  return err(
    `audience "${audience}" is not one of: cohort, stage:<key>:<reached|converted|dropped|feedback>, touchpoint:<id>:<reach|converted|dropped>, pain:<friction id>`,
  );
}

const PAIN = "pain:";

export async function listAudience(
  store: Store,
  refresher: JourneyRefresher,
  q: AudienceQuery,
): Promise<Result<AudiencePage, Problem>> {
  // A pain point is a friction of the finder: its customers are the friction's, in the map's scope.
  if (q.audience.startsWith(PAIN)) {
    const { audience, ...scope } = q;
    const page = await listFrictionCustomers(store, refresher, { ...scope, id: audience.slice(PAIN.length) });
    if (!page.ok) return page;
    const { friction: _id, ...customers } = page.value;
    return ok({ audience, ...customers });
  }
  const p = new Params();
  return inScope(
    store,
    refresher,
    q,
    async (conn, defs, scope, _asOf, sql: AudienceSql) => {
      const page = await pageOfAudience(conn, defs, { sql: sql(scope.tables), params: p.values }, q);
      return ok({ audience: q.audience, ...page });
    },
    (defs) => {
      const r = audienceSql(defs, q.audience, p);
      return r.ok ? r : err<Problem>({ code: "invalid", message: r.error });
    },
  );
}
