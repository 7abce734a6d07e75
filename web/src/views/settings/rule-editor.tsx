// The pieces of the structured rule editors (touchpoint rules, persona conditions): the field
// suggestions, one condition row (field, operator, value with frequent values), the Form / JSON tabs kept
// in sync, and where a server refusal's path puts its message.
import { ActionIcon, Alert, Autocomplete, Group, Select, Stack, Tabs, TagsInput, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FieldSuggestion } from "../../../../src/journey/fields.js";
import type { Condition, Operator } from "../../../../src/journey/rules.js";
import { ApiError, api } from "../../api/client.js";
import { OPERATORS } from "../../components/StepPicker.js";
import { JsonTextarea, parseJson } from "./parts.js";
import { NS } from "./rule-messages.js";

export interface Fields {
  events: Array<{ type: string; event: string; events: number }>;
  channels: Array<{ channel: string; events: number }>;
  fields: FieldSuggestion[];
}

/** What the pickers suggest; with an event name, its properties (debounced while it is typed). */
export function useFields(type?: string, event?: string) {
  const [name] = useDebouncedValue(event?.trim() ?? "", 400);
  return useQuery({
    queryKey: ["event-fields", type ?? "", name],
    queryFn: ({ signal }) =>
      api<Fields>("/api/events/fields", {
        query: { ...(type ? { type } : {}), ...(name ? { event: name } : {}) },
        signal,
      }),
    staleTime: 60_000,
  });
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const NUMERIC_OPS: readonly Operator[] = ["gt", "gte", "lt", "lte"];
const LIST_OPS: readonly Operator[] = ["in", "not_in"];
const needsValue = (op: Operator) => op !== "exists" && op !== "not_exists";

type Scalar = string | number | boolean;

/** A typed value from what was typed: numbers where the field holds numbers, booleans likewise. */
function typed(text: string, op: Operator, kind: FieldSuggestion["kind"] | undefined): Scalar | undefined {
  const v = text.trim();
  if (v === "") return undefined;
  if (NUMERIC_OPS.includes(op)) return NUMBER.test(v) ? Number(v) : undefined;
  if (op === "contains") return v;
  if (kind === "boolean" && (v === "true" || v === "false")) return v === "true";
  if (kind !== "string" && NUMBER.test(v)) return Number(v);
  return v;
}

const shown = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/** Whether a condition is complete enough to be previewed (the server checks the rest). */
export function conditionComplete(c: Condition): boolean {
  if (!PATH.test(c.property)) return false;
  if (!needsValue(c.op)) return c.value === undefined;
  if (LIST_OPS.includes(c.op)) return Array.isArray(c.value) && c.value.length > 0;
  if (NUMERIC_OPS.includes(c.op)) return typeof c.value === "number";
  return c.value !== undefined && c.value !== "" && !Array.isArray(c.value);
}

/** A field as a rule names it (`prefix` "" for touchpoint properties, which a rule names bare). */
export interface FieldChoice {
  name: string;
  field: FieldSuggestion;
}

/** One condition: field (with suggestions), operator, value (with the field's frequent values). */
export function ConditionRow({
  condition,
  index,
  choices,
  fieldLabel,
  fieldPlaceholder,
  error,
  onChange,
  onRemove,
  testId,
}: {
  condition: { property: string; op: Operator; value?: Condition["value"] };
  index: number;
  /** Suggested fields, grouped by where they are. */
  choices: Array<{ group: string; items: FieldChoice[] }>;
  fieldLabel: string;
  fieldPlaceholder: string;
  /** A server refusal of this row: its message, under the field it names. */
  error?: { field: string; message: string } | undefined;
  onChange: (c: { property: string; op: Operator; value?: Condition["value"] }) => void;
  onRemove: () => void;
  testId: string;
}) {
  const { t } = useTranslation([NS, "stepPicker"]);
  const field = choices.flatMap((g) => g.items).find((f) => f.name === condition.property)?.field;
  const [text, setText] = useState(Array.isArray(condition.value) ? "" : shown(condition.value));
  const suggestions = [...new Set((field?.values ?? []).map((v) => String(v.value)))];
  type Row = typeof condition;
  const withOp = (op: Operator): Row => {
    if (!needsValue(op)) return { property: condition.property, op };
    if (LIST_OPS.includes(op)) {
      const v = condition.value;
      return { property: condition.property, op, value: Array.isArray(v) ? v : v === undefined ? [] : [v] };
    }
    const value = typed(text, op, field?.kind);
    return value === undefined
      ? { property: condition.property, op }
      : { property: condition.property, op, value };
  };
  const errorOf = (name: string) => (error?.field === name ? error.message : undefined);
  return (
    <Group gap="xs" align="start" wrap="wrap" data-testid={testId}>
      <Autocomplete
        label={fieldLabel}
        placeholder={fieldPlaceholder}
        data={choices.map((g) => ({ group: g.group, items: g.items.map((f) => f.name) }))}
        value={condition.property}
        onChange={(property) => onChange({ ...condition, property })}
        limit={60}
        w={220}
        size="xs"
        error={errorOf("property") ?? errorOf("trait")}
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-field`}
      />
      <Select
        label={t("stepPicker:operator")}
        data={OPERATORS.map((op) => ({ value: op, label: t(`stepPicker:ops.${op}`) }))}
        value={condition.op}
        onChange={(op) => op && onChange(withOp(op as Operator))}
        allowDeselect={false}
        w={150}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-op`}
      />
      {needsValue(condition.op) &&
        (LIST_OPS.includes(condition.op) ? (
          <TagsInput
            label={t("values")}
            placeholder={t("valuesPlaceholder")}
            data={suggestions}
            value={(Array.isArray(condition.value) ? condition.value : []).map(String)}
            onChange={(items) =>
              onChange({ ...condition, value: items.map((i) => typed(i, "eq", field?.kind) ?? i) })
            }
            w={240}
            size="xs"
            error={errorOf("value")}
            comboboxProps={{ withinPortal: true }}
            data-testid={`${testId}-values`}
          />
        ) : (
          <Autocomplete
            label={t("value")}
            data={suggestions}
            value={text}
            onChange={(v) => {
              setText(v);
              const value = typed(v, condition.op, field?.kind);
              const out: typeof condition = { property: condition.property, op: condition.op };
              if (value !== undefined) out.value = value;
              onChange(out);
            }}
            w={200}
            size="xs"
            error={errorOf("value")}
            comboboxProps={{ withinPortal: true }}
            data-testid={`${testId}-value`}
          />
        ))}
      <ActionIcon
        variant="subtle"
        color="gray"
        mt={24}
        aria-label={t("removeCondition", { n: index + 1 })}
        onClick={onRemove}
        data-testid={`${testId}-remove`}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** The suggested fields as a rule names them: `prefixes` per column ("" names a property bare). */
export function fieldChoices(
  fields: FieldSuggestion[] | undefined,
  prefixes: Partial<Record<FieldSuggestion["column"], string>>,
  groupLabel: (column: FieldSuggestion["column"]) => string,
): Array<{ group: string; items: FieldChoice[] }> {
  const out: Array<{ group: string; items: FieldChoice[] }> = [];
  for (const column of ["properties", "context", "traits"] as const) {
    const prefix = prefixes[column];
    if (prefix === undefined) continue;
    const items = (fields ?? [])
      .filter((f) => f.column === column)
      .map((field) => ({ name: `${prefix}${field.path}`, field }));
    if (items.length) out.push({ group: groupLabel(column), items });
  }
  return out;
}

/** A server refusal's path (`/match/where/2/value`) as the row and field it names, under `base`. */
export function rowError(
  error: unknown,
  base: string,
): { index: number; field: string; message: string } | undefined {
  if (!(error instanceof ApiError) || !error.path?.startsWith(`${base}/`)) return undefined;
  const [index, field] = error.path.slice(base.length + 1).split("/");
  if (index === undefined || !/^\d+$/.test(index)) return undefined;
  return { index: Number(index), field: field ?? "", message: error.message };
}

/** The message of a refusal whose path is exactly `path` (or under it). */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError) || !error.path) return undefined;
  return error.path === path || error.path.startsWith(`${path}/`) ? error.message : undefined;
}

