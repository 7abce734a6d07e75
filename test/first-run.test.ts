// The first-run path of `npm start`: a new database gets the demo world through the import path,
// with its manifest beside the file, and customers can be found at once.
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, killAll, type ServerProcess, spawnServer } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";

describe("first run", () => {
  let dir: string;
  let server: ServerProcess;
  const api = async <T>(route: string): Promise<T> => {
    const res = await fetch(server.url + route, {
      headers: { authorization: `Bearer ${server.firstRun!.apiToken}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir("first-run");
    server = await spawnServer({
      dir,
      dbPath: path.join(dir, "itinera.duckdb"),
      demo: true,
      timeoutMs: 120_000,
    });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await killAll();
  });

  it("prints the secrets once and loads the demo world with its manifest", async () => {
    expect(server.firstRun?.apiToken).toMatch(/^itk_/);
    expect(server.firstRun?.writeKey).toMatch(/^wk_/);
    const stats = await api<{ events: number; customers: number; channels: Record<string, number> }>(
      "/api/stats",
    );
    expect(stats.events).toBeGreaterThan(50_000);
    expect(stats.customers).toBeGreaterThan(1000);
    for (const ch of ["web", "app", "email", "sms", "phone", "chat", "social", "store", "ads"]) {
      expect(stats.channels[ch], ch).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "itinera.demo-manifest.json"), "utf8")) as {
      problems: Array<{ id: string }>;
    };
    expect(manifest.problems.length).toBeGreaterThanOrEqual(5);
  });

  it("finds every demo customer whose email the events carry, and finds the right person", async () => {
    const truth = fs
      .readFileSync(path.join(dir, "itinera.demo-customers.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Truth);
    // A sample, to stay under the API's rate limit (1,200 requests a minute). Some people never reveal
    // their email (they only browse, or buy in store): which did is read from the stored events below,
    // independently of identity stitching and search.
    const people = truth.filter((p) => !p.junk_email).slice(0, SAMPLE);
    expect(people).toHaveLength(SAMPLE);
    const found: Array<{ person: Truth; match: Match }> = [];
    const unfound: string[] = [];
    for (const p of people) {
      const res = await api<{ customers: Match[] }>(`/api/customers?q=${encodeURIComponent(p.email)}`);
      expect(res.customers.length, p.email).toBeLessThanOrEqual(1);
      if (res.customers[0]) found.push({ person: p, match: res.customers[0] });
      else unfound.push(p.email);
    }
    // The right person: every identifier of the customer found is one of theirs (no one else's merged in),
    // the email searched for among them, and the name theirs when one is known.
    for (const { person, match } of found) {
      const theirs = identifiersOf(person);
      const strangers = match.identifiers.filter((i) => !theirs.has(`${i.kind}:${i.value}`));
      expect(strangers, `${person.email}: identifiers that are not ${person.user_id}'s`).toEqual([]);
      expect(match.identifiers).toContainEqual({ kind: "email", value: person.email });
      // Names are shown as searched: lower case.
      expect([person.name.toLowerCase(), null], `${person.email}: name`).toContain(match.name);
    }
    // Most of them signed up: their account id and name came along, so the check above has teeth.
    const signedUp = found.filter(({ person, match }) =>
      match.identifiers.some((i) => i.kind === "user_id" && i.value === person.user_id),
    );
    expect(signedUp.length).toBeGreaterThan(found.length / 2);
    expect(signedUp.every(({ person, match }) => match.name === person.name.toLowerCase())).toBe(true);
    const page = await api<{ events: unknown[] }>(`/api/customers/${found[0]!.match.id}/timeline?limit=5`);
    expect(page.events.length).toBeGreaterThan(0);

    // Which of them the events name by email, read from the file once the server has stopped.
    expect(await server.stop()).toBe(0);
    const inEvents = await emailsInEvents(path.join(dir, "itinera.duckdb"));
    const known = people.filter((p) => inEvents.has(p.email)).map((p) => p.email);
    expect(known.length, "most people reveal their email").toBeGreaterThan(SAMPLE / 2);
    expect(
      unfound.filter((e) => inEvents.has(e)),
      "emails the events carry that search does not find",
    ).toEqual([]);
    expect(found.map((f) => f.person.email)).toEqual(known);
  });
});

const SAMPLE = 400;

/** A line of the demo's ground truth (src/demo/world/world.ts truthLine). */
interface Truth {
  user_id: string;
  name: string;
  email: string;
  phone: string;
  loyalty_card: string | null;
  social_handle: string;
  junk_email: boolean;
}

interface Match {
  id: number;
  name: string | null;
  identifiers: Array<{ kind: string; value: string }>;
}

/**
 * Everything that identifies the person, as the search shows it: a Korean mobile 010-… is +8210… in E.164.
 * The real phone even when they typed junk at sign-up: the call centre and the shop still know it.
 */
function identifiersOf(p: Truth): Set<string> {
  const phone = `+82${p.phone.replaceAll("-", "").slice(1)}`;
  const ids = [
    `user_id:${p.user_id}`,
    `email:${p.email}`,
    `phone:${phone}`,
    `social_handle:${p.social_handle}`,
  ];
  if (p.loyalty_card) ids.push(`loyalty_card:${p.loyalty_card}`);
  return new Set(ids);
}

/** Every email any stored event carries, in its traits, its context's traits or its properties. */
async function emailsInEvents(dbPath: string): Promise<Set<string>> {
  const db = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT DISTINCT lower(trim(e)) AS email FROM (
         SELECT unnest([json_extract_string(traits, '$.email'), json_extract_string(context, '$.traits.email'),
                        json_extract_string(properties, '$.email')]) AS e FROM events)
        WHERE e IS NOT NULL`,
    );
    return new Set(reader.getColumns()[0]!.map(String));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
