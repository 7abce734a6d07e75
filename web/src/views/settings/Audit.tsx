// The audit log: who changed what and when, newest first, filtered by kind of action (kept in the URL),
// each entry's before and after on demand. Read-only: entries are never changed or removed.
import { Badge, Code, Group, Select, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { IconEye } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AuditPage, AuditRecord } from "../../../../src/audit/log.js";
import { api } from "../../api/client.js";
import { useUrlState } from "../../app/url-state.js";
import { MorePages } from "../../components/MorePages.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import { IconAction, ListTable, TabHeader, TitledModal } from "./parts.js";

/** The filter's choices: action prefixes (`noun.`), each named in messages' audit.groups. */
const GROUPS = [
  "write_key.",
  "token.",
  "account.",
  "access.",
  "touchpoint.",
  "persona.",
  "journey_model.",
  "lane.",
  "friction_settings.",
  "journey.",
  "import.",
  "customer.",
  "retention.",
] as const;

const PAGE = 50;

export function Audit() {
  const { t } = useTranslation([NS, "common"]);
  const [state, set] = useUrlState({ action: "" });
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const pages = useInfiniteQuery({
    queryKey: ["audit", state.action],
    queryFn: ({ pageParam, signal }) =>
      api<AuditPage>("/api/audit", {
        query: { limit: PAGE, action: state.action, after: pageParam },
        signal,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });

  const filter = (
    <Select
      label={t("audit.filter")}
      data={[
        { value: "", label: t("audit.all") },
        ...GROUPS.map((g) => ({ value: g, label: t(`audit.groups.${g.slice(0, -1)}`) })),
      ]}
      value={state.action}
      onChange={(v) => set({ action: v ?? "" })}
      allowDeselect={false}
      w={240}
      data-testid="audit-filter"
    />
  );

  let body: ReactNode;
  if (pages.isPending) body = <Loading />;
  else if (pages.isError) body = <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />;
  else {
    const rows = pages.data.pages.flatMap((p) => p.items);
    body =
      rows.length === 0 ? (
        <EmptyState title={state.action ? t("audit.noneMatch") : t("audit.none")} />
      ) : (
        <Stack gap="sm">
          <ListTable
            minWidth={720}
            striped
            headers={[t("audit.when"), t("audit.who"), t("audit.action"), t("audit.target"), ""]}
          >
            {rows.map((e) => (
              <AuditRow key={e.id} entry={e} onOpen={() => setOpen(e)} />
            ))}
          </ListTable>
          <MorePages pages={pages} label={t("audit.more")} testId="audit-more" />
        </Stack>
      );
  }

  return (
    <Stack gap="md" data-testid="settings-audit">
      <TabHeader intro={t("audit.intro")} action={filter} />
      {body}
      {open && <EntryModal entry={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

/** When, to the second, in the reader's language and time zone. */
function useWhen(): (iso: string) => string {
  const format = useFormat();
  const f = new Intl.DateTimeFormat(format.locale, { dateStyle: "medium", timeStyle: "medium" });
  return (iso) => f.format(new Date(iso));
}

function Who({ actor }: { actor: AuditRecord["actor"] }) {
  const { t } = useTranslation(NS);
  return (
    <>
      <Text size="sm" fw={500}>
        {actor.kind === "system" ? t(`audit.system.${actor.name}`, { defaultValue: actor.name }) : actor.name}
      </Text>
      <Text size="xs" c="dimmed">
        {t(`audit.kinds.${actor.kind}`)}
      </Text>
    </>
  );
}

function AuditRow({ entry, onOpen }: { entry: AuditRecord; onOpen: () => void }) {
  const { t } = useTranslation(NS);
  const when = useWhen();
  return (
    <Table.Tr data-testid="audit-row" data-id={entry.id} data-action={entry.action}>
      <Table.Td title={entry.at}>{when(entry.at)}</Table.Td>
      <Table.Td>
        <Who actor={entry.actor} />
      </Table.Td>
      <Table.Td>
        <Badge
          variant="light"
          color={entry.action === "access.denied" ? "red" : "blue"}
          tt="none"
          data-testid="audit-action"
        >
          {entry.action}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" data-testid="audit-target">
          {entry.target ?? "–"}
        </Text>
      </Table.Td>
      <Table.Td>
        <IconAction
          label={t("audit.details")}
          ariaLabel={t("audit.detailsOf", { action: entry.action, target: entry.target ?? "" })}
          icon={<IconEye size={16} />}
          onClick={onOpen}
          testId="audit-open"
        />
      </Table.Td>
    </Table.Tr>
  );
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

function EntryModal({ entry, onClose }: { entry: AuditRecord; onClose: () => void }) {
  const { t } = useTranslation(NS);
  const when = useWhen();
  const hasChange = entry.before !== null || entry.after !== null;
  return (
    <TitledModal opened onClose={onClose} title={entry.action} size="xl">
      <Stack gap="sm" data-testid="audit-entry">
        <Group gap="xl">
          <div>
            <Text size="xs" c="dimmed">
              {t("audit.when")}
            </Text>
            <Text size="sm">{when(entry.at)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("audit.who")}
            </Text>
            <Who actor={entry.actor} />
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("audit.target")}
            </Text>
            <Text size="sm" ff="monospace">
              {entry.target ?? "–"}
            </Text>
          </div>
        </Group>
        {hasChange && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <JsonBlock label={t("audit.before")} value={entry.before} testId="audit-before" />
            <JsonBlock label={t("audit.after")} value={entry.after} testId="audit-after" />
          </SimpleGrid>
        )}
        {entry.detail !== null && (
          <JsonBlock label={t("audit.detail")} value={entry.detail} testId="audit-detail" />
        )}
      </Stack>
    </TitledModal>
  );
}

function JsonBlock({ label, value, testId }: { label: string; value: unknown; testId: string }) {
  const { t } = useTranslation(NS);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      {value === null ? (
        <Text size="sm" c="dimmed">
          {t("audit.nothing")}
        </Text>
      ) : (
        <Code block mah={420} style={{ overflow: "auto" }} data-testid={testId}>
          {pretty(value)}
        </Code>
      )}
    </Stack>
  );
}
