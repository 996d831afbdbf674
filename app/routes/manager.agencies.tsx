import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";
import { formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "agencies:read");
  return { rows: await agencies.listAgencies(context.db) };
}

export default function ManagerAgencies() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("nav.agencies")}</h1>
      <table className="data">
        <thead>
          <tr>
            <th>{t("agencies.code")}</th>
            <th>{t("agencies.name")}</th>
            <th>{t("agencies.province")}</th>
            <th>{t("agencies.city")}</th>
            <th>{t("agencies.status")}</th>
            <th>{t("agency.technicians")}</th>
            <th>{t("agency.capacity")}</th>
            <th>{t("agencies.rate")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td className="ltr">{a.code}</td>
              <td>{a.name}</td>
              <td>{a.province}</td>
              <td>{a.city}</td>
              <td>
                <span className={`badge ${a.status === "active" ? "ok" : "danger"}`}>{t(`agencyStatus.${a.status}`)}</span>
                {a.status_reason ? <div className="muted">{a.status_reason}</div> : null}
              </td>
              <td>{formatNumber(a.technician_count, locale)}</td>
              <td>{formatNumber(a.daily_job_capacity, locale)}</td>
              <td>{a.rate_percent == null ? t("common.none") : formatPercent(a.rate_percent, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
