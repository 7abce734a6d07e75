// Applying suggestions: each chosen one (as proposed, or with its name, stage or advances changed)
// becomes a touchpoint through addTouchpoint, the same path as POST /api/touchpoints, so the checks, the
// audit trail and the journey refresh are the same.
import type { Actor } from "../../audit/log.js";
import type { Store } from "../../store/database.js";
import { addTouchpoint } from "../definitions.js";
import type { ApplyRequest, ApplyResult } from "./schema.js";
import { suggestTouchpoints } from "./suggest.js";

export async function applySuggestions(store: Store, req: ApplyRequest, actor: Actor): Promise<ApplyResult> {
  // Suggestions are computed again rather than kept: an id names an event name, stable while the data is.
  const { items } = await suggestTouchpoints(store, { limit: 1000 });
  const byId = new Map(items.map((s) => [s.id, s]));
  const chosen: NonNullable<ApplyRequest["items"]> = req.items ?? items.map((s) => ({ id: s.id }));
  const out: ApplyResult = { created: [], refused: [] };
  // One at a time, in the suggestions' order (stage, then place in the path), so the catalogue reads as
  // the journey does; a refused one (a name taken since, an edited stage that does not exist) does not
  // stop the others.
  const order = new Map(items.map((s, i) => [s.id, i]));
  const sorted = [...chosen].sort((a, b) => (order.get(a.id) ?? -1) - (order.get(b.id) ?? -1));
  for (const pick of sorted) {
    const s = byId.get(pick.id);
    if (!s) {
      out.refused.push({
        id: pick.id,
        message: `no suggestion "${pick.id}" (its events may be matched now)`,
      });
      continue;
    }
    const input = {
      ...s.touchpoint,
      ...(pick.name === undefined ? {} : { name: pick.name }),
      ...(pick.stage === undefined ? {} : { stage: pick.stage }),
      ...(pick.advances === undefined ? {} : { advances: pick.advances }),
    };
    const added = await addTouchpoint(store, input, undefined, actor);
    if (added.ok) out.created.push(added.value);
    else out.refused.push({ id: pick.id, message: added.error.message });
  }
  return out;
}
