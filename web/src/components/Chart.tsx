// A chart for any view. ECharts is large, so it loads in its own chunk the first time a chart is drawn:
// a view's data requests start at once instead of waiting for the chart library, and the space the
// chart will take is held meanwhile so nothing jumps. A chart is drawn, not read: it is an image named by
// its label, and where a table holds the same numbers the chart points at it (aria-details) and offers
// a link that moves to it.
import { Anchor } from "@mantine/core";
import type { EChartsCoreOption } from "echarts/core";
import { lazy, type MouseEvent, Suspense } from "react";
import { useTranslation } from "react-i18next";

export type ChartOption = EChartsCoreOption;
export interface ChartClick {
  componentType: string;
  seriesType?: string;
  dataType?: string;
  name: string;
  dataIndex: number;
  seriesIndex?: number;
  data: unknown;
  value: unknown;
}

export const PALETTE = [
  "#228be6",
  "#40c057",
  "#fab005",
  "#fa5252",
  "#7950f2",
  "#15aabf",
  "#fd7e14",
  "#e64980",
];

export interface ChartProps {
  option: ChartOption;
  height?: number;
  /** What a screen reader hears: charts are drawn, not read. */
  label: string;
  /** The id of the <table> on the page that holds the chart's numbers, when there is one. */
  tableId?: string;
  /** The clicked item, so a bar or a link can open the customers behind it. */
  onClick?: (item: ChartClick) => void;
  testId?: string;
}

const EChart = lazy(() => import("./EChart.js"));

/** Moves the reader to the table (focus, so a screen reader reads on from there), without a URL change. */
function TableLink({ tableId }: { tableId: string }) {
  const { t } = useTranslation();
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
    const table = document.getElementById(tableId);
    if (!table) return;
    e.preventDefault();
    if (!table.hasAttribute("tabindex")) table.setAttribute("tabindex", "-1");
    table.focus();
    table.scrollIntoView({ block: "nearest" });
  };
  return (
    <Anchor
      href={`#${tableId}`}
      onClick={go}
      size="xs"
      className="itinera-noprint"
      data-testid="chart-table-link"
    >
      {t("chart.viewTable")}
    </Anchor>
  );
}

export function Chart(props: ChartProps) {
  return (
    <>
      <Suspense
        fallback={
          <div
            role="img"
            aria-label={props.label}
            aria-details={props.tableId}
            aria-busy="true"
            style={{ height: props.height ?? 320 }}
          />
        }
      >
        <EChart {...props} />
      </Suspense>
      {props.tableId && <TableLink tableId={props.tableId} />}
    </>
  );
}
