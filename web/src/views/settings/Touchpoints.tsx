// The touchpoint catalogue: its rules in the order they are checked, add/edit/remove through a form, and
// the events no touchpoint names yet (each a candidate for a new touchpoint).
import {
  Autocomplete,
  Badge,
  Button,
  Code,
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
import type { Condition, EventMatch } from "../../../../src/journey/rules.js";
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
import {
  ConditionRow,
  conditionComplete,
  FormJsonTabs,
  fieldChoices,
  fieldError,
  JsonOnlyNote,
  rowError,
  useFields,
} from "./rule-editor.js";
import { NS as RULES_NS } from "./rule-messages.js";
import { TouchpointPreviewPanel } from "./rule-preview.js";

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
        {/* The event type and the conditions are the rule's own syntax (codes), shown as code. */}
        <Code fz="xs">{match.type ?? "track"}</Code> {match.event ?? "*"}
      </Text>
      <Text size="xs" c="dimmed">
        {match.channels?.length ? match.channels.join(", ") : t("touchpoints.anyChannel")}
        {where.map((w) => (
          <span key={w}>
            {" · "}
            <Code fz="xs">{w}</Code>
          </span>
        ))}
      </Text>
    </Stack>
  );
}

/** The keys of a touchpoint the form edits; anything else is kept and edited in the JSON tab. */
const FORM_KEYS = new Set(["name", "stage", "kind", "advances", "match", "feedback", "subject"]);

