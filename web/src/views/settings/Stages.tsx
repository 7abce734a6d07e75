// The journey model's stages: names and order, descriptions, lapsing and the windows analyses use; the
// whole model is saved at once (PUT), and stage history is recomputed from the events.
import {
  Alert,
  Button,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { JourneyModel } from "../../../../src/journey/model.js";
import { api } from "../../api/client.js";
import { useCan } from "../../app/auth.js";
import { ReadOnlyNote } from "../../app/NoAccess.js";
import { QueryState } from "../../components/states.js";
import { NS } from "./messages.js";
import { ActionError, IconAction, ListTable } from "./parts.js";
import { useJourneyModel } from "./Touchpoints.js";

const KEY = /^[a-z][a-z0-9_-]{0,39}$/;

/** The windows analyses use, in days, with the server's upper bounds. */
const WINDOWS = [
  { key: "conversionDays", max: 365 },
  { key: "satisfactionDays", max: 90 },
  { key: "repeatContactDays", max: 90 },
] as const;

export function Stages() {
  const model = useJourneyModel();
  // Outside the form: saving replaces the form (fresh from the saved model) and the notice must stay.
  const [done, setDone] = useState(false);
  return (
    <QueryState query={model}>
      {(m) => <StagesForm key={JSON.stringify(m)} saved={m} done={done} setDone={setDone} />}
    </QueryState>
  );
}

function StagesForm({
  saved,
  done,
  setDone,
}: {
  saved: JourneyModel;
  done: boolean;
  setDone: (done: boolean) => void;
}) {
  const { t } = useTranslation([NS, "common"]);
  const client = useQueryClient();
  // Reading needs analytics.read; saving (PUT /api/journey-model) needs journey.edit.
  const canEdit = useCan()("journey.edit");
  const [m, setM] = useState<JourneyModel>(saved);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: JourneyModel) => api<JourneyModel>("/api/journey-model", { method: "PUT", body }),
    onSuccess: (next) => {
      client.setQueryData(["journey-model"], next);
      setDone(true);
    },
  });
  const stages = m.stages;
  const setStage = (i: number, change: Partial<JourneyModel["stages"][number]>) => {
    setDone(false);
    setM({ ...m, stages: stages.map((s, j) => (j === i ? { ...s, ...change } : s)) });
  };
  const move = (i: number, by: number) => {
    const next = [...stages];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    setDone(false);
    setM({ ...m, stages: next });
  };
  const remove = (i: number) => {
    const next = stages.filter((_, j) => j !== i);
    setDone(false);
    setM({
      ...m,
      stages: next,
      lapse:
        m.lapse && next.some((s) => s.key === m.lapse!.to)
          ? m.lapse
          : m.lapse
            ? { ...m.lapse, to: next[0]?.key ?? "" }
            : null,
    });
  };
  const add = () => {
    let n = stages.length + 1;
    while (stages.some((s) => s.key === `stage-${n}`)) n++;
    setDone(false);
    setM({ ...m, stages: [...stages, { key: `stage-${n}`, name: `Stage ${n}`, entry: [] }] });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (stages.length < 2 || stages.length > 12) return setProblem(t("stages.tooFew"));
    const seen = new Set<string>();
    for (const s of stages) {
      if (!KEY.test(s.key)) return setProblem(t("stages.badKey", { key: s.key }));
      if (seen.has(s.key)) return setProblem(t("stages.duplicateKey", { key: s.key }));
      if (s.name.trim() === "") return setProblem(`${s.key}: ${t("common.required")}`);
      seen.add(s.key);
    }
    save.mutate({ ...m, stages: stages.map((s) => ({ ...s, name: s.name.trim() })) });
  };
  const originalKeys = new Set(saved.stages.map((s) => s.key));

  return (
    <form onSubmit={submit} noValidate data-testid="settings-stages">
      {/* A disabled fieldset turns every field and button in it read-only at once. */}
      <fieldset disabled={!canEdit} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
        <Stack gap="md">
          <Text size="sm" c="dimmed" maw={720}>
            {t("stages.intro")}
          </Text>
          {!canEdit && <ReadOnlyNote />}
          <ListTable
            minWidth={720}
            headers={[
              { label: "#", width: 40 },
              t("stages.key"),
              t("common.name"),
              t("stages.description"),
              t("stages.entryRules"),
              t("common.actions"),
            ]}
          >
            {stages.map((s, i) => (
              <Table.Tr key={originalKeys.has(s.key) ? s.key : `new-${i}`} data-testid="stage-row">
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  {originalKeys.has(s.key) ? (
                    <Text size="sm" ff="monospace">
                      {s.key}
                    </Text>
                  ) : (
                    <TextInput
                      aria-label={t("stages.key")}
                      description={t("stages.keyHint")}
                      value={s.key}
                      onChange={(e) => setStage(i, { key: e.currentTarget.value })}
                      error={KEY.test(s.key) ? undefined : t("stages.badKey", { key: s.key })}
                      size="xs"
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t("common.name")} ${i + 1}`}
                    value={s.name}
                    onChange={(e) => setStage(i, { name: e.currentTarget.value })}
                    maxLength={80}
                    size="xs"
                    data-testid="stage-name"
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t("stages.description")} ${i + 1}`}
                    value={s.description ?? ""}
                    onChange={(e) => setStage(i, { description: e.currentTarget.value || undefined })}
                    maxLength={1000}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td>{s.entry.length}</Table.Td>
                <Table.Td>
                  <Group gap={2} wrap="nowrap">
                    <IconAction
                      label={t("common.moveUp", { name: s.name })}
                      icon={<IconArrowUp size={16} />}
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                    />
                    <IconAction
                      label={t("common.moveDown", { name: s.name })}
                      icon={<IconArrowDown size={16} />}
                      disabled={i === stages.length - 1}
                      onClick={() => move(i, 1)}
                    />
                    <IconAction
                      label={t("common.removeItem", { name: s.name })}
                      icon={<IconTrash size={16} />}
                      color="red"
                      disabled={stages.length <= 2}
                      onClick={() => remove(i)}
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
          <Group display={canEdit ? undefined : "none"}>
            <Button
              variant="light"
              leftSection={<IconPlus size={16} />}
              onClick={add}
              disabled={stages.length >= 12}
            >
              {t("stages.add")}
            </Button>
          </Group>
          <Title order={3} size="h4">
            {t("stages.lapse")}
          </Title>
          <Switch
            label={t("stages.lapseOn")}
            checked={m.lapse !== null}
            onChange={(e) => {
              setDone(false);
              setM({
                ...m,
                lapse: e.currentTarget.checked ? { afterDays: 45, to: stages[0]?.key ?? "" } : null,
              });
            }}
            data-testid="lapse-switch"
          />
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {m.lapse && (
              <>
                <NumberInput
                  label={t("stages.afterDays")}
                  value={m.lapse.afterDays}
                  min={1}
                  max={3650}
                  allowDecimal={false}
                  onChange={(v) => {
                    setDone(false);
                    setM({ ...m, lapse: { ...m.lapse!, afterDays: Number(v) || 1 } });
                  }}
                  data-testid="lapse-days"
                />
                <Select
                  label={t("stages.lapseTo")}
                  data={stages.map((s) => ({ value: s.key, label: s.name }))}
                  value={m.lapse.to}
                  allowDeselect={false}
                  onChange={(v) => {
                    if (!v) return;
                    setDone(false);
                    setM({ ...m, lapse: { ...m.lapse!, to: v } });
                  }}
                />
              </>
            )}
            {WINDOWS.map(({ key, max }) => (
              <NumberInput
                key={key}
                label={t(`stages.${key}`)}
                value={m[key]}
                min={1}
                max={max}
                allowDecimal={false}
                onChange={(v) => setM({ ...m, [key]: Number(v) || 1 })}
              />
            ))}
          </SimpleGrid>
          {problem && (
            <Alert color="red" role="alert" data-testid="action-error">
              {problem}
            </Alert>
          )}
          <ActionError error={save.error} />
          {done && (
            <Alert color="teal" data-testid="stages-saved">
              {t("stages.saved")}
            </Alert>
          )}
          <Group justify="flex-end" display={canEdit ? undefined : "none"}>
            <Button variant="default" onClick={() => setM(saved)}>
              {t("stages.reset")}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="stages-save">
              {t("common:action.save")}
            </Button>
          </Group>
        </Stack>
      </fieldset>
    </form>
  );
}
