// Paths: what customers do in the N steps after a start event, or before an end event, within one session;
// top paths, Sankey data and the share of paths that reach a goal — computed in SQL per stitched customer.
//
// Semantics:
// - A customer's events are those of all their identifiers (resolved when reading, so a late login counts
//   the anonymous events before it), in time order; events in the same millisecond are ordered by a hash
//   of their message id (a fixed order, and one integer sort key instead of a string).
// - A path step (a node) is an event's name — the track event, or the page or screen name — or, grouped
//   by touchpoint, the name of the touchpoint the event is classified as (events no touchpoint names are
//   no steps). Identify, group and alias calls are no steps. Events named in excludeEvents are no steps.
//   The start (or end) step's own events are always steps, named after the step, and so are the goal's.
// - Sessions: a gap of more than sessionGap (default 30m) between two steps starts a new session. Only
//   steps count as activity, so an excluded event does not keep a session alive.
// - Consecutive steps with the same name are one node: three Product Viewed in a row are one step.
//   Events that match the start or goal step only merge with each other, so a start step with conditions
//   starts at the first event that meets them.
// - Every start node counts (not only the first of a session): from it, the next `steps` nodes of the
//   same session; to an end node, the `steps` nodes of the same session before it. A path is shorter
//   when the session ends sooner. Only start (end) nodes whose first event falls in [from, to) count;
//   the events around them are read up to max(1 day, sessionGap) beyond the period's ends.
// - Counts: `count` is the number of path occurrences (start nodes), `sessions` and `customers` the
//   distinct sessions and customers that took the path. Sankey link values count occurrences too, so a
//   link's value is the sum of `count` over the paths that pass through it.
// - Goal (with a start step): an occurrence reaches the goal when a goal event follows the start node in
//   the same session, however many steps later; the goal's paths are cut at the goal when it comes
//   within the N steps.
// References: Amplitude's Pathfinder counts every occurrence ("event totals") within sessions; PostHog
// takes one path per session, from the first occurrence of its start point, and collapses repeats too.

import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import { invalid, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import type { Scratchpad } from "../store/scratchpad.js";
import { Params } from "../store/sql.js";
import { StringEnum } from "../typebox.js";
import type { Audience } from "./audience.js";
import { type Insight, runInsight } from "./insight.js";
import { PeriodFields, resolvePeriod } from "./period.js";
import {
  checkSteps,
  DurationText,
  lengthOf,
  PersonaFilter,
  readsJourneyTables,
  StageFilter,
  Step,
  stepName,
} from "./steps.js";
import { buildStream, eventStepSql } from "./stream.js";

export const PathGroups = ["event", "touchpoint"] as const;

export const PathsRequest = Type.Object(
  {
    persona: PersonaFilter,
    stage: StageFilter,
    start: Type.Optional(Step),
    end: Type.Optional(Step),
    steps: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10,
        default: 5,
        description: "Nodes after the start (before the end)",
      }),
    ),
    sessionGap: Type.Optional(DurationText),
    ...PeriodFields,
    group: Type.Optional(
      StringEnum(PathGroups, { description: "A node is an event name (default) or a touchpoint name" }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20, description: "Top paths" })),
    excludeEvents: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 50,
        description: "Event names that are no steps of a path",
      }),
    ),
    goal: Type.Optional(Step),
  },
  {
    additionalProperties: false,
    description:
      "Exactly one of start (the paths after it) or end (the paths before it), each an event or touchpoint step; goal (with start) asks which share of the paths reach it within the session",
  },
);
export type PathsRequest = Static<typeof PathsRequest>;

const PathRow = Type.Object({
  path: Type.Array(Type.String()),
  count: Type.Integer({ description: "Occurrences: start (end) nodes followed (preceded) by this path" }),
  sessions: Type.Integer(),
  customers: Type.Integer(),
});

