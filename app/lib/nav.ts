import type { NavItem } from "~/components/AppShell";
import { can, type Role } from "../../core/roles";

/*
 * The menu of each section, by permission. The section layouts and the error page share them, so a
 * signed-in user who lands on an error still has their menu.
 */

export function deskNav(role: Role): NavItem[] {
  return [
    { to: "/desk", label: "nav.desk", end: true },
    { to: "/desk/tickets", label: "nav.tickets" },
    ...(can(role, "tickets:create") ? [{ to: "/desk/register", label: "desk.newTicket" as const }] : []),
    ...(can(role, "surveys:record") ? [{ to: "/desk/follow-ups", label: "nav.followUps" as const }] : []),
    ...(can(role, "surveys:record") ? [{ to: "/desk/survey-comments", label: "surveyComments.nav" as const }] : []),
    ...(can(role, "dispatch:manage") ? [{ to: "/desk/dispatch", label: "nav.dispatchQueue" as const }] : []),
    ...(can(role, "service_tasks:manage") ? [{ to: "/desk/service-tasks", label: "nav.serviceTasks" as const }] : []),
    ...(can(role, "calls:take") ? [{ to: "/desk/abandoned", label: "callCentre.nav.abandoned" as const }] : []),
    ...(can(role, "calls:supervise") ? [{ to: "/desk/wall", label: "callCentre.nav.wall" as const }] : []),
    ...(can(role, "customers:read") ? [{ to: "/desk/warranty", label: "warrantyCard.nav" as const }] : []),
    ...(can(role, "reports:read") ? [{ to: "/manager", label: "nav.dashboard" as const, end: true }] : []),
  ];
}

export function managerNav(role: Role): NavItem[] {
  return [
    { to: "/manager", label: "nav.dashboard", end: true },
    { to: "/manager/tickets", label: "nav.tickets" },
    ...(can(role, "dispatch:manage") ? [{ to: "/manager/dispatch", label: "nav.dispatchQueue" as const }] : []),
    { to: "/manager/agencies", label: "nav.agencies" },
    { to: "/manager/fees", label: "nav.fees" },
    ...(can(role, "claims:review") ? [{ to: "/manager/claims", label: "nav.claims" as const }] : []),
    { to: "/manager/calls", label: "callCentre.nav.report" },
    ...(can(role, "calls:supervise") ? [{ to: "/desk/wall", label: "callCentre.nav.wall" as const }] : []),
    { to: "/manager/delays", label: "nav.delays" },
    { to: "/manager/revenue", label: "nav.revenue" },
    { to: "/manager/satisfaction", label: "nav.satisfaction" },
    { to: "/manager/voice", label: "nav.voice" },
    // issue 15 §4: the parts desk (central stock) and the parts that hold jobs up
    ...(can(role, "parts:manage") ? [{ to: "/manager/parts", label: "nav.partsDesk" as const, end: true }] : []),
    { to: "/manager/parts/report", label: "nav.partsReport" },
    { to: "/manager/scorecards", label: "nav.scorecards" },
    ...(can(role, "warranty:issue") ? [{ to: "/manager/warranty-cards", label: "warrantyIssue.nav" as const }] : []),
    ...(can(role, "audit:read") && !can(role, "users:manage") ? [{ to: "/manager/audit", label: "nav.audit" as const }] : []),
    ...(can(role, "desk:use") ? [{ to: "/desk", label: "nav.desk" as const, end: true }] : []),
    // administration within the manager's permissions (issue 14 §5): a new agency, importing agencies, the SLA
    // targets — also the admin's menu entries for these /manager pages, so the entry clicked is the one marked current
    ...(can(role, "agencies:manage") ? [{ to: "/manager/agencies/new", label: "adminHome.nav.agencyNew" as const }] : []),
    ...(can(role, "agencies:manage") ? [{ to: "/manager/agencies/import", label: "adminHome.nav.agencyImport" as const }] : []),
    ...(can(role, "sla:manage") ? [{ to: "/manager/delays/targets", label: "adminHome.nav.slaTargets" as const }] : []),
    ...(can(role, "users:manage") ? [{ to: "/admin", label: "nav.admin" as const, end: true }] : []),
  ];
}

