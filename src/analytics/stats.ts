// The statistics every finding rests on, in one place: the friction detectors, their daily series and the
// journey map's pain points compare proportions with the same two-proportion z (pooled standard error),
// in SQL where the counts are still rows and in JavaScript where they are already a few numbers.

/** Signed two-proportion z of x1/n1 against x2/n2, as SQL over numeric expressions; NULL when undefined. */
export function zSql(x1: string, n1: string, x2: string, n2: string): string {
  const pooled = `((${x1}) + (${x2})) / ((${n1}) + (${n2}))`;
  return `(((${x1}) / (${n1}) - (${x2}) / (${n2})) /
          nullif(sqrt(${pooled} * (1 - ${pooled}) * (1 / (${n1}) + 1 / (${n2}))), 0))`;
}

/** The same signed z in JavaScript, for numbers already aggregated; null when it is undefined. */
export function zScore(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return se === 0 ? null : (x1 / n1 - x2 / n2) / se;
}

/** `v` to `digits` decimals: shares and rates in answers, so the last digits do not vary run to run. */
export const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;
