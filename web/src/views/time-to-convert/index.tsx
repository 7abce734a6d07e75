// Time to convert: how long customers take from one step to another — median, p90 and a histogram.
// The two steps (`start`, `end`, JSON), the window and the period live in the URL.
import { Button, Group, Paper, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { IconArrowRight } from "@tabler/icons-react";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TimeToConvertRequest, TimeToConvertResult } from "../../../../src/analytics/time-to-convert.js";
import { useStats } from "../../api/shared.js";
import { useUrlState } from "../../app/url-state.js";
import { Chart, type ChartOption } from "../../components/Chart.js";
import { CountButton } from "../../components/CountButton.js";
import { useInsight } from "../../components/CustomerList.js";
import { FirstEvent } from "../../components/FirstEvent.js";
import { PeriodInputs, PersonaSelect, StageSelect } from "../../components/filters.js";
import { type StepDraft, StepEditor, stepDraft, stepOf, useStepLabel } from "../../components/StepPicker.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { registerMessages } from "../../i18n/index.js";
import { useStableFormat } from "../funnels/api.js";
import { DEFAULT_WINDOW } from "../funnels/definition.js";
import { useWindowLabel, WindowSelect } from "../funnels/FunnelBuilder.js";
import { DEFAULT_END, DEFAULT_START, readStep, timeToConvertRequestOf } from "./request.js";

const NS = "timeToConvert";

registerMessages(NS, {
  en: {
    title: "Time to convert",
    subtitle: "How long customers take from one step to another, counted from their first start step.",
    builder: "Steps to measure",
    start: "From",
    end: "To",
    apply: "Show",
    incomplete: "Choose both steps and complete their filters.",
    entered: "Started",
    converted: "Converted",
    conversion: "{{share}} of those who started, within {{window}}",
    median: "Median",
    p90: "90th percentile",
    average: "Average",
    histogram: "Customers by time to convert",
    time: "Time to convert",
    ofConverted: "Of converted",
    open: {
      entered: "Customers who started",
      converted: "Customers who converted",
      bin: "Customers who converted in {{bin}}",
    },
    chart: "Histogram of time from {{start}} to {{end}}",
    customers: "Customers",
    share: "{{share}} of converted",
    under: "< {{to}}",
    range: "{{from}}–{{to}}",
    noneStarted: "No customer did the start step in this period.",
    noneConverted: "Nobody converted within the window.",
    period: "Start steps from {{from}} to {{to}}",
  },
  ko: {
    title: "전환 소요 시간",
    subtitle: "고객이 한 단계에서 다른 단계까지 걸리는 시간입니다. 첫 시작 단계부터 셉니다.",
    builder: "측정할 단계",
    start: "시작",
    end: "도착",
    apply: "보기",
    incomplete: "두 단계를 모두 선택하고 필터를 완성하세요.",
    entered: "시작한 고객",
    converted: "전환한 고객",
    conversion: "시작한 고객의 {{share}}, {{window}} 이내",
    median: "중앙값",
    p90: "90번째 백분위수",
    average: "평균",
    histogram: "전환 소요 시간별 고객 수",
    time: "전환 소요 시간",
    ofConverted: "전환 고객 중",
    open: {
      entered: "시작한 고객",
      converted: "전환한 고객",
      bin: "{{bin}} 만에 전환한 고객",
    },
    chart: "{{start}}에서 {{end}}까지 걸린 시간의 분포",
    customers: "고객",
    share: "전환 고객의 {{share}}",
    under: "{{to}} 미만",
    range: "{{from}}~{{to}}",
    noneStarted: "이 기간에 시작 단계를 한 고객이 없습니다.",
    noneConverted: "전환 기간 안에 전환한 고객이 없습니다.",
    period: "시작 단계 기간 {{from}} ~ {{to}}",
  },
});

/** A headline figure: a duration (`seconds`, "" when there is none) or a count (`count`), and a note below. */
function Figure({
  label,
  value,
  testId,
  seconds,
  count,
  note,
}: {
  label: string;
  value: ReactNode;
  testId: string;
  seconds?: number | null;
  count?: number;
  note?: string;
}) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text
        fz={26}
        fw={700}
        data-testid={testId}
        data-seconds={seconds === undefined ? undefined : (seconds ?? "")}
        data-value={count}
      >
        {value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed">
          {note}
        </Text>
      )}
    </Paper>
  );
}

