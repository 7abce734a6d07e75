// "Show more" under a paged list (react-query's infinite queries): one button, shown while there is a next page.
import { Button, Group } from "@mantine/core";

export function MorePages({
  pages,
  label,
  testId,
}: {
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label: string;
  testId?: string;
}) {
  if (!pages.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button
        variant="light"
        loading={pages.isFetchingNextPage}
        onClick={() => void pages.fetchNextPage()}
        data-testid={testId}
      >
        {label}
      </Button>
    </Group>
  );
}
