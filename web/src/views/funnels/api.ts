// The chart-friendly formatter the funnel and time-to-convert views and the boards' tiles share.
import { useMemo } from "react";
import { formatFor, useFormat } from "../../i18n/format.js";

/** The formatter, the same object while the language stays: chart options built from it can be memoised. */
export function useStableFormat() {
  const { locale } = useFormat();
  return useMemo(() => formatFor(locale), [locale]);
}
