// Saved views and boards through the API on a real server: CRUD, search with wildcards taken literally,
// validation in the error envelope, 404s, who may write, tiles that must name existing views, a deleted
// view's tiles leaving its boards, and the audit trail — checked against the tables themselves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/auth/roles.js";
import type { Board, BoardList, SavedView, SavedViewList } from "../src/saved/schema.js";
import { type ErrorReply, startTestServer, type TestServer } from "./helpers/server.js";

const FUNNEL_STATE = {
  funnel: JSON.stringify({
    steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
    window: "7d",
    order: "ordered",
  }),
  persona: "tech-savvy-tim",
};

describe("saved views and boards API", () => {
  let server: TestServer;
  const tokens = new Map<Role, string>();

  const call = <T>(route: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    server.api<T>(route, init);
  const save = (body: unknown, token?: string) =>
    call<SavedView>("/api/views", { method: "POST", body, ...(token ? { token } : {}) });
  /** The envelope's message; `path` is the field at fault, for an invalid request that names one. */
  const expectError = (r: { status: number; body: unknown }, status: number, code: string, path?: string) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    const e = (r.body as ErrorReply & { error: { path?: string } }).error;
    expect(e).toMatchObject({ code, message: expect.any(String), status });
    if (path !== undefined) expect(e.path).toBe(path);
    return e.message;
  };

  beforeAll(async () => {
    server = await startTestServer();
    for (const role of ["viewer", "analyst", "marketer", "agent"] as const) {
      const r = await call<{ secret: string }>("/api/tokens", {
        method: "POST",
        body: { name: `saved-${role}`, role },
      });
      expect(r.status).toBe(201);
      tokens.set(role, r.body.secret);
    }
  });
  afterAll(() => server?.close());

  it("saves, reads, lists, changes and deletes a view, auditing each change", async () => {
    const created = await save(
      { kind: "funnels", name: " Checkout of Tim ", description: "Two steps", state: FUNNEL_STATE },
      tokens.get("analyst"),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const v = created.body;
    expect(v).toMatchObject({
      kind: "funnels",
      name: "Checkout of Tim",
      description: "Two steps",
      state: FUNNEL_STATE,
      owner: { kind: "token", name: "saved-analyst" },
      boards: [],
    });
    expect(v.id).toMatch(/^view_[0-9a-f]{12}$/);
    expect(v.createdAt).toBe(v.updatedAt);

    const read = await call<SavedView>(`/api/views/${v.id}`, { token: tokens.get("viewer")! });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(v);
    const [row] = await server.query(
      "SELECT kind, name, state::VARCHAR AS state FROM saved_views WHERE id = $1",
      [v.id],
    );
    expect(row).toEqual({ kind: "funnels", name: "Checkout of Tim", state: JSON.stringify(FUNNEL_STATE) });

    const patched = await call<SavedView>(`/api/views/${v.id}`, {
      method: "PATCH",
      body: { name: "Tim's checkout", state: { persona: "bargain-hunter-bora" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Tim's checkout", description: "Two steps" });
    expect(patched.body.state).toEqual({ persona: "bargain-hunter-bora" });
    expect(patched.body.updatedAt >= v.updatedAt).toBe(true);

    const deleted = await call<{ id: string; boards: string[] }>(`/api/views/${v.id}`, { method: "DELETE" });
    expect(deleted.body).toEqual({ id: v.id, boards: [] });
    expectError(await call(`/api/views/${v.id}`), 404, "not_found");
    const audit = await server.query(
      "SELECT action, actor_name FROM audit_log WHERE target = $1 ORDER BY id",
      [v.id],
    );
    expect(audit.map((a) => a.action)).toEqual(["view.create", "view.update", "view.delete"]);
    expect(audit[0]!.actor_name).toBe("saved-analyst");
  });

  it("finds views by words in the name or description, taking % and _ literally", async () => {
    const names = ["Spring sale 50%_off", "Spring sale 50 percent", "Retention of app users"];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const r = await save({
        kind: i === 2 ? "retention" : "funnels",
        name,
        description: i === 1 ? "Underscore_here" : "",
        state: {},
      });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const search = async (q: string) =>
      (await call<SavedViewList>(`/api/views?search=${encodeURIComponent(q)}`)).body.items.map((i) => i.name);
    expect(await search("50%_")).toEqual(["Spring sale 50%_off"]);
    expect((await search("%")).sort()).toEqual(["Spring sale 50%_off"]);
    expect(await search("_")).toEqual(
      expect.arrayContaining(["Spring sale 50%_off", "Spring sale 50 percent"]),
    );
    expect(await search("_")).toHaveLength(2);
    expect((await search("SPRING SALE")).sort()).toEqual(names.slice(0, 2).sort());
    expect(await search("underscore")).toEqual(["Spring sale 50 percent"]);
    expect(await search("'; DROP TABLE saved_views; --")).toEqual([]);
    const retention = await call<SavedViewList>("/api/views?kind=retention&search=app");
    expect(retention.body.items.map((i) => i.id)).toEqual([ids[2]]);
    // Newest change first, and the total is the table's.
    const all = await call<SavedViewList>("/api/views?limit=2");
    const [count] = await server.query("SELECT count(*) AS n FROM saved_views");
    expect(all.body.total).toBe(Number(count!.n));
    expect(all.body.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
  });

  it("refuses invalid views with the error envelope", async () => {
    expectError(await save({ kind: "dashboard", name: "x", state: {} }), 400, "invalid_request", "/kind");
    expectError(await save({ kind: "funnels", name: "", state: {} }), 400, "invalid_request");
    expectError(
      await save({ kind: "funnels", name: "x", state: { "bad key!": "1" } }),
      400,
      "invalid_request",
    );
    expectError(await save({ kind: "funnels", name: "x", state: { a: 1 } }), 400, "invalid_request");
    expectError(await save({ kind: "funnels", name: "x", state: {}, owner: "me" }), 400, "invalid_request");
    const big = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`p${i}`, "x".repeat(7000)]));
    expect(
      expectError(await save({ kind: "funnels", name: "big", state: big }), 400, "invalid_request"),
    ).toContain("at most 16384");
    expectError(await call("/api/views/nope", { method: "PATCH", body: { name: "y" } }), 404, "not_found");
    expectError(await call("/api/views/nope", { method: "DELETE" }), 404, "not_found");
    expectError(await call("/api/views?kind=nope"), 400, "invalid_request");
  });

  it("lets viewers read, and only roles with views.edit write", async () => {
    const mine = await save({ kind: "overview", name: "Team overview", state: {} }, tokens.get("marketer"));
    expect(mine.status).toBe(201);
    const viewer = tokens.get("viewer")!;
    expect((await call<SavedViewList>("/api/views", { token: viewer })).status).toBe(200);
    expect((await call<BoardList>("/api/boards", { token: viewer })).status).toBe(200);
    expectError(await save({ kind: "overview", name: "Mine", state: {} }, viewer), 403, "forbidden");
    expectError(
      await call(`/api/views/${mine.body.id}`, { method: "PATCH", body: { name: "x" }, token: viewer }),
      403,
      "forbidden",
    );
    expectError(
      await call(`/api/views/${mine.body.id}`, { method: "DELETE", token: viewer }),
      403,
      "forbidden",
    );
    expectError(
      await call("/api/boards", { method: "POST", body: { name: "b" }, token: viewer }),
      403,
      "forbidden",
    );
    // Agents work one customer at a time: no analyses, so no saved analyses either.
    expectError(await call("/api/views", { token: tokens.get("agent")! }), 403, "forbidden");
    const [row] = await server.query("SELECT name FROM saved_views WHERE id = $1", [mine.body.id]);
    expect(row!.name).toBe("Team overview");
  });

  it("keeps a board's tiles in order, refuses unknown or repeated views, and drops a deleted view's tiles", async () => {
    const views: SavedView[] = [];
    for (const kind of ["funnels", "retention", "stage-flow"] as const)
      views.push((await save({ kind, name: `Board ${kind}`, state: {} })).body);
    const [a, b, c] = views as [SavedView, SavedView, SavedView];

    const unknown = await call<ErrorReply>("/api/boards", {
      method: "POST",
      body: { name: "Bad", tiles: [{ view: a.id }, { view: "view_000000000000" }] },
    });
    expect(expectError(unknown, 400, "invalid_request", "/tiles/1/view")).toContain("view_000000000000");
    const [none] = await server.query("SELECT count(*) AS n FROM boards WHERE name = 'Bad'");
    expect(Number(none!.n)).toBe(0);
    expectError(
      await call("/api/boards", {
        method: "POST",
        body: { name: "Twice", tiles: [{ view: a.id }, { view: a.id }] },
      }),
      400,
      "invalid_request",
      "/tiles/1/view",
    );
    expectError(
      await call("/api/boards", {
        method: "POST",
        body: { name: "Wide", tiles: [{ view: a.id, width: 13 }] },
      }),
      400,
      "invalid_request",
    );

    const created = await call<Board>("/api/boards", {
      method: "POST",
      body: {
        name: "Weekly",
        description: "Monday review",
        tiles: [{ view: a.id, width: 12 }, { view: b.id }],
      },
      token: tokens.get("analyst")!,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const board = created.body;
    expect(board.tiles.map((t) => [t.view.id, t.width, t.height])).toEqual([
      [a.id, 12, 2],
      [b.id, 6, 2],
    ]);
    expect(board.tiles[0]!.view.boards).toEqual([board.id]);
    expect(board.owner.name).toBe("saved-analyst");

    // Add c first, drop a, keep b: the whole list in one PATCH.
    const reordered = await call<Board>(`/api/boards/${board.id}`, {
      method: "PATCH",
      body: { tiles: [{ view: c.id, width: 4, height: 3 }, { view: b.id }, { view: a.id }] },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.tiles.map((t) => t.view.id)).toEqual([c.id, b.id, a.id]);
    const rows = await server.query(
      "SELECT view_id, position, width, height FROM board_tiles WHERE board_id = $1 ORDER BY position",
      [board.id],
    );
    expect(rows).toEqual([
      { view_id: c.id, position: 0, width: 4, height: 3 },
      { view_id: b.id, position: 1, width: 6, height: 2 },
      { view_id: a.id, position: 2, width: 6, height: 2 },
    ]);
    // A refused change leaves the board as it was.
    expectError(
      await call(`/api/boards/${board.id}`, {
        method: "PATCH",
        body: { name: "Renamed", tiles: [{ view: "gone" }] },
      }),
      400,
      "invalid_request",
    );
    const unchanged = await call<Board>(`/api/boards/${board.id}`);
    expect(unchanged.body.name).toBe("Weekly");
    expect(unchanged.body.tiles).toHaveLength(3);

    // Deleting a pinned view removes its tile, as the API says; the board stays.
    const gone = await call<{ id: string; boards: string[] }>(`/api/views/${b.id}`, { method: "DELETE" });
    expect(gone.body).toEqual({ id: b.id, boards: [board.id] });
    const after = await call<Board>(`/api/boards/${board.id}`);
    expect(after.body.tiles.map((t) => t.view.id)).toEqual([c.id, a.id]);
    const [left] = await server.query("SELECT count(*) AS n FROM board_tiles WHERE view_id = $1", [b.id]);
    expect(Number(left!.n)).toBe(0);

    const listed = await call<BoardList>("/api/boards?search=monday");
    expect(listed.body.items.map((i) => [i.id, i.tiles])).toEqual([[board.id, 2]]);
    expectError(await call("/api/boards/board_nope"), 404, "not_found");
    expectError(
      await call("/api/boards/board_nope", { method: "PATCH", body: { name: "x" } }),
      404,
      "not_found",
    );

    const removed = await call<{ id: string }>(`/api/boards/${board.id}`, { method: "DELETE" });
    expect(removed.body).toEqual({ id: board.id });
    expectError(await call(`/api/boards/${board.id}`), 404, "not_found");
    // Its views stay.
    expect((await call(`/api/views/${a.id}`)).status).toBe(200);
    const audit = await server.query("SELECT action FROM audit_log WHERE target = $1 ORDER BY id", [
      board.id,
    ]);
    expect(audit.map((r) => r.action)).toEqual(["board.create", "board.update", "board.delete"]);
  });

  it("documents every route with its access in the OpenAPI document", async () => {
    const doc = await call<{ paths: Record<string, Record<string, { "x-access"?: string }>> }>(
      "/api/openapi.json",
    );
    const access = (path: string, method: string) => doc.body.paths[path]?.[method]?.["x-access"];
    for (const base of ["/api/views", "/api/boards"]) {
      expect(access(base, "get")).toBe("analytics.read");
      expect(access(base, "post")).toBe("views.edit");
      expect(access(`${base}/{id}`, "get")).toBe("analytics.read");
      expect(access(`${base}/{id}`, "patch")).toBe("views.edit");
      expect(access(`${base}/{id}`, "delete")).toBe("views.edit");
    }
  });
});
