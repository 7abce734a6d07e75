// The ranked friction list; a friction's title opens its detail (the URL's `id`).
import { Anchor, Group, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFindingText } from "../../i18n/findings.js";
import { useFormat } from "../../i18n/format.js";
import type { Friction } from "./api.js";
import { KindBadge, lostText, SegmentBadges, useStageName } from "./parts.js";

export function FrictionTable({
  frictions,
  selected,
  hrefOf,
}: {
  frictions: Friction[];
  selected: string;
  hrefOf: (id: string) => string;
}) {
  const { t } = useTranslation(["frictions", "common"]);
  const findingText = useFindingText();
  const format = useFormat();
  const stageName = useStageName();
  return (
    <Table.ScrollContainer minWidth={1080}>
      <Table
        highlightOnHover
        verticalSpacing="sm"
        fz="sm"
        data-testid="friction-table"
        aria-label={t("listLabel")}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>{t("column.rank")}</Table.Th>
            <Table.Th miw={280}>{t("column.friction")}</Table.Th>
            <Table.Th>{t("column.stage")}</Table.Th>
            <Table.Th>{t("column.touchpoint")}</Table.Th>
            <Table.Th>{t("column.segment")}</Table.Th>
            <Table.Th>{t("column.since")}</Table.Th>
            <Table.Th ta="right">{t("column.customers")}</Table.Th>
            <Table.Th ta="right">{t("column.lost")}</Table.Th>
            <Table.Th ta="right">{t("column.z")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {frictions.map((f) => {
            const active = f.id === selected;
            return (
              <Table.Tr
                key={f.id}
                data-testid="friction-row"
                data-id={f.id}
                data-selected={active || undefined}
                bg={active ? "var(--mantine-color-blue-light)" : undefined}
              >
                <Table.Td>{f.rank}</Table.Td>
                <Table.Td maw={420}>
                  <Stack gap={4}>
                    <KindBadge kind={f.kind} />
                    <Anchor
                      component={Link}
                      to={hrefOf(f.id)}
                      aria-current={active ? "true" : undefined}
                      data-testid="friction-title"
                      size="sm"
                      fw={active ? 700 : 500}
                    >
                      {findingText([f.message, ...f.notes])}
                    </Anchor>
                  </Stack>
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{stageName(f.stage)}</Table.Td>
                <Table.Td>{f.touchpoint?.name ?? "–"}</Table.Td>
                <Table.Td>
                  <SegmentBadges segment={f.segment} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <Text size="sm" c={f.since ? undefined : "dimmed"}>
                    {f.since ? format.date(f.since) : t("wholePeriod")}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" data-testid="friction-customers-cell">
                  {format.number(f.customers)}
                </Table.Td>
                <Table.Td ta="right">
                  <Group justify="flex-end">{lostText(f, format)}</Group>
                </Table.Td>
                <Table.Td ta="right">{f.evidence.z === null ? "–" : format.number(f.evidence.z, 1)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
