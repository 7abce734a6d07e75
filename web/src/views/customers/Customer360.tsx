// Customer 360: who the customer is (traits, identifiers and why they were merged), where they are on the
// journey (stage, history, persona) and everything they did, across channels, newest first.
import {
  Anchor,
  Badge,
  Card,
  Grid,
  Group,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconArrowBackUp, IconArrowLeft, IconArrowRight, IconLink, IconLinkOff } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { NotFound } from "../../app/NotFound.js";
import { ErrorState, Loading, QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { type CustomerJourney, type CustomerProfile, useCustomer, useCustomerJourney } from "./api.js";
import { ChannelIcon, useChannelName } from "./channels.js";
import { NS } from "./messages.js";
import { CustomerTimeline } from "./Timeline.js";

export default function Customer360() {
  const { id: raw } = useParams();
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) return <NotFound />;
  return <CustomerView id={id} />;
}

/** The name a person would use: the name trait, else first and last name, else an email. */
export function displayName(profile: CustomerProfile): string | null {
  const trait = (k: string) => {
    const v = profile.traits[k]?.value;
    return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
  };
  const full = [trait("first_name"), trait("last_name")].filter(Boolean).join(" ");
  return (
    trait("name") ?? (full || null) ?? profile.identifiers.find((i) => i.kind === "email")?.value ?? null
  );
}

