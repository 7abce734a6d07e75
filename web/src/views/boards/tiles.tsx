// What a board's tile shows: the saved view's main numbers (and a funnel's chart), from the same
// request its own view sends for that state, so a tile and its full view agree.
import { Group, Paper, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FunnelResult } from "../../../../src/analytics/funnel.js";
import type { RetentionResult } from "../../../../src/analytics/retention.js";
import type { StageFlowRequest, StageFlowResult } from "../../../../src/analytics/stage-flow.js";
import type { TimeToConvertResult } from "../../../../src/analytics/time-to-convert.js";
import { useInsightResult } from "../../api/insights.js";
import { useStats } from "../../api/shared.js";
import { Chart, type ChartOption } from "../../components/Chart.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";
import { useStepLabel } from "../../components/StepPicker.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { useFindingText } from "../../i18n/findings.js";
import { useFormat } from "../../i18n/format.js";
import { DEFAULT_LIMIT, useFrictions } from "../frictions/api.js";
import { useStableFormat } from "../funnels/api.js";
import { funnelRequestOf, readDefinition } from "../funnels/definition.js";
import { useOverview } from "../overview/api.js";
import { KpiCards } from "../overview/KpiCards.js";
import { retentionRequestOf } from "../retention/request.js";
import type { SavedView } from "../saved/api.js";
import { NS } from "../saved/messages.js";
import { timeToConvertRequestOf } from "../time-to-convert/request.js";
import "../overview/messages.js";
import "../funnels/messages.js";

/** The saved state's value of a URL parameter ("" when the view used its default). */
const param = (view: SavedView, key: string) => view.state[key] ?? "";

export function TileBody({ view, height }: { view: SavedView; height: number }) {
  switch (view.kind) {
    case "funnels":
      return <FunnelTile view={view} height={height} />;
    case "stage-flow":
      return <StageFlowTile view={view} />;
    case "overview":
      return <OverviewTile view={view} />;
    case "frictions":
      return <FrictionsTile view={view} />;
    case "time-to-convert":
      return <TimeToConvertTile view={view} />;
    case "retention":
      return <RetentionTile view={view} />;
    default:
      return <FullViewOnly />;
  }
}

function FullViewOnly() {
  const { t } = useTranslation(NS);
  return (
    <Text size="sm" c="dimmed" data-testid="tile-full-view-only">
      {t("tile.fullViewOnly")}
    </Text>
  );
}

