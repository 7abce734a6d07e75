// Bulk import (`itinera import`, POST /api/imports) on a real server with a temporary DuckDB file. Input
// files are written by each test (CSV and JSONL with fs, Parquet with DuckDB's COPY … TO).
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportSummary } from "../src/collect/import/contract.js";
import { importFile } from "../src/collect/import/importer.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { at, customerOf, koreanMobile, profile, search, send, timelineAll } from "./helpers/customers.js";
import { type ErrorReply, startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = tempDir("import");
});
afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function writeFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

interface ImportBody {
  path: string;
  mapping?: Record<string, string>;
  defaults?: { event?: string; channel?: string; type?: string };
  rejectsPath?: string;
  dryRun?: boolean;
  format?: string;
}

async function importVia(body: ImportBody) {
  return server.api<ImportSummary & ErrorReply>("/api/imports", {
    body: { mapping: {}, defaults: {}, ...body },
  });
}

async function imported(body: ImportBody): Promise<ImportSummary> {
  const res = await importVia(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const eventsFrom = (file: string) =>
  server.query(
    `SELECT message_id, type, event, channel, epoch_ms(timestamp) AS ts, epoch_ms(sent_at) AS sent, user_id,
            anonymous_id, identity_id, properties, traits, context
       FROM events WHERE source = $1 ORDER BY timestamp, message_id`,
    [`import:${path.basename(file)}`],
  );

const readRejects = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map(
      (l) => JSON.parse(l) as { row: number | null; reason: string; record: Record<string, unknown> | null },
    );

describe("CSV", () => {
  it("imports a call-centre log with mapping flags: mapped event, channel phone, other columns as properties", async () => {
    const customer = uid("C");
    const file = writeFile(`calls-${customer}.csv`, [
      "call_start,customer_no,caller,mail,duration_s,agent",
      `2025-03-04T09:30:00+09:00,${customer},010-2222-3333,Jisoo.Park@Example.com ,310,kim`,
      `2025-03-05 14:00:00,${customer},,,45,lee`,
      `2025-03-06T08:15:00Z,${customer}-b,,,12,kim`,
    ]);
    const summary = await imported({
      path: file,
      mapping: { timestamp: "call_start", userId: "customer_no", email: "mail", phone: "caller" },
      defaults: { event: "Support Call", channel: "phone" },
    });
    expect(summary).toMatchObject({ format: "csv", rows: 3, imported: 3, duplicates: 0, rejected: 0 });
    expect(summary.rejectsFile).toBeNull();

    const rows = await eventsFrom(file);
    expect(rows.map((r) => [r.type, r.event, r.channel])).toEqual(
      Array(3).fill(["track", "Support Call", "phone"]),
    );
    // The offset is honoured; text without one is UTC.
    expect(rows.map((r) => Number(r.ts))).toEqual([
      Date.UTC(2025, 2, 4, 0, 30),
      Date.UTC(2025, 2, 5, 14, 0),
      Date.UTC(2025, 2, 6, 8, 15),
    ]);
    expect(JSON.parse(String(rows[0]!.properties))).toEqual({ duration_s: 310, agent: "kim" });
    // The event keeps the identifiers as the file wrote them; the graph holds them normalised.
    expect(JSON.parse(String(rows[0]!.traits))).toEqual({
      email: "Jisoo.Park@Example.com ",
      phone: "010-2222-3333",
    });
    // No messageId column: ids are derived from the row's content.
    expect(rows.every((r) => String(r.message_id).startsWith("itinera-"))).toBe(true);

    const id = await customerOf(server, "jisoo.park@example.com");
    expect((await search(server, "jisoo.pa")).map((c) => c.id)).toContain(id);
    const terms = await server.query("SELECT kind FROM search_terms WHERE term = $1", [
      "jisoo.park@example.com",
    ]);
    expect(terms.map((r) => r.kind)).toEqual(["email"]);
    const p = await profile(server, id);
    expect(p.identifiers.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(
      [`user_id:${customer}`, "email:jisoo.park@example.com", "phone:+821022223333"].sort(),
    );
    expect(p.channels).toEqual([expect.objectContaining({ channel: "phone", events: 2 })]);
  });

  it("stitches phone numbers in mixed formats to the customer the API identified", async () => {
    const userId = uid("api-user");
    const mobile = koreanMobile(); // 010-XXXX-XXXX
    const digits = mobile.replaceAll("-", "");
    const email = `${userId}@example.com`;
    await send(server, {
      type: "identify",
      userId,
      traits: { email, phone: `+82 ${mobile.slice(1)}` },
      timestamp: at(0),
    });
    const file = writeFile(`ivr-${userId}.csv`, [
      "caller,started,menu",
      `${mobile},2025-01-11T10:00:00Z,billing`,
      `${digits},2025-01-12T10:00:00Z,delivery`,
      `+82 ${digits.slice(1, 3)} ${digits.slice(3, 7)} ${digits.slice(7)},2025-01-13T10:00:00Z,returns`,
    ]);
    // No --channel: "Inbound Call" names a call, so the channel rule says phone.
    const summary = await imported({
      path: file,
      mapping: { phone: "caller", timestamp: "started" },
      defaults: { event: "Inbound Call" },
    });
    expect(summary).toMatchObject({ imported: 3, rejected: 0 });

    const id = await customerOf(server, email);
    expect(await customerOf(server, digits)).toBe(id);
    const timeline = await timelineAll(server, id);
    expect(timeline.filter((e) => e.event === "Inbound Call").map((e) => e.channel)).toEqual([
      "phone",
      "phone",
      "phone",
    ]);
    const p = await profile(server, id);
    expect(p.identifiers.filter((i) => i.kind === "phone")).toHaveLength(1);
  });

  it("sends a bad row to the rejects file with its reason and stores its neighbours", async () => {
    const user = uid("rej");
    const file = writeFile(`mixed-${user}.csv`, [
      "userId,timestamp,note",
      `${user}-1,2025-04-01T10:00:00Z,good`,
      ",2025-04-01T11:00:00Z,no identifier",
      `${user}-3,04/01/2025 12:00,bad time`,
      `${user}-4,2025-04-01T13:00:00Z,good`,
      `${user}-5,1970-01-01T00:00:00Z,too early`,
      `${user}-6,2025-04-01T15:00:00Z,good`,
    ]);
    const summary = await imported({ path: file, defaults: { event: "Visit" } });
    expect(summary).toMatchObject({
      rows: 6,
      imported: 3,
      rejected: 3,
      rejectsFile: `${file}.rejects.jsonl`,
    });
    const rows = await eventsFrom(file);
    expect(rows.map((r) => r.user_id)).toEqual([`${user}-1`, `${user}-4`, `${user}-6`]);

    const rejects = readRejects(summary.rejectsFile!);
    expect(rejects.map((r) => r.row)).toEqual([2, 3, 5]);
    expect(rejects[0]!.reason).toMatch(/^no identifier/);
    expect(rejects[1]!.reason).toBe('timestamp "04/01/2025 12:00" is not an ISO-8601 date-time');
    expect(rejects[2]!.reason).toMatch(/outside 1990/);
    expect(rejects[1]!.record).toMatchObject({ userId: `${user}-3`, note: "bad time" });
  });

  it("re-importing the same file adds nothing; a repeated row in the file counts as a duplicate", async () => {
    const user = uid("again");
    const lines = [
      "userId,timestamp,event,amount",
      `${user},2025-05-01T10:00:00Z,Order Completed,10.5`,
      `${user},2025-05-02T10:00:00Z,Order Completed,20`,
      `${user},2025-05-02T10:00:00Z,Order Completed,20`,
    ];
    const file = writeFile(`orders-${user}.csv`, lines);
    const first = await imported({ path: file });
    expect(first).toMatchObject({ rows: 3, imported: 2, duplicates: 1, rejected: 0 });
    // A copy under another name holds the same rows: ids come from content, not from the file name.
    const copy = writeFile(`orders-copy-${user}.csv`, lines);
    const second = await imported({ path: copy });
    expect(second).toMatchObject({ rows: 3, imported: 0, duplicates: 3 });
    expect(await eventsFrom(file)).toHaveLength(2);
    expect(await eventsFrom(copy)).toHaveLength(0);
  });

  it("stores identity correctly across several chunks (one transaction each)", async () => {
    const user = uid("chunky");
    const file = writeFile(`chunks-${user}.csv`, [
      "userId,anonymousId,email,timestamp",
      `,${user}-anon,,2025-06-01T10:00:00Z`,
      `,${user}-anon,,2025-06-01T10:01:00Z`,
      `,${user}-anon,${user}@example.com,2025-06-01T10:02:00Z`,
      `${user},,${user}@example.com,2025-06-01T10:03:00Z`,
      `${user},,,2025-06-01T10:04:00Z`,
      `,${user}-other,,2025-06-01T10:05:00Z`,
    ]);
    const { ctx } = server.running;
    const progress: number[] = [];
    const result = await importFile(
      ctx,
      { path: file, mapping: {}, defaults: { event: "Seen" } },
      { chunkRows: 2, onProgress: (p) => p.phase === "storing" && progress.push(p.done) },
    );
    expect(result.ok && result.value).toMatchObject({ imported: 6, rejected: 0 });
    expect(progress).toEqual([0, 2, 4, 6]);
    const id = await customerOf(server, `${user}@example.com`);
    const timeline = await timelineAll(server, id);
    expect(timeline).toHaveLength(5);
    expect((await profile(server, id)).identifiers.map((i) => i.kind).sort()).toEqual([
      "anonymous_id",
      "email",
      "user_id",
    ]);
  });
});

describe("next to HTTP ingest", () => {
  it("interleaves chunk transactions with API batches; both stitch through the one identity graph", async () => {
    const tag = uid("mix");
    const file = path.join(dir, `${tag}.csv`);
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT '${tag}-u' || (i % 500) AS userId, '${tag}-u' || (i % 500) || '@example.com' AS email,
                    strftime(TIMESTAMP '2025-02-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%SZ') AS timestamp
               FROM range(6000) t(i))
       TO '${file}' (FORMAT csv)`,
    );
    conn.closeSync();
    db.closeSync();
    const { ctx } = server.running;
    const importing = importFile(
      ctx,
      { path: file, mapping: {}, defaults: { event: "Imported" } },
      { chunkRows: 1000 },
    );
    // API traffic for the same people (by phone, unknown to the file) and for new ones, meanwhile.
    const batches = Array.from({ length: 10 }, (_, b) =>
      server.collect("/v1/batch", {
        batch: Array.from({ length: 20 }, (_, k) => ({
          type: "identify",
          userId: `${tag}-u${b * 20 + k}`,
          traits: { phone: `010-5${String(b).padStart(3, "0")}-${String(1000 + k)}` },
          timestamp: at(b),
        })),
      }),
    );
    const [result, ...replies] = await Promise.all([importing, ...batches]);
    expect(result.ok && result.value).toMatchObject({ imported: 6000, rejected: 0 });
    expect(replies.map((r) => (r.body as { accepted: number }).accepted)).toEqual(Array(10).fill(20));

    const ids = await server.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM identities");
    expect(Number(ids[0]!.n)).toBe(Number(ids[0]!.d));
    const id = await customerOf(server, `${tag}-u7@example.com`);
    expect(await customerOf(server, "010-5000-1007")).toBe(id);
    expect(await timelineAll(server, id)).toHaveLength(6000 / 500 + 1);
  });
});

describe("JSONL", () => {
  it("imports Segment messages with their types, channels and times; a broken line is rejected", async () => {
    const user = uid("seg");
    const messages = [
      {
        type: "identify",
        messageId: `${user}-m1`,
        userId: user,
        traits: { email: `${user}@example.com`, name: "Hana Lee", loyalty_card: `LC-${user}` },
        timestamp: "2025-07-01T09:00:00.000Z",
      },
      {
        type: "page",
        messageId: `${user}-m2`,
        anonymousId: `${user}-anon`,
        userId: user,
        name: "Pricing",
        properties: { path: "/pricing" },
        timestamp: "2025-07-01T09:01:00.000Z",
      },
      {
        type: "track",
        messageId: `${user}-m3`,
        userId: user,
        event: "Newsletter Opened",
        context: { channel: "email" },
        properties: { campaign: "july" },
        // A raw SDK message: the device clock was 10 s ahead when it sent, so it is corrected.
        originalTimestamp: "2025-07-01T09:05:10.000Z",
        sentAt: "2025-07-01T09:06:10.000Z",
        receivedAt: "2025-07-01T09:06:00.000Z",
      },
      {
        type: "track",
        messageId: `${user}-m4`,
        userId: user,
        event: "App Opened",
        context: { os: { name: "iOS" } },
        timestamp: "2025-07-01T09:10:00Z",
      },
    ];
    const file = writeFile(`segment-${user}.jsonl`, [
      ...messages.map((m) => JSON.stringify(m)),
      '{"type": "track", "event": "Broken", ',
      JSON.stringify({ type: "track", userId: user, timestamp: "2025-07-01T09:20:00Z" }),
    ]);
    const summary = await imported({ path: file });
    expect(summary).toMatchObject({ format: "jsonl", rows: 6, imported: 4, rejected: 2 });
    const rejects = readRejects(summary.rejectsFile!);
    expect(rejects.map((r) => [r.row, r.reason])).toEqual([
      [5, "line is not valid JSON"],
      [6, "a track event needs an event name: map a column with --map event=COLUMN or pass --event NAME"],
    ]);

    const rows = await eventsFrom(file);
    expect(rows.map((r) => [r.message_id, r.type, r.event, r.channel])).toEqual([
      [`${user}-m1`, "identify", null, "other"],
      [`${user}-m2`, "page", "Pricing", "web"],
      [`${user}-m3`, "track", "Newsletter Opened", "email"],
      [`${user}-m4`, "track", "App Opened", "app"],
    ]);
    expect(Number(rows[2]!.ts)).toBe(Date.UTC(2025, 6, 1, 9, 5, 0));
    expect(Number(rows[2]!.sent)).toBe(Date.UTC(2025, 6, 1, 9, 6, 10));
    expect(JSON.parse(String(rows[1]!.properties))).toEqual({ path: "/pricing" });

    // Identifiers from traits (email, a configured trait key) and the name are searchable.
    const id = await customerOf(server, `${user}@example.com`);
    expect(await customerOf(server, `LC-${user}`)).toBe(id);
    expect(await customerOf(server, `${user}-anon`)).toBe(id);
    const byName = await server.api<{ customers: Array<{ id: number }> }>(
      `/api/customers?q=${encodeURIComponent("Hana Lee")}`,
    );
    expect(byName.body.customers.map((c) => c.id)).toContain(id);
  });
});

describe("Parquet", () => {
  it("imports typed columns: a TIMESTAMP column, numbers stay numbers in properties", async () => {
    const user = uid("pq");
    const file = path.join(dir, `pos-${user}.parquet`);
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT 'pos-' || i AS receipt, '${user}-' || (i % 3) AS loyalty_card,
                    TIMESTAMP '2025-08-01 10:00:00' + to_minutes(i) AS sold_at,
                    round(i * 1.25, 2) AS total, 'Seoul' AS store
               FROM range(10) t(i))
       TO '${file}' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    const summary = await imported({
      path: file,
      mapping: { messageId: "receipt", timestamp: "sold_at" },
      defaults: { event: "Order Completed", channel: "pos" },
    });
    expect(summary).toMatchObject({ format: "parquet", rows: 10, imported: 10, rejected: 0 });
    expect(summary.mapping).toMatchObject({ loyalty_card: "loyalty_card", timestamp: "sold_at" });
    const rows = await eventsFrom(file);
    expect(rows[0]).toMatchObject({ message_id: "pos-0", channel: "store", event: "Order Completed" });
    expect(Number(rows[1]!.ts)).toBe(Date.UTC(2025, 7, 1, 10, 1));
    expect(JSON.parse(String(rows[5]!.properties))).toEqual({ total: 6.25, store: "Seoul" });
    // Three loyalty cards, three customers.
    expect(new Set(rows.map((r) => r.identity_id)).size).toBe(3);
  });
});

describe("mistakes", () => {
  it("an unknown mapping column is a readable error naming the columns, and nothing is stored", async () => {
    const file = writeFile(`typo-${uid("t")}.csv`, ["customer_no,call_start", "C1,2025-01-01T00:00:00Z"]);
    const res = await importVia({ path: file, mapping: { userId: "custmer_no", timestamp: "call_start" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_import");
    expect(res.body.error.message).toBe(
      'userId: the file has no column "custmer_no"; it has "customer_no", "call_start"',
    );
    expect(await eventsFrom(file)).toHaveLength(0);
    expect(fs.existsSync(`${file}.rejects.jsonl`)).toBe(false);

    const target = await importVia({ path: file, mapping: { customer: "customer_no" } });
    expect(target.body.error.message).toMatch(
      /^unknown mapping target "customer"; targets are messageId, type/,
    );
  });

  it("a missing or relative path is a 400 envelope with a clear message", async () => {
    const missing = await importVia({ path: path.join(dir, "nope.csv") });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: "invalid_import",
      message: `no such file: ${path.join(dir, "nope.csv")}`,
    });
    const relative = await importVia({ path: "calls.csv" });
    expect(relative.status).toBe(400);
    expect(relative.body.error.message).toMatch(/must be absolute/);
  });

  it("a dry run validates and counts without storing anything", async () => {
    const user = uid("dry");
    const file = writeFile(`dry-${user}.csv`, [
      "userId,timestamp",
      `${user},2025-09-01T00:00:00Z`,
      `,2025-09-01T00:00:00Z`,
    ]);
    const summary = await imported({ path: file, defaults: { event: "Try" }, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, rows: 2, imported: 1, rejected: 1 });
    expect(await eventsFrom(file)).toHaveLength(0);
    const seen = await server.query("SELECT count(*) AS n FROM identities WHERE value = $1", [user]);
    expect(Number(seen[0]!.n)).toBe(0);
  });
});

describe("CLI", () => {
  it("imports with --json --db on the file, then through the running server", async () => {
    await ensureBuilt();
    const user = uid("cli");
    const db = path.join(dir, `cli-${user}.duckdb`);
    const file = writeFile(`cli-${user}.csv`, [
      "call_start,customer_no,mail",
      `2025-10-01T09:00:00Z,${user},${user}@example.com`,
      `2025-10-02T09:00:00Z,${user},`,
      `oops,${user},`,
    ]);
    const args = ["import", file, "--map", "timestamp=call_start", "--map", "userId=customer_no"];
    const flags = ["--map", "email=mail", "--event", "Support Call", "--channel", "phone"];
    const summary = await runCliJson<ImportSummary>(dir, ["--db", db, ...args, ...flags]);
    expect(summary).toMatchObject({ file, format: "csv", rows: 3, imported: 2, duplicates: 0, rejected: 1 });
    expect(summary.rejectsFile).toBe(`${file}.rejects.jsonl`);
    expect(Object.keys(summary).sort()).toEqual(
      [
        "file",
        "format",
        "rows",
        "imported",
        "duplicates",
        "rejected",
        "suppressed",
        "rejectsFile",
        "seconds",
        "rowsPerSecond",
        "dryRun",
        "mapping",
      ].sort(),
    );

    const human = await runCli(dir, ["--db", db, ...args, ...flags]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^Imported 0 rows \(2 duplicates, 1 rejected → .*\.rejects\.jsonl\) in [\d.]+ s, \d+ rows\/s\n$/,
    );
    expect(human.stderr).toBe(""); // no progress bar when stderr is not a terminal

    // While a server owns the file, the CLI imports through POST /api/imports.
    const running = await startTestServer({ databasePath: db });
    try {
      const more = writeFile(`cli-more-${user}.csv`, [
        "call_start,customer_no",
        `2025-10-03T09:00:00Z,${user}`,
      ]);
      const viaServer = await runCliJson<ImportSummary>(dir, [
        "--db",
        db,
        "import",
        more,
        "--map",
        "timestamp=call_start",
        "--map",
        "userId=customer_no",
        "--event",
        "Support Call",
      ]);
      expect(viaServer).toMatchObject({ imported: 1 });
      const rows = await running.query("SELECT count(*) AS n FROM events WHERE user_id = $1", [user]);
      expect(Number(rows[0]!.n)).toBe(3);
      const bad = await runCli(dir, ["--json", "--db", db, "import", more, "--map", "userId=nobody"]);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).error.message).toMatch(/no column "nobody"/);
    } finally {
      await running.close();
    }
  });
});
