import type { SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { loadTicketPage } from "~/lib/ticket-page.server";
import { formatDate, formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { formatIranMobile } from "../../core/phone";
import { direction, type MessageKey, type Translate } from "~/i18n";
import { StatusBadge } from "./TicketViews";

type Data = SerializeFrom<Awaited<ReturnType<typeof loadTicketPage>>>;

export function TicketDetail({ data }: { data: Data }) {
  const t = useT();
  const locale = useLocale();
  const { ticket, history, offers, calls } = data;
  const brand = locale === "fa" ? ticket.brand_fa : ticket.brand_en;
  const category = locale === "fa" ? ticket.category_fa : ticket.category_en;
  // from → to in reading order: the arrow points left in Persian (RTL), right in English (LTR)
  const arrow = direction(locale) === "rtl" ? "←" : "→";
  return (
    <>
      <h1>
        {t("ticket.number")} {formatDigits(ticket.number, locale)} <StatusBadge status={ticket.status} />
      </h1>
      <section className="panel">
        <dl className="facts">
          <dt>{t("ticket.type")}</dt>
          <dd>{t(`type.${ticket.type}`)}</dd>
          <dt>{t("ticket.customer")}</dt>
          <dd>{ticket.customer_name}</dd>
          <dt>{t("ticket.mobile")}</dt>
          <dd>
            <span className="ltr">{formatDigits(formatIranMobile(ticket.customer_mobile), locale)}</span>
          </dd>
          <dt>{t("ticket.product")}</dt>
          <dd>{[category, brand, ticket.model_name].filter(Boolean).join(" — ") || t("common.none")}</dd>
          <dt>{t("ticket.serial")}</dt>
          <dd>
            <span className="ltr">{ticket.serial_number ?? t("common.none")}</span>
          </dd>
          <dt>{t("ticket.warranty")}</dt>
          <dd>
            {t(`warranty.${ticket.warranty_status}`)}
            {ticket.warranty_expires_on ? ` (${formatDate(`${ticket.warranty_expires_on}T12:00:00Z`, locale)})` : ""}
          </dd>
          <dt>{t("ticket.priority")}</dt>
          <dd>{t(`priority.${ticket.priority}`)}</dd>
          {ticket.channel ? (
            <>
              <dt>{t("ticket.channel")}</dt>
              <dd>{t(`channel.${ticket.channel}`)}</dd>
            </>
          ) : null}
          <dt>{t("ticket.problem")}</dt>
          <dd>{ticket.problem_description || t("common.none")}</dd>
          <dt>{t("ticket.address")}</dt>
          <dd>{[ticket.province, ticket.city, ticket.address_text].filter(Boolean).join("، ") || t("common.none")}</dd>
          <dt>{t("ticket.agency")}</dt>
          <dd>{ticket.agency_name ?? t("common.none")}</dd>
          <dt>{t("ticket.technician")}</dt>
          <dd>{ticket.technician_name ?? t("common.none")}</dd>
          <dt>{t("ticket.createdAt")}</dt>
          <dd>{formatDateTime(ticket.created_at, locale)}</dd>
          <dt>{t("ticket.slaVisit")}</dt>
          <dd>{formatDateTime(ticket.sla_visit_due_at, locale)}</dd>
        </dl>
      </section>

      <h2>{t("ticket.history")}</h2>
      <table className="data">
        <tbody>
          {history.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at, locale)}</td>
              <td>{t(eventKey(e.event_type))}</td>
              <td>
                {e.from_status ? t(`status.${e.from_status}`) : null}
                {e.from_status && e.to_status ? <span aria-hidden="true">{` ${arrow} `}</span> : null}
                {e.to_status ? t(`status.${e.to_status}`) : null}
              </td>
              <td>{actorText(e, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {offers.length > 0 ? (
        <>
          <h2>{t("ticket.offers")}</h2>
          <table className="data">
            <tbody>
              {offers.map((o) => (
                <tr key={o.id}>
                  <td>{o.agency_name}</td>
                  <td>{t(`offer.${o.status}`)}</td>
                  <td>{formatDateTime(o.offered_at, locale)}</td>
                  <td>{o.response_reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      {calls.length > 0 ? (
        <>
          <h2>{t("ticket.calls")}</h2>
          <table className="data">
            <tbody>
              {calls.map((c) => (
                <tr key={c.id}>
                  <td>{formatDateTime(c.started_at, locale)}</td>
                  <td>{c.disposition ? t(`disposition.${c.disposition}`) : t("common.none")}</td>
                  <td>{c.operator_name ?? t("common.none")}</td>
                  <td>
                    {c.recording_id ? `${t("ticket.recordings")}: ${formatDigits(c.recording_seconds ?? 0, locale)}″` : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

/**
 * Who wrote a history row, in the reader's language. People and agencies are named (their names are
 * proper nouns); the system and the customer are their translated kind, never the stored Persian label.
 * A call-centre user whose name is withheld (an agency reading) shows as "call centre".
 */
function actorText(e: Data["history"][number], t: Translate): string {
  switch (e.actor_kind) {
    case "system":
    case "customer":
      return t(`actor.${e.actor_kind}`);
    case "user":
      return e.actor_name ?? e.actor_label ?? t("actor.callCentre");
    default:
      return e.actor_label ?? e.actor_name ?? t(`actor.${e.actor_kind}`);
  }
}

const KNOWN_EVENTS = new Set(["created", "status_changed", "offer_sent", "offer_rejected", "offer_accepted", "note"]);
function eventKey(type: string): MessageKey {
  return (KNOWN_EVENTS.has(type) ? `event.${type}` : "event.note") as MessageKey;
}

/** A whole ticket page: a way back to the list, then the ticket. */
export function TicketDetailPage({ backTo }: { backTo: string }) {
  const data = useLoaderData() as unknown as Data;
  const t = useT();
  return (
    <>
      <p>
        <Link to={backTo}>{t("common.back")}</Link>
      </p>
      <TicketDetail data={data} />
    </>
  );
}
