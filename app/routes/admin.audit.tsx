import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { isAuditAction, isAuditEntityType } from "../../core/audit";
import type { Translate } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { audit } from "~/lib/db.server";
import { formatDateTime, formatDigits } from "~/lib/format";
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
  else if (r.entity_type === "ticket" && r.entity_ticket_number != null) {
    name = `${t("ticket.number")} ${formatDigits(r.entity_ticket_number, locale)}`;
  } else if (r.entity_id) name = formatDigits(r.entity_id, locale);
  return name ? `${kind}: ${name}` : kind;
}

function detailsLabel(r: Row, t: Translate, locale: Locale): string {
  const d = (r.details ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if ((r.action === "auth.sign_in_failed" || r.action === "auth.sign_in_throttled") && typeof d.username === "string") {
    parts.push(t("audit.typedUsername", { username: d.username }));
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
