// The journey API's edges (issue 5): bad personas, audiences, periods and definitions answer with the one
// error envelope and a readable message; the model refuses to drop a stage still in use; authored lanes
// show in the map and survive a restart; every route wants a token; the OpenAPI document lists them.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Touchpoint } from "../src/journey/touchpoints.js";
import { send } from "./helpers/customers.js";
import {
  expectError,
  expectOk,
  type JourneyMap,
  type JourneyModel,
  journeyMap,
  qs,
  refresh,
  stageOf,
} from "./helpers/journey.js";
import { type ErrorReply, startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

let dir: string;
let dbPath: string;
let server: TestServer;
const start = () => startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

beforeAll(async () => {
  dir = tempDir("journey-api");
  dbPath = path.join(dir, "itinera.duckdb");
  server = await start();
  // A little history, so maps have numbers.
  const userId = uid("api-customer");
  await send(
    server,
    { type: "page", messageId: uid("m"), userId, name: "Home", timestamp: ago(3) },
    { type: "track", messageId: uid("m"), userId, event: "Product Viewed", timestamp: ago(2) },
    {
      type: "track",
      messageId: uid("m"),
      userId,
      event: "Order Completed",
      context: { channel: "web" },
      timestamp: ago(1),
    },
  );
  await refresh(server);
});
afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("errors", () => {
  it("an unknown persona is a 404 that names the personas there are", async () => {
    for (const route of [
      `/api/journey-map${qs({ persona: "nobody" })}`,
      `/api/journey-map${qs({ compare: "persona:nobody" })}`,
      `/api/journey-map/export${qs({ persona: "nobody", format: "csv" })}`,
      `/api/journey-map/customers${qs({ persona: "nobody", audience: "cohort" })}`,
    ]) {
      const e = expectError(await server.api(route), 404, "not_found");
      expect(e.message, route).toMatch(/nobody/);
      expect(e.message, route).toMatch(/tech-savvy-tim/);
    }
    // "unassigned" is a persona for maps: customers no persona matched.
    expect((await journeyMap(server, { persona: "unassigned" })).persona?.id).toBe("unassigned");
  });

  it("a bad audience is a 400 that says what is wrong", async () => {
    const cases: Array<[string, RegExp]> = [
      ["bogus", /cohort.*stage:<key>.*touchpoint:<id>.*pain:<friction id>/],
      ["stage:nowhere:reached", /no stage "nowhere"/],
      ["stage:purchase:bought", /reached, converted, dropped, feedback/],
      ["stage:advocacy:converted", /last stage/],
      ["touchpoint:nope:reach", /no touchpoint "nope"/],
      ["touchpoint:checkout-web:loved", /reach, converted, dropped/],
      ["cohort:extra", /is not one of/],
    ];
    for (const [audience, message] of cases) {
      const e = expectError(
        await server.api(`/api/journey-map/customers${qs({ audience })}`),
        400,
        "invalid_request",
      );
      expect(e.message, audience).toMatch(message);
    }
    // A pain point is a friction: one the finder does not list in the map's scope is not found.
    const pains: Array<[string, RegExp]> = [
      ["pain:itchy:checkout-web", /an id starts with its kind \(drop-off, failure, abandonment/],
      ["pain:failure:nope", /no friction "failure:nope" in this period/],
    ];
    for (const [audience, message] of pains) {
      const e = expectError(
        await server.api(`/api/journey-map/customers${qs({ audience })}`),
        404,
        "not_found",
      );
      expect(e.message, audience).toMatch(message);
    }
    expectError(await server.api("/api/journey-map/customers"), 400, "invalid_request");
    expectError(
      await server.api(`/api/journey-map/customers${qs({ audience: "cohort", limit: 0 })}`),
      400,
      "invalid_request",
    );
  });

  it("a bad period or comparison is a 400", async () => {
    const bad = [
      qs({ from: "yesterday" }),
      qs({ from: "2026-05-01T00:00:00Z", to: "2026-04-01T00:00:00Z" }),
      qs({ compare: "persona" }),
      qs({ compare: "period:2026-05-01T00:00:00Z" }),
      qs({ top: 0 }),
    ];
    for (const q of bad) {
      const e = expectError(await server.api(`/api/journey-map${q}`), 400, "invalid_request");
      expect(e.message.length, q).toBeGreaterThan(5);
    }
    const e = expectError(
      await server.api(`/api/journey-map${qs({ from: "2026-05-01T00:00:00Z", to: "2026-04-01T00:00:00Z" })}`),
      400,
      "invalid_request",
    );
    expect(e.message).toMatch(/from must be before to/);
  });

  it("touchpoints: an unknown stage is a 400, a duplicate name a 409, an unknown id a 404", async () => {
    const body = { name: "Gift wrap chosen", stage: "unboxing", match: { event: "Gift Wrap Chosen" } };
    const e = expectError(await server.api("/api/touchpoints", { body }), 400, "invalid_request");
    expect(e.message).toMatch(/stage "unboxing" is not in the journey model/);
    expect(e.message).toMatch(/awareness, consideration, purchase, retention, advocacy/);

    const ok = { ...body, stage: "purchase" };
    expect(expectOk(await server.api<Touchpoint>("/api/touchpoints", { body: ok }), 201)).toMatchObject({
      id: "gift-wrap-chosen",
      kind: "interaction",
      advances: true,
    });
    const dup = expectError(await server.api("/api/touchpoints", { body: ok }), 409, "conflict");
    expect(dup.message).toMatch(/Gift wrap chosen/);
    // Another name that makes the same id is the same touchpoint too.
    expectError(
      await server.api("/api/touchpoints", { body: { ...ok, name: "Gift-wrap chosen!" } }),
      409,
      "conflict",
    );

    const rule = (where: unknown) => ({ name: uid("Rule"), stage: "purchase", match: { event: "X", where } });
    for (const where of [
      [{ property: "total", op: "gt", value: "ten" }],
      [{ property: "total", op: "in", value: 3 }],
      [{ property: "total", op: "exists", value: 3 }],
      [{ property: "bad path!", op: "eq", value: 1 }],
    ])
      expectError(await server.api("/api/touchpoints", { body: rule(where) }), 400, "invalid_request");
    expectError(
      await server.api("/api/touchpoints", {
        body: { name: "Track without a name", stage: "purchase", match: {} },
      }),
      400,
      "invalid_request",
    );

    expectError(
      await server.api(`/api/touchpoints${qs({ before: "nope" })}`, { body: { ...ok, name: "Other" } }),
      404,
      "not_found",
    );
    expectError(
      await server.api("/api/touchpoints/nope", { method: "PATCH", body: { stage: "purchase" } }),
      404,
      "not_found",
    );
    expectError(await server.api("/api/touchpoints/nope", { method: "DELETE" }), 404, "not_found");
    const patch = expectError(
      await server.api("/api/touchpoints/gift-wrap-chosen", { method: "PATCH", body: { stage: "unboxing" } }),
      400,
      "invalid_request",
    );
    expect(patch.message).toMatch(/unboxing/);
    expectError(
      await server.api("/api/touchpoints/gift-wrap-chosen", {
        method: "PATCH",
        body: { name: "Checkout (web)" },
      }),
      409,
      "conflict",
    );
    expectOk(await server.api("/api/touchpoints/gift-wrap-chosen", { method: "DELETE" }));
  });

  it("personas: a duplicate is a 409, an unknown id a 404, a bad rule a 400", async () => {
    const body = {
      name: "Night owls",
      match: "all",
      conditions: [{ measure: "events", op: "gte", value: 1 }],
      narrative: { goals: [], needs: [], frustrations: [] },
    };
    expectOk(await server.api("/api/personas", { body }), 201);
    expectError(await server.api("/api/personas", { body }), 409, "conflict");
    expectError(
      await server.api("/api/personas/nope", { method: "PATCH", body: { name: "X" } }),
      404,
      "not_found",
    );
    expectError(await server.api("/api/personas/nope", { method: "DELETE" }), 404, "not_found");
    const bad = { ...body, name: "Bad", conditions: [{ trait: "age", op: "gte", value: "old" }] };
    expect(
      expectError(await server.api("/api/personas", { body: bad }), 400, "invalid_request").message,
    ).toMatch(/age/);
    expectOk(await server.api("/api/personas/night-owls", { method: "DELETE" }));
  });
});

describe("the journey model", () => {
  it("GET gives the model and PUT takes it back unchanged", async () => {
    const model = expectOk(await server.api<JourneyModel>("/api/journey-model"));
    expect(model.stages.map((s) => s.key)).toEqual([
      "awareness",
      "consideration",
      "purchase",
      "retention",
      "advocacy",
    ]);
    expect(expectOk(await server.api("/api/journey-model", { method: "PUT", body: model }))).toEqual(model);
  });

  it("refuses to remove a stage touchpoints still use (409), and a model that does not hold together (400)", async () => {
    const model = expectOk(await server.api<JourneyModel>("/api/journey-model"));
    const withoutAdvocacy = { ...model, stages: model.stages.filter((s) => s.key !== "advocacy") };
    const e = expectError(
      await server.api("/api/journey-model", { method: "PUT", body: withoutAdvocacy }),
      409,
      "conflict",
    );
    expect(e.message).toMatch(/review-posted \(advocacy\)/);
    expect(expectOk(await server.api<JourneyModel>("/api/journey-model"))).toEqual(model);

    const invalid: Array<[unknown, RegExp]> = [
      [{ ...model, lapse: { afterDays: 7, to: "limbo" } }, /lapse\.to "limbo"/],
      [{ ...model, stages: [...model.stages, model.stages[0]] }, /appears twice/],
      [{ ...model, conversionDays: 0 }, /conversionDays/],
      [{ ...model, stages: model.stages.slice(0, 1) }, /stages/],
    ];
    for (const [body, message] of invalid) {
      const r = await server.api<ErrorReply>("/api/journey-model", { method: "PUT", body });
      // The code is left out here: see the skipped test below.
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
  });

  it("answers an invalid model with the code every 400 has", async () => {
    const model = expectOk(await server.api<JourneyModel>("/api/journey-model"));
    const body = { ...model, lapse: { afterDays: 7, to: "limbo" } };
    expectError(await server.api("/api/journey-model", { method: "PUT", body }), 400, "invalid_request");
  });
});

describe("lanes", () => {
  const put = (stage: string, lane: string, body: unknown) =>
    server.api(`/api/journey-map/lanes/${stage}/${lane}`, { method: "PUT", body });

  it("a lane written shows in the map of its persona (or of everyone), and survives a restart", async () => {
    const everyone = ["Pay in one step", "Know the delivery date before paying"];
    const tims = ["Pay with a saved card in the app"];
    expect(expectOk(await put("purchase", "goals", { items: everyone }))).toEqual({
      persona: null,
      stage: "purchase",
      lane: "goals",
      items: everyone,
    });
    expectOk(await put("purchase", "goals", { persona: "tech-savvy-tim", items: tims }));
    expectOk(await put("retention", "opportunities", { items: ["Text the delivery slot"] }));

    const check = async () => {
      const all = await journeyMap(server);
      expect(stageOf(all, "purchase").lanes).toEqual({
        goals: everyone,
        questions: [],
        actions: [],
        opportunities: [],
      });
      expect(stageOf(all, "retention").lanes.opportunities).toEqual(["Text the delivery slot"]);
      expect(stageOf(all, "awareness").lanes).toEqual({
        goals: [],
        questions: [],
        actions: [],
        opportunities: [],
      });
      const tim = await journeyMap(server, { persona: "tech-savvy-tim" });
      expect(stageOf(tim, "purchase").lanes.goals).toEqual(tims);
      expect(stageOf(tim, "retention").lanes.opportunities).toEqual([]);
    };
    await check();
    await server.close();
    server = await start();
    await check();

    // Writing a lane again replaces it.
    expectOk(await put("purchase", "goals", { items: ["Pay in one step"] }));
    expect(stageOf(await journeyMap(server), "purchase").lanes.goals).toEqual(["Pay in one step"]);
  });

  it("an unknown stage or persona is a 404, an unknown lane or a bad body a 400", async () => {
    expectError(await put("unboxing", "goals", { items: ["x"] }), 404, "not_found");
    expectError(await put("purchase", "goals", { persona: "nobody", items: ["x"] }), 404, "not_found");
    expectError(await put("purchase", "feelings", { items: ["x"] }), 400, "invalid_request");
    expectError(await put("purchase", "goals", { items: [""] }), 400, "invalid_request");
    expectError(await put("purchase", "goals", { items: "x" }), 400, "invalid_request");
    expectError(await put("purchase", "goals", { items: ["x"], extra: 1 }), 400, "invalid_request");
  });
});

describe("access and documentation", () => {
  const routes: Array<[string, string, unknown?]> = [
    ["GET", "/api/journey-map"],
    ["GET", "/api/journey-map/export?format=csv"],
    ["GET", "/api/journey-map/customers?audience=cohort"],
    ["PUT", "/api/journey-map/lanes/purchase/goals", { items: ["x"] }],
    ["GET", "/api/journey-model"],
    ["PUT", "/api/journey-model", {}],
    ["POST", "/api/journey/refresh"],
    ["GET", "/api/touchpoints"],
    ["POST", "/api/touchpoints", {}],
    ["PATCH", "/api/touchpoints/checkout-web", {}],
    ["DELETE", "/api/touchpoints/checkout-web"],
    ["GET", "/api/touchpoints/unmatched"],
    ["GET", "/api/personas"],
    ["POST", "/api/personas", {}],
    ["PATCH", "/api/personas/tech-savvy-tim", {}],
    ["DELETE", "/api/personas/tech-savvy-tim"],
  ];

  it("every journey route wants an API token (401), and a wrong one is refused too", async () => {
    for (const [method, route, body] of routes) {
      expectError(await server.api(route, { method, body, token: null }), 401, "missing_token");
      expectError(await server.api(route, { method, body, token: "itk_wrong" }), 401, "invalid_token");
    }
    // Nothing was changed by the refused calls.
    const tps = expectOk(await server.api<{ items: Touchpoint[] }>("/api/touchpoints")).items;
    expect(tps.find((t) => t.id === "checkout-web")?.stage).toBe("purchase");
  });

  it("the OpenAPI document lists the journey routes with their methods and the bearer scheme", async () => {
    const doc = expectOk(
      await server.api<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(
        "/api/openapi.json",
        {
          token: null,
        },
      ),
    );
    const expected: Record<string, string[]> = {
      "/api/journey-map": ["get"],
      "/api/journey-map/export": ["get"],
      "/api/journey-map/customers": ["get"],
      "/api/journey-map/lanes/{stage}/{lane}": ["put"],
      "/api/journey-model": ["get", "put"],
      "/api/journey/refresh": ["post"],
      "/api/touchpoints": ["get", "post"],
      "/api/touchpoints/{id}": ["patch", "delete"],
      "/api/touchpoints/unmatched": ["get"],
      "/api/personas": ["get", "post"],
      "/api/personas/{id}": ["patch", "delete"],
    };
    for (const [p, methods] of Object.entries(expected)) {
      expect(doc.paths[p], p).toBeDefined();
      for (const m of methods) {
        expect(doc.paths[p]![m], `${m} ${p}`).toBeDefined();
        expect(doc.paths[p]![m]!.security, `${m} ${p}`).toEqual([{ bearerAuth: [] }]);
      }
    }
  });
});

describe("maps asked for at the same time", () => {
  it("of a persona and of everyone, one after another on the pooled connections, all answer", async () => {
    // More calls than pooled read connections, so each connection serves both kinds of map in turn.
    for (let i = 0; i < 10; i++) {
      const persona = i % 2 === 0 ? "tech-savvy-tim" : undefined;
      expectOk(await server.api<JourneyMap>(`/api/journey-map${qs({ persona })}`));
      expectOk(
        await server.api(`/api/journey-map/customers${qs({ persona, audience: "stage:purchase:reached" })}`),
      );
    }
  });

  it("six at once all answer", async () => {
    const own = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    try {
      const maps = Promise.all(
        Array.from({ length: 6 }, () => own.api("/api/journey-map").then((r) => r.status)),
      );
      const timeout = new Promise<string>((resolve) =>
        setTimeout(() => resolve("no answer in 10 s"), 10_000),
      );
      expect(await Promise.race([maps, timeout])).toEqual([200, 200, 200, 200, 200, 200]);
    } finally {
      // A deadlocked server would never close: do not wait for it.
      await Promise.race([own.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
  });
});

describe("the map of a store without events", () => {
  it("has every stage with zeros, not an error", async () => {
    const empty = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    try {
      const map = expectOk(await empty.api<JourneyMap>("/api/journey-map"));
      expect(map.customers).toBe(0);
      expect(map.stages.map((s) => [s.key, s.reached])).toEqual([
        ["awareness", 0],
        ["consideration", 0],
        ["purchase", 0],
        ["retention", 0],
        ["advocacy", 0],
      ]);
      const page = expectOk(await empty.api<{ total: number }>("/api/journey-map/customers?audience=cohort"));
      expect(page.total).toBe(0);
    } finally {
      await empty.close();
    }
  });
});
