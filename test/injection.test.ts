// SQL injection, attacked through every place where a user names something, against a real server.
// The store holds events whose names, property keys, property values, user ids and traits literally are
// the payloads (test/helpers/hostile.ts), so each (place × payload) has one exact expected answer: a
// quoting bug shows as a wrong count (or another customer's data), not only as a crash. A payload that
// cannot be a valid input there (a property *name* outside the dotted-name rule, a string past a length
// limit) must get a 400 in the error envelope. Never a 500; the tables are intact afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionSettings } from "../src/analytics/frictions/settings.js";
import type { FunnelResult } from "../src/analytics/funnel.js";
import type { PathsResult } from "../src/analytics/paths.js";
import type { RetentionResult } from "../src/analytics/retention.js";
import type { TimeToConvertResult } from "../src/analytics/time-to-convert.js";
import type { Persona } from "../src/journey/personas.js";
import type { Touchpoint } from "../src/journey/touchpoints.js";
import { search, send, timelineAll } from "./helpers/customers.js";
import { fits, type Payload, SQL_PAYLOADS } from "./helpers/hostile.js";
import { type AudiencePage, type JourneyMap, qs, refresh, stageOf } from "./helpers/journey.js";
import {
  type ErrorReply,
  eventCount,
  type HttpResult,
  startTestServer,
  type TestServer,
} from "./helpers/server.js";

let server: TestServer;

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 2, 3, 10, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();
const PERIOD = { from: at(T0 - 86_400_000), to: at(T0 + 2 * 86_400_000) };
const CANARY = { userId: "canary-7f3a", email: "canary@itinera.test" };

/** Who holds what for payload i: A and B did Probe → <payload> → Probe Done; D is a near miss. */
const userA = (p: Payload) => p.text;
const userB = (i: number) => `inj-${i}-b`;
const userD = (i: number) => `inj-${i}-decoy`;
/** The decoy's note: the payload with a suffix, so only exact comparisons leave it out. */
const near = (p: Payload) => `${p.text}~`;

const PAYLOADS = SQL_PAYLOADS.map((p, i) => ({ ...p, i }));
type P = (typeof PAYLOADS)[number];

/** Every note stored on Probe events, one per customer (the contains-oracle reads these). */
const notes: string[] = [];

function messagesFor(p: P): Array<Record<string, unknown>> {
  const t = T0 + p.i * 10 * MINUTE;
  const journey = (userId: string, start: number, note: string, literal: boolean) => [
    {
      type: "track",
      userId,
      event: "Probe",
      timestamp: at(start),
      // The payload is also a property key and a nested value: the picker must list the key as it is.
      properties: literal ? { note, n: p.i, meta: { x: note }, [p.text]: "literal key" } : { note, n: p.i },
    },
    ...(literal
      ? [{ type: "track", userId, event: p.text, timestamp: at(start + MINUTE), properties: { note } }]
      : []),
    { type: "track", userId, event: "Probe Done", timestamp: at(start + 2 * MINUTE), properties: { note } },
  ];
  return [
    { type: "identify", userId: userA(p), traits: { tag: p.text }, timestamp: at(t) },
    ...journey(userA(p), t, p.text, true),
    ...journey(userB(p.i), t + 3 * MINUTE, p.text, true),
    { type: "identify", userId: userD(p.i), traits: { tag: near(p) }, timestamp: at(t) },
    ...journey(userD(p.i), t + 5 * MINUTE, near(p), false),
  ];
}

