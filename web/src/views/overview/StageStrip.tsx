// The journey's stages left to right: customers in each now, customers who reached it in the period (a
// button to see them) and, between two stages, the share of the first's customers who moved on.
import { Anchor, Box, Button, Group, Paper, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { IconArrowRight } from "@tabler/icons-react";
import { Fragment, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { queryString } from "../../api/client.js";
import { CustomerListDrawer, type CustomerListRequest } from "../../components/CustomerList.js";
import { useFormat } from "../../i18n/format.js";
import { type Overview, type OverviewScope, stageAudience } from "./api.js";

export function StageStrip({ stages, scope }: { stages: Overview["stages"]; scope: OverviewScope }) {
  const { t } = useTranslation(["overview", "common"]);
  const format = useFormat();
  const [request, setRequest] = useState<CustomerListRequest | null>(null);
  const stageName = (s: Overview["stages"][number]) => t(`common:stage.${s.key}`, { defaultValue: s.name });
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t("stages.title")}
          </Title>
          {/* The journey map has no stage picker: it opens for the persona and the period. */}
          <Anchor
            component={Link}
            to={`/journey-map${queryString({ persona: scope.persona, from: scope.from, to: scope.to })}`}
            size="sm"
          >
            {t("stages.openMap")}
          </Anchor>
        </Group>
        <ScrollArea type="auto" offsetScrollbars>
          <Group gap={4} wrap="nowrap" align="stretch" data-testid="stage-strip">
            {stages.map((s, i) => {
              const next = stages[i + 1];
              return (
                <Fragment key={s.key}>
                  <Paper
                    bg="gray.0"
                    p="xs"
                    radius="md"
                    style={{ flex: "1 1 0", minWidth: 104 }}
                    data-testid={`stage-${s.key}`}
                  >
                    <Text size="sm" fw={600}>
                      {stageName(s)}
                    </Text>
                    <Group gap={6} align="baseline">
                      <Text fz={24} fw={700} data-testid={`stage-${s.key}-current`}>
                        {format.number(s.current)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t("stages.now")}
                      </Text>
                    </Group>
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      px={4}
                      ml={-4}
                      data-testid={`stage-${s.key}-reached`}
                      aria-label={t("stages.reachedLabel", {
                        n: format.number(s.reached),
                        stage: stageName(s),
                      })}
                      disabled={s.reached === 0}
                      onClick={() =>
                        setRequest({
                          key: ["overview-stage", s.key, scope],
                          title: t("stages.drawer", { stage: stageName(s) }),
                          page: (after, signal) => stageAudience(s.key, scope, after, signal),
                        })
                      }
                    >
                      {t("stages.reached", { n: format.number(s.reached) })}
                    </Button>
                  </Paper>
                  {next && (
                    <Stack
                      gap={0}
                      align="center"
                      justify="center"
                      miw={48}
                      data-testid={`conversion-${s.key}`}
                      aria-label={t("stages.conversionLabel", {
                        p: format.percent(s.conversion),
                        from: stageName(s),
                        to: stageName(next),
                      })}
                      role="img"
                    >
                      <IconArrowRight size={20} aria-hidden />
                      <Box ta="center">
                        <Text size="sm" fw={700} data-testid={`conversion-${s.key}-value`}>
                          {format.percent(s.conversion)}
                        </Text>
                      </Box>
                    </Stack>
                  )}
                </Fragment>
              );
            })}
          </Group>
        </ScrollArea>
      </Stack>
      <CustomerListDrawer request={request} onClose={() => setRequest(null)} />
    </Paper>
  );
}
