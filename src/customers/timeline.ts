// One customer's events across every channel, newest first, with cursor pagination.

import { readDefinitions } from "../journey/definitions.js";
import type { TouchpointKind } from "../journey/touchpoints.js";
import { all, runQuery, type Store } from "../store/database.js";
import { type Connection, sqlList } from "../store/driver.js";
import { customerEventsCte, findMembers, placeholders } from "./members.js";

export interface TimelineQuery {
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  channels?: string[];
  events?: string[];
}

export interface TimelineEvent {
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  timestamp: string;
  receivedAt: string;
  anonymousId: string | null;
  userId: string | null;
  properties: Record<string, unknown> | null;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  source: string;
  /** The catalogue touchpoint the event matched at the last journey refresh, with its satisfaction. */
  touchpoint: { id: string; name: string; kind: TouchpointKind; feedback: number | null } | null;
}

export interface TimelinePage {
  customerId: number;
  events: TimelineEvent[];
  nextCursor: string | null;
}

interface Cursor {
  t: number; // timestamp, epoch microseconds
  m: string; // message id
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

/** Undefined when the cursor is not one this API issued. */
export function decodeCursor(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<Cursor>;
    return typeof c.t === "number" && typeof c.m === "string" ? { t: c.t, m: c.m } : undefined;
  } catch {
    return undefined;
  }
}

const parse = (v: unknown) =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as Record<string, unknown>);

export async function getTimeline(
  store: Store,
  customerId: number,
  q: TimelineQuery,
): Promise<TimelinePage | undefined> {
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const members = await findMembers(conn, customerId);
        if (!members) return undefined;
        const ids = members.identities.map((i) => i.id);
        const n = ids.length;
        const rows = await all(
          conn,
          `WITH ${customerEventsCte(n)}
           SELECT message_id, type, event, channel, epoch_us(timestamp) AS ts_us, epoch_ms(received_at) AS received,
                  anonymous_id, user_id, properties, traits, context, source
             FROM ev
            WHERE ($${n + 1}::VARCHAR[] IS NULL OR list_contains($${n + 1}::VARCHAR[], channel))
              AND ($${n + 2}::VARCHAR[] IS NULL OR list_contains($${n + 2}::VARCHAR[], event))
              AND ($${n + 3}::BIGINT IS NULL OR epoch_us(timestamp) < $${n + 3}
                   OR (epoch_us(timestamp) = $${n + 3} AND message_id < $${n + 4}))
            ORDER BY timestamp DESC, message_id DESC
            LIMIT $${n + 5}`,
          [
            ...ids,
            q.channels?.length ? sqlList(q.channels) : null,
            q.events?.length ? sqlList(q.events) : null,
            cursor ? cursor.t : null,
            cursor ? cursor.m : null,
            q.limit + 1,
          ],
        );
        const page = rows.slice(0, q.limit);
        const last = page[page.length - 1];
        const touchpoints = await matchedTouchpoints(
          conn,
          page.map((r) => String(r.message_id)),
        );
        return {
          customerId: members.id,
          events: page.map((r) => ({
            messageId: String(r.message_id),
            type: String(r.type),
            event: r.event === null ? null : String(r.event),
            channel: String(r.channel),
            timestamp: new Date(Number(r.ts_us) / 1000).toISOString(),
            receivedAt: new Date(Number(r.received)).toISOString(),
            anonymousId: r.anonymous_id === null ? null : String(r.anonymous_id),
            userId: r.user_id === null ? null : String(r.user_id),
            properties: parse(r.properties),
            traits: parse(r.traits),
            context: parse(r.context),
            source: String(r.source),
            touchpoint: touchpoints.get(String(r.message_id)) ?? null,
          })),
          nextCursor:
            rows.length > q.limit && last
              ? encodeCursor({ t: Number(last.ts_us), m: String(last.message_id) })
              : null,
        };
      }),
  });
}

/** The touchpoints the journey refresh matched to these events (by message id), named from the catalogue. */
async function matchedTouchpoints(
  conn: Connection,
  messageIds: string[],
): Promise<Map<string, NonNullable<TimelineEvent["touchpoint"]>>> {
  const out = new Map<string, NonNullable<TimelineEvent["touchpoint"]>>();
  if (messageIds.length === 0) return out;
  const rows = await all(
    conn,
    `SELECT message_id, touchpoint, feedback FROM journey_events
      WHERE touchpoint IS NOT NULL AND message_id IN (${placeholders(messageIds.length)})`,
    messageIds,
  );
  if (rows.length === 0) return out;
  const catalogue = new Map((await readDefinitions(conn)).touchpoints.map((t) => [t.id, t]));
  for (const r of rows) {
    const t = catalogue.get(String(r.touchpoint));
    // A touchpoint removed since the last refresh no longer names anything.
    if (!t) continue;
    out.set(String(r.message_id), {
      id: t.id,
      name: t.name,
      kind: t.kind,
      feedback: r.feedback === null ? null : Number(r.feedback),
    });
  }
  return out;
}