/** The error envelope's shape, for a refused request. */
function refused(res: HttpResult<unknown>, label: string, statuses: number[] = [400]): void {
  expect.soft(statuses, `${label}: status ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
  const e = (res.body as ErrorReply | undefined)?.error;
  expect.soft(e?.status, `${label}: envelope ${JSON.stringify(res.body)}`).toBe(res.status);
  expect.soft(typeof e?.code === "string" && typeof e.message === "string", `${label}: envelope`).toBe(true);
}

/** The status a path parameter gets: the router answers 414 (in the envelope) past 100 characters. */
const inPath = (p: Payload, status: number) => (encodeURIComponent(p.text).length > 100 ? [414] : [status]);

/** The body of a 200, or undefined (recorded as a soft failure) for anything else. */
function answered<T>(res: HttpResult<T>, label: string): T | undefined {
  expect.soft(res.status, `${label}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
  return res.status === 200 ? res.body : undefined;
}

const post = <T>(route: string, body: unknown) => server.api<T>(route, { method: "POST", body });
const eq = (property: string, value: unknown) => ({ property, op: "eq", value });
const probe = (where: unknown[]) => ({ event: "Probe", where });
const done = (where: unknown[]) => ({ event: "Probe Done", where });
const counts = (r: FunnelResult | undefined) => r?.steps.map((s) => s.count);

let customersOf = new Map<string, number>();
let baseline: { events: number; identities: number; customers: number };
const touchpoints = new Map<number, Touchpoint>();
const personas = new Map<number, Persona>();

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  await send(
    server,
    {
      type: "identify",
      userId: CANARY.userId,
      traits: { email: CANARY.email, name: "Canary Bird" },
      timestamp: at(T0),
    },
    { type: "track", userId: CANARY.userId, event: "Canary Seen", timestamp: at(T0) },
  );
  const batch = PAYLOADS.flatMap(messagesFor);
  for (let i = 0; i < batch.length; i += 100) {
    const res = await server.collect("/v1/batch", { batch: batch.slice(i, i + 100) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rejected, JSON.stringify(res.body.rejected)).toEqual([]);
  }
  for (const p of PAYLOADS) notes.push(p.text, p.text, near(p));
  await refresh(server);
  const ids = await server.query(
    `SELECT i.value, c.canonical_id AS id FROM identities i JOIN customers c ON c.id = i.customer_id
      WHERE i.kind = 'user_id'`,
  );
  customersOf = new Map(ids.map((r) => [String(r.value), Number(r.id)]));
  baseline = await tableCounts();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

async function tableCounts() {
  const [r] = await server.query(
    "SELECT (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM customers) AS customers",
  );
  return {
    events: await eventCount(server),
    identities: Number(r?.identities),
    customers: Number(r?.customers),
  };
}

/** Runs `attack` for every payload; failures are soft, so one run reports every broken pair. */
async function forEachPayload(attack: (p: P) => Promise<void>): Promise<void> {
  for (const p of PAYLOADS) await attack(p);
}

describe("property values and event names from users are data, never SQL", () => {
  it("funnel step conditions (eq, in, neq, contains) count exactly the customers with that value", async () => {
    await forEachPayload(async (p) => {
      const l = `funnel where × ${p.label}`;
      const exact = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([eq("note", p.text)]), done([eq("note", p.text)])],
        ...PERIOD,
      });
      expect.soft(counts(answered(exact, `${l} eq`)), `${l} eq`).toEqual([2, 2]);
      const listed = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([{ property: "note", op: "in", value: [p.text, "none such"] }]), done([])],
        ...PERIOD,
      });
      expect.soft(counts(answered(listed, `${l} in`)), `${l} in`).toEqual([2, 2]);
      // Nested path: meta.x holds the payload on A's and B's Probe events only.
      const nested = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([eq("meta.x", p.text)]), done([eq("properties.note", p.text)])],
        ...PERIOD,
      });
      expect.soft(counts(answered(nested, `${l} nested`)), `${l} nested`).toEqual([2, 2]);
      // neq keeps every other Probe customer: all of them but A and B.
      const others = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([{ property: "note", op: "neq", value: p.text }]), done([])],
        ...PERIOD,
      });
      expect
        .soft(counts(answered(others, `${l} neq`)), `${l} neq`)
        .toEqual([notes.length - 2, notes.length - 2]);
      const contains = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([{ property: "note", op: "contains", value: p.text }]), done([])],
        ...PERIOD,
      });
      const expected = notes.filter((n) => n.toLowerCase().includes(p.text.toLowerCase())).length;
      expect.soft(counts(answered(contains, `${l} contains`)), `${l} contains`).toEqual([expected, expected]);
    });
  });

  it("funnel steps named by the payload, exclusions and breakdown values", async () => {
    await forEachPayload(async (p) => {
      const l = `funnel × ${p.label}`;
      const named = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([eq("note", p.text)]), { event: p.text }, done([])],
        ...PERIOD,
      });
      if (!fits(p, 200)) refused(named, `${l} step event`);
      else expect.soft(counts(answered(named, `${l} step event`)), `${l} step event`).toEqual([2, 2, 2]);

      // A and B did <payload> between Probe and Probe Done: the exclusion removes both.
      const excluded = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([eq("note", p.text)]), done([])],
        exclusions: [{ event: p.text, where: [eq("note", p.text)], between: [0, 1] }],
        ...PERIOD,
      });
      if (!fits(p, 200)) refused(excluded, `${l} exclusion`);
      else {
        const r = answered(excluded, `${l} exclusion`);
        expect.soft(counts(r), `${l} exclusion`).toEqual([0, 0]);
        expect.soft(r?.excluded, `${l} exclusion excluded`).toBe(2);
      }

      const broken = await post<FunnelResult>("/api/insights/funnel", {
        steps: [probe([{ property: "note", op: "in", value: [p.text, near(p)] }]), done([])],
        breakdown: { property: "note" },
        ...PERIOD,
      });
      const rows = answered(broken, `${l} breakdown`)?.breakdown ?? [];
      const byValue = new Map(rows.map((b) => [b.value, b.steps.map((s) => s.count)]));
      expect.soft([...byValue.keys()].sort(), `${l} breakdown values`).toEqual([p.text, near(p)].sort());
      expect.soft(byValue.get(p.text), `${l} breakdown of the payload`).toEqual([2, 2]);
      expect.soft(byValue.get(near(p)), `${l} breakdown of the near miss`).toEqual([1, 1]);
    });
  });

  it("paths, retention and time to convert filter on the payload exactly", async () => {
    await forEachPayload(async (p) => {
      const l = `insights × ${p.label}`;
      const paths = await post<PathsResult>("/api/insights/paths", {
        start: probe([eq("note", p.text)]),
        steps: 3,
        ...PERIOD,
      });
      const pr = answered(paths, `${l} paths`);
      expect.soft(pr?.totals, `${l} paths totals`).toMatchObject({ paths: 2, customers: 2 });
      // The one path continues with the payload's own event, named as it was sent.
      expect.soft(pr?.paths[0]?.path.slice(0, 3), `${l} path`).toEqual(["Probe", p.text, "Probe Done"]);

      const retention = await post<RetentionResult>("/api/insights/retention", {
        start: probe([eq("note", p.text)]),
        return: done([eq("note", p.text)]),
        period: "day",
        periods: 2,
        ...PERIOD,
      });
      const rr = answered(retention, `${l} retention`);
      expect
        .soft(
          rr?.cohorts.reduce((n, c) => n + c.size, 0),
          `${l} retention cohort`,
        )
        .toBe(2);

      const ttc = await post<TimeToConvertResult>("/api/insights/time-to-convert", {
        from: probe([eq("note", p.text)]),
        to: { event: p.text, where: [eq("note", p.text)] },
        since: PERIOD.from,
        until: PERIOD.to,
      });
      if (!fits(p, 200)) refused(ttc, `${l} time to convert`);
      else {
        const tr = answered(ttc, `${l} time to convert`);
        expect.soft(tr && { entered: tr.entered, converted: tr.converted }, `${l} ttc`).toEqual({
          entered: 2,
          converted: 2,
        });
        expect.soft(tr?.medianSeconds, `${l} ttc median`).toBe(60);
      }
    });
  });

  it("the event-name and property pickers find the payload as it was stored", async () => {
    const names = ["Canary Seen", "Probe", "Probe Done", ...PAYLOADS.map((p) => p.text)];
    const props = await server.api<{ items: Array<{ property: string; events: number }> }>(
      `/api/events/properties${qs({ event: "Probe", limit: 200 })}`,
    );
    const keys = new Map(answered(props, "properties of Probe")?.items.map((k) => [k.property, k.events]));
    await forEachPayload(async (p) => {
      const l = `pickers × ${p.label}`;
      const found = await server.api<{ items: Array<{ event: string; events: number }> }>(
        `/api/events/names${qs({ q: p.text, limit: 500 })}`,
      );
      if (!fits(p, 200)) refused(found, `${l} names`);
      else {
        const got = answered(found, `${l} names`)
          ?.items.map((x) => x.event)
          .sort();
        const want = names.filter((n) => n.toLowerCase().includes(p.text.toLowerCase())).sort();
        expect.soft(got, `${l} names`).toEqual(want);
        const own = found.body.items?.find((x) => x.event === p.text);
        expect.soft(own?.events, `${l} count`).toBe(2);
      }
      const ofEvent = await server.api<{ items: Array<{ property: string; events: number }> }>(
        `/api/events/properties${qs({ event: p.text })}`,
      );
      if (!fits(p, 200)) refused(ofEvent, `${l} properties`);
      else
        expect
          .soft(answered(ofEvent, `${l} properties`)?.items, l)
          .toEqual([{ property: "note", events: 2 }]);
      expect.soft(keys.get(p.text), `${l}: the key "${p.text}" of Probe`).toBe(2);
    });
  });

  it("customer search by the payload finds exactly its customer; the timeline filters by it", async () => {
    await forEachPayload(async (p) => {
      const l = `customers × ${p.label}`;
      const res = await server.api<{ customers: Array<{ id: number; identifiers: unknown[] }> }>(
        `/api/customers${qs({ q: p.text })}`,
      );
      const a = customersOf.get(userA(p))!;
      expect.soft(a, `${l}: customer A exists`).toBeGreaterThan(0);
      if (!fits(p, 256)) refused(res, `${l} search`);
      else {
        const found = answered(res, `${l} search`)?.customers ?? [];
        expect
          .soft(
            found.map((c) => c.id),
            `${l} search`,
          )
          .toEqual([a]);
        expect
          .soft(found[0]?.identifiers, `${l} identifiers`)
          .toContainEqual({ kind: "user_id", value: p.text });
      }
      const own = await timelineAll(server, a, `event=${encodeURIComponent(p.text)}`);
      expect
        .soft(
          own.map((e) => e.event),
          `${l} timeline event`,
        )
        .toEqual([p.text]);
      const none = await timelineAll(server, a, `channel=${encodeURIComponent(p.text)}`);
      expect.soft(none, `${l} timeline channel`).toEqual([]);
      const both = await timelineAll(server, a, `channel=other,${encodeURIComponent(p.text)}`);
      expect.soft(both.length, `${l} timeline channel list`).toBe(4);
    });
  });
});

