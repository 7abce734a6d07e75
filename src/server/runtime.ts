// Starts and stops a whole Itinera server: store, ingest log and loader, HTTP app, housekeeping.
// While it runs it owns the database file and leaves a runtime file (0600) beside it, so CLI
// commands on the same machine can find it and talk to its API instead of opening the file.
import fs from "node:fs";
import { getOverview } from "../analytics/overview.js";
import { createAccount } from "../auth/accounts.js";
import { createCredential, newSecret } from "../auth/credentials.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import { compactSearchTerms } from "../customers/terms.js";
import { buildJourneyMap } from "../journey/map/map.js";
import type { RefreshReport } from "../journey/refresh.js";
import { freshnessOf } from "../live/schema.js";
import type { DestinationStream } from "../logger.js";
import { applyRetention } from "../privacy/retention.js";
import { err, ok, type Result } from "../result.js";
import { unstoppable } from "../store/database.js";
import { buildApp } from "./app.js";
import { type AppContext, openAppContext } from "./context.js";

export interface RuntimeInfo {
  pid: number;
  url: string;
  /** A token valid only while this process runs; lets local CLI commands use the API. */
  token: string;
}

/** The account a new database starts with; its password is made up and printed once. */
export const FIRST_ADMIN = "admin@itinera.local";

export const runtimeFileOf = (databasePath: string) => `${databasePath}.server.json`;

export interface RunningServer {
  url: string;
  ctx: AppContext;
  /** Secrets created because the database was new (shown once), else undefined. */
  firstRun?: { writeKey: string; apiToken: string; admin: { email: string; password: string } };
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go instead of stdout (tests read them). */
  logTo?: DestinationStream;
  /** "Now" for sessions and journey lapses (tests move it by hand); the machine's clock by default. */
  clock?: Clock;
}

