// The drawer's title for an audience of the map: what the number it was opened from counts.
import type { TFunction } from "i18next";
import type { JourneyMap } from "../../../../src/journey/map/schema.js";

export function audienceTitle(
  t: TFunction,
  audience: string,
  map: JourneyMap,
  stageName: (s: { key: string; name: string }) => string,
): string {
  const [kind, a = "", b = ""] = audience.split(":");
  const stage = map.stages.find((s) => s.key === a);
  const touchpoint = map.stages.flatMap((s) => s.touchpoints).find((tp) => tp.id === a);
  const tpName = touchpoint?.name ?? a;
  if (kind === "stage") {
    const key = b === "reached" || b === "converted" || b === "dropped" || b === "feedback" ? b : "reached";
    return t(`drawer.${key}`, { stage: stage ? stageName(stage) : a });
  }
  if (kind === "touchpoint") {
    const key = b === "converted" ? "tpConverted" : b === "dropped" ? "tpDropped" : "tpReach";
    return t(`drawer.${key}`, { touchpoint: tpName });
  }
  if (kind === "pain") {
    // pain:<friction id>: the friction's kind and touchpoint name it.
    const id = audience.slice("pain:".length);
    const pain = map.stages.flatMap((s) => s.painPoints).find((p) => p.id === id);
    return t("drawer.pain", {
      kind: t(`frictions:kind.${pain?.kind ?? a}`),
      touchpoint: pain?.touchpoint?.name ?? id,
    });
  }
  return t("drawer.cohort");
}
