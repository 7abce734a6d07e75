// The stitching decision, as a pure function: given the identifiers each event carries and what the
// graph already knows, decide which identifiers join which customer, under the guard rails.
// Edges are processed in event order, so "first user id wins" on a shared device.
import { parseIdentifierKey } from "./identifiers.js";

export interface LinkEvent {
  /** Identifier keys of one event, strongest first. */
  keys: string[];
  at: number;
  messageId: string;
  eventType: string;
  /**
   * A key the sender declared to be the same person as keys[0] (an alias's previousId). That link may
   * join two user ids: the declaration is the evidence, not co-occurrence.
   */
  declared?: string;
}

export interface KnownIdentity {
  id: number;
  /** Canonical customer the identifier belongs to now. */
  customer: number;
}

export interface ResolveInput {
  events: LinkEvent[];
  known: Map<string, KnownIdentity>;
  /** Identifier counts per kind of the existing customers that a new link touches. */
  counts: Map<number, Map<string, number>>;
  caps: Record<string, number>;
  newIdentityId: () => number;
  newCustomerId: () => number;
}

export interface NewIdentity {
  id: number;
  key: string;
  kind: string;
  value: string;
  customer: number;
  at: number;
  messageId: string;
}

export interface LinkRecord {
  at: number;
  messageId: string;
  eventType: string;
  fromIdentity: number;
  toIdentity: number;
  keptCustomer: number;
  absorbedCustomer: number | null;
  accepted: boolean;
  reason: string;
}

export interface Resolution {
  identities: NewIdentity[];
  customers: Array<{ id: number; at: number }>;
  /** Each absorbed canonical customer and the canonical customer it now belongs to. */
  merges: Array<{ loser: number; winner: number }>;
  links: LinkRecord[];
  /** Identity id of every key seen in the input. */
  identityOf: Map<string, number>;
}

interface Node {
  parent: Node | null;
  /** Existing canonical customers inside this component (only meaningful at the root). */
  customers: number[];
  counts: Map<string, number>;
}

function find(n: Node): Node {
  let root = n;
  while (root.parent) root = root.parent;
  while (n.parent && n.parent !== root) {
    const next: Node = n.parent;
    n.parent = root;
    n = next;
  }
  return root;
}

export const ALIAS_REASON = "alias: the sender declared previousId and userId one person";

/**
 * The rail a link would breach, if any. A cap counts only when both sides hold that kind: a customer
 * past the user-id cap through declared aliases still takes an anonymous device. `declared` waives the
 * one-user-id rail (an alias is the sender's statement, not a guess from a shared device).
 */
function capBreach(a: Node, b: Node, caps: Record<string, number>, declared: boolean): string | null {
  for (const [kind, n] of b.counts) {
    const have = a.counts.get(kind) ?? 0;
    const total = have + n;
    const cap = caps[kind];
    if (declared && kind === "user_id") continue;
    if (cap !== undefined && total > cap && have > 0 && n > 0) {
      return kind === "user_id" && cap === 1
        ? "refused: both sides already have a user id (one user id per customer)"
        : `refused: one customer would hold ${total} ${kind} identifiers (cap ${cap})`;
    }
  }
  return null;
}

export function resolveLinks(input: ResolveInput): Resolution {
  const nodes = new Map<string, Node>(); // by identifier key
  const customerNodes = new Map<number, Node>();
  const identityOf = new Map<string, number>();
  const fresh: Array<Omit<NewIdentity, "customer"> & { node: Node }> = [];

  const nodeOf = (key: string, ev: LinkEvent): Node => {
    let n = nodes.get(key);
    if (n) return n;
    const known = input.known.get(key);
    if (known) {
      n = customerNodes.get(known.customer);
      if (!n) {
        n = { parent: null, customers: [known.customer], counts: new Map(input.counts.get(known.customer)) };
        customerNodes.set(known.customer, n);
      }
      identityOf.set(key, known.id);
    } else {
      const { kind, value } = parseIdentifierKey(key);
      n = { parent: null, customers: [], counts: new Map([[kind, 1]]) };
      const id = input.newIdentityId();
      identityOf.set(key, id);
      fresh.push({ id, key, kind, value, at: ev.at, messageId: ev.messageId, node: n });
    }
    nodes.set(key, n);
    return n;
  };

  const pending: Array<{ link: LinkRecord; a: Node; b: Node }> = [];
  for (const ev of input.events) {
    const keys = ev.keys;
    const primary = keys[0];
    if (primary === undefined) continue;
    const a = nodeOf(primary, ev);
    for (let k = 1; k < keys.length; k++) {
      const key = keys[k]!;
      const b = nodeOf(key, ev);
      const ra = find(a);
      const rb = find(b);
      if (ra === rb) continue;
      const declared = ev.declared === key;
      const breach = capBreach(ra, rb, input.caps, declared);
      const link: LinkRecord = {
        at: ev.at,
        messageId: ev.messageId,
        eventType: ev.eventType,
        fromIdentity: identityOf.get(primary)!,
        toIdentity: identityOf.get(key)!,
        keptCustomer: 0,
        absorbedCustomer: null,
        accepted: breach === null,
        reason: breach ?? (declared ? ALIAS_REASON : `${ev.eventType} event carried both identifiers`),
      };
      // An existing customer on each side means one of them is absorbed: the younger one.
      const ca = ra.customers[0];
      const cb = rb.customers[0];
      if (!breach && ca !== undefined && cb !== undefined) link.absorbedCustomer = Math.max(ca, cb);
      // The kept customer is known once every link of the batch is in.
      pending.push({ link, a: ra, b: rb });
      if (breach) continue;
      // Keep the oldest existing customer as the root, so customer ids stay stable.
      const [root, child] =
        (rb.customers[0] ?? Infinity) < (ra.customers[0] ?? Infinity) ? [rb, ra] : [ra, rb];
      child.parent = root;
      if (child.customers.length > 0)
        root.customers = [...root.customers, ...child.customers].sort((x, y) => x - y);
      for (const [kind, n] of child.counts) root.counts.set(kind, (root.counts.get(kind) ?? 0) + n);
    }
  }

  // Every component gets one customer: its oldest existing one, or a new one.
  const customerOfRoot = new Map<Node, number>();
  const customers: Resolution["customers"] = [];
  const merges: Resolution["merges"] = [];
  const rootCustomer = (n: Node, at: number): number => {
    const root = find(n);
    let c = customerOfRoot.get(root);
    if (c === undefined) {
      c = root.customers[0];
      if (c === undefined) {
        c = input.newCustomerId();
        customers.push({ id: c, at });
      }
      for (const loser of root.customers.slice(1)) merges.push({ loser, winner: c });
      customerOfRoot.set(root, c);
    }
    return c;
  };
  const identities = fresh.map(({ node, ...rest }) => ({ ...rest, customer: rootCustomer(node, rest.at) }));
  const links = pending.map(({ link, a, b }) => {
    const kept = rootCustomer(a, link.at);
    const other = rootCustomer(b, link.at);
    // A refused link names the customer it would have glued on.
    return link.accepted
      ? { ...link, keptCustomer: kept }
      : { ...link, keptCustomer: kept, absorbedCustomer: other };
  });
  return { identities, customers, merges, links, identityOf };
}
