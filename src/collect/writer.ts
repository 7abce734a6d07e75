// The write side of collection: a request's validated events become lines of the ingest log, and the
// request is acknowledged once they are on disk (src/loader/log.ts). The loader stores them shortly after;
// a request that asks to wait (`?wait=stored`) is answered once they are readable, with exact counts.
import type { Config } from "../config.js";
import type { IdentityGraph } from "../identity/graph.js";
import { identifierKey } from "../identity/identifiers.js";
import type { Loader } from "../loader/loader.js";
import type { IngestLog } from "../loader/log.js";
import { err, ok, type Result } from "../result.js";
import type { NormalisedEvent } from "./normalise.js";

export interface WriteOutcome {
  /** Events written to the ingest log; with `wait`, events stored (new, not duplicates). */
  accepted: number;
  /** Repeats within the request; with `wait`, every event the store already had too. */
  duplicates: number;
  /** Events of erased people (src/privacy/tombstones.ts), dropped and counted, not stored. */
  suppressed: number;
}

/** Decides which events are dropped before they are stored; the tombstones of erased people. */
export interface EventSuppression {
  readonly active: boolean;
  /** `stored(key)`: the identifier is known to be stored, so it cannot be under a tombstone. */
  drops(e: NormalisedEvent, stored: (key: string) => boolean): boolean;
}

export type WriteError = "overloaded" | "closed" | "not_stored";

const text = (v: string | null) => (v === null ? "null" : JSON.stringify(v));

/** One event as a log line in the batch shape (src/loader/batch.ts); JSON fields are embedded as they are. */
function logLine(e: NormalisedEvent, seq: number, tag: number): string {
  return `{"seq":${seq},"tag":${tag},"message_id":${JSON.stringify(e.messageId)},"type":${JSON.stringify(e.type)},"event":${text(e.event)},"channel":${JSON.stringify(e.channel)},"ts_ms":${e.timestamp},"received_ms":${e.receivedAt},"sent_ms":${e.sentAt ?? "null"},"anonymous_id":${text(e.anonymousId)},"user_id":${text(e.userId)},"previous_id":${text(e.previousId)},"properties":${e.properties ?? "null"},"traits":${e.traits ?? "null"},"context":${e.context ?? "null"},"source":${JSON.stringify(e.source)},"keys":${JSON.stringify(e.identifiers.map(identifierKey))},"names":${JSON.stringify(e.names)}}\n`;
}

export class EventWriter {
  private closed = false;
  /** Request tags start from the clock, so a tag of an earlier process's segment never meets a new one. */
  private nextTag = Date.now() * 1000;
  private nextSeq = 0;
  /** Set once the tombstones are loaded. */
  suppression: EventSuppression | undefined;

  constructor(
    private readonly log: IngestLog,
    readonly loader: Loader,
    /** The identity graph of this store; the loader and the importer stitch through the same one. */
    readonly graph: IdentityGraph,
    private readonly settings: Config["writer"],
  ) {}

  /**
   * Resolves once the events are durable in the ingest log (or, with `wait`, stored and readable). Fails
   * as a value when the loader is too far behind (overloaded), when closed, or when a waited-for load fails.
   */
  async write(
    events: NormalisedEvent[],
    opts: { wait?: boolean } = {},
  ): Promise<Result<WriteOutcome, WriteError>> {
    if (this.closed) return err("closed");
    let suppressed = 0;
    if (this.suppression?.active) {
      const kept = events.filter((e) => !this.suppression!.drops(e, (k) => this.graph.isStored(k)));
      suppressed = events.length - kept.length;
      events = kept;
    }
    // Repeats inside one request are known now; repeats of stored events, once the loader looks.
    const seen = new Set<string>();
    const unique = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId));
    const repeats = events.length - unique.length;
    if (unique.length === 0) return ok({ accepted: 0, duplicates: repeats, suppressed });
    if (this.log.backlog().events + unique.length > this.settings.maxBacklogEvents) return err("overloaded");

    const tag = this.nextTag++;
    let lines = "";
    for (const e of unique) lines += logLine(e, this.nextSeq++, tag);
    const stored = opts.wait ? this.loader.waitFor(tag, unique.length) : null;
    // A rejection before anyone awaits it must not surface as unhandled.
    stored?.catch(() => undefined);
    try {
      await this.log.append(lines, unique.length, tag, unique[0]!.receivedAt);
    } catch (e) {
      this.loader.forget(tag);
      if (this.closed) return err("closed");
      throw e;
    }
    if (!stored) return ok({ accepted: unique.length, duplicates: repeats, suppressed });
    try {
      const o = await stored;
      return ok({
        accepted: o.stored,
        duplicates: repeats + o.duplicates,
        suppressed: suppressed + o.suppressed,
      });
    } catch {
      return err("not_stored");
    }
  }

  /** Stops taking requests; what was acknowledged stays in the log for the loader. */
  async close(): Promise<void> {
    this.closed = true;
    await this.log.close();
  }
}
