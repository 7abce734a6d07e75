// Turns what an event says about a person into normalised identifiers, dropping junk values.
// Kinds: user_id, email, phone, the configured trait keys, anonymous_id — in that order of strength.
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import type { IdentitySettings } from "../config.js";

export interface Identifier {
  kind: string;
  value: string;
}

export const identifierKey = (id: Identifier): string => `${id.kind}:${id.value}`;

export function parseIdentifierKey(key: string): Identifier {
  const i = key.indexOf(":");
  return { kind: key.slice(0, i), value: key.slice(i + 1) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const v = raw.trim().toLowerCase();
  return EMAIL.test(v) ? v : undefined;
}

/** E.164, or undefined when the text is not a possible phone number. */
export function normalisePhone(raw: unknown, region: string): string | undefined {
  if (typeof raw !== "string" && typeof raw !== "number") return undefined;
  const text = String(raw).trim();
  if (!/\d/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, region as CountryCode);
  return parsed?.isPossible() ? parsed.number : undefined;
}

function plainId(raw: unknown): string | undefined {
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== "string") return undefined;
  const v = raw.trim();
  return v === "" ? undefined : v;
}

/** Where a person-describing field may be: identify traits, track context.traits, then properties. */
export interface IdentitySources {
  anonymousId?: unknown;
  userId?: unknown;
  traits?: Record<string, unknown> | undefined;
  contextTraits?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown> | undefined;
}

function field(src: IdentitySources, name: string): unknown {
  return src.traits?.[name] ?? src.contextTraits?.[name] ?? src.properties?.[name];
}

export class IdentifierRules {
  private readonly blocked: Set<string>;
  private readonly blockedDigits: Set<string>;

  constructor(private readonly settings: IdentitySettings) {
    this.blocked = new Set(settings.blockedValues.map((v) => v.trim().toLowerCase()));
    // Phone junk is compared on digits so "000-000-0000" is as blocked as "0000000000".
    this.blockedDigits = new Set(
      settings.blockedValues.map((v) => v.replace(/\D/g, "")).filter((d) => d.length >= 6),
    );
  }

  isBlocked(value: string): boolean {
    return this.blocked.has(value.trim().toLowerCase());
  }

  private isJunkPhone(raw: string, e164: string): boolean {
    const digits = raw.replace(/\D/g, "");
    if (this.blockedDigits.has(digits) || this.blockedDigits.has(e164.replace(/\D/g, ""))) return true;
    // A number made of one repeated digit is never a real subscriber.
    return /^(\d)\1+$/.test(digits);
  }

  /** Identifiers of one event, strongest first; junk values are dropped. */
  extract(src: IdentitySources): Identifier[] {
    const out: Identifier[] = [];
    const push = (kind: string, value: string | undefined) => {
      if (value !== undefined && !this.isBlocked(value)) out.push({ kind, value });
    };
    push("user_id", plainId(src.userId));
    push("email", normaliseEmail(field(src, "email")));
    const rawPhone = field(src, "phone");
    const phone = normalisePhone(rawPhone, this.settings.defaultPhoneRegion);
    if (phone && !this.isJunkPhone(String(rawPhone), phone)) push("phone", phone);
    for (const key of this.settings.traitIdentifiers) push(key, plainId(field(src, key)));
    push("anonymous_id", plainId(src.anonymousId));
    return out;
  }

  /** The phone identifier of a raw value (E.164), as extract() would find it; undefined for junk. */
  phone(raw: unknown): string | undefined {
    const phone = normalisePhone(raw, this.settings.defaultPhoneRegion);
    return phone && !this.isJunkPhone(String(raw), phone) && !this.isBlocked(phone) ? phone : undefined;
  }

