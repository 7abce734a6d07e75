// Runs the demo-world simulation in a worker thread with a capped heap: the simulation makes a lot of
// short-lived garbage, and an uncapped V8 heap on a big machine lets RSS grow far past what is live.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type Generated, generateFiles, type WorldProgress } from "./files.js";
import type { WorldOptions } from "./world.js";

interface Job {
  options: WorldOptions;
  dir: string;
  jsonlName: string;
  eventsName: string;
}

type Message =
  | { kind: "progress"; done: number; total: number; startedAt: number }
  | { kind: "done"; generated: Generated };

/** Live heap is about 2.5 KB per customer plus a few days of messages; the cap leaves room for both. */
const heapCapMb = (customers: number) => Math.round(320 + customers * 0.004);

export function generateInWorker(job: Job, onProgress?: WorldProgress): Promise<Generated> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "threads.js");
  const worker = new Worker(file, {
    workerData: { ...job, options: { ...job.options, end: job.options.end.toISOString() } },
    resourceLimits: { maxOldGenerationSizeMb: heapCapMb(job.options.customers) },
  });
  return new Promise((resolve, reject) => {
    let result: Generated | undefined;
    worker.on("message", (m: Message) => {
      if (m.kind === "progress") onProgress?.(m.done, m.total, m.startedAt);
      else result = m.generated;
    });
    worker.on("error", reject);
    worker.on("exit", (code) =>
      result ? resolve(result) : reject(new Error(`demo world worker stopped (exit code ${code})`)),
    );
  });
}

if (!isMainThread && parentPort && (workerData as { jsonlName?: string })?.jsonlName) {
  const job = workerData as Omit<Job, "options"> & { options: Omit<WorldOptions, "end"> & { end: string } };
  const port = parentPort;
  const options = { ...job.options, end: new Date(job.options.end) };
  const generated = generateFiles(options, job.dir, job.jsonlName, job.eventsName, (done, total, startedAt) =>
    port.postMessage({ kind: "progress", done, total, startedAt } satisfies Message),
  );
  port.postMessage({ kind: "done", generated } satisfies Message);
}
