// SQL injection through rules written with the payloads (touchpoints, personas, friction settings, lanes)
// and through property keys as they arrive, against a real server holding the hostile world
// (test/helpers/injection-world.ts): each rule matches exactly what it says, an invalid input gets a 400
// in the error envelope, never a 500, and the tables are intact afterwards. The analyses, pickers, search
// and query parameters are attacked in test/injection-analytics.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionSettings } from "../src/analytics/frictions/settings.js";
import type { Persona } from "../src/journey/personas.js";
import type { Touchpoint } from "../src/journey/touchpoints.js";
import { fits } from "./helpers/hostile.js";
import {
  answered,
  at,
  eq,
  expectIntact,
  forEachPayload,
  inPath,
  MINUTE,
  near,
  PAYLOADS,
  PERIOD,
  refused,
  startInjectionWorld,
  T0,
  type TableCounts,
  tableCounts,
  userA,
  userB,
} from "./helpers/injection-world.js";
import { type AudiencePage, type JourneyMap, qs, refresh, stageOf } from "./helpers/journey.js";
import type { TestServer } from "./helpers/server.js";

let server: TestServer;
let customersOf = new Map<string, number>();
let baseline: TableCounts;
const touchpoints = new Map<number, Touchpoint>();
const personas = new Map<number, Persona>();

beforeAll(async () => {
  ({ server, customersOf } = await startInjectionWorld());
  baseline = await tableCounts(server);
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const post = <T>(route: string, body: unknown) => server.api<T>(route, { method: "POST", body });

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
    baseline = await tableCounts(server);
  });
});

describe("afterwards", () => {
  it("no table lost or gained a row, and the canary customer is still found", async () => {
    await expectIntact({ server, customersOf }, baseline);
  });
});
