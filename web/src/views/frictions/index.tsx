// Frictions: the finder's ranked list for a period and, for the friction in the URL's `id`, its evidence
// and the customers behind it. Period, list length and the open friction all live in the URL.
import { Alert, Group, Select, Stack, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useStats } from "../../api/shared.js";
import { useUrlState } from "../../app/url-state.js";
import { FirstEvent } from "../../components/FirstEvent.js";
import { PeriodInputs, PersonaSelect, StageSelect } from "../../components/filters.js";
import { EmptyState, ErrorState, Loading } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { DEFAULT_LIMIT, LIMITS, useFrictions } from "./api.js";
import { FrictionDetail } from "./FrictionDetail.js";
import { FrictionTable } from "./FrictionTable.js";
import { frictionHref } from "./parts.js";
import "./messages.js";

export default function FrictionsView() {
  const { t } = useTranslation(["frictions", "common"]);
  const stats = useStats();
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  return (
    <Stack gap="md">
      <ViewHeader title={t("title")} intro={t("intro")} save="frictions" />
      {stats.data.events === 0 ? <FirstEvent /> : <Frictions />}
    </Stack>
  );
}

function Frictions() {
  const { t } = useTranslation(["frictions", "common"]);
  const format = useFormat();
  const [state, set] = useUrlState({ persona: "", stage: "", from: "", to: "", id: "", limit: "" });
  const limit = Number(state.limit) || DEFAULT_LIMIT;
  const list = useFrictions(state, limit);
  const hrefOf = (id: string) => frictionHref(id, state, state.limit);
  const detailRef = useRef<HTMLDivElement>(null);
  const selected = list.data?.frictions.find((f) => f.id === state.id);

  // Opening a friction from far down the list brings its detail (above the list) into view.
  useEffect(() => {
    if (state.id && selected) detailRef.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, [state.id, selected]);

  return (
    <Stack gap="md">
      <Group align="end" gap="md" wrap="wrap">
        <PersonaSelect value={state.persona} onChange={(persona) => set({ persona, id: "" })} />
        <StageSelect value={state.stage} onChange={(stage) => set({ stage, id: "" })} />
        <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
        <Select
          label={t("limit")}
          data={LIMITS.map((n) => ({ value: String(n), label: format.number(n) }))}
          value={String(limit)}
          onChange={(v) => set({ limit: v === String(DEFAULT_LIMIT) ? "" : (v ?? "") })}
          allowDeselect={false}
          w={160}
          data-testid="friction-limit"
        />
        {list.data && (
          <Text size="sm" c="dimmed" pb={6} data-testid="friction-count">
            {t("count", {
              shown: format.number(list.data.frictions.length),
              total: format.number(list.data.total),
            })}
          </Text>
        )}
      </Group>
      {list.isPending ? (
        <Loading label={t("searching")} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.frictions.length === 0 ? (
        <EmptyState title={t("none")}>
          <Text size="sm" c="dimmed">
            {t("noneBody")}
          </Text>
        </EmptyState>
      ) : (
        <>
          <div ref={detailRef} style={{ scrollMarginTop: 72 }}>
            {state.id &&
              (selected ? (
                <FrictionDetail key={selected.id} friction={selected} scope={state} closeHref={hrefOf("")} />
              ) : (
                <Alert color="yellow" title={t("detail.notFound")} data-testid="friction-not-found">
                  {t("detail.notFoundBody")}
                </Alert>
              ))}
          </div>
          <FrictionTable frictions={list.data.frictions} selected={state.id} hrefOf={hrefOf} />
        </>
      )}
    </Stack>
  );
}
