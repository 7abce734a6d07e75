// How fresh what a view shows is: when the journey tables were brought up to date and when the newest
// event they include arrived, counting up as time passes ("updated 5 sec. ago").
import { Text, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type Freshness as FreshnessInfo, useNow } from "../api/live.js";
import { useFormat } from "../i18n/format.js";

/** "5 sec. ago", "3 min. ago", "2 hr. ago", "4 days ago" in the reader's language. */
function ago(locale: string, ms: number): string {
  const f = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "short" });
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return f.format(-s, "second");
  if (s < 3600) return f.format(-Math.floor(s / 60), "minute");
  if (s < 86_400) return f.format(-Math.floor(s / 3600), "hour");
  return f.format(-Math.floor(s / 86_400), "day");
}

export function Freshness({ freshness, testId }: { freshness: FreshnessInfo; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const since = (iso: string) => ago(format.locale, now - Date.parse(iso));
  return (
    <Tooltip
      label={t("freshness.detail", {
        generation: freshness.generation,
        refreshed: format.dateTime(freshness.refreshedAt),
        newest: format.dateTime(freshness.lastEventReceivedAt),
      })}
    >
      <Text size="xs" c="dimmed" data-testid={testId} data-generation={freshness.generation}>
        {freshness.refreshedAt
          ? t("freshness.updated", { ago: since(freshness.refreshedAt) })
          : t("freshness.never")}
        {freshness.lastEventReceivedAt &&
          ` · ${t("freshness.newest", { ago: since(freshness.lastEventReceivedAt) })}`}
      </Text>
    </Tooltip>
  );
}
