// One customer's profile: identifiers and why they were linked, traits merged latest-wins with the
// source of each, first/last seen, and activity per channel.
import { all, runQuery, type Store } from "../store/database.js";
import { type CustomerIdentity, customerEventsCte, findMembers, placeholders } from "./members.js";

export interface TraitValue {
  value: unknown;
  /** Where the latest value came from. */
  source: { messageId: string; channel: string; source: string; at: string };
}

export interface LinkEvidence {
  at: string;
  messageId: string | null;
  eventType: string | null;
  from: { kind: string; value: string };
  to: { kind: string; value: string };
  accepted: boolean;
  reason: string;
  /** For an accepted merge of two existing customers, the id that was absorbed. */
  absorbedCustomer: number | null;
}

export interface CustomerProfile {
  id: number;
  identifiers: CustomerIdentity[];
  traits: Record<string, TraitValue>;
  firstSeen: string | null;
  lastSeen: string | null;
  eventCount: number;
  channels: Array<{ channel: string; events: number; firstSeen: string; lastSeen: string }>;
  links: LinkEvidence[];
}

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

export async function getCustomer(store: Store, customerId: number): Promise<CustomerProfile | undefined> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const members = await findMembers(conn, customerId);
        if (!members) return undefined;
        const ids = members.identities.map((i) => i.id);
        const channels = await all(
          conn,
          `WITH ${customerEventsCte(ids.length)}
           SELECT channel, count(*) AS n, epoch_ms(min(timestamp)) AS first, epoch_ms(max(timestamp)) AS last
             FROM ev GROUP BY channel ORDER BY n DESC, channel`,
          ids,
        );
        // Identify calls carry traits at the top; other calls may carry them in context.traits.
        const traits = await all(
          conn,
          `WITH ${customerEventsCte(ids.length)},
           t AS (
             SELECT e.timestamp, e.message_id, e.channel, e.source, j.key, j.value
               FROM ev e, json_each(coalesce(e.traits, json_extract(e.context, '$.traits'))) j
              WHERE coalesce(e.traits, json_extract(e.context, '$.traits')) IS NOT NULL
           )
           SELECT key,
                  arg_max(value, (timestamp, message_id)) AS value,
                  arg_max({'messageId': message_id, 'channel': channel, 'source': source,
                           'at': epoch_ms(timestamp)}, (timestamp, message_id)) AS src
             FROM t GROUP BY key ORDER BY key`,
          ids,
        );
        const links = await all(
          conn,
          `SELECT epoch_ms(l.linked_at) AS at, l.message_id, l.event_type, l.accepted, l.reason, l.absorbed_customer,
                  f.kind AS from_kind, f.value AS from_value, t.kind AS to_kind, t.value AS to_value
             FROM identity_links l
             JOIN identities f ON f.id = l.from_identity
             JOIN identities t ON t.id = l.to_identity
            WHERE l.from_identity IN (${placeholders(ids.length)}) OR l.to_identity IN (${placeholders(ids.length)})
            ORDER BY l.linked_at, l.message_id`,
          ids,
        );
        const eventCount = channels.reduce((s, c) => s + Number(c.n), 0);
        return {
          id: members.id,
          identifiers: members.identities,
          traits: Object.fromEntries(
            traits.map((t) => {
              const src = t.src as Record<string, unknown>;
              return [
                String(t.key),
                {
                  value: JSON.parse(String(t.value)),
                  source: {
                    messageId: String(src.messageId),
                    channel: String(src.channel),
                    source: String(src.source),
                    at: iso(src.at),
                  },
                },
              ];
            }),
          ),
          firstSeen: channels.length ? iso(Math.min(...channels.map((c) => Number(c.first)))) : null,
          lastSeen: channels.length ? iso(Math.max(...channels.map((c) => Number(c.last)))) : null,
          eventCount,
          channels: channels.map((c) => ({
            channel: String(c.channel),
            events: Number(c.n),
            firstSeen: iso(c.first),
            lastSeen: iso(c.last),
          })),
          links: links.map((l) => ({
            at: iso(l.at),
            messageId: l.message_id === null ? null : String(l.message_id),
            eventType: l.event_type === null ? null : String(l.event_type),
            from: { kind: String(l.from_kind), value: String(l.from_value) },
            to: { kind: String(l.to_kind), value: String(l.to_value) },
            accepted: Boolean(l.accepted),
            reason: String(l.reason),
            absorbedCustomer: l.absorbed_customer === null ? null : Number(l.absorbed_customer),
          })),
        };
      }),
  });
}
