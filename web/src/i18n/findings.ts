// Findings (frictions, the journey map's pain points) in the reader's language: the server sends a
// message key and its parameters; the words come from the findings catalogue it renders its own English
// from (src/findings/catalogue.ts), the numbers, shares and days from this dashboard's formatter.
import { useTranslation } from "react-i18next";
import { findingMessages } from "../../../src/findings/catalogue.js";
import type { Message } from "../../../src/findings/message.js";
import { formatParams } from "../../../src/findings/render.js";
import { useFormat } from "./format.js";
import { registerMessages } from "./index.js";

export type { Message } from "../../../src/findings/message.js";

const NS = "findings";
registerMessages(NS, findingMessages);

/** Renders a finding's messages as one line ("title; note; note"), re-rendered when the language changes. */
export function useFindingText(): (messages: readonly Message[]) => string {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const words = { ...format, channel: (code: string) => t(`channel.${code}`, { defaultValue: code }) };
  return (messages) =>
    messages
      .map((m) =>
        t(m.key, {
          ...formatParams(m.params, words, t("segment.everyone")),
          interpolation: { escapeValue: false },
        }),
      )
      .join("; ");
}
