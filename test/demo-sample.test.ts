// The built-in demo sample: reproducible, in order, inside its window, on every channel, and holding the
// identity puzzles (shared device, alias, junk values, guest checkout, POS phone numbers) it promises.
import { describe, expect, it } from "vitest";
import { inferChannel } from "../src/collect/channel.js";
import { normalise } from "../src/collect/normalise.js";
import { defaultConfig } from "../src/config.js";
import { type SampleOptions, sampleMessages } from "../src/demo/sample.js";
import { IdentifierRules } from "../src/identity/identifiers.js";

type Message = Record<string, unknown>;
const DAY = 24 * 3600 * 1000;
const defaults: SampleOptions = {
  customers: 200,
  seed: 1,
  now: new Date("2026-06-15T03:00:00.000Z"),
  days: 30,
};
const all = (opts: Partial<SampleOptions> = {}): Message[] => [...sampleMessages({ ...defaults, ...opts })];
const messages = all();

const bag = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" ? (v as Record<string, unknown>) : {};
const contextTraits = (m: Message) => bag(bag(m.context).traits);
const channelOf = (m: Message) =>
  inferChannel({
    type: String(m.type),
    event: (m.event ?? m.name) as string | undefined,
    context: bag(m.context),
    properties: bag(m.properties),
  });

