// The funnels view: build a funnel, see how many customers reach each step and open the customers
// behind any count. The whole definition is one URL parameter (`funnel`), the period two more.
import { Badge, Group, Loader, Stack } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FunnelRequest, FunnelResult } from "../../../../src/analytics/funnel.js";
import { useStats } from "../../api/shared.js";
import { useUrlState } from "../../app/url-state.js";
import { useInsight } from "../../components/CustomerList.js";
import { FirstEvent } from "../../components/FirstEvent.js";
import { PeriodInputs, PersonaSelect, StageSelect } from "../../components/filters.js";
import { useStepLabel } from "../../components/StepPicker.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import {
  DEFAULT_FUNNEL,
  definitionOf,
  draftOf,
  type FunnelDraft,
  funnelRequestOf,
  readDefinition,
} from "./definition.js";
import { FunnelBuilder } from "./FunnelBuilder.js";
import { FunnelResults, type OpenList } from "./FunnelResults.js";
import { NS } from "./messages.js";
import { type Interval, IntervalControl, OverTime } from "./OverTime.js";

export default function FunnelsView() {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const [state, set] = useUrlState({
    funnel: "",
    persona: "",
    stage: "",
    from: "",
    to: "",
    interval: "",
  });
  const interval: Interval = state.interval === "day" || state.interval === "week" ? state.interval : "";
  const definition = useMemo(() => readDefinition(state.funnel), [state.funnel]);
  const [draft, setDraft] = useState<FunnelDraft>(() => draftOf(definition));
  // A new definition in the URL (back, a pasted link, the reset) replaces the draft.
  useEffect(() => setDraft(draftOf(definition)), [definition]);
  const checked = definitionOf(draft);
  const dirty = !checked.ok || JSON.stringify(checked.value) !== JSON.stringify(definition);

  const request = useMemo<FunnelRequest>(() => funnelRequestOf(state, definition), [definition, state]);
  const stats = useStats();
  const { query: funnel, customers } = useInsight<FunnelResult>("funnel", request, stats.data?.events !== 0);
  const stepLabel = useStepLabel();
  const labels = useMemo(() => definition.steps.map(stepLabel), [definition, stepLabel]);

  const open: OpenList = (step, kind, only = {}) => {
    // The numbers on screen are the previous funnel's until the new one arrives.
    if (funnel.isPlaceholderData) return;
    const name = labels[step - 1] ?? "";
    const title = t(kind === "reached" ? "result.reachedTitle" : "result.droppedTitle", { step: name });
    const of =
      only.breakdown !== undefined
        ? ` · ${only.breakdown ?? t("result.noValue")}`
        : only.period !== undefined
          ? ` · ${format.date(only.period)}`
          : "";
    customers.open({ step, kind, ...only }, title + of);
  };

  if (stats.data?.events === 0) return <FirstEvent />;

  return (
    <Stack gap="lg" data-testid="funnels-view">
      <ViewHeader title={t("title")} intro={t("subtitle")} save="funnels">
        <Group align="end" wrap="wrap">
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona })} />
          <StageSelect value={state.stage} onChange={(stage) => set({ stage })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
          <IntervalControl value={interval} onChange={(v) => set({ interval: v })} />
        </Group>
      </ViewHeader>

      <FunnelBuilder
        draft={draft}
        onChange={setDraft}
        dirty={dirty}
        invalid={checked.ok ? null : checked.reason}
        onApply={() => checked.ok && set({ funnel: JSON.stringify(checked.value) }, { push: true })}
        onReset={() => {
          set({ funnel: "" }, { push: true });
          setDraft(draftOf(DEFAULT_FUNNEL));
        }}
      />

      {funnel.isPending ? (
        <Loading />
      ) : funnel.isError ? (
        <ErrorState error={funnel.error} onRetry={() => void funnel.refetch()} />
      ) : (
        <Stack gap="xs" pos="relative">
          {funnel.isPlaceholderData && (
            <Group gap="xs" role="status" aria-live="polite" data-testid="funnel-refreshing">
              <Loader size="xs" />
              <Badge variant="light">{t("result.refreshing")}</Badge>
            </Group>
          )}
          {(funnel.data.steps[0]?.count ?? 0) === 0 ? (
            <EmptyState title={t("result.noneEntered")} />
          ) : (
            <div style={{ opacity: funnel.isPlaceholderData ? 0.5 : 1 }}>
              <FunnelResults
                result={funnel.data}
                labels={funnel.isPlaceholderData ? [] : labels}
                breakdown={definition.breakdown?.property}
                open={open}
              />
              {interval && funnel.data.overTime && (
                <OverTime
                  points={funnel.data.overTime}
                  interval={interval}
                  steps={definition.steps.length}
                  open={open}
                />
              )}
            </div>
          )}
        </Stack>
      )}
      {customers.drawer}
    </Stack>
  );
}
