// Opens the write path of a store: identity graph, ingest log, loader and the writer requests use. The
// server and CLI commands that own the database file open it the same way, and both first replay what an
// earlier process acknowledged but did not store, so nothing reads a store that is missing acked events.
import type { Logger } from "pino";
import { EventWriter } from "../collect/writer.js";
import type { Config } from "../config.js";
import { IdentityGraph } from "../identity/graph.js";
import type { LiveFeed } from "../live/feed.js";
import type { Store } from "../store/database.js";
import { DuckDbTarget } from "./duckdb-target.js";
import { Loader } from "./loader.js";
import { IngestLog } from "./log.js";

export interface IngestPipeline {
  writer: EventWriter;
  loader: Loader;
  graph: IdentityGraph;
  /** Events replayed from the log at open. */
  replayed: number;
  /** Stops taking events and stores what the log holds. */
  close(): Promise<void>;
}

/** A log line holds one event and its envelope; the event's own size is capped by limits.maxEventBytes. */
const lineBytes = (config: Config) => 2 * config.limits.maxEventBytes + 64 * 1024;

export async function openIngest(
  store: Store,
  config: Config,
  logger: Logger,
  /** The server's live feed: told about every stored batch. */
  live?: LiveFeed,
): Promise<IngestPipeline> {
  const graph = new IdentityGraph(config.identity.caps);
  await graph.load(store.writer);
  const log = await IngestLog.open(
    IngestLog.dirFor(store.path),
    { maxSegmentBytes: config.writer.maxSegmentMb * 1024 * 1024 },
    logger,
  );
  const target = new DuckDbTarget(store, graph, lineBytes(config), live && { feed: live, log: logger });
  const loader = new Loader(log, target, { lingerMs: config.writer.loaderLingerMs, retryMs: 500 }, logger);
  const writer = new EventWriter(log, loader, graph, config.writer);
  loader.start();
  const replayed = log.backlog().events;
  if (replayed > 0) {
    logger.info({ events: replayed }, "storing events the ingest log still held from the last run");
    await loader.drain();
  }
  return {
    writer,
    loader,
    graph,
    replayed,
    async close() {
      await writer.close();
      await loader.stop();
    },
  };
}
