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
    // The read holds its connection until the test opens the gate, so it is provably still running when
    // close is called, whatever the machine's speed; then it queries on that very connection.
    const order: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    let openGate!: () => void;
    const gate = new Promise<void>((r) => {
      openGate = r;
    });
    const read = store.read(async (c) => {
      started();
      await gate;
      const rows = await all(c, "SELECT count(*)::INTEGER AS n FROM range(7000) t(i) WHERE i % 7 = 3");
      order.push("read finished");
      return rows[0]?.n;
    });
    await running;
    const closed = store.close().then(() => order.push("closed"));
    // Closing has begun: a new read is refused at once, while the running one goes on.
    await expect(store.read((c) => all(c, "SELECT 1"))).rejects.toThrow(/closing/);
    expect(order).toEqual([]);
    openGate();
    await closed;
    expect(order).toEqual(["read finished", "closed"]);
    expect(await read).toBe(1000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
