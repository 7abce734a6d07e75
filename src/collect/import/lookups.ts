// The two per-row decisions whose rules live in Node: phone numbers (libphonenumber, via IdentifierRules)
// and channels (collect/channel.ts). Each is taken once per DISTINCT input, not per row, and the answers
// go back into a temp table that the chunk insert joins.

import type { IdentifierRules } from "../../identity/identifiers.js";
import { all } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { type Channel, channelFromName, inferChannel } from "../channel.js";

/** Fills `table (raw, e164)` with the E.164 form of every distinct raw phone of the staged rows. */
export async function resolvePhones(
  conn: Connection,
  staged: string,
  table: string,
  rules: IdentifierRules,
): Promise<number> {
  const reader = await conn.runAndReadAll(
    `SELECT DISTINCT phone_raw FROM ${staged} WHERE phone_raw IS NOT NULL AND reason IS NULL`,
  );
  const raws = (reader.getColumnsJS()[0] ?? []) as string[];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (raw VARCHAR, e164 VARCHAR)`);
  const ap = await conn.createAppender(table, null, "temp");
  // The API's whole phone rule (parse, possible-number check, junk numbers), for all of them at once.
  const phones = rules.phones(raws);
  for (const [i, raw] of raws.entries()) {
    const phone = phones[i];
    if (phone === undefined) continue;
    ap.appendVarchar(raw);
    ap.appendVarchar(phone);
    ap.endRow();
  }
  ap.closeSync();
  return raws.length;
}

/** The inputs of the channel rule staging.ts kept (see channelStruct); absent ones are undefined. */
interface Features {
  type: string | null;
  event: string | null;
  explicit?: string | null;
  ctx?: string | null;
  prop?: string | null;
  sdk?: string | null;
  app?: boolean;
  os?: string | null;
  page?: boolean;
  ua?: boolean;
  lib?: boolean;
}

/** The channel of one distinct combination of the rule's inputs: explicit column, then flag, then the rule. */
function channelOf(f: Features, flag: Channel | undefined): Channel {
  const explicit = channelFromName(f.explicit) ?? flag;
  if (explicit) return explicit;
  return inferChannel({
    type: f.type ?? "track",
    event: f.event,
    channel: f.sdk ?? undefined,
    context: {
      ...(f.ctx != null ? { channel: f.ctx } : {}),
      ...(f.app ? { app: true } : {}),
      ...(f.os != null ? { os: { name: f.os } } : {}),
      ...(f.page ? { page: true } : {}),
      ...(f.ua ? { userAgent: "" } : {}),
      ...(f.lib ? { library: true } : {}),
    },
    properties: f.prop != null ? { channel: f.prop } : {},
  });
}

/** Fills `table (ch, channel)` with the channel of every distinct channel-rule input of the staged rows. */
export async function resolveChannels(
  conn: Connection,
  staged: string,
  table: string,
  flag: Channel | undefined,
): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${table} AS
     SELECT row_number() OVER () AS k, ch, NULL::VARCHAR AS channel
       FROM (SELECT DISTINCT ch FROM ${staged} WHERE reason IS NULL)`,
  );
  const rows = await all(conn, `SELECT k, ch FROM ${table}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table}_v (k BIGINT, channel VARCHAR)`);
  const ap = await conn.createAppender(`${table}_v`, null, "temp");
  for (const r of rows) {
    ap.appendBigInt(BigInt(r.k as bigint));
    ap.appendVarchar(channelOf(r.ch as unknown as Features, flag));
    ap.endRow();
  }
  ap.closeSync();
  await conn.run(`UPDATE ${table} t SET channel = v.channel FROM ${table}_v v WHERE v.k = t.k`);
  await conn.run(`DROP TABLE ${table}_v`);
}
