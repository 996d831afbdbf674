import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AGENCY_CSV_COLUMNS } from "../../core/agency-admin";
import type { MessageKey } from "~/i18n";
import { agencyImportAction, loadAgencyImport } from "~/lib/agency-admin.server";
import { formatDateTime, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { useAutoRefresh } from "~/lib/use-auto-refresh";

export async function loader(args: LoaderFunctionArgs) {
  return loadAgencyImport(args);
}

export async function action(args: ActionFunctionArgs) {
  return agencyImportAction(args);
}

interface RowError {
  row: number;
  column: string | null;
  code: string;
}

function Poll({ active }: { active: boolean }) {
  useAutoRefresh(active ? 700 : 3_600_000);
  return null;
}

export default function AgencyImport() {
  const { current, recent } = useLoaderData<typeof loader>();
  const result = useActionData<{ error: MessageKey }>();
  const t = useT();
  const locale = useLocale();
  const running = current !== null && current.status !== "done" && current.status !== "failed";
  const percent = current ? (current.status === "done" ? 100 : current.total_rows ? Math.floor((current.processed_rows / current.total_rows) * 100) : 0) : 0;
  const errors = (current?.errors as unknown as RowError[] | undefined) ?? [];
  return (
    <>
      <Poll active={running} />
      <p>
        <Link to="/manager/agencies">{t("agencyAdmin.backToList")}</Link>
      </p>
      <h1>{t("agencyImport.title")}</h1>
      <p>{t("agencyImport.intro")}</p>
      <p>
        <a href="/manager/agencies/import-template" download data-testid="import-template">
          {t("agencyImport.template")}
        </a>{" "}
        <span className="muted ltr">{AGENCY_CSV_COLUMNS.join(", ")}</span>
      </p>
      <Form method="post" encType="multipart/form-data" data-testid="import-form">
        <label>
          {t("agencyImport.file")}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">{t("agencyImport.upload")}</button>
      </Form>
      {result?.error ? (
        <p className="error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      {current ? (
        <section data-testid="import-status" data-status={current.status}>
          <h2>{t("agencyImport.statusTitle", { file: current.filename })}</h2>
          <p role="status">{t(`agencyImport.status.${current.status}`)}</p>
          <progress max={100} value={percent} data-testid="import-progress" aria-label={t("agencyImport.progress")}>
            {percent}%
          </progress>{" "}
          <span data-testid="import-percent">{formatNumber(percent, locale)}٪</span>
          {current.status === "done" ? (
            <p className="notice ok" data-testid="import-done">
              {t("agencyImport.done", { count: current.imported_rows })} <Link to="/manager/agencies">{t("agencyImport.seeList")}</Link>
            </p>
          ) : null}
          {current.status === "failed" ? (
            <>
              <p className="error" role="alert" data-testid="import-failed">
                {t("agencyImport.failed", { count: errors.length })}
              </p>
              <table className="data" data-testid="import-errors">
                <thead>
                  <tr>
                    <th>{t("agencyImport.row")}</th>
                    <th>{t("agencyImport.column")}</th>
                    <th>{t("agencyImport.problem")}</th>
                  </tr>
                </thead>
                <tbody>
                  {errors.map((e, i) => (
                    <tr key={i}>
                      <td>{e.row ? formatNumber(e.row, locale) : t("agencyImport.header")}</td>
                      <td className="ltr">{e.column ?? ""}</td>
                      <td>{t(`agencyImport.error.${e.code}` as MessageKey)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </section>
      ) : null}
      {recent.length ? (
        <section>
          <h2>{t("agencyImport.recent")}</h2>
          <ul>
            {recent.map((r) => (
              <li key={r.id}>
                <Link to={`?id=${r.id}`}>{r.filename}</Link> — {formatDateTime(r.created_at, locale)} — {t(`agencyImport.status.${r.status}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
