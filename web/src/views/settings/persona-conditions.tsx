// A persona's conditions as rows: each on a trait (field, operator, value), a behaviour measure, events
// on channels (count or share), a touchpoint's or an event's count; all or any of them must hold.
import {
  ActionIcon,
  Autocomplete,
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
} from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Measure, PersonaCondition } from "../../../../src/journey/personas.js";
import type { Condition, Operator } from "../../../../src/journey/rules.js";
import type { Touchpoint } from "../../../../src/journey/touchpoints.js";
import { api } from "../../api/client.js";
import { NS as PERSONAS_NS } from "./messages.js";
import { ConditionRow, conditionComplete, fieldChoices, useFields } from "./rule-editor.js";
import { NS } from "./rule-messages.js";

// The server's lists (a value import would bring server code into the page); the types keep them in step.
const MEASURES: Measure[] = [
  "events",
  "active_days",
  "orders",
  "spend",
  "channels_used",
  "days_since_first_seen",
  "days_since_last_seen",
  "days_since_last_order",
];
const NUMBER_OPS: Operator[] = ["eq", "neq", "gt", "gte", "lt", "lte"];
type Kind = "trait" | "measure" | "channels" | "touchpoint" | "event";
const KINDS: Kind[] = ["trait", "measure", "channels", "touchpoint", "event"];

const kindOf = (c: PersonaCondition): Kind =>
  "trait" in c
    ? "trait"
    : "measure" in c
      ? "measure"
      : "channels" in c
        ? "channels"
        : "touchpoint" in c
          ? "touchpoint"
          : "event";

function fresh(kind: Kind): PersonaCondition {
  switch (kind) {
    case "trait":
      return { trait: "", op: "eq" };
    case "measure":
      return { measure: "orders", op: "gte", value: 1 };
    case "channels":
      return { channels: [], op: "gte", value: 1 };
    case "touchpoint":
      return { touchpoint: "", op: "gte", value: 1 };
    case "event":
      return { event: "", op: "gte", value: 1 };
  }
}

/** Whether a condition is complete enough to be previewed (the server checks the rest). */
export function personaConditionComplete(c: PersonaCondition): boolean {
  if ("trait" in c) return conditionComplete({ property: c.trait, op: c.op, value: c.value } as Condition);
  if (typeof c.value !== "number" || Number.isNaN(c.value)) return false;
  if ("channels" in c) return c.channels.length > 0;
  if ("touchpoint" in c) return c.touchpoint !== "";
  if ("event" in c) return c.event.trim() !== "";
  return true;
}

