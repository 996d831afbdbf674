import { Link, useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import type { loader as popLoader } from "~/routes/desk.calls.$callId";
import type { loader as callbackLoader } from "~/routes/desk.callbacks.$callbackId";
import type { DialResult } from "~/routes/desk.dial";
import { formatDate, formatDateTime, formatDigits, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export type CallPhase = "offered" | "connected" | "withdrawn" | "ended";

/**
 * The screen-pop: a panel above the page (not a blocking dialog) about the call ringing or answered at
 * this operator's desk. Its data comes from /desk/calls/:id, read with the operator's own scope when the
 * event arrives; the ticket the caller keyed in comes first.
 */
export function CallPopup({ callId, phase, onClose }: { callId: number; phase: CallPhase; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<typeof popLoader>();
  const { load } = fetcher;
  useEffect(() => {
    load(`/desk/calls/${callId}`);
  }, [callId, load]);
  const pop = fetcher.data?.pop;
  const title = phase === "offered" || phase === "withdrawn" ? t("pop.title.offered") : t("pop.title.connected");

  return (
    <section className="call-pop panel" aria-label={title} data-testid="call-pop" data-call-id={callId} data-phase={phase}>
      <header className="call-pop-head">
        <h2>
          {title}
          {pop ? (
            <>
              {" "}
              <span className="ltr" data-testid="pop-caller">
                {pop.call.callerNumber ? formatPhone(pop.call.callerNumber, locale) : t("pop.unknownNumber")}
              </span>
            </>
          ) : null}
        </h2>
        <button type="button" className="link-button" onClick={onClose}>
          {t("pop.close")}
        </button>
      </header>
      {phase === "withdrawn" ? <p className="muted">{t("pop.withdrawn")}</p> : null}
      {phase === "ended" ? <p className="muted">{t("pop.ended")}</p> : null}
      {!fetcher.data ? (
        <p className="muted">{t("pop.loading")}</p>
      ) : !pop ? (
        <p className="error">{t("pop.loadFailed")}</p>
      ) : (
        <div className="call-pop-body">
          {pop.call.ivrChoice ? (
            <p>
              {t("pop.ivr")}: <strong>{t(`type.${pop.call.ivrChoice}`)}</strong>
            </p>
          ) : null}

          {pop.call.keyedTicketNumber ? (
            pop.keyedTicket ? (
              <div className="keyed-ticket" data-testid="pop-keyed-ticket">
                <h3>{t("pop.keyedTicket")}</h3>
                <p>
                  <Link to={`/desk/tickets/${pop.keyedTicket.id}`}>{formatDigits(pop.keyedTicket.number, locale)}</Link> —{" "}
                  {t(`type.${pop.keyedTicket.type}`)} · <span className="badge">{t(`status.${pop.keyedTicket.status}`)}</span> ·{" "}
                  {pop.keyedTicket.customer_name}
                </p>
                <Link className="button" to={`/desk/register?callId=${callId}&kind=follow_up&ticket=${pop.keyedTicket.number}`}>
                  {t("pop.followUp")}
                </Link>
              </div>
            ) : (
              <p className="warn-text">{t("pop.keyedTicketMissing", { number: formatDigits(pop.call.keyedTicketNumber, locale) })}</p>
            )
          ) : null}

          {pop.customers.length === 0 ? (
            <p className="new-customer" data-testid="pop-new-customer">
              <strong>{t("pop.newCustomer")}</strong>
            </p>
          ) : (
            <div>
              <h3>{t("pop.customers")}</h3>
              {pop.customers.map((c) => (
                <div key={c.id} className="pop-customer" data-testid="pop-customer">
                  <p>
                    <strong>{c.full_name}</strong> · <span className="ltr">{formatPhone(c.mobile, locale)}</span>
                  </p>
                  <DialButton number={c.mobile} />
                  {c.products.length === 0 ? (
                    <p className="muted">{t("pop.noProducts")}</p>
                  ) : (
                    <ul className="pop-list">
                      {c.products.map((p) => (
                        <li key={p.id}>
                          {locale === "fa" ? p.brand_fa : p.brand_en} {p.model_name} ·{" "}
                          <span className="ltr">{p.serial_number}</span> ·{" "}
                          <span className={`badge ${p.warrantyStatus === "in_warranty" ? "ok" : p.warrantyStatus === "out_of_warranty" ? "danger" : ""}`}>
                            {t(`warranty.${p.warrantyStatus}`)}
                            {p.warrantyDaysLeft !== null
                              ? ` — ${
                                  p.warrantyDaysLeft >= 0
                                    ? t("pop.daysLeft", { days: p.warrantyDaysLeft })
                                    : t("pop.expiredAgo", { days: -p.warrantyDaysLeft })
                                }`
                              : ""}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              ))}
            </div>
          )}

          {ticketLinks(t("pop.openTickets"), pop.openTickets, "pop-open-tickets")}
          {ticketLinks(t("pop.recentTickets"), pop.recentTickets, "pop-recent-tickets")}

          <h3>{t("pop.recentCalls")}</h3>
          {pop.recentCalls.length === 0 ? (
            <p className="muted">{t("pop.none")}</p>
          ) : (
            <ul className="pop-list">
              {pop.recentCalls.map((c) => (
                <li key={c.id}>
                  {formatDateTime(c.started_at, locale)} · {c.disposition ? t(`disposition.${c.disposition}`) : "—"}
                  {c.operator_name ? ` · ${c.operator_name}` : ""}
                  {c.ticket_id && c.ticket_number ? (
                    <>
                      {" · "}
                      <Link to={`/desk/tickets/${c.ticket_id}`}>{formatDigits(c.ticket_number, locale)}</Link>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          )}

          <p>
            <Link className="button" to={`/desk/register?callId=${callId}`} data-testid="pop-register">
              {t("pop.register")}
            </Link>
          </p>
        </div>
      )}
    </section>
  );

  function ticketLinks(title: string, rows: { id: number; number: number; type: string; status: string; created_at: string }[], testId: string) {
    return (
      <>
        <h3>{title}</h3>
        {rows.length === 0 ? (
          <p className="muted">{t("pop.none")}</p>
        ) : (
          <ul className="pop-list" data-testid={testId}>
            {rows.map((r) => (
              <li key={r.id}>
                <Link to={`/desk/tickets/${r.id}`}>{formatDigits(r.number, locale)}</Link> · {t(`type.${r.type as "breakdown"}`)} ·{" "}
                <span className="badge">{t(`status.${r.status as "new"}`)}</span> · {formatDate(r.created_at, locale)}
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }
}

/**
 * Click-to-dial a customer (their mobile on file): the operator's phone rings first. With `ticketId` (the
 * happy-call list) the call is linked to that ticket.
 */
export function DialButton({ number, ticketId }: { number: string; ticketId?: number }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<DialResult>();
  const result = fetcher.data;
  return (
    <fetcher.Form method="post" action="/desk/dial" className="inline">
      <input type="hidden" name="number" value={number} />
      {ticketId !== undefined ? <input type="hidden" name="ticketId" value={ticketId} /> : null}
      <button type="submit" disabled={fetcher.state !== "idle"} data-testid="pop-dial">
        {t("dial.callCustomer")}
      </button>
      {result ? (
        <span className={result.ok ? "ok-text" : "error"} role={result.ok ? "status" : "alert"} data-testid="pop-dial-result">
          {" "}
          {t(result.message, { number: `\u2066${formatPhone(number, locale)}\u2069` })}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

/** A call-back the ACD gave this operator: their phone rings now, then the customer's number is dialled. */
export function CallbackNotice({ callbackId, onClose }: { callbackId: number; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<typeof callbackLoader>();
  const { load } = fetcher;
  useEffect(() => {
    load(`/desk/callbacks/${callbackId}`);
  }, [callbackId, load]);
  const cb = fetcher.data?.callback;
  return (
    <p className="notice callback-notice" role="status" data-testid="callback-notice" data-callback-id={callbackId}>
      {cb ? (
        <>
          {t("dial.callback", { number: `\u2066${formatPhone(cb.number, locale)}\u2069` })}
          {cb.customerName ? ` (${cb.customerName})` : ""}
        </>
      ) : fetcher.data ? (
        t("dial.callbackUnknown")
      ) : (
        t("pop.loading")
      )}{" "}
      <button type="button" className="link-button" onClick={onClose}>
        {t("pop.close")}
      </button>
    </p>
  );
}
