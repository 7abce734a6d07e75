// The step picker funnels and time to convert share: one searchable list of event names (track, page,
// screen, most frequent first), touchpoints and journey stages, with optional property filters.
import { ActionIcon, Autocomplete, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconFilter, IconTrash } from "@tabler/icons-react";
import { type ReactNode, useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Step } from "../../../../src/analytics/steps.js";
import { useFormat } from "../../i18n/format.js";
import { useEventNames, useEventProperties, useJourneyModel, useTouchpoints } from "./api.js";
import { type DraftCondition, type DraftStep, needsValue, OPERATORS, stepOf } from "./definition.js";
import { NS } from "./messages.js";

type Kind = "track" | "page" | "screen" | "touchpoint" | "stage";
const GROUPS: readonly Kind[] = ["track", "page", "screen", "touchpoint", "stage"];

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
        base = t("picker.entered", { stage: t(`common:stage.${step.stage}`, name) });
      } else if (step.type === "page") base = t("picker.pageView", { name: step.event });
      else if (step.type === "screen") base = t("picker.screenView", { name: step.event });
      else base = step.event ?? "";
      if (!step.where?.length) return base;
      const conditions = step.where.map((c) =>
        [
          c.property,
          t(`picker.opText.${c.op}`),
          ...(c.value === undefined ? [] : [Array.isArray(c.value) ? c.value.join(", ") : String(c.value)]),
        ].join(" "),
      );
      return `${base} (${conditions.join("; ")})`;
    },
    [t, touchpoints.data, model.data],
  );
}

/** The searchable list of everything a step can be; `value` is a draft step's `choice`. */
export function StepSelect({
  value,
  onChange,
  label,
  testId,
}: {
  value: string;
  onChange: (choice: string) => void;
  label: string;
  testId?: string;
}) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 250);
  const touchpoints = useTouchpoints();
  const model = useJourneyModel();
  const stepLabel = useStepLabel();
  const selectedLabel = useMemo(() => {
    const step = stepOf({ choice: value, where: [] });
    return step ? stepLabel(step) : "";
  }, [value, stepLabel]);
  // The selected step's label is in the box after a choice: that is not a search.
  const names = useEventNames(q === selectedLabel ? "" : q.trim());

  const { data, counts } = useMemo(() => {
    const groups = new Map<Kind, Array<{ value: string; label: string }>>(GROUPS.map((g) => [g, []]));
    const counts = new Map<string, number>();
    for (const n of names.data?.items ?? []) {
      const choice = `${n.type}:${n.event}`;
      const step = stepOf({ choice, where: [] });
      if (!step) continue;
      groups.get(n.type)?.push({ value: choice, label: stepLabel(step) });
      counts.set(choice, n.events);
    }
    for (const tp of touchpoints.data?.items ?? [])
      groups.get("touchpoint")?.push({ value: `touchpoint:${tp.id}`, label: tp.name });
    for (const s of model.data?.stages ?? [])
      groups.get("stage")?.push({ value: `stage:${s.key}`, label: stepLabel({ stage: s.key }) });
    // The chosen step stays selectable even when the lists above do not hold it (yet).
    const chosen = value.slice(0, value.indexOf(":")) as Kind;
    if (value && GROUPS.includes(chosen) && !groups.get(chosen)?.some((o) => o.value === value))
      groups.get(chosen)?.unshift({ value, label: selectedLabel || value });
    return {
      data: GROUPS.filter((g) => groups.get(g)?.length).map((g) => ({
        group: t(`picker.groups.${g}`),
        items: groups.get(g) ?? [],
      })),
      counts,
    };
  }, [names.data, touchpoints.data, model.data, value, selectedLabel, stepLabel, t]);

  return (
    <Select
      label={label}
      placeholder={t("picker.placeholder")}
      data={data}
      value={value || null}
      onChange={(v) => onChange(v ?? "")}
      searchable
      allowDeselect={false}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={names.isFetching ? t("common:state.loading") : t("picker.nothing")}
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
      data-testid={testId}
      renderOption={({ option }) => {
        const n = counts.get(option.value);
        return (
          <Group justify="space-between" wrap="nowrap" w="100%" gap="xs">
            <Text size="sm">{option.label}</Text>
            {n !== undefined && (
              <Text size="xs" c="dimmed">
                {t("picker.events", { n: format.number(n) })}
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
        label={t("picker.property")}
        data={properties}
        value={condition.property}
        onChange={(property) => onChange({ ...condition, property })}
        w={180}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-property`}
      />
      <Select
        label={t("picker.operator")}
        data={OPERATORS.map((op) => ({ value: op, label: t(`picker.ops.${op}`) }))}
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
          label={list ? t("picker.valueList") : t("picker.value")}
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
        aria-label={t("picker.removeFilter", { n: index + 1 })}
        onClick={onRemove}
        mb={4}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** A step with its filters; `actions` sit next to the picker (remove, move). */
export function StepEditor({
  value,
  onChange,
  label,
  testId,
  actions,
}: {
  value: DraftStep;
  onChange: (step: DraftStep) => void;
  label: string;
  testId: string;
  actions?: ReactNode;
}) {
  const { t } = useTranslation(NS);
  const kind = value.choice.slice(0, value.choice.indexOf(":"));
  const step = stepOf({ choice: value.choice, where: [] });
  const props = useEventProperties(step?.event === undefined ? {} : { event: step.event, type: step.type });
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
            testId={`${testId}-select`}
            // A stage takes no filters: drop them when the step becomes one.
            onChange={(choice) =>
              onChange({ ...value, choice, where: choice.startsWith("stage:") ? [] : value.where })
            }
          />
        </div>
        {kind !== "stage" && value.choice && (
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
            {t("picker.addFilter")}
          </Button>
        )}
        {actions}
      </Group>
      {value.where.length > 0 && (
        <Stack gap={4} pl="md" aria-label={t("picker.filters")}>
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
