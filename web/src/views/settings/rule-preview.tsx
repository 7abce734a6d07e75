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

/**
 * A preview's frame: its title, a hint while the rule is incomplete (`body` null), the API's refusal
 * (also handed to `onError`), and what `children` shows of the answer once there is one.
 */
function PreviewPanel<T>({
  path,
  body,
  onError,
  children,
}: {
  path: string;
  body: Record<string, unknown> | null;
  onError: (error: unknown) => void;
  children: (answer: T) => ReactNode;
}) {
  const { t } = useTranslation(NS);
  const preview = usePreview<T>(path, body);
  useEffect(() => onError(preview.error ?? null), [preview.error, onError]);
  return (
    <Paper withBorder p="sm" data-testid="rule-preview">
      <Stack gap="xs">
        <Title order={4} size="h6">
          {t("preview.title")}
        </Title>
        {body === null ? (
          <Text size="sm" c="dimmed">
            {t("preview.incomplete")}
          </Text>
        ) : (
          <>
            <ActionError error={preview.error} />
            {preview.data === undefined ? (
              <Text size="sm" c="dimmed">
                {t("preview.loading")}
              </Text>
            ) : (
              children(preview.data)
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** What rules checked earlier already take: "<label> name (n), …", or `none`. */
function TakenByOthers({
  taken,
  by,
  label,
  none,
}: {
  taken: number;
  by: Array<{ name: string; n: number }>;
  label: string;
  none: string;
}) {
  const format = useFormat();
  return (
    <Text size="sm" c="dimmed" data-testid="rule-preview-taken" data-taken={taken}>
      {taken > 0 ? `${label} ${by.map((x) => `${x.name} (${format.number(x.n)})`).join(", ")}` : none}
    </Text>
  );
}

/** The examples of a preview as a table (each row's cells in the columns' order), or a line saying there are none. */
function Examples({
  columns,
  rows,
  minWidth,
}: {
  columns: string[];
  rows: Array<{ key: string | number; cells: ReactNode[] }>;
  /** Below this width the table scrolls sideways. */
  minWidth?: number;
}) {
  const { t } = useTranslation(NS);
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t("preview.none")}
      </Text>
    );
  const table = (
    <Table fz="xs" data-testid="rule-preview-examples">
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c}>{c}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key}>
            {columns.map((c, i) => (
              <Table.Td key={c}>{r.cells[i]}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return minWidth === undefined ? (
    table
  ) : (
    <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer>
  );
}

interface PreviewProps {
  /** The request without its period and examples; null while the rule is incomplete. */
  draft: Record<string, unknown> | null;
  /** Gets the preview's refusal (its path names the field) or null. */
  onError: (error: unknown) => void;
}

export function TouchpointPreviewPanel({ draft, onError }: PreviewProps) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  return (
    <PreviewPanel<TouchpointPreview>
      path="/api/touchpoints/preview"
      body={draft && { ...draft, days: DAYS, examples: EXAMPLES }}
      onError={onError}
    >
      {(r) => (
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
          <TakenByOthers
            taken={r.takenByOthers}
            by={r.takenBy.map((x) => ({ name: x.name, n: x.events }))}
            label={t("preview.taken", { events: format.number(r.takenByOthers) })}
            none={t("preview.takenNone")}
          />
          <Examples
            minWidth={520}
            columns={[t("preview.time"), t("preview.event"), t("preview.channel"), t("preview.properties")]}
            rows={r.examples.map((ex) => ({
              key: ex.messageId,
              cells: [
                format.dateTime(ex.timestamp),
                ex.event ?? ex.type,
                ex.channel,
                <Code key="properties" style={{ wordBreak: "break-all" }}>
                  {JSON.stringify(ex.properties)}
                </Code>,
              ],
            }))}
          />
        </>
      )}
    </PreviewPanel>
  );
}

export function PersonaPreviewPanel({ draft, onError }: PreviewProps) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  return (
    <PreviewPanel<PersonaPreview>
      path="/api/personas/preview"
      body={draft && { ...draft, examples: EXAMPLES }}
      onError={onError}
    >
      {(r) => (
        <>
          <Text size="sm" fw={500} data-testid="rule-preview-count" data-customers={r.customers}>
            {t("preview.customers", {
              customers: format.number(r.customers),
              share: format.percent(r.share),
            })}
          </Text>
          <TakenByOthers
            taken={r.takenByOthers}
            by={r.takenBy.map((x) => ({ name: x.name, n: x.customers }))}
            label={t("preview.takenPersonas", { customers: format.number(r.takenByOthers) })}
            none={t("preview.takenPersonasNone")}
          />
          <Examples
            columns={[
              t("preview.customer"),
              t("preview.personaNow"),
              t("preview.orders"),
              t("preview.lastSeen"),
            ]}
            rows={r.examples.map((ex) => ({
              key: ex.id,
              cells: [
                `#${ex.id}`,
                ex.persona ?? t("preview.noPersona"),
                format.number(ex.orders),
                format.date(ex.lastSeen),
              ],
            }))}
          />
        </>
      )}
    </PreviewPanel>
  );
}
