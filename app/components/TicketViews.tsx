import { Link, useLocation } from "@remix-run/react";
import type { TicketStatus as TicketStatusValue, TicketType, WarrantyStatus } from "../../core/ticket";
import { isOverdue } from "../../core/ticket";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export interface TicketRow {
  id: number;
  number: number;
  type: TicketType;
  status: TicketStatusValue;
  warranty_status: WarrantyStatus;
  city: string | null;
  created_at: string | Date;
  sla_resolve_due_at: string | Date | null;
  customer_name: string;
  agency_name: string | null;
  category_fa: string | null;
  category_en: string | null;
}

export function StatusBadge({ status }: { status: TicketStatusValue }) {
  const t = useT();
  const tone = status === "closed" || status === "completed" ? "ok" : status === "cancelled" ? "" : status === "new" ? "warn" : "";
  return <span className={`badge ${tone}`} data-status={status}>{t(`status.${status}`)}</span>;
}

/** Tickets as a table; `linkBase` is where a row opens (e.g. /desk/tickets). */
export function TicketTable({ rows, linkBase, now }: { rows: TicketRow[]; linkBase: string; now: number }) {
  const t = useT();
  const locale = useLocale();
  if (rows.length === 0) return <p className="muted">{t("common.noResults")}</p>;
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{t("ticket.number")}</th>
          <th>{t("ticket.type")}</th>
          <th>{t("ticket.customer")}</th>
          <th>{t("ticket.product")}</th>
          <th>{t("ticket.city")}</th>
          <th>{t("ticket.warranty")}</th>
          <th>{t("ticket.agency")}</th>
          <th>{t("ticket.status")}</th>
          <th>{t("ticket.createdAt")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const overdue = isOverdue(r.status, r.sla_resolve_due_at, now);
          return (
            <tr key={r.id}>
              <td>
                <Link to={`${linkBase}/${r.id}`}>{formatDigits(r.number, locale)}</Link>
              </td>
              <td>{t(`type.${r.type}`)}</td>
              <td>{r.customer_name}</td>
              <td>{(locale === "fa" ? r.category_fa : r.category_en) ?? t("common.none")}</td>
              <td>{r.city ?? t("common.none")}</td>
              <td>{t(`warranty.${r.warranty_status}`)}</td>
              <td>{r.agency_name ?? t("common.none")}</td>
              <td>
                <StatusBadge status={r.status} /> {overdue ? <span className="badge danger">{t("ticket.overdue")}</span> : null}
              </td>
              <td>{formatDateTime(r.created_at, locale)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Pager({ page, hasMore }: { page: number; hasMore: boolean }) {
  const t = useT();
  const { search } = useLocation();
  const hrefFor = (p: number) => {
    const params = new URLSearchParams(search);
    params.set("page", String(p));
    return `?${params}`;
  };
  return (
    <nav className="pager" aria-label={t("common.page", { page })}>
      {page > 1 ? <Link to={hrefFor(page - 1)}>{t("common.previous")}</Link> : null}
      <span>{t("common.page", { page })}</span>
      {hasMore ? <Link to={hrefFor(page + 1)}>{t("common.next")}</Link> : null}
    </nav>
  );
}
