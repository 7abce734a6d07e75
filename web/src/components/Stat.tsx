// A headline number of an analysis on a small card: its label above, the number (or a count that opens
// its customers) below, so the totals of every insight view look alike.
import { Card, Text } from "@mantine/core";
import type { ReactNode } from "react";

export function Stat({
  label,
  value,
  raw,
  testId,
}: {
  label: string;
  /** What is shown: a formatted number, or a CountButton. */
  value: ReactNode;
  /** The number itself, as `data-value` for tests and tools. */
  raw?: number;
  testId?: string;
}) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId} data-value={raw}>
        {value}
      </Text>
    </Card>
  );
}
