// An authored lane of one stage (goals, questions, actions or opportunities), edited where it stands:
// click it (or focus it and press Enter) to edit, one item per line; saved with PUT and kept per persona.
import { Button, Group, List, Stack, Text, Textarea } from "@mantine/core";
import { type KeyboardEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState } from "../../components/states.js";
import { type LaneName, useSaveLane } from "./api.js";
import { NS } from "./messages.js";

const MAX_ITEMS = 50;
const MAX_LENGTH = 500;

export function LaneEditor({
  persona,
  stage,
  stageName,
  lane,
  items,
  editable,
}: {
  persona: string;
  stage: string;
  stageName: string;
  lane: LaneName;
  items: string[];
  editable: boolean;
}) {
  const { t } = useTranslation([NS, "common"]);
  const [draft, setDraft] = useState<string | null>(null);
  const save = useSaveLane();
  const testId = `jm-lane-${stage}-${lane}`;
  const label = t("edit.editLane", { lane: t(`lane.${lane}`), stage: stageName });

  const list =
    items.length === 0 ? (
      <Text size="xs" c="dimmed" className="jm-lane-empty">
        {t("edit.empty")}
      </Text>
    ) : (
      <List size="sm" spacing={2}>
        {items.map((item, i) => (
          // Items may repeat; their place is their identity within the lane.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <List.Item key={i}>{item}</List.Item>
        ))}
      </List>
    );

  const startEditing = () => {
    save.reset();
    setDraft(items.join("\n"));
  };

  if (!editable) return <div data-testid={testId}>{list}</div>;
  // A button's content is not read on its own: its name says what it edits and then what it shows.
  const shown = items.length === 0 ? t("edit.empty") : items.join(", ");

  if (draft === null)
    return (
      // biome-ignore lint/a11y/useSemanticElements: the lane holds a list, which a <button> may not contain
      <div
        role="button"
        tabIndex={0}
        className="jm-lane"
        data-testid={testId}
        aria-label={`${label}: ${shown}`}
        title={label}
        onClick={startEditing}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            startEditing();
          }
        }}
      >
        {list}
      </div>
    );

  const next = draft
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const invalid = next.length > MAX_ITEMS || next.some((line) => line.length > MAX_LENGTH);
  const submit = () => {
    if (invalid) return;
    save.mutate({ persona, stage, lane, items: next }, { onSuccess: () => setDraft(null) });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Escape") setDraft(null);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };
  return (
    <Stack gap={4} data-testid={`${testId}-editor`}>
      <Textarea
        label={label}
        description={t("edit.hint")}
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        autosize
        minRows={3}
        maxRows={10}
        size="xs"
        error={invalid ? t("edit.tooMany") : undefined}
        data-autofocus
        autoFocus
        data-testid={`${testId}-input`}
      />
      {save.isError && <ErrorState error={save.error} />}
      <Group gap={4}>
        <Button
          size="compact-xs"
          onClick={submit}
          loading={save.isPending}
          disabled={invalid}
          data-testid={`${testId}-save`}
        >
          {t("common:action.save")}
        </Button>
        <Button size="compact-xs" variant="subtle" onClick={() => setDraft(null)}>
          {t("common:action.cancel")}
        </Button>
      </Group>
    </Stack>
  );
}
