// The touchpoint catalogue: its rules in the order they are checked, add/edit/remove through a form, and
// the events no touchpoint names yet (each a candidate for a new touchpoint).
import {
  Badge,
  Button,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { JourneyModel } from "../../../../src/journey/model.js";
import type { EventMatch } from "../../../../src/journey/rules.js";
import type { Touchpoint, TouchpointKind } from "../../../../src/journey/touchpoints.js";
import type { Unmatched } from "../../../../src/journey/unmatched.js";
import { api } from "../../api/client.js";
import { useCan } from "../../app/auth.js";
import { ReadOnlyNote } from "../../app/NoAccess.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS as CUSTOMERS_NS } from "../customers/messages.js";
import { NS } from "./messages.js";
import {
  EditRemoveActions,
  FormModal,
  IconAction,
  JsonTextarea,
  ListTable,
  NameInput,
  parseJson,
  TabHeader,
} from "./parts.js";

// The server's list (a value import would bring server code into the page); the type keeps them in step.
const KINDS: TouchpointKind[] = ["interaction", "contact", "response", "feedback", "message", "failure"];

export function useJourneyModel() {
  return useQuery({
    queryKey: ["journey-model"],
    queryFn: ({ signal }) => api<JourneyModel>("/api/journey-model", { signal }),
  });
}

/** What a form edits; `null` touchpoint means a new one. */
interface Draft {
  touchpoint: Touchpoint | null;
  initial: Partial<EventMatch>;
}

export function Touchpoints() {
  const { t } = useTranslation([NS, "common"]);
  // Reading needs analytics.read; adding, editing and removing need journey.edit.
  const canEdit = useCan()("journey.edit");
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["touchpoints"],
    queryFn: ({ signal }) => api<{ items: Touchpoint[] }>("/api/touchpoints", { signal }),
  });
  const model = useJourneyModel();
  const [draft, setDraft] = useState<Draft | null>(null);
  const remove = async (id: string) => {
    await api(`/api/touchpoints/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: ["touchpoints"] });
    await client.invalidateQueries({ queryKey: ["touchpoints-unmatched"] });
  };
  const stageName = (key: string) =>
    t(`common:stage.${key}`, { defaultValue: model.data?.stages.find((s) => s.key === key)?.name ?? key });

  return (
    <Stack gap="md" data-testid="settings-touchpoints">
      <TabHeader
        intro={t("touchpoints.intro")}
        action={
          canEdit ? (
            <Button
              leftSection={<IconPlus size={16} />}
              onClick={() => setDraft({ touchpoint: null, initial: {} })}
              data-testid="touchpoint-add"
            >
              {t("touchpoints.add")}
            </Button>
          ) : null
        }
      />
      {!canEdit && <ReadOnlyNote />}
      <QueryState query={list}>
        {(data) => (
          <ListTable
            minWidth={760}
            striped
            headers={[
              t("common.name"),
              t("touchpoints.stage"),
              t("touchpoints.kind"),
              t("touchpoints.rule"),
              t("common.actions"),
            ]}
          >
            {data.items.map((tp) => (
              <Table.Tr key={tp.id} data-testid="touchpoint-row" data-id={tp.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {tp.name}
                  </Text>
                  {tp.advances && (
                    <Text size="xs" c="dimmed">
                      {t("touchpoints.advancesShort")}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{stageName(tp.stage)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" size="sm">
                    {t(`${CUSTOMERS_NS}:touchKind.${tp.kind}`, { defaultValue: tp.kind })}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <RuleSummary match={tp.match} />
                </Table.Td>
                <Table.Td>
                  {canEdit && (
                    <Group gap={4} wrap="nowrap">
                      <EditRemoveActions
                        name={tp.name}
                        onEdit={() => setDraft({ touchpoint: tp, initial: tp.match })}
                        onRemove={() => remove(tp.id)}
                        removeTitle={t("touchpoints.removeTitle", { name: tp.name })}
                        removeBody={t("touchpoints.removeBody")}
                        testIdPrefix="touchpoint"
                      />
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      <UnmatchedEvents onAdd={canEdit ? (initial) => setDraft({ touchpoint: null, initial }) : undefined} />
      {draft && model.data && (
        <TouchpointForm draft={draft} model={model.data} onClose={() => setDraft(null)} />
      )}
    </Stack>
  );
}

function RuleSummary({ match }: { match: EventMatch }) {
  const { t } = useTranslation(NS);
  const where = (match.where ?? []).map(
    (c) => `${c.property} ${c.op}${c.value === undefined ? "" : ` ${JSON.stringify(c.value)}`}`,
  );
  return (
    <Stack gap={0}>
      <Text size="sm">
        <Text span c="dimmed" size="xs">
          {match.type ?? "track"}
        </Text>{" "}
        {match.event ?? "*"}
      </Text>
      <Text size="xs" c="dimmed">
        {match.channels?.length ? match.channels.join(", ") : t("touchpoints.anyChannel")}
        {where.length > 0 && ` · ${where.join(" · ")}`}
      </Text>
    </Stack>
  );
}

function TouchpointForm({
  draft,
  model,
  onClose,
}: {
  draft: Draft;
  model: JourneyModel;
  onClose: () => void;
}) {
  const { t } = useTranslation([NS, "common"]);
  const client = useQueryClient();
  const tp = draft.touchpoint;
  const [name, setName] = useState(tp?.name ?? "");
  const [stage, setStage] = useState(tp?.stage ?? model.stages[0]!.key);
  const [kind, setKind] = useState<string>(tp?.kind ?? "interaction");
  const [advances, setAdvances] = useState(tp?.advances ?? true);
  const [type, setType] = useState<string>(draft.initial.type ?? "track");
  const [event, setEvent] = useState(draft.initial.event ?? "");
  const [channels, setChannels] = useState<string[]>(draft.initial.channels ?? []);
  const [where, setWhere] = useState(draft.initial.where?.length ? JSON.stringify(draft.initial.where) : "");
  const [feedback, setFeedback] = useState(tp?.feedback ? JSON.stringify(tp.feedback) : "");
  const [subject, setSubject] = useState(tp?.subject ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      tp
        ? api<Touchpoint>(`/api/touchpoints/${encodeURIComponent(tp.id)}`, { method: "PATCH", body })
        : api<Touchpoint>("/api/touchpoints", { method: "POST", body }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["touchpoints"] });
      await client.invalidateQueries({ queryKey: ["touchpoints-unmatched"] });
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (name.trim() === "") problems.name = t("common.required");
    if (type === "track" && event.trim() === "") problems.event = t("touchpoints.eventRequired");
    const whereValue = where.trim() === "" ? { ok: true as const, value: [] } : parseJson(where);
    if (!whereValue.ok) problems.where = t("common.invalidJson", { message: whereValue.error });
    const feedbackValue = feedback.trim() === "" ? { ok: true as const, value: null } : parseJson(feedback);
    if (!feedbackValue.ok) problems.feedback = t("common.invalidJson", { message: feedbackValue.error });
    setErrors(problems);
    if (Object.keys(problems).length > 0 || !whereValue.ok || !feedbackValue.ok) return;
    const match: Record<string, unknown> = { type };
    if (event.trim() !== "") match.event = event.trim();
    if (channels.length > 0) match.channels = channels;
    if (Array.isArray(whereValue.value) && whereValue.value.length > 0) match.where = whereValue.value;
    else if (!Array.isArray(whereValue.value)) match.where = whereValue.value;
    const body: Record<string, unknown> = { name: name.trim(), stage, kind, advances, match };
    // A new touchpoint leaves out what it does not have; an edit says null to remove it.
    if (feedbackValue.value !== null || tp) body.feedback = feedbackValue.value;
    if (subject.trim() !== "" || tp) body.subject = subject.trim() === "" ? null : subject.trim();
    save.mutate(body);
  };

  return (
    <FormModal
      title={tp ? t("touchpoints.edit") : t("touchpoints.add")}
      size="lg"
      testId="touchpoint-form"
      onSubmit={submit}
      onClose={onClose}
      mutation={save}
      submitLabel={t("common:action.save")}
      submitTestId="touchpoint-save"
    >
      <NameInput
        value={name}
        onChange={setName}
        error={errors.name}
        maxLength={80}
        testId="touchpoint-name"
      />
      <Group grow wrap="wrap">
        <Select
          label={t("touchpoints.stage")}
          data={model.stages.map((s) => ({
            value: s.key,
            label: t(`common:stage.${s.key}`, { defaultValue: s.name }),
          }))}
          value={stage}
          onChange={(v) => v && setStage(v)}
          allowDeselect={false}
        />
        <Select
          label={t("touchpoints.kind")}
          data={KINDS.map((k) => ({
            value: k,
            label: t(`${CUSTOMERS_NS}:touchKind.${k}`, { defaultValue: k }),
          }))}
          value={kind}
          onChange={(v) => v && setKind(v)}
          allowDeselect={false}
        />
      </Group>
      <Switch
        label={t("touchpoints.advances")}
        checked={advances}
        onChange={(e) => setAdvances(e.currentTarget.checked)}
      />
      <Group grow wrap="wrap">
        <Select
          label={t("touchpoints.type")}
          data={["track", "page", "screen", "identify"]}
          value={type}
          onChange={(v) => v && setType(v)}
          allowDeselect={false}
        />
        <TextInput
          label={t("touchpoints.event")}
          value={event}
          onChange={(e) => setEvent(e.currentTarget.value)}
          maxLength={200}
          error={errors.event}
          data-testid="touchpoint-event"
        />
      </Group>
      <TagsInput
        label={t("touchpoints.channels")}
        description={t("touchpoints.channelsHint")}
        value={channels}
        onChange={setChannels}
        maxTags={20}
      />
      <JsonTextarea
        label={t("touchpoints.where")}
        description={t("touchpoints.whereHint")}
        value={where}
        onChange={(e) => setWhere(e.currentTarget.value)}
        minRows={2}
        error={errors.where}
      />
      <JsonTextarea
        label={t("touchpoints.feedback")}
        description={t("touchpoints.feedbackHint")}
        value={feedback}
        onChange={(e) => setFeedback(e.currentTarget.value)}
        minRows={1}
        error={errors.feedback}
      />
      <TextInput
        label={t("touchpoints.subject")}
        description={t("touchpoints.subjectHint")}
        value={subject}
        onChange={(e) => setSubject(e.currentTarget.value)}
      />
    </FormModal>
  );
}

/** Events no touchpoint names; `onAdd` (only for roles that may edit) starts a touchpoint for one. */
function UnmatchedEvents({ onAdd }: { onAdd?: ((initial: Partial<EventMatch>) => void) | undefined }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const unmatched = useQuery({
    queryKey: ["touchpoints-unmatched"],
    queryFn: ({ signal }) => api<Unmatched>("/api/touchpoints/unmatched", { query: { limit: 50 }, signal }),
  });
  return (
    <Stack gap="xs" data-testid="touchpoints-unmatched">
      <Title order={3} size="h4">
        {t("touchpoints.unmatched")}
      </Title>
      <QueryState query={unmatched}>
        {(u) =>
          u.groups.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("touchpoints.unmatchedNone")}
            </Text>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                {t("touchpoints.unmatchedShare", {
                  events: format.number(u.events),
                  share: format.percent(u.share),
                })}
              </Text>
              <ListTable
                minWidth={560}
                headers={[
                  t("touchpoints.event"),
                  t("touchpoints.channels"),
                  t("touchpoints.events"),
                  t("touchpoints.lastSeen"),
                  t("common.actions"),
                ]}
              >
                {u.groups.map((g) => {
                  const label = `${g.type} ${g.event ?? ""}`.trim();
                  return (
                    <Table.Tr key={`${g.type}-${g.event}-${g.channel}`}>
                      <Table.Td>
                        <Text size="sm">
                          <Text span size="xs" c="dimmed">
                            {g.type}
                          </Text>{" "}
                          {g.event ?? "–"}
                        </Text>
                      </Table.Td>
                      <Table.Td>{g.channel}</Table.Td>
                      <Table.Td>{format.number(g.events)}</Table.Td>
                      <Table.Td>{format.date(g.lastSeen)}</Table.Td>
                      <Table.Td>
                        {onAdd && (
                          <IconAction
                            label={t("touchpoints.addFor", { name: label })}
                            icon={<IconPlus size={16} />}
                            onClick={() =>
                              onAdd({
                                type: g.type as EventMatch["type"],
                                ...(g.event ? { event: g.event } : {}),
                                channels: [g.channel],
                              })
                            }
                          />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </ListTable>
            </>
          )
        }
      </QueryState>
    </Stack>
  );
}
