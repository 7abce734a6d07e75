// Stage flow: how customers moved between journey stages in a period — entries, moves forward, lapses
// back and exits — as a Sankey and a table of its links.
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { StageFlowRequest, StageFlowResult } from "../../../../src/analytics/stage-flow.js";
import { useUrlState } from "../../app/url-state.js";
import { Chart } from "../../components/Chart.js";
import { CountButton } from "../../components/CountButton.js";
import { useInsight } from "../../components/CustomerList.js";
import {
  cohortQuery,
  PeriodInputs,
  PersonaSelect,
  periodQuery,
  StageSelect,
} from "../../components/filters.js";
import { Stat } from "../../components/Stat.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { formatFor, useFormat } from "../../i18n/format.js";
import { registerMessages } from "../../i18n/index.js";
import { stageFlowOption } from "./chart.js";

registerMessages("stageFlow", {
  en: {
    title: "Stage flow",
    intro:
      "How customers moved between journey stages in the period: first entries, moves forward, lapses back and exits.",
    start: "Entered the journey",
    exit: "Left (no signal for {{days}} days)",
    totals: {
      transitions: "Stage changes",
      customers: "Customers who moved",
      lapses: "Lapses back",
      exits: "Exits",
    },
    chart: "Sankey of stage changes: stages left on the left, stages entered on the right",
    links: "Moves",
    col: {
      from: "From",
      to: "To",
      kind: "Kind",
      value: "Changes",
      customers: "Customers",
      share: "Share of moves from the stage",
    },
    cause: { signal: "Forward", lapse: "Lapse", exit: "Exit" },
    period: "{{from}} – {{to}}, journey as of {{asOf}}",
    empty: "No stage changes in this period",
    open: {
      all: "Customers whose stage changed in the period",
      link: "Customers who moved from {{from}} to {{to}}",
    },
    emptyHint: "Pick a longer period or another persona.",
  },
  ko: {
    title: "단계 흐름",
    intro:
      "기간 동안 고객이 여정 단계 사이를 어떻게 이동했는지 보여 줍니다: 첫 진입, 전진, 이탈로 인한 후퇴, 종료.",
    start: "여정 진입",
    exit: "종료 ({{days}}일간 신호 없음)",
    totals: {
      transitions: "단계 변경",
      customers: "이동한 고객",
      lapses: "후퇴",
      exits: "종료",
    },
    chart: "단계 변경 생키 차트: 왼쪽은 떠난 단계, 오른쪽은 진입한 단계",
    links: "이동",
    col: {
      from: "출발",
      to: "도착",
      kind: "유형",
      value: "변경 수",
      customers: "고객",
      share: "출발 단계 이동 중 비율",
    },
    cause: { signal: "전진", lapse: "후퇴", exit: "종료" },
    period: "{{from}} – {{to}}, 여정 기준 시각 {{asOf}}",
    empty: "이 기간에 단계 변경이 없습니다",
    open: { all: "이 기간에 단계가 바뀐 고객", link: "{{from}}에서 {{to}}(으)로 이동한 고객" },
    emptyHint: "더 긴 기간이나 다른 페르소나를 선택하세요.",
  },
});

const DEFAULTS = { persona: "", stage: "", from: "", to: "" };
const CAUSE_COLOR = { signal: "blue", lapse: "red", exit: "gray" } as const;

export default function StageFlowView() {
  const { t } = useTranslation(["stageFlow", "common"]);
  const [state, set] = useUrlState(DEFAULTS);
  const body = useMemo(
    (): StageFlowRequest => ({
      ...cohortQuery(state.persona, state.stage),
      ...periodQuery(state.from, state.to),
    }),
    [state.persona, state.stage, state.from, state.to],
  );
  const { query, customers } = useInsight<StageFlowResult>("stage-flow", body);

  return (
    // The state this render shows (tests wait for it: a URL change renders in a transition).
    <Stack gap="md" data-testid="stage-flow-view" data-state={JSON.stringify(state)}>
      <ViewHeader title={t("title")} intro={t("intro")} save="stage-flow" />
      <Card withBorder padding="md">
        <Group gap="md" align="end" wrap="wrap">
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
        </Group>
      </Card>
      <QueryState
        query={query}
        isEmpty={(r) => r.links.length === 0}
        empty={
          <EmptyState title={t("empty")}>
            <Text c="dimmed" size="sm">
              {t("emptyHint")}
            </Text>
          </EmptyState>
        }
      >
        {(r) => <StageFlowResultView result={r} open={customers.open} />}
      </QueryState>
      {customers.drawer}
    </Stack>
  );
}

