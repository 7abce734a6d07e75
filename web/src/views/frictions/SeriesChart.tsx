// A friction's evidence day by day: the affected segment's rate and the baseline's as two lines, the
// change point (the day the segment's own rate rose, when the server found one) as a marked line, and the
// same numbers in a table.
import { ScrollArea, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Chart, type ChartOption } from "../../components/Chart.js";
import { useFormat } from "../../i18n/format.js";
import type { Friction } from "./api.js";

const RED = "#fa5252";
const GREY = "#868e96";
const YELLOW = "#fab005";

export function FrictionSeries({ friction: f }: { friction: Friction }) {
  const { t } = useTranslation("frictions");
  const format = useFormat();
  const days = f.series;
  const label = (day: string) => format.day(`${day}T00:00:00.000Z`);
  const change = f.changePoint ? label(f.changePoint) : null;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 56, right: 24, top: 40, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: (v: number | null) => format.percent(v) },
      xAxis: { type: "category", data: days.map((d) => format.day(`${d.day}T00:00:00.000Z`)) },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: (v: number) => format.percent(v, 0) } },
      series: [
        {
          type: "line",
          name: t("series.affected"),
          color: RED,
          connectNulls: true,
          data: days.map((d) => d.affected.rate),
          ...(change
            ? {
                markLine: {
                  symbol: "none",
                  lineStyle: { color: YELLOW, width: 2 },
                  label: { formatter: t("series.changePoint", { date: change }), position: "end" },
                  data: [{ xAxis: change }],
                },
              }
            : {}),
        },
        {
          type: "line",
          name: t("series.baseline"),
          color: GREY,
          connectNulls: true,
          data: days.map((d) => d.baseline.rate),
        },
      ],
    }),
    [days, change, format, t],
  );
  if (days.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="friction-series">
      <Title order={4} size="h5">
        {t("series.title")}
      </Title>
      <Text size="sm" c="dimmed" data-testid="friction-change-point" data-day={f.changePoint ?? ""}>
        {change ? t("series.changePoint", { date: change }) : t("series.noChange")}
      </Text>
      <Chart
        option={option}
        height={280}
        label={t("series.chart", { measure: t("series.affected") })}
        tableId="friction-series-table"
        testId="friction-series-chart"
      />
      {/* The table scrolls inside a box: the box takes focus so the keyboard can scroll it too. */}
      <ScrollArea.Autosize
        mah={260}
        type="auto"
        offsetScrollbars
        viewportProps={{ tabIndex: 0, role: "region", "aria-label": t("series.table") }}
      >
        <Table.ScrollContainer minWidth={520}>
          <Table
            fz="sm"
            striped
            verticalSpacing={2}
            aria-label={t("series.table")}
            id="friction-series-table"
            data-testid="friction-series-table"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("series.day")}</Table.Th>
                <Table.Th ta="right">{t("series.affectedCases")}</Table.Th>
                <Table.Th ta="right">{t("series.affected")}</Table.Th>
                <Table.Th ta="right">{t("series.baselineCases")}</Table.Th>
                <Table.Th ta="right">{t("series.baseline")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.map((d) => (
                <Table.Tr
                  key={d.day}
                  data-testid="friction-series-row"
                  data-day={d.day}
                  fw={d.day === f.changePoint ? 700 : undefined}
                >
                  <Table.Td>{label(d.day)}</Table.Td>
                  <Table.Td ta="right">
                    {t("detail.cases", {
                      cases: format.number(d.affected.cases),
                      units: format.number(d.affected.units),
                    })}
                  </Table.Td>
                  <Table.Td ta="right">{format.percent(d.affected.rate)}</Table.Td>
                  <Table.Td ta="right">
                    {t("detail.cases", {
                      cases: format.number(d.baseline.cases),
                      units: format.number(d.baseline.units),
                    })}
                  </Table.Td>
                  <Table.Td ta="right">{format.percent(d.baseline.rate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ScrollArea.Autosize>
    </Stack>
  );
}
