// A board (/boards/:id): its saved views as a grid of tiles, each with its main numbers and a link to
// the full view. Those who may edit add, move, resize and remove tiles; anyone who may read copies its
// link or prints it to PDF (boards.css lays it out for paper).
import { ActionIcon, Anchor, Badge, Button, Card, Group, Select, Stack, Text, Title } from "@mantine/core";
import {
  IconArrowLeft,
  IconArrowRight,
  IconArrowsHorizontal,
  IconArrowsMinimize,
  IconPrinter,
  IconX,
} from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { GRID_COLUMNS } from "../../../../src/saved/schema.js";
import { useCan } from "../../app/auth.js";
import { EmptyState, ErrorState, QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import {
  type Board,
  type TileInput,
  tileInputs,
  useBoard,
  useDeleteBoard,
  useSavedViews,
  useSetTiles,
  viewLink,
} from "../saved/api.js";
import { CopyLink } from "../saved/CopyLink.js";
import { KIND_LABELS, NS } from "../saved/messages.js";
import { TileBody } from "./tiles.js";
import "./boards.css";

export default function BoardPage() {
  const { id = "" } = useParams();
  const board = useBoard(id);
  return <QueryState query={board}>{(b) => <BoardView board={b} />}</QueryState>;
}

function BoardView({ board }: { board: Board }) {
  const { t } = useTranslation([NS, "common"]);
  const f = useFormat();
  const can = useCan();
  const editable = can("views.edit");
  const navigate = useNavigate();
  const setTiles = useSetTiles(board.id);
  const remove = useDeleteBoard();
  const tiles = tileInputs(board);
  const change = (next: TileInput[]) => setTiles.mutate(next);
  const move = (i: number, by: number) => {
    const next = [...tiles];
    const [tile] = next.splice(i, 1);
    next.splice(i + by, 0, tile!);
    change(next);
  };
  const resize = (i: number, width: number) =>
    change(tiles.map((t, j) => (j === i ? { ...t, width: Math.min(GRID_COLUMNS, Math.max(3, width)) } : t)));

  return (
    <Stack gap="md" data-testid="board-page" data-id={board.id}>
      <Group justify="space-between" align="end" wrap="wrap">
        <div>
          <Anchor component={Link} to="/boards" size="sm" className="itinera-noprint">
            {t("board.back")}
          </Anchor>
          <Title order={2} data-testid="board-title">
            {board.name}
          </Title>
          {board.description && (
            <Text c="dimmed" size="sm">
              {board.description}
            </Text>
          )}
          <Text size="xs" c="dimmed" className="itinera-print-only">
            {t("board.printed", { when: f.dateTime(new Date().toISOString()) })}
          </Text>
        </div>
        <Group gap="sm" className="itinera-noprint">
          <CopyLink path={`/boards/${board.id}`} testId="board-copy-link" />
          <Button
            variant="default"
            leftSection={<IconPrinter size={16} aria-hidden />}
            onClick={() => window.print()}
            data-testid="board-export-pdf"
          >
            {t("board.exportPdf")}
          </Button>
          {editable && (
            <Button
              variant="subtle"
              color="red"
              loading={remove.isPending}
              onClick={() => {
                if (window.confirm(t("board.confirmDelete", { name: board.name })))
                  remove.mutate(board.id, { onSuccess: () => navigate("/boards") });
              }}
              data-testid="board-delete"
            >
              {t("board.delete")}
            </Button>
          )}
        </Group>
      </Group>
      {editable && (
        <AddTile board={board} onAdd={(view) => change([...tiles, { view }])} busy={setTiles.isPending} />
      )}
      {setTiles.isError && <ErrorState error={setTiles.error} />}
      {board.tiles.length === 0 ? (
        <EmptyState title={t("board.empty")}>
          <Text c="dimmed" size="sm">
            {t("board.emptyHint")}
          </Text>
        </EmptyState>
      ) : (
        <div className="itinera-board-grid" data-testid="board-grid">
          {board.tiles.map((tile, i) => (
            <Card
              key={tile.view.id}
              withBorder
              padding="sm"
              className="itinera-board-tile"
              style={{ gridColumn: `span ${tile.width}`, gridRow: `span ${tile.height}` }}
              data-testid="board-tile"
              data-view={tile.view.id}
              data-kind={tile.view.kind}
              data-width={tile.width}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs" mb={4}>
                <Group gap="xs" wrap="nowrap" miw={0}>
                  <Anchor
                    component={Link}
                    to={viewLink(tile.view)}
                    fw={600}
                    truncate
                    title={t("board.openFull")}
                  >
                    {tile.view.name}
                  </Anchor>
                  <Badge variant="light" size="sm">
                    {t(KIND_LABELS[tile.view.kind])}
                  </Badge>
                </Group>
                {editable && (
                  <Group gap={2} wrap="nowrap" className="itinera-noprint">
                    <ActionIcon
                      variant="subtle"
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={t("board.moveLeft", { name: tile.view.name })}
                    >
                      <IconArrowLeft size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      disabled={i === board.tiles.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={t("board.moveRight", { name: tile.view.name })}
                    >
                      <IconArrowRight size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      disabled={tile.width <= 3}
                      onClick={() => resize(i, tile.width - 3)}
                      aria-label={t("board.narrower", { name: tile.view.name })}
                    >
                      <IconArrowsMinimize size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      disabled={tile.width >= GRID_COLUMNS}
                      onClick={() => resize(i, tile.width + 3)}
                      aria-label={t("board.wider", { name: tile.view.name })}
                    >
                      <IconArrowsHorizontal size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      onClick={() => change(tiles.filter((_, j) => j !== i))}
                      aria-label={t("board.remove", { name: tile.view.name })}
                      data-testid="board-tile-remove"
                    >
                      <IconX size={16} />
                    </ActionIcon>
                  </Group>
                )}
              </Group>
              {tile.view.description && (
                <Text size="xs" c="dimmed" lineClamp={1} mb={4}>
                  {tile.view.description}
                </Text>
              )}
              <div className="itinera-board-tile-body">
                <TileBody view={tile.view} height={tile.height} />
              </div>
            </Card>
          ))}
        </div>
      )}
    </Stack>
  );
}

function AddTile({ board, onAdd, busy }: { board: Board; onAdd: (view: string) => void; busy: boolean }) {
  const { t } = useTranslation([NS, "common"]);
  const views = useSavedViews("");
  const [picked, setPicked] = useState<string | null>(null);
  const options = useMemo(() => {
    const on = new Set(board.tiles.map((tile) => tile.view.id));
    return (views.data?.items ?? [])
      .filter((v) => !on.has(v.id))
      .map((v) => ({ value: v.id, label: `${v.name} · ${t(KIND_LABELS[v.kind])}` }));
  }, [views.data, board.tiles, t]);
  return (
    <Card withBorder padding="sm" className="itinera-noprint">
      <Group align="end" wrap="wrap">
        <Select
          label={t("board.addTile")}
          placeholder={options.length ? t("board.addPlaceholder") : t("board.noneLeft")}
          data={options}
          value={picked}
          onChange={setPicked}
          searchable
          disabled={options.length === 0}
          w={360}
          data-testid="board-add-select"
        />
        <Button
          disabled={!picked}
          loading={busy}
          onClick={() => {
            if (picked) onAdd(picked);
            setPicked(null);
          }}
          data-testid="board-add"
        >
          {t("board.add")}
        </Button>
      </Group>
    </Card>
  );
}
