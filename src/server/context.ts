// What every operation needs (store, ingest writer, journey refresher, credentials, live feed, …), opened
// once by whoever owns the database file: the server at start-up, or a CLI command that runs without one.
import type { Logger } from "pino";
import { CredentialVerifier } from "../auth/credentials.js";
import { type Clock, systemClock } from "../clock.js";
import type { EventWriter } from "../collect/writer.js";
import type { Config } from "../config.js";
import { IdentifierRules } from "../identity/identifiers.js";
import { seedJourneyDefaults } from "../journey/definitions.js";
import { JourneyRefresher } from "../journey/refresh.js";
import { LiveFeed } from "../live/feed.js";
import { openIngest } from "../loader/pipeline.js";
import { createLogger, type DestinationStream } from "../logger.js";
import { finishPendingErasure } from "../privacy/erase.js";
import { Tombstones } from "../privacy/tombstones.js";
import { ok, type Result } from "../result.js";
import { openStore, type Store } from "../store/database.js";

export interface AppContext {
  config: Config;
  store: Store;
  writer: EventWriter;
  rules: IdentifierRules;
  /** Keeps stages, personas and the journey map's tables up to date. */
  journey: JourneyRefresher;
  /** Events as they are stored and journey refreshes, for live streams (src/live/). */
  live: LiveFeed;
  /** Erased people's identifiers (keyed hashes); the writer drops their events. */
  tombstones: Tombstones;
  writeKeys: CredentialVerifier;
  apiTokens: CredentialVerifier;
  log: Logger;
  /** "Now" for sessions, sign-in throttling and journey lapses. */
  clock: Clock;
}

/** Where a server and a one-shot command differ; a server passes `SERVER_CONTEXT`, a command nothing. */
export interface ContextOptions {
  /** Read connections: the store's default for a server; a command reads little at a time. */
  readers?: number;
  /** The configured level for a server; a command only warns, so its output stays its own. */
  logLevel?: Config["logLevel"];
  /** Where log lines go instead of stdout (tests read them). */
  logTo?: DestinationStream;
  /** "Now" for sessions and journey lapses (tests move it by hand); the machine's clock by default. */
  clock?: Clock;
  /** Stored events are told to live streams: only a server has streams to tell. */
  streamsLive?: boolean;
  /**
   * Finishes the compaction of an erasure a crash interrupted (its bytes may still be in the file); the
   * server does it before anything reads, a command leaves it to the next server start.
   */
  finishErasure?: boolean;
}

export const COMMAND_CONTEXT: ContextOptions = { readers: 2, logLevel: "warn" };

export interface OpenedContext {
  ctx: AppContext;
  /** Waits for a journey refresh under way, then closes the feed, the ingest log and the store. */
  close(): Promise<void>;
}

export async function openAppContext(
  config: Config,
  options: ContextOptions = {},
): Promise<Result<OpenedContext, string>> {
  const log = createLogger({ logLevel: options.logLevel ?? config.logLevel }, options.logTo);
  const opened = await openStore(config.databasePath, {
    ...(options.readers === undefined ? {} : { readers: options.readers }),
    checkpointThresholdMb: config.checkpointThresholdMb,
    memoryLimitMb: config.memoryLimitMb,
  });
  if (!opened.ok) return opened;
  const store = opened.value;
  if (options.finishErasure && (await finishPendingErasure(store)))
    log.info("finished the compaction of an interrupted erasure");
  const tombstones = await Tombstones.load(store);
  const clock = options.clock ?? systemClock;
  const live = new LiveFeed(config.live, clock);
  // Replays what the ingest log still holds (a server stopped before storing it) before anything reads.
  const ingest = await openIngest(store, config, log, options.streamsLive ? live : undefined);
  const writer = ingest.writer;
  writer.suppression = tombstones;
  await seedJourneyDefaults(store);
  const journey = new JourneyRefresher(store, log, clock);
  const writeKeys = new CredentialVerifier(store, "write_key");
  for (const key of config.devWriteKeys) writeKeys.allow(key, "dev");
  const ctx: AppContext = {
    config,
    store,
    writer,
    rules: new IdentifierRules(config.identity),
    journey,
    live,
    tombstones,
    writeKeys,
    apiTokens: new CredentialVerifier(store, "api_token"),
    log,
    clock,
  };
  let closing: Promise<void> | undefined;
  return ok({
    ctx,
    close() {
      closing ??= (async () => {
        await journey.idle();
        live.close();
        await ingest.close();
        await tombstones.flush();
        await store.close();
      })();
      return closing;
    },
  });
}