/**
 * Form and JSON tabs over one value: the JSON text is made from the value when its tab opens, and every
 * edit that parses to an object replaces the value; the form cannot be reopened while the text is not JSON.
 */
export function FormJsonTabs({
  value,
  onChange,
  hint,
  form,
  testId,
}: {
  value: object;
  onChange: (value: Record<string, unknown>) => void;
  hint: string;
  form: ReactNode;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  const [tab, setTab] = useState<"form" | "json">("form");
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const open = (next: string | null) => {
    if (next === "json") {
      setText(JSON.stringify(value, null, 2));
      setProblem(null);
      setTab("json");
    } else if (next === "form") {
      const parsed = parseJson(text);
      if (!parsed.ok) return setProblem(t("json.invalid", { message: parsed.error }));
      setTab("form");
    }
  };
  return (
    <Tabs value={tab} onChange={open} keepMounted={false} data-testid={testId}>
      <Tabs.List>
        <Tabs.Tab value="form" data-testid={`${testId}-form`}>
          {t("tabs.form")}
        </Tabs.Tab>
        <Tabs.Tab value="json" data-testid={`${testId}-json`}>
          {t("tabs.json")}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="form" pt="sm">
        <Stack gap="sm">{form}</Stack>
      </Tabs.Panel>
      <Tabs.Panel value="json" pt="sm">
        <Stack gap="xs">
          <JsonTextarea
            label={t("json.label")}
            description={hint}
            value={text}
            minRows={8}
            maxRows={24}
            error={problem}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setText(next);
              const parsed = parseJson(next);
              if (!parsed.ok) return setProblem(t("json.invalid", { message: parsed.error }));
              if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value))
                return setProblem(t("json.notObject"));
              setProblem(null);
              onChange(parsed.value as Record<string, unknown>);
            }}
            data-testid={`${testId}-text`}
          />
        </Stack>
      </Tabs.Panel>
    </Tabs>
  );
}

/** A note in the form about what only the JSON tab edits. */
export function JsonOnlyNote({ children }: { children: ReactNode }) {
  return (
    <Alert color="gray" variant="light" p="xs">
      <Text size="xs">{children}</Text>
    </Alert>
  );
}
