// Two maps compared: the per-stage differences (comparison − base) first, then both maps in full, each
// with its own customers behind its numbers.
import { Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { JourneyMap, MapComparison } from "../../../../src/journey/map/schema.js";
import { useFormat } from "../../i18n/format.js";
import type { MapScope } from "./api.js";
import { OpenAudience } from "./CountButton.js";
import { MapGrid, useStageName } from "./MapGrid.js";
import { NS } from "./messages.js";

export type Side = "base" | "other";

function Signed({ value, text }: { value: number | null; text: string }) {
  const color = value === null || value === 0 ? undefined : value > 0 ? "teal" : "red";
  return (
    <Text size="sm" c={color} span>
      {text}
    </Text>
  );
}

function Differences({ comparison }: { comparison: MapComparison }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const stageName = useStageName();
  const sign = (v: number | null, text: string) => (v !== null && v > 0 ? `+${text}` : text);
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        {t("compare.title")}
      </Title>
      <Table.ScrollContainer minWidth={600}>
        <Table aria-label={t("compare.table")} data-testid="jm-differences" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("compare.stage")}</Table.Th>
              <Table.Th>{t("compare.reached")}</Table.Th>
              <Table.Th>{t("compare.conversion")}</Table.Th>
              <Table.Th>{t("compare.median")}</Table.Th>
              <Table.Th>{t("compare.emotion")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {comparison.differences.map((d) => {
              const stage = comparison.base.stages.find((s) => s.key === d.key);
              const median = d.medianSecondsInStage;
              return (
                <Table.Tr key={d.key} data-stage={d.key}>
                  <Table.Td>{stage ? stageName(stage) : d.key}</Table.Td>
                  <Table.Td data-testid={`jm-diff-reached-${d.key}`} data-value={d.reached}>
                    <Signed value={d.reached} text={sign(d.reached, format.number(d.reached))} />
                  </Table.Td>
                  <Table.Td>
                    <Signed value={d.conversion} text={format.deltaPoints(d.conversion)} />
                  </Table.Td>
                  <Table.Td>
                    {/* Longer in stage is slower: the colour is the reverse of the sign. */}
                    <Signed
                      value={median === null ? null : -median}
                      text={
                        median === null
                          ? format.duration(null)
                          : `${median > 0 ? "+" : median < 0 ? "−" : "±"}${format.duration(Math.abs(median) * 1000)}`
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Signed value={d.emotion} text={sign(d.emotion, format.number(d.emotion, 2))} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

export function Compare({
  comparison,
  labels,
  scopeOf,
  onOpen,
}: {
  comparison: MapComparison;
  labels: Record<Side, string>;
  /** Each map's persona ("" = all customers: whose lanes) and period (its pain points' link). */
  scopeOf: Record<Side, MapScope>;
  onOpen: (side: Side, audience: string) => void;
}) {
  const { t } = useTranslation(NS);
  const sides: Array<[Side, JourneyMap]> = [
    ["base", comparison.base],
    ["other", comparison.other],
  ];
  return (
    <Stack gap="lg" data-testid="jm-compare">
      <Differences comparison={comparison} />
      {sides.map(([side, map]) => (
        <Stack key={side} gap="xs" className="jm-compare-side">
          <Title order={4}>
            {t(`compare.${side}`)}: {labels[side]}
          </Title>
          <OpenAudience.Provider value={(audience) => onOpen(side, audience)}>
            <MapGrid
              map={map}
              scope={scopeOf[side]}
              onOpen={(audience) => onOpen(side, audience)}
              testId={`jm-map-${side}`}
            />
          </OpenAudience.Provider>
        </Stack>
      ))}
    </Stack>
  );
}
