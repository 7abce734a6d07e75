// A drop-off that grew at a touchpoint, found without any step definition: in the healthy world of
// test/helpers/worlds.ts, 300 more brochure requests, ten a day; until day 15 nine in ten are followed
// by a deposit the next day, from day 15 two in ten. The finder names the touchpoint, the day it got
// worse, the customer-days since against the touchpoint's own before, and exactly the customers hurt;
// the journey map shows the same finding in the touchpoint's stage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY_MS } from "./helpers/journey.js";
import { expectCustomers, friction, type Loaded, openWorld } from "./helpers/world-servers.js";
import { at, type Track } from "./helpers/worlds.js";

const CHANGE_DAY = 15;
const readers: Track[] = [];
for (let i = 0; i < 300; i++) {
  const day = i % 30;
  const ms = at(day, 15);
  const goesOn = day < CHANGE_DAY ? i % 10 !== 0 : i % 10 < 2;
  readers.push({ userId: `reader-${i}`, event: "Brochure Requested", ms, properties: {}, channel: "web" });
  if (goesOn)
    readers.push({
      userId: `reader-${i}`,
      event: "Deposit Paid",
      ms: ms + DAY_MS,
      properties: { deposit: 50 },
      channel: "web",
    });
}

let world: Loaded;
beforeAll(async () => {
  // Three days to convert: the change point is looked for among the days whose window is over.
  world = await openWorld(false, { more: readers, model: { conversionDays: 3 } });
}, 120_000);
afterAll(async () => {
  await world?.server.close();
});

/** Everyone whose brochure request from `fromMs` on was followed by no deposit within three days. */
function droppedSince(fromMs: number): string[] {
  const events = world.world.events;
  return events
    .filter((e) => e.event === "Brochure Requested" && e.ms >= fromMs)
    .filter(
      (b) =>
        !events.some(
          (d) =>
            d.userId === b.userId && d.event === "Deposit Paid" && d.ms >= b.ms && d.ms <= b.ms + 3 * DAY_MS,
        ),
    )
    .map((b) => b.userId);
}

describe("a drop-off that grew at a touchpoint", () => {
  const ID = "drop-off:touchpoint:brochure-request";

  it("is found, at the touchpoint, from the day it got worse", () => {
    expect(world.list.frictions.map((f) => f.id)).toEqual([ID]);
    const f = friction(world, ID);
    expect(f).toMatchObject({
      kind: "drop-off",
      stage: "consideration",
      touchpoint: { id: "brochure-request", name: "Brochure request" },
      segment: {},
      since: new Date(at(CHANGE_DAY)).toISOString(),
      changePoint: new Date(at(CHANGE_DAY)).toISOString().slice(0, 10),
    });
    expect(f.message.key).toBe("friction.stageDropOff.grew");
  });

  it("compares the customer-days since with the touchpoint's own before, and the series adds up", () => {
    const f = friction(world, ID);
    const since = droppedSince(at(CHANGE_DAY));
    // Since day 15: 150 readers (120 without a deposit) and the world's own 24 requests on days 15–24.
    const requestsSince = world.world.events.filter(
      (e) => e.event === "Brochure Requested" && e.ms >= at(CHANGE_DAY),
    ).length;
    expect(f.evidence).toMatchObject({ cases: since.length, units: requestsSince });
    expect(f.evidence.value).toBeGreaterThan(0.7);
    expect(f.evidence.baseline).toBeLessThan(0.15);
    const fromSince = f.series.filter((d) => d.day >= f.changePoint!);
    expect(fromSince.reduce((t, d) => t + d.affected.cases, 0)).toBe(f.evidence.cases);
    expect(fromSince.reduce((t, d) => t + d.affected.units, 0)).toBe(f.evidence.units);
    expect(f.impact).toBeGreaterThan(80);
  });

  it("lists exactly the customers hurt since, and the map shows the same finding in its stage", async () => {
    await expectCustomers(world, ID, droppedSince(at(CHANGE_DAY)));
    const stage = world.map.stages.find((s) => s.key === "consideration")!;
    expect(stage.painPoints).toEqual(world.list.frictions);
  });
});
