// What each view and settings tab needs, in one table: the permission of the API routes it cannot work
// without (their `config.access` in src/server/routes/*.ts). The server enforces; this only keeps the
// dashboard from offering what the server would refuse.
import type { Permission, Role } from "../../../src/auth/roles.js";

/**
 * Settings tabs and the permission that shows each. Touchpoints, stages and personas are read with
 * `analytics.read` (GET /api/touchpoints, /api/journey-model, /api/personas) and changed with
 * `journey.edit`: without it they are shown read-only.
 */
export const SETTINGS_TABS = {
  keys: "credentials.manage",
  tokens: "credentials.manage",
  touchpoints: "analytics.read",
  stages: "analytics.read",
  personas: "analytics.read",
  accounts: "accounts.manage",
  audit: "audit.read",
} as const satisfies Record<string, Permission>;
export type SettingsTab = keyof typeof SETTINGS_TABS;

/** Every view, in navigation order, with the permissions that open it (any one of them). */
export const VIEW_ACCESS = {
  overview: ["analytics.read"], // GET /api/overview
  "journey-map": ["analytics.read"], // GET /api/journey-map
  funnels: ["analytics.read"], // POST /api/insights/funnel
  paths: ["analytics.read"],
  retention: ["analytics.read"],
  "stage-flow": ["analytics.read"],
  "time-to-convert": ["analytics.read"],
  frictions: ["analytics.read"], // GET /api/frictions
  customers: ["customers.search"], // GET /api/customers?q=
  customer: ["customers.read"], // GET /api/customers/:id, its journey and timeline
  saved: ["analytics.read"], // GET /api/views (saving needs views.edit)
  "saved-view": ["analytics.read"], // GET /api/views/:id
  boards: ["analytics.read"], // GET /api/boards
  board: ["analytics.read"], // GET /api/boards/:id
  live: ["analytics.read"], // GET /api/live/events
  settings: [...new Set(Object.values(SETTINGS_TABS))],
} as const satisfies Record<string, readonly Permission[]>;
export type ViewId = keyof typeof VIEW_ACCESS;

/** Where each view lives; `customer`, `saved-view` and `board` are reached from lists: no navigation entries. */
export const VIEW_PATHS: Record<ViewId, string> = {
  overview: "/",
  "journey-map": "/journey-map",
  funnels: "/funnels",
  paths: "/paths",
  retention: "/retention",
  "stage-flow": "/stage-flow",
  "time-to-convert": "/time-to-convert",
  frictions: "/frictions",
  customers: "/customers",
  customer: "/customers/:id",
  saved: "/saved",
  "saved-view": "/saved/:id",
  boards: "/boards",
  board: "/boards/:id",
  live: "/live",
  settings: "/settings",
};

type Can = (permission: Permission) => boolean;

export function mayOpen(view: ViewId, can: Can): boolean {
  return VIEW_ACCESS[view].some(can);
}

export function maySeeTab(tab: SettingsTab, can: Can): boolean {
  return can(SETTINGS_TABS[tab]);
}

/** The landing page after sign-in: the first view (in navigation order) the role may open. */
export function landingPath(can: Can): string | null {
  // Pages of one thing (a customer, a saved view, a board) are reached from elsewhere, never landed on.
  const view = (Object.keys(VIEW_ACCESS) as ViewId[]).find(
    (v) => !VIEW_PATHS[v].includes(":") && mayOpen(v, can),
  );
  return view ? VIEW_PATHS[view] : null;
}

/** The roles in the order the dashboard offers them, with a colour each (a Record: none can be missing). */
export const ROLE_COLORS: Record<Role, string> = {
  admin: "grape",
  analyst: "blue",
  marketer: "teal",
  agent: "orange",
  viewer: "gray",
};
export const ROLES = Object.keys(ROLE_COLORS) as Role[];
