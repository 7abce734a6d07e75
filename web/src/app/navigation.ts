// The dashboard's views in navigation order: one entry per view, with its path and icon. The shell shows
// only those the role may open (./access.ts).
import {
  IconActivity,
  IconAlertTriangle,
  IconArrowsSplit,
  IconBookmarks,
  IconChartFunnel,
  IconClockHour4,
  IconGauge,
  IconLayoutDashboard,
  IconMap2,
  IconRepeat,
  IconRoute,
  IconSettings,
  IconUsers,
} from "@tabler/icons-react";
import type { ViewId } from "./access.js";

export const NAVIGATION = [
  { id: "overview", path: "/", label: "nav.overview", icon: IconGauge },
  { id: "journey-map", path: "/journey-map", label: "nav.journeyMap", icon: IconMap2 },
  { id: "funnels", path: "/funnels", label: "nav.funnels", icon: IconChartFunnel },
  { id: "paths", path: "/paths", label: "nav.paths", icon: IconRoute },
  { id: "retention", path: "/retention", label: "nav.retention", icon: IconRepeat },
  { id: "stage-flow", path: "/stage-flow", label: "nav.stageFlow", icon: IconArrowsSplit },
  { id: "time-to-convert", path: "/time-to-convert", label: "nav.timeToConvert", icon: IconClockHour4 },
  { id: "frictions", path: "/frictions", label: "nav.frictions", icon: IconAlertTriangle },
  { id: "saved", path: "/saved", label: "nav.saved", icon: IconBookmarks },
  { id: "boards", path: "/boards", label: "nav.boards", icon: IconLayoutDashboard },
  { id: "customers", path: "/customers", label: "nav.customers", icon: IconUsers },
  { id: "live", path: "/live", label: "nav.live", icon: IconActivity },
  { id: "settings", path: "/settings", label: "nav.settings", icon: IconSettings },
] as const satisfies ReadonlyArray<{ id: ViewId; path: string; label: string; icon: unknown }>;
