// The customers behind a number, in a side drawer, page by page. Every view that shows a count of
// customers opens this with the API call that lists exactly those customers.
import { Anchor, Badge, Drawer, Stack, Table, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../api/client.js";
import { type InsightKind, useInsightResult } from "../api/insights.js";
import { usePersonas } from "../api/shared.js";
import { useCan } from "../app/auth.js";
import { useFormat } from "../i18n/format.js";
import { MorePages } from "./MorePages.js";
import { ErrorState, Loading } from "./states.js";

export interface CustomerRow {
  id: number;
  name: string | null;
  stage?: string | null;
  persona?: string | null;
  lastSeen?: string | null;
  /** Anything else the list knows about the customer (e.g. the funnel step reached). */
  detail?: ReactNode;
}

export interface CustomerPage {
  total: number;
  customers: CustomerRow[];
  next: number | null;
}

/**
 * The customers behind one number of an analysis: POST /api/insights/{kind}/customers with the request
 * the view sent and the cell that names the number.
 */
export function insightCustomerList(
  kind: string,
  request: unknown,
  cell: Record<string, unknown>,
  title: string,
): CustomerListRequest {
  return {
    key: ["insight", kind, request, cell],
    title,
    page: (after, signal) =>
      api<CustomerPage>(`/api/insights/${kind}/customers`, {
        method: "POST",
        body: { request, cell, limit: 50, ...(after === undefined ? {} : { after }) },
        signal,
      }),
  };
}

/**
 * The customers behind the numbers of one analysis's result: `open(cell, title)` lists those of a cell in
 * `drawer` (render it once in the view). Nothing opens while the numbers on screen are a previous
 * request's (`stale`), since the list would be of other numbers.
 */
export function useInsightCustomers(kind: string, request: unknown, stale: boolean) {
  const [list, setList] = useState<CustomerListRequest | null>(null);
  const open = (cell: Record<string, unknown>, title: string) => {
    if (!stale && request !== undefined && request !== null)
      setList(insightCustomerList(kind, request, cell, title));
  };
  const drawer = <CustomerListDrawer request={list} onClose={() => setList(null)} />;
  return { open, drawer };
}

/**
 * A view's analysis: the answer to `request` (the previous answer stays on screen while a new one runs)
 * and the customers behind its numbers (`customers.open`, `customers.drawer`).
 */
export function useInsight<R>(kind: InsightKind, request: unknown, enabled = true) {
  const query = useInsightResult<R>(kind, request, { enabled, keepPrevious: true });
  const customers = useInsightCustomers(kind, request, query.isPlaceholderData);
  return { query, customers };
}

export interface CustomerListRequest {
  /** Stable identity of the list (the query key). */
  key: readonly unknown[];
  title: string;
  /** Fetches one page; `after` is the previous page's `next`. */
  page: (after: number | undefined, signal: AbortSignal) => Promise<CustomerPage>;
}

export function CustomerListDrawer({
  request,
  onClose,
}: {
  request: CustomerListRequest | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={request !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={<Text fw={600}>{request?.title ?? t("customers.title")}</Text>}
      closeButtonProps={{ "aria-label": t("action.close") }}
    >
      {request && <CustomerPages request={request} />}
    </Drawer>
  );
}

function CustomerPages({ request }: { request: CustomerListRequest }) {
  const { t } = useTranslation();
  const format = useFormat();
  const pages = useInfiniteQuery({
    queryKey: ["customer-list", ...request.key],
    queryFn: ({ pageParam, signal }) => request.page(pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />;
  const rows = pages.data.pages.flatMap((p) => p.customers);
  const total = pages.data.pages[0]?.total ?? 0;
  return (
    <Stack gap="sm" data-testid="customer-list">
      <Text size="sm" c="dimmed" data-testid="customer-list-total" data-total={total}>
        {t("customers.total", { n: format.number(total) })}
      </Text>
      {rows.length === 0 ? <Text c="dimmed">{t("customers.none")}</Text> : <CustomerTable rows={rows} />}
      <MorePages pages={pages} label={t("customers.more")} />
    </Stack>
  );
}

/**
 * Customers as a table: name (linking to the 360 for roles that may open it), stage, persona and last
 * seen. The drawer above and the friction detail both list customers with it.
 */
export function CustomerTable({ rows, rowTestId }: { rows: CustomerRow[]; rowTestId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const canOpen = useCan()("customers.read");
  const personas = usePersonas();
  const personaName = (id: string | null | undefined) =>
    id ? (personas.data?.items.find((p) => p.id === id)?.name ?? id) : "–";
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover stickyHeader fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("customers.name")}</Table.Th>
            <Table.Th>{t("customers.stage")}</Table.Th>
            <Table.Th>{t("customers.persona")}</Table.Th>
            <Table.Th>{t("customers.lastSeen")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Table.Tr key={c.id} data-testid={rowTestId}>
              <Table.Td>
                {canOpen ? (
                  <Anchor component={Link} to={`/customers/${c.id}`}>
                    {c.name ?? `#${c.id}`}
                  </Anchor>
                ) : (
                  (c.name ?? `#${c.id}`)
                )}
                {c.detail && <div>{c.detail}</div>}
              </Table.Td>
              <Table.Td>
                {c.stage ? <Badge variant="light">{t(`stage.${c.stage}`, c.stage)}</Badge> : "–"}
              </Table.Td>
              <Table.Td>{personaName(c.persona)}</Table.Td>
              <Table.Td>{format.dateTime(c.lastSeen)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
