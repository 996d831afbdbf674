import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { agencyStatusAction, loadAgencies, type AgencyStatusActionError } from "~/lib/dispatch.server";
import { formatDigits, formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { AGENCY_STATUSES, type AgencyStatus } from "../../core/ticket";

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
  const t = useT();
  const locale = useLocale();
  const changed = rows.find((a) => String(a.id) === search.get("changed"));
  // each successful change is a new location (the redirect to ?changed=): the key of that answer, for its agency
  const doneKey = (agencyId: number) => (changed?.id === agencyId ? location.key : null);
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
                      <AgencyStatusForm agency={a} mine={mine} maxReason={maxReason} done={doneKey(a.id)} />
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

/**
 * One agency's status form. What is typed stays across a refused answer (the error shows under it) and across
 * revalidations; the form is emptied only when a change of this agency succeeded (`done`: the key of that answer),
 * so a late re-render can never wipe what the manager is typing.
 */
function AgencyStatusForm({
  agency,
  mine,
  maxReason,
  done,
}: {
  agency: { id: number; code: string; status: AgencyStatus };
  mine: AgencyStatusActionError | undefined;
  maxReason: number;
  done: string | null;
}) {
  const t = useT();
  const navigation = useNavigation();
  const others = AGENCY_STATUSES.filter((s) => s !== agency.status);
  const initialStatus = (): string => (mine && others.some((s) => s === mine.values.status) ? mine.values.status : others[0]!);
  const [status, setStatus] = useState(initialStatus);
  const [reason, setReason] = useState(mine?.values.reason ?? "");
  const [confirmed, setConfirmed] = useState(false);
  const defaultStatus = others[0]!;
  useEffect(() => {
    if (done === null) return;
    setStatus(defaultStatus);
    setReason("");
    setConfirmed(false);
  }, [done, defaultStatus]);
  return (
    <Form method="post" className="agency-status-form" data-testid={`agency-status-form-${agency.code}`}>
      <input type="hidden" name="agencyId" value={agency.id} />
      <label>
        {t("agencies.manage.status")}
        <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {others.map((s) => (
            <option key={s} value={s}>
              {t(`agencyStatus.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("agencies.manage.reason")}
        <input name="reason" maxLength={maxReason} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" name="confirm" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> {t("agencies.manage.confirm")}
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
  );
}
