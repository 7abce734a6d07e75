// The stage-flow Sankey as an ECharts option. Lapses run backwards (retention → consideration), which
// would be a cycle, and ECharts draws Sankeys of acyclic graphs only; so the graph is two columns: the
// stage left on the left, the stage entered on the right. Every link, forward or back, is then one
// left-to-right band, and backward ones are coloured apart.
import type { StageFlowResult } from "../../../../src/analytics/stage-flow.js";
import { type ChartOption, PALETTE } from "../../components/Chart.js";
import { escapeHtml } from "../paths/chart.js";

export interface StageFlowText {
  name: (id: string) => string;
  value: (n: number) => string;
}

const LAPSE = "#fa5252";
const EXIT = "#adb5bd";

const left = (id: string) => `from:${id}`;
const right = (id: string) => `to:${id}`;
const idOf = (node: string) => node.slice(node.indexOf(":") + 1);

export function stageFlowOption(result: StageFlowResult, text: StageFlowText): ChartOption {
  const colour = new Map(
    result.nodes.map((n, i) => [n.id, n.id === "(exit)" ? EXIT : PALETTE[i % PALETTE.length]]),
  );
  const sources = new Set(result.links.map((l) => l.source));
  const targets = new Set(result.links.map((l) => l.target));
  // Journey order down both columns, and only the nodes a link touches.
  const data = [
    ...result.nodes.filter((n) => sources.has(n.id)).map((n) => ({ name: left(n.id), depth: 0, id: n.id })),
    ...result.nodes.filter((n) => targets.has(n.id)).map((n) => ({ name: right(n.id), depth: 1, id: n.id })),
  ].map((n) => ({ name: n.name, depth: n.depth, itemStyle: { color: colour.get(n.id) } }));
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: {
        dataType?: string;
        name: string;
        value: number;
        data: { source?: string; target?: string };
      }) =>
        p.dataType === "edge"
          ? `${escapeHtml(text.name(idOf(p.data.source ?? "")))} → ${escapeHtml(text.name(idOf(p.data.target ?? "")))}<br/><b>${text.value(p.value)}</b>`
          : `${escapeHtml(text.name(idOf(p.name)))}<br/><b>${text.value(p.value)}</b>`,
    },
    series: [
      {
        type: "sankey",
        left: 180,
        right: 200,
        top: 8,
        bottom: 8,
        nodeGap: 14,
        // Keep the journey order rather than let the layout reorder the stages.
        layoutIterations: 0,
        emphasis: { focus: "adjacency" },
        data,
        links: result.links.map((l) => ({
          source: left(l.source),
          target: right(l.target),
          value: l.value,
          // The API's node ids: a click on the link opens its customers.
          link: { source: l.source, target: l.target },
          lineStyle: {
            color: l.cause === "lapse" ? LAPSE : l.cause === "exit" ? EXIT : "source",
            opacity: l.cause === "signal" ? 0.35 : 0.5,
          },
        })),
        label: {
          formatter: (p: { name: string; value: number }) =>
            `${text.name(idOf(p.name))} (${text.value(p.value)})`,
          fontSize: 12,
        },
        levels: [
          { depth: 0, label: { position: "left" } },
          { depth: 1, label: { position: "right" } },
        ],
      },
    ],
  };
}
