// SQL injection through the analyses, the pickers, customer search and the query parameters that name
// things, against a real server holding the hostile world (test/helpers/injection-world.ts): every
// (place × payload) has one exact expected answer, an invalid input gets a 400 in the error envelope, never
// a 500, and the tables are intact afterwards. Rules written with the payloads (touchpoints, personas,
// friction settings, lanes) are attacked in test/injection-definitions.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunnelResult } from "../src/analytics/funnel.js";
import type { PathsResult } from "../src/analytics/paths.js";
import type { RetentionResult } from "../src/analytics/retention.js";
import type { TimeToConvertResult } from "../src/analytics/time-to-convert.js";
import { timelineAll } from "./helpers/customers.js";
import { fits } from "./helpers/hostile.js";
import {
  answered,
  counts,
  done,
  eq,
  expectIntact,
  forEachPayload,
  inPath,
  near,
  notes,
  PAYLOADS,
  PERIOD,
  probe,
  refused,
  startInjectionWorld,
  type TableCounts,
  tableCounts,
  userA,
} from "./helpers/injection-world.js";
import { qs } from "./helpers/journey.js";
import type { TestServer } from "./helpers/server.js";

let server: TestServer;
let customersOf = new Map<string, number>();
let baseline: TableCounts;

beforeAll(async () => {
  ({ server, customersOf } = await startInjectionWorld());
  baseline = await tableCounts(server);
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const post = <T>(route: string, body: unknown) => server.api<T>(route, { method: "POST", body });

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
        start: probe([eq("note", p.text)]),
        end: { event: p.text, where: [eq("note", p.text)] },
        ...PERIOD,
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
        ["time to convert", "/api/insights/time-to-convert", { start: probe([]), end: done(where) }],
      ];
      for (const [place, route, body] of bodies) refused(await post(route, body), `${l} ${place}`);
    });
  });
});

describe("afterwards", () => {
  it("no table lost or gained a row, and the canary customer is still found", async () => {
    await expectIntact({ server, customersOf }, baseline);
  });
});
