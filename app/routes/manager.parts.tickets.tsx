import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { holdingTicketsData, partsReportUser } from "~/lib/parts-report.server";
import { rangeSearch } from "~/lib/report-table";
import { HOLDING_TICKET_COLUMNS } from "~/lib/reports/parts";

/** The jobs behind a part's figure in the parts report: each request of the part in the range, days held, its ticket. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { t } = await partsReportUser(request, context);
  return holdingTicketsData(context.db, request, t);
}

export default function PartsReportTickets() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/parts/report?${rangeSearch(d.range)}`}>{t("parts.report.back")}</Link>
      </p>
      <h1>{t("parts.report.tickets")}</h1>
      <p className="muted">
        {formatDigits(d.range.fromText, locale)} – {formatDigits(d.range.toText, locale)}
      </p>
      {d.ticketRows.length === 0 ? (
        <p className="muted">{t("parts.report.none")}</p>
      ) : (
        <DataTable
          caption={t("parts.report.tickets")}
          columns={HOLDING_TICKET_COLUMNS}
          rows={d.ticketRows}
          rowKey={(r) => String(r.request_id)}
          exportHref={`/manager/parts/export?${d.query}&report=tickets`}
        />
      )}
    </>
  );
}
