/**
 * The audit log's vocabulary: every action written to `audit_log` and the kinds of entity it names.
 * Defined once here; `writeAudit` accepts only these, and the admin's audit page shows each with a
 * label from the i18n catalogues (`audit.action.<action>`, `audit.entity.<type>`), so a new action
 * cannot ship without its name in both languages.
 */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_in_throttled",
  "auth.sign_out",
  "user.create",
  "user.deactivate",
  "agency.suspend",
  "agency.terminate",
  "agency.fee_rate_change",
  // dispatch's supervisor side: an agency made active again; a ticket reassigned by hand
  "agency.activate",
  "ticket.reassign",
  "ticket.status_change",
  "call.click_to_dial",
  // desk: presence, registration from a call
  "operator.presence_change",
  "ticket.register",
  "ticket.call_attached",
  "ticket.note",
  // workers: an offer's deadline passed, the SLA sweep marked tickets; a supervisor saw an alert
  "offer.expire",
  "sla.sweep",
  "alert.acknowledge",
  // follow-up satisfaction surveys: a score recorded (by the customer's key or SMS, or by an operator), the
  // complaint a low score opened, an automated follow-up call placed
  "survey.score",
  "survey.complaint",
  "survey.call",
  // SMS texts changed by an admin (issue 12)
  "sms_template.update",
  "sms_template.reset",
  // issue 13, the job itself: a technician and visit window given, a press on the technician's job link, the completion report
  "ticket.assign_technician",
  "ticket.technician_update",
  "ticket.job_report",
  // the agency portal (issue 13): an agency's answer to an offer; its admin's changes to its technicians
  "offer.accept",
  "offer.reject",
  "technician.create",
  "technician.update",
  "technician.deactivate",
  "technician.reactivate",
  // dispatch (issue 13): the engine offered a ticket to an agency, or held it for the supervisors
  "dispatch.offer",
  "dispatch.hold",
  // agency and user administration (issue 14 §5): an agency created or edited (details, location, areas, capacity,
  // hours), its authorisations set, a fee rate added or edited, agencies imported from a CSV; a user's role or
  // agency changed, an account enabled again, a password reset by an admin
  "agency.create",
  "agency.update",
  "agency.authorizations_update",
  "agency.fee_rate_add",
  "agency.fee_rate_update",
  "agency.import",
  "user.update",
  "user.activate",
  "user.password_reset",
  // the delay audit (issue 14 §1): SLA target rules added, changed, removed by a manager
  "sla_target.create",
  "sla_target.update",
  "sla_target.delete",
  // issue 14 §2, the agency ledger: a referral fee accrued on completion, a fee adjusted, a statement settled
  "ledger.fee_accrue",
  "ledger.fee_adjust",
  "ledger.statement_settle",
  // voice of the customer (issue 14): a complaint ticket classified (complaint or suggestion, its category)
  "ticket.feedback_classify",
  // issue 15 §4, spare parts: the catalogue edited by an admin; parts requested for a job; a request's step
  // (filled from the agency's stock, ordered, shipped, received, cancelled)
  "spare_part.create",
  "spare_part.update",
  "part_request.create",
  "part_request.step",
  // quality and the agency scorecard (issue 15 §5): the rework window and probation rule changed; a probation ended early
  "quality.settings_update",
  "agency.probation_end",
  // issue 15 §3, warranty claims: a labour tariff or travel-fee band added by an admin; a claim filed, submitted,
  // decided by the manufacturer, a defective part received back, the claim paid with its statement
  "tariff.labour_add",
  "tariff.band_add",
  "claim.create",
  "claim.submit",
  "claim.decide",
  "claim.part_return",
  "claim.paid",
  // issue 15 §3 (h5): the agency edited its draft claim; a manager corrected a decided claim (a new ledger entry)
  "claim.edit_draft",
  "claim.correct",
  // (issue 14 §3) a satisfaction survey's comment classified (kind, category) by a supervisor or operator
  "survey.comment_classify",
  // issue 15 §2 (working-day clock): an official holiday added or removed by an admin
  "holiday.create",
  "holiday.delete",
  // issue 15 §2: a loaner / replacement task raised by the sweep, acknowledged and resolved by a supervisor
  "service_task.raise",
  "service_task.acknowledge",
  "service_task.resolve",
  // issue 15: an admin changed one of the numbers at /admin/service-rules (core/service-rules.ts)
  "service_rule.update",
  // issue 15 §4 (h4): an agency admin set a part's counted quantity on the agency's shelf, with a reason
  "agency_stock.adjust",
  // issue 15 §1 (h6): a batch of warranty cards issued for printing; a product's national registry tracking id edited
  "warranty_card.batch_issue",
  "customer_product.registry_id_change",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ENTITY_TYPES = ["user", "agency", "ticket", "call", "sms_template", "technician", "agency_import", "sla_target", "spare_part", "holiday", "warranty_card_batch", "customer_product"] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === "string" && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

export function isAuditEntityType(value: unknown): value is AuditEntityType {
  return typeof value === "string" && (AUDIT_ENTITY_TYPES as readonly string[]).includes(value);
}
