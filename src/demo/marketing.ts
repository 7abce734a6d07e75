// Outbound and paid touchpoints: ad clicks that bring people in, weekly newsletters (sent, opened,
// clicked through to the site) and text messages.
import { adCampaigns, newsletters, SITE } from "./catalog.js";
import type { Device } from "./customers.js";
import { browse } from "./shopping.js";
import type { Order, Timeline } from "./timeline.js";

export function adVisit(tl: Timeline, dev: Device, retarget: boolean): void {
  const ad = tl.rng.pick(adCampaigns.filter((a) => a.retargeting === retarget));
  const { name, source, medium, content, term } = ad;
  const campaign = { name, source, medium, content, ...(term ? { term } : {}) };
  tl.path = ad.landing;
  const clicked = { ad_id: `${source}-${content}`, campaign_name: name, ad_network: source };
  tl.track(dev, "Ad Clicked", clicked, { channel: "ads", campaign });
  tl.view(dev, ad.retargeting ? "Cart" : "Promotion", ad.landing, { campaign });
  browse(tl, dev, tl.rng.int(1, 3));
}

/** Only to known customers with a real number: the gateway needs somewhere to send it. */
export function sms(tl: Timeline, message_type: string, text: string, order?: Order): void {
  if (tl.c.junkPhone || !tl.known) return;
  const properties = { message_type, text, ...(order ? { order_id: order.order_id } : {}) };
  tl.backOffice("SMS Sent", "sms", properties, { phone: tl.c.phone });
}

export function newsletter(tl: Timeline, i: number): void {
  const { c, rng } = tl;
  if (!tl.known || !c.email || !c.emailOptIn || c.junkEmail) return;
  const nl = newsletters[i % newsletters.length]!;
  const { campaign_id, campaign_name } = nl;
  const props = { email_id: `${campaign_id}-${tl.seed}-${c.index + 1}`, campaign_id, campaign_name };
  const to = { email: c.email };
  tl.backOffice("Email Sent", "email", { ...props, subject: nl.subject }, to);
  const opens = { traditional: 0.75, loyal_advocate: 0.8, bargain_hunter: 0.55, tech_savvy: 0.3 };
  if (!rng.chance(opens[c.persona])) return;
  tl.wait(120, 2400);
  tl.backOffice("Email Opened", "email", props, to);
  const web = c.devices.find((d) => d.kind === "web");
  if (!web || !rng.chance(c.persona === "bargain_hunter" ? 0.5 : 0.3)) return;
  tl.wait(5, 60);
  tl.backOffice("Email Link Clicked", "email", { ...props, link_url: SITE + nl.path }, to);
  tl.view(web, campaign_name, nl.path, {
    campaign: { name: campaign_id, source: "newsletter", medium: "email" },
  });
  // The link carries ajs_uid, so the browser identifies itself on landing.
  if (!tl.loggedIn.has(web.anonymousId)) tl.identify(web, { email: c.email });
  browse(tl, web, rng.int(1, 2));
}