export async function startServer(
  config: Config,
  opts: StartOptions = {},
): Promise<Result<RunningServer, string>> {
  const opened = await openAppContext(config, {
    logTo: opts.logTo,
    clock: opts.clock,
    streamsLive: true,
    finishErasure: true,
  });
  if (!opened.ok) return opened;
  const { ctx } = opened.value;
  const { store, journey, live, apiTokens, log } = ctx;

  let firstRun: RunningServer["firstRun"];
  if (store.created) {
    const firstRunActor = { kind: "system", id: null, name: "first run" } as const;
    const key = await createCredential(store, "write_key", "default", "admin", firstRunActor);
    const token = await createCredential(store, "api_token", "admin", "admin", firstRunActor);
    const admin = await createAccount(
      store,
      { email: FIRST_ADMIN, name: "Administrator", role: "admin" },
      firstRunActor,
    );
    if (!admin.ok) {
      await opened.value.close();
      return err(`creating the first admin account failed: ${admin.error.message}`);
    }
    firstRun = {
      writeKey: key.secret,
      apiToken: token.secret,
      admin: { email: FIRST_ADMIN, password: admin.value.password },
    };
  }

  // Before listening, so a store that grew while offline (imports) searches fast from the start.
  await compactSearchTerms(store);
  const app = await buildApp(ctx);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await opened.value.close();
    const message =
      (e as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `port ${config.port} is in use; pass --port or set ITINERA_PORT`
        : (e as Error).message;
    return err(message);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;

  const runtimeToken = newSecret("api_token");
  apiTokens.allow(runtimeToken, "local-cli");
  const runtimeFile = runtimeFileOf(store.path);
  const info: RuntimeInfo = { pid: process.pid, url, token: runtimeToken };
  fs.writeFileSync(runtimeFile, JSON.stringify(info), { mode: 0o600 });

  const housekeep = async () => {
    await compactSearchTerms(store).catch((e: unknown) =>
      log.warn({ err: e }, "sorting search terms failed; will retry"),
    );
    await store
      .exclusive((c) =>
        c.run(
          `DELETE FROM seen_messages WHERE received_at < now()::TIMESTAMP - to_days(CAST($1 AS INTEGER))`,
          [config.dedupeWindowDays],
        ),
      )
      .catch((e: unknown) => log.warn({ err: e }, "pruning the dedupe window failed; will retry"));
  };
  // Every ten minutes: cheap when there is nothing to do (two counts).
  const housekeeping = setInterval(housekeep, 600_000);
  housekeeping.unref();
  // After every refresh that changed the journey tables (periodic, after new events, or asked for by a
  // request), the views a visitor opens first (the overview and the map of everyone, default period) are
  // computed in the background and kept (src/journey/result-cache.ts), then live streams are told, so the
  // dashboards that reload on the news find them ready.
  let warming: Promise<unknown> = Promise.resolve();
  let newestGeneration = -1;
  let stopping = false;
  const warmAndAnnounce = (r: RefreshReport) => {
    newestGeneration = Math.max(newestGeneration, r.generation);
    warming = warming.then(() =>
      unstoppable(async () => {
        // A newer refresh is queued behind this one: its own turn warms and announces.
        if (stopping || r.generation < newestGeneration) return;
        try {
          // With this refresh's report: asking for another would take in events that arrived since,
          // work the next refresh (and what it reports) is for.
          await getOverview(store, journey, {}, r);
          await buildJourneyMap(store, journey, {}, r);
        } catch (e) {
          log.warn({ err: e }, "computing the first views ahead failed; they are computed on request");
        }
        live.journeyChanged(freshnessOf(r));
      }),
    );
  };
  journey.onChange = warmAndAnnounce;
  const refreshJourney = () =>
    journey.refresh().catch((e: unknown) => log.warn({ err: e }, "journey refresh failed; will retry"));
  // New events bring a refresh a few seconds later (events arriving meanwhile join it), at most one per
  // interval: the overview and the map follow new data within seconds, at one incremental refresh's cost.
  const liveGapMs = config.live.refreshAfterEventsSeconds * 1000;
  let liveRefresh: NodeJS.Timeout | undefined;
  let lastLiveRefresh = 0;
  live.onStored = () => {
    if (liveGapMs <= 0 || stopping || liveRefresh) return;
    const wait = Math.max(liveGapMs, lastLiveRefresh + liveGapMs - Date.now());
    liveRefresh = setTimeout(() => {
      liveRefresh = undefined;
      lastLiveRefresh = Date.now();
      void refreshJourney();
    }, wait);
    liveRefresh.unref();
  };
  const journeyTimer =
    config.journeyRefreshSeconds > 0
      ? setInterval(refreshJourney, config.journeyRefreshSeconds * 1000)
      : undefined;
  journeyTimer?.unref();
  // Now rather than at the first map request: the demo world or an import may have added much.
  void refreshJourney();
  // Retention (config.retention): once at start, then daily.
  const applyRetentionNow = () =>
    applyRetention(ctx, { actor: { kind: "system", id: null, name: "retention" } }).catch((e: unknown) =>
      log.warn({ err: e }, "applying retention failed; will retry tomorrow"),
    );
  const retentionTimer = config.retention.length > 0 ? setInterval(applyRetentionNow, 86_400_000) : undefined;
  retentionTimer?.unref();
  if (config.retention.length > 0) void applyRetentionNow();

  let closing: Promise<void> | undefined;
  return ok({
    url,
    ctx,
    firstRun,
    close() {
      closing ??= (async () => {
        clearInterval(housekeeping);
        clearInterval(journeyTimer);
        clearInterval(retentionTimer);
        clearTimeout(liveRefresh);
        stopping = true;
        await journey.idle();
        await warming;
        // Ends the live streams (a preClose hook, src/server/routes/live.ts) before the server closes.
        await app.close();
        await opened.value.close();
        fs.rmSync(runtimeFile, { force: true });
      })();
      return closing;
    },
  });
}
