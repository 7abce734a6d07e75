// The chosen persona as the CX team wrote it — summary, quote, goals, needs, frustrations — above its
// measured journey, so the map reads as this person's story.
import { Blockquote, List, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { JourneyMap } from "../../../../src/journey/map/schema.js";
import { usePersonas } from "../../api/shared.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";

export function PersonaCard({ persona }: { persona: NonNullable<JourneyMap["persona"]> }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const personas = usePersonas();
  const customers = personas.data?.items.find((p) => p.id === persona.id)?.customers;
  const n = persona.narrative;
  const lists = n
    ? ([
        ["goals", n.goals],
        ["needs", n.needs],
        ["frustrations", n.frustrations],
      ] as const)
    : [];
  return (
    <Paper withBorder p="md" className="jm-persona" data-testid="jm-persona-card">
      <Stack gap="xs">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t("persona.card")}
        </Text>
        <Title order={3}>{persona.name}</Title>
        {customers !== undefined && (
          <Text size="sm" c="dimmed">
            {t("persona.customers", { n: format.number(customers) })}
          </Text>
        )}
        {!n && <Text size="sm">{t("persona.noNarrative")}</Text>}
        {n?.summary && <Text size="sm">{n.summary}</Text>}
        {n?.quote && (
          <Blockquote p="xs" fz="sm" fs="italic">
            {n.quote}
          </Blockquote>
        )}
        {lists.length > 0 && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            {lists.map(([key, items]) => (
              <div key={key}>
                <Text size="sm" fw={600}>
                  {t(`persona.${key}`)}
                </Text>
                <List size="sm" spacing={2}>
                  {items.map((item) => (
                    <List.Item key={item}>{item}</List.Item>
                  ))}
                </List>
              </div>
            ))}
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