export const PathsResult = Type.Object({
  direction: StringEnum(["next", "previous"]),
  anchor: Type.String({ description: "The start (end) step's name" }),
  steps: Type.Integer(),
  sessionGap: Type.String(),
  group: StringEnum(PathGroups),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  totals: Type.Object({
    paths: Type.Integer({ description: "Start (end) nodes in the period" }),
    sessions: Type.Integer(),
    customers: Type.Integer(),
  }),
  paths: Type.Array(PathRow),
  sankey: Type.Object({
    nodes: Type.Array(
      Type.Object({
        id: Type.String({ description: "<step>:<name>" }),
        step: Type.Integer({
          description: "Position from the start (0, 1, 2…) or to the end (…, -2, -1, 0)",
        }),
        name: Type.String(),
        value: Type.Integer({ description: "Occurrences that pass through the node" }),
        customers: Type.Integer({ description: "Distinct customers behind those occurrences" }),
      }),
    ),
    links: Type.Array(
      Type.Object({
        source: Type.String(),
        target: Type.String(),
        value: Type.Integer({ description: "Occurrences that take the link" }),
        customers: Type.Integer({ description: "Distinct customers behind those occurrences" }),
      }),
    ),
  }),
  goal: Type.Optional(
    Type.Object({
      name: Type.String(),
      reached: Type.Integer({ description: "Occurrences followed by the goal in the same session" }),
      share: Type.Number({ description: "reached / totals.paths" }),
      sessions: Type.Integer(),
      customers: Type.Integer(),
      paths: Type.Array(PathRow, { description: "The most common paths of those that reached it" }),
    }),
  ),
});
export type PathsResult = Static<typeof PathsResult>;

interface Plan {
  anchor: Step;
  anchorName: string;
  goal: Step | undefined;
  goalName: string | undefined;
  next: boolean;
  n: number;
  gapMs: number;
  group: (typeof PathGroups)[number];
  from: Date;
  to: Date;
  limit: number;
}

const DAY = 86_400_000;

async function plan(
  conn: Connection,
  defs: JourneyDefinitions,
  req: PathsRequest,
): Promise<Result<Plan, Problem>> {
  const given = { start: req.start, end: req.end, goal: req.goal };
  const problem = checkSteps(req, given, defs);
  if (problem) return problem;
  if ((req.start === undefined) === (req.end === undefined))
    return invalid("give exactly one of start (paths after it) or end (paths before it)");
  const anchor = (req.start ?? req.end)!;
  const stage = Object.entries(given).find(([, s]) => s?.stage !== undefined);
  if (stage)
    return invalid(`${stage[0]}: a path starts, ends or reaches an event or touchpoint, not a stage`);
  if (req.goal && !req.start)
    return invalid("goal: give it with start (the paths after the start that reach it)");
  const gap = lengthOf("sessionGap", req.sessionGap, "30m");
  if (!gap.ok) return gap;
  const period = await resolvePeriod(conn, req.from, req.to);
  if (!period.ok) return period;
  const { from, to } = period.value;
  const goalName = req.goal ? stepName(req.goal, defs) : undefined;
  return ok({
    anchor,
    anchorName: stepName(anchor, defs),
    goal: req.goal,
    goalName,
    next: req.start !== undefined,
    n: req.steps ?? 5,
    gapMs: gap.value,
    group: req.group ?? "event",
    from,
    to,
    limit: req.limit ?? 20,
  });
}

const cols = (n: number, f: (i: number) => string, sep = ", ") =>
  Array.from({ length: n }, (_, i) => f(i + 1)).join(sep);

/** The paths' tables in the run's scratchpad. */
interface PathsTables {
  nodes: string;
  names: string;
  paths: string;
  reached: string;
}

const pathsTables = (scratch: Scratchpad): PathsTables => ({
  nodes: scratch.table("path_nodes"),
  names: scratch.table("path_names"),
  paths: scratch.table("paths"),
  reached: scratch.table("paths_reached"),
});

/**
 * `nodes`: one row per node (the first event of a run of same-named steps) of the customers who have a
 * start node in the period: rn (its place among the customer's steps), key (a hash of its name; `names`
 * turns keys back into names), brk (it opens a session) and start / goal flags. Runs merge on the name
 * and on whether the events match the start or goal step. One window pass, sorted once on one integer:
 * the millisecond, then a hash of the message id (a fixed order for events in the same millisecond that
 * sorts much faster than the id itself, which matters on millions of events).
 */
