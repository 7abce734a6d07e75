// A finding's message in words: each parameter formatted in the reader's locale, then put into the
// catalogue's template. The server's English strings and the CLI's English or Korean come from here; the
// dashboard formats with its own formatter (web/src/i18n/format.ts, the same rules) and i18next.
import { type FindingLanguage, findingMessages } from "./catalogue.js";
import type { Message, MessageParam } from "./message.js";

/** What formatting a parameter needs: the dashboard's Format has the same methods. */
export interface ParamFormat {
  number(n: number, digits?: number): string;
  percent(share: number): string;
  money(n: number): string;
  duration(ms: number): string;
  /** A UTC day. */
  day(iso: string): string;
  /** A channel's name (the code itself where the catalogue has none). */
  channel?(code: string): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const LOCALES: Record<FindingLanguage, string> = { en: "en-US", ko: "ko-KR" };

/** Intl formatting with the dashboard's rules (web/src/i18n/format.ts). */
export function paramFormat(locale: string): ParamFormat {
  const unit = (value: number, u: "second" | "minute" | "hour" | "day") =>
    new Intl.NumberFormat(locale, {
      style: "unit",
      unit: u,
      unitDisplay: "short",
      maximumFractionDigits: 1,
    }).format(value);
  return {
    number: (n, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n),
    percent: (share) =>
      new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(share),
    money: (n) =>
      new Intl.NumberFormat(locale, { style: "currency", currency: "KRW", maximumFractionDigits: 0 }).format(
        n,
      ),
    duration: (ms) =>
      ms < MINUTE
        ? unit(ms / 1000, "second")
        : ms < HOUR
          ? unit(ms / MINUTE, "minute")
          : ms < DAY
            ? unit(ms / HOUR, "hour")
            : unit(ms / DAY, "day"),
    day: (iso) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso)),
  };
}

/** Every parameter as text; `everyone` is the language's word for a segment with no parts. */
export function formatParams(
  params: Record<string, MessageParam>,
  f: ParamFormat,
  everyone: string,
): Record<string, string> {
  const text = (p: MessageParam): string => {
    switch (p.type) {
      case "name":
        return p.value;
      case "channel":
        return f.channel?.(p.value) ?? p.value;
      case "number":
        return f.number(p.value, p.digits);
      case "percent":
        return f.percent(p.value);
      case "money":
        return f.money(p.value);
      case "minutes":
        return f.duration(p.value * MINUTE);
      case "day":
        return f.day(p.value);
      case "segment":
        return p.parts.length
          ? p.parts.map((s) => `${s.name} ${s.op} ${String(s.value)}`).join(", ")
          : everyone;
    }
  };
  return Object.fromEntries(Object.entries(params).map(([k, p]) => [k, text(p)]));
}

/** The template of a key in a language; a key missing from the catalogue is a bug. */
export function template(lang: FindingLanguage, key: string): string {
  let node: unknown = findingMessages[lang];
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== "string") throw new Error(`no finding message "${key}" in ${lang}`);
  return node;
}

export function renderMessage(m: Message, lang: FindingLanguage = "en"): string {
  const words = findingMessages[lang];
  const values = formatParams(
    m.params,
    { ...paramFormat(LOCALES[lang]), channel: (code) => words.channel[code] ?? code },
    words.segment.everyone,
  );
  return template(lang, m.key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_whole, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`finding message "${m.key}" lacks its parameter "${k}"`);
    return v;
  });
}

/** A title and the notes that follow it, as one line ("title; note; note"). */
export const renderLine = (messages: readonly Message[], lang: FindingLanguage = "en"): string =>
  messages.map((m) => renderMessage(m, lang)).join("; ");
