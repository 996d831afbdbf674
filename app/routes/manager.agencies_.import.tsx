import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { AGENCY_CSV_COLUMNS } from "../../core/agency-admin";
import { importPercent, type AgencyImportEvent } from "../../core/agency-import-events";
import type { MessageKey } from "~/i18n";
import { agencyImportAction, loadAgencyImport } from "~/lib/agency-admin.server";
import { formatDateTime, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { useServerEvents } from "~/lib/use-desk-events";

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

const IMPORT_EVENT_TYPES = ["import_progress"] as const;

/**
 * The import's progress pushed by the server (EventSource, from the job's NOTIFY): the latest step of import
 * `importId` while it runs; the page is loaded again once the stream is live (to catch up on what happened
 * before it) and when the import ends (the result and the error report). Without JavaScript the page
 * refreshes itself instead (<noscript> below).
 */
function useImportProgress(importId: number | null, running: boolean): AgencyImportEvent | null {
  const revalidator = useRevalidator();
  const [latest, setLatest] = useState<AgencyImportEvent | null>(null);
  const state = useServerEvents<AgencyImportEvent>(`/manager/agencies/import/events?id=${importId ?? 0}`, IMPORT_EVENT_TYPES, importId !== null && running, (e) => {
    if (e.importId !== importId) return;
    setLatest(e);
    if (e.status === "done" || e.status === "failed") revalidator.revalidate();
  });
  useEffect(() => {
    if (state === "live" && running) revalidator.revalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once each time the stream becomes live
  }, [state]);
  return latest && latest.importId === importId ? latest : null;
}

export default function AgencyImport() {
  const { current, recent } = useLoaderData<typeof loader>();
  const result = useActionData<{ error: MessageKey }>();
  const t = useT();
  const locale = useLocale();
  const running = current !== null && current.status !== "done" && current.status !== "failed";
  const pushed = useImportProgress(current?.id ?? null, running);
  // the pushed step when it is newer than the loaded row
  const step =
    current === null
      ? null
      : pushed && running && pushed.processed >= current.processed_rows
        ? pushed
        : { status: current.status, processed: current.processed_rows, total: current.total_rows };
  const percent = step ? importPercent(step) : 0;
  const errors = (current?.errors as unknown as RowError[] | undefined) ?? [];
  return (
    <>
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
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
        <section data-testid="import-status" data-status={step?.status ?? current.status}>
          <h2>{t("agencyImport.statusTitle", { file: current.filename })}</h2>
          <p role="status">{t(`agencyImport.status.${(step?.status ?? current.status) as typeof current.status}`)}</p>
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
