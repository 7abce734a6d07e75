// Roles and what each may do, in one table. Routes name the permission they need (src/server/access.ts
// enforces it); nothing else decides access. A role's rights are its set of permissions, so "more rights
// than" is set inclusion, not an order: a marketer may not grant analyst rights it lacks.

export const Roles = ["admin", "analyst", "marketer", "agent", "viewer"] as const;
export type Role = (typeof Roles)[number];

/**
 * Every permission a route can ask for. `session` is any signed-in person or API token; the rest are
 * granted per role below.
 */
export const Permissions = [
  "session", // who am I, sign out
  "analytics.read", // journey map, funnels, paths, retention, stage flow, frictions, overview, catalogue reads
  "customers.search", // find customers by an identifier
  "customers.read", // one customer's 360: profile, timeline, journey
  "customers.list", // the customers behind a number, page by page (bulk)
  "customers.export", // everything held about one person (right of access)
  "customers.delete", // erase one person (right to erasure), lift a tombstone
  "views.edit", // saved views and boards: save, change, delete, pin (reading them is analytics.read)
  "journey.edit", // touchpoints, stages, personas, lanes, friction settings, refresh
  "events.import", // bulk import files
  "flows.edit", // orchestrated flows (when they exist)
  "surveys.edit", // surveys (when they exist)
  "credentials.manage", // write keys and API tokens
  "accounts.manage", // accounts people sign in with
  "audit.read", // the audit log
  "pii.read", // personal data (email, phone, name, address, trait identifiers) in bulk responses
] as const;
export type Permission = (typeof Permissions)[number];

const analystReads: Permission[] = [
  "session",
  "analytics.read",
  "customers.search",
  "customers.read",
  "customers.list",
  "pii.read",
];

const grants: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(Permissions),
  analyst: new Set<Permission>([...analystReads, "views.edit", "journey.edit"]),
  marketer: new Set<Permission>([...analystReads, "views.edit", "flows.edit", "surveys.edit"]),
  // Agents open one customer at a time and see that customer's personal data there only (see masking.ts).
  agent: new Set<Permission>(["session", "customers.search", "customers.read"]),
  viewer: new Set<Permission>(["session", "analytics.read", "customers.list"]),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return Permissions.filter((p) => grants[role].has(p));
}

/** A caller may hand out a role only when every right of that role is one of its own. */
export function canGrant(callerRole: Role, role: Role): boolean {
  for (const p of grants[role]) if (!grants[callerRole].has(p)) return false;
  return true;
}

export const isRole = (v: unknown): v is Role =>
  typeof v === "string" && (Roles as readonly string[]).includes(v);