  /**
   * phone() for many raw values at once (an import's distinct phones). Numbers written alike (same
   * leading '+', same first six digits, same length, only digits and punctuation) parse alike: a national
   * prefix and a country code are decided by the leading digits, the possible-number check by the length,
   * and the rest of the digits are copied. So each such group is parsed by libphonenumber for a few
   * numbers, and when all of them follow one "strip n digits, prepend p" rule, the rest follow it too;
   * otherwise every number of the group is parsed. Junk and blocked values are checked one by one.
   */
  phones(raws: readonly string[]): Array<string | undefined> {
    const SAMPLE = 3;
    const out: Array<string | undefined> = new Array(raws.length);
    const digitsOf: string[] = new Array(raws.length);
    const groups = new Map<string, number[]>();
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i]!.trim();
      const digits = raw.replace(/\D/g, "");
      digitsOf[i] = digits;
      if (digits.length < 7 || !/^\+?[\d\s().-]+$/.test(raw)) {
        out[i] = this.phone(raws[i]);
        continue;
      }
      const key = `${raw[0] === "+" ? "+" : ""}${digits.slice(0, 6)}/${digits.length}`;
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    for (const members of groups.values()) {
      const rule = this.phoneRule(members.slice(0, SAMPLE).map((i) => raws[i]!));
      for (const i of members) {
        if (!rule) {
          out[i] = this.phone(raws[i]);
          continue;
        }
        const digits = digitsOf[i]!;
        const e164 = rule.prefix + digits.slice(rule.strip);
        // isJunkPhone and isBlocked, on the digits already at hand.
        const junk =
          this.blockedDigits.has(digits) || this.blockedDigits.has(e164.slice(1)) || /^(\d)\1+$/.test(digits);
        out[i] = junk || this.blocked.has(e164.toLowerCase()) ? undefined : e164;
      }
    }
    return out;
  }

  /** The one rule every sample's E.164 form follows, or undefined (then each number is parsed). */
  private phoneRule(samples: string[]): { prefix: string; strip: number } | undefined {
    let rule: { prefix: string; strip: number } | undefined;
    for (const raw of samples) {
      const e164 = normalisePhone(raw, this.settings.defaultPhoneRegion);
      if (!e164) return undefined;
      const digits = raw.replace(/\D/g, "");
      if (!rule) {
        // The fewest leading digits to drop so that the rest ends the E.164 form.
        let strip = 0;
        while (strip < digits.length && !e164.endsWith(digits.slice(strip))) strip++;
        const kept = digits.length - strip;
        if (kept < 6) return undefined;
        rule = { prefix: e164.slice(0, e164.length - kept), strip };
      }
      if (rule.prefix + digits.slice(rule.strip) !== e164) return undefined;
    }
    return rule;
  }

  /** Identifier kinds accepted as search input, strongest first. */
  kinds(): string[] {
    return ["user_id", "email", "phone", ...this.settings.traitIdentifiers, "anonymous_id"];
  }

  /** Every identifier a free-text search may mean exactly (a phone in any format, an email in any case). */
  candidatesFor(query: string): Identifier[] {
    const q = query.trim();
    const out: Identifier[] = [];
    for (const kind of this.kinds()) {
      if (kind === "email") {
        const e = normaliseEmail(q);
        if (e) out.push({ kind, value: e });
      } else if (kind === "phone") {
        const p = normalisePhone(q, this.settings.defaultPhoneRegion);
        if (p) out.push({ kind, value: p });
      } else if (q !== "") out.push({ kind, value: q });
    }
    return out;
  }
}

/**
 * Names a customer can be searched by (not identifiers: two people share names). Only traits:
 * a `name` in event properties is usually a product's.
 */
export function searchNames(src: IdentitySources): string[] {
  const names = new Set<string>();
  const trait = (name: string) => src.traits?.[name] ?? src.contextTraits?.[name];
  const add = (v: unknown) => {
    if (typeof v === "string" && v.trim()) names.add(v.trim().toLowerCase().slice(0, 200));
  };
  add(trait("name"));
  const first = trait("first_name") ?? trait("firstName");
  const last = trait("last_name") ?? trait("lastName");
  if (typeof first === "string" || typeof last === "string") add([first, last].filter(Boolean).join(" "));
  add(last);
  return [...names];
}
