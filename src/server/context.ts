// What every route needs, built once at start-up.
import type { Logger } from "pino";
import type { CredentialVerifier } from "../auth/credentials.js";
import type { Clock } from "../clock.js";
import type { EventWriter } from "../collect/writer.js";
import type { Config } from "../config.js";
import type { IdentifierRules } from "../identity/identifiers.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import type { LiveFeed } from "../live/feed.js";
import type { Tombstones } from "../privacy/tombstones.js";
import type { Store } from "../store/database.js";

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
