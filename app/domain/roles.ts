import type { Role } from "../../db/schema";

export const ROLES = ["operator", "supervisor", "manager", "agency_admin", "agency_staff", "admin"] as const satisfies readonly Role[];
export type { Role };

export const AGENCY_ROLES: readonly Role[] = ["agency_admin", "agency_staff"];

export function isAgencyRole(role: Role): boolean {
  return AGENCY_ROLES.includes(role);
}

/** What a user may do. Routes ask for a permission, never for a role name. */
export const PERMISSIONS = {
  "desk:use": ["operator", "supervisor"],
  "tickets:read_all": ["operator", "supervisor", "manager", "admin"],
  "tickets:create": ["operator", "supervisor"],
  "customers:read": ["operator", "supervisor", "manager", "admin"],
  "agencies:read": ["operator", "supervisor", "manager", "admin"],
  "agency_portal:use": ["agency_admin", "agency_staff"],
  "agency_portal:manage": ["agency_admin"],
  "reports:read": ["supervisor", "manager", "admin"],
  "users:manage": ["admin"],
  "audit:read": ["manager", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Each role lands on its own home page after signing in. */
export function homePath(role: Role): string {
  switch (role) {
    case "operator":
    case "supervisor":
      return "/desk";
    case "agency_admin":
    case "agency_staff":
      return "/agency";
    case "manager":
      return "/manager";
    case "admin":
      return "/admin";
  }
}
