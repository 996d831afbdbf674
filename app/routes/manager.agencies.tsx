import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { agencyStatusAction, loadAgencies, type AgencyStatusActionError } from "~/lib/dispatch.server";
import { formatDigits, formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { AGENCY_STATUSES } from "../../core/ticket";

export async function loader(args: LoaderFunctionArgs) {
  return loadAgencies(args);
}

// an agency's status (agencies:manage): suspend / terminate with a reason and a confirmation, or active again
export async function action(args: ActionFunctionArgs) {
  return agencyStatusAction(args);
}

export default function ManagerAgencies() {
  const { rows, openJobs, canManage, canReassign, maxReason } = useLoaderData<typeof loader>();
  const result = useActionData<AgencyStatusActionError>();
  const [search] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const changed = rows.find((a) => String(a.id) === search.get("changed"));
  return (
    <>
      <h1>{t("nav.agencies")}</h1>
      {canManage ? (
        <p className="actions">
          <Link to="/manager/agencies/new" className="button">{t("agencyAdmin.newTitle")}</Link>{" "}
          <Link to="/manager/agencies/import">{t("agencyImport.title")}</Link>
        </p>
      ) : null}
      {changed ? (
        <p className="notice ok" role="status" data-testid="agency-status-done">
          {t("agencies.manage.done", { name: changed.name, status: t(`agencyStatus.${changed.status}`), withdrawn: Number(search.get("withdrawn") ?? 0) })}
        </p>
      ) : null}
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
          {rows.map((a) => {
            const jobs = openJobs.filter((j) => j.assigned_agency_id === a.id);
            const mine = result?.agencyId === a.id ? result : undefined;
            return (
              <tr key={a.id} id={`agency-${a.id}`} data-agency={a.code}>
                <td className="ltr">{a.code}</td>
                <td>{canManage ? <Link to={`/manager/agencies/${a.id}`}>{a.name}</Link> : a.name}</td>
                <td>{a.province}</td>
                <td>{a.city}</td>
                <td>
                  <span className={`badge ${a.status === "active" ? "ok" : "danger"}`} data-testid="agency-status">
                    {t(`agencyStatus.${a.status}`)}
                  </span>
                  {a.status_reason ? <div className="muted">{a.status_reason}</div> : null}
                  {jobs.length ? (
                    <div className="agency-open-jobs" data-testid="agency-open-jobs">
                      <strong>{t("agencies.manage.openJobs", { name: a.name })}</strong>
                      <ul>
                        {jobs.map((j) => (
                          <li key={j.id}>
                            {canReassign ? <Link to={`/manager/tickets/${j.id}#dispatch`}>{formatDigits(j.number, locale)}</Link> : formatDigits(j.number, locale)}{" "}
                            ({t(`status.${j.status}`)})
                          </li>
                        ))}
                      </ul>
                      <p className="muted">{t("agencies.manage.openJobsNote")}</p>
                    </div>
                  ) : null}
                  {canManage ? (
                    <details open={!!mine}>
                      <summary>{t("agencies.manage.title")}</summary>
                      <Form method="post" key={`${a.id}-${location.key}`} className="agency-status-form" data-testid={`agency-status-form-${a.code}`}>
                        <input type="hidden" name="agencyId" value={a.id} />
                        <label>
                          {t("agencies.manage.status")}
                          <select name="status" defaultValue={mine?.values.status || AGENCY_STATUSES.find((s) => s !== a.status)}>
                            {AGENCY_STATUSES.filter((s) => s !== a.status).map((s) => (
                              <option key={s} value={s}>
                                {t(`agencyStatus.${s}`)}
                              </option>
                            ))}
                          </select>
                        </label>
                        <label>
                          {t("agencies.manage.reason")}
                          <input name="reason" maxLength={maxReason} defaultValue={mine?.values.reason ?? ""} />
                        </label>
                        <label className="check">
                          <input type="checkbox" name="confirm" /> {t("agencies.manage.confirm")}
                        </label>
                        {mine ? (
                          <p className="error" role="alert" data-testid="agency-status-error">
                            {t(mine.error, mine.params)}
                          </p>
                        ) : null}
                        <button type="submit" disabled={navigation.state === "submitting"}>
                          {t("agencies.manage.submit")}
                        </button>
                      </Form>
                    </details>
                  ) : null}
                </td>
                <td>{formatNumber(a.technician_count, locale)}</td>
                <td>{formatNumber(a.daily_job_capacity, locale)}</td>
                <td>{a.rate_percent == null ? t("common.none") : formatPercent(a.rate_percent, locale)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
