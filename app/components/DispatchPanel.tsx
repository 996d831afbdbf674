import type { SerializeFrom } from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import type { dispatchPanelData, ReassignActionError } from "~/lib/dispatch.server";
import { formatDateTime, formatDigits, formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { MessageKey, Translate } from "~/i18n";
import { StatusBadge } from "./TicketViews";

type PanelData = NonNullable<SerializeFrom<Awaited<ReturnType<typeof dispatchPanelData>>>>;

const COMPONENTS = ["distance", "load", "performance", "fairness"] as const;

function reasonsText(t: Translate, reasons: readonly string[]): string {
  return reasons.map((r) => t(`dispatch.exclusion.${r}` as MessageKey)).join("، ");
}

function score(n: number, locale: "fa" | "en"): string {
  return new Intl.NumberFormat(locale === "fa" ? "fa-IR" : "en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

const pct = (x: number | null, locale: "fa" | "en") => (x === null ? "—" : formatPercent(Math.round(x * 1000) / 10, locale));

/** The scorecard figures behind a candidate's performance component (issue 15 §5). */
function ScorecardLine({ s }: { s: NonNullable<PanelData["decision"]>["ranked"][number]["scorecard"] & object }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="muted" data-testid="dispatch-scorecard">
      {t("dispatch.panel.scorecard", {
        acceptance: pct(s.rates.acceptance, locale),
        onTime: pct(s.rates.onTime, locale),
        sla: pct(s.rates.slaMet, locale),
        csat: s.rates.csat === null ? "—" : formatNumber(Math.round(s.rates.csat * 10) / 10, locale),
        ftf: pct(s.rates.firstTimeFix, locale),
        reworks: formatNumber(s.reworks, locale),
        jobs: formatNumber(s.jobs, locale),
      })}
      {s.claimsDecided ? (
        <span data-testid="dispatch-scorecard-claims">
          {locale === "fa" ? "، " : ", "}
          {t("scorecard.dispatchClaims", { rate: pct(s.rates.claimRejection ?? null, locale), n: formatNumber(s.claimsDecided, locale) })}
        </span>
      ) : null}
      {s.probation ? <span className="badge warn"> {t("scorecard.onProbation")}</span> : null}
    </div>
  );
}

/**
 * "Why this agency" on the call centre's ticket pages (never an agency's): the latest stored dispatch
 * decision (ranked candidates with each score component and the total, the one offered, the excluded
 * agencies with their reasons in words), the ticket's offers so far, and for a supervisor the manual
 * reassignment form. Reads the page's loader data (`dispatch`); renders nothing without it.
 */
export function DispatchPanel() {
  const data = useLoaderData() as unknown as { ticket: { id: number }; dispatch?: PanelData | null };
  const d = data.dispatch;
  const t = useT();
  const locale = useLocale();
  const [search] = useSearchParams();
  if (!d) return null;
  const names = new Map(d.agencies.map((a) => [a.id, a.name]));
  const nameOf = (id: number) => names.get(id) ?? `#${formatDigits(id, locale)}`;
  const decision = d.decision;
  const offeredAgency = decision?.offerId ? d.offers.find((o) => o.id === decision.offerId)?.agency_id : undefined;
  // a pending offer the latest decision did not make: a supervisor's, by hand (the history says why)
  const manualOffer = d.offers.find((o) => o.status === "pending" && o.id !== decision?.offerId && (!decision || new Date(o.offered_at) >= new Date(decision.at)));
  return (
    <section className="panel dispatch-panel" id="dispatch" aria-labelledby="dispatch-title" data-testid="dispatch-panel">
      <h2 id="dispatch-title">{t("dispatch.panel.title")}</h2>
      {search.get("reassigned") ? (
        <p className="notice ok" role="status" data-testid="reassign-done">
          {t("dispatch.reassign.done")}
        </p>
      ) : null}
      {d.held ? (
        <p className="notice" data-testid="dispatch-held">
          {t("dispatch.panel.held", { reason: t(`dispatch.hold.${d.held.reason}` as MessageKey) })} ({formatDateTime(d.held.at, locale)})
        </p>
      ) : null}
      {decision ? (
        <>
          <p className="muted">{t("dispatch.panel.decidedAt", { at: formatDateTime(decision.at, locale) })}</p>
          {manualOffer ? (
            <p className="notice" data-testid="dispatch-manual-offer">
              {t("dispatch.panel.manualOffer", { name: manualOffer.agency_name })}
            </p>
          ) : null}
          <h3>{t("dispatch.panel.ranked")}</h3>
          {decision.ranked.length ? (
            <table className="data" data-testid="dispatch-ranked">
              <thead>
                <tr>
                  <th>{t("dispatch.panel.rank")}</th>
                  <th>{t("dispatch.panel.agency")}</th>
                  {COMPONENTS.map((c) => (
                    <th key={c}>{t(`dispatch.component.${c}`)}</th>
                  ))}
                  <th>{t("dispatch.panel.total")}</th>
                </tr>
              </thead>
              <tbody>
                {decision.ranked.map((r, i) => (
                  <tr key={r.agencyId} data-agency={r.agencyId} className={r.agencyId === offeredAgency ? "chosen" : undefined}>
                    <td>{formatNumber(i + 1, locale)}</td>
                    <td>
                      {nameOf(r.agencyId)}
                      {r.agencyId === offeredAgency ? <span className="badge ok"> {t("dispatch.panel.offered")}</span> : null}
                      <div className="muted">
                        {r.distanceKm == null ? null : t("dispatch.panel.distanceKm", { km: formatDigits(r.distanceKm.toFixed(1), locale) })}
                        {r.distanceKm == null ? "" : " · "}
                        {t("dispatch.panel.load", { open: r.openJobs, capacity: r.capacity })}
                      </div>
                      {r.scorecard ? <ScorecardLine s={r.scorecard} /> : null}
                    </td>
                    {COMPONENTS.map((c) => (
                      <td key={c}>{score(r.components[c], locale)}</td>
                    ))}
                    <td>
                      <strong>{score(r.score, locale)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t("dispatch.panel.noRanked")}</p>
          )}
          {decision.evaluatedWithinKm != null ? (
            <p className="muted" data-testid="dispatch-nearest-only">
              {t("dispatch.panel.nearestOnly", { km: formatDigits(decision.evaluatedWithinKm.toFixed(1), locale) })}
            </p>
          ) : null}
          {decision.excluded.length ? (
            <>
              <h3>{t("dispatch.panel.excluded")}</h3>
              <table className="data" data-testid="dispatch-excluded">
                <thead>
                  <tr>
                    <th>{t("dispatch.panel.agency")}</th>
                    <th>{t("dispatch.panel.reasons")}</th>
                  </tr>
                </thead>
                <tbody>
                  {decision.excluded.map((e) => (
                    <tr key={e.agencyId} data-agency={e.agencyId}>
                      <td>{nameOf(e.agencyId)}</td>
                      <td>{reasonsText(t, e.reasons)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </>
      ) : (
        <p className="muted">{t("dispatch.panel.none")}</p>
      )}

      {d.offers.length ? (
        <>
          <h3>{t("dispatch.offers.title")}</h3>
          <table className="data" data-testid="dispatch-offers">
            <thead>
              <tr>
                <th>{t("dispatch.panel.agency")}</th>
                <th>{t("dispatch.offers.status")}</th>
                <th>{t("dispatch.offers.offeredAt")}</th>
                <th>{t("dispatch.offers.deadline")}</th>
                <th>{t("dispatch.offers.respondedAt")}</th>
                <th>{t("dispatch.offers.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {d.offers.map((o) => (
                <tr key={o.id} data-offer-status={o.status}>
                  <td>{o.agency_name}</td>
                  <td>{t(`offer.${o.status}`)}</td>
                  <td>{formatDateTime(o.offered_at, locale)}</td>
                  <td>{formatDateTime(o.deadline_at, locale)}</td>
                  <td>{o.responded_at ? formatDateTime(o.responded_at, locale) : t("common.none")}</td>
                  <td>{o.response_reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      {d.canReassign ? <ReassignForm ticketId={data.ticket.id} d={d} /> : null}
    </section>
  );
}

/**
 * Manual reassignment (dispatch:manage): the agencies in the dispatch rule's order, those failing a hard
 * constraint shown but not choosable, those out of area / closed / offered before choosable only with the
 * explicit confirmation. Posts to /desk|manager/dispatch/:ticketId; with JavaScript a refusal shows here,
 * without it on that page (the same panel).
 */
function ReassignForm({ ticketId, d }: { ticketId: number; d: PanelData }) {
  const t = useT();
  const location = useLocation();
  const fetcher = useFetcher<ReassignActionError>();
  const pageResult = useActionData() as ReassignActionError | undefined;
  const result = fetcher.data ?? (pageResult?.intent === "reassign" ? pageResult : undefined);
  const base = location.pathname.startsWith("/manager") ? "/manager" : "/desk";
  const busy = fetcher.state !== "idle";
  const error = result
    ? t(result.error, { ...(result.params ?? {}), ...(result.reasons ? { reasons: reasonsText(t, result.reasons) } : {}), ...(result.params?.status ? { status: t(`status.${String(result.params.status)}` as MessageKey) } : {}) })
    : null;
  return (
    <fetcher.Form method="post" action={`${base}/dispatch/${ticketId}`} className="reassign-form" aria-labelledby="reassign-title" data-testid="reassign-form">
      <h3 id="reassign-title">{t("dispatch.reassign.title")}</h3>
      <p className="muted">{t("dispatch.reassign.hint")}</p>
      <label>
        {t("dispatch.reassign.agency")}
        <select name="agencyId" required defaultValue={result?.values.agencyId ?? ""}>
          <option value="">{t("dispatch.reassign.choose")}</option>
          {d.choices.map((c) => (
            <option key={c.agencyId} value={c.agencyId} disabled={c.hard}>
              {c.reasons.length === 0
                ? c.name
                : t(c.hard ? "dispatch.reassign.optionBlocked" : "dispatch.reassign.optionOverride", { name: c.name, reasons: reasonsText(t, c.reasons) })}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" name="override" defaultChecked={result?.values.override ?? false} /> {t("dispatch.reassign.override")}
      </label>
      <label>
        {t("dispatch.reassign.reason")}
        <input name="reason" required maxLength={d.maxReason} defaultValue={result?.values.reason ?? ""} />
      </label>
      {error ? (
        <p className="error" role="alert" data-testid="reassign-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {t("dispatch.reassign.submit")}
      </button>
    </fetcher.Form>
  );
}

/** The panel on a page of its own (/desk|manager/dispatch/:ticketId), with a way back to the ticket. */
export function ReassignPage({ ticketBase }: { ticketBase: string }) {
  const { ticket } = useLoaderData() as unknown as { ticket: { id: number; number: number; status: Parameters<typeof StatusBadge>[0]["status"] } };
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`${ticketBase}/${ticket.id}`}>{t("common.back")}</Link>
      </p>
      <h1>
        {t("ticket.number")} {formatDigits(ticket.number, locale)} <StatusBadge status={ticket.status} />
      </h1>
      <DispatchPanel />
    </>
  );
}
