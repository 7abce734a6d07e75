// The channel rule (src/collect/channel.ts): explicit channel first, then the SDK's, then inference.
import { describe, expect, it } from "vitest";
import { channelFromName, channels, inferChannel } from "../src/collect/channel.js";

describe("channelFromName", () => {
  it("accepts every channel name in any case and with spaces around it", () => {
    for (const c of channels) {
      expect(channelFromName(c)).toBe(c);
      expect(channelFromName(`  ${c.toUpperCase()} `)).toBe(c);
    }
  });

  it.each([
    ["browser", "web"],
    ["Website", "web"],
    ["mobile", "app"],
    ["iOS", "app"],
    ["android", "app"],
    ["e-mail", "email"],
    ["Newsletter", "email"],
    ["text", "sms"],
    ["kakao", "sms"],
    ["call center", "phone"],
    ["IVR", "phone"],
    ["voice", "phone"],
    ["live chat", "chat"],
    ["chatbot", "chat"],
    ["instagram", "social"],
    ["twitter", "social"],
    ["POS", "store"],
    ["in-store", "store"],
    ["advertising", "ads"],
    ["backend", "server"],
  ])("maps the synonym %s to %s", (name, channel) => {
    expect(channelFromName(name)).toBe(channel);
  });

  it("names no channel for unknown words and non-strings", () => {
    expect(channelFromName("carrier pigeon")).toBeUndefined();
    expect(channelFromName("")).toBeUndefined();
    expect(channelFromName(42)).toBeUndefined();
    expect(channelFromName(null)).toBeUndefined();
    expect(channelFromName({ name: "web" })).toBeUndefined();
  });
});

describe("inferChannel", () => {
  it("context.channel wins over properties.channel, the SDK channel and the message type", () => {
    expect(
      inferChannel({
        type: "page",
        channel: "browser",
        context: { channel: "call center" },
        properties: { channel: "email" },
      }),
    ).toBe("phone");
  });

  it("properties.channel is used when context.channel names none", () => {
    expect(
      inferChannel({
        type: "track",
        event: "Order Completed",
        context: { channel: "teleport" },
        properties: { channel: "POS" },
      }),
    ).toBe("store");
  });

  it("the SDK's channel comes next (browser → web, mobile → app)", () => {
    expect(inferChannel({ type: "track", event: "Signed Up", channel: "browser" })).toBe("web");
    expect(inferChannel({ type: "track", event: "Signed Up", channel: "mobile" })).toBe("app");
  });

  it("a server SDK's channel does not hide what the event name says", () => {
    expect(inferChannel({ type: "track", event: "Email Opened", channel: "server" })).toBe("email");
    expect(inferChannel({ type: "track", event: "Signed Up", channel: "server" })).toBe("server");
  });

  it("page → web and screen → app", () => {
    expect(inferChannel({ type: "page" })).toBe("web");
    expect(inferChannel({ type: "screen" })).toBe("app");
  });

  it.each([
    ["Email Opened", "email"],
    ["Newsletter Clicked", "email"],
    ["SMS Delivered", "sms"],
    ["Support Call", "phone"],
    ["Call Started", "phone"],
    ["Chat Started", "chat"],
    ["Social Mention", "social"],
    ["Review posted social mention", "social"],
    ["POS Purchase", "store"],
    ["Store Visit", "store"],
    ["Ad Clicked", "ads"],
    ["Campaign Viewed", "ads"],
  ])("the event name %s means %s", (event, channel) => {
    expect(inferChannel({ type: "track", event })).toBe(channel);
  });

  it("does not read a channel into words that merely contain one", () => {
    expect(inferChannel({ type: "track", event: "Recalled Order" })).toBe("other");
    expect(inferChannel({ type: "track", event: "Address Updated" })).toBe("other");
  });

  it("falls back on context: app or mobile OS → app, page or user agent → web, library → server", () => {
    expect(inferChannel({ type: "track", event: "Added", context: { app: { name: "shop" } } })).toBe("app");
    expect(inferChannel({ type: "track", event: "Added", context: { os: { name: "Android" } } })).toBe("app");
    expect(inferChannel({ type: "track", event: "Added", context: { page: { path: "/" } } })).toBe("web");
    expect(inferChannel({ type: "track", event: "Added", context: { userAgent: "Mozilla/5.0" } })).toBe(
      "web",
    );
    expect(inferChannel({ type: "identify", context: { library: { name: "analytics-node" } } })).toBe(
      "server",
    );
  });

  it("is other when nothing tells", () => {
    expect(inferChannel({ type: "identify" })).toBe("other");
    expect(inferChannel({ type: "track", event: "Thing Happened" })).toBe("other");
    expect(inferChannel({ type: "alias", context: {} })).toBe("other");
  });

  it("only ever answers one of the documented channels", () => {
    const inputs = [
      { type: "track", event: "x", channel: "whatever" },
      { type: "group", context: { channel: 7 } },
      { type: "track", event: "Push Sent" },
    ];
    for (const i of inputs) expect(channels).toContain(inferChannel(i));
  });
});