/** The rule without empty lists, as the API stores it. */
function cleanMatch(match: Partial<EventMatch>): EventMatch {
  const out: EventMatch = { type: match.type ?? "track" };
  if (match.event?.trim()) out.event = match.event.trim();
  if (match.channels?.length) out.channels = match.channels;
  if (match.where?.length) out.where = match.where;
  return out;
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
  const { t } = useTranslation([NS, "common", RULES_NS]);
  const client = useQueryClient();
  const tp = draft.touchpoint;
  // The definition being edited: the form and the JSON tab both read and write it.
  const [doc, setDoc] = useState<Record<string, unknown>>(() => {
    if (!tp)
      return {
        name: "",
        stage: model.stages[0]!.key,
        kind: "interaction",
        advances: true,
        match: { type: "track", ...draft.initial },
      };
    const { id: _id, ...rest } = tp;
    return rest;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [feedbackProblem, setFeedbackProblem] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const match = (doc.match ?? {}) as Partial<EventMatch>;
  const where = match.where ?? [];
  const complete = (match.type ?? "track") !== "track" || !!match.event?.trim();
  const previewDraft =
    complete && where.every(conditionComplete)
      ? { match: cleanMatch(match), ...(tp ? { replaces: tp.id } : {}) }
      : null;

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
    const name = typeof doc.name === "string" ? doc.name.trim() : "";
    if (name === "") problems.name = t("common.required");
    if (!complete) problems.event = t("touchpoints.eventRequired");
    if (feedbackProblem) problems.feedback = feedbackProblem;
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const body: Record<string, unknown> = { ...doc, name, match: cleanMatch(match) };
    // An edit says null to remove an optional field the definition no longer has.
    if (tp)
      for (const k of ["feedback", "subject", "responseMinutes"]) if (body[k] === undefined) body[k] = null;
    save.mutate(body);
  };

  const refusal = save.error ?? previewError;
  const extra = Object.keys(doc).filter((k) => !FORM_KEYS.has(k));
  return (
    <FormModal
      title={tp ? t("touchpoints.edit") : t("touchpoints.add")}
      size="xl"
      testId="touchpoint-form"
      onSubmit={submit}
      onClose={onClose}
      mutation={save}
      submitLabel={t("common:action.save")}
      submitTestId="touchpoint-save"
    >
      <FormJsonTabs
        value={doc}
        onChange={setDoc}
        hint={t(`${RULES_NS}:json.touchpointHint`)}
        testId="touchpoint-editor"
        form={
          <TouchpointFields
            doc={doc}
            setDoc={setDoc}
            model={model}
            errors={{
              name: errors.name ?? fieldError(refusal, "/name"),
              stage: fieldError(refusal, "/stage"),
              event: errors.event ?? fieldError(refusal, "/match/event"),
              feedback: errors.feedback ?? fieldError(refusal, "/feedback"),
            }}
            rowError={rowError(refusal, "/match/where")}
            onFeedbackProblem={setFeedbackProblem}
            extra={extra}
          />
        }
      />
      <TouchpointPreviewPanel draft={previewDraft} onError={setPreviewError} />
    </FormModal>
  );
}

/** The form tab: mounted afresh each time it opens, so it starts from the definition the JSON tab left. */
function TouchpointFields({
  doc,
  setDoc,
  model,
  errors,
  rowError: refused,
  onFeedbackProblem,
  extra,
}: {
  doc: Record<string, unknown>;
  setDoc: (doc: Record<string, unknown>) => void;
  model: JourneyModel;
  errors: Record<string, string | undefined>;
  rowError: { index: number; field: string; message: string } | undefined;
  onFeedbackProblem: (problem: string | null) => void;
  extra: string[];
}) {
  const { t } = useTranslation([NS, "common", RULES_NS]);
  const match = (doc.match ?? {}) as Partial<EventMatch>;
  const where = match.where ?? [];
  const type = match.type ?? "track";
  const fields = useFields(type, match.event);
  const [feedback, setFeedback] = useState(doc.feedback ? JSON.stringify(doc.feedback) : "");
  const [feedbackError, setFeedbackError] = useState<string | null>(null);
  const set = (key: string, value: unknown) => {
    const next = { ...doc };
    if (value === undefined) delete next[key];
    else next[key] = value;
    setDoc(next);
  };
  const setMatch = (next: Partial<EventMatch>) => set("match", next);
  const setWhere = (list: Condition[]) => setMatch({ ...match, where: list });
  const choices = fieldChoices(
    fields.data?.fields,
    { properties: "", context: "context.", traits: "traits." },
    (c) => t(`${RULES_NS}:groups.${c}`),
  );
  const events = (fields.data?.events ?? []).filter((e) => e.type === (type === "identify" ? "track" : type));
  return (
    <>
      <NameInput
        value={typeof doc.name === "string" ? doc.name : ""}
        onChange={(v) => set("name", v)}
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
          value={typeof doc.stage === "string" ? doc.stage : null}
          onChange={(v) => v && set("stage", v)}
          allowDeselect={false}
          error={errors.stage}
        />
        <Select
          label={t("touchpoints.kind")}
          data={KINDS.map((k) => ({
            value: k,
            label: t(`${CUSTOMERS_NS}:touchKind.${k}`, { defaultValue: k }),
          }))}
          value={typeof doc.kind === "string" ? doc.kind : "interaction"}
          onChange={(v) => v && set("kind", v)}
          allowDeselect={false}
        />
      </Group>
      <Switch
        label={t("touchpoints.advances")}
        checked={doc.advances !== false}
        onChange={(e) => set("advances", e.currentTarget.checked)}
      />
      <Group grow wrap="wrap">
        <Select
          label={t("touchpoints.type")}
          data={["track", "page", "screen", "identify"]}
          value={type}
          onChange={(v) => v && setMatch({ ...match, type: v as EventMatch["type"] })}
          allowDeselect={false}
          data-testid="touchpoint-type"
        />
        <Autocomplete
          label={t("touchpoints.event")}
          placeholder={t(`${RULES_NS}:eventPlaceholder`)}
          data={[...new Set(events.map((e) => e.event))]}
          value={match.event ?? ""}
          onChange={(v) => setMatch({ ...match, event: v })}
          maxLength={200}
          limit={50}
          error={errors.event}
          comboboxProps={{ withinPortal: true }}
          data-testid="touchpoint-event"
        />
      </Group>
      <TagsInput
        label={t("touchpoints.channels")}
        description={t("touchpoints.channelsHint")}
        placeholder={t(`${RULES_NS}:channelsPlaceholder`)}
        data={(fields.data?.channels ?? []).map((c) => c.channel)}
        value={match.channels ?? []}
        onChange={(channels) => setMatch({ ...match, channels })}
        maxTags={20}
        comboboxProps={{ withinPortal: true }}
        data-testid="touchpoint-channels"
      />
      <Stack gap={6} data-testid="touchpoint-conditions">
        <Text size="sm" fw={500}>
          {t(`${RULES_NS}:conditions`)}
        </Text>
        <Text size="xs" c="dimmed">
          {where.length ? t(`${RULES_NS}:conditionsHint`) : t(`${RULES_NS}:noConditions`)}
        </Text>
        {where.map((c, i) => (
          <ConditionRow
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
            key={i}
            condition={c}
            index={i}
            choices={choices}
            fieldLabel={t(`${RULES_NS}:field`)}
            fieldPlaceholder={t(`${RULES_NS}:fieldPlaceholder`)}
            error={refused?.index === i ? refused : undefined}
            onChange={(next) => setWhere(where.map((x, j) => (j === i ? (next as Condition) : x)))}
            onRemove={() => setWhere(where.filter((_, j) => j !== i))}
            testId={`condition-${i}`}
          />
        ))}
        <Group>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            onClick={() => setWhere([...where, { property: "", op: "eq" }])}
            disabled={where.length >= 20}
            data-testid="condition-add"
          >
            {t(`${RULES_NS}:addCondition`)}
          </Button>
        </Group>
      </Stack>
      <JsonTextarea
        label={t("touchpoints.feedback")}
        description={t("touchpoints.feedbackHint")}
        value={feedback}
        onChange={(e) => {
          const text = e.currentTarget.value;
          setFeedback(text);
          if (text.trim() === "") {
            setFeedbackError(null);
            onFeedbackProblem(null);
            return set("feedback", undefined);
          }
          const parsed = parseJson(text);
          const problem = parsed.ok ? null : t("common.invalidJson", { message: parsed.error });
          setFeedbackError(problem);
          onFeedbackProblem(problem);
          if (parsed.ok) set("feedback", parsed.value);
        }}
        minRows={1}
        error={feedbackError ?? errors.feedback}
      />
      <TextInput
        label={t("touchpoints.subject")}
        description={t("touchpoints.subjectHint")}
        value={typeof doc.subject === "string" ? doc.subject : ""}
        onChange={(e) =>
          set("subject", e.currentTarget.value.trim() === "" ? undefined : e.currentTarget.value)
        }
      />
      {extra.length > 0 && (
        <JsonOnlyNote>{t(`${RULES_NS}:notInForm`, { fields: extra.join(", ") })}</JsonOnlyNote>
      )}
    </>
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
                            <Code fz="xs">{g.type}</Code>
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
