// A friction's evidence over time: per day of the period, the affected segment's units and bad cases
// next to the baseline's (whatever its detector compares), and the day the affected segment's own rate
// jumped, if it did. Each detector gathers its days in one grouped SQL query over the scratch table it
// already built; this module turns those rows into a dense series and finds the change point.

import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { zScore } from "../stats.js";
import { type Detection, num } from "./detector.js";
import type { SeriesDay } from "./schema.js";

const DAY_MS = 86_400_000;
/** The rise at the change point needs this z (the drop-off detector's threshold for its `since`). */
const CHANGE_Z = 3.5;

export interface DayCounts {
  au: number;
  ax: number;
  bu: number;
  bx: number;
}

const EMPTY: DayCounts = { au: 0, ax: 0, bu: 0, bx: 0 };

/**
 * Runs a detector's grouped query, whose rows are (key, day, au, ax, bu, bx): `key` names the friction,
 * `day` is epoch milliseconds of its UTC day, `au`/`ax` the affected units and bad cases, `bu`/`bx` the
 * baseline's. Returns the counts per key and day.
 */
export async function dailyCounts(
  d: Detection,
  sql: string,
  params: SqlValue[] = [],
): Promise<Map<string, Map<number, DayCounts>>> {
  const rows = await all(d.conn, sql, params);
  const out = new Map<string, Map<number, DayCounts>>();
  for (const r of rows) {
    const key = String(r.key);
    const days = out.get(key) ?? new Map<number, DayCounts>();
    const day = num(r.day);
    const had = days.get(day) ?? EMPTY;
    days.set(day, {
      au: had.au + num(r.au),
      ax: had.ax + num(r.ax),
      bu: had.bu + num(r.bu),
      bx: had.bx + num(r.bx),
    });
    out.set(key, days);
  }
  return out;
}

/** The UTC days of the period, from the day of `from` to the day of its last millisecond. */
export function periodDays(d: Pick<Detection, "from" | "to">): number[] {
  const first = Math.floor(d.from.getTime() / DAY_MS) * DAY_MS;
  const last = Math.floor((d.to.getTime() - 1) / DAY_MS) * DAY_MS;
  const days: number[] = [];
  for (let t = first; t <= last; t += DAY_MS) days.push(t);
  return days;
}

const point = (units: number, cases: number) => ({ units, cases, rate: units ? cases / units : null });

/** Every day of the period (days without units have a null rate), from a key's counts. */
export function seriesOf(
  d: Pick<Detection, "from" | "to">,
  counts: Map<number, DayCounts> | undefined,
): SeriesDay[] {
  return periodDays(d).map((t) => {
    const c = counts?.get(t) ?? EMPTY;
    return {
      day: new Date(t).toISOString().slice(0, 10),
      affected: point(c.au, c.ax),
      baseline: point(c.bu, c.bx),
    };
  });
}

/** Binomial log-likelihood of x bad out of n at their own rate. */
const logLikelihood = (x: number, n: number) =>
  (x > 0 ? x * Math.log(x / n) : 0) + (n - x > 0 ? (n - x) * Math.log(1 - x / n) : 0);

/**
 * The day the affected segment departed: of every split of its days into before and after, the one with
 * the largest likelihood ratio of "two rates" over "one rate" (a binomial change-point test), counting
 * rises only; kept when both sides hold `minUnits` units and the rise's two-proportion z reaches 3.5, so a
 * segment that was as bad all along has none. The drop-off detector places its `since` the same way, so
 * the two agree there.
 */
export function changePointOf(series: readonly SeriesDay[], minUnits: number): string | null {
  const n = series.reduce((s, x) => s + x.affected.units, 0);
  const x = series.reduce((s, p) => s + p.affected.cases, 0);
  const whole = logLikelihood(x, n);
  let best: { day: string; llr: number; z: number } | null = null;
  let bn = 0;
  let bx = 0;
  for (const [i, p] of series.entries()) {
    if (i > 0 && p.affected.units > 0) {
      const an = n - bn;
      const ax = x - bx;
      if (an >= minUnits && bn >= minUnits && ax / an > bx / bn) {
        const llr = logLikelihood(ax, an) + logLikelihood(bx, bn) - whole;
        const z = zScore(ax, an, bx, bn) ?? 0;
        if (!best || llr > best.llr) best = { day: p.day, llr, z };
      }
    }
    bn += p.affected.units;
    bx += p.affected.cases;
  }
  return best && best.z >= CHANGE_Z ? best.day : null;
}

/** The series and its change point, as a friction carries them. */
export function evidenceOverTime(
  d: Detection,
  counts: Map<number, DayCounts> | undefined,
): { series: SeriesDay[]; changePoint: string | null } {
  const series = seriesOf(d, counts);
  return { series, changePoint: changePointOf(series, d.settings.minUnits) };
}
