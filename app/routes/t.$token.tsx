import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { tracking } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { ticketNumberFromToken } from "~/lib/services.server";

/*
 * The public tracking page the customer's SMS links to: /t/<token>, no sign-in. The token is signed
 * (platform/links.ts); anything not made with this site's secret is the same 404 as an unknown ticket.
 * It shows what the customer already knows — the tracking number — with the type, the status in words and
 * the Jalali dates of the steps; once an agency has accepted the job, its name and phone (to call); once set,
 * the technician's visit window; and, in so many words, when the job is done. No customer name, mobile,
 * address or note, and nothing of any other ticket (db/repos/tracking.ts).
 */

/** The root's title (the app's name in the reader's language) kept: a route's meta replaces its parents'. */
export const meta: MetaFunction = ({ matches }) => [
  ...matches.flatMap((m) => m.meta ?? []).filter((d) => "title" in d),
  { name: "robots", content: "noindex" },
];

// the token is in the address: never send it on to another site, nor keep it in a shared cache
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store" });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const number = ticketNumberFromToken(context.env.trackingSecret, params.token ?? "");
  if (number === null) throw new Response("Not found", { status: 404 });
  const view = await tracking.trackingView(context.db, number);
  if (!view) throw new Response("Not found", { status: 404 });
  return view;
}

export default function TrackingPage() {
  const v = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <main className="tracking-page" id="main">
      <div className="tracking-box">
        <h1>{t("track.title")}</h1>
        {v.done ? (
          <p className="notice ok tracking-done" role="status" data-testid="track-done">
            {t("track.done", { at: formatDateTime(v.doneAt, locale) })}
          </p>
        ) : null}
        <dl className="tracking-facts">
          <dt>{t("track.number")}</dt>
          <dd data-testid="track-number">{formatDigits(v.number, locale)}</dd>
          <dt>{t("track.type")}</dt>
          <dd>{t(`type.${v.type}`)}</dd>
          <dt>{t("track.status")}</dt>
          <dd data-testid="track-status">
            <strong>{t(`status.${v.status}`)}</strong>
          </dd>
          {v.agency ? (
            <>
              <dt>{t("track.agency")}</dt>
              <dd data-testid="track-agency">{v.agency.name}</dd>
              {v.agency.phone ? (
                <>
                  <dt>{t("track.agencyPhone")}</dt>
                  <dd>
                    <a href={`tel:${v.agency.phone}`} className="ltr" data-testid="track-agency-phone">
                      {formatPhone(v.agency.phone, locale)}
                    </a>
                  </dd>
                </>
              ) : null}
            </>
          ) : null}
          {v.visit ? (
            <>
              <dt>{t("track.visit")}</dt>
              <dd data-testid="track-visit">
                {v.visit.to
                  ? t("track.visitWindow", { from: formatDateTime(v.visit.from, locale), to: formatDateTime(v.visit.to, locale) })
                  : formatDateTime(v.visit.from, locale)}
              </dd>
            </>
          ) : null}
          <dt>{t("track.updatedAt")}</dt>
          <dd>{formatDateTime(v.updatedAt, locale)}</dd>
        </dl>
        <h2>{t("track.steps")}</h2>
        <ol className="tracking-steps" data-testid="track-steps">
          <li>
            <span>{t("track.step.created")}</span> <span className="muted">{formatDateTime(v.createdAt, locale)}</span>
          </li>
          {v.steps.map((s, i) => (
            <li key={i}>
              <span>{t(`status.${s.status}`)}</span> <span className="muted">{formatDateTime(s.at, locale)}</span>
            </li>
          ))}
        </ol>
        <p className="muted">{t("track.help")}</p>
      </div>
    </main>
  );
}