describe("rules written with the payload match exactly what they say", () => {
  it("touchpoints: hostile names, events, conditions and feedback labels, then the refresh and the map", async () => {
    await forEachPayload(async (p) => {
      const l = `touchpoint × ${p.label}`;
      const res = await post<Touchpoint>("/api/touchpoints", {
        name: `TP ${p.i} ${p.text}`,
        stage: "consideration",
        // Advancing: its customers enter the stage, so the map lists it there.
        kind: "feedback",
        match: { event: p.text, channels: ["other", p.text.slice(0, 40)], where: [eq("note", p.text)] },
        feedback: { property: "note", labels: { [p.text]: 1, [near(p)]: -1 } },
      });
      if (!fits(p, 74)) refused(res, l);
      else {
        expect.soft(res.status, `${l}: ${JSON.stringify(res.body)}`).toBe(201);
        if (res.status === 201) touchpoints.set(p.i, res.body);
      }
      // A property *name* outside the dotted-name rule is refused, never compiled into a JSON path.
      const named = await post("/api/touchpoints", {
        name: `TPN ${p.i}`,
        stage: "consideration",
        match: { event: "Probe", where: [eq(p.text, "x")] },
      });
      if (p.text === "a.b") expect.soft(named.status, `${l} property name a.b is a path`).toBe(201);
      else refused(named, `${l} property name`);
      refused(
        await post(`/api/touchpoints${qs({ before: p.text })}`, {
          name: `TPB ${p.i}`,
          stage: "consideration",
          match: { event: "Probe" },
        }),
        `${l} before`,
        fits(p, 80) ? [404] : [400],
      );
      refused(
        await post("/api/touchpoints", { name: `TPS ${p.i}`, stage: p.text, match: { event: "Probe" } }),
        `${l} stage`,
      );
    });
    await refresh(server);
    const map = await server.api<JourneyMap>(`/api/journey-map${qs({ top: 50 })}`);
    const stage = stageOf(answered(map, "map")!, "consideration");
    for (const [i, tp] of touchpoints) {
      const l = `touchpoint × ${PAYLOADS[i]!.label}`;
      const m = stage.touchpoints.find((t) => t.id === tp.id);
      expect.soft(m && { name: m.name, volume: m.volume, reach: m.reach }, `${l} on the map`).toEqual({
        name: tp.name,
        volume: 2,
        reach: 2,
      });
      expect.soft(m?.satisfaction, `${l} satisfaction from its label`).toEqual({ value: 1, answers: 2 });
      const audience = await server.api<AudiencePage>(
        `/api/journey-map/customers${qs({ audience: `touchpoint:${tp.id}:reach` })}`,
      );
      const ids = answered(audience, `${l} audience`)
        ?.customers.map((c) => c.id)
        .sort((a, b) => a - b);
      const p = PAYLOADS[i]!;
      const want = [customersOf.get(userA(p))!, customersOf.get(userB(p.i))!].sort((a, b) => a - b);
      expect.soft(ids, `${l} audience`).toEqual(want);
    }
  });

  it("personas: hostile names, trait values and event names, their counts and their maps", async () => {
    await forEachPayload(async (p) => {
      const l = `persona × ${p.label}`;
      const res = await post<Persona>(`/api/personas${qs({ priority: 1 })}`, {
        name: `Persona ${p.i} ${p.text}`,
        match: "all",
        conditions: [
          { trait: "tag", op: "eq", value: p.text },
          { event: p.text, op: "gte", value: 1 },
          { channels: [p.text], op: "lte", value: 0 },
        ],
        narrative: { goals: [p.text], needs: [], frustrations: [], quote: p.text.slice(0, 500) },
      });
      if (!fits(p, 69)) refused(res, l);
      else {
        expect.soft(res.status, `${l}: ${JSON.stringify(res.body)}`).toBe(201);
        if (res.status === 201) personas.set(p.i, res.body);
      }
      const named = await post("/api/personas", {
        name: `PN ${p.i}`,
        match: "all",
        conditions: [{ trait: p.text, op: "exists" }],
        narrative: { goals: [], needs: [], frustrations: [] },
      });
      if (p.text === "a.b") expect.soft(named.status, `${l} trait name a.b is a path`).toBe(201);
      else refused(named, `${l} trait name`);
    });
    const list = await server.api<{ items: Array<Persona & { customers: number }> }>("/api/personas");
    const items = answered(list, "personas")?.items ?? [];
    for (const [i, persona] of personas) {
      const p = PAYLOADS[i]!;
      const l = `persona × ${p.label}`;
      expect.soft(items.find((x) => x.id === persona.id)?.customers, `${l} customers`).toBe(1);
      const map = await server.api<JourneyMap>(`/api/journey-map${qs({ persona: persona.id })}`);
      const m = answered(map, `${l} map`);
      expect.soft(m && { persona: m.persona?.name, customers: m.customers }, `${l} map`).toEqual({
        persona: persona.name,
        customers: 1,
      });
      const cohort = await server.api<AudiencePage>(
        `/api/journey-map/customers${qs({ audience: "cohort", persona: persona.id })}`,
      );
      expect
        .soft(
          answered(cohort, `${l} cohort`)?.customers.map((c) => c.id),
          `${l} cohort`,
        )
        .toEqual([customersOf.get(userA(p))]);
    }
  });

  it("friction settings: a step and self-service written with the payload find exactly its customers", async () => {
    const defaults = answered(await server.api<FrictionSettings>("/api/frictions/settings"), "settings")!;
    await forEachPayload(async (p) => {
      const l = `friction settings × ${p.label}`;
      // A and B started a "probe" (one unit: both carry n = i) with the payload as its note and never
      // reached the near miss's outcome: one abandoned unit, A's, the first start.
      const step = {
        id: "probe",
        unit: `probe ${p.text}`.slice(0, 60),
        start: { event: "Probe", where: [eq("note", p.text)] },
        outcome: { event: "Probe Done", where: [eq("note", near(p))] },
        key: "n",
        outcomeIs: "success",
        abandonment: true,
      };
      const settings = {
        ...defaults,
        steps: [step],
        minUnits: 1,
        minCases: 1,
        channelSwitch: {
          ...defaults.channelSwitch,
          selfService: { event: p.text },
          assistedChannels: [p.text],
        },
      };
      const put = await server.api<FrictionSettings>("/api/frictions/settings", {
        method: "PUT",
        body: settings,
      });
      if (!fits(p, 200)) return refused(put, l);
      expect.soft(answered(put, l), `${l} stored as sent`).toEqual(settings);
      const found = await server.api<{ frictions: Array<{ id: string; kind: string; customers: number }> }>(
        `/api/frictions${qs({ ...PERIOD, limit: 100 })}`,
      );
      const probe = answered(found, `${l} frictions`)?.frictions.filter((f) => f.id.includes("probe"));
      expect
        .soft(
          probe?.map((f) => [f.kind, f.customers]),
          `${l} frictions`,
        )
        .toEqual([["abandonment", 1]]);
    });
    answered(await server.api("/api/frictions/settings", { method: "DELETE" }), "settings reset");
  });

  it("lanes keep the payload as text; unknown stages and personas are refused", async () => {
    await forEachPayload(async (p) => {
      const l = `lanes × ${p.label}`;
      const put = (stage: string, body: unknown) =>
        server.api(`/api/journey-map/lanes/${encodeURIComponent(stage)}/goals`, { method: "PUT", body });
      const res = await put("purchase", { items: [p.text, "second"] });
      if (!fits(p, 500)) refused(res, l);
      else {
        answered(res, l);
        const map = answered(await server.api<JourneyMap>("/api/journey-map"), `${l} map`);
        expect
          .soft(map && stageOf(map, "purchase").lanes.goals, `${l} on the map`)
          .toEqual([p.text, "second"]);
      }
      refused(await put(p.text, { items: ["x"] }), `${l} stage`, inPath(p, fits(p, 40) ? 404 : 400));
      refused(
        await put("purchase", { persona: p.text, items: ["x"] }),
        `${l} persona`,
        fits(p, 80) ? [404] : [400],
      );
    });
  });
});

