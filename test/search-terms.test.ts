// Search terms: the display name on the customer row, and the re-sort that keeps prefix search on
// a few row groups, must not change what a search finds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactSearchTerms, prefixUpperBound } from "../src/customers/terms.js";
import { at, search, send } from "./helpers/customers.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

describe("search terms", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("shows the latest full name, found by name and email prefixes before and after a re-sort", async () => {
    const user = uid("name-user");
    const tag = uid("zq").toLowerCase();
    await send(
      server,
      {
        type: "identify",
        userId: user,
        timestamp: at(0),
        traits: { name: `${tag} Old Name`, email: `${tag}@example.com` },
      },
      { type: "identify", userId: user, timestamp: at(5), traits: { first_name: tag, last_name: "Park" } },
    );
    const before = await search(server, tag);
    expect(before).toHaveLength(1);
    expect(before[0]!.name).toBe(`${tag} park`);
    expect(before[0]!.matchedBy).toEqual(["email", "name"]);

    // Duplicate rows (a repeated identify after a restart) are dropped by the re-sort.
    const count = async () =>
      Number(
        (await server.query("SELECT count(*) AS n FROM search_terms WHERE term = $1", [`${tag} park`]))[0]?.n,
      );
    await server.query(
      "INSERT INTO search_terms SELECT term, customer_id, kind FROM search_terms WHERE term = $1",
      [`${tag} park`],
    );
    expect(await count()).toBe(2);
    expect(await compactSearchTerms(server.running.ctx.store, { force: true })).toBe(true);
    expect(await count()).toBe(1);
    const after = await search(server, `${tag}@exa`);
    expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(after[0]!.matchedBy).toEqual(["email"]);
  });

  it("does not re-sort when the unsorted tail is short", async () => {
    expect(await compactSearchTerms(server.running.ctx.store)).toBe(false);
  });

  it("bounds a prefix by the next code point, Korean and beyond the BMP included", () => {
    // Answers from the Unicode code charts, not from the function's own arithmetic:
    // 김 U+AE40 → 깁 U+AE41, 지 U+C9C0 → 직 U+C9C1, 😀 U+1F600 → 😁 U+1F601 (one code point, two UTF-16 units).
    expect(prefixUpperBound("kim")).toBe("kin");
    expect(prefixUpperBound("김")).toBe("깁");
    expect(prefixUpperBound("김지")).toBe("김직");
    expect(prefixUpperBound("a😀")).toBe("a😁");
    expect(prefixUpperBound("")).toBe("\u{10FFFF}");
  });

  it("finds exactly the customers whose name starts with a Korean prefix, before and after a re-sort", async () => {
    // 기 (U+AE30) sorts before 김 (U+AE40), 깁 (U+AE41) right after it: neighbours on both sides of the range.
    const names = ["김지민", "김민준", "깁슨", "기민"];
    await send(
      server,
      ...names.map((name, i) => ({
        type: "identify",
        userId: uid(`korean-${i}`),
        timestamp: at(i),
        traits: { name },
      })),
    );
    const found = async (q: string) => (await search(server, q)).map((m) => m.name).sort();
    const expected: Record<string, string[]> = {
      김: ["김민준", "김지민"],
      김지: ["김지민"],
      김지민: ["김지민"],
      깁: ["깁슨"],
      기: ["기민"],
      김지민씨: [],
    };
    for (const [q, names] of Object.entries(expected)) expect(await found(q), q).toEqual([...names].sort());
    expect(await compactSearchTerms(server.running.ctx.store, { force: true })).toBe(true);
    for (const [q, names] of Object.entries(expected))
      expect(await found(q), `${q} after the re-sort`).toEqual([...names].sort());
  });
});
