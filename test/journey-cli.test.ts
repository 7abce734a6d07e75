// The journey commands of the built CLI (`touchpoints`, `personas`, `journey`) on a small demo world:
// once on the database file, once through a running server's API, with the same answers both ways.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PersonaList } from "../src/cli/commands/personas.js";
import type { AudiencePage, JourneyMap } from "../src/journey/map/schema.js";
import type { Touchpoint } from "../src/journey/touchpoints.js";
import { ensureBuilt, killAll, runCli, runCliJson } from "./helpers/cli.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

const modes = ["file", "server"] as const;
type Mode = (typeof modes)[number];

let dir: string;
let demoDb: string;
/** What each mode answered, for the parity check at the end. */
const answers: Record<Mode, { touchpoints?: Touchpoint[]; map?: JourneyMap; personas?: PersonaList }> = {
  file: {},
  server: {},
};

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("journey-cli");
  demoDb = path.join(dir, "demo.duckdb");
  const args = ["demo", "generate", "--customers", "150", "--days", "20", "--seed", "3"];
  await runCliJson(dir, [...args, "--end", "2026-06-01", "--into", demoDb]);
});
afterAll(async () => {
  await killAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(modes)("journey commands (%s)", (mode) => {
  let db: string;
  let server: TestServer | undefined;
  const cli = (args: string[]) => runCli(dir, ["--db", db, ...args]);
  const json = <T>(args: string[]) => runCliJson<T>(dir, ["--db", db, ...args]);

  beforeAll(async () => {
    db = path.join(dir, `${mode}.duckdb`);
    fs.copyFileSync(demoDb, db);
    if (mode === "server") {
      server = await startTestServer({ databasePath: db, config: { journeyRefreshSeconds: 0 } });
      // The CLI finds the server through this file and must not open the database itself.
      expect(fs.existsSync(`${db}.server.json`)).toBe(true);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it("touchpoints: add before another, see it listed, edit it, remove it", async () => {
    const added = await json<Touchpoint>([
      "touchpoints",
      "add",
      ...["--name", "Android order", "--stage", "purchase", "--event", "Order Completed", "--channel", "app"],
      ...["--where", "context.os.name eq Android", "--where", "coupon exists", "--before", "checkout-web"],
    ]);
    expect(added).toEqual({
      id: "android-order",
      name: "Android order",
      stage: "purchase",
      kind: "interaction",
      advances: true,
      match: {
        event: "Order Completed",
        channels: ["app"],
        where: [
          { property: "context.os.name", op: "eq", value: "Android" },
          { property: "coupon", op: "exists" },
        ],
      },
    });
    const listed = (await json<{ items: Touchpoint[] }>(["touchpoints", "list"])).items;
    const at = listed.findIndex((t) => t.id === "android-order");
    expect(listed[at]).toEqual(added);
    expect(listed[at + 1]!.id).toBe("checkout-web");

    // Only what is given changes: the name and event stay, the channels go, the conditions are new
    // (a number stays a number and true a boolean, through the API too).
    const edited = await json<Touchpoint>([
      "touchpoints",
      "edit",
      "android-order",
      ...["--stage", "retention", "--any-channel", "--where", "total gt 100", "--where", "vip eq true"],
    ]);
    expect(edited).toEqual({
      ...added,
      stage: "retention",
      match: {
        event: "Order Completed",
        where: [
          { property: "total", op: "gt", value: 100 },
          { property: "vip", op: "eq", value: true },
        ],
      },
    });
    const table = await cli(["touchpoints", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `\\n${at + 1} +android-order +Android order +retention +interaction +any +track "Order Completed" +total gt 100; vip eq true\\n`,
      ),
    );

    expect(await json(["touchpoints", "remove", "android-order"])).toEqual({ id: "android-order" });
    const after = (await json<{ items: Touchpoint[] }>(["touchpoints", "list"])).items;
    expect(after.map((t) => t.id)).not.toContain("android-order");
    answers[mode].touchpoints = after;
  });

  it("a missing touchpoint exits 3 and a bad definition exits 1, with the library's message", async () => {
    // edit with a match flag reads the current rule first; remove goes straight to the change.
    for (const args of [
      ["touchpoints", "edit", "no-such-touchpoint", "--event", "X"],
      ["touchpoints", "remove", "no-such-touchpoint"],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(3);
      expect(r.stderr).toContain('no touchpoint "no-such-touchpoint"');
    }
    const badStage = await cli(["touchpoints", "add", "--name", "X", "--stage", "nowhere", "--event", "X"]);
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toContain('stage "nowhere" is not in the journey model');
  });

  it("journey map: five stages, people in the first, CSV with its header, lanes, the customers behind a number", async () => {
    const lanes = await json<{ items: string[] }>([
      "journey",
      "lanes",
      "set",
      "purchase",
      "goals",
      "--item",
      "Pay in one step",
      "--item",
      "Know when it arrives",
    ]);
    expect(lanes.items).toEqual(["Pay in one step", "Know when it arrives"]);

    const map = await json<JourneyMap>(["journey", "map"]);
    expect(map.stages.map((s) => s.key)).toEqual([
      "awareness",
      "consideration",
      "purchase",
      "retention",
      "advocacy",
    ]);
    expect(map.stages[0]!.reached).toBeGreaterThan(0);
    expect(map.stages[2]!.lanes.goals).toEqual(["Pay in one step", "Know when it arrives"]);
    answers[mode].map = map;

    const csv = await cli(["journey", "map", "--csv"]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split("\r\n");
    expect(lines[0]).toBe("persona,from,to,stage,section,item,metric,value");
    expect(lines).toContain(
      `all,${map.period.from},${map.period.to},awareness,stage,Awareness,reached,${map.stages[0]!.reached}`,
    );

    const text = await cli(["journey", "map", "--top", "2"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`1. Awareness [awareness]  ·  reached ${map.stages[0]!.reached}`);
    expect(text.stdout).toContain("goals: Pay in one step · Know when it arrives");

    const page = await json<AudiencePage>([
      "journey",
      "customers",
      "--audience",
      "stage:purchase:reached",
      "--limit",
      "5",
    ]);
    expect(page.total).toBe(map.stages[2]!.reached);
    expect(page.customers.length).toBe(Math.min(5, page.total));

    const noPersona = await cli(["journey", "map", "--persona", "nobody"]);
    expect(noPersona.code).toBe(3);
    expect(noPersona.stderr).toContain('no persona "nobody"');
  });

  it("personas list: the four default personas, counts that add up to every customer", async () => {
    const list = await json<PersonaList>(["personas", "list"]);
    expect(list.items.map((p) => p.id).sort()).toEqual([
      "bargain-hunter-bora",
      "loyal-advocate-liam",
      "tech-savvy-tim",
      "traditional-trudy",
    ]);
    const stats = await json<{ customers: number }>(["stats"]);
    expect(list.items.reduce((n, p) => n + p.customers, list.unassigned)).toBe(stats.customers);
    expect(stats.customers).toBeGreaterThan(0);
    answers[mode].personas = list;
  });
});

describe("rule text", () => {
  it("--where reads numbers as numbers, true/false as booleans, lists after in, and quotes keep text", async () => {
    const db = path.join(dir, "rules.duckdb");
    fs.copyFileSync(demoDb, db);
    const added = await runCliJson<Touchpoint>(dir, [
      "--db",
      db,
      "touchpoints",
      "add",
      "--name",
      "Big order",
      "--stage",
      "purchase",
      "--event",
      "Order Completed",
      ...["--where", "total gt 100", "--where", "vip eq true", "--where", "tier in 1,gold,false"],
      ...["--where", 'code eq "42"', "--where", "total <= 1e4"],
    ]);
    expect(added.match.where).toEqual([
      { property: "total", op: "gt", value: 100 },
      { property: "vip", op: "eq", value: true },
      { property: "tier", op: "in", value: [1, "gold", false] },
      { property: "code", op: "eq", value: "42" },
      { property: "total", op: "lte", value: 10_000 },
    ]);
    const listed = await runCli(dir, ["--db", db, "touchpoints", "list"]);
    expect(listed.stdout).toContain(
      'total gt 100; vip eq true; tier in 1,gold,false; code eq "42"; total lte 10000',
    );
  });

  it("a bad --where is refused with the flag, the reason and the expected form", async () => {
    const db = path.join(dir, "rules.duckdb");
    const add = [
      "--db",
      db,
      "touchpoints",
      "add",
      "--name",
      "Bad rule",
      "--stage",
      "purchase",
      "--event",
      "X",
    ];
    const noValue = await runCli(dir, [...add, "--where", "total gt"]);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('--where "total gt": gt on "total" needs a value');
    expect(noValue.stderr).toContain('expected "PROPERTY OP [VALUE]", e.g. "total gt 100"');
    const badOp = await runCli(dir, ["--json", ...add, "--where", "total between 1"]);
    expect(badOp.code).toBe(2);
    expect(JSON.parse(badOp.stdout).error.message).toContain('"between" is not an operator');
    const notNumber = await runCli(dir, [...add, "--where", "total gt lots"]);
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain('gt on "total" compares numbers');
  });
});

/**
 * Averages summed in parallel differ in the last bits from run to run; `asOf` and `freshness` say when
 * each side last refreshed, not what the map is.
 */
const rounded = (v: unknown): unknown =>
  typeof v === "number"
    ? Number(v.toPrecision(10))
    : Array.isArray(v)
      ? v.map(rounded)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === "asOf" || k === "freshness" ? undefined : rounded(x),
            ]),
          )
        : v;

describe("both ways give the same JSON", () => {
  it("touchpoints, map and personas match between the file and the server", () => {
    const { file, server } = answers;
    expect(file.touchpoints).toBeDefined();
    expect(server.touchpoints).toEqual(file.touchpoints);
    expect(file.map && file.personas).toBeDefined();
    expect(rounded(server.map)).toEqual(rounded(file.map));
    expect(rounded(server.personas)).toEqual(rounded(file.personas));
  });
});