describe("query parameters that name things are checked, not spliced", () => {
  it("journey map, its customers, its export and frictions", async () => {
    await forEachPayload(async (p) => {
      const l = `query × ${p.label}`;
      const notFound = fits(p, 80) ? [404] : [400];
      refused(await server.api(`/api/journey-map${qs({ persona: p.text })}`), `${l} map persona`, notFound);
      refused(
        await server.api(`/api/journey-map${qs({ compare: `persona:${p.text}` })}`),
        `${l} compare`,
        [400, 404],
      );
      refused(
        await server.api(`/api/journey-map${qs({ compare: `period:${p.text}/${p.text}` })}`),
        `${l} compare period`,
      );
      refused(await server.api(`/api/journey-map${qs({ from: p.text })}`), `${l} from`);
      refused(await server.api(`/api/journey-map${qs({ top: p.text })}`), `${l} top`);
      refused(await server.api(`/api/journey-map/export${qs({ format: p.text })}`), `${l} export format`);
      refused(await server.api(`/api/journey-map/customers${qs({ audience: p.text })}`), `${l} audience`);
      for (const audience of [
        `touchpoint:${p.text}:reach`,
        `stage:${p.text}:reached`,
        `pain:drop-off:${p.text}`,
      ])
        refused(
          await server.api(`/api/journey-map/customers${qs({ audience })}`),
          `${l} ${audience.split(":")[0]}`,
          [400, 404],
        );
      refused(await server.api(`/api/frictions${qs({ from: p.text })}`), `${l} frictions from`);
      refused(
        await server.api(`/api/frictions/${encodeURIComponent(p.text)}/customers`),
        `${l} friction id`,
        inPath(p, 404),
      );
      refused(
        await server.api(`/api/customers/${encodeURIComponent(p.text)}/timeline`),
        `${l} customer id`,
        inPath(p, 400),
      );
      refused(await server.api(`/api/customers/1/timeline${qs({ cursor: p.text })}`), `${l} cursor`);
    });
  });

  it("property names outside the dotted-name rule are refused in every analysis", async () => {
    await forEachPayload(async (p) => {
      if (p.text === "a.b") return; // a nested path, and a valid name
      const l = `property name × ${p.label}`;
      const where = [eq(p.text, "x")];
      const bodies: Array<[string, string, unknown]> = [
        ["funnel where", "/api/insights/funnel", { steps: [probe(where), done([])] }],
        [
          "funnel breakdown",
          "/api/insights/funnel",
          { steps: [probe([]), done([])], breakdown: { property: p.text } },
        ],
        [
          "funnel exclusion",
          "/api/insights/funnel",
          { steps: [probe([]), done([])], exclusions: [{ event: "Probe", where, between: [0, 1] }] },
        ],
        ["paths", "/api/insights/paths", { start: probe(where) }],
        ["retention", "/api/insights/retention", { start: probe(where), return: done([]) }],
        ["time to convert", "/api/insights/time-to-convert", { from: probe([]), to: done(where) }],
      ];
      for (const [place, route, body] of bodies) refused(await post(route, body), `${l} ${place}`);
    });
  });
});

