// A stage's pain points: the friction finder's findings at the stage's touchpoints, for the map's cohort
// and period (one engine, so the map and the frictions view agree). Each shows its kind, its words in the
// reader's language, the customers behind it (a list away), its measure against the baseline, and a
// link to the friction in the frictions view, with its series and full evidence.
import { Anchor, Paper, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { PainPoint } from "../../../../src/journey/map/schema.js";
import { useFindingText } from "../../i18n/findings.js";
import { useFormat } from "../../i18n/format.js";
import type { FrictionScope } from "../frictions/api.js";
import { frictionHref, KindBadge } from "../frictions/parts.js";
import { CountButton } from "./CountButton.js";
import { NS } from "./messages.js";

export function PainPoints({ pains, scope }: { pains: PainPoint[]; scope: FrictionScope }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const findingText = useFindingText();
  if (pains.length === 0)
    return (
      <Text size="xs" c="dimmed">
        {t("metric.noPains")}
      </Text>
    );
  return (
    <Stack gap="xs">
      {pains.map((p) => {
        const e = p.evidence;
        return (
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
              <KindBadge kind={p.kind} />
              {p.touchpoint && (
                <Text size="sm" fw={600}>
                  {p.touchpoint.name}
                </Text>
              )}
              <Text size="xs" data-testid="jm-pain-title">
                {findingText([p.message, ...p.notes])}
              </Text>
              <Text size="xs">
                {t("pain.affected")}: <CountButton audience={`pain:${p.id}`} value={p.customers} />
              </Text>
              <Text size="xs" c="dimmed" data-testid="jm-pain-measure">
                {t("pain.measure", {
                  measure: findingText([e.messages.measure]),
                  value: format.percent(e.value),
                  baseline: format.percent(e.baseline),
                  label: findingText([e.messages.baseline]),
                })}
              </Text>
              <Anchor component={Link} to={frictionHref(p.id, scope)} size="xs" data-testid="jm-pain-open">
                {t("pain.open")}
              </Anchor>
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
