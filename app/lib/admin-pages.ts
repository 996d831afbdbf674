import type { MessageKey } from "~/i18n";
import { can, type Permission, type Role } from "../../core/roles";

/*
 * Every administration page, grouped as the admin home (/admin) shows them, each behind the permission its
 * route asks for. The menu (nav.ts adminNav) lists the same pages one line each.
 */

export interface AdminPage {
  to: string;
  label: MessageKey;
  description: MessageKey;
  permission: Permission;
  /** a file download, not a page */
  download?: boolean;
}

export interface AdminGroup {
  title: MessageKey;
  pages: AdminPage[];
}

const GROUPS: AdminGroup[] = [
  {
    title: "adminHome.group.people",
    pages: [
      { to: "/admin/users", label: "nav.users", description: "adminHome.desc.users", permission: "users:manage" },
      { to: "/admin/audit", label: "nav.audit", description: "adminHome.desc.audit", permission: "audit:read" },
    ],
  },
  {
    title: "adminHome.group.agencies",
    pages: [
      { to: "/manager/agencies", label: "nav.agencies", description: "adminHome.desc.agencies", permission: "agencies:read" },
      { to: "/manager/agencies/new", label: "adminHome.nav.agencyNew", description: "adminHome.desc.agencyNew", permission: "agencies:manage" },
      { to: "/manager/agencies/import", label: "adminHome.nav.agencyImport", description: "adminHome.desc.agencyImport", permission: "agencies:manage" },
      {
        to: "/manager/agencies/import-template",
        label: "adminHome.nav.importTemplate",
        description: "adminHome.desc.importTemplate",
        permission: "agencies:manage",
        download: true,
      },
    ],
  },
  {
    title: "adminHome.group.rules",
    pages: [
      { to: "/manager/delays/targets", label: "adminHome.nav.slaTargets", description: "adminHome.desc.slaTargets", permission: "sla:manage" },
      { to: "/admin/sms-templates", label: "nav.smsTemplates", description: "adminHome.desc.smsTemplates", permission: "sms_templates:manage" },
      { to: "/admin/holidays", label: "nav.holidays", description: "adminHome.desc.holidays", permission: "holidays:manage" },
      { to: "/admin/service-rules", label: "nav.serviceRules", description: "adminHome.desc.serviceRules", permission: "holidays:manage" },
      { to: "/admin/tariffs", label: "nav.tariffs", description: "adminHome.desc.tariffs", permission: "tariffs:manage" },
      { to: "/admin/spare-parts", label: "nav.spareParts", description: "adminHome.desc.spareParts", permission: "parts:catalogue" },
      { to: "/admin/quality", label: "nav.quality", description: "adminHome.desc.quality", permission: "quality:manage" },
      { to: "/manager/warranty-cards", label: "warrantyIssue.nav", description: "warrantyIssue.adminDesc", permission: "warranty:issue" },
    ],
  },
];

/** The groups of administration pages this role may open (empty groups left out). */
export function adminGroups(role: Role): AdminGroup[] {
  return GROUPS.map((g) => ({ ...g, pages: g.pages.filter((p) => can(role, p.permission)) })).filter((g) => g.pages.length > 0);
}