async function buildNodes(
  conn: Connection,
  scratch: Scratchpad,
  t: PathsTables,
  defs: JourneyDefinitions,
  pl: Plan,
  req: PathsRequest,
): Promise<void> {
  const pad = Math.max(DAY, pl.gapMs);
  const readFrom = new Date(pl.from.getTime() - pad);
  const readTo = new Date(pl.to.getTime() + pad);
  const stream = await buildStream(
    conn,
    scratch,
    defs,
    {
      steps: pl.goal ? [pl.anchor, pl.goal] : [pl.anchor],
      from: readFrom,
      until: readTo,
      cohort: req,
    },
    new Params(),
  );
  const p = new Params();
  const fromSql = `${p.add(pl.from.toISOString())}::TIMESTAMP`;
  const toSql = `${p.add(pl.to.toISOString())}::TIMESTAMP`;
  const inPeriod = (col: string) => `${col} >= ${fromSql} AND ${col} < ${toSql}`;
  // Event and touchpoint steps (conditions included) are matched in the scan itself; a stage step takes
  // the stream's verdict, joined by message id (the join costs a third of the query on 10M events).
  const inScan = (s: Step) => s.stage === undefined;
  const joined = !inScan(pl.anchor) || (pl.goal !== undefined && !inScan(pl.goal));
  const mark = (s: Step | undefined, col: string) =>
    s === undefined ? "false" : inScan(s) ? eventStepSql(s, defs, p) : `coalesce(k.${col}, false)`;
  const anchorCol = mark(pl.anchor, "s0");
  const goalCol = mark(pl.goal, "s1");
  const excluded = req.excludeEvents?.length
    ? `(e.event IS NULL OR e.event NOT IN (${req.excludeEvents.map((x) => p.add(x)).join(", ")}))`
    : "true";
  const readRange = `${p.add(readFrom.toISOString())}::TIMESTAMP AND ${p.add(readTo.toISOString())}::TIMESTAMP`;
  let nameSql: string;
  let isStep: string;
  let joinJourney = "";
  if (pl.group === "touchpoint") {
    const arms = defs.touchpoints.map((t) => `WHEN ${p.add(t.id)} THEN ${p.add(t.name)}`).join(" ");
    nameSql = arms ? `CASE j.touchpoint ${arms} END` : "NULL::VARCHAR";
    isStep = `j.touchpoint IS NOT NULL AND ${excluded}`;
    joinJourney = `LEFT JOIN (SELECT message_id, timestamp, touchpoint FROM journey_events
                               WHERE touchpoint IS NOT NULL AND timestamp BETWEEN ${readRange}) j
                     ON j.message_id = e.message_id AND j.timestamp = e.timestamp`;
  } else {
    nameSql = "CASE e.type WHEN 'track' THEN e.event ELSE coalesce(e.event, '(' || e.type || ')') END";
    isStep = `e.type IN ('track', 'page', 'screen') AND ${excluded}`;
  }
  const anchorName = p.add(pl.anchorName);
  const goalName = pl.goalName === undefined ? "NULL" : p.add(pl.goalName);
  const readFromSql = `${p.add(readFrom.toISOString())}::TIMESTAMP`;
  // The sort key: milliseconds since readFrom × 4096 + 12 bits of the message id's hash.
  const order = `(epoch_ms(e.timestamp) - epoch_ms(${readFromSql})) * 4096 + (hash(e.message_id) >> 52)::BIGINT`;
  await conn.run(
    `CREATE TABLE ${t.nodes} AS
     WITH members AS (
       SELECT * FROM ${stream.members}
        WHERE customer_id IN (SELECT customer_id FROM ${stream.stream} WHERE s0 AND ${inPeriod("ts")})),
     ev AS (
       SELECT m.customer_id, ${order} AS o, ${anchorCol} AND ${inPeriod("e.timestamp")} AS start,
              CASE WHEN ${anchorCol} THEN ${anchorName} WHEN ${goalCol} THEN ${goalName} ELSE ${nameSql} END AS name,
              ${anchorCol} AS a, ${goalCol} AS g
         FROM events e JOIN members m ON m.identity_id = e.identity_id
         ${joined ? `LEFT JOIN ${stream.stream} k ON k.mid = e.message_id AND k.customer_id = m.customer_id AND k.ts = e.timestamp` : ""}
         ${joinJourney}
        WHERE e.timestamp BETWEEN ${readRange} AND (${anchorCol} OR ${goalCol} OR (${isStep}))),
     keyed AS (SELECT customer_id, o, start, g, hash(name) AS key, hash(name, a, g) AS run FROM ev WHERE name IS NOT NULL)
     SELECT customer_id, rn, key, brk, start, g FROM (
       SELECT customer_id, key, start, g, row_number() OVER w AS rn,
              coalesce((o >> 12) - (lag(o) OVER w >> 12) > ${Math.round(pl.gapMs)}, true) AS brk,
              run IS DISTINCT FROM lag(run) OVER w AS differs
         FROM keyed WINDOW w AS (PARTITION BY customer_id ORDER BY o))
      WHERE brk OR differs`,
    p.values,
  );
  // Node names by key, without carrying the names through the sort: every name the nodes can have.
  const q = new Params();
  const names =
    pl.group === "touchpoint"
      ? defs.touchpoints.map((t) => `SELECT ${q.add(t.name)} AS name`).join(" UNION ")
      : `SELECT DISTINCT ${nameSql} AS name FROM events e
          WHERE e.timestamp BETWEEN ${q.add(readFrom.toISOString())}::TIMESTAMP AND ${q.add(readTo.toISOString())}::TIMESTAMP
            AND e.type IN ('track', 'page', 'screen')`;
  const labels = [pl.anchorName, pl.goalName].filter((x) => x !== undefined).map((x) => `SELECT ${q.add(x)}`);
  await conn.run(
    `CREATE TABLE ${t.names} AS
     SELECT DISTINCT hash(name) AS key, name FROM (${[names, ...labels].filter(Boolean).join(" UNION ")}) WHERE name IS NOT NULL`,
    q.values,
  );
}

