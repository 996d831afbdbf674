import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { DialResult } from "./desk.dial";
import { requirePermission } from "~/lib/auth.server";
import { formatSeconds, queueLabel } from "~/lib/call-centre";
import { callKpis } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import styles from "~/styles/call-centre.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/**
 * The abandoned-call list (calls:take: the operators and the supervisor): the callers of the last days who were
 * not answered and have been neither called back nor rung again, newest first, each with a one-click call-back
 * through the desk's click-to-dial (/desk/dial). Placing it clears the item: the outbound call to the number
 * (who placed it, when) is what the list reads. `?show=cleared` lists the cleared ones and how.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "calls:take");
  const status = readSearchParams(request).show === "cleared" ? "cleared" : "open";
  const rows = await callKpis.abandonedCallers(context.db, { status });
  return { status, rows, days: callKpis.ABANDONED_LIST_DAYS };
}

function CallBackButton({ number, onPlaced }: { number: string; onPlaced: (number: string) => void }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<DialResult>();
  const result = fetcher.data;
  useEffect(() => {
    if (result?.ok) onPlaced(number);
  }, [result, number, onPlaced]);
  return (
    <fetcher.Form method="post" action="/desk/dial" className="inline">
      <input type="hidden" name="number" value={number} />
      <button type="submit" disabled={fetcher.state !== "idle"} data-testid="abandoned-call-back">
        {t("callCentre.abandoned.callBack")}
      </button>
      {result && !result.ok ? (
        <span className="error" role="alert">
          {" "}
          {t(result.message, { number: `\u2066${formatPhone(number, locale)}\u2069` })}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

export default function AbandonedCalls() {
  const { status, rows, days } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [placed, setPlaced] = useState<string | null>(null);
  return (
    <>
      <h1>{t("callCentre.abandoned.title")}</h1>
      <p className="muted">{t("callCentre.abandoned.intro", { days: formatDigits(days, locale) })}</p>
      <nav className="abandoned-tabs" aria-label={t("callCentre.abandoned.title")}>
        <Link to="/desk/abandoned" aria-current={status === "open" ? "page" : undefined} data-testid="abandoned-tab-open">
          {t("callCentre.abandoned.open")}
        </Link>
        <Link to="/desk/abandoned?show=cleared" aria-current={status === "cleared" ? "page" : undefined} data-testid="abandoned-tab-cleared">
          {t("callCentre.abandoned.cleared")}
        </Link>
      </nav>
      {placed ? (
        <p className="notice ok" role="status" data-testid="abandoned-placed">
          {t("callCentre.abandoned.placed", { number: `\u2066${formatPhone(placed, locale)}\u2069` })}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p data-testid="abandoned-empty">{status === "open" ? t("callCentre.abandoned.emptyOpen") : t("callCentre.abandoned.emptyCleared")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data" data-testid="abandoned-list">
            <thead>
              <tr>
                <th>{t("callCentre.abandoned.at")}</th>
                <th>{t("callCentre.abandoned.number")}</th>
                <th>{t("callCentre.abandoned.customer")}</th>
                <th>{t("callCentre.report.queue")}</th>
                <th>{t("callCentre.abandoned.result")}</th>
                <th>{t("callCentre.list.wait")}</th>
                <th>{t("callCentre.abandoned.action")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const queue = queueLabel(r.queue);
                return (
                  <tr key={r.callId} data-testid="abandoned-row" data-number={r.number}>
                    <td>{formatDateTime(r.startedAt, locale)}</td>
                    <td>
                      <span className="ltr">{formatPhone(r.number, locale)}</span>
                    </td>
                    <td>{r.customerName ?? <span className="muted">{t("callCentre.abandoned.unknownCustomer")}</span>}</td>
                    <td>{queue ? t(queue) : "—"}</td>
                    <td>{t(`disposition.${r.disposition}`)}</td>
                    <td>{formatSeconds(r.waitSeconds, locale)}</td>
                    <td data-testid="abandoned-cleared">
                      {r.clearedBy === null ? (
                        <CallBackButton number={r.number} onPlaced={setPlaced} />
                      ) : r.clearedBy === "called_again" ? (
                        t("callCentre.abandoned.calledAgain", { time: formatDateTime(r.clearedAt, locale) })
                      ) : r.clearedByUser ? (
                        t("callCentre.abandoned.calledBack", { name: r.clearedByUser, time: formatDateTime(r.clearedAt, locale) })
                      ) : (
                        t("callCentre.abandoned.calledBackUnknown", { time: formatDateTime(r.clearedAt, locale) })
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
