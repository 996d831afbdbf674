import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { can } from "../../core/roles";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { useT } from "~/lib/i18n";
import { holdingPartsData, partsReportUser } from "~/lib/parts-report.server";
import { HOLDING_PART_COLUMNS } from "~/lib/reports/parts";

/** Issue 15 §4: the parts that hold jobs up the longest, for managers (reports:read); each figure drills down to its tickets. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await partsReportUser(request, context);
  // the desk's link only for whoever may use it (a supervisor reads this report, the manager runs the desk)
  return { ...(await holdingPartsData(context.db, request)), canManageParts: can(user.role, "parts:manage") };
}

export default function PartsReport() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("parts.report.title")}</h1>
      <p className="muted">{t("parts.report.intro")}</p>
      <DateRangeFilter from={d.range.fromText} to={d.range.toText} presets={d.range.presets} error={d.range.error} />
      {d.partRows.length === 0 ? (
        <p className="muted">{t("parts.report.none")}</p>
      ) : (
        <DataTable
          caption={t("parts.report.title")}
          columns={HOLDING_PART_COLUMNS}
          rows={d.partRows}
          rowKey={(r) => String(r.part_id)}
          initialSort={{ key: "total_days", desc: true }}
          exportHref={`/manager/parts/export?${d.rq}&report=parts`}
        />
      )}
      {d.canManageParts ? (
        <p>
          <Link to="/manager/parts">{t("parts.desk.title")}</Link>
        </p>
      ) : null}
    </>
  );
}
