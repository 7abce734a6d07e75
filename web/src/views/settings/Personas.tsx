// Personas: by priority, with how many customers each has and its story; add, edit (conditions and
// narrative) and remove through a form.
import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  List,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Persona, PersonaCondition } from "../../../../src/journey/personas.js";
import { api } from "../../api/client.js";
import { usePersonas } from "../../api/shared.js";
import { useCan } from "../../app/auth.js";
import { ReadOnlyNote } from "../../app/NoAccess.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import { EditRemoveActions, FormModal, NameInput, TabHeader } from "./parts.js";
import { PersonaConditions, personaConditionComplete } from "./persona-conditions.js";
import { FormJsonTabs, rowError } from "./rule-editor.js";
import { NS as RULES_NS } from "./rule-messages.js";
import { PersonaPreviewPanel } from "./rule-preview.js";

export function Personas() {
  const { t } = useTranslation([NS, "common"]);
  // Reading needs analytics.read; adding, editing and removing need journey.edit.
  const canEdit = useCan()("journey.edit");
  const format = useFormat();
  const client = useQueryClient();
  const personas = usePersonas();
  const [editing, setEditing] = useState<Persona | "new" | null>(null);
  const remove = async (id: string) => {
    await api(`/api/personas/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: ["personas"] });
  };

  return (
    <Stack gap="md" data-testid="settings-personas">
      <TabHeader
        intro={t("personas.intro")}
        action={
          canEdit ? (
            <Button
              leftSection={<IconPlus size={16} />}
              onClick={() => setEditing("new")}
              data-testid="persona-add"
            >
              {t("personas.add")}
            </Button>
          ) : null
        }
      />
      {!canEdit && <ReadOnlyNote />}
      <QueryState query={personas}>
        {(data) => (
          <>
            <Text size="sm" c="dimmed">
              {t("personas.unassigned", { n: format.number(data.unassigned) })}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }}>
              {data.items.map((p) => (
                <Card key={p.id} withBorder data-testid="persona-card" data-id={p.id}>
                  <Stack gap="xs">
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <div>
                        <Text fw={600}>{p.name}</Text>
                        <Group gap={6}>
                          <Badge variant="light" data-testid="persona-count">
                            {t("personas.customers", { n: format.number(p.customers) })}
                          </Badge>
                          <Text size="xs" c="dimmed">
                            {t("personas.priority", { n: p.priority })}
                          </Text>
                        </Group>
                      </div>
                      {canEdit && (
                        <Group gap={2} wrap="nowrap">
                          <EditRemoveActions
                            name={p.name}
                            onEdit={() => setEditing(p)}
                            onRemove={() => remove(p.id)}
                            removeTitle={t("personas.removeTitle", { name: p.name })}
                            removeBody={t("personas.removeBody")}
                            testIdPrefix="persona"
                          />
                        </Group>
                      )}
                    </Group>
                    {p.narrative.summary && (
                      <Text size="sm" data-testid="persona-summary">
                        {p.narrative.summary}
                      </Text>
                    )}
                    {p.narrative.quote && (
                      <Text size="sm" fs="italic" c="dimmed">
                        “{p.narrative.quote}”
                      </Text>
                    )}
                    {LISTS.map((list) => (
                      <NarrativeList
                        key={list}
                        title={t(`personas.${list}Title`)}
                        items={p.narrative[list]}
                      />
                    ))}
                    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: "break-word" }}>
                      {p.match === "all" ? t("personas.matchAll") : t("personas.matchAny")}:{" "}
                      <Code fz="xs">{p.conditions.map((c) => JSON.stringify(c)).join(", ")}</Code>
                    </Text>
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          </>
        )}
      </QueryState>
      {editing && (
        <PersonaForm persona={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

function NarrativeList({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <Text size="xs" fw={600} c="dimmed">
        {title}
      </Text>
      <List size="sm" spacing={0}>
        {items.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
    </div>
  );
}

/** The narrative's lists, shown on a card and edited one item a line. */
const LISTS = ["goals", "needs", "frustrations"] as const;
type ListName = (typeof LISTS)[number];

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function PersonaForm({ persona, onClose }: { persona: Persona | null; onClose: () => void }) {
  const { t } = useTranslation([NS, "common", RULES_NS]);
  const client = useQueryClient();
  const [name, setName] = useState(persona?.name ?? "");
  // The rules being edited: the form and the JSON tab both read and write them.
  const [rules, setRules] = useState<Record<string, unknown>>(() => ({
    match: persona?.match ?? "all",
    conditions: persona?.conditions ?? [{ measure: "orders", op: "gte", value: 1 }],
  }));
  const [previewError, setPreviewError] = useState<unknown>(null);
  const conditions = Array.isArray(rules.conditions) ? (rules.conditions as PersonaCondition[]) : [];
  const match = rules.match === "any" ? "any" : "all";
  const previewDraft =
    conditions.length > 0 && conditions.every(personaConditionComplete)
      ? { match, conditions, ...(persona ? { replaces: persona.id } : {}) }
      : null;
  const [summary, setSummary] = useState(persona?.narrative.summary ?? "");
  const [lists, setLists] = useState(
    () =>
      Object.fromEntries(LISTS.map((l) => [l, persona?.narrative[l].join("\n") ?? ""])) as Record<
        ListName,
        string
      >,
  );
  const [quote, setQuote] = useState(persona?.narrative.quote ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      persona
        ? api<Persona>(`/api/personas/${encodeURIComponent(persona.id)}`, { method: "PATCH", body })
        : api<Persona>("/api/personas", { method: "POST", body }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["personas"] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (name.trim() === "") problems.name = t("common.required");
    if (conditions.length === 0) problems.conditions = t("personas.conditionsEmpty");
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    save.mutate({
      name: name.trim(),
      match: rules.match,
      conditions: rules.conditions,
      narrative: {
        ...(summary.trim() ? { summary: summary.trim() } : {}),
        goals: lines(lists.goals),
        needs: lines(lists.needs),
        frustrations: lines(lists.frustrations),
        ...(quote.trim() ? { quote: quote.trim() } : {}),
      },
    });
  };
  return (
    <FormModal
      title={persona ? t("personas.edit") : t("personas.add")}
      size="lg"
      testId="persona-form"
      onSubmit={submit}
      onClose={onClose}
      mutation={save}
      submitLabel={t("common:action.save")}
      submitTestId="persona-save"
    >
      <NameInput value={name} onChange={setName} error={errors.name} maxLength={80} testId="persona-name" />
      <FormJsonTabs
        value={rules}
        onChange={setRules}
        hint={t(`${RULES_NS}:json.personaHint`)}
        testId="persona-editor"
        form={
          <PersonaConditions
            match={match}
            conditions={conditions}
            onChange={(next) => setRules({ ...rules, ...next })}
            error={errors.conditions}
            refused={rowError(save.error ?? previewError, "/conditions")}
          />
        }
      />
      <PersonaPreviewPanel draft={previewDraft} onError={setPreviewError} />
      <Textarea
        label={t("personas.summary")}
        value={summary}
        onChange={(e) => setSummary(e.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={2000}
        data-testid="persona-summary-input"
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {LISTS.map((l) => (
          <Textarea
            key={l}
            label={t(`personas.${l}`)}
            value={lists[l]}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setLists((now) => ({ ...now, [l]: value }));
            }}
            autosize
            minRows={3}
          />
        ))}
      </SimpleGrid>
      <TextInput
        label={t("personas.quote")}
        value={quote}
        onChange={(e) => setQuote(e.currentTarget.value)}
        maxLength={500}
      />
    </FormModal>
  );
}
