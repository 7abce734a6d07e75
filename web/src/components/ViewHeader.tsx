// Every view's heading: its title, one line on what it answers, and (on the right) its main controls;
// an analysis names its kind (`save`) to offer saving it as it is now.
import { Group, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { ViewKind } from "../../../src/saved/schema.js";
import { SaveViewButton } from "./SaveView.js";

export function ViewHeader({
  title,
  intro,
  save,
  children,
}: {
  title: string;
  intro?: string;
  save?: ViewKind;
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
      {save ? (
        <Group align="end" wrap="wrap" gap="md">
          {children}
          <SaveViewButton kind={save} />
        </Group>
      ) : (
        children
      )}
    </Group>
  );
}
