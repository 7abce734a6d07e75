// The period's headline numbers: customers, events, the last day's events, NPS and CSAT.
import { Paper, SimpleGrid, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Stats } from "../../api/shared.js";
import { useFormat } from "../../i18n/format.js";
import type { Overview } from "./api.js";

function Kpi({ id, label, value, hint }: { id: string; label: string; value: string; hint: string }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={`kpi-${id}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.2} data-testid={`kpi-${id}-value`}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Paper>
  );
}

export function KpiCards({ overview: o, stats }: { overview: Overview; stats: Stats }) {
  const { t } = useTranslation("overview");
  const format = useFormat();
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md">
      <Kpi
        id="customers"
        label={t("kpi.customers")}
        value={format.number(o.customers)}
        hint={t("kpi.customersHint", { total: format.number(stats.customers) })}
      />
      <Kpi
        id="events"
        label={t("kpi.events")}
        value={format.number(o.events)}
        hint={t("kpi.eventsHint", { total: format.number(stats.events) })}
      />
      <Kpi
        id="last24h"
        label={t("kpi.last24h")}
        value={format.number(stats.eventsLast24h)}
        hint={t("kpi.last24hHint")}
      />
      <Kpi
        id="nps"
        label={t("kpi.nps")}
        value={format.number(o.nps.score, 1)}
        hint={
          o.nps.responses
            ? t("kpi.npsHint", {
                n: format.number(o.nps.responses),
                promoters: format.number(o.nps.promoters),
                detractors: format.number(o.nps.detractors),
              })
            : t("kpi.noAnswers")
        }
      />
      <Kpi
        id="csat"
        label={t("kpi.csat")}
        value={format.number(o.csat.mean, 2)}
        hint={
          o.csat.responses
            ? t("kpi.csatHint", {
                n: format.number(o.csat.responses),
                share: format.percent(o.csat.satisfiedShare),
              })
            : t("kpi.noAnswers")
        }
      />
    </SimpleGrid>
  );
}
