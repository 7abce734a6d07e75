// Numbers, shares, dates and durations in the reader's language (Intl does the locale work).
import { useTranslation } from "react-i18next";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Format {
  locale: string;
  number(n: number | null | undefined, digits?: number): string;
  /** A share from 0 to 1 as a percentage. */
  percent(share: number | null | undefined, digits?: number): string;
  /** An amount of money in the store's currency (the demo world's KRW unless given). */
  money(n: number | null | undefined, currency?: string): string;
  date(iso: string | null | undefined): string;
  /** A UTC day (a finding's day: the same day wherever the reader is). */
  day(iso: string): string;
  dateTime(iso: string | null | undefined): string;
  /** A length of time in milliseconds, in the largest sensible unit ("3.2 d", "45 min"). */
  duration(ms: number | null | undefined): string;
  /** A signed difference, e.g. "+4.1 pp" for shares. */
  deltaPoints(share: number | null | undefined): string;
}

const DASH = "–";

export function formatFor(locale: string): Format {
  const numberFormat = (digits: number) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const unit = (value: number, u: "minute" | "hour" | "day" | "second") =>
    new Intl.NumberFormat(locale, {
      style: "unit",
      unit: u,
      unitDisplay: "short",
      maximumFractionDigits: 1,
    }).format(value);
  return {
    locale,
    number: (n, digits = 0) => (n === null || n === undefined ? DASH : numberFormat(digits).format(n)),
    percent: (share, digits = 1) =>
      share === null || share === undefined || Number.isNaN(share)
        ? DASH
        : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(share),
    money: (n, currency = "KRW") =>
      n === null || n === undefined
        ? DASH
        : new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(n),
    date: (iso) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso)) : DASH,
    day: (iso) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso)),
    dateTime: (iso) =>
      iso
        ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))
        : DASH,
    duration: (ms) => {
      if (ms === null || ms === undefined) return DASH;
      if (ms < MINUTE) return unit(ms / 1000, "second");
      if (ms < HOUR) return unit(ms / MINUTE, "minute");
      if (ms < DAY) return unit(ms / HOUR, "hour");
      return unit(ms / DAY, "day");
    },
    deltaPoints: (share) => {
      if (share === null || share === undefined) return DASH;
      const pp = numberFormat(1).format(Math.abs(share * 100));
      return `${share > 0 ? "+" : share < 0 ? "−" : "±"}${pp} pp`;
    },
  };
}

/** The formatter for the current language; re-renders when the language changes. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  return formatFor(i18n.language === "ko" ? "ko-KR" : "en-US");
}
