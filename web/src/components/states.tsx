// Loading, error and empty states: every view shows one of these rather than a blank or a crash.
import { Alert, Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client.js";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite" aria-busy="true">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label ?? t("state.loading")}</Text>
      </Group>
    </Center>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? ` (${error.code})` : "";
  return (
    <Alert color="red" title={t("state.error")} role="alert" data-testid="error-state">
      <Stack gap="xs">
        <Text size="sm">
          {message}
          {code}
        </Text>
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              {t("state.retry")}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, children }: { title?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" data-testid="empty-state">
      <Stack gap="xs" align="center" maw={560}>
        <Text fw={600}>{title ?? t("state.noData")}</Text>
        {children}
      </Stack>
    </Center>
  );
}

/**
 * A query's three other states around its data: loading, error (with retry) and, when `isEmpty` says
 * so, empty. `children` renders only with data.
 */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return empty ?? <EmptyState />;
  return children(query.data);
}
