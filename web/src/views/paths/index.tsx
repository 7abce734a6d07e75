// Paths: what customers do in the steps after (or before) an event or touchpoint within one session — a
// Sankey of the steps, the most common paths, and how many reach a goal.
import {
  Badge,
  Card,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconArrowRight } from "@tabler/icons-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { PathsRequest, PathsResult } from "../../../../src/analytics/paths.js";
import { useUrlState } from "../../app/url-state.js";
import { Chart, type ChartClick } from "../../components/Chart.js";
import { CountButton } from "../../components/CountButton.js";
import { useInsight } from "../../components/CustomerList.js";
import {
  cohortQuery,
  PeriodInputs,
  PersonaSelect,
  periodQuery,
  Segments,
  StageSelect,
} from "../../components/filters.js";
import { Stat } from "../../components/Stat.js";
import { type StepKind, StepSelect, stepFromChoice } from "../../components/StepPicker.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { formatFor, useFormat } from "../../i18n/format.js";
import { registerMessages } from "../../i18n/index.js";
import { pathsSankeyOption, sankeyGraph } from "./chart.js";

registerMessages("paths", {
  en: {
    title: "Paths",
    intro: "The steps customers take after (or before) an event or touchpoint, within one session.",
    direction: { label: "Direction", next: "Paths after", previous: "Paths before" },
    anchor: { next: "Starting at", previous: "Ending at" },
    steps: "Steps",
    gap: "Session gap",
    group: { label: "Steps are", event: "Events", touchpoint: "Touchpoints" },
    goal: "Goal (optional)",
    totals: {
      paths: "Occurrences of {{name}}",
      sessions: "Sessions",
      customers: "Customers",
    },
    chart: "Sankey of the paths {{direction}} {{name}}",
    top: "Top paths",
    goalTitle: "Paths that reach {{goal}}",
    goalReached: "{{share}} of the occurrences reach {{goal}} in the same session ({{reached}}).",
    open: {
      all: "Customers with a path at {{name}}",
      goal: "Customers who reached {{goal}}",
      path: "Customers who took {{path}}",
      hint: "Click a step or a link to see the customers behind it.",
    },
    col: {
      rank: "#",
      path: "Path",
      count: "Occurrences",
      sessions: "Sessions",
      customers: "Customers",
      share: "Share",
    },
    empty: "No {{name}} in this period",
    emptyHint: "Pick another step or a longer period.",
    pickStep: "Pick a step to start from",
    period: "{{from}} – {{to}}",
  },
  ko: {
    title: "경로",
    intro: "한 세션 안에서 고객이 어떤 이벤트나 터치포인트 다음(또는 이전)에 거친 단계입니다.",
    direction: { label: "방향", next: "이후 경로", previous: "이전 경로" },
    anchor: { next: "시작 단계", previous: "마지막 단계" },
    steps: "단계 수",
    gap: "세션 간격",
    group: { label: "단계 기준", event: "이벤트", touchpoint: "터치포인트" },
    goal: "목표 (선택)",
    totals: {
      paths: "{{name}} 발생 수",
      sessions: "세션",
      customers: "고객",
    },
    chart: "{{name}} {{direction}} 생키 차트",
    top: "상위 경로",
    goalTitle: "{{goal}}에 도달한 경로",
    goalReached: "발생의 {{share}}가 같은 세션에서 {{goal}}에 도달했습니다 ({{reached}}).",
    open: {
      all: "{{name}} 경로가 있는 고객",
      goal: "{{goal}}에 도달한 고객",
      path: "{{path}} 경로를 밟은 고객",
      hint: "단계나 연결을 클릭하면 그 뒤의 고객을 볼 수 있습니다.",
    },
    col: {
      rank: "#",
      path: "경로",
      count: "발생 수",
      sessions: "세션",
      customers: "고객",
      share: "비율",
    },
    empty: "이 기간에 {{name}}이(가) 없습니다",
    emptyHint: "다른 단계나 더 긴 기간을 선택하세요.",
    pickStep: "시작할 단계를 선택하세요",
    period: "{{from}} – {{to}}",
  },
});

const GAPS = ["5m", "15m", "30m", "1h", "2h", "6h", "1d"];
const GAP_MS: Record<string, number> = {
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "6h": 21_600_000,
  "1d": 86_400_000,
};

/** What a path can start, end or reach: the API takes events and touchpoints, not stages. */
const PATH_STEPS: readonly StepKind[] = ["event", "page", "screen", "touchpoint"];

// A step is in the URL in the picker's compact form: `event:<name>`, `touchpoint:<id>`, `page:<name>`.
const DEFAULTS = {
  anchor: "event:Product Viewed",
  direction: "next",
  steps: "4",
  gap: "30m",
  group: "event",
  goal: "",
  persona: "",
  stage: "",
  from: "",
  to: "",
};

