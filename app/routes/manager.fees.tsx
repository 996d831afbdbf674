import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";
import { formatDigits, formatPercent, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "reports:read");
  return { rows: await agencies.feeLedger(context.db, { limit: 200 }) };
}

export default function ManagerFees() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("nav.fees")}</h1>
      {rows.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("fees.period")}</th>
              <th>{t("agencies.name")}</th>
              <th>{t("ticket.number")}</th>
              <th>{t("fees.invoice")}</th>
              <th>{t("fees.rate")}</th>
              <th>{t("fees.fee")}</th>
              <th>{t("fees.settled")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDigits(r.period.replace("-", "/"), locale)}</td>
                <td>{r.agency_name}</td>
                <td>
                  <Link to={`/manager/tickets/${r.ticket_id}`}>{formatDigits(r.ticket_number, locale)}</Link>
                </td>
                <td>{formatRials(r.invoice_amount_rials, locale)}</td>
                <td>{formatPercent(r.rate_percent, locale)}</td>
                <td>{formatRials(r.fee_rials, locale)}</td>
                <td>{r.settled ? t("common.yes") : t("common.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
