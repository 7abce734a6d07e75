// One friction opened: what and where it is, its evidence against the baseline (charts per kind), the
// numbers behind it, and the customers behind it, page by page.
import {
  Badge,
  CloseButton,
  Group,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Chart } from "../../components/Chart.js";
import { CustomerTable } from "../../components/CustomerList.js";
import { MorePages } from "../../components/MorePages.js";
import { ErrorState, Loading } from "../../components/states.js";
import { useFindingText } from "../../i18n/findings.js";
import { type Format, useFormat } from "../../i18n/format.js";
import { type Friction, type FrictionScope, useFrictionCustomers } from "./api.js";
import { evidencePanels, formatUnit, type Panel, panelLabel, panelOption } from "./evidence.js";
import { KindBadge, lostText, SegmentBadges, useStageName } from "./parts.js";
import { FrictionSeries } from "./SeriesChart.js";

const SHARE_KEYS = new Set([
  "segmentBefore",
  "restSince",
  "segmentShare",
  "restShare",
  "boughtAgainAfter",
  "boughtAgainAfterRest",
  "slowShare",
]);
const MINUTE_KEYS = new Set(["targetMinutes", "medianMinutes", "p90Minutes"]);
const MONEY_KEYS = new Set(["lostValue", "meanValue"]);
const FEEDBACK_KEYS = new Set([
  "meanFeedback",
  "meanFeedbackBefore",
  "meanFeedbackAfterSlow",
  "meanFeedbackOnTime",
]);

/** A number of the evidence's details in its own unit (details are keyed by what they measure). */
function detailValue(key: string, value: string | number | boolean | null, format: Format): string {
  if (value === null) return "–";
  if (typeof value !== "number") return String(value);
  if (SHARE_KEYS.has(key)) return format.percent(value);
  if (MINUTE_KEYS.has(key)) return format.duration(value * 60_000);
  if (MONEY_KEYS.has(key)) return format.money(value);
  if (FEEDBACK_KEYS.has(key) || key === "segmentZ") return format.number(value, 2);
  if (key === "withinHours") return format.duration(value * 3_600_000);
  if (key === "windowDays") return format.duration(value * 86_400_000);
  return format.number(value, 1);
}

function detailText(key: string, value: string | number | boolean | null, format: Format): string {
  // weeksFrom is the one date among the details.
  if (key === "weeksFrom" && typeof value === "string") return format.date(value);
  return detailValue(key, value, format);
}

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** One number of the evidence (the friction's, the baseline's, the z-score) with what it rests on. */
function EvidenceFigure({
  bg,
  label,
  value,
  testId,
  note,
}: {
  bg: string;
  label: string;
  value: string;
  testId: string;
  note: string;
}) {
  return (
    <Paper bg={bg} p="sm" radius="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {value}
      </Text>
      <Text size="xs">{note}</Text>
    </Paper>
  );
}

