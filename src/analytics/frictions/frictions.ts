// The friction finder: runs every detector over a period (in SQL, on one connection, after the journey
// tables are brought up to date), counts the customers behind each friction from the same SQL that lists
// them, and ranks the frictions by their estimated impact.

import { renderLine, renderMessage } from "../../findings/render.js";
import { readDefinitions } from "../../journey/definitions.js";
import { checkCohort, cohortSql, hasCohort, keptResult } from "../../journey/map/scope.js";
import type { JourneyRefresher, RefreshReport } from "../../journey/refresh.js";
import type { EventMatch } from "../../journey/rules.js";
import { notFound, type Problem } from "../../problem.js";
import { err, ok, type Result } from "../../result.js";
import { all, runQuery, type Store } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { type Scratchpad, withScratchpad } from "../../store/scratchpad.js";
import { quoteString } from "../../store/sql.js";
import { type PageQuery, pageOfAudience } from "../audience.js";
import { resolvePeriod } from "../period.js";
import { abandonmentDetector } from "./abandonment.js";
import { type Detection, type Detector, type Finding, type Found, frictionTables } from "./detector.js";
import { dropOffDetector } from "./dropoff.js";
import { scanEvents } from "./events.js";
import { pressureDetector } from "./pressure.js";
import { repeatContactDetector } from "./repeats.js";
import { slowResponseDetector } from "./responses.js";
import {
  type Friction,
  type FrictionCustomers,
  type FrictionKind,
  FrictionKinds,
  type FrictionList,
} from "./schema.js";
import type { FrictionSettings } from "./settings.js";
import { readFrictionSettings } from "./settings-store.js";
import { feedbackSpikeDetector } from "./spikes.js";
import { stageDropOffDetector } from "./stage-dropoff.js";
import { channelSwitchDetector } from "./switching.js";

export interface FrictionQuery {
  /** A persona id or UNASSIGNED: frictions of its customers only; everyone when undefined. */
  persona?: string | undefined;
  /** A stage key: frictions of the customers now in it only. */
  stage?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Frictions listed (the best first). */
  limit?: number | undefined;
}

