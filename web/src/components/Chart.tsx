// Apache ECharts, tree-shaken to the charts the views draw (funnel, Sankey, heatmap, lines, bars), with
// the SVG renderer so charts print sharply. It lives in the views' chunks, never in the first load.
import { BarChart, FunnelChart, HeatmapChart, LineChart, SankeyChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  SankeyChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
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

/**
 * One chart. `label` is what a screen reader hears (charts are drawn, not read), and `onClick` gets
 * the clicked item, so a bar or a link can open the customers behind it.
 */
export function Chart({
  option,
  height = 320,
  label,
  onClick,
  testId,
}: {
  option: ChartOption;
  height?: number;
  label: string;
  onClick?: (item: ChartClick) => void;
  testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickHandler = useRef(onClick);
  clickHandler.current = onClick;

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: "svg" });
    chart.current = instance;
    instance.on("click", (params) => clickHandler.current?.(params as unknown as ChartClick));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={element}
      role="img"
      aria-label={label}
      data-testid={testId}
      className="itinera-chart"
      style={{ width: "100%", height }}
    />
  );
}
