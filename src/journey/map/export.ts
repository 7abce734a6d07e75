// A journey map as CSV, one number or text per row (persona, period, stage, section, item, metric, value),
// the long format spreadsheets pivot easily. JSON export is the map itself.
import type { JourneyMap } from "./schema.js";

// Text that a spreadsheet would read as a formula (=, +, -, @, or a leading tab or CR) gets a leading
// apostrophe, as OWASP advises against CSV injection: lane items and names are typed by people and may
// come from collected data. Numbers (a negative emotion) are written as they are.
const FORMULA_START = /^[=+\-@\t\r]/;

export const csvField = (v: unknown): string => {
  const raw = v === null || v === undefined ? "" : String(v);
  const s = typeof v === "string" && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function mapToCsv(map: JourneyMap): string {
  const head = [map.persona?.id ?? "all", map.period.from, map.period.to];
  const rows: unknown[][] = [["persona", "from", "to", "stage", "section", "item", "metric", "value"]];
  const add = (stage: string, section: string, item: string, metric: string, value: unknown) =>
    rows.push([...head, stage, section, item, metric, value]);
  for (const s of map.stages) {
    add(s.key, "stage", s.name, "reached", s.reached);
    add(s.key, "stage", s.name, "converted", s.converted);
    add(s.key, "stage", s.name, "conversion", s.conversion);
    add(s.key, "stage", s.name, "median_seconds_in_stage", s.timeInStage.medianSeconds);
    add(s.key, "stage", s.name, "p90_seconds_in_stage", s.timeInStage.p90Seconds);
    add(s.key, "stage", s.name, "emotion", s.emotion.value);
    add(s.key, "stage", s.name, "emotion_answers", s.emotion.answers);
    for (const t of s.touchpoints) {
      add(s.key, "touchpoint", t.name, "volume", t.volume);
      add(s.key, "touchpoint", t.name, "reach", t.reach);
      add(s.key, "touchpoint", t.name, "conversion", t.conversion);
      add(s.key, "touchpoint", t.name, "satisfaction", t.satisfaction.value);
    }
    for (const p of s.painPoints) {
      add(s.key, "pain_point", p.title, "customers", p.customers);
      add(s.key, "pain_point", p.title, "impact", p.impact);
    }
    for (const [lane, items] of Object.entries(s.lanes))
      for (const item of items) add(s.key, "lane", lane, "text", item);
  }
  return `${rows.map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}
