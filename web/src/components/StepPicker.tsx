// The one step picker of the analyses (funnels, time to convert, paths, retention): a searchable list of
// event names (track, page, screen; most frequent first, searched on the server), touchpoints and journey
// stages, limited to the kinds an analysis takes, with optional property filters. A step is edited as a
// draft (the picker's `choice` and conditions as typed) and sent as the API's `Step`.
import { ActionIcon, Autocomplete, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconFilter, IconTrash } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type ReactNode, useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Step } from "../../../src/analytics/steps.js";
import type { Condition, Operator } from "../../../src/journey/rules.js";
import type { Touchpoint } from "../../../src/journey/touchpoints.js";
import { api } from "../api/client.js";
import { useJourneyModel } from "../api/shared.js";
import { useFormat } from "../i18n/format.js";
import { NS } from "./step-picker-messages.js";

/** What a step can be; `event` is a track event. */
export type StepKind = "event" | "page" | "screen" | "touchpoint" | "stage";
export const STEP_KINDS: readonly StepKind[] = ["event", "page", "screen", "touchpoint", "stage"];

export const OPERATORS: readonly Operator[] = [
  "eq",
  "neq",
  "contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "not_in",
  "exists",
  "not_exists",
];
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A property name the API takes: a dotted path such as `context.os.name`. */
export const isPropertyPath = (text: string) => PROPERTY.test(text);

export interface DraftCondition {
  property: string;
  op: Operator;
  /** As typed; lists are comma-separated. */
  value: string;
}

export interface StepDraft {
  /**
   * What the step is, as the picker's value: `event:<name>`, `page:<name>`, `screen:<name>`,
   * `touchpoint:<id>`, `stage:<key>`; "" when not chosen yet. Paths and retention keep it in the URL.
   */
  choice: string;
  where: DraftCondition[];
}

export const needsValue = (op: Operator) => op !== "exists" && op !== "not_exists";

export function choiceOf(step: Step): string {
  if (step.touchpoint !== undefined) return `touchpoint:${step.touchpoint}`;
  if (step.stage !== undefined) return `stage:${step.stage}`;
  if (step.event === undefined) return "";
  return step.type === "page" || step.type === "screen"
    ? `${step.type}:${step.event}`
    : `event:${step.event}`;
}

function kindOf(choice: string): StepKind | undefined {
  const kind = choice.slice(0, choice.indexOf(":"));
  return STEP_KINDS.find((k) => k === kind);
}

function conditionValue(c: DraftCondition): Condition["value"] {
  if (!needsValue(c.op)) return undefined;
  const text = c.value.trim();
  if (c.op === "in" || c.op === "not_in")
    return text
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  if (c.op === "gt" || c.op === "gte" || c.op === "lt" || c.op === "lte") return Number(text);
  // A number compares as a number (3 matches 3.0 and "3"); anything else as text.
  if ((c.op === "eq" || c.op === "neq") && NUMBER.test(text)) return Number(text);
  return text;
}

function conditionComplete(c: DraftCondition): boolean {
  if (!PROPERTY.test(c.property.trim())) return false;
  if (!needsValue(c.op)) return true;
  const text = c.value.trim();
  if (!text) return false;
  if (c.op === "gt" || c.op === "gte" || c.op === "lt" || c.op === "lte") return NUMBER.test(text);
  return true;
}

/** The API's step, or null while the draft is incomplete or of a kind the analysis does not take. */
export function stepOf(draft: StepDraft, kinds: readonly StepKind[] = STEP_KINDS): Step | null {
  const kind = kindOf(draft.choice);
  const value = draft.choice.slice(draft.choice.indexOf(":") + 1).trim();
  if (!kind || !kinds.includes(kind) || !value || !draft.where.every(conditionComplete)) return null;
  const where = draft.where.map((c) => {
    const value = conditionValue(c);
    return { property: c.property.trim(), op: c.op, ...(value === undefined ? {} : { value }) };
  });
  const conditions = where.length ? { where } : {};
  if (kind === "touchpoint") return { touchpoint: value, ...conditions };
  if (kind === "stage") return { stage: value };
  if (kind === "event") return { event: value, ...conditions };
  return { event: value, type: kind, ...conditions };
}

/** A step from its compact form, the picker's choice without filters (paths and retention keep it in URLs). */
export function stepFromChoice(choice: string, kinds?: readonly StepKind[]): Step | undefined {
  return stepOf({ choice, where: [] }, kinds) ?? undefined;
}

export function stepDraft(step: Step): StepDraft {
  const where = (step.where ?? []).map((c) => ({
    property: c.property,
    op: c.op,
    value: Array.isArray(c.value) ? c.value.join(", ") : c.value === undefined ? "" : String(c.value),
  }));
  return { choice: choiceOf(step), where };
}

interface EventName {
  type: "track" | "page" | "screen";
  event: string;
  events: number;
  lastSeen: string;
}

