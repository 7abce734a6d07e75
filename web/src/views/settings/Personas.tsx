// Personas: by priority, with how many customers each has and its story; add, edit (conditions and
// narrative) and remove through a form.
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Persona } from "../../../../src/journey/personas.js";
import { api } from "../../api/client.js";
import { usePersonas } from "../../api/shared.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import { ActionError, ConfirmButton, parseJson } from "./parts.js";

export function Personas() {
  const { t } = useTranslation([NS, "common"]);
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
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>
          {t("personas.intro")}
        </Text>
        <Button
          leftSection={<IconPlus size={16} />}
          onClick={() => setEditing("new")}
          data-testid="persona-add"
        >
          {t("personas.add")}
        </Button>
      </Group>
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
                      <Group gap={2} wrap="nowrap">
                        <Tooltip label={t("common.editItem", { name: p.name })}>
                          <ActionIcon
                            variant="subtle"
                            onClick={() => setEditing(p)}
                            aria-label={t("common.editItem", { name: p.name })}
                            data-testid="persona-edit"
                          >
                            <IconPencil size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <ConfirmButton
                          label={t("common:action.delete")}
                          ariaLabel={t("common.removeItem", { name: p.name })}
                          icon={<IconTrash size={16} />}
                          title={t("personas.removeTitle", { name: p.name })}
                          body={t("personas.removeBody")}
                          onConfirm={() => remove(p.id)}
                          testId="persona-remove"
                        />
                      </Group>
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
                    <NarrativeList title={t("personas.goalsTitle")} items={p.narrative.goals} />
                    <NarrativeList title={t("personas.needsTitle")} items={p.narrative.needs} />
                    <NarrativeList title={t("personas.frustrationsTitle")} items={p.narrative.frustrations} />
                    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: "break-word" }}>
                      {p.match === "all" ? t("personas.matchAll") : t("personas.matchAny")}:{" "}
                      {p.conditions.map((c) => JSON.stringify(c)).join(", ")}
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

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function PersonaForm({ persona, onClose }: { persona: Persona | null; onClose: () => void }) {
  const { t } = useTranslation([NS, "common"]);
  const client = useQueryClient();
  const [name, setName] = useState(persona?.name ?? "");
  const [match, setMatch] = useState<"all" | "any">(persona?.match ?? "all");
  const [conditions, setConditions] = useState(
    persona
      ? JSON.stringify(persona.conditions, null, 1)
      : '[{"measure": "orders", "op": "gte", "value": 1}]',
  );
  const [summary, setSummary] = useState(persona?.narrative.summary ?? "");
  const [goals, setGoals] = useState(persona?.narrative.goals.join("\n") ?? "");
  const [needs, setNeeds] = useState(persona?.narrative.needs.join("\n") ?? "");
  const [frustrations, setFrustrations] = useState(persona?.narrative.frustrations.join("\n") ?? "");
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
    const parsed = parseJson(conditions);
    if (!parsed.ok) problems.conditions = t("common.invalidJson", { message: parsed.error });
    else if (!Array.isArray(parsed.value) || parsed.value.length === 0)
      problems.conditions = t("personas.conditionsEmpty");
    setErrors(problems);
    if (Object.keys(problems).length > 0 || !parsed.ok) return;
    save.mutate({
      name: name.trim(),
      match,
      conditions: parsed.value,
      narrative: {
        ...(summary.trim() ? { summary: summary.trim() } : {}),
        goals: lines(goals),
        needs: lines(needs),
        frustrations: lines(frustrations),
        ...(quote.trim() ? { quote: quote.trim() } : {}),
      },
    });
  };
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={<Text fw={600}>{persona ? t("personas.edit") : t("personas.add")}</Text>}
      closeButtonProps={{ "aria-label": t("common:action.close") }}
    >
      <form onSubmit={submit} noValidate data-testid="persona-form">
        <Stack gap="sm">
          <TextInput
            label={t("common.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={80}
            required
            error={errors.name}
            data-testid="persona-name"
          />
          <div>
            <Text size="sm" fw={500} id="persona-match">
              {t("personas.match")}
            </Text>
            <SegmentedControl
              aria-labelledby="persona-match"
              value={match}
              onChange={(v) => setMatch(v as "all" | "any")}
              data={[
                { value: "all", label: t("personas.matchAll") },
                { value: "any", label: t("personas.matchAny") },
              ]}
            />
          </div>
          <Textarea
            label={t("personas.conditions")}
            description={t("personas.conditionsHint")}
            value={conditions}
            onChange={(e) => setConditions(e.currentTarget.value)}
            autosize
            minRows={3}
            error={errors.conditions}
            styles={{ input: { fontFamily: "monospace" } }}
            data-testid="persona-conditions"
          />
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
            <Textarea
              label={t("personas.goals")}
              value={goals}
              onChange={(e) => setGoals(e.currentTarget.value)}
              autosize
              minRows={3}
            />
            <Textarea
              label={t("personas.needs")}
              value={needs}
              onChange={(e) => setNeeds(e.currentTarget.value)}
              autosize
              minRows={3}
            />
            <Textarea
              label={t("personas.frustrations")}
              value={frustrations}
              onChange={(e) => setFrustrations(e.currentTarget.value)}
              autosize
              minRows={3}
            />
          </SimpleGrid>
          <TextInput
            label={t("personas.quote")}
            value={quote}
            onChange={(e) => setQuote(e.currentTarget.value)}
            maxLength={500}
          />
          <ActionError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common:action.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="persona-save">
              {t("common:action.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
