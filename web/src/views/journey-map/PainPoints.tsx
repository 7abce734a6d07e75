// A stage's pain points, each marked with its kind, the customers it affects (a list away) and the
// evidence it rests on, labelled in the reader's language.
import { Badge, Paper, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { formatParams } from "../../../../src/findings/render.js";
import type { PainPoint } from "../../../../src/journey/map/schema.js";
import { useFindingText } from "../../i18n/findings.js";
import { type Format, useFormat } from "../../i18n/format.js";
import { CountButton } from "./CountButton.js";
import { NS } from "./messages.js";

const SHARES = new Set(["conversion", "stageConversion", "conversionFirstHalf", "conversionSecondHalf"]);
const MINUTES = new Set(["medianMinutes", "p90Minutes"]);
const SCORES = new Set(["meanFeedback", "feedbackAfterSlow", "feedbackAfterFast"]);

function evidenceValue(
  p: PainPoint,
  key: string,
  value: number | string | null,
  format: Format & { channel(code: string): string },
): string {
  // The channels' targets, a text in the evidence, are formatted from the message's parameter instead.
  const targets = p.message.params.targets;
  if (key === "targets" && targets) return formatParams({ targets }, format, "").targets ?? "";
  if (typeof value === "string") return value;
  if (SHARES.has(key)) return format.percent(value);
  if (MINUTES.has(key)) return format.duration(value === null ? null : value * 60_000);
  if (SCORES.has(key)) return format.number(value, 2);
  return format.number(value, 2);
}

export function PainPoints({ pains }: { pains: PainPoint[] }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const words = {
    ...format,
    channel: (code: string) => t(`findings:channel.${code}`, { defaultValue: code }),
  };
  const findingText = useFindingText();
  if (pains.length === 0)
    return (
      <Text size="xs" c="dimmed">
        {t("metric.noPains")}
      </Text>
    );
  return (
    <Stack gap="xs">
      {pains.map((p) => (
        <Paper
          key={p.id}
          withBorder
          p="xs"
          className="jm-pain"
          data-testid="jm-pain"
          data-pain={p.id}
          bg="var(--mantine-color-red-0)"
        >
          <Stack gap={4}>
            <Badge
              color="red"
              variant="light"
              size="sm"
              leftSection={<IconAlertTriangle size={12} aria-hidden />}
            >
              {t(`pain.kind.${p.kind}`)}
            </Badge>
            <Text size="sm" fw={600}>
              {p.touchpoint.name}
            </Text>
            <Text size="xs" data-testid="jm-pain-title">
              {findingText([p.message, ...p.notes])}
            </Text>
            <Text size="xs">
              {t("pain.affected")}:{" "}
              <CountButton audience={`pain:${p.kind}:${p.touchpoint.id}`} value={p.customers} />
            </Text>
            <dl className="jm-evidence">
              {Object.entries(p.evidence).map(([key, value]) => (
                <div key={key}>
                  <dt>{t(`pain.evidence.${key}`, key)}</dt>
                  <dd>{evidenceValue(p, key, value, words)}</dd>
                </div>
              ))}
            </dl>
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
