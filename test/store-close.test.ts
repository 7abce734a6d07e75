// Closing the store while a read is still running (a request whose browser has gone away) must wait for
// that read and then close, not free the connection under it: that crashed a test process at its end.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { all, openStore } from "../src/store/database.js";
import { tempDir } from "./helpers/server.js";

it("waits for a running read before it closes, and refuses reads once closing", async () => {
  const dir = tempDir("store-close");
  try {
    const opened = await openStore(path.join(dir, "x.duckdb"));
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;
    // Long enough that close arrives while it runs (about a second on this machine).
    let finished = false;
    const slow = store
      .read((c) => all(c, "SELECT count(*) AS n FROM range(20000000) t(i) WHERE i % 7 = 3"))
      .then((rows) => {
        finished = true;
        return Number(rows[0]?.n);
      });
    await new Promise((r) => setTimeout(r, 20));
    await store.close();
    expect(finished).toBe(true);
    expect(await slow).toBe(2857143);
    await expect(store.read((c) => all(c, "SELECT 1"))).rejects.toThrow(/closing/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
