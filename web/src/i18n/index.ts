// Languages of the dashboard (English and Korean). The shell's words live in ./common.ts; each view
// registers its own namespace when its chunk loads, so a view's words travel with its code.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { common } from "./common.js";

export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = "itinera.lang";

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "ko") return stored;
  return navigator.language.toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** A namespace's words: the same keys in both languages (the Korean type is checked against English). */
export interface Messages<T extends Record<string, unknown>> {
  en: T;
  ko: DeepStrings<T>;
}
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

export function registerMessages<T extends Record<string, unknown>>(ns: string, messages: Messages<T>): void {
  for (const lng of LANGUAGES) {
    if (!i18next.hasResourceBundle(lng, ns)) i18next.addResourceBundle(lng, ns, messages[lng]);
  }
}

export async function setupI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: "en",
    defaultNS: "common",
    ns: ["common"],
    resources: { en: { common: common.en }, ko: { common: common.ko } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export async function changeLanguage(lng: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lng);
  document.documentElement.lang = lng;
  await i18next.changeLanguage(lng);
}