/**
 * `paths`: per start (end) node its session and path (node keys, in time order), plus the goal nodes
 * with their sessions. A second window pass over the nodes, ordered by rn.
 */
async function buildPaths(conn: Connection, t: PathsTables, pl: Plan): Promise<void> {
  const n = pl.n;
  const shift = pl.next ? "lead" : "lag";
  const keys = cols(n, (j) => `${shift}(key, ${j}) OVER w AS k${j}`);
  const breaks = cols(n, (j) => `${shift}(brk, ${j}) OVER w AS b${j}`);
  const goals = pl.goal ? `, ${cols(n, (j) => `lead(g, ${j}) OVER w AS g${j}`)}` : "";
  // How many nodes the path has: the start (end) and its neighbours up to the session's edge. Going
  // forward a node that opens a session (or the customer's last node) ends it; going back the node that
  // opened the session is the path's first.
  const arms = pl.next
    ? cols(n, (j) => `WHEN coalesce(b${j}, true) THEN ${j}`, " ")
    : `WHEN brk THEN 1 ${cols(n - 1, (j) => `WHEN b${j} THEN ${j + 1}`, " ")}`;
  const list = `[key, ${cols(n, (j) => `k${j}`)}][1:CASE ${arms} ELSE ${n + 1} END]`;
  const path = pl.next ? list : `list_reverse(${list})`;
  const goalAt = pl.goal
    ? `CASE WHEN start THEN list_position([false, ${cols(n, (j) => `coalesce(g${j}, false)`)}], true) END`
    : "NULL::INTEGER";
  await conn.run(
    `CREATE TABLE ${t.paths} AS
     SELECT customer_id, session, rn, start, g, CASE WHEN start THEN ${path} END AS path, ${goalAt} AS goal_at
       FROM (SELECT *, sum(brk::INTEGER) OVER (w ROWS UNBOUNDED PRECEDING) AS session, ${keys}, ${breaks}${goals}
               FROM ${t.nodes} WINDOW w AS (PARTITION BY customer_id ORDER BY rn))
      WHERE start ${pl.goal ? "OR g" : ""}`,
  );
}

/** A FROM item `names` with one MAP column `names`: node key → node name. */
const namesMap = (t: PathsTables) =>
  `(SELECT map_from_entries(list((key, name))) AS names FROM ${t.names}) names`;

type PathRow = Static<typeof PathRow>;

