// The calls of saved views and boards, and a saved view's link (its view's path with its state).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type Board,
  type BoardList,
  type SavedView,
  type SavedViewInput,
  type SavedViewList,
  type TileInput,
  VIEW_KIND_PATHS,
} from "../../../../src/saved/schema.js";
import { api } from "../../api/client.js";

export type { Board, SavedView, TileInput };

/** Where a saved view opens: its view's page with the saved URL query. */
export function viewLink(view: Pick<SavedView, "kind" | "state">): string {
  const query = new URLSearchParams(view.state).toString();
  return `${VIEW_KIND_PATHS[view.kind]}${query ? `?${query}` : ""}`;
}

/** A link to send to a team member: it opens after they sign in. */
export const shareLink = (path: string) => new URL(path, window.location.origin).href;

export function useSavedViews(search: string) {
  return useQuery({
    queryKey: ["saved-views", search],
    queryFn: ({ signal }) =>
      api<SavedViewList>("/api/views", { query: { search: search.trim() || undefined }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useSavedView(id: string) {
  return useQuery({
    queryKey: ["saved-view", id],
    queryFn: ({ signal }) => api<SavedView>(`/api/views/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useBoards(search: string) {
  return useQuery({
    queryKey: ["boards", search],
    queryFn: ({ signal }) =>
      api<BoardList>("/api/boards", { query: { search: search.trim() || undefined }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useBoard(id: string) {
  return useQuery({
    queryKey: ["board", id],
    queryFn: ({ signal }) => api<Board>(`/api/boards/${encodeURIComponent(id)}`, { signal }),
  });
}

/** Invalidates every list a change to views or boards shows up in. */
function useSavedChanges() {
  const client = useQueryClient();
  return () =>
    Promise.all(
      ["saved-views", "saved-view", "boards", "board"].map((k) =>
        client.invalidateQueries({ queryKey: [k] }),
      ),
    );
}

export function useSaveView() {
  const changed = useSavedChanges();
  return useMutation({
    mutationFn: (input: SavedViewInput) => api<SavedView>("/api/views", { method: "POST", body: input }),
    onSuccess: changed,
  });
}

export function useDeleteView() {
  const changed = useSavedChanges();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ id: string }>(`/api/views/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: changed,
  });
}

export function useCreateBoard() {
  const changed = useSavedChanges();
  return useMutation({
    mutationFn: (input: { name: string; description: string }) =>
      api<Board>("/api/boards", { method: "POST", body: input }),
    onSuccess: changed,
  });
}

/** Replaces a board's tiles (add, remove, reorder, resize are all this). */
export function useSetTiles(id: string) {
  const client = useQueryClient();
  const changed = useSavedChanges();
  return useMutation({
    mutationFn: (tiles: TileInput[]) =>
      api<Board>(`/api/boards/${encodeURIComponent(id)}`, { method: "PATCH", body: { tiles } }),
    onSuccess: (board) => {
      client.setQueryData(["board", id], board);
      return changed();
    },
  });
}

export function useDeleteBoard() {
  const changed = useSavedChanges();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ id: string }>(`/api/boards/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: changed,
  });
}

export const tileInputs = (b: Board): TileInput[] =>
  b.tiles.map((t) => ({ view: t.view.id, width: t.width, height: t.height }));
