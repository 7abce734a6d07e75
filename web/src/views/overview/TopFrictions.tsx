// The five frictions of the period with the most impact, each a link into the frictions view. It shares
// the frictions view's query (same period, same length), so following a link does not search again.
import { Anchor, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { queryString } from "../../api/client.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { useFindingText } from "../../i18n/findings.js";
import { useFormat } from "../../i18n/format.js";
import { useFrictions } from "../frictions/api.js";
import { frictionHref, KindBadge, useLostWords } from "../frictions/parts.js";
import type { OverviewScope } from "./api.js";

const TOP = 5;

/** `scope`: the overview's; the frictions are its cohort's customers'. */
export function TopFrictions({ scope }: { scope: OverviewScope }) {
  const { t } = useTranslation(["overview", "frictions"]);
  const findingText = useFindingText();
  const format = useFormat();
  const list = useFrictions(scope);
  const lostWords = useLostWords();
  return (
    <Paper withBorder p="md" radius="md" data-testid="top-frictions">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t("frictions.title")}
          </Title>
          <Anchor component={Link} to={`/frictions${queryString({ ...scope })}`} size="sm">
            {t("frictions.all")}
          </Anchor>
        </Group>
        {list.isPending ? (
          <Loading label={t("frictions:searching")} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.frictions.length === 0 ? (
          <EmptyState title={t("frictions.none")} />
        ) : (
          <Stack gap="xs" component="ol" p={0} m={0} style={{ listStyle: "none" }}>
            {list.data.frictions.slice(0, TOP).map((f) => (
              <Group
                component="li"
                key={f.id}
                gap="sm"
                wrap="nowrap"
                align="flex-start"
                data-testid="top-friction"
                data-id={f.id}
              >
                <Text fw={700} w={24} c="dimmed">
                  {f.rank}
                </Text>
                <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <KindBadge kind={f.kind} />
                    <Anchor
                      component={Link}
                      to={frictionHref(f.id, scope)}
                      size="sm"
                      fw={500}
                      data-testid="top-friction-link"
                    >
                      {findingText([f.message, ...f.notes])}
                    </Anchor>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {[t("frictions.customers", { n: format.number(f.customers) }), ...lostWords(f)].join(
                      " · ",
                    )}
                  </Text>
                </Stack>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
