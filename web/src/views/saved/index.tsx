// Saved views: every analysis saved with its settings, searchable by name or description; opening one
// shows its view as it was saved (with today's data).
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCan } from "../../app/auth.js";
import { useUrlState } from "../../app/url-state.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { useDeleteView, useSavedViews, viewLink } from "./api.js";
import { CopyLink } from "./CopyLink.js";
import { KIND_LABELS, NS } from "./messages.js";

export default function SavedViewsPage() {
  const { t } = useTranslation([NS, "common"]);
  const f = useFormat();
  const can = useCan();
  const [state, set] = useUrlState({ search: "" });
  const [search] = useDebouncedValue(state.search, 250);
  const views = useSavedViews(search);
  const remove = useDeleteView();

  return (
    <Stack gap="md" data-testid="saved-view-list">
      <ViewHeader title={t("list.title")} intro={t("list.intro")} />
      <TextInput
        leftSection={<IconSearch size={16} aria-hidden />}
        aria-label={t("list.search")}
        placeholder={t("list.search")}
        value={state.search}
        onChange={(e) => set({ search: e.currentTarget.value })}
        maw={420}
        data-testid="saved-search"
      />
      <QueryState
        query={views}
        isEmpty={(r) => r.items.length === 0}
        empty={
          <EmptyState title={search ? t("list.noMatch", { search }) : t("list.empty")}>
            {!search && (
              <Text c="dimmed" size="sm">
                {t("list.emptyHint")}
              </Text>
            )}
          </EmptyState>
        }
      >
        {(r) => (
          <Card withBorder padding="md" data-testid="saved-results" data-search={search}>
            <Text size="xs" c="dimmed" mb="xs">
              {t("list.count", { count: r.items.length, total: r.total })}
            </Text>
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="xs" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("list.col.name")}</Table.Th>
                    <Table.Th>{t("list.col.kind")}</Table.Th>
                    <Table.Th>{t("list.col.owner")}</Table.Th>
                    <Table.Th>{t("list.col.updated")}</Table.Th>
                    <Table.Th ta="right">{t("list.col.boards")}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.items.map((v) => (
                    <Table.Tr key={v.id} data-testid="saved-row" data-id={v.id} data-name={v.name}>
                      <Table.Td>
                        <Anchor component={Link} to={viewLink(v)} fw={600} data-testid="saved-open">
                          {v.name}
                        </Anchor>
                        {v.description && (
                          <Text size="xs" c="dimmed" lineClamp={2}>
                            {v.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light">{t(KIND_LABELS[v.kind])}</Badge>
                      </Table.Td>
                      <Table.Td>{v.owner.name}</Table.Td>
                      <Table.Td>{f.dateTime(v.updatedAt)}</Table.Td>
                      <Table.Td ta="right">{f.number(v.boards.length)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <CopyLink path={`/saved/${v.id}`} testId="saved-copy-link" />
                          {can("views.edit") && (
                            <Button
                              variant="subtle"
                              color="red"
                              loading={remove.isPending && remove.variables === v.id}
                              onClick={() => {
                                if (
                                  window.confirm(
                                    t("list.confirmDelete", { name: v.name, boards: v.boards.length }),
                                  )
                                )
                                  remove.mutate(v.id);
                              }}
                              data-testid="saved-delete"
                            >
                              {t("list.delete")}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        )}
      </QueryState>
    </Stack>
  );
}
