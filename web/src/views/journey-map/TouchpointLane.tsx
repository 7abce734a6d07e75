// A stage's touchpoints: how often each was used (events), by how many customers, how many of them
// went on to a later stage, and how satisfied they were.
import { Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { TouchpointMetrics } from "../../../../src/journey/map/schema.js";
import { useFormat } from "../../i18n/format.js";
import { CountButton } from "./CountButton.js";
import { NS } from "./messages.js";

export function TouchpointLane({ touchpoints }: { touchpoints: TouchpointMetrics[] }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  if (touchpoints.length === 0)
    return (
      <Text size="xs" c="dimmed">
        {t("metric.noTouchpoints")}
      </Text>
    );
  const widest = Math.max(...touchpoints.map((tp) => tp.volume), 1);
  return (
    <Stack gap={8}>
      {touchpoints.map((tp) => (
        <div key={tp.id} className="jm-touchpoint" data-testid="jm-touchpoint" data-touchpoint={tp.id}>
          <Group justify="space-between" gap={4} wrap="nowrap" align="baseline">
            <Text size="sm" fw={600} lineClamp={2}>
              {tp.name}
            </Text>
            <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
              {t("metric.events", { n: format.number(tp.volume) })}
            </Text>
          </Group>
          <div className="jm-volume" aria-hidden>
            <div style={{ width: `${(tp.volume / widest) * 100}%` }} />
          </div>
          <Text size="xs">
            {t("metric.reach")} <CountButton audience={`touchpoint:${tp.id}:reach`} value={tp.reach} />
            {tp.converted !== null && (
              <>
                {" · "}
                {t("metric.converted")}{" "}
                <CountButton audience={`touchpoint:${tp.id}:converted`} value={tp.converted} /> (
                {format.percent(tp.conversion)}){" · "}
                {t("metric.dropped")}{" "}
                <CountButton audience={`touchpoint:${tp.id}:dropped`} value={tp.reach - tp.converted} />
              </>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {t("metric.satisfaction")} {format.number(tp.satisfaction.value, 2)} (
            {t("metric.answers", { n: format.number(tp.satisfaction.answers) })})
          </Text>
        </div>
      ))}
    </Stack>
  );
}
