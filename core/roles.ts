export const ROLES = ["operator", "supervisor", "manager", "agency_admin", "agency_staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const AGENCY_ROLES = ["agency_admin", "agency_staff"] as const satisfies readonly Role[];

export function isAgencyRole(role: Role): boolean {
  return (AGENCY_ROLES as readonly Role[]).includes(role);
}

/** What a user may do. Routes ask for a permission, never for a role name. */
export const PERMISSIONS = {
  "desk:use": ["operator", "supervisor"],
  "tickets:read_all": ["operator", "supervisor", "manager", "admin"],
  "tickets:create": ["operator", "supervisor"],
  // status changes, notes and cancelling from the call centre
  "tickets:update": ["operator", "supervisor"],
  // take calls: availability, screen-pop, click-to-dial
  "calls:take": ["operator", "supervisor"],
  // the happy-call list: call customers after their job and record their satisfaction score
  "surveys:record": ["operator", "supervisor"],
  "customers:read": ["operator", "supervisor", "manager", "admin"],
  "agencies:read": ["operator", "supervisor", "manager", "admin"],
  "agency_portal:use": ["agency_admin", "agency_staff"],
  "agency_portal:manage": ["agency_admin"],
  // the agency's own technicians: its admin adds, edits and deactivates them; its staff only see them
  "agency_portal:technicians": ["agency_admin"],
  // money owed to the manufacturer is the agency owner's business, not its staff's
  "agency_portal:statement": ["agency_admin"],
  "reports:read": ["supervisor", "manager", "admin"],
  // mark a service-deadline alert (the SLA sweep's) reviewed
  "alerts:acknowledge": ["supervisor", "manager"],
  "users:manage": ["admin"],
  // the texts of the SMS the product sends (admin page /admin/sms-templates)
  "sms_templates:manage": ["admin"],
  "audit:read": ["manager", "admin"],
  // dispatch's supervisor side: the queue of tickets held for a person, reassigning a ticket by hand with a reason
  "dispatch:manage": ["supervisor", "manager"],
  // an agency's status: suspend or terminate (its pending offers withdrawn and sent on) or make it active again
  "agencies:manage": ["manager", "admin"],
  // (issue 14 §4) the supervisor's live wall of the call centre (/desk/wall): who waits, who talks, today's figures
  "calls:supervise": ["supervisor", "manager"],
  // the delay audit (issue 14 §1): edit the SLA target rules (reading the delay reports is reports:read)
  "sla:manage": ["manager", "admin"],
  // issue 14 §2, the agency ledger: adjust a referral fee, mark an agency's monthly statement settled
  "ledger:manage": ["manager"],
  // issue 15 §4, spare parts: the parts catalogue per model (admin page /admin/spare-parts); the parts desk
  // (/manager/parts: order, ship, receive and cancel requests filled from the manufacturer's central stock)
  "parts:catalogue": ["admin"],
  "parts:manage": ["manager"],
  // issue 15 §5, quality and the agency scorecard: the rework window and the probation rule; end an agency's probation early
  "quality:manage": ["admin"],
  // issue 15 §3, warranty claims: the agency files its claims for in-warranty work (staff prepare them too);
  // the manufacturer reviews them (approve, approve in part, reject) and records the defective parts returned;
  // the labour tariffs and travel-fee bands the claims are priced from are the admin's
  "claims:file": ["agency_admin", "agency_staff"],
  "claims:review": ["manager"],
  "tariffs:manage": ["admin"],
  // issue 15 §2 (h3): the official holidays of the working-day clock (/admin/holidays)
  "holidays:manage": ["admin"],
  // issue 15 §2 (h3): the loaner / replacement tasks on the supervisor's desk (/desk/service-tasks): see, acknowledge, resolve
  "service_tasks:manage": ["supervisor", "manager"],
  // issue 15 §1: a customer product's warranty registry tracking id (and installation tickets) set by the call centre
  "products:update": ["operator", "supervisor"],
  // issue 15 §4 (h4): the agency's own parts stock (/agency/parts): every agency user sees it and the open
  // requests; only its admin sets a part's counted quantity (with a reason, audited)
  "agency_portal:parts_stock": ["agency_admin"],
  // issue 15 §1 (h6): issue batches of warranty cards for printing (/manager/warranty-cards): the codes are shown once
  "warranty:issue": ["manager", "admin"],
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
