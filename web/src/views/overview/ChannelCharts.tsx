// Customers and events per channel, as two bar charts (events outnumber customers by far, so one axis
// would flatten the customers).
import { Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Chart, type ChartOption, PALETTE } from "../../components/Chart.js";
import { EmptyState } from "../../components/states.js";
import { type Format, useFormat } from "../../i18n/format.js";
import type { Overview } from "./api.js";

/** A channel in the reader's language: the shared names, then this view's, then the channel as stored. */
export function useChannelName(): (channel: string) => string {
  const { t, i18n } = useTranslation(["overview", "common"]);
  return (channel) => {
    if (i18n.exists(`common:channel.${channel}`)) return t(`common:channel.${channel}`);
    if (i18n.exists(`overview:channelName.${channel}`)) return t(`overview:channelName.${channel}`);
    return channel;
  };
}

function barOption(names: string[], values: number[], color: string, format: Format): ChartOption {
  return {
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: number) => format.number(v),
    },
    xAxis: { type: "value", axisLabel: { formatter: (v: number) => format.number(v) } },
    // ECharts puts the first category at the bottom; the largest channel goes on top.
    yAxis: { type: "category", data: [...names].reverse() },
    series: [
      {
        type: "bar",
        data: [...values].reverse(),
        itemStyle: { color },
        barMaxWidth: 22,
        label: { show: true, position: "right", formatter: (p: { value: number }) => format.number(p.value) },
      },
    ],
  };
}

export function ChannelCharts({ channels }: { channels: Overview["channels"] }) {
  const { t } = useTranslation("overview");
  const format = useFormat();
  const channelName = useChannelName();
  const height = Math.max(200, channels.length * 30 + 24);
  const chart = (key: "customers" | "events", color: string) => {
    const sorted = [...channels].sort((a, b) => b[key] - a[key]);
    const names = sorted.map((c) => channelName(c.channel));
    const values = sorted.map((c) => c[key]);
    const label = `${t(`channels.${key}`)}: ${names.map((n, i) => `${n} ${format.number(values[i])}`).join(", ")}`;
    return (
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {t(`channels.${key}`)}
        </Text>
        <Chart
          option={barOption(names, values, color, format)}
          height={height}
          label={label}
          testId={`channels-${key}`}
        />
      </Stack>
    );
  };
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("channels.title")}
        </Title>
        {channels.length === 0 ? (
          <EmptyState title={t("channels.none")} />
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            {chart("customers", PALETTE[0] ?? "#228be6")}
            {chart("events", PALETTE[1] ?? "#40c057")}
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
