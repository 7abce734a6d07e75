// Live previews of a draft rule (debounced): what a touchpoint's rule matches in the latest days, or how
// many customers a persona's conditions take, with examples and what a rule checked earlier already takes.
import { Code, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { PersonaPreview, TouchpointPreview } from "../../../../src/journey/preview.js";
import { api } from "../../api/client.js";
import { useFormat } from "../../i18n/format.js";
import { ActionError } from "./parts.js";
import { NS } from "./rule-messages.js";

const DAYS = 30;
const EXAMPLES = 5;

/** The preview of `body` at `path` once `body` has stayed the same for a moment; none while null. */
function usePreview<T>(path: string, body: Record<string, unknown> | null) {
  const [settled] = useDebouncedValue(body === null ? null : JSON.stringify(body), 400);
  return useQuery({
    queryKey: ["rule-preview", path, settled],
    queryFn: ({ signal }) => api<T>(path, { method: "POST", body: JSON.parse(settled!), signal }),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

function Frame({ children }: { children: ReactNode }) {
  const { t } = useTranslation(NS);
  return (
    <Paper withBorder p="sm" data-testid="rule-preview">
      <Stack gap="xs">
        <Title order={4} size="h6">
          {t("preview.title")}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** `draft` is the request without its period and examples; null while the rule is incomplete. */
export function TouchpointPreviewPanel({
  draft,
  onError,
}: {
  draft: Record<string, unknown> | null;
  /** Gets the preview's refusal (its path names the field) or null. */
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const preview = usePreview<TouchpointPreview>(
    "/api/touchpoints/preview",
    draft && { ...draft, days: DAYS, examples: EXAMPLES },
  );
  useEffect(() => onError(preview.error ?? null), [preview.error, onError]);
  if (draft === null)
    return (
      <Frame>
        <Text size="sm" c="dimmed">
          {t("preview.incomplete")}
        </Text>
      </Frame>
    );
  const r = preview.data;
  return (
    <Frame>
      <ActionError error={preview.error} />
      {!r ? (
        <Text size="sm" c="dimmed">
          {t("preview.loading")}
        </Text>
      ) : (
        <>
          <Text
            size="sm"
            fw={500}
            data-testid="rule-preview-count"
            data-events={r.events}
            data-customers={r.customers}
          >
            {t("preview.events", {
              events: format.number(r.events),
              customers: format.number(r.customers),
              share: format.percent(r.share),
              days: DAYS,
            })}
          </Text>
          <Text size="sm" c="dimmed" data-testid="rule-preview-taken" data-taken={r.takenByOthers}>
            {r.takenByOthers > 0
              ? `${t("preview.taken", { events: format.number(r.takenByOthers) })} ${r.takenBy
                  .map((x) => `${x.name} (${format.number(x.events)})`)
                  .join(", ")}`
              : t("preview.takenNone")}
          </Text>
          {r.examples.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("preview.none")}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table fz="xs" data-testid="rule-preview-examples">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("preview.time")}</Table.Th>
                    <Table.Th>{t("preview.event")}</Table.Th>
                    <Table.Th>{t("preview.channel")}</Table.Th>
                    <Table.Th>{t("preview.properties")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.examples.map((ex) => (
                    <Table.Tr key={ex.messageId}>
                      <Table.Td>{format.dateTime(ex.timestamp)}</Table.Td>
                      <Table.Td>{ex.event ?? ex.type}</Table.Td>
                      <Table.Td>{ex.channel}</Table.Td>
                      <Table.Td>
                        <Code style={{ wordBreak: "break-all" }}>{JSON.stringify(ex.properties)}</Code>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Frame>
  );
}

export function PersonaPreviewPanel({
  draft,
  onError,
}: {
  draft: Record<string, unknown> | null;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const preview = usePreview<PersonaPreview>(
    "/api/personas/preview",
    draft && { ...draft, examples: EXAMPLES },
  );
  useEffect(() => onError(preview.error ?? null), [preview.error, onError]);
  if (draft === null)
    return (
      <Frame>
        <Text size="sm" c="dimmed">
          {t("preview.incomplete")}
        </Text>
      </Frame>
    );
  const r = preview.data;
  return (
    <Frame>
      <ActionError error={preview.error} />
      {!r ? (
        <Text size="sm" c="dimmed">
          {t("preview.loading")}
        </Text>
      ) : (
        <>
          <Text size="sm" fw={500} data-testid="rule-preview-count" data-customers={r.customers}>
            {t("preview.customers", {
              customers: format.number(r.customers),
              share: format.percent(r.share),
            })}
          </Text>
          <Text size="sm" c="dimmed" data-testid="rule-preview-taken" data-taken={r.takenByOthers}>
            {r.takenByOthers > 0
              ? `${t("preview.takenPersonas", { customers: format.number(r.takenByOthers) })} ${r.takenBy
                  .map((x) => `${x.name} (${format.number(x.customers)})`)
                  .join(", ")}`
              : t("preview.takenPersonasNone")}
          </Text>
          {r.examples.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("preview.none")}
            </Text>
          ) : (
            <Table fz="xs" data-testid="rule-preview-examples">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("preview.customer")}</Table.Th>
                  <Table.Th>{t("preview.personaNow")}</Table.Th>
                  <Table.Th>{t("preview.orders")}</Table.Th>
                  <Table.Th>{t("preview.lastSeen")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.examples.map((ex) => (
                  <Table.Tr key={ex.id}>
                    <Table.Td>#{ex.id}</Table.Td>
                    <Table.Td>{ex.persona ?? t("preview.noPersona")}</Table.Td>
                    <Table.Td>{format.number(ex.orders)}</Table.Td>
                    <Table.Td>{format.date(ex.lastSeen)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Frame>
  );
}