export interface FrictionCustomersQuery extends PageQuery {
  id: string;
  persona?: string | undefined;
  stage?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export const DEFAULT_LIMIT = 20;

const detectors: readonly Detector[] = [
  dropOffDetector,
  stageDropOffDetector,
  abandonmentDetector,
  repeatContactDetector,
  channelSwitchDetector,
  slowResponseDetector,
  pressureDetector,
  feedbackSpikeDetector,
];

interface Detected {
  period: { from: Date; to: Date };
  frictions: Array<{ friction: Friction; found: Found }>;
}

/** A finding with its English words, rendered from its messages (the API keeps them for compatibility). */
function worded(f: Finding, customers: number): Friction {
  const { messages } = f.evidence;
  return {
    ...f,
    rank: 0,
    customers,
    title: renderLine([f.message, ...f.notes]),
    evidence: {
      ...f.evidence,
      measure: renderMessage(messages.measure),
      baselineLabel: renderMessage(messages.baseline),
    },
  };
}

/** Values written into SQL as quoted literals, for the one statement that takes no parameters (a view). */
const literal = { add: (value: string) => quoteString(value) };

/** Runs the detectors (all, or those of one kind), counts each friction's customers and ranks them. */
async function detect(
  conn: Connection,
  scratch: Scratchpad,
  q: FrictionQuery,
  settings: FrictionSettings,
  only?: FrictionKind,
): Promise<Result<Detected, Problem>> {
  const defs = await readDefinitions(conn);
  const cohort = { persona: q.persona, stage: q.stage };
  const unknown = checkCohort(cohort, defs);
  if (unknown) return notFound(unknown);
  const period = await resolvePeriod(conn, q.from, q.to);
  if (!period.ok) return period;
  const d: Detection = { conn, defs, settings, ...period.value, cohort, tables: frictionTables(scratch) };
  // A view, not a copy (copying a large persona's rows costs more than the semi-join in each detector).
  // Views take no parameters: the persona, checked above against the definitions, goes in quoted.
  await conn.run(
    `CREATE VIEW ${d.tables.journey} AS SELECT * FROM journey_events
      ${hasCohort(cohort) ? `WHERE customer_id IN (${cohortSql(cohort, defs, literal)})` : ""}`,
  );
  const active = detectors.filter((x) => only === undefined || x.kinds.includes(only));
  const rules: EventMatch[] = [];
  for (const detector of active) rules.push(...((await detector.rules?.(d)) ?? []));
  await scanEvents(d, rules);
  const found: Found[] = [];
  for (const detector of active) found.push(...(await detector.find(d)));
  const counted: Array<{ friction: Friction; found: Found }> = [];
  for (const f of found) {
    const [row] = await all(
      conn,
      `SELECT count(DISTINCT customer_id) AS n FROM (${f.audience.sql})`,
      f.audience.params,
    );
    counted.push({ friction: worded(f.friction, Number(row?.n ?? 0)), found: f });
  }
  counted.sort(
    (a, b) =>
      b.friction.impact - a.friction.impact ||
      b.friction.customers - a.friction.customers ||
      a.friction.id.localeCompare(b.friction.id),
  );
  counted.forEach((c, i) => {
    c.friction.rank = i + 1;
  });
  return ok({ period: period.value, frictions: counted });
}

/**
 * Runs `fn` on a read connection with the journey tables up to date, and a scratchpad for the detectors'
 * tables that goes when `fn` ends.
 */
async function withDetection<T>(
  store: Store,
  refresher: JourneyRefresher,
  fn: (conn: Connection, scratch: Scratchpad, asOf: string) => Promise<T>,
): Promise<T> {
  const fresh = await refresher.refresh();
  return runQuery(store, {
    duckdb: () =>
      store.read((conn) => withScratchpad(conn, (scratch) => fn(conn, scratch, fresh.refreshedAt))),
  });
}

/**
 * The ranked frictions of a cohort and period, kept in the refresher's result cache like a map (by the
 * journey tables' generation, the definitions, the scope and the settings): the friction list and the
 * journey map's pain points are one computation, and whichever asks first pays for it.
 */
export async function keptFrictions(
  store: Store,
  refresher: JourneyRefresher,
  q: FrictionQuery,
  settings: FrictionSettings,
  /** A refresh just made (computing ahead after it). */
  refreshed?: RefreshReport,
): Promise<Result<{ period: { from: string; to: string }; asOf: string; frictions: Friction[] }, Problem>> {
  const scope = { persona: q.persona, stage: q.stage, from: q.from, to: q.to };
  // Kept by itself (not over the map's scope tables, which the detectors do not read).
  const kept = await keptResult(
    store,
    refresher,
    scope,
    ["frictions", settings],
    async (conn, _defs, scratch) => {
      const r = await detect(conn, scratch, scope, settings);
      return r.ok
        ? ok({
            period: { from: r.value.period.from.toISOString(), to: r.value.period.to.toISOString() },
            frictions: r.value.frictions.map((f) => f.friction),
          })
        : r;
    },
    refreshed,
  );
  if (!kept.ok) return kept;
  return ok({ ...kept.value.value, asOf: kept.value.asOf });
}

export async function findFrictions(
  store: Store,
  refresher: JourneyRefresher,
  q: FrictionQuery,
  /** Default: the stored settings (the defaults until replaced). */
  settings?: FrictionSettings,
): Promise<Result<FrictionList, Problem>> {
  const kept = await keptFrictions(store, refresher, q, settings ?? (await store.read(readFrictionSettings)));
  if (!kept.ok) return kept;
  const { period, asOf, frictions } = kept.value;
  return ok({
    period,
    asOf,
    total: frictions.length,
    frictions: frictions.slice(0, q.limit ?? DEFAULT_LIMIT),
  });
}

/** The customers behind one friction of the same period, page by page; `total` is its `customers`. */
export function listFrictionCustomers(
  store: Store,
  refresher: JourneyRefresher,
  q: FrictionCustomersQuery,
  /** Default: the stored settings (the defaults until replaced). */
  settings?: FrictionSettings,
): Promise<Result<FrictionCustomers, Problem>> {
  const kind = q.id.split(":")[0] as FrictionKind;
  if (!FrictionKinds.includes(kind))
    return Promise.resolve(
      err({
        code: "not_found",
        message: `no friction "${q.id}": an id starts with its kind (${FrictionKinds.join(", ")})`,
      }),
    );
  return withDetection(store, refresher, async (conn, scratch) => {
    const r = await detect(
      conn,
      scratch,
      { persona: q.persona, stage: q.stage, from: q.from, to: q.to },
      settings ?? (await readFrictionSettings(conn)),
      kind,
    );
    if (!r.ok) return r;
    const hit = r.value.frictions.find((f) => f.friction.id === q.id);
    if (!hit)
      return err<Problem>({
        code: "not_found",
        message: `no friction "${q.id}" in this period (GET /api/frictions lists them; give the same persona, from and to)`,
      });
    const page = await pageOfAudience(conn, await readDefinitions(conn), hit.found.audience, q);
    return ok({ friction: q.id, ...page });
  });
}
