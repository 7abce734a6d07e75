// The paths Sankey as an ECharts option. ECharts identifies Sankey nodes by name and refuses cycles, so
// nodes are named by the API's per-step id ("2:Cart Viewed") and only links that move one way between
// steps are drawn: the same event at two steps is two nodes, and a link can never loop back.

import type { PathsResult } from "../../../../src/analytics/paths.js";
import type { ChartOption } from "../../components/Chart.js";

export interface SankeyText {
  /** "1,234 (12.5%)": a value with its share of all paths. */
  value: (n: number) => string;
}

const LABEL_CHARS = 26;
/** Nodes thinner than this share of all paths go unlabelled (their names would overlap); hover shows them. */
const LABEL_MIN_SHARE = 0.015;
const short = (s: string) => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s);
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Nodes and the links between consecutive steps that both ends of exist. */
export function sankeyGraph(sankey: PathsResult["sankey"]) {
  const nodes = new Map(sankey.nodes.map((n) => [n.id, n]));
  const links = sankey.links.filter((l) => {
    const s = nodes.get(l.source);
    const t = nodes.get(l.target);
    return s !== undefined && t !== undefined && t.step > s.step && l.value > 0;
  });
  const steps = sankey.nodes.map((n) => n.step);
  const first = steps.length ? Math.min(...steps) : 0;
  const perStep = new Map<number, number>();
  for (const n of sankey.nodes) perStep.set(n.step, (perStep.get(n.step) ?? 0) + 1);
  return { nodes: [...nodes.values()], links, first, tallest: Math.max(0, ...perStep.values()) };
}

export function pathsSankeyOption(result: PathsResult, text: SankeyText): ChartOption {
  const graph = sankeyGraph(result.sankey);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const labelFrom = result.totals.paths * LABEL_MIN_SHARE;
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: {
        dataType?: string;
        name: string;
        data: { source?: string; target?: string; value: number };
      }) =>
        p.dataType === "edge"
          ? `${escapeHtml(nameOf(p.data.source ?? ""))} → ${escapeHtml(nameOf(p.data.target ?? ""))}<br/><b>${text.value(p.data.value)}</b>`
          : `${escapeHtml(nameOf(p.name))}<br/><b>${text.value(p.data.value)}</b>`,
    },
    series: [
      {
        type: "sankey",
        left: 8,
        right: 160,
        top: 8,
        bottom: 8,
        nodeGap: 10,
        nodeAlign: result.direction === "next" ? "left" : "right",
        layoutIterations: 32,
        emphasis: { focus: "adjacency" },
        data: graph.nodes.map((n) => ({
          name: n.id,
          value: n.value,
          depth: n.step - graph.first,
          label: { show: n.value >= labelFrom },
        })),
        links: graph.links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
        label: { position: "right", formatter: (p: { name: string }) => short(nameOf(p.name)), fontSize: 11 },
        lineStyle: { color: "gradient", opacity: 0.35 },
      },
    ],
  };
}
