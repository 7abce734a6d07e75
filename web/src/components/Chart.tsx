// A chart for any view. ECharts is large, so it loads in its own chunk the first time a chart is drawn:
// a view's data requests start at once instead of waiting for the chart library, and the space the
// chart will take is held meanwhile so nothing jumps.
import type { EChartsCoreOption } from "echarts/core";
import { lazy, Suspense } from "react";

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
  /** The clicked item, so a bar or a link can open the customers behind it. */
  onClick?: (item: ChartClick) => void;
  testId?: string;
}

const EChart = lazy(() => import("./EChart.js"));

export function Chart(props: ChartProps) {
  return (
    <Suspense
      fallback={
        <div role="img" aria-label={props.label} aria-busy="true" style={{ height: props.height ?? 320 }} />
      }
    >
      <EChart {...props} />
    </Suspense>
  );
}
