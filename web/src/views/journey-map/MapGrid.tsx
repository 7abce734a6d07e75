// One journey map as a table: stages as columns, lanes as rows — customers, time in stage, the emotion
// curve, touchpoints, pain points, then the lanes the CX team writes. Wide maps scroll sideways; in
// print the table fits the page width.
import { Anchor, Stack, Text, Tooltip } from "@mantine/core";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import type { JourneyMap, MapStage } from "../../../../src/journey/map/schema.js";
import { useCan } from "../../app/auth.js";
import { useFormat } from "../../i18n/format.js";
import { LANE_NAMES, type MapScope } from "./api.js";
import { CountButton } from "./CountButton.js";
import { EmotionCurve } from "./EmotionCurve.js";
import { LaneEditor } from "./LaneEditor.js";
import { NS } from "./messages.js";
import { PainPoints } from "./PainPoints.js";
import { TouchpointLane } from "./TouchpointLane.js";

/** A stage's name in the reader's language when it is one of the default stages, else the model's. */
export function useStageName(): (s: { key: string; name: string }) => string {
  const { t } = useTranslation("common");
  return useCallback((s) => t(`stage.${s.key}`, s.name), [t]);
}

function CustomersCell({ s }: { s: MapStage }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  return (
    <>
      <dl className="jm-metrics">
        <div>
          <dt>{t("metric.reached")}</dt>
          <dd>
            <CountButton audience={`stage:${s.key}:reached`} value={s.reached} />
          </dd>
        </div>
        {s.converted !== null && (
          <>
            <div>
              <dt>{t("metric.converted")}</dt>
              <dd>
                <CountButton audience={`stage:${s.key}:converted`} value={s.converted} />
              </dd>
            </div>
            <div>
              <dt>{t("metric.conversion")}</dt>
              <dd data-testid={`jm-conversion-${s.key}`}>{format.percent(s.conversion)}</dd>
            </div>
            <div>
              <dt>{t("metric.dropped")}</dt>
              <dd>
                <CountButton audience={`stage:${s.key}:dropped`} value={s.dropped} />
              </dd>
            </div>
          </>
        )}
      </dl>
      {/* A list of terms holds terms and their values only; the last stage's note goes after it. */}
      {s.converted === null && (
        <Text size="xs" c="dimmed">
          {t("metric.lastStage")}
        </Text>
      )}
    </>
  );
}

function TimeCell({ s }: { s: MapStage }) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const secs = (v: number | null) => format.duration(v === null ? null : v * 1000);
  return (
    <Tooltip
      label={t("metric.stays", {
        completed: format.number(s.timeInStage.completedStays),
        open: format.number(s.timeInStage.openStays),
      })}
      multiline
      w={220}
    >
      <dl className="jm-metrics" data-testid={`jm-time-${s.key}`}>
        <div>
          <dt>{t("metric.median")}</dt>
          <dd>{secs(s.timeInStage.medianSeconds)}</dd>
        </div>
        <div>
          <dt>{t("metric.p90")}</dt>
          <dd>{secs(s.timeInStage.p90Seconds)}</dd>
        </div>
      </dl>
    </Tooltip>
  );
}

export function MapGrid({
  map,
  scope,
  onOpen,
  testId,
}: {
  map: JourneyMap;
  /** The map's persona ("" = all customers: whose lanes) and period as in the URL (its pain points' link). */
  scope: MapScope;
  onOpen: (audience: string) => void;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  const format = useFormat();
  const stageName = useStageName();
  // Authored lanes are written with journey.edit (PUT /api/journey-map/lanes/…); others only read them.
  const canEdit = useCan()("journey.edit");
  const stages = map.stages;
  const row = (label: string, cell: (s: MapStage) => React.ReactNode, lane: string) => (
    <tr data-lane={lane}>
      <th scope="row">{label}</th>
      {stages.map((s) => (
        <td key={s.key} data-stage={s.key}>
          {cell(s)}
        </td>
      ))}
    </tr>
  );
  return (
    <div className="jm-scroll" data-testid={testId}>
      <table className="jm-map" style={{ minWidth: 130 + stages.length * 175 }}>
        <colgroup>
          <col className="jm-lane-col" />
          {stages.map((s) => (
            <col key={s.key} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th scope="col">{t("lane.stage")}</th>
            {stages.map((s) => (
              <th scope="col" key={s.key} data-testid={`jm-stage-${s.key}`} className="jm-stage-head">
                <Stack gap={2}>
                  <Text size="xs" c="dimmed">
                    {s.position}
                  </Text>
                  <Text fw={700}>{stageName(s)}</Text>
                </Stack>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row(
            t("lane.customers"),
            (s) => (
              <CustomersCell s={s} />
            ),
            "customers",
          )}
          {row(
            t("lane.time"),
            (s) => (
              <TimeCell s={s} />
            ),
            "time",
          )}
          <tr data-lane="emotion">
            <th scope="row">
              {t("lane.emotion")}
              <Text size="xs" c="dimmed" fw={400}>
                −1 … 1
              </Text>
            </th>
            <td colSpan={stages.length} className="jm-emotion-cell">
              <EmotionCurve
                stages={stages}
                stageName={stageName}
                onOpen={onOpen}
                testId={`${testId}-emotion`}
              />
            </td>
          </tr>
          {row(
            t("lane.feedback"),
            (s) => (
              <Stack gap={2}>
                <Text size="xs">
                  {t("metric.emotionValue", { value: format.number(s.emotion.value, 2) })}
                  {" · "}
                  {t("metric.answers", { n: format.number(s.emotion.answers) })}
                </Text>
                {s.emotion.source && (
                  <Text size="xs" c="dimmed">
                    {t(`emotion.${s.emotion.source}`)}
                  </Text>
                )}
                {s.emotion.answers > 0 && (
                  // Answers are not customers (one may answer often), so this opens a list, not a count.
                  <Anchor
                    component="button"
                    size="xs"
                    ta="left"
                    onClick={() => onOpen(`stage:${s.key}:feedback`)}
                    data-testid={`jm-feedback-${s.key}`}
                  >
                    {t("metric.whoAnswered")}
                  </Anchor>
                )}
              </Stack>
            ),
            "feedback",
          )}
          {row(
            t("lane.touchpoints"),
            (s) => (
              <TouchpointLane touchpoints={s.touchpoints} />
            ),
            "touchpoints",
          )}
          {row(
            t("lane.pains"),
            (s) => (
              <PainPoints pains={s.painPoints} scope={scope} />
            ),
            "pains",
          )}
          {LANE_NAMES.map((lane) => (
            <tr key={lane} data-lane={lane} className="jm-authored">
              <th scope="row">{t(`lane.${lane}`)}</th>
              {stages.map((s) => (
                <td key={s.key} data-stage={s.key}>
                  <LaneEditor
                    persona={scope.persona}
                    stage={s.key}
                    stageName={stageName(s)}
                    lane={lane}
                    items={s.lanes[lane]}
                    editable={canEdit}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