export default function PathsView() {
  const { t } = useTranslation(["paths", "common"]);
  const f = useFormat();
  const [state, set] = useUrlState(DEFAULTS);
  const anchor = stepFromChoice(state.anchor, PATH_STEPS);
  const goal = stepFromChoice(state.goal, PATH_STEPS);
  const next = state.direction !== "previous";
  const steps = Math.min(10, Math.max(1, Number.parseInt(state.steps, 10) || 4));
  const gap = GAPS.includes(state.gap) ? state.gap : DEFAULTS.gap;
  const group = state.group === "touchpoint" ? "touchpoint" : "event";

  // React Query compares keys by value, so the body needs no memo.
  const body: PathsRequest | undefined = anchor && {
    ...(next ? { start: anchor } : { end: anchor }),
    steps,
    sessionGap: gap,
    group,
    ...cohortQuery(state.persona, state.stage),
    ...periodQuery(state.from, state.to),
    ...(next && goal ? { goal } : {}),
  };

  const { query, customers } = useInsight<PathsResult>("paths", body);

  return (
    // The state this render shows (tests wait for it: a URL change renders in a transition).
    <Stack gap="md" data-testid="paths-view" data-state={JSON.stringify(state)}>
      <ViewHeader title={t("title")} intro={t("intro")} save="paths" />
      <Card withBorder padding="md">
        <Group gap="md" align="end" wrap="wrap">
          <SegmentedControl
            aria-label={t("direction.label")}
            data-testid="paths-direction"
            value={next ? "next" : "previous"}
            onChange={(v) => set({ direction: v })}
            data={[
              { value: "next", label: t("direction.next") },
              { value: "previous", label: t("direction.previous") },
            ]}
          />
          <StepSelect
            label={t(next ? "anchor.next" : "anchor.previous")}
            value={state.anchor}
            onChange={(anchor) => set({ anchor })}
            kinds={PATH_STEPS}
            testId="paths-anchor"
            w={260}
          />
          <NumberInput
            label={t("steps")}
            value={steps}
            min={1}
            max={10}
            clampBehavior="strict"
            allowDecimal={false}
            onChange={(v) => typeof v === "number" && set({ steps: String(v) })}
            w={100}
            data-testid="paths-steps"
          />
          <Select
            label={t("gap")}
            data={GAPS.map((g) => ({ value: g, label: f.duration(GAP_MS[g]) }))}
            value={gap}
            onChange={(v) => v && set({ gap: v })}
            allowDeselect={false}
            w={140}
            data-testid="paths-gap"
            comboboxProps={{ withinPortal: true }}
          />
          <Segments
            id="paths-group"
            label={t("group.label")}
            testId="paths-group"
            value={group}
            onChange={(v) => set({ group: v })}
            data={[
              { value: "event", label: t("group.event") },
              { value: "touchpoint", label: t("group.touchpoint") },
            ]}
          />
          {next && (
            <StepSelect
              label={t("goal")}
              value={state.goal}
              onChange={(goal) => set({ goal })}
              kinds={PATH_STEPS}
              clearable
              testId="paths-goal"
              w={220}
            />
          )}
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
        </Group>
      </Card>
      {body === undefined ? (
        <EmptyState title={t("pickStep")} />
      ) : (
        <QueryState
          query={query}
          isEmpty={(r) => r.totals.paths === 0}
          empty={
            <EmptyState title={t("empty", { name: query.data?.anchor ?? "" })}>
              <Text c="dimmed" size="sm">
                {t("emptyHint")}
              </Text>
            </EmptyState>
          }
        >
          {(r) => <PathsResultView result={r} open={customers.open} />}
        </QueryState>
      )}
      {customers.drawer}
    </Stack>
  );
}

/** Opens the customers behind a cell of the result (POST /api/insights/paths/customers). */
type OpenCell = (cell: Record<string, unknown>, title: string) => void;

