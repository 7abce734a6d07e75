// Findings on the hand-made worlds of test/helpers/worlds.ts (issue 15): each friction's daily series
// against its evidence and its change point, findings as message keys and parameters rendered in English
// and Korean, and `itinera frictions` in both languages. The frictions themselves, the map's pain points
// and the negative control are test/friction-worlds.test.ts.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Friction } from "../src/analytics/frictions/schema.js";
import { findingMessages } from "../src/findings/catalogue.js";
import type { Message } from "../src/findings/message.js";
import { renderLine } from "../src/findings/render.js";
import { ensureBuilt, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";
import { friction, type Loaded, openWorld } from "./helpers/world-servers.js";
import { at, iso, PERIOD } from "./helpers/worlds.js";

let sick: Loaded;

beforeAll(async () => {
  sick = await openWorld(true);
}, 120_000);
afterAll(async () => {
  await sick?.server.close();
});

/** Sums of a series' affected and baseline days, those before `since` apart. */
function sums(f: Friction) {
  const since = f.since?.slice(0, 10) ?? "";
  const add = (a: { units: number; cases: number }, b: { units: number; cases: number }) => ({
    units: a.units + b.units,
    cases: a.cases + b.cases,
  });
  const zero = { units: 0, cases: 0 };
  let after = zero;
  let before = zero;
  let baseline = zero;
  for (const d of f.series) {
    if (d.day >= since) after = add(after, d.affected);
    else before = add(before, d.affected);
    baseline = add(baseline, d.baseline);
  }
  return { after, before, baseline };
}

/** The period's days, 2026-02-01 … 2026-03-12. */
const periodDays = Array.from({ length: 40 }, (_, i) => iso(at(i)).slice(0, 10));

describe("each friction's evidence over time", () => {
  it("covers every day of the period, and its days add up to the friction's evidence", () => {
    expect(sick.list.frictions).toHaveLength(7);
    for (const f of sick.list.frictions) {
      expect(
        f.series.map((d) => d.day),
        f.id,
      ).toEqual(periodDays);
      for (const d of f.series)
        for (const side of [d.affected, d.baseline])
          expect(side.rate, `${f.id} ${d.day}`).toBe(side.units ? side.cases / side.units : null);
      const { after, before, baseline } = sums(f);
      const e = f.evidence;
      expect(after, f.id).toEqual({ units: e.units, cases: e.cases });
      if (f.kind === "drop-off")
        // the baseline is every other charge of the period and the segment's own before it started
        expect({ units: baseline.units + before.units, cases: baseline.cases + before.cases }, f.id).toEqual({
          units: e.baselineUnits,
          cases: e.baselineCases,
        });
      else if (f.kind === "negative-feedback")
        // the same touchpoint before the recent window
        expect(before, f.id).toEqual({ units: e.baselineUnits, cases: e.baselineCases });
      else expect(baseline, f.id).toEqual({ units: e.baselineUnits, cases: e.baselineCases });
    }
  });

  it("drop-off: build 7.1's charges day by day, and the change point on day 20 where the declines start", () => {
    const f = friction(sick, "drop-off:charge");
    expect(f.changePoint).toBe(iso(at(20)).slice(0, 10));
    expect(f.changePoint).toBe(f.since?.slice(0, 10));
    const { after, before, baseline } = sums(f);
    // 50 charges on build 7.1 before day 20, none declined; 50 after, all declined
    expect(before).toEqual({ units: 50, cases: 0 });
    expect(after).toEqual({ units: 50, cases: 50 });
    // the other 300 charges: 10 declines before day 20 and 10 of 150 since (restSince)
    expect(baseline).toEqual({ units: 300, cases: 20 });
    const since = sums({ ...f, series: f.series.filter((d) => d.day >= f.changePoint!) }).baseline;
    expect(since).toEqual({ units: 150, cases: 10 });
    for (const d of f.series.filter((x) => x.day >= f.changePoint! && x.affected.units > 0))
      expect(d.affected.rate, d.day).toBe(1);
  });

  it("a friction present all period long has no change point", () => {
    // the baskets were abandoned at the same rate throughout, the digest weeks are weeks
    expect(friction(sick, "abandonment:basket:basket-filled").changePoint).toBeNull();
  });
});

/** Every name a message's parameters carry (the brand's own words). */
const names = (ms: Message[]) =>
  ms.flatMap((m) =>
    Object.values(m.params).flatMap((p) =>
      p.type === "name" || p.type === "channel"
        ? [p.value]
        : p.type === "segment"
          ? p.parts.flatMap((x) => [x.name, String(x.value)])
          : [],
    ),
  );

/** Latin words left once the names are taken out (units such as "min" are Korean in ko-KR). */
function englishWords(text: string, known: string[]): string[] {
  let rest = text;
  for (const n of [...known].sort((a, b) => b.length - a.length)) rest = rest.split(n).join(" ");
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

describe("findings as message keys and parameters", () => {
  it("word every friction and pain point: English equal to the title, Korean with no English beyond names", () => {
    const pains = sick.map.stages.flatMap((s) => s.painPoints);
    expect(pains.length).toBeGreaterThan(3);
    const findings = [...sick.list.frictions, ...pains];
    for (const f of findings) {
      const all = [f.message, ...f.notes];
      expect(renderLine(all, "en"), f.id).toBe(f.title);
      expect(englishWords(renderLine(all, "ko"), names(all)), f.id).toEqual([]);
    }
    for (const f of sick.list.frictions) {
      const { measure, baseline } = f.evidence.messages;
      expect(renderLine([measure], "en")).toBe(f.evidence.measure);
      expect(renderLine([baseline], "en")).toBe(f.evidence.baselineLabel);
      for (const m of [measure, baseline])
        expect(englishWords(renderLine([m], "ko"), names([m])), f.id).toEqual([]);
    }
  });

  it("the drop-off's parameters are structured: segment parts, shares and the day", () => {
    const f = friction(sick, "drop-off:charge");
    expect(f.message).toEqual({
      key: "friction.dropOff.failSince",
      params: {
        unit: { type: "name", value: expect.any(String) },
        start: { type: "name", value: "Charge Submitted" },
        outcome: { type: "name", value: "Charge Declined" },
        since: { type: "day", value: iso(at(20)) },
        segment: {
          type: "segment",
          parts: [
            { name: "build", op: "=", value: "7.1" },
            { name: "channel", op: "=", value: "app" },
          ],
        },
        rate: { type: "percent", value: 1 },
        baseline: { type: "percent", value: 20 / 350 },
      },
    });
    expect(renderLine([f.message], "ko")).toBe(
      "build = 7.1, channel = app에서 2026. 2. 21.부터 Charge Submitted 실패가 많습니다: 100% (다른 곳 5.7%)",
    );
  });

  it("the catalogue has the same keys in English and Korean", () => {
    // A language may leave a parameter out (Korean names the step by its event, not its unit); one it
    // uses that a message lacks fails the rendering above.
    const leaves = (node: unknown, prefix = ""): Array<[string, string]> =>
      typeof node === "string"
        ? [[prefix, node]]
        : Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
            leaves(v, prefix ? `${prefix}.${k}` : k),
          );
    const en = leaves(findingMessages.en);
    const ko = new Map(leaves(findingMessages.ko));
    expect([...ko.keys()].sort()).toEqual(en.map(([k]) => k).sort());
    for (const [key] of en) expect(ko.get(key)?.length, key).toBeGreaterThan(0);
  });
});

describe("itinera frictions in English and Korean", () => {
  beforeAll(ensureBuilt, 300_000);
  const locale = (lang: string) => ({ LANG: lang, LC_ALL: "", LC_MESSAGES: "" });
  const args = () => [
    ...["--db", path.join(sick.server.dir, "itinera.duckdb"), "frictions"],
    ...["--from", PERIOD.from, "--to", PERIOD.to, "--limit", "100"],
  ];

  it("speaks Korean with --lang ko or a Korean LANG, and English otherwise", async () => {
    const dir = tempDir("frictions-cli");
    const ko = await runCli(dir, [...args(), "--lang", "ko"], locale("en_US.UTF-8"));
    expect(ko.code, ko.stderr).toBe(0);
    expect(ko.stdout.split("\n")[0]).toMatch(/^마찰 지점 7개 · 2026-02-01 → 2026-03-13 · .* 기준$/);
    const known = ["itinera frictions customers"];
    for (const f of sick.list.frictions) {
      const all = [f.message, ...f.notes];
      expect(ko.stdout).toContain(`${f.rank}. ${renderLine(all, "ko")}`);
      expect(ko.stdout).toContain(renderLine([f.evidence.messages.measure], "ko"));
      known.push(f.id, f.stage ?? "", f.touchpoint?.name ?? "", ...Object.keys(f.segment), ...names(all));
      known.push(...names([f.evidence.messages.measure, f.evidence.messages.baseline]));
      known.push(...Object.values(f.segment).map(String));
    }
    expect(englishWords(ko.stdout, known.filter(Boolean))).toEqual([]);

    const byLocale = await runCli(dir, args(), locale("ko_KR.UTF-8"));
    expect(byLocale.stdout).toBe(ko.stdout);
    const en = await runCli(dir, [...args(), "--lang", "en"], locale("ko_KR.UTF-8"));
    expect(en.stdout.split("\n")[0]).toMatch(/^7 frictions · /);
    for (const f of sick.list.frictions) {
      expect(en.stdout).toContain(`${f.rank}. ${f.title}`);
      expect(en.stdout).toContain(f.evidence.baselineLabel);
    }
    expect((await runCli(dir, args(), locale("C.UTF-8"))).stdout).toBe(en.stdout);
    const wrong = await runCli(dir, [...args(), "--lang", "fr"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--lang must be en or ko");
  }, 60_000);
});
