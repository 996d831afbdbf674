import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import { waitedSeconds, type WallOperatorState } from "../../core/call-kpis";
import { AppShell } from "~/components/AppShell";
import { StatCard } from "~/components/StatCard";
import { requirePermission } from "~/lib/auth.server";
import { formatSeconds, queueLabel } from "~/lib/call-centre";
import { callKpis } from "~/lib/db.server";
import { formatDigits, formatNumber, formatPercent, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { homeNav } from "~/lib/nav";
import { useServerEvents } from "~/lib/use-desk-events";
import styles from "~/styles/call-centre.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/**
 * The supervisor's live wall of the call centre (calls:supervise: the supervisor and the manager), outside the
 * desk's frame so the manager may open it too and it fills a large screen: the callers waiting now and how long
 * each has waited, the operators and their state, today's figures. Everything is read from PostgreSQL; the page
 * re-reads it on each `wall_changed` of its event stream (NOTIFY from any process), and the waits tick in the
 * browser from the server's clock.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "calls:supervise");
  const snapshot = await callKpis.wallSnapshot(context.db, context.env.CALL_SERVICE_LEVEL_SECONDS);
  return { user, snapshot };
}

const WALL_EVENTS = ["wall_changed"] as const;
/** A caller waiting longer than this is shown in red. */
const LONG_WAIT_SECONDS = 60;

/** The server's "now", ticking every second from when the snapshot was read (the browser's clock may be off). */
function useServerClock(serverNow: string): number {
  const [now, setNow] = useState(() => new Date(serverNow).getTime());
  useEffect(() => {
    const offset = new Date(serverNow).getTime() - Date.now();
    setNow(Date.now() + offset);
    const timer = setInterval(() => setNow(Date.now() + offset), 1000);
    return () => clearInterval(timer);
  }, [serverNow]);
  return now;
}

export default function Wall() {
  const { user, snapshot } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const [stale, setStale] = useState(false);
  const onEvent = useCallback(() => setStale(true), []);
  const live = useServerEvents("/desk/wall/events", WALL_EVENTS, true, onEvent);
  // one re-read at a time; changes that arrive meanwhile are read by the next one
  useEffect(() => {
    if (stale && revalidator.state === "idle") {
      setStale(false);
      revalidator.revalidate();
    }
  }, [stale, revalidator]);
  // wrap-up ends with time alone (no event): read again every 20 s
  useEffect(() => {
    const timer = setInterval(() => setStale(true), 20_000);
    return () => clearInterval(timer);
  }, []);
  const now = useServerClock(snapshot.now);
  const today = snapshot.today;
  const longestNow = snapshot.waiting.reduce((m, w) => Math.max(m, waitedSeconds(w.enqueuedAt, now)), 0);
  return (
    <AppShell nav={homeNav(user.role)} user={user}>
      <div className="wall" data-testid="wall">
        <div className="wall-head">
          <h1>{t("callCentre.wall.title")}</h1>
          <p className="live-status muted" data-testid="wall-live" data-live={live} role="status">
            <span className={`dot ${live}`} aria-hidden="true" /> {live === "live" ? t("callCentre.wall.live") : t("callCentre.wall.connecting")}
          </p>
        </div>
        <h2>{t("callCentre.wall.today")}</h2>
        <div className="cards" data-testid="wall-today">
          <StatCard label={t("callCentre.kpi.waitingNow")} value={<span data-testid="wall-waiting-count">{formatNumber(snapshot.waiting.length, locale)}</span>} />
          <StatCard label={t("callCentre.kpi.offered")} value={<span data-testid="wall-offered">{formatNumber(today.offered, locale)}</span>} />
          <StatCard label={t("callCentre.kpi.answered")} value={formatNumber(today.answered, locale)} />
          <StatCard label={t("callCentre.kpi.abandoned")} value={formatNumber(today.abandoned, locale)} />
          <StatCard label={t("callCentre.kpi.missed")} value={formatNumber(today.missed, locale)} />
          <StatCard label={t("callCentre.kpi.serviceLevel", { seconds: formatDigits(snapshot.thresholdSeconds, locale) })} value={formatPercent(today.serviceLevel, locale)} />
          <StatCard label={t("callCentre.kpi.asa")} value={formatSeconds(today.averageSpeedOfAnswer, locale)} />
          <StatCard label={t("callCentre.kpi.aht")} value={formatSeconds(today.averageHandleTime, locale)} />
          <StatCard label={t("callCentre.kpi.longestWait")} value={formatSeconds(Math.max(today.longestWait, longestNow), locale)} />
        </div>
        <div className="wall-grid">
          <section>
            <h2>{t("callCentre.wall.waiting")}</h2>
            {snapshot.waiting.length === 0 ? (
              <p className="muted" data-testid="wall-none-waiting">
                {t("callCentre.wall.noneWaiting")}
              </p>
            ) : (
              <ul className="wall-waiting" data-testid="wall-waiting">
                {snapshot.waiting.map((w) => {
                  const waited = waitedSeconds(w.enqueuedAt, now);
                  const queue = queueLabel(w.queue);
                  return (
                    <li key={w.callId} className={waited >= LONG_WAIT_SECONDS ? "long" : undefined} data-testid="wall-waiting-call" data-call-id={w.callId}>
                      <span>
                        <span className="ltr">{formatPhone(w.callerNumber, locale)}</span>
                        {queue ? <span className="muted"> — {t(queue)}</span> : null}
                        {w.ringing ? <span className="muted"> — {t("callCentre.wall.ringing", { name: w.ringing })}</span> : null}
                      </span>
                      <span className="waited" aria-label={t("callCentre.wall.waited")} data-testid="wall-waited">
                        {formatSeconds(waited, locale)}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section>
            <h2>{t("callCentre.wall.operators")}</h2>
            {snapshot.operators.length === 0 ? (
              <p className="muted">{t("callCentre.wall.noOperators")}</p>
            ) : (
              <ul className="wall-operators" data-testid="wall-operators">
                {snapshot.operators.map((o) => (
                  <li key={o.userId} data-testid="wall-operator" data-state={o.state}>
                    <span className="name">{o.name}</span>
                    <span className="muted">{t("callCentre.wall.extension", { extension: formatDigits(o.extension, locale) })}</span>
                    <span className={`state-badge state-${o.state satisfies WallOperatorState}`}>{t(`callCentre.state.${o.state}`)}</span>
                    {o.since && o.state !== "away" ? <span className="muted">{formatSeconds(waitedSeconds(o.since, now), locale)}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </AppShell>
  );
}
