// The journey map view: a persona (or everyone) and a period, the map measured from the data with the
// customers behind each number, the lanes the CX team writes, a second persona or period to compare,
// and a printable layout. Everything it shows is named by the URL.
import "./journey-map.css";
import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconDownload, IconPrinter } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { JourneyMap } from "../../../../src/journey/map/schema.js";
import { download } from "../../api/client.js";
import { useJourneyUpdates } from "../../api/live.js";
import { useStats } from "../../api/shared.js";
import { useUrlState } from "../../app/url-state.js";
import { CustomerListDrawer } from "../../components/CustomerList.js";
import { FirstEvent } from "../../components/FirstEvent.js";
import { Freshness } from "../../components/Freshness.js";
import { PeriodInputs, PersonaSelect } from "../../components/filters.js";
import { SaveViewButton } from "../../components/SaveView.js";
import { EmptyState, ErrorState, QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { audienceRequest, DEFAULT_TOP, type MapScope, otherScope, scopeQuery, useJourneyMap } from "./api.js";
import { Compare, type Side } from "./Compare.js";
import { CountButton, OpenAudience } from "./CountButton.js";
import { MapGrid, useStageName } from "./MapGrid.js";
import { NS } from "./messages.js";
import { PersonaCard } from "./PersonaCard.js";
import { audienceTitle } from "./titles.js";

/** No customer reached any stage in the period: the map would be a table of zeros. */
const unvisited = (m: JourneyMap) => m.stages.every((s) => s.reached === 0);

type CompareMode = "none" | "persona" | "period";
/** How many touchpoints and pain points a stage may list (the API allows up to 50). */
const TOP_CHOICES = [3, 6, 10, 20, 50] as const;

const modeOf = (compare: string): CompareMode =>
  compare.startsWith("persona:") ? "persona" : compare.startsWith("period:") ? "period" : "none";

function MapHeading({
  map,
  label,
  onOpen,
}: {
  map: JourneyMap;
  label?: string;
  onOpen: (audience: string) => void;
}) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  return (
    <Group gap="md" wrap="wrap" align="baseline">
      {label && <Text fw={600}>{label}</Text>}
      <Text size="sm" data-testid="jm-period">
        {t("period", { from: format.date(map.period.from), to: format.date(map.period.to) })}
      </Text>
      <Text size="sm">
        {t("cohort")}{" "}
        <OpenAudience.Provider value={onOpen}>
          <CountButton audience="cohort" value={map.customers} />
        </OpenAudience.Provider>
      </Text>
      <Text size="xs" c="dimmed">
        {t("asOf", { when: format.dateTime(map.asOf) })}
      </Text>
      <Freshness freshness={map.freshness} testId="jm-freshness" />
    </Group>
  );
}

