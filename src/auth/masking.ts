// Personal data hidden from roles that may not see it. Routes that answer with customers' data declare
// `config.personal` ("bulk": lists and search results; "one": a single customer someone opened); the
// server masks the response before it is serialised, so no client ever receives what it may not show.
// The walk knows the shapes the API answers with: identifiers are `{ kind, value }`, a customer row has
// an integer `id` (touchpoints and personas have string ids, so their `name` stays), and events carry
// free-form `traits`, `properties` and `context`, where keys that name personal data and emails written
// anywhere in a value are masked.

/** Keys whose values are personal wherever they appear in free-form event data. */
const PERSONAL_KEYS = new Set(
  [
    "email",
    "phone",
    "phone_number",
    "phonenumber",
    "mobile",
    "name",
    "first_name",
    "firstname",
    "last_name",
    "lastname",
    "full_name",
    "fullname",
    "username",
    "address",
    "street",
    "address1",
    "address2",
    "postal_code",
    "postalcode",
    "zip",
    "birthday",
    "birth_date",
    "ip",
    "user_id",
    "userid",
    "anonymous_id",
    "anonymousid",
  ].map((k) => k.toLowerCase()),
);

/** Whether a key of free-form event data names personal data (also the configured trait identifiers). */
export function isPersonalKey(key: string, identifierKeys: readonly string[] = []): boolean {
  const lower = key.toLowerCase();
  return PERSONAL_KEYS.has(lower) || identifierKeys.some((k) => k.toLowerCase() === lower);
}

/** Whether a value is an email address (masked wherever it appears in event data). */
export const looksLikeEmail = (value: string): boolean =>
  value.includes("@") && new RegExp(EMAILS_IN_TEXT.source).test(value);

/** Top-level event fields that identify the person. */
const IDENTIFYING_FIELDS = new Set(["userId", "anonymousId", "email", "phone"]);
const BLOBS = new Set(["traits", "properties", "context"]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAILS_IN_TEXT = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;

const stars = (n: number) => "•".repeat(Math.max(3, Math.min(n, 8)));

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return maskText(email);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${email[0]}${stars(at - 1)}@${domain[0] ?? ""}${stars(domain.length)}${tld}`;
}

/** Keeps a leading + and the last two digits: enough to tell two numbers apart on a call, no more. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `${phone.trim().startsWith("+") ? "+" : ""}${stars(digits.length - 2)}${digits.slice(-2)}`;
}

/** Each word keeps its first letter. */
export function maskText(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0] ?? ""}${stars([...w].length - 1)}`)
    .join(" ");
}

export function maskValue(kind: string, value: string): string {
  const k = kind.toLowerCase();
  if (k === "email" || EMAIL.test(value)) return maskEmail(value);
  if (k.includes("phone") || k === "mobile") return maskPhone(value);
  return maskText(value);
}

function maskAny(key: string, value: unknown): unknown {
  if (typeof value === "string") return maskValue(key, value);
  if (typeof value === "number" || typeof value === "bigint") return maskValue(key, String(value));
  if (value === null || value === undefined || typeof value === "boolean") return value;
  return "•••";
}

/**
 * A masked deep copy. `identifierKeys` are the trait keys configured as identifiers
 * (identity.traitIdentifiers), masked like the built-in personal keys.
 */
export function maskPersonal<T>(payload: T, identifierKeys: readonly string[] = []): T {
  const personalKeys = new Set([...PERSONAL_KEYS, ...identifierKeys.map((k) => k.toLowerCase())]);

  const walk = (value: unknown, inBlob: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, inBlob));
    if (typeof value === "string")
      return inBlob && value.includes("@") ? value.replace(EMAILS_IN_TEXT, (m) => maskEmail(m)) : value;
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    // An identifier: { kind, value } (search results, profiles, the links between identifiers).
    if (typeof obj.kind === "string" && typeof obj.value === "string") {
      return { ...obj, value: maskValue(obj.kind, obj.value) };
    }
    const isCustomer = typeof obj.id === "number";
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(obj)) {
      const lower = key.toLowerCase();
      if (
        (inBlob && personalKeys.has(lower)) ||
        (!inBlob && IDENTIFYING_FIELDS.has(key)) ||
        (!inBlob && isCustomer && key === "name")
      ) {
        out[key] = maskAny(lower, v);
      } else {
        out[key] = walk(v, inBlob || BLOBS.has(key));
      }
    }
    return out;
  };
  return walk(payload, false) as T;
}
