// Small pieces of a friction shown in the list, the detail and the overview: its kind, its segment and
// what it costs.
import { Badge, Code, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { queryString } from "../../api/client.js";
import { type Format, useFormat } from "../../i18n/format.js";
import type { Friction, FrictionKind, FrictionScope } from "./api.js";
import "./messages.js";

const KIND_COLOR: Record<FrictionKind, string> = {
  "drop-off": "red",
  failure: "red",
  abandonment: "orange",
  "repeat-contact": "grape",
  "channel-switch": "violet",
  "slow-response": "yellow",
  "over-contact": "pink",
  "negative-feedback": "red",
};

/** The link that opens a friction in the frictions view, keeping the persona and period it was found in. */
export function frictionHref(id: string, scope: FrictionScope, limit?: string): string {
  const { persona, stage, from, to } = scope;
  return `/frictions${queryString({ id, persona, stage, from, to, limit })}`;
}

export function KindBadge({ kind }: { kind: FrictionKind }) {
  const { t } = useTranslation("frictions");
  return (
    <Badge color={KIND_COLOR[kind]} variant="light" size="sm" style={{ flexShrink: 0 }}>
      {t(`kind.${kind}`)}
    </Badge>
  );
}

/** `os = Android`, `days_late > 0`: a comparison arrives as a string that starts with its operator. */
export function segmentParts(segment: Friction["segment"]): string[] {
  return Object.entries(segment).map(([k, v]) =>
    typeof v === "string" && /^[<>]=? /.test(v) ? `${k} ${v}` : `${k} = ${String(v)}`,
  );
}

export function SegmentBadges({ segment }: { segment: Friction["segment"] }) {
  const { t } = useTranslation("frictions");
  const parts = segmentParts(segment);
  if (parts.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t("everyone")}
      </Text>
    );
  return (
    <Group gap={4}>
      {parts.map((p) => (
        <Code key={p} style={{ whiteSpace: "normal", overflowWrap: "anywhere" }}>
          {p}
        </Code>
      ))}
    </Group>
  );
}

/** Lost conversions and revenue in words, whichever the friction estimates (empty when neither). */
export function useLostWords(): (f: Friction) => string[] {
  const { t } = useTranslation("frictions");
  const format = useFormat();
  return (f) =>
    [
      f.lostConversions === null ? null : t("lostConversionsN", { n: format.number(f.lostConversions, 1) }),
      f.lostRevenue === null ? null : t("lostRevenueN", { money: format.money(f.lostRevenue) }),
    ].filter((p): p is string => p !== null);
}

/** Lost conversions and revenue, whichever the friction estimates (a table cell under its heading). */
export function lostText(f: Friction, format: Format): string {
  const parts = [
    f.lostConversions === null ? null : format.number(f.lostConversions, 1),
    f.lostRevenue === null ? null : format.money(f.lostRevenue),
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(" · ") : "–";
}

/** A stage key in the reader's language ("–" when the friction has no stage). */
export function useStageName(): (stage: string | null) => string {
  const { t } = useTranslation("common");
  return (stage) => (stage ? t(`stage.${stage}`, { defaultValue: stage }) : "–");
}
