// The funnel builder: steps (add, remove, reorder, filter), window, order, exclusions and breakdown.
// It edits a draft; "Show funnel" puts the draft in the URL, which is what the results read.
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Button,
  Divider,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
} from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { StepEditor, stepOf, useEventProperties } from "../../components/StepPicker.js";
import { useFormat } from "../../i18n/format.js";
import {
  clampExclusions,
  type DraftExclusion,
  type DraftStep,
  emptyStep,
  type FunnelDraft,
  type FunnelOrder,
  ORDERS,
  WINDOWS,
} from "./definition.js";
import { NS } from "./messages.js";

const MAX_STEPS = 30;
const MAX_EXCLUSIONS = 10;

/** "14d" in the reader's words ("14 days", "14일"). */
export function useWindowLabel(): (w: string) => string {
  const format = useFormat();
  return (w) => {
    const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(w.trim());
    if (!m) return w;
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "s"];
    return format.duration(Number(m[1]) * unit);
  };
}

export function WindowSelect({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (w: string) => void;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  const windowLabel = useWindowLabel();
  const options = (WINDOWS as readonly string[]).includes(value) ? WINDOWS : [value, ...WINDOWS];
  return (
    <Select
      label={t("builder.window")}
      data={options.map((w) => ({ value: w, label: windowLabel(w) }))}
      value={value}
      onChange={(w) => w && onChange(w)}
      allowDeselect={false}
      w={160}
      comboboxProps={{ withinPortal: true }}
      data-testid={testId}
    />
  );
}

export function FunnelBuilder({
  draft,
  onChange,
  onApply,
  onReset,
  dirty,
  invalid,
}: {
  draft: FunnelDraft;
  onChange: (draft: FunnelDraft) => void;
  onApply: () => void;
  onReset: () => void;
  dirty: boolean;
  /** A message key saying why the draft cannot run, or null. */
  invalid: string | null;
}) {
  const { t } = useTranslation(NS);
  const n = draft.steps.length;
  const first = stepOf(draft.steps[0] ?? emptyStep());
  // Suggestions for the breakdown, fetched once someone goes to the field (or a link filled it).
  const [breakdownWanted, setBreakdownWanted] = useState(false);
  const firstProps = useEventProperties(
    first?.event === undefined ? {} : { event: first.event, type: first.type },
    breakdownWanted || draft.breakdown !== "",
  );

  const setSteps = (steps: DraftStep[]) =>
    onChange({ ...draft, steps, exclusions: clampExclusions(draft.exclusions, steps.length) });
  const move = (i: number, by: -1 | 1) => {
    const steps = [...draft.steps];
    const [step] = steps.splice(i, 1);
    if (step) steps.splice(i + by, 0, step);
    setSteps(steps);
  };
  const setExclusion = (i: number, x: DraftExclusion) =>
    onChange({ ...draft, exclusions: draft.exclusions.map((e, j) => (j === i ? x : e)) });
  const stepOptions = draft.steps.map((_, i) => ({
    value: String(i),
    label: t("builder.step", { n: i + 1 }),
  }));

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={t("builder.label")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) onApply();
        }}
      >
        <Stack gap="md">
          <Text fw={600}>{t("builder.steps")}</Text>
          <Stack gap="sm" data-testid="funnel-steps">
            {draft.steps.map((step, i) => (
              <StepEditor
                key={step.id}
                value={step}
                label={t("builder.step", { n: i + 1 })}
                testId={`funnel-step-${i}`}
                onChange={(s) => setSteps(draft.steps.map((x, j) => (j === i ? s : x)))}
                actions={
                  <Group gap={2} wrap="nowrap" mb={4}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={i === 0}
                      aria-label={t("builder.moveUp", { n: i + 1 })}
                      onClick={() => move(i, -1)}
                      data-testid={`funnel-step-${i}-up`}
                    >
                      <IconArrowUp size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={i === n - 1}
                      aria-label={t("builder.moveDown", { n: i + 1 })}
                      onClick={() => move(i, 1)}
                      data-testid={`funnel-step-${i}-down`}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      disabled={n <= 2}
                      aria-label={t("builder.removeStep", { n: i + 1 })}
                      onClick={() => setSteps(draft.steps.filter((_, j) => j !== i))}
                      data-testid={`funnel-step-${i}-remove`}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                }
              />
            ))}
          </Stack>
          <Group>
            <Button
              variant="light"
              leftSection={<IconPlus size={16} />}
              disabled={n >= MAX_STEPS}
              onClick={() => setSteps([...draft.steps, emptyStep()])}
              data-testid="funnel-add-step"
            >
              {t("builder.addStep")}
            </Button>
          </Group>

          <Divider />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Group gap="md" align="start" wrap="wrap">
              <WindowSelect
                value={draft.window}
                onChange={(window) => onChange({ ...draft, window })}
                testId="funnel-window"
              />
              <Stack gap={4}>
                <Text size="sm" fw={600} id="funnel-order-label">
                  {t("builder.order")}
                </Text>
                <SegmentedControl
                  aria-labelledby="funnel-order-label"
                  data={ORDERS.map((o) => ({ value: o, label: t(`builder.orders.${o}`) }))}
                  value={draft.order}
                  onChange={(order) => onChange({ ...draft, order: order as FunnelOrder })}
                  data-testid="funnel-order"
                />
                <Text size="xs" c="dimmed">
                  {t(`builder.ordersHelp.${draft.order}`)}
                </Text>
              </Stack>
            </Group>
            <Autocomplete
              label={t("builder.breakdown")}
              description={
                draft.order === "unordered" ? t("builder.breakdownUnordered") : t("builder.breakdownHelp")
              }
              data={(firstProps.data?.items ?? []).map((p) => p.property)}
              value={draft.breakdown}
              onChange={(breakdown) => onChange({ ...draft, breakdown })}
              onFocus={() => setBreakdownWanted(true)}
              disabled={draft.order === "unordered"}
              comboboxProps={{ withinPortal: true }}
              data-testid="funnel-breakdown"
            />
          </SimpleGrid>

          <Divider />
          <Stack gap="xs">
            <Text fw={600}>{t("builder.exclusions")}</Text>
            <Text size="xs" c="dimmed">
              {t("builder.exclusionsHelp")}
            </Text>
            {draft.exclusions.map((x, i) => (
              <Stack key={x.id} gap={4}>
                <StepEditor
                  value={x}
                  label={t("builder.exclusion", { n: i + 1 })}
                  testId={`funnel-exclusion-${i}`}
                  onChange={(s) => setExclusion(i, { ...x, ...s })}
                  actions={
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mb={4}
                      aria-label={t("builder.removeExclusion", { n: i + 1 })}
                      onClick={() =>
                        onChange({ ...draft, exclusions: draft.exclusions.filter((_, j) => j !== i) })
                      }
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  }
                />
                <Group gap="xs" pl="md">
                  <Select
                    label={t("builder.after")}
                    size="xs"
                    w={140}
                    data={stepOptions.slice(0, -1)}
                    value={String(x.between[0])}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    onChange={(v) => {
                      const a = Number(v);
                      setExclusion(i, { ...x, between: [a, Math.max(a + 1, x.between[1])] });
                    }}
                  />
                  <Select
                    label={t("builder.before")}
                    size="xs"
                    w={140}
                    data={stepOptions.slice(x.between[0] + 1)}
                    value={String(x.between[1])}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    onChange={(v) => setExclusion(i, { ...x, between: [x.between[0], Number(v)] })}
                  />
                </Group>
              </Stack>
            ))}
            <Group>
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconPlus size={14} />}
                disabled={draft.exclusions.length >= MAX_EXCLUSIONS || n < 2}
                onClick={() =>
                  onChange({
                    ...draft,
                    exclusions: [...draft.exclusions, { ...emptyStep(), between: [0, n - 1] }],
                  })
                }
                data-testid="funnel-add-exclusion"
              >
                {t("builder.addExclusion")}
              </Button>
            </Group>
          </Stack>

          {invalid && (
            <Alert color="yellow" variant="light" data-testid="funnel-invalid">
              {t(invalid)}
            </Alert>
          )}
          <Group justify="space-between">
            <Button variant="subtle" color="gray" onClick={onReset} data-testid="funnel-reset">
              {t("builder.reset")}
            </Button>
            <Group gap="sm">
              {dirty && !invalid && (
                <Text size="sm" c="dimmed" data-testid="funnel-pending">
                  {t("builder.pending")}
                </Text>
              )}
              <Button type="submit" disabled={Boolean(invalid) || !dirty} data-testid="funnel-apply">
                {t("builder.apply")}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
