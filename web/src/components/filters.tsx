// The filters most views share: which persona, which stage, which period, and a labelled choice of a few options.
import { Group, SegmentedControl, Select, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useJourneyModel, usePersonas } from "../api/shared.js";

/** A few options side by side under a label (a segmented control), labelled for screen readers. */
export function Segments<V extends string>({
  id,
  label,
  value,
  onChange,
  data,
  testId,
}: {
  /** Unique on the page: the label's element id. */
  id: string;
  label: string;
  value: V;
  onChange: (value: V) => void;
  data: Array<{ value: V; label: string }>;
  testId?: string;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={`${id}-label`}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={`${id}-label`}
        data-testid={testId}
        value={value}
        onChange={(v) => onChange(v as V)}
        data={data}
      />
    </Stack>
  );
}

/** A persona picker; "" is all customers. */
export function PersonaSelect({
  value,
  onChange,
  label,
  allowAll = true,
}: {
  value: string;
  onChange: (id: string) => void;
  label?: string;
  allowAll?: boolean;
}) {
  const { t } = useTranslation();
  const personas = usePersonas();
  const data = [
    ...(allowAll ? [{ value: "", label: t("filter.allCustomers") }] : []),
    ...(personas.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
  ];
  return (
    <Select
      label={label ?? t("filter.persona")}
      data={data}
      value={value}
      onChange={(v) => onChange(v ?? "")}
      allowDeselect={false}
      disabled={personas.isPending}
      w={220}
      data-testid="persona-select"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** A journey-stage picker: the customers now in a stage; "" is every stage. */
export function StageSelect({ value, onChange }: { value: string; onChange: (key: string) => void }) {
  const { t } = useTranslation();
  const model = useJourneyModel();
  const data = [
    { value: "", label: t("filter.allStages") },
    ...(model.data?.stages ?? []).map((s) => ({ value: s.key, label: t(`stage.${s.key}`, s.name) })),
  ];
  return (
    <Select
      label={t("filter.stage")}
      data={data}
      value={value}
      onChange={(v) => onChange(v ?? "")}
      allowDeselect={false}
      disabled={model.isPending}
      w={200}
      data-testid="stage-select"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** The request fields of the persona and stage pickers' values ("" is everyone: no field). */
export function cohortQuery(persona: string, stage: string): { persona?: string; stage?: string } {
  return { ...(persona ? { persona } : {}), ...(stage ? { stage } : {}) };
}

/** A period as two dates (YYYY-MM-DD, inclusive); empty means the API's default period. */
export function PeriodInputs({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (period: { from: string; to: string }) => void;
}) {
  const { t } = useTranslation();
  // The latest dates typed, not the props: two quick edits would otherwise report a stale other date.
  const latest = useRef({ from, to });
  useEffect(() => {
    latest.current = { from, to };
  }, [from, to]);
  const change = (part: Partial<{ from: string; to: string }>) => {
    latest.current = { ...latest.current, ...part };
    onChange(latest.current);
  };
  return (
    <Group gap="xs" align="end">
      <TextInput
        type="date"
        label={t("filter.from")}
        value={from}
        max={to || undefined}
        onChange={(e) => change({ from: e.currentTarget.value })}
        w={160}
        data-testid="period-from"
      />
      <TextInput
        type="date"
        label={t("filter.to")}
        value={to}
        min={from || undefined}
        onChange={(e) => change({ to: e.currentTarget.value })}
        w={160}
        data-testid="period-to"
      />
    </Group>
  );
}

/**
 * A period from the URL as the API takes it: `from` at the start of its day and `to` at the end of
 * its day, both UTC ISO timestamps (undefined leaves the API's default).
 */
export function periodQuery(from: string, to: string): { from?: string; to?: string } {
  return {
    ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
    ...(to ? { to: `${to}T23:59:59.999Z` } : {}),
  };
}
