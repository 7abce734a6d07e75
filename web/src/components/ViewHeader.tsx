// Every view's heading: its title, one line on what it answers, and (on the right) its main controls.
import { Group, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

export function ViewHeader({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: string;
  children?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="end" wrap="wrap" gap="md">
      <div>
        <Title order={2}>{title}</Title>
        {intro && (
          <Text c="dimmed" size="sm">
            {intro}
          </Text>
        )}
      </div>
      {children}
    </Group>
  );
}
