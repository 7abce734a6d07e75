// The ingest log's disk writes, on a thread of their own. Node's asynchronous file calls run on libuv's
// small shared thread pool, where @duckdb/node-api also runs every query: five long analyses would hold
// an acknowledgement (a write and an fdatasync) for as long as they run. This thread does nothing else, so
// an ack waits only for the disk.
import { Worker } from "node:worker_threads";

// Plain CommonJS for an eval'd worker: open, append-and-sync, close, sync a directory.
const WORKER = `
const fs = require("node:fs");
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ id, op, path, fd, data }) => {
  try {
    let result = null;
    if (op === "open") {
      result = fs.openSync(path, "wx");
      const dir = fs.openSync(require("node:path").dirname(path), "r");
      try { fs.fsyncSync(dir); } finally { fs.closeSync(dir); }
    } else if (op === "append") {
      const buf = Buffer.from(data);
      let written = 0;
      while (written < buf.length) written += fs.writeSync(fd, buf, written, buf.length - written);
      fs.fdatasyncSync(fd);
    } else if (op === "close") {
      fs.closeSync(fd);
    }
    parentPort.postMessage({ id, result });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: e.message, code: e.code } });
  }
});
`;

interface Reply {
  id: number;
  result?: number | null;
  error?: { message: string; code?: string };
}

export class LogIo {
  private readonly worker = new Worker(WORKER, { eval: true });
  private readonly pending = new Map<
    number,
    { resolve: (v: number | null) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;

  constructor() {
    // An idle log must not keep the process alive; a call in flight does (ref'd until its answer).
    this.worker.unref();
    this.worker.on("message", (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      if (r.error) p.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
      else p.resolve(r.result ?? null);
    });
    this.worker.on("error", (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  private call(msg: { op: string; path?: string; fd?: number; data?: ArrayBuffer }): Promise<number | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg }, msg.data ? [msg.data] : []);
    });
  }

  /** Creates a new file (it must not exist) and makes its directory entry durable; returns its fd. */
  async create(path: string): Promise<number> {
    return (await this.call({ op: "open", path })) as number;
  }

  /** Appends all of `data` and waits for fdatasync. */
  async append(fd: number, data: Buffer): Promise<void> {
    // A copy the worker may own (transferred, not cloned again).
    const owned = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    await this.call({ op: "append", fd, data: owned });
  }

  async close(fd: number): Promise<void> {
    await this.call({ op: "close", fd });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