export default function JourneyMapView() {
  const { t } = useTranslation([NS, "common"]);
  const [state, set] = useUrlState({
    persona: "",
    from: "",
    to: "",
    compare: "",
    audience: "",
    side: "",
    top: String(DEFAULT_TOP),
  });
  const base: MapScope = { persona: state.persona, from: state.from, to: state.to };
  const other = otherScope(base, state.compare);
  const top = Math.min(TOP_CHOICES.at(-1)!, Math.max(1, Number.parseInt(state.top, 10) || DEFAULT_TOP));
  const query = useJourneyMap(base, state.compare, top);
  const shown =
    query.data?.kind === "compare"
      ? query.data.base
      : query.data?.kind === "single"
        ? query.data.map
        : undefined;
  // A journey refresh behind new events reloads the map within seconds, without a page reload.
  useJourneyUpdates(shown?.freshness);
  const stats = useStats();
  const stageName = useStageName();
  const mode = modeOf(state.compare);

  const exportCsv = useMutation({
    mutationFn: () =>
      download(
        "/api/journey-map/export",
        { ...scopeQuery(base), format: "csv" },
        `journey-map-${base.persona || "all"}${base.from ? `-${base.from}` : ""}${base.to ? `-${base.to}` : ""}.csv`,
      ),
  });

  const open = (side: Side, audience: string) =>
    set({ audience, side: side === "other" ? "other" : "" }, { push: true });
  const closeDrawer = () => set({ audience: "", side: "" });

  const data = query.data;
  const sideMap =
    data?.kind === "compare"
      ? state.side === "other"
        ? data.other
        : data.base
      : data?.kind === "single"
        ? data.map
        : null;
  const sideScope = state.side === "other" && other ? other : base;
  const drawer =
    state.audience && sideMap
      ? audienceRequest(
          sideScope,
          state.audience,
          (state.side === "other"
            ? (title: string) => t("drawer.other", { title })
            : (title: string) => title)(audienceTitle(t, state.audience, sideMap, stageName)),
        )
      : null;

  const mapLabel = (m: JourneyMap) => m.persona?.name ?? t("compare.all");

  return (
    <Stack gap="md" className="jm-view" data-testid="journey-map">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>{t("title")}</Title>
          <Text size="sm" c="dimmed">
            {t("subtitle")}
          </Text>
        </div>
        <Group gap="xs" className="jm-noprint itinera-noprint">
          <SaveViewButton kind="journey-map" />
          <Button
            variant="default"
            leftSection={<IconPrinter size={16} aria-hidden />}
            onClick={() => window.print()}
            data-testid="jm-print"
          >
            {t("controls.print")}
          </Button>
          <Button
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
            onClick={() => exportCsv.mutate()}
            loading={exportCsv.isPending}
            data-testid="jm-export"
          >
            {t("controls.exportCsv")}
          </Button>
        </Group>
      </Group>
      {exportCsv.isError && <ErrorState error={exportCsv.error} />}

      <Paper withBorder p="sm" className="jm-noprint itinera-noprint" data-testid="jm-controls">
        <Group gap="md" align="flex-end" wrap="wrap" role="group" aria-label={t("controls.label")}>
          <PersonaSelect value={state.persona} onChange={(persona) => set({ persona }, { push: true })} />
          <PeriodInputs from={state.from} to={state.to} onChange={(p) => set(p)} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="jm-compare-label">
              {t("controls.compare")}
            </Text>
            <SegmentedControl
              aria-labelledby="jm-compare-label"
              data-testid="jm-compare-mode"
              value={mode}
              onChange={(v) =>
                set(
                  { compare: v === "persona" ? "persona:" : v === "period" ? "period:" : "" },
                  { push: true },
                )
              }
              data={[
                { value: "none", label: t("controls.compareNone") },
                { value: "persona", label: t("controls.comparePersona") },
                { value: "period", label: t("controls.comparePeriod") },
              ]}
            />
          </Stack>
          <Select
            label={t("controls.top")}
            data={TOP_CHOICES.map((n) => ({ value: String(n), label: String(n) }))}
            value={String(top)}
            onChange={(v) => v && set({ top: v })}
            allowDeselect={false}
            w={170}
            data-testid="jm-top"
            comboboxProps={{ withinPortal: true }}
          />
          {mode === "persona" && (
            <PersonaSelect
              label={t("controls.otherPersona")}
              allowAll={false}
              value={state.compare.slice("persona:".length)}
              onChange={(id) => set({ compare: `persona:${id}` }, { push: true })}
            />
          )}
          {mode === "period" && (
            <ComparePeriod
              compare={state.compare}
              onChange={(from, to) => set({ compare: `period:${from}/${to}` })}
            />
          )}
        </Group>
      </Paper>

      {stats.data?.events === 0 ? (
        <FirstEvent />
      ) : (
        <QueryState
          query={query}
          isEmpty={(d) => (d.kind === "single" ? unvisited(d.map) : unvisited(d.base) && unvisited(d.other))}
          empty={
            <EmptyState title={t("empty.title")}>
              <Text size="sm" c="dimmed">
                {t("empty.body")}
              </Text>
            </EmptyState>
          }
        >
          {(d) => (
            <Stack
              gap="md"
              style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}
              aria-busy={query.isFetching}
            >
              {d.kind === "single" ? (
                <>
                  {d.map.persona && <PersonaCard persona={d.map.persona} />}
                  <MapHeading map={d.map} onOpen={(audience) => open("base", audience)} />
                  <OpenAudience.Provider value={(audience) => open("base", audience)}>
                    <MapGrid
                      map={d.map}
                      scope={base}
                      onOpen={(audience) => open("base", audience)}
                      testId="jm-map-base"
                    />
                  </OpenAudience.Provider>
                </>
              ) : (
                <>
                  <SimpleGrid cols={{ base: 1, md: 2 }}>
                    {d.base.persona && <PersonaCard persona={d.base.persona} />}
                    {d.other.persona && d.other.persona.id !== d.base.persona?.id && (
                      <PersonaCard persona={d.other.persona} />
                    )}
                  </SimpleGrid>
                  <MapHeading
                    map={d.base}
                    label={`${t("compare.base")}: ${mapLabel(d.base)}`}
                    onOpen={(audience) => open("base", audience)}
                  />
                  <MapHeading
                    map={d.other}
                    label={`${t("compare.other")}: ${mapLabel(d.other)}`}
                    onOpen={(audience) => open("other", audience)}
                  />
                  <Compare
                    comparison={d}
                    labels={{ base: mapLabel(d.base), other: mapLabel(d.other) }}
                    scopeOf={{ base, other: other ?? base }}
                    onOpen={open}
                  />
                </>
              )}
            </Stack>
          )}
        </QueryState>
      )}
      <CustomerListDrawer request={drawer} onClose={closeDrawer} />
    </Stack>
  );
}

/** The other period of a comparison, kept in `compare` as `period:<from>/<to>`. */
function ComparePeriod({
  compare,
  onChange,
}: {
  compare: string;
  onChange: (from: string, to: string) => void;
}) {
  const { t } = useTranslation(NS);
  const [from = "", to = ""] = compare.slice("period:".length).split("/");
  return (
    <Group gap="xs" align="end">
      <TextInput
        type="date"
        label={t("controls.otherFrom")}
        value={from}
        max={to || undefined}
        onChange={(e) => onChange(e.currentTarget.value, to)}
        w={160}
        data-testid="jm-compare-from"
      />
      <TextInput
        type="date"
        label={t("controls.otherTo")}
        value={to}
        min={from || undefined}
        onChange={(e) => onChange(from, e.currentTarget.value)}
        w={160}
        data-testid="jm-compare-to"
      />
    </Group>
  );
}