/** A panel's bars (and its target line) as rows: what the chart draws, to be read. */
function PanelTable({ panel, format }: { panel: Panel; format: Format }) {
  const { t } = useTranslation("frictions");
  const counts = (b: { cases?: number; units?: number }) =>
    b.cases !== undefined && b.units !== undefined
      ? `${format.number(b.cases)} / ${format.number(b.units)}`
      : "–";
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table
        fz="xs"
        verticalSpacing={2}
        id={`evidence-table-${panel.key}`}
        aria-label={t("detail.panelTable", { title: panel.title })}
        data-testid={`evidence-table-${panel.key}`}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("detail.panelBar")}</Table.Th>
            <Table.Th ta="right">{t("detail.panelValue")}</Table.Th>
            <Table.Th ta="right">{t("detail.panelCases")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...panel.bars, ...(panel.mark ? [panel.mark] : [])].map(
            (b: { label: string; value: number; cases?: number; units?: number }) => (
              <Table.Tr key={b.label}>
                <Table.Th scope="row" fw={400}>
                  {b.label}
                </Table.Th>
                <Table.Td ta="right">{formatUnit(panel.unit, b.value, format)}</Table.Td>
                <Table.Td ta="right">{counts(b)}</Table.Td>
              </Table.Tr>
            ),
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function FrictionDetail({
  friction: f,
  scope,
  closeHref,
}: {
  friction: Friction;
  /** The persona, stage and period the friction was found in: its customers are listed for the same. */
  scope: FrictionScope;
  closeHref: string;
}) {
  const { t } = useTranslation(["frictions", "common"]);
  const format = useFormat();
  const stageName = useStageName();
  const findingText = useFindingText();
  const e = f.evidence;
  const measure = findingText([e.messages.measure]);
  const panels = evidencePanels(f, t, format, measure);
  const details = Object.entries(e.details);
  return (
    <Paper withBorder p="md" radius="md" data-testid="friction-detail" data-id={f.id}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4}>
            <Group gap="xs">
              <Badge variant="filled" color="dark" size="sm">
                #{f.rank}
              </Badge>
              <KindBadge kind={f.kind} />
            </Group>
            <Title order={3} size="h4" data-testid="friction-detail-title">
              {findingText([f.message, ...f.notes])}
            </Title>
          </Stack>
          <CloseButton component={Link} to={closeHref} aria-label={t("detail.close")} />
        </Group>

        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
          <Fact label={t("column.stage")}>
            <Text size="sm">{stageName(f.stage)}</Text>
          </Fact>
          <Fact label={t("column.touchpoint")}>
            <Text size="sm">{f.touchpoint?.name ?? "–"}</Text>
          </Fact>
          <Fact label={t("column.segment")}>
            <SegmentBadges segment={f.segment} />
          </Fact>
          <Fact label={t("detail.since")}>
            <Text size="sm">{f.since ? format.date(f.since) : t("wholePeriod")}</Text>
          </Fact>
          <Fact label={t("column.customers")} testId="friction-detail-customers">
            <Text size="sm" fw={600} data-value={f.customers}>
              {format.number(f.customers)}
            </Text>
          </Fact>
          <Fact label={t("column.lost")}>
            <Text size="sm">{lostText(f, format)}</Text>
          </Fact>
        </SimpleGrid>

        <Stack gap="xs" data-testid="friction-evidence">
          <Title order={4} size="h5">
            {t("detail.evidence")}
          </Title>
          <Text size="sm">
            <Text span c="dimmed">
              {t("detail.measure")}:{" "}
            </Text>
            {measure}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <EvidenceFigure
              bg="red.0"
              label={t("detail.friction")}
              value={format.percent(e.value)}
              testId="evidence-value"
              note={t("detail.cases", { cases: format.number(e.cases), units: format.number(e.units) })}
            />
            <EvidenceFigure
              bg="gray.1"
              label={t("detail.baseline")}
              value={format.percent(e.baseline)}
              testId="evidence-baseline"
              note={`${t("detail.cases", {
                cases: format.number(e.baselineCases),
                units: format.number(e.baselineUnits),
              })} · ${findingText([e.messages.baseline])}`}
            />
            <EvidenceFigure
              bg="blue.0"
              label={t("detail.z")}
              value={e.z === null ? "–" : format.number(e.z, 2)}
              testId="evidence-z"
              note={
                e.z === null
                  ? t("detail.zNone")
                  : Math.abs(e.z) >= 3
                    ? t("detail.significant")
                    : t("detail.notSignificant")
              }
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: panels.length > 1 ? 2 : 1 }} spacing="md">
            {panels.map((panel) => (
              <Stack key={panel.key} gap={4}>
                <Text size="sm" fw={600}>
                  {panel.title}
                </Text>
                <Chart
                  option={panelOption(panel, format)}
                  height={Math.max(140, 48 * panel.bars.length + 40)}
                  label={panelLabel(panel, format)}
                  tableId={`evidence-table-${panel.key}`}
                  testId={`evidence-chart-${panel.key}`}
                />
                <PanelTable panel={panel} format={format} />
              </Stack>
            ))}
          </SimpleGrid>
        </Stack>

        <FrictionSeries friction={f} />

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {details.length > 0 && (
            <Stack gap={4}>
              <Title order={4} size="h5">
                {t("detail.numbers")}
              </Title>
              <Table.ScrollContainer minWidth={320}>
                <Table fz="sm" verticalSpacing={4} data-testid="friction-details">
                  <Table.Tbody>
                    {details.map(([key, value]) => (
                      <Table.Tr key={key}>
                        <Table.Td c="dimmed">{t(`details.${key}`, { defaultValue: key })}</Table.Td>
                        <Table.Td ta="right">{detailText(key, value, format)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          )}
          <Stack gap="xs">
            <Fact label={t("detail.touchpoints")}>
              <Group gap={4}>
                {f.touchpoints.map((tp) => (
                  <Badge key={tp.id} variant="light" color="blue" tt="none">
                    {tp.name}
                  </Badge>
                ))}
              </Group>
            </Fact>
            <Fact label={t("detail.events")}>
              <Group gap={4}>
                {f.events.map((name) => (
                  <Badge key={name} variant="outline" color="gray" tt="none">
                    {name}
                  </Badge>
                ))}
              </Group>
            </Fact>
            <Fact label={t("detail.impact")}>
              <Text size="sm">{format.number(f.impact, 1)}</Text>
            </Fact>
          </Stack>
        </SimpleGrid>

        <FrictionCustomers id={f.id} scope={scope} />
      </Stack>
    </Paper>
  );
}

function FrictionCustomers({ id, scope }: { id: string; scope: FrictionScope }) {
  const { t } = useTranslation(["frictions", "common"]);
  const format = useFormat();
  const pages = useFrictionCustomers(id, scope);
  return (
    <Stack gap="xs">
      <Title order={4} size="h5">
        {t("detail.customers")}
      </Title>
      {pages.isPending ? (
        <Loading />
      ) : pages.isError ? (
        <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />
      ) : (
        <Stack gap="xs" data-testid="friction-customers">
          <Text
            size="sm"
            c="dimmed"
            data-testid="friction-customers-total"
            data-total={pages.data.pages[0]?.total ?? 0}
          >
            {t("detail.customersTotal", { n: format.number(pages.data.pages[0]?.total ?? 0) })}
          </Text>
          <ScrollArea.Autosize mah={420} type="auto" offsetScrollbars>
            <CustomerTable
              rows={pages.data.pages.flatMap((p) => p.customers)}
              rowTestId="friction-customer-row"
            />
          </ScrollArea.Autosize>
          <MorePages pages={pages} label={t("detail.more")} testId="friction-customers-more" />
        </Stack>
      )}
    </Stack>
  );
}
