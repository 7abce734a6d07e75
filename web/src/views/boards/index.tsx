// Boards: grids of saved views. The list (searchable) and, for those who may, a form for a new board.
import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useCan } from "../../app/auth.js";
import { useUrlState } from "../../app/url-state.js";
import { EmptyState, ErrorState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { useBoards, useCreateBoard } from "../saved/api.js";
import { NS } from "../saved/messages.js";

export default function BoardsPage() {
  const { t } = useTranslation(NS);
  const f = useFormat();
  const can = useCan();
  const [state, set] = useUrlState({ search: "" });
  const [search] = useDebouncedValue(state.search, 250);
  const boards = useBoards(search);

  return (
    <Stack gap="md" data-testid="boards-page">
      <ViewHeader title={t("boards.title")} intro={t("boards.intro")} />
      {can("views.edit") && <NewBoard />}
      <TextInput
        leftSection={<IconSearch size={16} aria-hidden />}
        aria-label={t("boards.search")}
        placeholder={t("boards.search")}
        value={state.search}
        onChange={(e) => set({ search: e.currentTarget.value })}
        maw={420}
      />
      <QueryState
        query={boards}
        isEmpty={(r) => r.items.length === 0}
        empty={
          <EmptyState title={t("boards.empty")}>
            <Text c="dimmed" size="sm">
              {t("boards.emptyHint")}
            </Text>
          </EmptyState>
        }
      >
        {(r) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {r.items.map((b) => (
              <Card key={b.id} withBorder padding="md" data-testid="board-card" data-id={b.id}>
                <Anchor component={Link} to={`/boards/${b.id}`} fw={700}>
                  {b.name}
                </Anchor>
                {b.description && (
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {b.description}
                  </Text>
                )}
                <Text size="xs" c="dimmed" mt="xs">
                  {t("boards.tiles", { count: b.tiles })} · {t("boards.owner", { name: b.owner.name })} ·{" "}
                  {f.dateTime(b.updatedAt)}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
    </Stack>
  );
}

function NewBoard() {
  const { t } = useTranslation(NS);
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useCreateBoard();
  return (
    <Card withBorder padding="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          create.mutate(
            { name: name.trim(), description: description.trim() },
            { onSuccess: (board) => navigate(`/boards/${board.id}`) },
          );
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>{t("boards.create")}</Text>
          <Group align="end" wrap="wrap">
            <TextInput
              label={t("boards.name")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={120}
              required
              w={280}
              data-testid="board-name"
            />
            <Textarea
              label={t("boards.description")}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={2000}
              autosize
              minRows={1}
              w={360}
              data-testid="board-description"
            />
            <Button
              type="submit"
              loading={create.isPending}
              disabled={!name.trim()}
              data-testid="board-create"
            >
              {t("boards.submit")}
            </Button>
          </Group>
          {create.isError && <ErrorState error={create.error} />}
        </Stack>
      </form>
    </Card>
  );
}
