// The step picker paths and retention share: a touchpoint from the catalogue or an event by name, kept in
// the URL as "touchpoint:<id>" or "event:<name>". Event names are suggested from the store's most
// frequent track events, the catalogue's rules and Segment's e-commerce spec; any other name can be typed.
import { Select } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Step } from "../../../../src/analytics/steps.js";
import type { Touchpoint } from "../../../../src/journey/touchpoints.js";
import { api } from "../../api/client.js";
import { registerMessages } from "../../i18n/index.js";

registerMessages("steps", {
  en: {
    touchpoints: "Touchpoints",
    events: "Events",
    useEvent: "Event “{{name}}”",
    nothing: "Type an event name",
  },
  ko: {
    touchpoints: "터치포인트",
    events: "이벤트",
    useEvent: "이벤트 “{{name}}”",
    nothing: "이벤트 이름을 입력하세요",
  },
});

export type StepKind = "event" | "touchpoint";
export interface StepChoice {
  kind: StepKind;
  /** The event name, or the touchpoint id. */
  value: string;
}

/** Names of Segment's e-commerce spec that most stores send; offered before any event is seen. */
const SEGMENT_ECOMMERCE = [
  "Product List Viewed",
  "Product Viewed",
  "Product Added",
  "Cart Viewed",
  "Checkout Started",
  "Payment Info Entered",
  "Order Completed",
  "Order Refunded",
  "Coupon Applied",
  "Signed Up",
];

export function encodeStep(step: StepChoice): string {
  return `${step.kind}:${step.value}`;
}

/** A step from its URL form; undefined when the text is empty or not a step. */
export function decodeStep(text: string): StepChoice | undefined {
  const at = text.indexOf(":");
  if (at < 0) return undefined;
  const kind = text.slice(0, at);
  const value = text.slice(at + 1).trim();
  if (!value || (kind !== "event" && kind !== "touchpoint")) return undefined;
  return { kind, value };
}

/** The API's form of a step. */
export function stepRequest(step: StepChoice): Step {
  return step.kind === "event" ? { event: step.value } : { touchpoint: step.value };
}

export interface TouchpointList {
  items: Touchpoint[];
}
interface EventNames {
  items: Array<{ type: string; event: string; events: number }>;
}

export function useTouchpoints() {
  return useQuery({
    queryKey: ["touchpoints"],
    queryFn: ({ signal }) => api<TouchpointList>("/api/touchpoints", { signal }),
    staleTime: 60_000,
  });
}

/** Track event names worth offering: the most frequent ones, those the catalogue names, Segment's. */
function useEventNames(): string[] {
  const touchpoints = useTouchpoints();
  const frequent = useQuery({
    queryKey: ["events", "names", 200],
    queryFn: ({ signal }) => api<EventNames>("/api/events/names", { query: { limit: 200 }, signal }),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const names = new Set<string>();
    for (const t of touchpoints.data?.items ?? []) {
      if ((t.match.type ?? "track") === "track" && t.match.event) names.add(t.match.event);
    }
    for (const e of frequent.data?.items ?? []) if (e.type === "track") names.add(e.event);
    for (const n of SEGMENT_ECOMMERCE) names.add(n);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [touchpoints.data, frequent.data]);
}

/**
 * One searchable list of touchpoints and event names; typing a name that is not listed offers it as an
 * event, since a store may send events no one has catalogued yet.
 */
export function StepPicker({
  label,
  value,
  onChange,
  clearable = false,
  testId,
  w = 260,
}: {
  label: string;
  value: StepChoice | undefined;
  onChange: (step: StepChoice | undefined) => void;
  clearable?: boolean;
  testId?: string;
  w?: number;
}) {
  const { t } = useTranslation("steps");
  const touchpoints = useTouchpoints();
  const eventNames = useEventNames();
  const [search, setSearch] = useState<string | null>(null);

  const data = useMemo(() => {
    const events = new Set(eventNames);
    if (value?.kind === "event") events.add(value.value);
    const typed = search?.trim() ?? "";
    const touchpointItems = (touchpoints.data?.items ?? []).map((tp) => ({
      value: encodeStep({ kind: "touchpoint", value: tp.id }),
      label: tp.name,
    }));
    const eventItems = [...events].map((name) => ({
      value: encodeStep({ kind: "event", value: name }),
      label: name,
    }));
    const known = [...touchpointItems, ...eventItems].some(
      (item) => item.label.toLowerCase() === typed.toLowerCase(),
    );
    if (typed && !known)
      eventItems.unshift({
        value: encodeStep({ kind: "event", value: typed }),
        label: t("useEvent", { name: typed }),
      });
    return [
      { group: t("events"), items: eventItems },
      { group: t("touchpoints"), items: touchpointItems },
    ];
  }, [eventNames, touchpoints.data, value, search, t]);

  return (
    <Select
      label={label}
      data={data}
      value={value ? encodeStep(value) : null}
      onChange={(v) => {
        setSearch(null);
        onChange(v ? decodeStep(v) : undefined);
      }}
      searchable
      onSearchChange={setSearch}
      nothingFoundMessage={t("nothing")}
      clearable={clearable}
      allowDeselect={clearable}
      maxDropdownHeight={320}
      w={w}
      data-testid={testId}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