function PathsResultView({ result, open }: { result: PathsResult; open: OpenCell }) {
  const { t } = useTranslation(["paths", "common"]);
  const f = useFormat();
  const { locale } = f;
  // A new option redraws the chart, so it is rebuilt only for a new result or language.
  const option = useMemo(() => {
    const fmt = formatFor(locale);
    const total = result.totals.paths;
    return pathsSankeyOption(result, {
      value: (n) => `${fmt.number(n)} (${fmt.percent(total ? n / total : 0)})`,
    });
  }, [result, locale]);
  const height = Math.max(360, sankeyGraph(result.sankey).tallest * 34);
  const byId = new Map(result.sankey.nodes.map((n) => [n.id, n]));
  // A node or link of the Sankey opens the customers behind its occurrences.
  const onChartClick = (item: ChartClick) => {
    const data = item.data as { name?: string; source?: string; target?: string };
    if (item.dataType === "edge" && data.source && data.target) {
      const s = byId.get(data.source);
      const t2 = byId.get(data.target);
      if (s && t2) open({ step: s.step, name: s.name, next: t2.name }, `${s.name} → ${t2.name}`);
    } else if (item.dataType === "node" && data.name) {
      const n = byId.get(data.name);
      if (n) open({ step: n.step, name: n.name }, n.name);
    }
  };
  return (
    <Stack gap="md" data-testid="paths-result">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Stat
          label={t("totals.paths", { name: result.anchor })}
          value={f.number(result.totals.paths)}
          testId="paths-total"
          raw={result.totals.paths}
        />
        <Stat label={t("totals.sessions")} value={f.number(result.totals.sessions)} />
        <Stat
          label={t("totals.customers")}
          value={
            <CountButton
              value={result.totals.customers}
              label={t("open.all", { name: result.anchor })}
              onClick={() => open({}, t("open.all", { name: result.anchor }))}
              testId="paths-customers"
            />
          }
        />
      </SimpleGrid>
      <Card withBorder padding="md">
        <Text size="xs" c="dimmed" mb="xs">
          {t("period", { from: f.dateTime(result.period.from), to: f.dateTime(result.period.to) })}
        </Text>
        <Chart
          option={option}
          height={height}
          label={t("chart", {
            name: result.anchor,
            direction: t(result.direction === "next" ? "direction.next" : "direction.previous"),
          })}
          tableId="paths-table"
          testId="paths-sankey"
          onClick={onChartClick}
        />
        <Text size="xs" c="dimmed" mt="xs">
          {t("open.hint")}
        </Text>
      </Card>
      {result.goal && (
        <Card withBorder padding="md" data-testid="paths-goal-result">
          <Title order={4}>{t("goalTitle", { goal: result.goal.name })}</Title>
          <Text size="sm" mb="sm" data-testid="paths-goal-reached" data-reached={result.goal.reached}>
            {t("goalReached", {
              share: f.percent(result.goal.share),
              goal: result.goal.name,
              reached: f.number(result.goal.reached),
            })}{" "}
            <CountButton
              value={result.goal.customers}
              label={t("open.goal", { goal: result.goal.name })}
              onClick={() => open({ goal: true }, t("open.goal", { goal: result.goal!.name }))}
              testId="paths-goal-customers"
            />
          </Text>
          {result.goal.paths.length > 0 && (
            <PathTable
              rows={result.goal.paths}
              total={result.totals.paths}
              testId="goal-path-row"
              open={(path) => open({ goal: true, path }, path.join(" → "))}
            />
          )}
        </Card>
      )}
      <Card withBorder padding="md">
        <Title order={4} mb="sm">
          {t("top")}
        </Title>
        <PathTable
          rows={result.paths}
          total={result.totals.paths}
          testId="path-row"
          id="paths-table"
          open={(path) => open({ path }, path.join(" → "))}
        />
      </Card>
    </Stack>
  );
}

function PathTable({
  rows,
  total,
  testId,
  id,
  open,
}: {
  rows: PathsResult["paths"];
  total: number;
  testId: string;
  /** The id a chart points at when this table holds its numbers. */
  id?: string;
  open: (path: string[]) => void;
}) {
  const { t } = useTranslation("paths");
  const f = useFormat();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs" id={id}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>{t("col.rank")}</Table.Th>
            <Table.Th>{t("col.path")}</Table.Th>
            <Table.Th ta="right">{t("col.count")}</Table.Th>
            <Table.Th ta="right">{t("col.sessions")}</Table.Th>
            <Table.Th ta="right">{t("col.customers")}</Table.Th>
            <Table.Th ta="right">{t("col.share")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={row.path.join("\u0000")} data-testid={testId} data-count={row.count}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="wrap">
                  {row.path.map((step, j) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a path's steps are identified by their position
                    <Group key={`${j}:${step}`} gap={4} wrap="nowrap">
                      {j > 0 && <IconArrowRight size={12} aria-hidden="true" />}
                      <Badge variant="light" tt="none" size="sm">
                        {step}
                      </Badge>
                    </Group>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td ta="right">{f.number(row.count)}</Table.Td>
              <Table.Td ta="right">{f.number(row.sessions)}</Table.Td>
              <Table.Td ta="right">
                <CountButton
                  value={row.customers}
                  label={t("open.path", { path: row.path.join(" → ") })}
                  onClick={() => open(row.path)}
                  testId={`${testId}-customers`}
                />
              </Table.Td>
              <Table.Td ta="right">{f.percent(total ? row.count / total : 0)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
