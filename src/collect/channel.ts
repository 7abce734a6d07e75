// Which channel an event happened on. The rule, in order (first match wins):
//  1. `context.channel`, then `properties.channel`, when it names a channel or a known synonym;
//  2. the SDK's top-level `channel` (browser → web, mobile → app, server → server);
//  3. inferred: page → web; screen → app; an event name that names a channel (Email…, SMS…, …Call…,
//     Chat…, Social…/Review…, Store…/POS…, Ad…/Campaign…); context.app or a mobile OS → app;
//     context.page or a browser user agent → web; a server library → server;
//  4. otherwise `other`.
export const channels = [
  "web",
  "app",
  "email",
  "sms",
  "phone",
  "chat",
  "social",
  "store",
  "ads",
  "server",
  "other",
] as const;
export type Channel = (typeof channels)[number];

const synonyms: Record<string, Channel> = {
  browser: "web",
  website: "web",
  online: "web",
  mobile: "app",
  ios: "app",
  android: "app",
  "mobile app": "app",
  mail: "email",
  "e-mail": "email",
  newsletter: "email",
  text: "sms",
  mms: "sms",
  kakao: "sms",
  call: "phone",
  voice: "phone",
  "call center": "phone",
  call_center: "phone",
  callcenter: "phone",
  ivr: "phone",
  "live chat": "chat",
  livechat: "chat",
  chatbot: "chat",
  messenger: "chat",
  twitter: "social",
  x: "social",
  facebook: "social",
  instagram: "social",
  pos: "store",
  retail: "store",
  "in-store": "store",
  shop: "store",
  ad: "ads",
  advertising: "ads",
  paid: "ads",
  backend: "server",
};

const known = new Set<string>(channels);

/** Maps a free-form channel name to a channel, or undefined when it names none. */
export function channelFromName(value: unknown): Channel | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  if (known.has(v)) return v as Channel;
  return synonyms[v];
}

const namePatterns: Array<[RegExp, Channel]> = [
  [/^(email|newsletter)\b/i, "email"],
  [/^(sms|text message|push)\b/i, "sms"],
  [/\bcall\b|^phone\b/i, "phone"],
  [/^chat\b|\bchat message\b/i, "chat"],
  [/^(social|tweet|post shared|mention)\b|\bsocial mention\b/i, "social"],
  [/^(store|pos|in-store)\b/i, "store"],
  [/^(ad|ads|campaign)\b|\bad (impression|click)/i, "ads"],
];

const mobileOs = /^(ios|android|ipados)$/i;

interface ChannelInput {
  type: string;
  event?: string | null;
  channel?: unknown;
  context?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

export function inferChannel(m: ChannelInput): Channel {
  const explicit = channelFromName(m.context?.channel) ?? channelFromName(m.properties?.channel);
  if (explicit) return explicit;
  const sdk = channelFromName(m.channel);
  // Segment SDKs stamp "server" on everything sent from a backend; a named event still tells more.
  if (sdk && sdk !== "server") return sdk;
  if (m.type === "page") return "web";
  if (m.type === "screen") return "app";
  if (m.event) for (const [re, ch] of namePatterns) if (re.test(m.event)) return ch;
  const ctx = m.context ?? {};
  const os = (ctx.os as Record<string, unknown> | undefined)?.name;
  if (ctx.app || (typeof os === "string" && mobileOs.test(os))) return "app";
  if (ctx.page || typeof ctx.userAgent === "string") return "web";
  if (sdk === "server" || ctx.library) return "server";
  return "other";
}