/** The most taken paths among the rows of `from` (a subquery with customer_id, session, path of keys). */
async function topPaths(conn: Connection, t: PathsTables, from: string, limit: number): Promise<PathRow[]> {
  const rows = await all(
    conn,
    `WITH t AS (SELECT path, count(*) AS n, count(DISTINCT (customer_id, session)) AS sessions,
                       count(DISTINCT customer_id) AS customers
                  FROM ${from} GROUP BY path)
     SELECT list_transform(path, x -> names.names[x]) AS path, n, sessions, customers FROM t, ${namesMap(t)}
      ORDER BY n DESC, sessions DESC, customers DESC, path LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    path: (r.path as string[]).map(String),
    count: Number(r.n),
    sessions: Number(r.sessions),
    customers: Number(r.customers),
  }));
}

async function sankey(conn: Connection, t: PathsTables, pl: Plan): Promise<PathsResult["sankey"]> {
  // Step of the i-th node of a path: from the start 0, 1, 2…; to the end …, -2, -1, 0.
  const step = pl.next ? "i - 1" : "i - len(path)";
  const nodes = await all(
    conn,
    `SELECT step, names.names[k] AS name, v, c
       FROM (SELECT ${step} AS step, path[i] AS k, count(*) AS v, count(DISTINCT customer_id) AS c
               FROM (SELECT customer_id, path, unnest(range(1, len(path) + 1)) AS i FROM ${t.paths} WHERE start) GROUP BY ALL), ${namesMap(t)}
      ORDER BY step, v DESC, name`,
  );
  const links = await all(
    conn,
    `SELECT step, names.names[s] AS s, names.names[t] AS t, v, c
       FROM (SELECT ${step} AS step, path[i] AS s, path[i + 1] AS t, count(*) AS v, count(DISTINCT customer_id) AS c
               FROM (SELECT customer_id, path, unnest(range(1, len(path))) AS i FROM ${t.paths} WHERE start) GROUP BY ALL), ${namesMap(t)}
      ORDER BY step, v DESC, s, t`,
  );
  const id = (s: number, name: string) => `${s}:${name}`;
  return {
    nodes: nodes.map((r) => ({
      id: id(Number(r.step), String(r.name)),
      step: Number(r.step),
      name: String(r.name),
      value: Number(r.v),
      customers: Number(r.c),
    })),
    links: links.map((r) => ({
      source: id(Number(r.step), String(r.s)),
      target: id(Number(r.step) + 1, String(r.t)),
      value: Number(r.v),
      customers: Number(r.c),
    })),
  };
}

/** The start occurrences whose session has a goal node after them. */
const reachedSql = (t: PathsTables) => `SELECT s.customer_id, s.session, s.path, s.goal_at FROM ${t.paths} s
  WHERE s.start AND EXISTS (SELECT 1 FROM ${t.paths} x WHERE x.g AND x.customer_id = s.customer_id
                               AND x.session = s.session AND x.rn > s.rn)`;
/** A goal occurrence's path, cut at the goal when it comes within the N steps. */
const GOAL_PATH = "CASE WHEN goal_at > 0 THEN path[1:goal_at] ELSE path END";

async function goalResult(
  conn: Connection,
  t: PathsTables,
  pl: Plan,
  total: number,
): Promise<PathsResult["goal"]> {
  // An occurrence reaches the goal when its session has a goal node after it.
  await conn.run(`CREATE TABLE ${t.reached} AS ${reachedSql(t)}`);
  const [row] = await all(
    conn,
    `SELECT count(*) AS n, count(DISTINCT (customer_id, session)) AS sessions, count(DISTINCT customer_id) AS customers
       FROM ${t.reached}`,
  );
  const reached = Number(row?.n ?? 0);
  return {
    name: pl.goalName!,
    reached,
    share: total ? reached / total : 0,
    sessions: Number(row?.sessions ?? 0),
    customers: Number(row?.customers ?? 0),
    paths: await topPaths(
      conn,
      t,
      `(SELECT customer_id, session, ${GOAL_PATH} AS path FROM ${t.reached})`,
      pl.limit,
    ),
  };
}

export async function computePaths(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: PathsRequest,
): Promise<Result<PathsResult, Problem>> {
  const prepared = await preparePaths(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, tables: t } = prepared.value;
  const [totals] = await all(
    conn,
    `SELECT count(*) AS n, count(DISTINCT (customer_id, session)) AS sessions, count(DISTINCT customer_id) AS customers
       FROM ${t.paths} WHERE start`,
  );
  const total = Number(totals?.n ?? 0);
  const result: PathsResult = {
    direction: pl.next ? "next" : "previous",
    anchor: pl.anchorName,
    steps: pl.n,
    sessionGap: req.sessionGap ?? "30m",
    group: pl.group,
    period: { from: pl.from.toISOString(), to: pl.to.toISOString() },
    totals: {
      paths: total,
      sessions: Number(totals?.sessions ?? 0),
      customers: Number(totals?.customers ?? 0),
    },
    paths: await topPaths(
      conn,
      t,
      `(SELECT customer_id, session, path FROM ${t.paths} WHERE start)`,
      pl.limit,
    ),
    sankey: await sankey(conn, t, pl),
  };
  if (pl.goal) result.goal = await goalResult(conn, t, pl, total);
  return ok(result);
}

/** Builds the nodes, their names and the paths in `scratch`: what the result and its audiences read. */
async function preparePaths(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: PathsRequest,
): Promise<Result<{ plan: Plan; tables: PathsTables }, Problem>> {
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  const tables = pathsTables(scratch);
  await buildNodes(conn, scratch, tables, defs, planned.value, req);
  await buildPaths(conn, tables, planned.value);
  return ok({ plan: planned.value, tables });
}

/** A number of a paths result: a Sankey node or link, a row of the top paths, or the goal's. */
export const PathsCell = Type.Object(
  {
    step: Type.Optional(
      Type.Integer({ minimum: -10, maximum: 10, description: "A Sankey node's (or link's source's) step" }),
    ),
    name: Type.Optional(Type.String({ maxLength: 1000, description: "With step: the node's name" })),
    next: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: "With step and name: the link to this node at the next step",
      }),
    ),
    path: Type.Optional(
      Type.Array(Type.String({ maxLength: 1000 }), {
        maxItems: 11,
        description: "A row of the top paths (of the goal's with goal)",
      }),
    ),
    goal: Type.Optional(Type.Boolean({ description: "The occurrences that reached the goal" })),
  },
  {
    additionalProperties: false,
    description:
      "step and name (and next); or path; or goal (and path); or nothing: every customer with an occurrence",
  },
);
export type PathsCell = Static<typeof PathsCell>;

/** The customers behind a cell: those with an occurrence counted in it. */
async function pathsAudience(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: PathsRequest,
  cell: PathsCell,
): Promise<Result<Audience, Problem>> {
  const node = cell.step !== undefined || cell.name !== undefined || cell.next !== undefined;
  if (node && (cell.step === undefined || cell.name === undefined || cell.path || cell.goal))
    return invalid("cell: a Sankey node is step and name (a link adds next), without path or goal");
  if (cell.goal && !req.goal) return invalid("cell.goal: the request has no goal");
  const prepared = await preparePaths(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, tables: t } = prepared.value;
  const p = new Params();
  // Node keys back to names, as the result names them.
  const named = (key: string) => `names.names[${key}]`;
  if (node) {
    // The node's index in a path: from the start 1, 2…; to the end len(path) + step.
    const at = pl.next ? `${cell.step! + 1}` : `len(path) + ${cell.step}`;
    const link = cell.next === undefined ? "" : ` AND ${named(`path[${at} + 1]`)} = ${p.add(cell.next)}`;
    return ok({
      sql: `SELECT customer_id FROM ${t.paths}, ${namesMap(t)}
             WHERE start AND ${at} >= 1 AND ${named(`path[${at}]`)} = ${p.add(cell.name!)}${link}`,
      params: p.values,
    });
  }
  const from = cell.goal
    ? `(SELECT customer_id, ${GOAL_PATH} AS path FROM (${reachedSql(t)}))`
    : `(SELECT customer_id, path FROM ${t.paths} WHERE start)`;
  const path = cell.path
    ? ` WHERE list_transform(path, x -> ${named("x")}) = from_json(${p.add(JSON.stringify(cell.path))}, '["VARCHAR"]')`
    : "";
  return ok({ sql: `SELECT customer_id FROM ${from}, ${namesMap(t)}${path}`, params: p.values });
}

/** Touchpoint nodes and names come from the journey tables too. */
const readsJourney = (req: PathsRequest) => req.group === "touchpoint" || readsJourneyTables(req, []);

export const pathsInsight: Insight<PathsRequest, PathsResult, PathsCell> = {
  kind: "paths",
  summary: "Paths: the next N steps after a start event, or the N steps before an end event, per session",
  description:
    "Per stitched customer, in (timestamp, message id) order. A step is an event name (page and screen names for page and screen calls) or, with group=touchpoint, a touchpoint name; consecutive steps with the same name are one step. A gap of more than sessionGap (default 30m) between steps starts a new session, and a path never leaves its session. Every start (end) occurrence in the period counts: `count` and Sankey values count occurrences, `sessions` and `customers` the distinct ones. With goal: the share of occurrences followed by the goal in the same session, and their most common paths (cut at the goal). The customers behind any node, link or path: POST /api/insights/paths/customers.",
  request: PathsRequest,
  result: PathsResult,
  cell: PathsCell,
  readsJourney,
  compute: computePaths,
  audience: pathsAudience,
};

export const runPaths = (store: Store, refresher: JourneyRefresher, req: PathsRequest) =>
  runInsight(store, refresher, pathsInsight, req);
