// The emotion curve: one point per stage from −1 to 1, labelled with the answers it rests on. The chart
// spans the stage columns edge to edge, so each point sits above its own stage.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { MapStage } from "../../../../src/journey/map/schema.js";
import { Chart, type ChartOption } from "../../components/Chart.js";
import { formatFor, useFormat } from "../../i18n/format.js";
import { escapeHtml } from "../paths/chart.js";
import { NS } from "./messages.js";

export function EmotionCurve({
  stages,
  stageName,
  onOpen,
  testId,
}: {
  stages: MapStage[];
  stageName: (s: MapStage) => string;
  onOpen: (audience: string) => void;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  const { locale } = useFormat();
  const option = useMemo<ChartOption>(() => {
    const format = formatFor(locale);
    return {
      animation: false,
      grid: { left: 0, right: 0, top: 28, bottom: 8, containLabel: false },
      tooltip: {
        trigger: "item",
        formatter: (p: { dataIndex: number }) => {
          const s = stages[p.dataIndex];
          return s
            ? // ECharts reads a formatter's string as HTML; a stage's name is free text.
              t("emotion.tooltip", {
                stage: escapeHtml(stageName(s)),
                value: format.number(s.emotion.value, 2),
                answers: format.number(s.emotion.answers),
              })
            : "";
        },
      },
      xAxis: { type: "category", data: stages.map(stageName), show: false, boundaryGap: true },
      yAxis: {
        type: "value",
        min: -1,
        max: 1,
        interval: 0.5,
        axisLabel: { inside: true, fontSize: 10, color: "#868e96" },
        splitLine: { lineStyle: { color: "#e9ecef" } },
      },
      series: [
        {
          type: "line",
          name: t("emotion.series"),
          data: stages.map((s) => s.emotion.value),
          connectNulls: false,
          symbolSize: 10,
          lineStyle: { width: 3 },
          label: {
            show: true,
            position: "top",
            formatter: (p: { dataIndex: number }) => {
              const s = stages[p.dataIndex];
              if (!s || s.emotion.value === null) return "";
              return `${format.number(s.emotion.value, 2)} (${format.number(s.emotion.answers)} ${t("emotion.answersLabel")})`;
            },
          },
          markLine: {
            silent: true,
            symbol: "none",
            data: [{ yAxis: 0 }],
            label: { show: false },
            lineStyle: { color: "#adb5bd", type: "dashed" },
          },
        },
      ],
    };
  }, [stages, stageName, t, locale]);
  return (
    <Chart
      option={option}
      height={150}
      label={t("emotion.chart")}
      testId={testId}
      onClick={(item) => {
        const s = stages[item.dataIndex];
        if (item.componentType === "series" && s) onOpen(`stage:${s.key}:feedback`);
      }}
    />
  );
}
