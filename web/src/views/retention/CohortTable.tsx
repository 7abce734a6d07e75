// The cohort triangle as a table whose cells are shaded by their share: a heatmap that stays readable
// by screen readers and keyboard (each cell's counts are in its title and its accessible name).
import { Table, Text, UnstyledButton } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { RetentionResult } from "../../../../src/analytics/retention.js";
import { textOn } from "../../app/theme.js";
import { useFormat } from "../../i18n/format.js";

/**
 * Blue of the palette (#228be6) at a strength that grows with the share, mixed into the white of the
 * table, with black or white text, whichever reads at AA on it.
 */
function shade(share: number): { background: string; color: string } {
  const alpha = 0.06 + 0.84 * Math.min(1, Math.max(0, share));
  const mix = (c: number) => Math.round(255 - alpha * (255 - c));
  const background = `rgb(${mix(34)}, ${mix(139)}, ${mix(230)})`;
  return { background, color: textOn(background) };
}

/** Opens the customers of a cohort (period 0) or those it retained in a period. */
export type OpenCohortCell = (cohort: string, period: number, title: string) => void;

export function CohortTable({
  result,
  show,
  open,
}: {
  result: RetentionResult;
  show: "percent" | "count";
  open?: OpenCohortCell;
}) {
  const { t } = useTranslation("retention");
  const f = useFormat();
  const label = cohortLabel(result.period, f.locale);
  // Period 0 is always the whole cohort; scale the colours on the later periods so their differences show.
  const later = result.cohorts.flatMap((c) => c.values.filter((v) => v.period > 0).map((v) => v.percentage));
  const top = Math.max(1, ...later);
  const columns = Array.from({ length: result.periods }, (_, k) => k);

  const cell = (
    value: { customers: number; percentage: number; period: number },
    size: number,
    cohort?: string,
  ) => {
    const percent = f.percent(value.percentage / 100);
    const title = t("cell", { customers: f.number(value.customers), size: f.number(size), percent });
    const style = shade(value.period === 0 ? 1 : value.percentage / top);
    return (
      <Table.Td
        key={value.period}
        ta="center"
        title={title}
        aria-label={title}
        style={{ ...style, whiteSpace: "nowrap" }}
        data-testid="cohort-cell"
        data-period={value.period}
        data-customers={value.customers}
        data-percentage={value.percentage}
      >
        {cohort !== undefined && open ? (
          <UnstyledButton
            onClick={() =>
              open(
                cohort,
                value.period,
                `${label(cohort)} · ${t(`periodN.${result.period}`, { n: value.period })}`,
              )
            }
            aria-label={title}
            data-testid="cohort-cell-open"
            style={{ color: "inherit", fontSize: "inherit", width: "100%" }}
          >
            {show === "percent" ? percent : f.number(value.customers)}
          </UnstyledButton>
        ) : show === "percent" ? (
          percent
        ) : (
          f.number(value.customers)
        )}
      </Table.Td>
    );
  };

  return (
    <Table.ScrollContainer minWidth={Math.max(560, 180 + columns.length * 72)}>
      <Table
        withColumnBorders
        verticalSpacing={6}
        horizontalSpacing="xs"
        fz="sm"
        id="cohort-table"
        data-testid="cohort-table"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("cohort")}</Table.Th>
            <Table.Th ta="right">{t("size")}</Table.Th>
            {columns.map((k) => (
              <Table.Th key={k} ta="center" style={{ whiteSpace: "nowrap" }}>
                {t(`periodN.${result.period}`, { n: k })}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr data-testid="cohort-totals" fw={600}>
            <Table.Th scope="row">{t("all")}</Table.Th>
            <Table.Td ta="right">{f.number(result.totals[0]?.size ?? 0)}</Table.Td>
            {columns.map((k) => {
              const total = result.totals.find((p) => p.period === k);
              return total ? cell(total, total.size) : <Table.Td key={k} />;
            })}
          </Table.Tr>
          {result.cohorts.map((c) => (
            <Table.Tr key={c.start} data-testid="cohort-row" data-start={c.start} data-size={c.size}>
              <Table.Th scope="row" style={{ whiteSpace: "nowrap" }}>
                <Text size="sm" fw={500}>
                  {label(c.start)}
                </Text>
              </Table.Th>
              <Table.Td ta="right">{f.number(c.size)}</Table.Td>
              {columns.map((k) => {
                const value = c.values.find((v) => v.period === k);
                return value ? cell(value, c.size, c.start) : <Table.Td key={k} />;
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Cohorts are UTC periods, so their names are UTC dates (a day, a week's Monday, or a month). */
function cohortLabel(unit: RetentionResult["period"], locale: string): (iso: string) => string {
  const format =
    unit === "month"
      ? new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", timeZone: "UTC" })
      : new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  return (iso) => format.format(new Date(iso));
}