function FunnelTile({ view, height }: { view: SavedView; height: number }) {
  const { t } = useTranslation(NS);
  const format = useStableFormat();
  const definition = useMemo(() => readDefinition(param(view, "funnel")), [view]);
  // The view's request without the conversion over time, which a tile does not draw.
  const request = useMemo(
    () =>
      funnelRequestOf(
        {
          funnel: "",
          persona: param(view, "persona"),
          stage: param(view, "stage"),
          from: param(view, "from"),
          to: param(view, "to"),
          interval: "",
        },
        definition,
      ),
    [view, definition],
  );
  const funnel = useInsightResult<FunnelResult>("funnel", request, { keepPrevious: true });
  const stepLabel = useStepLabel();
  const labels = useMemo(() => definition.steps.map(stepLabel), [definition, stepLabel]);
  const option = useMemo<ChartOption | null>(() => {
    if (!funnel.data) return null;
    return {
      grid: { left: 48, right: 8, top: 8, bottom: 24 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      // Bars by step number: a tile is narrow, and the table below names each numbered step in full.
      xAxis: { type: "category", data: labels.map((_, i) => String(i + 1)) },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => format.number(v) } },
      series: [{ type: "bar", barMaxWidth: 64, data: funnel.data.steps.map((s) => s.count) }],
    };
  }, [funnel.data, labels, format]);
  return (
    <QueryState
      query={funnel}
      isEmpty={(r) => (r.steps[0]?.count ?? 0) === 0}
      empty={<EmptyState title={t("tile.noData")} />}
    >
      {(r) => {
        const first = r.steps[0]?.count ?? 0;
        return (
          <Stack gap="xs" data-testid="tile-funnel">
            {option && height >= 2 && (
              <Chart
                option={option}
                height={height * 180 - 150}
                label={t("tile.chart", { name: view.name })}
              />
            )}
            <Table verticalSpacing={2} fz="sm">
              <Table.Tbody>
                {r.steps.map((s, i) => (
                  <Table.Tr key={`${s.name}-${s.count}-${labels[i] ?? ""}`}>
                    <Table.Td>
                      <Text size="sm" truncate>
                        {i + 1}. {labels[i] ?? s.name}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" fw={600} data-testid={`tile-funnel-count-${i}`} data-count={s.count}>
                      {format.number(s.count)}
                    </Table.Td>
                    <Table.Td ta="right" c="dimmed">
                      {format.percent(first ? s.count / first : 0)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        );
      }}
    </QueryState>
  );
}

function Figure({
  label,
  value,
  shown,
  testId,
}: {
  label: string;
  value: number;
  /** The value as read (a duration, a share); the number by default. */
  shown?: string;
  testId: string;
}) {
  const f = useFormat();
  return (
    <Paper withBorder p="xs" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid={testId} data-value={value}>
        {shown ?? f.number(value)}
      </Text>
    </Paper>
  );
}

function TimeToConvertTile({ view }: { view: SavedView }) {
  const { t } = useTranslation(NS);
  const f = useFormat();
  const request = useMemo(
    () =>
      timeToConvertRequestOf({
        start: param(view, "start"),
        end: param(view, "end"),
        window: param(view, "window"),
        persona: param(view, "persona"),
        stage: param(view, "stage"),
        from: param(view, "from"),
        to: param(view, "to"),
      }),
    [view],
  );
  const query = useInsightResult<TimeToConvertResult>("time-to-convert", request);
  return (
    <QueryState query={query}>
      {(r) => (
        <SimpleGrid cols={3} spacing="xs" data-testid="tile-time-to-convert">
          <Figure label={t("tile.entered")} value={r.entered} testId="tile-ttc-entered" />
          <Figure
            label={t("tile.converted")}
            value={r.converted}
            shown={`${f.number(r.converted)} (${f.percent(r.entered ? r.converted / r.entered : 0)})`}
            testId="tile-ttc-converted"
          />
          <Figure
            label={t("tile.median")}
            value={r.medianSeconds ?? 0}
            shown={r.medianSeconds === null ? "–" : f.duration(r.medianSeconds * 1000)}
            testId="tile-ttc-median"
          />
        </SimpleGrid>
      )}
    </QueryState>
  );
}

function RetentionTile({ view }: { view: SavedView }) {
  const { t } = useTranslation(NS);
  const f = useFormat();
  const body = useMemo(() => retentionRequestOf(view.state), [view]);
  const query = useInsightResult<RetentionResult>("retention", body);
  if (!body) return <FullViewOnly />;
  return (
    <QueryState query={query}>
      {(r) => {
        const size = r.cohorts.reduce((n, c) => n + c.size, 0);
        const first = r.totals.find((p) => p.period === 1);
        const last = r.totals.at(-1);
        return (
          <SimpleGrid cols={3} spacing="xs" data-testid="tile-retention">
            <Figure label={t("tile.cohorts")} value={size} testId="tile-retention-size" />
            {first && (
              <Figure
                label={t("tile.backIn", { n: 1 })}
                value={first.percentage}
                shown={f.percent(first.percentage / 100)}
                testId="tile-retention-first"
              />
            )}
            {last && last.period > 1 && (
              <Figure
                label={t("tile.backIn", { n: last.period })}
                value={last.percentage}
                shown={f.percent(last.percentage / 100)}
                testId="tile-retention-last"
              />
            )}
          </SimpleGrid>
        );
      }}
    </QueryState>
  );
}

function StageFlowTile({ view }: { view: SavedView }) {
  const { t } = useTranslation(NS);
  // The stage-flow view's request for the same state.
  const body = useMemo(
    (): StageFlowRequest => ({
      ...cohortQuery(param(view, "persona"), param(view, "stage")),
      ...periodQuery(param(view, "from"), param(view, "to")),
    }),
    [view],
  );
  const query = useInsightResult<StageFlowResult>("stage-flow", body);
  return (
    <QueryState query={query}>
      {(r) => {
        const sum = (cause: string) =>
          r.links.filter((l) => l.cause === cause).reduce((s, l) => s + l.value, 0);
        return (
          <SimpleGrid cols={2} spacing="xs" data-testid="tile-stage-flow">
            <Figure
              label={t("tile.transitions")}
              value={r.transitions}
              testId="tile-stage-flow-transitions"
            />
            <Figure label={t("tile.moved")} value={r.customers} testId="tile-stage-flow-customers" />
            <Figure label={t("tile.lapses")} value={sum("lapse")} testId="tile-stage-flow-lapses" />
            <Figure label={t("tile.exits")} value={sum("exit")} testId="tile-stage-flow-exits" />
          </SimpleGrid>
        );
      }}
    </QueryState>
  );
}

function OverviewTile({ view }: { view: SavedView }) {
  const stats = useStats();
  const overview = useOverview({
    persona: param(view, "persona"),
    stage: param(view, "stage"),
    from: param(view, "from"),
    to: param(view, "to"),
  });
  return (
    <QueryState query={overview}>
      {(o) => (stats.data ? <KpiCards overview={o} stats={stats.data} /> : null)}
    </QueryState>
  );
}

function FrictionsTile({ view }: { view: SavedView }) {
  const { t } = useTranslation(NS);
  const f = useFormat();
  const limit = Number(param(view, "limit")) || DEFAULT_LIMIT;
  const frictions = useFrictions(
    {
      persona: param(view, "persona"),
      stage: param(view, "stage"),
      from: param(view, "from"),
      to: param(view, "to"),
    },
    limit,
  );
  const findingText = useFindingText();
  return (
    <QueryState
      query={frictions}
      isEmpty={(r) => r.frictions.length === 0}
      empty={<EmptyState title={t("tile.noFrictions")} />}
    >
      {(r) => (
        <Stack gap={4} data-testid="tile-frictions">
          <Text size="xs" c="dimmed">
            {t("tile.frictions")}
          </Text>
          {r.frictions.slice(0, 5).map((fr) => (
            <Group key={fr.id} justify="space-between" wrap="nowrap" gap="xs">
              <Text size="sm" truncate>
                {findingText([fr.message, ...fr.notes])}
              </Text>
              <Text size="sm" fw={600} data-value={fr.customers}>
                {f.number(fr.customers)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </QueryState>
  );
}
