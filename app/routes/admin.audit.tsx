import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { gregorianDayToJalali } from "../../core/jalali";
import { isAuditAction, isAuditEntityType } from "../../core/audit";
import { ROLES, type Role } from "../../core/roles";
import { isServiceRuleKey, SERVICE_RULE_SPECS } from "../../core/service-rules";
import { AGENCY_STATUSES, type AgencyStatus } from "../../core/ticket";

const AGENCY_FIELDS = [
  "code", "name", "manager_name", "mobile", "phones", "province", "city", "address_text", "lat", "lng", "service_radius_km",
  "daily_job_capacity", "working_hours", "service_areas", "service_polygons",
] as const;
type AgencyField = (typeof AGENCY_FIELDS)[number];
import type { Translate } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { audit } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "audit:read");
  return { rows: await audit.recentAudit(context.db, 100) };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];
type Locale = ReturnType<typeof useLocale>;

function actionLabel(r: Row, t: Translate): string {
  return isAuditAction(r.action) ? t(`audit.action.${r.action}`) : r.action;
}

function actorLabel(r: Row, t: Translate): string {
  if (r.actor_name) return r.actor_name;
  // Sign-in rows without an actor come from someone not (yet) signed in; other rows from the system itself.
  return r.action.startsWith("auth.") ? t("audit.visitor") : t("actor.system");
}

function subjectLabel(r: Row, t: Translate, locale: Locale): string {
  if (!r.entity_type) return "";
  const kind = isAuditEntityType(r.entity_type) ? t(`audit.entity.${r.entity_type}`) : r.entity_type;
  let name: string | null = null;
  if (r.entity_type === "user" && r.entity_user_name) name = `${r.entity_user_name} (${r.entity_username})`;
  else if (r.entity_type === "agency" && r.entity_agency_name) name = `${r.entity_agency_name} (${r.entity_agency_code})`;
  else if (r.entity_type === "technician" && r.entity_technician_name) name = r.entity_technician_name;
  else if (r.entity_type === "ticket" && r.entity_ticket_number != null) {
    name = `${t("ticket.number")} ${formatDigits(r.entity_ticket_number, locale)}`;
  } else if (r.entity_id) name = formatDigits(r.entity_id, locale);
  return name ? `${kind}: ${name}` : kind;
}

/** The row as a sentence: who did what to whom (core/audit.ts action → `audit.sentence.<action>`). */
function sentence(r: Row, t: Translate, locale: Locale): string {
  if (!isAuditAction(r.action)) return r.action;
  return t(`audit.sentence.${r.action}`, { actor: actorLabel(r, t), target: subjectLabel(r, t, locale) || t("audit.noTarget") });
}

const ROLE_NAMES = new Set<string>(ROLES);
const STATUS_NAMES = new Set<string>(AGENCY_STATUSES);

