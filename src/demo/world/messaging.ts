// Marketing messages: the weekly newsletter, SMS promotions, and the daily-deals programme whose
// pressure (more than `threshold` messages a week) makes customers unsubscribe: a planted problem.
import { newsletters } from "../catalog.js";
import { HOUR, MIN } from "../time.js";
import type { Plan } from "./problems.js";
import type { Voice } from "./sink.js";

function send(v: Voice, at: number, channel: "email" | "sms", campaign: string): void {
  const p = v.p;
  const rng = p.rng;
  const message_id = v.id("msg");
  const props = { message_id, campaign_name: campaign };
  if (channel === "sms") {
    v.office(at, "SMS Sent", "sms", props);
    if (rng.chance(0.08)) v.office(at + rng.int(1, 120) * MIN, "SMS Link Clicked", "sms", props);
  } else {
    v.office(at, "Email Sent", "email", props);
    if (rng.chance(p.profile.emailOpen)) {
      const opened = at + rng.int(5, 600) * MIN;
      v.office(opened, "Email Opened", "email", props);
      if (rng.chance(0.25)) v.office(opened + rng.int(10, 120) * 1000, "Email Link Clicked", "email", props);
    }
  }
  p.weekMessages++;
}

/** One day of marketing for one customer; on the week's last day, decides on unsubscribing. */
export function marketingDay(v: Voice, plan: Plan, day: number, dayStart: number): void {
  const p = v.p;
  const rng = p.rng;
  if (p.signedUp && !p.unsubscribed) {
    // Newsletter on the fourth day of each week, 10:00 KST (01:00 UTC).
    if (p.emailOptIn && day % 7 === 3) send(v, dayStart + HOUR, "email", rng.pick(newsletters).campaign_name);
    if (p.smsOptIn && !p.junkPhone && rng.chance(0.06))
      send(v, dayStart + 3 * HOUR, "sms", "weekend_flash_sale");
    if (p.heavyMessaging && rng.chance(0.7))
      send(v, dayStart + 2 * HOUR, p.smsOptIn && rng.chance(0.4) ? "sms" : "email", "daily_deal");
  }
  if (day % 7 !== 6) return;
  const sent = p.weekMessages;
  p.weekMessages = 0;
  if (sent === 0 || p.unsubscribed) return;
  const rate =
    sent > plan.pressure.threshold ? plan.pressure.unsubscribeOver : plan.pressure.unsubscribeUnder;
  if (rng.chance(rate)) {
    p.unsubscribed = true;
    v.office(dayStart + 13 * HOUR, "Unsubscribed", "email", { list: "marketing", messages_this_week: sent });
  }
}
