// Apache ECharts, tree-shaken to the charts the views draw (funnel, Sankey, heatmap, lines, bars), with
// the SVG renderer so charts print sharply. Loaded through ./Chart.tsx, in a chunk of its own.
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
import { type ChartClick, type ChartProps, PALETTE } from "./Chart.js";

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

/** The chart itself; views use `Chart` from ./Chart.tsx, which loads this module when first drawn. */
export default function EChart({ option, height = 320, label, tableId, onClick, testId }: ChartProps) {
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
      aria-details={tableId}
      data-testid={testId}
      className="itinera-chart"
      style={{ width: "100%", height }}
    />
  );
}
