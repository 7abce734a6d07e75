// Customer service and the voice of the customer: chats, calls to the call centre, NPS and CSAT
// surveys, and mentions found by social listening.
import type { Device } from "./customers.js";
import { JUNK_EMAIL, phoneVariant } from "./customers.js";
import { sms } from "./marketing.js";
import { type ChatScript, chatScripts, comments, socialPosts, type Tone, toneOfScore } from "./phrases.js";
import { DAY, type Timeline } from "./timeline.js";

function survey(
  tl: Timeline,
  kind: "NPS" | "CSAT",
  channel: string,
  about: Record<string, unknown> = {},
): void {
  const ranges = {
    tech_savvy: [6, 10],
    loyal_advocate: [9, 10],
    bargain_hunter: [3, 8],
    traditional: [2, 9],
  };
  const [lo, hi] = ranges[tl.c.persona] as [number, number];
  const raw = tl.rng.int(lo, hi);
  const max = kind === "NPS" ? 10 : 5;
  const score = kind === "NPS" ? raw : Math.max(1, Math.round(raw / 2));
  const comment = tl.rng.chance(0.7) ? { comment: tl.say(comments, toneOfScore(score, max)) } : {};
  tl.backOffice("Survey Answered", channel, { survey: kind, score, ...comment, ...about });
}

/** Asked in the app, by e-mail, or by SMS when there is no usable address. */
export function nps(tl: Timeline): void {
  const { c } = tl;
  if (!tl.known) return;
  const campaign = { email_id: `nps-${tl.seed}-${c.index + 1}`, campaign_name: "Quarterly NPS" };
  if (c.persona === "tech_savvy") {
    tl.view(c.devices[0]!, "NPS Survey", "/survey/nps");
    survey(tl, "NPS", "app");
  } else if (c.email && !c.junkEmail) {
    const subject = "How likely are you to recommend Hanbit?";
    tl.backOffice("Email Sent", "email", { ...campaign, subject }, { email: c.email });
    tl.wait(120, 1800);
    survey(tl, "NPS", "email", campaign);
  } else if (!c.junkPhone) {
    sms(tl, "survey", "[한빛전자] 고객님의 의견을 들려주세요: https://hanbit.example/s/nps");
    tl.wait(120, 1800);
    survey(tl, "NPS", "sms", campaign);
  }
}

export function chat(tl: Timeline, dev: Device): void {
  const { c, rng } = tl;
  const script: ChatScript =
    c.persona === "bargain_hunter"
      ? chatScripts.find((s) => s.topic === "coupon")!
      : rng.pick(chatScripts.filter((s) => s.topic !== "coupon"));
  const conversation_id = tl.id("conv");
  // The chat widget knows a logged-in customer; before that, only the device.
  const who = tl.known ? { userId: c.userId } : { anonymousId: dev.anonymousId };
  for (const [i, [author, text]] of script.lines.entries()) {
    if (i === 1) tl.wait(20, c.persona === "bargain_hunter" ? 720 : 240);
    else if (i > 1) tl.wait(15, 90);
    const direction = author === "customer" ? "inbound" : "outbound";
    const agent = author === "agent" ? { agent_id: `agent-${rng.int(1, 12)}` } : {};
    tl.emit({
      type: "track",
      ...who,
      event: "Chat Message",
      properties: { conversation_id, topic: script.topic, direction, author, text, ...agent },
      context: { channel: "chat" },
    });
  }
  if (tl.known && rng.chance(0.6)) survey(tl, "CSAT", "chat", { conversation_id });
}

/** Unresolved calls come back a few days later: the repeat contacts friction analysis looks for. */
export function call(tl: Timeline, topic: string, repeat: boolean): void {
  const { c, rng } = tl;
  const call_id = tl.id("call");
  // Agents fill the mandatory e-mail field with junk when the caller has none on file.
  const traits = { phone: phoneVariant(c.phone, rng), ...(c.junkEmail ? { email: JUNK_EMAIL } : {}) };
  // The call centre matches most callers to an account; the rest are known by their number alone.
  const who = tl.known && rng.chance(0.7) ? { userId: c.userId } : { anonymousId: call_id };
  const wait_seconds = rng.int(20, c.persona === "traditional" ? 1200 : 400);
  const duration_seconds = rng.int(90, 1500);
  const resolved = rng.chance(repeat ? 0.8 : 0.6);
  tl.emit({
    type: "track",
    ...who,
    event: "Support Call",
    properties: {
      call_id,
      topic,
      direction: "inbound",
      wait_seconds,
      duration_seconds,
      agent_id: `agent-${rng.int(1, 12)}`,
      resolved,
      ...(repeat ? { repeat_contact: true } : {}),
    },
    context: { channel: "phone", traits },
  });
  tl.t += (wait_seconds + duration_seconds) * 1000;
  if (tl.known && rng.chance(0.5)) survey(tl, "CSAT", "phone", { call_id });
  if (!resolved && !repeat) tl.schedule(tl.t + rng.int(1, 3) * DAY, { kind: "call", topic, repeat: true });
}

/** Social listening knows only the handle; it reaches a customer whose profile lists that handle. */
export function socialMention(tl: Timeline): void {
  const { c, rng } = tl;
  const handle = c.socialHandle!;
  const tone: Tone =
    c.persona === "loyal_advocate" ? "positive" : rng.pick(["positive", "neutral", "negative"]);
  const platform = rng.pick(["instagram", "x"]);
  tl.emit({
    type: "track",
    anonymousId: `${platform}:${handle}`,
    event: "Social Mention",
    properties: {
      platform,
      social_handle: handle,
      text: rng.pick(socialPosts[tone]),
      sentiment: tone,
      url: `https://${platform}.example/${handle.slice(1)}/${rng.hex(10)}`,
      followers: rng.int(40, 12_000),
    },
    context: { channel: "social" },
  });
}
