// Retention: of the customers who did a start step in a period, the share who came back with a return
// step in each later period — a cohort table coloured by share, and the weighted retention curve.
import { Card, Group, NumberInput, Select, Stack, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { RetentionRequest, RetentionResult } from "../../../../src/analytics/retention.js";
import { useUrlState } from "../../app/url-state.js";
import { Chart, type ChartOption } from "../../components/Chart.js";
import { useInsight } from "../../components/CustomerList.js";
import { PeriodInputs, PersonaSelect, Segments, StageSelect } from "../../components/filters.js";
import { StepSelect } from "../../components/StepPicker.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { formatFor, useFormat } from "../../i18n/format.js";
import { registerMessages } from "../../i18n/index.js";
import { CohortTable, type OpenCohortCell } from "./CohortTable.js";
import { DEFAULTS, type PeriodUnit, retentionRequestOf, UNITS } from "./request.js";

registerMessages("retention", {
  en: {
    title: "Retention",
    intro:
      "Of the customers who did the start step, the share who came back with the return step in each later period.",
    start: "Start step",
    return: "Return step",
    mode: { label: "Cohorts", first_time: "First time", recurring: "Recurring" },
    period: { label: "Period", day: "Day", week: "Week", month: "Month" },
    periods: "Periods",
    show: { label: "Show", percent: "%", count: "Customers" },
    periodN: { day: "Day {{n}}", week: "Week {{n}}", month: "Month {{n}}" },
    cohort: "Cohort",
    size: "Customers",
    all: "All cohorts",
    curve: "Retention curve",
    curveLabel: "Retention curve: share of customers who came back, per period",
    tableLabel: "Retention cohorts of {{start}} returning with {{return}}",
    cell: "{{percent}}: {{customers}} of {{size}} customers",
    empty: "No customers did {{start}} in this period",
    emptyHint: "Pick another start step, a longer period or more periods.",
    pickSteps: "Pick a start and a return step",
    range: "{{from}} – {{to}} (UTC)",
  },
  ko: {
    title: "리텐션",
    intro: "시작 단계를 수행한 고객 중 이후 각 기간에 재방문 단계로 돌아온 고객의 비율입니다.",
    start: "시작 단계",
    return: "재방문 단계",
    mode: { label: "코호트", first_time: "최초", recurring: "반복" },
    period: { label: "기간 단위", day: "일", week: "주", month: "월" },
    periods: "기간 수",
    show: { label: "표시", percent: "%", count: "고객 수" },
    periodN: { day: "{{n}}일차", week: "{{n}}주차", month: "{{n}}개월차" },
    cohort: "코호트",
    size: "고객 수",
    all: "전체 코호트",
    curve: "리텐션 곡선",
    curveLabel: "리텐션 곡선: 기간별로 돌아온 고객의 비율",
    tableLabel: "{{start}} 코호트의 {{return}} 재방문 리텐션",
    cell: "{{percent}}: 고객 {{size}}명 중 {{customers}}명",
    empty: "이 기간에 {{start}}을(를) 수행한 고객이 없습니다",
    emptyHint: "다른 시작 단계, 더 긴 기간 또는 더 많은 기간 수를 선택하세요.",
    pickSteps: "시작 단계와 재방문 단계를 선택하세요",
    range: "{{from}} – {{to}} (UTC)",
  },
});

export type { PeriodUnit };

export default function RetentionView() {
  const { t } = useTranslation(["retention", "common"]);
  const [state, set] = useUrlState(DEFAULTS);
  const mode = state.mode === "recurring" ? "recurring" : "first_time";
  const period = UNITS.find((u) => u === state.period) ?? "week";
  const periods = Math.min(52, Math.max(1, Number.parseInt(state.periods, 10) || 8));
  const show = state.show === "count" ? "count" : "percent";

  // React Query compares keys by value, so the body needs no memo.
  const body: RetentionRequest | undefined = retentionRequestOf(state);

  const { query, customers } = useInsight<RetentionResult>("retention", body);

  return (
    // The state this render shows (tests wait for it: a URL change renders in a transition).
    <Stack gap="md" data-testid="retention-view" data-state={JSON.stringify(state)}>
      <ViewHeader title={t("title")} intro={t("intro")} save="retention" />
      <Card withBorder padding="md">
        <Group gap="md" align="end" wrap="wrap">
          <StepSelect
            label={t("start")}
            value={state.start}
            onChange={(choice) => set({ start: choice })}
            testId="retention-start"
            w={260}
          />
          <StepSelect
            label={t("return")}
            value={state.return}
            onChange={(choice) => set({ return: choice })}
            testId="retention-return"
            w={260}
          />
          <Segments
            id="retention-mode"
            label={t("mode.label")}
            testId="retention-mode"
            value={mode}
            onChange={(v) => set({ mode: v })}
            data={[
              { value: "first_time", label: t("mode.first_time") },
              { value: "recurring", label: t("mode.recurring") },
            ]}
          />
          <Select
            label={t("period.label")}
            data={UNITS.map((u) => ({ value: u, label: t(`period.${u}`) }))}
            value={period}
            onChange={(v) => v && set({ period: v })}
            allowDeselect={false}
            w={120}
            data-testid="retention-period"
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            label={t("periods")}
            value={periods}
            min={1}
            max={52}
            clampBehavior="strict"
            allowDecimal={false}
            onChange={(v) => typeof v === "number" && set({ periods: String(v) })}
            w={100}
            data-testid="retention-periods"
          />
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
          <Segments
            id="retention-show"
            label={t("show.label")}
            testId="retention-show"
            value={show}
            onChange={(v) => set({ show: v })}
            data={[
              { value: "percent", label: t("show.percent") },
              { value: "count", label: t("show.count") },
            ]}
          />
        </Group>
      </Card>
      {body === undefined ? (
        <EmptyState title={t("pickSteps")} />
      ) : (
        <QueryState
          query={query}
          isEmpty={(r) => r.cohorts.every((c) => c.size === 0)}
          empty={
            <EmptyState title={t("empty", { start: query.data?.steps.start ?? "" })}>
              <Text c="dimmed" size="sm">
                {t("emptyHint")}
              </Text>
            </EmptyState>
          }
        >
          {(r) => (
            <RetentionResultView
              result={r}
              show={show}
              open={(cohort, period, title) => customers.open({ cohort, period }, title)}
            />
          )}
        </QueryState>
      )}
      {customers.drawer}
    </Stack>
  );
}

function RetentionResultView({
  result,
  show,
  open,
}: {
  result: RetentionResult;
  show: "percent" | "count";
  open: OpenCohortCell;
}) {
  const { t } = useTranslation("retention");
  const f = useFormat();
  const { locale } = f;
  const utcDate = new Intl.DateTimeFormat(f.locale, { dateStyle: "medium", timeZone: "UTC" });
  // A new option redraws the chart, so it is rebuilt only for a new result or language.
  const option = useMemo((): ChartOption => {
    const fmt = formatFor(locale);
    const names = result.totals.map((p) => t(`periodN.${result.period}`, { n: p.period }));
    return {
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: number) => fmt.percent(v / 100),
      },
      xAxis: { type: "category", data: names, boundaryGap: false },
      yAxis: {
        type: "value",
        min: 0,
        max: 100,
        axisLabel: { formatter: (v: number) => fmt.percent(v / 100, 0) },
      },
      series: [
        {
          type: "line",
          name: t("curve"),
          data: result.totals.map((p) => p.percentage),
          symbolSize: 7,
          areaStyle: { opacity: 0.12 },
        },
      ],
    };
  }, [result, locale, t]);
  return (
    <Stack gap="md" data-testid="retention-result">
      <Card withBorder padding="md">
        <Group justify="space-between" mb="xs">
          <Title order={4}>
            {t("tableLabel", { start: result.steps.start, return: result.steps.return })}
          </Title>
          <Text size="xs" c="dimmed">
            {t("range", {
              from: utcDate.format(new Date(result.range.from)),
              to: utcDate.format(new Date(result.range.to)),
            })}
          </Text>
        </Group>
        <CohortTable result={result} show={show} open={open} />
      </Card>
      <Card withBorder padding="md">
        <Title order={4} mb="xs">
          {t("curve")}
        </Title>
        <Chart
          option={option}
          height={280}
          label={t("curveLabel")}
          tableId="cohort-table"
          testId="retention-curve"
        />
      </Card>
    </Stack>
  );
}
