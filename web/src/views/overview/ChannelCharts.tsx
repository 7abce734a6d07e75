// Customers and events per channel, as two bar charts (events outnumber customers by far, so one axis
// would flatten the customers), and the same numbers as a table the charts point at.
import { Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
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

/** Both charts hold the numbers of this one table. */
const TABLE_ID = "channels-table";

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
          tableId={TABLE_ID}
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
          <>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              {chart("customers", PALETTE[0] ?? "#228be6")}
              {chart("events", PALETTE[1] ?? "#40c057")}
            </SimpleGrid>
            <Table.ScrollContainer minWidth={360}>
              <Table
                fz="sm"
                verticalSpacing={4}
                striped
                id={TABLE_ID}
                aria-label={t("channels.table")}
                data-testid="channels-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("channels.channel")}</Table.Th>
                    <Table.Th ta="right">{t("channels.customersColumn")}</Table.Th>
                    <Table.Th ta="right">{t("channels.eventsColumn")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...channels]
                    .sort((a, b) => b.customers - a.customers)
                    .map((c) => (
                      <Table.Tr key={c.channel} data-channel={c.channel}>
                        <Table.Th scope="row" fw={400}>
                          {channelName(c.channel)}
                        </Table.Th>
                        <Table.Td ta="right">{format.number(c.customers)}</Table.Td>
                        <Table.Td ta="right">{format.number(c.events)}</Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}
