// A funnel's result: a bar per step with its conversion, the table of steps (every count opens the
// customers behind it), and the breakdown when there is one.
import { Group, Paper, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FunnelResult } from "../../../../src/analytics/funnel.js";
import { Chart, type ChartOption, PALETTE } from "../../components/Chart.js";
import { CountButton } from "../../components/CountButton.js";
import { useStableFormat } from "./api.js";
import { useWindowLabel } from "./FunnelBuilder.js";
import { NS } from "./messages.js";

/** Breakdown values drawn in the chart; the table lists them all. */
const CHART_VALUES = 8;

/** Opens the customers behind a step's count, of one breakdown value or over-time interval when given. */
export type OpenList = (
  step: number,
  kind: "reached" | "dropped",
  only?: { breakdown?: string | null; period?: string },
) => void;

export function FunnelResults({
  result,
  labels,
  breakdown,
  open,
}: {
  result: FunnelResult;
  /** The property the result is broken down by, if any. */
  breakdown: string | undefined;
  /** The steps' names in the reader's language (the API names them in English). */
  labels: string[];
  open: OpenList;
}) {
  const { t } = useTranslation(NS);
  const format = useStableFormat();
  const windowLabel = useWindowLabel();
  const steps = result.steps;
  const last = steps.at(-1);
  const names = useMemo(() => steps.map((s, i) => labels[i] ?? s.name), [steps, labels]);
  const label = (i: number) => names[i] ?? "";

  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 56, right: 16, top: 36, bottom: 56, containLabel: false },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: {
        type: "category",
        data: names,
        axisLabel: { interval: 0, width: 130, overflow: "truncate" },
      },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => format.number(v) } },
      series: [
        {
          type: "bar",
          name: t("result.customers"),
          barMaxWidth: 96,
          data: steps.map((s) => s.count),
          label: {
            show: true,
            position: "top",
            formatter: (p: { dataIndex: number }) => {
              const s = steps[p.dataIndex];
              return s ? `${format.number(s.count)} · ${format.percent(s.conversionFromFirst)}` : "";
            },
          },
          cursor: "pointer",
        },
      ],
    }),
    [steps, names, format, t],
  );

  const breakdownOption = useMemo<ChartOption | null>(() => {
    if (!result.breakdown?.length || !breakdown) return null;
    const rows = result.breakdown.slice(0, CHART_VALUES);
    return {
      grid: { left: 56, right: 16, top: 48, bottom: 56 },
      legend: { type: "scroll", top: 0 },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: number) => format.percent(v),
      },
      xAxis: {
        type: "category",
        data: names,
        axisLabel: { interval: 0, width: 130, overflow: "truncate" },
      },
      yAxis: { type: "value", max: 1, axisLabel: { formatter: (v: number) => format.percent(v, 0) } },
      series: rows.map((r, i) => ({
        type: "bar",
        name: r.value ?? t("result.noValue"),
        color: PALETTE[i % PALETTE.length],
        data: r.steps.map((s) => s.conversionFromFirst),
      })),
    };
  }, [result, breakdown, names, format, t]);

  return (
    <Stack gap="md" data-testid="funnel-result">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Paper withBorder p="sm" radius="md">
          <Text size="xs" c="dimmed">
            {t("result.overall")}
          </Text>
          <Text fz={28} fw={700} data-testid="funnel-overall" data-value={last?.conversionFromFirst ?? 0}>
            {format.percent(last?.conversionFromFirst ?? 0)}
          </Text>
        </Paper>
        <Paper withBorder p="sm" radius="md">
          <Text size="xs" c="dimmed">
            {t("result.entered")}
          </Text>
          <Text fz={28} fw={700}>
            {format.number(steps[0]?.count ?? 0)}
          </Text>
        </Paper>
        <Paper withBorder p="sm" radius="md">
          <Text size="xs" c="dimmed">
            {t("result.converted")}
          </Text>
          <Text fz={28} fw={700}>
            {format.number(last?.count ?? 0)}
          </Text>
        </Paper>
      </SimpleGrid>
      <Group gap="lg">
        <Text size="sm" c="dimmed" data-testid="funnel-period">
          {t("result.period", {
            from: format.date(result.period.from),
            // The period's end is exclusive: the last day shown is the one before it.
            to: format.date(new Date(new Date(result.period.to).getTime() - 1).toISOString()),
            window: windowLabel(result.window),
          })}
        </Text>
        {result.excluded > 0 && (
          <Text size="sm" c="dimmed" data-testid="funnel-excluded">
            {t("result.excluded", { n: format.number(result.excluded) })}
          </Text>
        )}
      </Group>

      <Paper withBorder p="sm" radius="md">
        <Chart
          option={option}
          height={340}
          label={t("result.chart")}
          tableId="funnel-table"
          testId="funnel-chart"
          onClick={(item) => open(item.dataIndex + 1, "reached")}
        />
      </Paper>

      <Table.ScrollContainer minWidth={720}>
        <Table
          striped
          highlightOnHover
          id="funnel-table"
          data-testid="funnel-table"
          aria-label={t("result.table")}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("result.step")}</Table.Th>
              <Table.Th ta="right">{t("result.customers")}</Table.Th>
              <Table.Th ta="right">{t("result.fromPrevious")}</Table.Th>
              <Table.Th ta="right">{t("result.fromFirst")}</Table.Th>
              <Table.Th ta="right">{t("result.dropped")}</Table.Th>
              <Table.Th ta="right">{t("result.median")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {steps.map((s, i) => {
              const next = steps[i + 1];
              const dropped = next ? s.count - next.count : null;
              return (
                <Table.Tr key={`${s.name}-${s.count}-${dropped}`} data-testid={`funnel-row-${i}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {i + 1}. {label(i)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <CountButton
                      value={s.count}
                      label={t("result.openReached", { n: format.number(s.count), step: label(i) })}
                      onClick={() => open(i + 1, "reached")}
                      testId={`funnel-count-${i}`}
                    />
                  </Table.Td>
                  <Table.Td ta="right">{i === 0 ? "–" : format.percent(s.conversionFromPrevious)}</Table.Td>
                  <Table.Td ta="right">{format.percent(s.conversionFromFirst)}</Table.Td>
                  <Table.Td ta="right">
                    {dropped === null ? (
                      "–"
                    ) : (
                      <CountButton
                        value={dropped}
                        label={t("result.openDropped", { n: format.number(dropped), step: label(i) })}
                        onClick={() => open(i + 1, "dropped")}
                        testId={`funnel-dropped-${i}`}
                      />
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {s.medianSecondsFromPrevious === null
                      ? "–"
                      : format.duration(s.medianSecondsFromPrevious * 1000)}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {breakdownOption && result.breakdown && (
        <Stack gap="sm" data-testid="funnel-breakdown-result">
          <Paper withBorder p="sm" radius="md">
            <Chart
              option={breakdownOption}
              height={340}
              label={t("result.chartBreakdown", { property: breakdown })}
              tableId="funnel-breakdown-table"
              testId="funnel-breakdown-chart"
            />
          </Paper>
          <Table.ScrollContainer minWidth={560}>
            <Table
              striped
              aria-label={t("result.breakdownTable", { property: breakdown })}
              id="funnel-breakdown-table"
              data-testid="funnel-breakdown-table"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("result.value", { property: breakdown })}</Table.Th>
                  <Table.Th ta="right">{t("result.entered")}</Table.Th>
                  <Table.Th ta="right">{t("result.converted")}</Table.Th>
                  <Table.Th ta="right">{t("result.conversion")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.breakdown.map((r) => (
                  <Table.Tr key={r.value ?? ""}>
                    <Table.Td>{r.value ?? t("result.noValue")}</Table.Td>
                    <Table.Td ta="right">
                      <CountButton
                        value={r.steps[0]?.count ?? 0}
                        label={t("result.openBreakdown", {
                          value: r.value ?? t("result.noValue"),
                          step: labels[0] ?? "",
                        })}
                        onClick={() => open(1, "reached", { breakdown: r.value })}
                        testId="funnel-breakdown-entered"
                      />
                    </Table.Td>
                    <Table.Td ta="right">
                      <CountButton
                        value={r.steps.at(-1)?.count ?? 0}
                        label={t("result.openBreakdown", {
                          value: r.value ?? t("result.noValue"),
                          step: labels.at(-1) ?? "",
                        })}
                        onClick={() => open(r.steps.length, "reached", { breakdown: r.value })}
                        testId="funnel-breakdown-converted"
                      />
                    </Table.Td>
                    <Table.Td ta="right">{format.percent(r.steps.at(-1)?.conversionFromFirst ?? 0)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Stack>
  );
}
