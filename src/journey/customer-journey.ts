// One customer's place on the journey: persona, current stage and the stage history with its causes.
import { all, runQuery, type Store } from "../store/database.js";
import { readDefinitions } from "./definitions.js";
import type { JourneyRefresher } from "./refresh.js";

export interface StageChange {
  at: string;
  from: string | null;
  to: string;
  /** signal: an event moved them on (messageId says which); lapse: a quiet spell moved them back. */
  cause: "signal" | "lapse";
  messageId: string | null;
}

export interface CustomerJourney {
  id: number;
  persona: { id: string; name: string } | null;
  stage: string | null;
  stageSince: string | null;
  history: StageChange[];
  asOf: string;
}

export async function getCustomerJourney(
  store: Store,
  refresher: JourneyRefresher,
  customerId: number,
): Promise<CustomerJourney | undefined> {
  const fresh = await refresher.refresh();
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const defs = await readDefinitions(conn);
        const [facts] = await all(
          conn,
          `SELECT f.customer_id, f.persona, f.stage, epoch_ms(f.stage_since) AS since
             FROM customers c JOIN customer_facts f ON f.customer_id = c.canonical_id WHERE c.id = $1`,
          [customerId],
        );
        if (!facts) return undefined;
        const id = Number(facts.customer_id);
        const rows = await all(
          conn,
          `SELECT epoch_ms(changed_at) AS at, from_stage, to_stage, cause, message_id FROM stage_transitions
            WHERE customer_id = $1 ORDER BY changed_at, cause <> 'lapse', message_id`,
          [id],
        );
        const key = (pos: unknown) =>
          pos === null || Number(pos) === 0 ? null : (defs.model.stages[Number(pos) - 1]?.key ?? null);
        const persona = defs.personas.find((p) => p.id === facts.persona);
        return {
          id,
          persona: persona ? { id: persona.id, name: persona.name } : null,
          stage: key(facts.stage),
          stageSince: facts.since === null ? null : new Date(Number(facts.since)).toISOString(),
          history: rows.map((r) => ({
            at: new Date(Number(r.at)).toISOString(),
            from: key(r.from_stage),
            to: key(r.to_stage) ?? String(r.to_stage),
            cause: String(r.cause) as StageChange["cause"],
            messageId: r.message_id === null ? null : String(r.message_id),
          })),
          asOf: fresh.refreshedAt,
        };
      }),
  });
}
