// What a friction's evidence can show, per kind: every friction compares its measure with the baseline;
// some detectors also report the segment before it started and everyone else since (drop-off), what
// explains repeat contacts and whether those customers bought again, response times against the target,
// or feedback before and after. Each comparison becomes one panel of bars, drawn from what is there.
import type { TFunction } from "i18next";
import type { ChartOption } from "../../components/Chart.js";
import type { Format } from "../../i18n/format.js";
import { escapeHtml } from "../paths/chart.js";
import type { Friction } from "./api.js";

export type Role = "friction" | "baseline" | "context";
export type Unit = "share" | "minutes" | "feedback";

export interface Bar {
  label: string;
  value: number;
  role: Role;
  /** "cases of units" behind a share, when the evidence gives them. */
  cases?: number;
  units?: number;
}

export interface Panel {
  key: string;
  title: string;
  unit: Unit;
  bars: Bar[];
  /** A line across the bars (the response-time target). */
  mark?: { label: string; value: number };
}

const COLOR: Record<Role, string> = { friction: "#fa5252", baseline: "#868e96", context: "#228be6" };

const numberOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** `measure`: the evidence's measure in the reader's language. */
export function evidencePanels(f: Friction, t: TFunction, format: Format, measure: string): Panel[] {
  const e = f.evidence;
  const d = e.details;
  const since = f.since ? format.date(f.since) : null;
  const main: Bar[] = [];
  const segmentBefore = numberOf(d.segmentBefore);
  if (f.kind === "drop-off" && since && segmentBefore !== null)
    main.push({ label: t("bar.segmentBefore", { date: since }), value: segmentBefore, role: "context" });
  main.push({
    label: since ? t("bar.frictionSince", { date: since }) : t("bar.friction"),
    value: e.value,
    role: "friction",
    cases: e.cases,
    units: e.units,
  });
  const restSince = numberOf(d.restSince);
  if (f.kind === "drop-off" && since && restSince !== null)
    main.push({ label: t("bar.restSince", { date: since }), value: restSince, role: "context" });
  main.push({
    label: t("bar.baseline"),
    value: e.baseline,
    role: "baseline",
    cases: e.baselineCases,
    units: e.baselineUnits,
  });
  const panels: Panel[] = [{ key: "measure", title: measure, unit: "share", bars: main }];

  const pair = (key: string, title: string, unit: Unit, a: [string, unknown], b: [string, unknown]) => {
    const x = numberOf(a[1]);
    const y = numberOf(b[1]);
    if (x === null || y === null) return;
    panels.push({
      key,
      title,
      unit,
      bars: [
        { label: a[0], value: x, role: "friction" },
        { label: b[0], value: y, role: "baseline" },
      ],
    });
  };
  if (f.kind === "repeat-contact") {
    const event = typeof d.segmentEvent === "string" ? d.segmentEvent : "";
    pair(
      "explained",
      t("details.segmentShare"),
      "share",
      [t("bar.segmentShare", { event }), d.segmentShare],
      [t("bar.restShare"), d.restShare],
    );
    pair(
      "bought-again",
      t("details.boughtAgainAfter"),
      "share",
      [t("bar.boughtAgainAfter"), d.boughtAgainAfter],
      [t("bar.boughtAgainAfterRest"), d.boughtAgainAfterRest],
    );
  }
  if (f.kind === "slow-response") {
    const median = numberOf(d.medianMinutes);
    const p90 = numberOf(d.p90Minutes);
    const target = numberOf(d.targetMinutes);
    if (median !== null && p90 !== null)
      panels.push({
        key: "minutes",
        title: t("detail.minutesTitle"),
        unit: "minutes",
        bars: [
          { label: t("bar.median"), value: median, role: "friction" },
          { label: t("bar.p90"), value: p90, role: "context" },
        ],
        ...(target === null ? {} : { mark: { label: t("bar.target"), value: target } }),
      });
    pair(
      "feedback",
      t("details.meanFeedbackAfterSlow"),
      "feedback",
      [t("details.meanFeedbackAfterSlow"), d.meanFeedbackAfterSlow],
      [t("details.meanFeedbackOnTime"), d.meanFeedbackOnTime],
    );
  }
  if (f.kind === "negative-feedback")
    pair(
      "feedback",
      t("details.meanFeedback"),
      "feedback",
      [t("details.meanFeedback"), d.meanFeedback],
      [t("details.meanFeedbackBefore"), d.meanFeedbackBefore],
    );
  return panels;
}

export function formatUnit(unit: Unit, value: number, format: Format): string {
  if (unit === "share") return format.percent(value);
  if (unit === "minutes") return format.duration(value * 60_000);
  return format.number(value, 2);
}

/** Horizontal bars, the friction in red, its baseline in grey, the rest in blue. */
export function panelOption(panel: Panel, format: Format): ChartOption {
  const text = (v: number) => formatUnit(panel.unit, v, format);
  const bars = [...panel.bars].reverse(); // ECharts draws the first category at the bottom
  return {
    // Room above the bars for the target's label.
    grid: { left: 8, right: 72, top: panel.mark ? 28 : 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: { dataIndex: number }) => {
        const bar = bars[p.dataIndex];
        if (!bar) return "";
        const counts =
          bar.cases !== undefined && bar.units !== undefined
            ? ` (${format.number(bar.cases)} / ${format.number(bar.units)})`
            : "";
        // HTML to ECharts: a label can hold an event name from the collected data.
        return `${escapeHtml(bar.label)}: ${text(bar.value)}${counts}`;
      },
    },
    xAxis: {
      type: "value",
      ...(panel.unit === "feedback" ? { min: -1, max: 1 } : { min: 0 }),
      splitNumber: 4,
      axisLabel: { formatter: (v: number) => text(v), hideOverlap: true },
    },
    yAxis: { type: "category", data: bars.map((b) => b.label), axisLabel: { width: 220, overflow: "break" } },
    series: [
      {
        type: "bar",
        barMaxWidth: 28,
        data: bars.map((b) => ({ value: b.value, itemStyle: { color: COLOR[b.role] } })),
        label: { show: true, position: "right", formatter: (p: { value: number }) => text(p.value) },
        ...(panel.mark
          ? {
              markLine: {
                symbol: "none",
                lineStyle: { color: "#fab005", width: 2 },
                label: { formatter: `${panel.mark.label}: ${text(panel.mark.value)}`, position: "end" },
                data: [{ xAxis: panel.mark.value }],
              },
            }
          : {}),
      },
    ],
  };
}

/** What a screen reader hears instead of the chart. */
export function panelLabel(panel: Panel, format: Format): string {
  return `${panel.title}: ${panel.bars.map((b) => `${b.label} ${formatUnit(panel.unit, b.value, format)}`).join(", ")}`;
}
