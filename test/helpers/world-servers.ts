// The hand-made worlds of test/helpers/worlds.ts on real servers, for the friction tests that share them:
// a world loaded (planted or healthy) with its frictions and map of the whole period, and the ways to
// read the customers behind a friction.

import { expect } from "vitest";
import type { Friction, FrictionCustomers, FrictionList } from "../../src/analytics/frictions/schema.js";
import { expectOk, type JourneyMap, type JourneyModel, qs } from "./journey.js";
import { startTestServer, type TestServer } from "./server.js";
import { customerIds, loadWorld, makeWorld, PERIOD, type Track, type World } from "./worlds.js";

export interface Loaded {
  server: TestServer;
  world: World;
  ids: Map<string, number>;
  list: FrictionList;
  map: JourneyMap;
}

/**
 * A server with the world loaded; `more` adds events to it and `model` changes the journey model after
 * loading (for a problem one test plants on its own).
 */
export async function openWorld(
  planted: boolean,
  opts: { more?: readonly Track[]; model?: Partial<JourneyModel> } = {},
): Promise<Loaded> {
  const server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  const base = makeWorld(planted);
  const world = { ...base, events: [...base.events, ...(opts.more ?? [])].sort((a, b) => a.ms - b.ms) };
  await loadWorld(server, world);
  if (opts.model) {
    const model = expectOk(await server.api<JourneyModel>("/api/journey-model"));
    expectOk(await server.api("/api/journey-model", { method: "PUT", body: { ...model, ...opts.model } }));
  }
  const list = expectOk(await server.api<FrictionList>(`/api/frictions${qs({ ...PERIOD, limit: 100 })}`));
  const map = expectOk(await server.api<JourneyMap>(`/api/journey-map${qs({ ...PERIOD, top: 50 })}`));
  return { server, world, ids: await customerIds(server), list, map };
}

/** Customer ids of these user ids, ascending (as the lists are ordered). */
export const idsOf = (w: Loaded, users: string[]) =>
  users
    .map((u) => {
      const id = w.ids.get(u);
      if (id === undefined) throw new Error(`no customer for ${u}`);
      return id;
    })
    .sort((a, b) => a - b);

/** Every customer behind a friction, all pages, with the total each page reported. */
export async function frictionCustomers(w: Loaded, id: string): Promise<{ ids: number[]; totals: number[] }> {
  const ids: number[] = [];
  const totals: number[] = [];
  let after: number | undefined;
  for (;;) {
    const page = expectOk(
      await w.server.api<FrictionCustomers>(
        `/api/frictions/${encodeURIComponent(id)}/customers${qs({ ...PERIOD, limit: 25, after })}`,
      ),
    );
    totals.push(page.total);
    ids.push(...page.customers.map((c) => c.id));
    if (page.next === null) return { ids, totals };
    after = page.next;
  }
}

export function friction(w: Loaded, id: string): Friction {
  const f = w.list.frictions.find((x) => x.id === id);
  if (!f) throw new Error(`no friction ${id} among ${JSON.stringify(w.list.frictions.map((x) => x.id))}`);
  return f;
}

/** The friction's customers are exactly these user ids, and its number is their count. */
export async function expectCustomers(w: Loaded, id: string, users: string[]): Promise<void> {
  const expected = idsOf(w, users);
  expect(friction(w, id).customers, id).toBe(expected.length);
  const got = await frictionCustomers(w, id);
  expect(got.ids, id).toEqual(expected);
  expect(new Set(got.totals), id).toEqual(new Set([expected.length]));
}