describe("property keys as they arrive are data, never a JSON path", () => {
  it("the friction finder reads checkouts whose properties have keys like *, [ and the empty key", async () => {
    // Abandoned checkouts (no Order Completed) enough for the checkout step to be scanned for segments,
    // whose start events carry every payload as a key, plus the keys a JSON path cannot take.
    const start = T0 + 86_400_000;
    const batch = Array.from({ length: 40 }, (_, k) => ({
      type: "track",
      userId: `checkout-${k}`,
      event: "Checkout Started",
      timestamp: at(start + k * MINUTE),
      properties: {
        checkout_id: `c-${k}`,
        value: 10 + k,
        plan: k % 2 ? "basic" : "pro",
        "": k % 3,
        ...Object.fromEntries(PAYLOADS.map((p) => [p.text, k % 2 ? "a" : "b"])),
      },
    }));
    const sent = await server.collect("/v1/batch", { batch });
    expect(sent.body.accepted, JSON.stringify(sent.body)).toBe(40);
    const res = await server.api<{ frictions: Array<{ kind: string; customers: number }> }>(
      `/api/frictions${qs({ from: PERIOD.from, to: PERIOD.to })}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const abandoned = res.body.frictions.find((f) => f.kind === "abandonment");
    expect(abandoned?.customers).toBe(40);
    // The customers came in with these events: they are not part of the table counts checked below.
    baseline = await tableCounts();
  });
});

describe("afterwards", () => {
  it("no table lost or gained a row, and the canary customer is still found", async () => {
    expect(await tableCounts()).toEqual(baseline);
    const found = await search(server, CANARY.email);
    expect(found.map((c) => c.id)).toEqual([customersOf.get(CANARY.userId)]);
    expect(found[0]!.identifiers).toContainEqual({ kind: "email", value: CANARY.email });
  });
});