function CustomerView({ id }: { id: number }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const profile = useCustomer(id);
  const journey = useCustomerJourney(id);

  if (profile.isPending) return <Loading />;
  if (profile.isError) return <ErrorState error={profile.error} onRetry={() => void profile.refetch()} />;
  const p = profile.data;

  return (
    <Stack gap="md" data-testid="customer-360" data-id={p.id}>
      <Anchor component={Link} to="/customers" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden="true" />
          {t("profile.back")}
        </Group>
      </Anchor>
      <div>
        <Title order={2} data-testid="customer-name">
          {displayName(p) ?? t("profile.unnamed", { id: p.id })}
        </Title>
        <Text c="dimmed" size="sm">
          {t("profile.summary", {
            events: format.number(p.eventCount),
            first: format.date(p.firstSeen),
            last: format.dateTime(p.lastSeen),
          })}
        </Text>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
          <Stack gap="md">
            <Card withBorder>
              <QueryState query={journey}>{(j) => <JourneyCard journey={j} />}</QueryState>
            </Card>
            <IdentifiersCard profile={p} />
            <TraitsCard profile={p} />
            <ChannelsCard profile={p} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
          <CustomerTimeline id={p.id} channels={p.channels.map((c) => c.channel)} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function JourneyCard({ journey }: { journey: CustomerJourney }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const stageName = (key: string) => t(`common:stage.${key}`, { defaultValue: key });
  // Newest first, like the timeline beside it.
  const history = [...journey.history].reverse();
  return (
    <Stack gap="sm" data-testid="customer-journey">
      <Title order={3} size="h4">
        {t("journey.title")}
      </Title>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Text size="xs" c="dimmed">
            {t("journey.stage")}
          </Text>
          {journey.stage ? (
            <>
              <Badge size="lg" variant="filled" data-testid="customer-stage" data-stage={journey.stage}>
                {stageName(journey.stage)}
              </Badge>
              <Text size="xs" c="dimmed">
                {t("journey.since", { at: format.date(journey.stageSince) })}
              </Text>
            </>
          ) : (
            <Text data-testid="customer-stage" data-stage="">
              {t("journey.none")}
            </Text>
          )}
        </div>
        <div>
          <Text size="xs" c="dimmed">
            {t("journey.persona")}
          </Text>
          <Text fw={500} data-testid="customer-persona">
            {journey.persona?.name ?? t("journey.noPersona")}
          </Text>
        </div>
      </Group>
      <Text size="sm" fw={600}>
        {t("journey.history")}
      </Text>
      {history.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("journey.noHistory")}
        </Text>
      ) : (
        <Timeline active={0} bulletSize={22} lineWidth={2} data-testid="stage-history">
          {history.map((h) => (
            <Timeline.Item
              key={`${h.at}-${h.to}-${h.cause}`}
              color={h.cause === "lapse" ? "orange" : "blue"}
              bullet={
                h.cause === "lapse" ? (
                  <IconArrowBackUp size={12} aria-hidden="true" />
                ) : (
                  <IconArrowRight size={12} aria-hidden="true" />
                )
              }
              title={
                h.cause === "lapse"
                  ? t("journey.lapsed", { stage: stageName(h.to) })
                  : t("journey.entered", { stage: stageName(h.to) })
              }
            >
              <Text size="xs" c="dimmed">
                {format.dateTime(h.at)} · {h.cause === "lapse" ? t("journey.lapse") : t("journey.signal")}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Stack>
  );
}

function IdentifiersCard({ profile }: { profile: CustomerProfile }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const kindName = (kind: string) => t(`kind.${kind}`, { defaultValue: kind });
  const idText = (i: { kind: string; value: string }) => `${kindName(i.kind)} ${i.value}`;
  return (
    <Card withBorder data-testid="customer-identifiers">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("identity.title")}
        </Title>
        <Stack gap={4}>
          {profile.identifiers.map((i) => (
            <Group key={i.id} gap="xs" wrap="nowrap" data-testid="customer-identifier" data-kind={i.kind}>
              <Badge variant="light" color="gray" style={{ flexShrink: 0 }}>
                {kindName(i.kind)}
              </Badge>
              <Tooltip label={t("identity.firstSeen", { at: format.dateTime(i.firstSeen) })}>
                <Text size="sm" style={{ wordBreak: "break-all" }} tabIndex={0}>
                  {i.value}
                </Text>
              </Tooltip>
            </Group>
          ))}
        </Stack>
        <Text size="sm" fw={600}>
          {t("identity.merges")}
        </Text>
        {profile.links.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("identity.noMerges")}
          </Text>
        ) : (
          <Stack gap="xs" data-testid="merge-evidence">
            {profile.links.map((l) => (
              <Group
                // One link per event, pair of identifiers and absorbed customer (src/loader/store-stitch.ts).
                key={`${l.at}-${l.messageId}-${l.from.kind}:${l.from.value}-${l.to.kind}:${l.to.value}-${l.absorbedCustomer}`}
                gap="xs"
                align="flex-start"
                wrap="nowrap"
              >
                {l.accepted ? (
                  <IconLink size={16} color="var(--mantine-color-teal-6)" aria-hidden="true" />
                ) : (
                  <IconLinkOff size={16} color="var(--mantine-color-red-6)" aria-hidden="true" />
                )}
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" style={{ wordBreak: "break-all" }}>
                    {t(l.accepted ? "identity.linked" : "identity.refused", {
                      from: idText(l.from),
                      to: idText(l.to),
                    })}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {format.dateTime(l.at)} · {l.reason}
                    {l.absorbedCustomer !== null &&
                      ` · ${t("identity.absorbed", { id: l.absorbedCustomer })}`}
                  </Text>
                </div>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

const showValue = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

function TraitsCard({ profile }: { profile: CustomerProfile }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const channelName = useChannelName();
  const entries = Object.entries(profile.traits).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card withBorder data-testid="customer-traits">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("profile.traits")}
        </Title>
        {entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("profile.noTraits")}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={280}>
            <Table withRowBorders={false} verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("profile.trait")}</Table.Th>
                  <Table.Th>{t("profile.value")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map(([key, trait]) => (
                  <Table.Tr key={key}>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {key}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip
                        label={`${t("profile.source")}: ${channelName(trait.source.channel)} · ${format.dateTime(trait.source.at)}`}
                      >
                        <Text size="sm" style={{ wordBreak: "break-word" }} tabIndex={0}>
                          {showValue(trait.value)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

function ChannelsCard({ profile }: { profile: CustomerProfile }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const channelName = useChannelName();
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t("profile.channels")}
        </Title>
        {profile.channels.map((c) => (
          <Group key={c.channel} justify="space-between" wrap="nowrap">
            <Group gap="xs" wrap="nowrap">
              <ChannelIcon channel={c.channel} />
              <Text size="sm">{channelName(c.channel)}</Text>
            </Group>
            <Text size="sm" c="dimmed">
              {format.number(c.events)} · {format.date(c.lastSeen)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
