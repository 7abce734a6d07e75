// Where the friction finder's settings are kept: the defaults until someone replaces them.

import { Value } from "@sinclair/typebox/value";
import { type Actor, auditedChange } from "../../audit/log.js";
import { err, ok, type Result } from "../../result.js";
import { all, type Store } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { checkFrictionSettings, defaultFrictionSettings, FrictionSettings } from "./settings.js";

export async function readFrictionSettings(conn: Connection): Promise<FrictionSettings> {
  const [row] = await all(conn, "SELECT doc FROM friction_settings WHERE id = 1");
  return row ? (JSON.parse(String(row.doc)) as FrictionSettings) : defaultFrictionSettings;
}

export const loadFrictionSettings = (store: Store): Promise<FrictionSettings> =>
  store.read(readFrictionSettings);

/** Replaces the settings; `null` goes back to the defaults. Audited with the settings before and after. */
export async function putFrictionSettings(
  store: Store,
  settings: FrictionSettings | null,
  actor: Actor,
): Promise<Result<FrictionSettings, { code: "invalid"; message: string }>> {
  if (settings !== null) {
    const first = [...Value.Errors(FrictionSettings, settings)][0];
    const why = first ? `${first.path || "/"}: ${first.message}` : checkFrictionSettings(settings);
    if (why) return err({ code: "invalid", message: why });
  }
  const after = settings ?? defaultFrictionSettings;
  await auditedChange(store, async (conn) => {
    const before = await readFrictionSettings(conn);
    if (settings === null) await conn.run("DELETE FROM friction_settings");
    else
      await conn.run("INSERT OR REPLACE INTO friction_settings VALUES (1, $1, now())", [
        JSON.stringify(settings),
      ]);
    const action = settings === null ? "friction_settings.reset" : "friction_settings.update";
    return { value: after, entry: { actor, action, before, after } };
  });
  return ok(after);
}
