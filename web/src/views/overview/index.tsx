// The home page: the period at a glance (headline numbers, stages with conversion, top frictions,
// channels). An empty database shows how to send the first event instead.
import { Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useJourneyUpdates } from "../../api/live.js";
import { type Stats, useStats } from "../../api/shared.js";
import { useUrlState } from "../../app/url-state.js";
import { FirstEvent } from "../../components/FirstEvent.js";
import { Freshness } from "../../components/Freshness.js";
import { PeriodInputs, PersonaSelect, StageSelect } from "../../components/filters.js";
import { ErrorState, Loading } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { useOverview } from "./api.js";
import { ChannelCharts } from "./ChannelCharts.js";
import { KpiCards } from "./KpiCards.js";
import { StageStrip } from "./StageStrip.js";
import { TopFrictions } from "./TopFrictions.js";
import "./messages.js";
import "../frictions/messages.js";

const DEFAULTS = { persona: "", stage: "", from: "", to: "" };

export default function OverviewView() {
  const { t } = useTranslation("overview");
  const stats = useStats();
  // Asked together with the store check, not after it: on a large store each takes a second or more.
  const [scope] = useUrlState(DEFAULTS);
  useOverview(scope);
  return (
    <Stack gap="md">
      <ViewHeader title={t("title")} save="overview" />
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
      ) : stats.data.events === 0 ? (
        <FirstEvent />
      ) : (
        <PeriodOverview stats={stats.data} />
      )}
    </Stack>
  );
}

function PeriodOverview({ stats }: { stats: Stats }) {
  const { t } = useTranslation("overview");
  const format = useFormat();
  const [state, set] = useUrlState(DEFAULTS);
  const overview = useOverview(state);
  // New events reach these numbers within seconds: a journey refresh reloads them, no page reload.
  useJourneyUpdates(overview.data?.freshness);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="end" wrap="wrap">
        <Group align="end" wrap="wrap">
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
        </Group>
        {overview.data && (
          <Stack gap={0} align="flex-end">
            <Text size="sm" data-testid="overview-period">
              {t("period", {
                from: format.date(overview.data.period.from),
                to: format.date(overview.data.period.to),
              })}
            </Text>
            <Text size="xs" c="dimmed">
              {t("asOf", { time: format.dateTime(overview.data.asOf) })}
            </Text>
            <Freshness freshness={overview.data.freshness} testId="overview-freshness" />
          </Stack>
        )}
      </Group>
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <Stack gap="md" data-testid="overview">
          <KpiCards overview={overview.data} stats={stats} />
          <StageStrip stages={overview.data.stages} scope={state} />
          <TopFrictions scope={state} />
          <ChannelCharts channels={overview.data.channels} />
        </Stack>
      )}
    </Stack>
  );
}
