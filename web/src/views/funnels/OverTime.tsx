// A funnel's conversion over time: per day or week of the counted attempts' start, customers who entered
// and who converted (bars) and the conversion (line), with the same numbers in a table for screen readers.
import { Paper, Stack, Table, Text } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FunnelResult } from "../../../../src/analytics/funnel.js";
import { Chart, type ChartOption, PALETTE } from "../../components/Chart.js";
import { CountButton } from "../../components/CountButton.js";
import { Segments } from "../../components/filters.js";
import { useFormat } from "../../i18n/format.js";
import type { OpenList } from "./FunnelResults.js";
import { NS } from "./messages.js";

export type Interval = "" | "day" | "week";

/** Off, daily or weekly; "" asks the API for no series. */
export function IntervalControl({ value, onChange }: { value: Interval; onChange: (v: Interval) => void }) {
  const { t } = useTranslation(NS);
  return (
    <Segments
      id="funnel-interval"
      label={t("overTime.label")}
      testId="funnel-interval"
      value={value || "off"}
      onChange={(v) => onChange(v === "off" ? "" : v)}
      data={[
        { value: "off", label: t("overTime.off") },
        { value: "day", label: t("overTime.day") },
        { value: "week", label: t("overTime.week") },
      ]}
    />
  );
}

export function OverTime({
  points,
  interval,
  steps,
  open,
}: {
  points: NonNullable<FunnelResult["overTime"]>;
  interval: Interval;
  /** How many steps the funnel has: its converted customers reached the last. */
  steps: number;
  open: OpenList;
}) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const when = useMemo(
    () => (iso: string) =>
      interval === "week" ? t("overTime.weekOf", { date: format.date(iso) }) : format.date(iso),
    [interval, format, t],
  );
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 56, right: 56, top: 40, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: points.map((p) => when(p.start)) },
      yAxis: [
        { type: "value", axisLabel: { formatter: (v: number) => format.number(v) } },
        { type: "value", max: 1, axisLabel: { formatter: (v: number) => format.percent(v, 0) } },
      ],
      series: [
        { type: "bar", name: t("result.entered"), color: PALETTE[1], data: points.map((p) => p.entered) },
        { type: "bar", name: t("result.converted"), color: PALETTE[0], data: points.map((p) => p.converted) },
        {
          type: "line",
          name: t("result.conversion"),
          yAxisIndex: 1,
          color: PALETTE[3],
          data: points.map((p) => p.conversion),
          tooltip: { valueFormatter: (v: number) => format.percent(v) },
        },
      ],
    }),
    [points, when, format, t],
  );
  return (
    <Paper withBorder p="sm" radius="md" data-testid="funnel-over-time">
      <Stack gap="sm">
        <Text fw={600}>{t("overTime.title")}</Text>
        <Chart
          option={option}
          height={300}
          label={t("overTime.chart")}
          tableId="funnel-over-time-table"
          testId="funnel-over-time-chart"
        />
        <Table.ScrollContainer minWidth={480}>
          <Table striped aria-label={t("overTime.table")} id="funnel-over-time-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("overTime.start")}</Table.Th>
                <Table.Th ta="right">{t("result.entered")}</Table.Th>
                <Table.Th ta="right">{t("result.converted")}</Table.Th>
                <Table.Th ta="right">{t("result.conversion")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {points.map((p) => (
                <Table.Tr
                  key={p.start}
                  data-testid="funnel-over-time-row"
                  data-start={p.start}
                  data-entered={p.entered}
                  data-converted={p.converted}
                >
                  <Table.Td>{when(p.start)}</Table.Td>
                  <Table.Td ta="right">
                    <CountButton
                      value={p.entered}
                      label={t("overTime.openEntered", { when: when(p.start) })}
                      onClick={() => open(1, "reached", { period: p.start })}
                      testId="funnel-over-time-entered"
                    />
                  </Table.Td>
                  <Table.Td ta="right">
                    <CountButton
                      value={p.converted}
                      label={t("overTime.openConverted", { when: when(p.start) })}
                      onClick={() => open(steps, "reached", { period: p.start })}
                      testId="funnel-over-time-converted"
                    />
                  </Table.Td>
                  <Table.Td ta="right">{format.percent(p.conversion)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
