// The Live view: events as they are stored (GET /api/live/events), newest first, with their customer,
// channel, touchpoint and stage change; filters go in the URL and to the stream; the list holds still
// while the pointer is over it and says how many arrived meanwhile.
import {
  Alert,
  Anchor,
  Badge,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type LiveEvent, type LiveMessage, useLiveStream } from "../../api/live.js";
import { useCan } from "../../app/auth.js";
import { useUrlState } from "../../app/url-state.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";

/** Rows kept on screen (and held while paused): the newest. */
export const MAX_ROWS = 200;
const CHANNELS = ["web", "app", "email", "sms", "phone", "chat", "social", "store", "ads", "server", "other"];

const DEFAULTS = { event: "", channel: "", customer: "" };

export default function LiveView() {
  const { t } = useTranslation([NS, "common"]);
  const [state, set] = useUrlState(DEFAULTS);
  const [eventText, setEventText] = useState(state.event);
  const [customerText, setCustomerText] = useState(state.customer);
  const [event] = useDebouncedValue(eventText.trim(), 400);
  const [customer] = useDebouncedValue(customerText.trim(), 400);
  const customerValid = customer === "" || /^[1-9]\d{0,14}$/.test(customer);

  const [rows, setRows] = useState<LiveEvent[]>([]);
  const [skipped, setSkipped] = useState(0);
  const [paused, setPaused] = useState(false);
  const held = useRef<LiveEvent[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const pausedRef = useRef(false);

  // The URL holds the filters; the stream follows it.
  const query = {
    event: state.event || undefined,
    channel: state.channel || undefined,
    customer: state.customer || undefined,
    topics: "events",
  };
  const onMessage = useCallback((m: LiveMessage) => {
    if (m.kind === "skipped") setSkipped((n) => n + m.skipped);
    if (m.kind !== "event") return;
    if (pausedRef.current) {
      held.current.push(m.event);
      if (held.current.length > MAX_ROWS) held.current.shift();
      setHeldCount((n) => n + 1);
      return;
    }
    setRows((r) => [m.event, ...r].slice(0, MAX_ROWS));
  }, []);
  const connection = useLiveStream(query, onMessage);

  const applyFilters = (next: Partial<typeof DEFAULTS>) => {
    set(next);
    setRows([]);
    held.current = [];
    setHeldCount(0);
  };
  // Typed filters reach the URL (and the stream) once typing stops.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the debounced text changes
  useEffect(() => {
    const next = { event, customer: customerValid ? customer : state.customer };
    if (next.event !== state.event || next.customer !== state.customer) applyFilters(next);
  }, [event, customer]);

  const pause = () => {
    pausedRef.current = true;
    setPaused(true);
  };
  const resume = () => {
    pausedRef.current = false;
    setPaused(false);
    const arrived = held.current;
    held.current = [];
    setHeldCount(0);
    if (arrived.length) setRows((r) => [...arrived.reverse(), ...r].slice(0, MAX_ROWS));
  };

  return (
    <Stack gap="md" data-testid="live">
      <ViewHeader title={t("title")} intro={t("intro")}>
        <Badge
          color={connection === "open" ? "green" : "gray"}
          variant={connection === "open" ? "dot" : "light"}
          data-testid="live-connection"
          data-state={connection}
        >
          {t(`connection.${connection}`)}
        </Badge>
      </ViewHeader>
      <Group align="end" wrap="wrap">
        <TextInput
          label={t("filter.event")}
          placeholder={t("filter.eventPlaceholder")}
          value={eventText}
          onChange={(e) => setEventText(e.currentTarget.value)}
          data-testid="live-filter-event"
        />
        <Select
          label={t("filter.channel")}
          placeholder={t("filter.anyChannel")}
          clearable
          data={CHANNELS.map((c) => ({ value: c, label: t(`common:channel.${c}`) }))}
          value={state.channel || null}
          onChange={(v) => applyFilters({ channel: v ?? "" })}
          data-testid="live-filter-channel"
        />
        <TextInput
          label={t("filter.customer")}
          placeholder={t("filter.customerPlaceholder")}
          value={customerText}
          onChange={(e) => setCustomerText(e.currentTarget.value)}
          error={customerValid ? undefined : t("filter.invalidCustomer")}
          inputMode="numeric"
          data-testid="live-filter-customer"
        />
      </Group>
      <Text size="sm" c={paused ? "orange" : "dimmed"} data-testid="live-status" data-paused={paused}>
        {paused
          ? heldCount === 1
            ? t("pausedOne")
            : t("paused", { count: heldCount })
          : t("running", { max: MAX_ROWS })}
      </Text>
      {skipped > 0 && (
        <Alert color="yellow" data-testid="live-skipped">
          {t("skipped", { count: skipped })}
        </Alert>
      )}
      {/* A log: new rows arrive on their own. It holds still under the pointer or the keyboard's focus. */}
      <div
        role="log"
        aria-label={t("listLabel")}
        onMouseEnter={pause}
        onMouseLeave={resume}
        onFocus={pause}
        onBlur={resume}
        data-testid="live-list"
      >
        {rows.length === 0 ? (
          <Stack gap={4} py="lg" data-testid="live-waiting">
            <Text fw={600}>{t("waiting")}</Text>
            <Text size="sm" c="dimmed">
              {t("waitingBody")}{" "}
              <Code>{`curl -u WRITE_KEY: ${window.location.origin}/v1/track -H 'content-type: application/json' -d '{"userId":"u-1","event":"Product Viewed"}'`}</Code>
            </Text>
          </Stack>
        ) : (
          <EventTable rows={rows} />
        )}
      </div>
    </Stack>
  );
}

function EventTable({ rows }: { rows: LiveEvent[] }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const can = useCan();
  const time = new Intl.DateTimeFormat(format.locale, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const channel = (c: string) => t(`common:channel.${c}`, { defaultValue: c });
  return (
    <Table striped highlightOnHover aria-label={t("listLabel")} data-testid="live-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("column.time")}</Table.Th>
          <Table.Th>{t("column.event")}</Table.Th>
          <Table.Th>{t("column.customer")}</Table.Th>
          <Table.Th>{t("column.channel")}</Table.Th>
          <Table.Th>{t("column.touchpoint")}</Table.Th>
          <Table.Th>{t("column.stage")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((e) => (
          <Table.Tr key={e.id} data-testid="live-row" data-message-id={e.messageId}>
            <Table.Td title={format.dateTime(e.timestamp)}>{time.format(new Date(e.receivedAt))}</Table.Td>
            <Table.Td>
              {e.event ?? (
                <Text span c="dimmed">
                  {e.type}
                </Text>
              )}
            </Table.Td>
            <Table.Td data-testid="live-customer">
              {e.customerId === null ? (
                <Text span c="dimmed" size="sm">
                  {t("anonymous")}
                </Text>
              ) : can("customers.read") ? (
                <Anchor component={Link} to={`/customers/${e.customerId}`}>
                  #{e.customerId}
                </Anchor>
              ) : (
                `#${e.customerId}`
              )}
            </Table.Td>
            <Table.Td>{channel(e.channel)}</Table.Td>
            <Table.Td data-testid="live-touchpoint">
              {e.touchpoint ? `${e.touchpoint.name} · ${e.touchpoint.stage.name}` : t("noTouchpoint")}
            </Table.Td>
            <Table.Td data-testid="live-stage">
              {e.stageChange && (
                <Tooltip label={t("provisional")} multiline w={260}>
                  <Badge variant="light" color="grape">
                    {e.stageChange.from
                      ? t("entered", { from: e.stageChange.from.name, to: e.stageChange.to.name })
                      : t("enteredFirst", { to: e.stageChange.to.name })}
                  </Badge>
                </Tooltip>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