/** Most frequent event names, narrowed by `q` on the server (so names beyond the first page are found). */
function useEventNames(q: string, wanted: boolean) {
  return useQuery({
    queryKey: ["event-names", q],
    queryFn: ({ signal }) =>
      api<{ items: EventName[] }>("/api/events/names", { query: { q, limit: 100 }, signal }),
    // Listing names scans the events: ask only when someone opens the list, not while the analysis
    // the page is about is being computed.
    enabled: wanted,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

/** The property keys seen on an event: suggestions for filters and breakdowns. */
export function useEventProperties(
  step: { event?: string | undefined; type?: string | undefined },
  wanted = true,
) {
  return useQuery({
    queryKey: ["event-properties", step.type ?? "track", step.event],
    queryFn: ({ signal }) =>
      api<{ items: Array<{ property: string; events: number }> }>("/api/events/properties", {
        query: { event: step.event, type: step.type ?? "track", limit: 50 },
        signal,
      }),
    enabled: wanted && Boolean(step.event),
    staleTime: 60_000,
  });
}

function useTouchpoints() {
  return useQuery({
    queryKey: ["touchpoints"],
    queryFn: ({ signal }) => api<{ items: Touchpoint[] }>("/api/touchpoints", { signal }),
    staleTime: 60_000,
  });
}

/** A step's name in the reader's language, with its filters: what tables, charts and titles show. */
export function useStepLabel(): (step: Step) => string {
  const { t } = useTranslation([NS, "common"]);
  const touchpoints = useTouchpoints();
  const model = useJourneyModel();
  return useCallback(
    (step: Step) => {
      let base: string;
      if (step.touchpoint !== undefined)
        base = touchpoints.data?.items.find((tp) => tp.id === step.touchpoint)?.name ?? step.touchpoint;
      else if (step.stage !== undefined) {
        const name = model.data?.stages.find((s) => s.key === step.stage)?.name ?? step.stage;
        base = t("entered", { stage: t(`common:stage.${step.stage}`, name) });
      } else if (step.type === "page") base = t("pageView", { name: step.event });
      else if (step.type === "screen") base = t("screenView", { name: step.event });
      else base = step.event ?? "";
      if (!step.where?.length) return base;
      const conditions = step.where.map((c) =>
        [
          c.property,
          t(`opText.${c.op}`),
          ...(c.value === undefined ? [] : [Array.isArray(c.value) ? c.value.join(", ") : String(c.value)]),
        ].join(" "),
      );
      return `${base} (${conditions.join("; ")})`;
    },
    [t, touchpoints.data, model.data],
  );
}

/**
 * The searchable list of what a step can be, of the kinds given; `value` is a draft step's `choice`
 * ("" for none). A typed name that is not listed is offered as an event, since a store may send events
 * that have not arrived yet or that no one has catalogued.
 */
export function StepSelect({
  value,
  onChange,
  label,
  kinds = STEP_KINDS,
  clearable = false,
  testId,
  w,
}: {
  value: string;
  onChange: (choice: string) => void;
  label: string;
  kinds?: readonly StepKind[];
  clearable?: boolean;
  testId?: string;
  w?: number;
}) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 250);
  const [opened, setOpened] = useState(false);
  const touchpoints = useTouchpoints();
  const model = useJourneyModel();
  const stepLabel = useStepLabel();
  const chosen = stepFromChoice(value, kinds);
  const selected = chosen ? choiceOf(chosen) : "";
  const selectedLabel = chosen ? stepLabel(chosen) : "";
  // The selected step's label is in the box after a choice: that is not a search.
  const typed = search.trim() === selectedLabel ? "" : search.trim();
  const names = useEventNames(q.trim() === selectedLabel ? "" : q.trim(), opened);

  const { data, counts } = useMemo(() => {
    const groups = new Map<StepKind, Array<{ value: string; label: string }>>(kinds.map((k) => [k, []]));
    const counts = new Map<string, number>();
    for (const n of names.data?.items ?? []) {
      const step: Step = n.type === "track" ? { event: n.event } : { event: n.event, type: n.type };
      const choice = choiceOf(step);
      const items = groups.get(kindOf(choice) ?? "event");
      if (!items) continue;
      items.push({ value: choice, label: stepLabel(step) });
      counts.set(choice, n.events);
    }
    for (const tp of touchpoints.data?.items ?? [])
      groups.get("touchpoint")?.push({ value: `touchpoint:${tp.id}`, label: tp.name });
    for (const s of model.data?.stages ?? [])
      groups.get("stage")?.push({ value: `stage:${s.key}`, label: stepLabel({ stage: s.key }) });
    const all = [...groups.values()].flat();
    // The chosen step stays selectable even when the lists above do not hold it (yet).
    const kind = kindOf(selected);
    if (kind && !all.some((o) => o.value === selected))
      groups.get(kind)?.unshift({ value: selected, label: selectedLabel || selected });
    const events = groups.get("event");
    const known = (text: string) =>
      all.some((o) => o.value === `event:${text}` || o.label.toLowerCase() === text.toLowerCase());
    if (events && typed && `event:${typed}` !== selected && !known(typed))
      events.unshift({ value: `event:${typed}`, label: t("useEvent", { name: typed }) });
    return {
      data: kinds
        .filter((k) => groups.get(k)?.length)
        .map((k) => ({ group: t(`groups.${k}`), items: groups.get(k) ?? [] })),
      counts,
    };
  }, [names.data, touchpoints.data, model.data, kinds, selected, selectedLabel, typed, stepLabel, t]);

  return (
    <Select
      label={label}
      placeholder={t(kinds.includes("stage") ? "placeholder" : "placeholderNoStages")}
      data={data}
      value={selected || null}
      onChange={(v) => onChange(v ?? "")}
      searchable
      clearable={clearable}
      allowDeselect={clearable}
      searchValue={search}
      onSearchChange={setSearch}
      onDropdownOpen={() => setOpened(true)}
      nothingFoundMessage={names.isFetching ? t("common:state.loading") : t("nothing")}
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
      w={w}
      data-testid={testId}
      renderOption={({ option }) => {
        const n = counts.get(option.value);
        return (
          <Group justify="space-between" wrap="nowrap" w="100%" gap="xs">
            <Text size="sm">{option.label}</Text>
            {n !== undefined && (
              // A hint for the eye; the option's accessible name stays the step, as it is typed.
              <Text size="xs" c="dimmed" aria-hidden="true">
                {t("events", { n: format.number(n) })}
              </Text>
            )}
          </Group>
        );
      }}
    />
  );
}

function ConditionRow({
  condition,
  index,
  properties,
  onChange,
  onRemove,
  testId,
}: {
  condition: DraftCondition;
  index: number;
  properties: string[];
  onChange: (c: DraftCondition) => void;
  onRemove: () => void;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  const list = condition.op === "in" || condition.op === "not_in";
  return (
    <Group gap="xs" align="end" wrap="wrap" data-testid={testId}>
      <Autocomplete
        label={t("property")}
        data={properties}
        value={condition.property}
        onChange={(property) => onChange({ ...condition, property })}
        w={180}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-property`}
      />
      <Select
        label={t("operator")}
        data={OPERATORS.map((op) => ({ value: op, label: t(`ops.${op}`) }))}
        value={condition.op}
        onChange={(op) => op && onChange({ ...condition, op: op as DraftCondition["op"] })}
        allowDeselect={false}
        w={170}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-op`}
      />
      {needsValue(condition.op) && (
        <TextInput
          label={list ? t("valueList") : t("value")}
          value={condition.value}
          onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
          w={180}
          size="xs"
          data-testid={`${testId}-value`}
        />
      )}
      <ActionIcon
        variant="subtle"
        color="gray"
        aria-label={t("removeFilter", { n: index + 1 })}
        onClick={onRemove}
        mb={4}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** A step with its property filters; `actions` sit next to the picker (remove, move). */
export function StepEditor<T extends StepDraft>({
  value,
  onChange,
  label,
  kinds = STEP_KINDS,
  testId,
  actions,
}: {
  value: T;
  onChange: (step: T) => void;
  label: string;
  kinds?: readonly StepKind[];
  testId: string;
  actions?: ReactNode;
}) {
  const { t } = useTranslation(NS);
  const step = stepFromChoice(value.choice, kinds);
  // Property names are suggestions for filters: fetched once the step has one.
  const props = useEventProperties(
    step?.event === undefined ? {} : { event: step.event, type: step.type },
    value.where.length > 0,
  );
  const properties = (props.data?.items ?? []).map((p) => p.property);
  const setCondition = (i: number, c: DraftCondition) =>
    onChange({ ...value, where: value.where.map((x, j) => (j === i ? c : x)) });
  return (
    <Stack gap={6} data-testid={testId}>
      <Group gap="xs" align="end" wrap="nowrap">
        <div style={{ flex: 1, minWidth: 0 }}>
          <StepSelect
            value={value.choice}
            label={label}
            kinds={kinds}
            testId={`${testId}-select`}
            // A stage takes no filters: drop them when the step becomes one.
            onChange={(choice) =>
              onChange({ ...value, choice, where: kindOf(choice) === "stage" ? [] : value.where })
            }
          />
        </div>
        {step && step.stage === undefined && (
          <Button
            variant="subtle"
            size="compact-sm"
            mb={6}
            leftSection={<IconFilter size={14} />}
            onClick={() =>
              onChange({ ...value, where: [...value.where, { property: "", op: "eq", value: "" }] })
            }
            data-testid={`${testId}-add-filter`}
          >
            {t("addFilter")}
          </Button>
        )}
        {actions}
      </Group>
      {value.where.length > 0 && (
        <Stack gap={4} pl="md" aria-label={t("filters")}>
          {value.where.map((c, i) => (
            <ConditionRow
              // Conditions have no identity beyond their place in the list.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              condition={c}
              index={i}
              properties={properties}
              onChange={(next) => setCondition(i, next)}
              onRemove={() => onChange({ ...value, where: value.where.filter((_, j) => j !== i) })}
              testId={`${testId}-filter-${i}`}
            />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