/** A node's name in the reader's language: the model's stages by key, the API's name otherwise. */
function useNodeName(result: StageFlowResult): (id: string) => string {
  const { t, i18n } = useTranslation(["stageFlow", "common"]);
  return useCallback(
    (id: string) => {
      if (id === "(start)") return t("start");
      if (id === "(exit)") return t("exit", { days: result.exitAfterDays });
      if (i18n.exists(`common:stage.${id}`)) return t(`common:stage.${id}`);
      return result.nodes.find((n) => n.id === id)?.name ?? id;
    },
    [t, i18n, result],
  );
}

function StageFlowResultView({
  result,
  open,
}: {
  result: StageFlowResult;
  /** Opens the customers behind a link ({source, target}) or every customer with a change ({}). */
  open: (cell: { source?: string; target?: string }, title: string) => void;
}) {
  const { t } = useTranslation(["stageFlow", "common"]);
  const f = useFormat();
  const name = useNodeName(result);
  const sum = (cause: string) =>
    result.links.filter((l) => l.cause === cause).reduce((s, l) => s + l.value, 0);
  const lapses = sum("lapse");
  const exits = sum("exit");
  const outflow = new Map<string, number>();
  for (const l of result.links) outflow.set(l.source, (outflow.get(l.source) ?? 0) + l.value);
  const { locale } = f;
  // A new option redraws the chart, so it is rebuilt only for a new result or language.
  const option = useMemo(
    () => stageFlowOption(result, { name, value: (n) => formatFor(locale).number(n) }),
    [result, name, locale],
  );
  return (
    <Stack gap="md" data-testid="stage-flow-result">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat
          label={t("totals.transitions")}
          value={f.number(result.transitions)}
          raw={result.transitions}
          testId="stage-flow-transitions"
        />
        <Stat
          label={t("totals.customers")}
          value={
            <CountButton
              value={result.customers}
              label={t("open.all")}
              onClick={() => open({}, t("open.all"))}
              testId="stage-flow-customers-open"
            />
          }
          raw={result.customers}
          testId="stage-flow-customers"
        />
        <Stat label={t("totals.lapses")} value={f.number(lapses)} raw={lapses} testId="stage-flow-lapses" />
        <Stat label={t("totals.exits")} value={f.number(exits)} raw={exits} testId="stage-flow-exits" />
      </SimpleGrid>
      <Card withBorder padding="md">
        <Text size="xs" c="dimmed" mb="xs">
          {t("period", {
            from: f.dateTime(result.period.from),
            to: f.dateTime(result.period.to),
            asOf: f.dateTime(result.asOf),
          })}
        </Text>
        <Chart
          option={option}
          height={420}
          label={t("chart")}
          tableId="stage-flow-links"
          testId="stage-flow-sankey"
          onClick={(item) => {
            const link = (item.data as { link?: { source: string; target: string } }).link;
            if (item.dataType === "edge" && link)
              open(
                { source: link.source, target: link.target },
                `${name(link.source)} → ${name(link.target)}`,
              );
          }}
        />
      </Card>
      <Card withBorder padding="md">
        <Title order={4} mb="sm" id="stage-flow-links-title">
          {t("links")}
        </Title>
        <Table.ScrollContainer minWidth={640}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="xs"
            id="stage-flow-links"
            aria-labelledby="stage-flow-links-title"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("col.from")}</Table.Th>
                <Table.Th>{t("col.to")}</Table.Th>
                <Table.Th>{t("col.kind")}</Table.Th>
                <Table.Th ta="right">{t("col.value")}</Table.Th>
                <Table.Th ta="right">{t("col.customers")}</Table.Th>
                <Table.Th ta="right">{t("col.share")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.links.map((l) => (
                <Table.Tr
                  key={`${l.source}>${l.target}`}
                  data-testid="stage-flow-link"
                  data-source={l.source}
                  data-target={l.target}
                  data-value={l.value}
                  data-customers={l.customers}
                >
                  <Table.Td>{name(l.source)}</Table.Td>
                  <Table.Td>{name(l.target)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={CAUSE_COLOR[l.cause]}>
                      {t(`cause.${l.cause}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">{f.number(l.value)}</Table.Td>
                  <Table.Td ta="right">
                    <CountButton
                      value={l.customers}
                      label={t("open.link", { from: name(l.source), to: name(l.target) })}
                      onClick={() =>
                        open({ source: l.source, target: l.target }, `${name(l.source)} → ${name(l.target)}`)
                      }
                      testId="stage-flow-link-customers"
                    />
                  </Table.Td>
                  <Table.Td ta="right">{f.percent(l.value / (outflow.get(l.source) || 1))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
