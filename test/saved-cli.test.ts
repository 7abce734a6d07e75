// `itinera views` and `itinera boards` of the built CLI, on the database file and through a running
// server's API: the same JSON both ways, the tables it leaves, and usage errors with their exit codes.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Board, BoardList, SavedView, SavedViewList } from "../src/saved/schema.js";
import { ensureBuilt, killAll, runCli, runCliJson } from "./helpers/cli.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("saved-cli");
});
afterAll(async () => {
  await killAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(["file", "server"] as const)("views and boards commands (%s)", (mode) => {
  let db: string;
  let server: TestServer | undefined;
  const json = <T>(args: string[]) => runCliJson<T>(dir, ["--db", db, ...args]);
  const cli = (args: string[]) => runCli(dir, ["--db", db, ...args]);

  beforeAll(async () => {
    db = path.join(dir, `${mode}.duckdb`);
    if (mode === "server") server = await startTestServer({ databasePath: db });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("saves views, finds them, pins them to a board, unpins and deletes", async () => {
    const funnel = await json<SavedView>([
      "views",
      "create",
      ...["--name", "Tim's checkout", "--description", "Weekly look"],
      ...["--url", "/funnels?persona=tech-savvy-tim&interval=week"],
    ]);
    expect(funnel).toMatchObject({
      kind: "funnels",
      name: "Tim's checkout",
      description: "Weekly look",
      state: { persona: "tech-savvy-tim", interval: "week" },
      owner: { kind: "cli" },
    });
    const retention = await json<SavedView>([
      ...["views", "create", "--name", "App retention", "--kind", "retention"],
      ...["--state", '{"persona":"tech-savvy-tim"}'],
    ]);
    expect(retention.state).toEqual({ persona: "tech-savvy-tim" });

    const found = await json<SavedViewList>(["views", "list", "--search", "CHECKOUT"]);
    expect(found.items.map((v) => v.id)).toEqual([funnel.id]);
    expect(
      (await json<SavedViewList>(["views", "list", "--kind", "retention"])).items.map((v) => v.id),
    ).toEqual([retention.id]);

    const board = await json<Board>(["boards", "create", "--name", "Monday", "--view", funnel.id]);
    expect(board.tiles.map((t) => t.view.id)).toEqual([funnel.id]);
    const pinned = await json<Board>([
      "boards",
      "pin",
      board.id,
      retention.id,
      "--position",
      "1",
      "--width",
      "12",
    ]);
    expect(pinned.tiles.map((t) => [t.view.id, t.width])).toEqual([
      [retention.id, 12],
      [funnel.id, 6],
    ]);
    const shown = await json<Board>(["boards", "show", board.id]);
    expect(shown).toEqual(pinned);
    const human = await cli(["boards", "show", board.id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("App retention");
    expect(human.stdout).toContain("12×2");
    expect((await json<BoardList>(["boards", "list"])).items.map((b) => [b.id, b.tiles])).toEqual([
      [board.id, 2],
    ]);

    const unpinned = await json<Board>(["boards", "unpin", board.id, retention.id]);
    expect(unpinned.tiles.map((t) => t.view.id)).toEqual([funnel.id]);
    const notThere = await cli(["boards", "unpin", board.id, retention.id]);
    expect(notThere.code).toBe(3);

    const deleted = await json<{ id: string; boards: string[] }>(["views", "delete", funnel.id]);
    expect(deleted).toEqual({ id: funnel.id, boards: [board.id] });
    expect((await json<Board>(["boards", "show", board.id])).tiles).toEqual([]);
    expect(await json<{ id: string }>(["boards", "delete", board.id])).toEqual({ id: board.id });

    const missing = await cli(["--json", "views", "show", funnel.id]);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout).error.message).toContain(funnel.id);
    // Sixteen CLI processes, each opening the file or calling the server: minutes on a loaded machine.
  }, 300_000);

  it("explains bad usage", async () => {
    const both = await cli(["views", "create", "--name", "x"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--url or --kind");
    const page = await cli(["views", "create", "--name", "x", "--url", "/customers?q=ada"]);
    expect(page.code).toBe(2);
    expect(page.stderr).toContain("not a view that can be saved");
    const unknown = await cli(["boards", "create", "--name", "x", "--view", "view_nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no saved view "view_nope"');
    const help = await cli(["boards", "pin", "--help"]);
    expect(help.stdout).toContain("--position");
  });
});