export function PersonaConditions({
  match,
  conditions,
  onChange,
  error,
  refused,
}: {
  match: "all" | "any";
  conditions: PersonaCondition[];
  onChange: (next: { match?: "all" | "any"; conditions?: PersonaCondition[] }) => void;
  error: string | undefined;
  /** A server refusal of one row (its path named it). */
  refused: { index: number; field: string; message: string } | undefined;
}) {
  const { t } = useTranslation([NS, PERSONAS_NS, "stepPicker"]);
  const fields = useFields();
  const touchpoints = useQuery({
    queryKey: ["touchpoints"],
    queryFn: ({ signal }) => api<{ items: Touchpoint[] }>("/api/touchpoints", { signal }),
  });
  const traitChoices = fieldChoices(fields.data?.fields, { traits: "" }, (c) => t(`groups.${c}`));
  const setRow = (i: number, next: PersonaCondition) =>
    onChange({ conditions: conditions.map((c, j) => (j === i ? next : c)) });
  const numberOp = (c: PersonaCondition & { op: string }, i: number) => (
    <Select
      label={t("stepPicker:operator")}
      data={NUMBER_OPS.map((op) => ({ value: op, label: t(`stepPicker:ops.${op}`) }))}
      value={c.op}
      onChange={(op) => op && setRow(i, { ...c, op } as PersonaCondition)}
      allowDeselect={false}
      w={140}
      size="xs"
      comboboxProps={{ withinPortal: true }}
      data-testid={`persona-condition-${i}-op`}
    />
  );
  const numberValue = (c: PersonaCondition & { value?: unknown }, i: number) => (
    <NumberInput
      label={t("persona.number")}
      value={typeof c.value === "number" ? c.value : ""}
      onChange={(v) => setRow(i, { ...c, value: typeof v === "number" ? v : Number.NaN } as PersonaCondition)}
      w={110}
      size="xs"
      error={refused?.index === i && refused.field === "value" ? refused.message : undefined}
      data-testid={`persona-condition-${i}-number`}
    />
  );
  return (
    <Stack gap={6} data-testid="persona-conditions">
      <div>
        <Text size="sm" fw={500} id="persona-match">
          {t(`${PERSONAS_NS}:personas.match`)}
        </Text>
        <SegmentedControl
          aria-labelledby="persona-match"
          value={match}
          onChange={(v) => onChange({ match: v as "all" | "any" })}
          data={[
            { value: "all", label: t(`${PERSONAS_NS}:personas.matchAll`) },
            { value: "any", label: t(`${PERSONAS_NS}:personas.matchAny`) },
          ]}
        />
      </div>
      {conditions.map((c, i) => {
        const kind = kindOf(c);
        const testId = `persona-condition-${i}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
          <Group key={`${i}-${kind}`} gap="xs" align="start" wrap="wrap" data-testid={testId}>
            <Select
              label={t("persona.kind")}
              data={KINDS.map((k) => ({ value: k, label: t(`persona.kinds.${k}`) }))}
              value={kind}
              onChange={(k) => k && k !== kind && setRow(i, fresh(k as Kind))}
              allowDeselect={false}
              w={160}
              size="xs"
              comboboxProps={{ withinPortal: true }}
              data-testid={`${testId}-kind`}
            />
            {"trait" in c && (
              <ConditionRow
                condition={{
                  property: c.trait,
                  op: c.op,
                  ...(c.value === undefined ? {} : { value: c.value }),
                }}
                index={i}
                choices={traitChoices}
                fieldLabel={t("persona.trait")}
                fieldPlaceholder={t("persona.traitPlaceholder")}
                error={refused?.index === i ? refused : undefined}
                onChange={(next) =>
                  setRow(i, {
                    trait: next.property,
                    op: next.op,
                    ...(next.value === undefined ? {} : { value: next.value }),
                  })
                }
                onRemove={() => onChange({ conditions: conditions.filter((_, j) => j !== i) })}
                testId={`${testId}-trait`}
              />
            )}
            {"measure" in c && (
              <>
                <Select
                  label={t("persona.measure")}
                  data={MEASURES.map((m) => ({ value: m, label: t(`persona.measures.${m}`) }))}
                  value={c.measure}
                  onChange={(m) => m && setRow(i, { ...c, measure: m as Measure })}
                  allowDeselect={false}
                  w={200}
                  size="xs"
                  comboboxProps={{ withinPortal: true }}
                  data-testid={`${testId}-measure`}
                />
                {numberOp(c, i)}
                {numberValue(c, i)}
              </>
            )}
            {"channels" in c && (
              <>
                <Stack gap={4}>
                  <TagsInput
                    label={t("persona.channels")}
                    data={(fields.data?.channels ?? []).map((x) => x.channel)}
                    value={c.channels}
                    onChange={(channels) => setRow(i, { ...c, channels })}
                    w={220}
                    size="xs"
                    comboboxProps={{ withinPortal: true }}
                    data-testid={`${testId}-channels`}
                  />
                  <Checkbox
                    size="xs"
                    label={t("persona.share")}
                    checked={c.share === true}
                    onChange={(e) => {
                      const { share: _share, ...rest } = c;
                      setRow(i, e.currentTarget.checked ? { ...rest, share: true } : rest);
                    }}
                  />
                </Stack>
                {numberOp(c, i)}
                {numberValue(c, i)}
              </>
            )}
            {"touchpoint" in c && (
              <>
                <Select
                  label={t("persona.touchpoint")}
                  data={(touchpoints.data?.items ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
                  value={c.touchpoint || null}
                  onChange={(id) => id && setRow(i, { ...c, touchpoint: id })}
                  searchable
                  w={220}
                  size="xs"
                  comboboxProps={{ withinPortal: true }}
                  data-testid={`${testId}-touchpoint`}
                />
                {numberOp(c, i)}
                {numberValue(c, i)}
              </>
            )}
            {"event" in c && (
              <>
                <Autocomplete
                  label={t("persona.event")}
                  data={[
                    ...new Set(
                      (fields.data?.events ?? []).filter((e) => e.type === "track").map((e) => e.event),
                    ),
                  ]}
                  value={c.event}
                  onChange={(event) => setRow(i, { ...c, event })}
                  limit={50}
                  w={220}
                  size="xs"
                  comboboxProps={{ withinPortal: true }}
                  data-testid={`${testId}-event`}
                />
                {numberOp(c, i)}
                {numberValue(c, i)}
              </>
            )}
            {!("trait" in c) && (
              <ActionIcon
                variant="subtle"
                color="gray"
                mt={24}
                aria-label={t("removeCondition", { n: i + 1 })}
                onClick={() => onChange({ conditions: conditions.filter((_, j) => j !== i) })}
                data-testid={`${testId}-remove`}
              >
                <IconTrash size={16} />
              </ActionIcon>
            )}
          </Group>
        );
      })}
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
      <Group>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange({ conditions: [...conditions, fresh("trait")] })}
          disabled={conditions.length >= 30}
          data-testid="persona-condition-add"
        >
          {t("addCondition")}
        </Button>
      </Group>
    </Stack>
  );
}