/** Opens the customers behind a bin ({bin}) or an outcome ({outcome}). */
type OpenCell = (cell: { bin?: number; outcome?: string }, title: string) => void;

function Results({
  result,
  start,
  end,
  open,
}: {
  result: TimeToConvertResult;
  start: string;
  end: string;
  open: OpenCell;
}) {
  const { t } = useTranslation(NS);
  const format = useStableFormat();
  const windowLabel = useWindowLabel();
  const seconds = (s: number | null) => (s === null ? null : format.duration(s * 1000));
  const binLabel = useMemo(
    () => (b: TimeToConvertResult["histogram"][number], i: number) =>
      i === 0 && b.fromSeconds === 0
        ? t("under", { to: format.duration(b.toSeconds * 1000) })
        : t("range", {
            from: format.duration(b.fromSeconds * 1000),
            to: format.duration(b.toSeconds * 1000),
          }),
    [format, t],
  );
  const option = useMemo<ChartOption>(() => {
    return {
      grid: { left: 56, right: 16, top: 24, bottom: 64 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items: Array<{ dataIndex: number }>) => {
          const b = result.histogram[items[0]?.dataIndex ?? 0];
          if (!b) return "";
          return `${binLabel(b, items[0]?.dataIndex ?? 0)}<br/>${t("customers")}: ${format.number(b.customers)}<br/>${t("share", { share: format.percent(b.percentage / 100) })}`;
        },
      },
      xAxis: {
        type: "category",
        data: result.histogram.map(binLabel),
        axisLabel: { interval: 0, rotate: 30 },
      },
      yAxis: {
        type: "value",
        name: t("customers"),
        axisLabel: { formatter: (v: number) => format.number(v) },
      },
      series: [
        {
          type: "bar",
          name: t("customers"),
          data: result.histogram.map((b) => b.customers),
          barMaxWidth: 64,
        },
      ],
    };
  }, [result, format, t, binLabel]);
  if (result.entered === 0) return <EmptyState title={t("noneStarted")} />;
  return (
    <Stack gap="md" data-testid="ttc-result">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
        <Figure
          label={t("entered")}
          value={
            <CountButton
              value={result.entered}
              label={t("open.entered")}
              onClick={() => open({ outcome: "entered" }, t("open.entered"))}
              testId="ttc-entered-open"
            />
          }
          count={result.entered}
          testId="ttc-entered"
        />
        <Figure
          label={t("converted")}
          value={
            <CountButton
              value={result.converted}
              label={t("open.converted")}
              onClick={() => open({ outcome: "converted" }, t("open.converted"))}
              testId="ttc-converted-open"
            />
          }
          count={result.converted}
          testId="ttc-converted"
          note={t("conversion", {
            share: format.percent(result.entered ? result.converted / result.entered : 0),
            window: windowLabel(result.window),
          })}
        />
        <Figure
          label={t("median")}
          value={seconds(result.medianSeconds) ?? "–"}
          testId="ttc-median"
          seconds={result.medianSeconds}
        />
        <Figure
          label={t("p90")}
          value={seconds(result.p90Seconds) ?? "–"}
          testId="ttc-p90"
          seconds={result.p90Seconds}
        />
        <Figure
          label={t("average")}
          value={seconds(result.averageSeconds) ?? "–"}
          testId="ttc-average"
          seconds={result.averageSeconds}
        />
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t("period", {
          from: format.date(result.period.from),
          to: format.date(new Date(new Date(result.period.to).getTime() - 1).toISOString()),
        })}
      </Text>
      <Paper withBorder p="sm" radius="md">
        <Text fw={600} mb="xs">
          {t("histogram")}
        </Text>
        {result.converted === 0 ? (
          <EmptyState title={t("noneConverted")} />
        ) : (
          <>
            <Chart
              option={option}
              height={340}
              label={t("chart", { start, end })}
              tableId="ttc-bins"
              testId="ttc-histogram"
              onClick={(item) => {
                const b = result.histogram[item.dataIndex];
                if (b) open({ bin: item.dataIndex }, binLabel(b, item.dataIndex));
              }}
            />
            <Table.ScrollContainer minWidth={420}>
              <Table striped fz="sm" aria-label={t("histogram")} id="ttc-bins" data-testid="ttc-bins">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("time")}</Table.Th>
                    <Table.Th ta="right">{t("customers")}</Table.Th>
                    <Table.Th ta="right">{t("ofConverted")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.histogram.map((b, i) => (
                    <Table.Tr key={b.fromSeconds} data-testid="ttc-bin" data-customers={b.customers}>
                      <Table.Td>{binLabel(b, i)}</Table.Td>
                      <Table.Td ta="right">
                        <CountButton
                          value={b.customers}
                          label={t("open.bin", { bin: binLabel(b, i) })}
                          onClick={() => open({ bin: i }, binLabel(b, i))}
                          testId="ttc-bin-open"
                        />
                      </Table.Td>
                      <Table.Td ta="right">{format.percent(b.percentage / 100)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Paper>
    </Stack>
  );
}

export default function TimeToConvertView() {
  const { t } = useTranslation([NS, "common"]);
  const [state, set] = useUrlState({
    start: "",
    end: "",
    window: DEFAULT_WINDOW,
    persona: "",
    stage: "",
    from: "",
    to: "",
  });
  const start = useMemo(() => readStep(state.start, DEFAULT_START), [state.start]);
  const end = useMemo(() => readStep(state.end, DEFAULT_END), [state.end]);
  const [draft, setDraft] = useState<{ start: StepDraft; end: StepDraft; window: string }>(() => ({
    start: stepDraft(start),
    end: stepDraft(end),
    window: state.window,
  }));
  // A new definition in the URL (back, a pasted link) replaces the draft.
  useEffect(
    () => setDraft({ start: stepDraft(start), end: stepDraft(end), window: state.window }),
    [start, end, state.window],
  );
  const nextStart = stepOf(draft.start);
  const nextEnd = stepOf(draft.end);
  const complete = nextStart !== null && nextEnd !== null;
  const dirty =
    !complete ||
    JSON.stringify([nextStart, nextEnd, draft.window]) !== JSON.stringify([start, end, state.window]);

  const request: TimeToConvertRequest = timeToConvertRequestOf(state, start, end);
  const stats = useStats();
  const { query: result, customers } = useInsight<TimeToConvertResult>(
    "time-to-convert",
    request,
    stats.data !== undefined && stats.data.events > 0,
  );
  const stepLabel = useStepLabel();

  if (stats.data?.events === 0) return <FirstEvent />;

  return (
    <Stack gap="lg" data-testid="ttc-view">
      <ViewHeader title={t("title")} intro={t("subtitle")} save="time-to-convert">
        <Group align="end" wrap="wrap">
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
        </Group>
      </ViewHeader>
      <Paper withBorder p="md" radius="md" component="section" aria-label={t("builder")}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (nextStart && nextEnd)
              set(
                { start: JSON.stringify(nextStart), end: JSON.stringify(nextEnd), window: draft.window },
                { push: true },
              );
          }}
        >
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <StepEditor
                value={draft.start}
                label={t("start")}
                testId="ttc-start"
                onChange={(s) => setDraft({ ...draft, start: s })}
              />
              <StepEditor
                value={draft.end}
                label={t("end")}
                testId="ttc-end"
                onChange={(s) => setDraft({ ...draft, end: s })}
              />
            </SimpleGrid>
            <Group justify="space-between" align="end">
              <WindowSelect
                value={draft.window}
                onChange={(window) => setDraft({ ...draft, window })}
                testId="ttc-window"
              />
              <Group gap="sm">
                {!complete && (
                  <Text size="sm" c="var(--mantine-color-orange-light-color)">
                    {t("incomplete")}
                  </Text>
                )}
                <Button
                  type="submit"
                  disabled={!complete || !dirty}
                  rightSection={<IconArrowRight size={16} />}
                  data-testid="ttc-apply"
                >
                  {t("apply")}
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      </Paper>
      {result.isPending ? (
        <Loading />
      ) : result.isError ? (
        <ErrorState error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <div style={{ opacity: result.isPlaceholderData ? 0.5 : 1 }} aria-busy={result.isPlaceholderData}>
          <Results result={result.data} start={stepLabel(start)} end={stepLabel(end)} open={customers.open} />
        </div>
      )}
      {customers.drawer}
    </Stack>
  );
}
