// The cross-channel timeline of one customer: newest first, a page at a time, narrowed by channel (in the
// URL). Surveys, contacts and failures stand out, since they are where the experience is told.
import { Badge, Button, Card, Chip, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconHeadset, IconMessageReply, IconStar } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useUrlState } from "../../app/url-state.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { type Format, useFormat } from "../../i18n/format.js";
import { type TimelineEvent, useTimeline } from "./api.js";
import { ChannelIcon, useChannelName } from "./channels.js";
import { NS } from "./messages.js";

/** Touchpoint kinds where the customer speaks or something went wrong. */
const VOICE_KINDS = new Set(["feedback", "contact", "response", "failure"]);
const KIND_COLOR: Record<string, string> = {
  feedback: "grape",
  contact: "orange",
  response: "teal",
  failure: "red",
  message: "gray",
  interaction: "blue",
};
const KIND_ICON: Record<string, ReactNode> = {
  feedback: <IconStar size={14} aria-hidden="true" />,
  contact: <IconHeadset size={14} aria-hidden="true" />,
  response: <IconMessageReply size={14} aria-hidden="true" />,
  failure: <IconAlertTriangle size={14} aria-hidden="true" />,
};

const isVoice = (e: TimelineEvent) => e.touchpoint !== null && VOICE_KINDS.has(e.touchpoint.kind);

/** A few scalar properties, enough to recognise the event (an order's total, a survey's score). */
function summary(e: TimelineEvent, format: Format): string {
  const props = e.properties ?? {};
  return Object.entries(props)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${typeof v === "number" ? format.number(v, 2) : String(v)}`)
    .join(" · ");
}

export function CustomerTimeline({ id, channels }: { id: number; channels: string[] }) {
  const { t } = useTranslation(NS);
  const channelName = useChannelName();
  const [state, set] = useUrlState({ channel: "" });
  const selected = state.channel === "" ? [] : state.channel.split(",");
  const pages = useTimeline(id, selected.join(","));
  const events = pages.data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <Stack gap="md">
      <Highlights events={events} loading={pages.isPending} />
      <Card withBorder data-testid="customer-timeline">
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t("timeline.title")}
          </Title>
          <div>
            <Text size="sm" id="timeline-channels" mb={4}>
              {t("timeline.channels")}
            </Text>
            <Chip.Group
              multiple
              value={selected}
              onChange={(v) => set({ channel: channels.filter((c) => v.includes(c)).join(",") })}
            >
              <Group gap="xs" aria-labelledby="timeline-channels" role="group">
                {channels.map((c) => (
                  <Chip key={c} value={c} size="sm" wrapperProps={{ "data-testid": `channel-chip-${c}` }}>
                    <Group gap={4} wrap="nowrap">
                      <ChannelIcon channel={c} size={14} />
                      {channelName(c)}
                    </Group>
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </div>
          <TimelineBody pages={pages} events={events} />
        </Stack>
      </Card>
    </Stack>
  );
}

function TimelineBody({ pages, events }: { pages: ReturnType<typeof useTimeline>; events: TimelineEvent[] }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const channelName = useChannelName();
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />;
  if (events.length === 0) return <EmptyState title={t("timeline.none")} />;
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("timeline.event")}</Table.Th>
              <Table.Th>{t("timeline.touchpoint")}</Table.Th>
              <Table.Th>{t("timeline.details")}</Table.Th>
              <Table.Th>{t("timeline.time")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <Table.Tr
                key={e.messageId}
                data-testid="timeline-event"
                data-message-id={e.messageId}
                data-voice={isVoice(e) || undefined}
                style={
                  isVoice(e)
                    ? {
                        boxShadow: `inset 3px 0 0 var(--mantine-color-${KIND_COLOR[e.touchpoint!.kind]}-6)`,
                      }
                    : undefined
                }
              >
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <span title={channelName(e.channel)} style={{ display: "inline-flex" }}>
                      <ChannelIcon channel={e.channel} />
                    </span>
                    <div>
                      <Text size="sm" fw={500}>
                        <EventName event={e} />
                      </Text>
                      <Text size="xs" c="dimmed">
                        {channelName(e.channel)}
                      </Text>
                    </div>
                  </Group>
                </Table.Td>
                <Table.Td>{e.touchpoint ? <TouchpointBadge touchpoint={e.touchpoint} /> : "–"}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: "break-word" }}>
                    {summary(e, format)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <Text size="sm">{format.dateTime(e.timestamp)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="center">
        {pages.hasNextPage ? (
          <Button
            variant="light"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
            data-testid="timeline-more"
          >
            {t("timeline.more")}
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            {t("timeline.end")}
          </Text>
        )}
      </Group>
    </>
  );
}

function EventName({ event: e }: { event: TimelineEvent }) {
  const { t } = useTranslation(NS);
  if (e.type === "page") return <>{t("timeline.page", { name: e.event ?? "/" })}</>;
  if (e.type === "screen") return <>{t("timeline.screen", { name: e.event ?? "–" })}</>;
  if (e.type === "identify") return <>{t("timeline.identify")}</>;
  return <>{e.event ?? e.type}</>;
}

function TouchpointBadge({ touchpoint }: { touchpoint: NonNullable<TimelineEvent["touchpoint"]> }) {
  const { t } = useTranslation(NS);
  return (
    <Stack gap={2} align="flex-start">
      <Text size="sm">{touchpoint.name}</Text>
      <Badge
        size="xs"
        variant="light"
        color={KIND_COLOR[touchpoint.kind]}
        leftSection={KIND_ICON[touchpoint.kind]}
      >
        {t(`touchKind.${touchpoint.kind}`)}
      </Badge>
    </Stack>
  );
}

/** Surveys, contacts and failures among the loaded events, with the satisfaction they carry. */
function Highlights({ events, loading }: { events: TimelineEvent[]; loading: boolean }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const channelName = useChannelName();
  const voice = events.filter(isVoice);
  return (
    <Card withBorder data-testid="customer-highlights">
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t("timeline.highlights")}
        </Title>
        {loading ? (
          <Loading />
        ) : voice.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("timeline.noHighlights")}
          </Text>
        ) : (
          <Group gap="sm" wrap="wrap" align="stretch">
            {voice.slice(0, 8).map((e) => (
              <Card key={e.messageId} withBorder padding="xs" miw={200} data-testid="highlight">
                <Group gap="xs" wrap="nowrap" mb={4}>
                  <ChannelIcon channel={e.channel} size={16} />
                  <TouchpointBadge touchpoint={e.touchpoint!} />
                </Group>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {summary(e, format)}
                </Text>
                {e.touchpoint!.feedback !== null && (
                  <Badge
                    size="sm"
                    mt={4}
                    variant="outline"
                    color={
                      e.touchpoint!.feedback >= 0.3
                        ? "teal"
                        : e.touchpoint!.feedback <= -0.3
                          ? "red"
                          : "yellow"
                    }
                  >
                    {t("timeline.score", { value: format.number(e.touchpoint!.feedback, 2) })}
                  </Badge>
                )}
                <Text size="xs" c="dimmed" mt={4}>
                  {channelName(e.channel)} · {format.dateTime(e.timestamp)}
                </Text>
              </Card>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}
