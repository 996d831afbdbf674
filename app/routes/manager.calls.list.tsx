import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { requirePermission } from "~/lib/auth.server";
import { loadCallList, readCallListRequest, readCallReportRequest } from "~/lib/call-centre.server";
import { callKpis } from "~/lib/db.server";
import { formatDate, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { callListColumns } from "~/lib/reports/call-centre";

/**
 * The calls behind one figure of the call-centre report (reports:read): the report's filters, the figure's kind
 * (offered, answered, abandoned, missed, within the service level) and the row's day or hour; newest first, each
 * call linking to its ticket. `format=csv|xlsx` gives the same list as a file.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const r = await readCallReportRequest(request, context, user);
  const l = readCallListRequest(request, r);
  const rows = await loadCallList(context, r, l);
  const format = parseExportFormat(request);
  if (format) return exportResponse({ format, filename: `calls-${l.kind}`, columns: callListColumns(false), rows, locale: r.locale });
  return pageData(context, r, l, rows);
}

async function pageData(
  context: LoaderFunctionArgs["context"],
  r: Awaited<ReturnType<typeof readCallReportRequest>>,
  l: ReturnType<typeof readCallListRequest>,
  rows: Awaited<ReturnType<typeof loadCallList>>,
) {
  const operator = r.operatorUserId ? (await callKpis.callCentreOperators(context.db)).find((o) => o.id === r.operatorUserId) : undefined;
  const params = new URLSearchParams(r.query);
  params.set("kind", l.kind);
  if (l.day) params.set("day", l.day);
  if (l.hour !== null) params.set("hour", String(l.hour));
  return {
    rows,
    kind: l.kind,
    day: l.day,
    hour: l.hour,
    queue: r.queue,
    operatorName: operator?.name ?? null,
    range: { from: r.range.fromText, to: r.range.toText },
    back: `/manager/calls?${new URLSearchParams(r.query).toString()}`,
    exportHref: `/manager/calls/list?${params.toString()}`,
    limit: callKpis.CALL_LIST_LIMIT,
  };
}

const KIND_LABEL = {
  offered: "callCentre.kpi.offered",
  answered: "callCentre.kpi.answered",
  abandoned: "callCentre.kpi.abandoned",
  missed: "callCentre.kpi.missed",
  within: "callCentre.kpi.within",
} as const;

export default function CallList() {
  const data = useLoaderData<typeof pageData>();
  const t = useT();
  const locale = useLocale();
  const what = [
    t(KIND_LABEL[data.kind]),
    data.operatorName,
    data.queue ? t(`type.${data.queue}`) : null,
    data.day ? formatDate(data.day, locale) : `${formatDigits(data.range.from, locale)} – ${formatDigits(data.range.to, locale)}`,
    data.hour !== null ? formatDigits(`${String(data.hour).padStart(2, "0")}:00`, locale) : null,
  ]
    .filter(Boolean)
    .join("، ");
  return (
    <>
      <p>
        <Link to={data.back}>{t("callCentre.list.back")}</Link>
      </p>
      <h1 data-testid="call-list-title">{t("callCentre.list.title", { what })}</h1>
      {data.rows.length >= data.limit ? <p className="muted">{t("callCentre.list.limit", { count: formatDigits(data.limit, locale) })}</p> : null}
      {data.rows.length === 0 ? (
        <p data-testid="call-list-empty">{t("callCentre.list.empty")}</p>
      ) : (
        <div data-testid="call-list">
          <DataTable columns={callListColumns(true)} rows={data.rows} exportHref={data.exportHref} rowKey={(r) => r.id} />
        </div>
      )}
    </>
  );
}