describe("demo sample", () => {
  it("is deterministic: the same options give the same messages, another seed others", () => {
    expect(JSON.stringify(all())).toBe(JSON.stringify(messages));
    const other = all({ seed: 2 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(messages));
    expect(other[0]?.messageId).toBe("demo-2-1");
  });

  it("has a realistic size for the default cast", () => {
    expect(messages.length).toBeGreaterThan(4000);
    expect(messages.length).toBeLessThan(20000);
  });

  it("keeps timestamps inside [now - days, now] and never goes back in time", () => {
    for (const opts of [{}, { customers: 15, days: 7, seed: 9 }]) {
      const o = { ...defaults, ...opts };
      const list = all(opts);
      expect(list.length).toBeGreaterThan(0);
      let prev = -Infinity;
      for (const m of list) {
        expect(typeof m.timestamp).toBe("string");
        const t = Date.parse(m.timestamp as string);
        expect(t).toBeGreaterThanOrEqual(o.now.getTime() - o.days * DAY);
        expect(t).toBeLessThanOrEqual(o.now.getTime());
        expect(t).toBeGreaterThanOrEqual(prev);
        prev = t;
      }
    }
  });

  it("gives every message a unique messageId and a userId or an anonymousId", () => {
    const ids = new Set(messages.map((m) => m.messageId));
    expect(ids.size).toBe(messages.length);
    for (const m of messages) {
      expect(typeof m.messageId).toBe("string");
      expect(Boolean(m.userId) || Boolean(m.anonymousId)).toBe(true);
    }
  });

  it("passes the collector's own validation", () => {
    const rules = new IdentifierRules(defaultConfig.identity);
    const env = { receivedAt: defaults.now.getTime(), source: "demo", maxEventBytes: 32 * 1024 };
    const rejected = messages
      .map((m) => normalise(m, undefined, env, rules))
      .flatMap((r) => (r.ok ? [] : [r.error]));
    expect(rejected).toEqual([]);
  });

  it("covers all nine channels", () => {
    const seen = new Set(messages.map(channelOf));
    for (const ch of ["web", "app", "email", "sms", "phone", "chat", "social", "store", "ads"])
      expect(seen, ch).toContain(ch);
  });

  it("uses Segment e-commerce and CX event names with their key properties", () => {
    const events = new Set(messages.map((m) => m.event).filter(Boolean));
    for (const e of [
      "Product Viewed",
      "Product Added",
      "Checkout Started",
      "Order Completed",
      "Support Call",
      "Chat Message",
      "Email Sent",
      "Email Opened",
      "Email Link Clicked",
      "SMS Sent",
      "Store Purchase",
      "Survey Answered",
      "Review Posted",
      "Social Mention",
    ])
      expect(events, e).toContain(e);
    const order = messages.find((m) => m.event === "Order Completed")!;
    expect(bag(order.properties)).toMatchObject({ currency: "KRW" });
    for (const k of ["order_id", "cart_id", "products", "total"])
      expect(bag(order.properties)).toHaveProperty(k);
    const surveys = new Set(
      messages.filter((m) => m.event === "Survey Answered").map((m) => bag(m.properties).survey),
    );
    expect([...surveys].sort()).toEqual(["CSAT", "NPS"]);
  });

  it("has the junk email test@test.com on at least two different customers", () => {
    const users = new Set(
      messages
        .filter((m) => m.userId && [bag(m.traits).email, contextTraits(m).email].includes("test@test.com"))
        .map((m) => m.userId),
    );
    expect(users.size).toBeGreaterThanOrEqual(2);
    const junkPhones = new Set(
      messages
        .filter((m) => [bag(m.traits).phone, contextTraits(m).phone].includes("0000000000"))
        .map((m) => m.userId ?? m.anonymousId),
    );
    expect(junkPhones.size).toBeGreaterThanOrEqual(2);
  });

  it("has exactly one alias, linking an anonymous device history to a user id", () => {
    const aliases = messages.filter((m) => m.type === "alias");
    expect(aliases).toHaveLength(1);
    const [alias] = aliases as [Message];
    expect(alias.userId).toBeTruthy();
    expect(messages.some((m) => m.anonymousId === alias.previousId && !m.userId)).toBe(true);
  });

  it("has a shared device: one anonymousId identified as two different user ids", () => {
    const usersByDevice = new Map<unknown, Set<unknown>>();
    for (const m of messages.filter((m) => m.type === "identify" && m.anonymousId)) {
      const users = usersByDevice.get(m.anonymousId) ?? new Set();
      users.add(m.userId);
      usersByDevice.set(m.anonymousId, users);
    }
    expect([...usersByDevice.values()].some((users) => users.size >= 2)).toBe(true);
  });

  it("has anonymous browsing before a later identify, and customers with two devices", () => {
    const firstSeen = new Map<unknown, number>();
    messages.forEach((m, i) => {
      if (m.anonymousId && !firstSeen.has(m.anonymousId)) firstSeen.set(m.anonymousId, i);
    });
    const lateIdentifies = messages.filter(
      (m, i) => m.type === "identify" && m.anonymousId && firstSeen.get(m.anonymousId)! < i,
    );
    expect(lateIdentifies.length).toBeGreaterThan(20);
    const devicesByUser = new Map<unknown, Set<unknown>>();
    for (const m of messages.filter((m) => m.type === "identify" && m.anonymousId)) {
      const devices = devicesByUser.get(m.userId) ?? new Set();
      devices.add(m.anonymousId);
      devicesByUser.set(m.userId, devices);
    }
    expect([...devicesByUser.values()].filter((d) => d.size >= 2).length).toBeGreaterThan(5);
  });

  it("sends store purchases with only a phone number or loyalty card, in varied formats", () => {
    const store = messages.filter((m) => m.event === "Store Purchase");
    expect(store.length).toBeGreaterThan(20);
    for (const m of store) {
      expect(m.userId).toBeUndefined();
      const t = contextTraits(m);
      expect(Boolean(t.phone) || Boolean(t.loyalty_card)).toBe(true);
    }
    const formats = new Set(
      store.map((m) => String(contextTraits(m).phone ?? "").replace(/\d/g, "9")).filter((f) => f !== ""),
    );
    expect(formats.size).toBeGreaterThanOrEqual(3);
  });

  it("has guest checkouts that carry only an untidily typed email", () => {
    const guest = messages.filter(
      (m) => m.event === "Order Completed" && !m.userId && contextTraits(m).email,
    );
    expect(guest.length).toBeGreaterThan(0);
    const typed = guest.map((m) => String(contextTraits(m).email));
    expect(typed.some((e) => e !== e.trim().toLowerCase())).toBe(true);
  });

  it("mixes Korean and English text and names", () => {
    const names = messages.filter((m) => m.type === "identify").map((m) => String(bag(m.traits).name ?? ""));
    expect(names.some((n) => /[가-힣]/.test(n))).toBe(true);
    expect(names.some((n) => /^[A-Za-z]+ [A-Za-z]+$/.test(n))).toBe(true);
    const comments = messages.map((m) => bag(m.properties).comment).filter((c) => typeof c === "string");
    expect(comments.some((c) => /[가-힣]/.test(c as string))).toBe(true);
    expect(comments.some((c) => /^[A-Za-z]/.test(c as string))).toBe(true);
  });
});