export function adminNav(role: Role): NavItem[] {
  return [
    // the admin home (/admin) links every administration page (app/lib/admin-pages.ts); the menu lists them one a line
    { to: "/admin", label: "nav.admin", end: true },
    ...(can(role, "users:manage") ? [{ to: "/admin/users", label: "nav.users" as const }] : []),
    ...(can(role, "agencies:read") ? [{ to: "/manager/agencies", label: "nav.agencies" as const, end: true }] : []),
    ...(can(role, "agencies:manage") ? [{ to: "/manager/agencies/new", label: "adminHome.nav.agencyNew" as const }] : []),
    ...(can(role, "agencies:manage") ? [{ to: "/manager/agencies/import", label: "adminHome.nav.agencyImport" as const }] : []),
    ...(can(role, "sla:manage") ? [{ to: "/manager/delays/targets", label: "adminHome.nav.slaTargets" as const }] : []),
    ...(can(role, "sms_templates:manage") ? [{ to: "/admin/sms-templates", label: "nav.smsTemplates" as const }] : []),
    ...(can(role, "parts:catalogue") ? [{ to: "/admin/spare-parts", label: "nav.spareParts" as const }] : []),
    ...(can(role, "quality:manage") ? [{ to: "/admin/quality", label: "nav.quality" as const }] : []),
    ...(can(role, "tariffs:manage") ? [{ to: "/admin/tariffs", label: "nav.tariffs" as const }] : []),
    ...(can(role, "audit:read") ? [{ to: "/admin/audit", label: "nav.audit" as const }] : []),
    ...(can(role, "holidays:manage") ? [{ to: "/admin/holidays", label: "nav.holidays" as const }] : []),
    ...(can(role, "holidays:manage") ? [{ to: "/admin/service-rules", label: "nav.serviceRules" as const }] : []),
    ...(can(role, "warranty:issue") ? [{ to: "/manager/warranty-cards", label: "warrantyIssue.nav" as const }] : []),
    { to: "/manager", label: "nav.dashboard", end: true },
  ];
}

export function agencyNav(role: Role): NavItem[] {
  return [
    // the home page holds the live offers (accept / reject): staff and admin alike
    { to: "/agency", label: "nav.agencyPortal", end: true },
    { to: "/agency/jobs", label: "nav.agencyJobMap" },
    { to: "/agency/tickets", label: "nav.agencyJobs" },
    { to: "/agency/offers", label: "nav.agencyOffers" },
    // every agency user sees the technicians; only its admin (agency_portal:technicians) changes them
    { to: "/agency/technicians", label: "nav.agencyTechnicians" },
    // the referral-fee statement is the agency owner's business, not its staff's
    ...(can(role, "agency_portal:statement") ? [{ to: "/agency/statement", label: "agency.statement" as const }] : []),
    // its own scorecard (issue 15 §5): every agency user
    { to: "/agency/scorecard", label: "nav.agencyScorecard" },
    ...(can(role, "claims:file") ? [{ to: "/agency/claims", label: "nav.claims" as const }] : []),
    // its parts stock and open part requests (issue 15 §4): every agency user sees them; its admin adjusts the stock
    { to: "/agency/parts", label: "nav.agencyParts" },
  ];
}

/** The menu of the user's home section (see `homePath`). */
export function homeNav(role: Role): NavItem[] {
  switch (role) {
    case "operator":
    case "supervisor":
      return deskNav(role);
    case "manager":
      return managerNav(role);
    case "admin":
      return adminNav(role);
    case "agency_admin":
    case "agency_staff":
      return agencyNav(role);
  }
}