function detailsLabel(r: Row, t: Translate, locale: Locale): string {
  const d = (r.details ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const n = (v: unknown) => formatDigits(String(v), locale);
  const roleOf = (v: unknown) => (typeof v === "string" && ROLE_NAMES.has(v) ? t(`role.${v as Role}`) : "");
  if (typeof d.code === "string" && r.entity_type !== "agency") parts.push(t("audit.detail.code", { value: d.code }));
  if (r.action === "agency.suspend" || r.action === "agency.terminate" || r.action === "agency.activate") {
    if (typeof d.from === "string" && typeof d.to === "string" && STATUS_NAMES.has(d.from) && STATUS_NAMES.has(d.to)) {
      parts.push(t("audit.detail.status", { from: t(`agencyStatus.${d.from as AgencyStatus}`), to: t(`agencyStatus.${d.to as AgencyStatus}`) }));
    }
    if (Array.isArray(d.withdrawnOffers) && d.withdrawnOffers.length) parts.push(t("audit.detail.withdrawn", { value: n(d.withdrawnOffers.length) }));
  }
  if (r.action === "user.create" && typeof d.role === "string") parts.push(t("audit.detail.newRole", { value: roleOf(d.role) }));
  if (r.action === "user.update" && d.from && d.to) {
    const from = d.from as { role?: unknown };
    const to = d.to as { role?: unknown };
    parts.push(t("audit.detail.role", { from: roleOf(from.role), to: roleOf(to.role) }));
  }
  if (typeof d.sessionsEnded === "number" && d.sessionsEnded > 0) parts.push(t("audit.detail.sessionsEnded", { value: n(d.sessionsEnded) }));
  if (d.generated === true) parts.push(t("audit.detail.generated"));
  if (r.action === "agency.update" && Array.isArray(d.changed) && d.changed.length) {
    const names = [...new Set(d.changed.filter((c): c is string => typeof c === "string" && (AGENCY_FIELDS as readonly string[]).includes(c)).map((c) => t(`audit.detail.field.${c as AgencyField}`)))];
    parts.push(t("audit.detail.changed", { value: names.join(locale === "fa" ? "، " : ", ") }));
  }
  if (r.action === "agency.create" && typeof d.name === "string") parts.push(t("audit.detail.name", { value: d.name }));
  if (r.action === "agency.authorizations_update") {
    if (Array.isArray(d.added) && d.added.length) parts.push(t("audit.detail.authAdded", { value: n(d.added.length) }));
    if (Array.isArray(d.removed) && d.removed.length) parts.push(t("audit.detail.authRemoved", { value: n(d.removed.length) }));
  }
  if ((r.action === "agency.fee_rate_add" || r.action === "agency.fee_rate_update") && typeof d.to_percent === "number") {
    if (typeof d.from_percent === "number") parts.push(t("audit.feeRate", { from: d.from_percent, to: d.to_percent }));
    else parts.push(t("audit.detail.rate", { value: d.to_percent }));
    if (typeof d.effective_from === "string" && /^\d{4}-\d{2}-\d{2}$/.test(d.effective_from)) {
      parts.push(t("audit.detail.effectiveFrom", { value: n(gregorianDayToJalali(d.effective_from)) }));
    }
  }
  if (r.action === "agency.import" && typeof d.imported === "number") parts.push(t("audit.detail.imported", { value: n(d.imported) }));
  if (r.action.startsWith("technician.") && typeof d.fullName === "string") parts.push(t("audit.detail.fullName", { value: d.fullName }));
  if ((r.action === "auth.sign_in_failed" || r.action === "auth.sign_in_throttled") && typeof d.username === "string") {
    parts.push(t("audit.typedUsername", { username: d.username }));
  }
  if (r.action.startsWith("holiday.") && typeof d.date === "string") parts.push(t("holidays.audit.date", { value: n(d.date) }));
  if (r.action === "service_rule.update" && isServiceRuleKey(d.key) && typeof d.from === "number" && typeof d.to === "number") {
    const unit = SERVICE_RULE_SPECS[d.key].unit;
    const amount = (v: number) => t(`serviceRules.unit.${unit}`, { value: formatNumber(v, locale) });
    parts.push(t("serviceRules.audit.change", { rule: t(`serviceRules.rule.${d.key}.name`), from: amount(d.from), to: amount(d.to) }));
  }
  // issue 15 §1 (h6): a card batch (never its codes); a registry tracking id's old and new value
  if (r.action === "warranty_card.batch_issue" && typeof d.count === "number" && typeof d.model === "string") {
    parts.push(t("audit.detail.cardBatch", { count: n(d.count), model: d.model }));
  }
  if (r.action === "customer_product.registry_id_change") {
    const none = t("warrantyCard.registry.none");
    parts.push(t("audit.detail.registryId", { from: typeof d.from === "string" ? d.from : none, to: typeof d.to === "string" ? d.to : none }));
  }
  if (d.reason === "invalid" || d.reason === "inactive") parts.push(t(`audit.reason.${d.reason}`));
  else if (typeof d.reason === "string") parts.push(d.reason);
  if (r.action === "agency.fee_rate_change" && typeof d.from_percent === "number" && typeof d.to_percent === "number") {
    parts.push(t("audit.feeRate", { from: d.from_percent, to: d.to_percent }));
  }
  return parts.join(locale === "fa" ? "؛ " : "; ");
}

export default function AdminAudit() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("admin.audit")}</h1>
      {rows.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("admin.at")}</th>
              <th>{t("admin.action")}</th>
              <th>{t("audit.sentenceHeader")}</th>
              <th>{t("admin.actor")}</th>
              <th>{t("admin.subject")}</th>
              <th>{t("admin.details")}</th>
              <th>{t("admin.ip")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-action={r.action}>
                <td>{formatDateTime(r.at, locale)}</td>
                <td>{actionLabel(r, t)}</td>
                <td data-testid="audit-sentence">{sentence(r, t, locale)}</td>
                <td>{actorLabel(r, t)}</td>
                <td>{subjectLabel(r, t, locale)}</td>
                <td>{detailsLabel(r, t, locale)}</td>
                <td className="ltr">{r.ip ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
