import type { SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { loadTicketDetail, TicketActionError, TicketActionIntent } from "~/lib/ticket-page.server";
import { formatDate, formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { formatIranMobile, normalizeIranMobile } from "../../core/phone";
import { direction, type MessageKey, type Translate } from "~/i18n";
import { ticketTimeline } from "~/lib/ticket-timeline";
import { StatusBadge } from "./TicketViews";
import { CompletionReport } from "./JobCompletion";
import { DispatchPanel } from "./DispatchPanel";
import { FeedbackClassify } from "./FeedbackClassify";

const RECORDING_POLL_MS = 4000;
/** About two minutes: a recording that has not arrived by then is not waited for on this page. */
const RECORDING_POLL_ROUNDS = 30;

/**
 * While a call of the ticket is going on (being placed, ringing, recorded) or its recording is being
 * fetched from the telephone system, the page reloads its data now and then, so the call's progress and
 * then the player appear without a manual reload.
 */
function useRecordingsArriving(pending: boolean) {
  const revalidator = useRevalidator();
  const rounds = useRef(0);
  const { revalidate, state } = revalidator;
  useEffect(() => {
    if (!pending || state !== "idle" || rounds.current >= RECORDING_POLL_ROUNDS) return;
    const timer = setTimeout(() => {
      rounds.current++;
      revalidate();
    }, RECORDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, state, revalidate]);
}

type Data = SerializeFrom<Awaited<ReturnType<typeof loadTicketDetail>>>;

export function TicketDetail({ data, productHref }: { data: Data; productHref?: string | null }) {
  const t = useT();
  const locale = useLocale();
  const { ticket, history, offers, calls, sms } = data;
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
            {data.actions.canDial ? <DialCustomer /> : null}
          </dd>
          <dt>{t("ticket.product")}</dt>
          <dd>{[category, brand, ticket.model_name].filter(Boolean).join(" — ") || t("common.none")}</dd>
          <dt>{t("ticket.serial")}</dt>
          <dd>
            {/* the call centre opens the product (its warranty card and history: issue 15 §1) */}
            {productHref && ticket.serial_number ? (
              <Link to={productHref} className="ltr" data-testid="ticket-product-link">
                {ticket.serial_number}
              </Link>
            ) : (
              <span className="ltr">{ticket.serial_number ?? t("common.none")}</span>
            )}
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

      {data.report ? <CompletionReport report={data.report} /> : null}
      {data.followUp ? <FollowUpPanel followUp={data.followUp} /> : null}
      {data.complaintOf ? (
        <p className="notice" data-testid="complaint-source">
          {t("followUp.relatedJob")}:{" "}
          <Link to={`../${data.complaintOf.ticket_id}`} relative="path">
            {t("followUp.complaintLink", { number: formatDigits(data.complaintOf.number, locale) })}
          </Link>
          {data.complaintOf.score !== null
            ? ` — ${t("followUp.score")} ${t("followUp.scoreOf", { score: formatDigits(data.complaintOf.score, locale), max: formatDigits(5, locale) })}`
            : ""}
        </p>
      ) : null}

      {ticket.type === "complaint" && "feedback_kind" in ticket ? (
        <FeedbackClassify ticketId={ticket.id} kind={ticket.feedback_kind ?? null} category={ticket.feedback_category ?? null} canEdit={data.actions.canUpdate} />
      ) : null}

      {data.done ? (
        <p className="notice ok" role="status">
          {t(`tickets.done.${data.done}`)}
        </p>
      ) : null}

      <h2 id="history">{t("ticket.history")}</h2>
      {/* the history and the text messages in one story, by time (app/lib/ticket-timeline.ts) */}
      <ol className="timeline">
        {ticketTimeline(history, sms).map((entry) =>
          entry.kind === "sms" ? (
            <SmsEntry key={`sms-${entry.sms.id}`} m={entry.sms} advice={data.smsAdvice} />
          ) : (
            <HistoryEntry key={entry.event.id} e={entry.event} arrow={arrow} />
          ),
        )}
      </ol>

      {data.actions.canUpdate ? <TicketActions data={data} /> : null}

      {/* staff see the offers in the dispatch panel, with the ranking; an agency sees its own here */}
      {offers.length > 0 && !data.dispatch ? (
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

      <DispatchPanel />

      {calls.length > 0 ? (
        <>
          <h2 id="calls">{t("ticket.calls")}</h2>
          <table className="data calls">
            <thead>
              <tr>
                <th>{t("tickets.calls.time")}</th>
                <th>{t("tickets.calls.direction")}</th>
                <th>{t("tickets.calls.from")}</th>
                <th>{t("tickets.calls.to")}</th>
                <th>{t("tickets.calls.operator")}</th>
                <th>{t("tickets.calls.wait")}</th>
                <th>{t("tickets.calls.talk")}</th>
                <th>{t("tickets.calls.disposition")}</th>
                <th>{t("tickets.calls.recording")}</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={`${c.id}-${c.recording_id ?? ""}`} id={`call-${c.id}`}>
                  <td>{formatDateTime(c.started_at, locale)}</td>
                  <td>{t(c.direction === "outbound" ? "tickets.calls.outbound" : "tickets.calls.inbound")}</td>
                  <td>
                    <span className="ltr">{phoneText(c.caller_number, locale)}</span>
                  </td>
                  <td>
                    <span className="ltr">{phoneText(c.called_number, locale)}</span>
                  </td>
                  <td>{c.operator_name ?? t("common.none")}</td>
                  <td>{seconds(c.wait_seconds, locale, t)}</td>
                  <td>{seconds(c.talk_seconds, locale, t)}</td>
                  <td>{c.disposition ? t(`disposition.${c.disposition}`) : t("common.none")}</td>
                  <td>
                    {c.recording_id ? (
                      <audio
                        controls
                        preload="metadata"
                        src={`/recordings/${c.recording_id}`}
                        aria-label={t("tickets.recording.label", { time: formatDateTime(c.started_at, locale) })}
                        data-recording={c.recording_id}
                      >
                        <a href={`/recordings/${c.recording_id}`}>{t("tickets.recording.download")}</a>
                      </audio>
                    ) : c.recorded ? (
                      <span className="muted" data-testid="recording-pending">
                        {t(c.state === "ended" ? "tickets.recording.preparing" : "tickets.recording.live")}
                      </span>
                    ) : c.state !== "ended" ? (
                      <span className="muted" data-testid="recording-pending">
                        {t("tickets.recording.placing")}
                      </span>
                    ) : (
                      <span className="muted">{t("tickets.calls.noRecording")}</span>
                    )}
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

function HistoryEntry({ e, arrow }: { e: Data["history"][number]; arrow: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <li data-event={e.event_type}>
      <time className="when" dateTime={String(e.at)}>
        {formatDateTime(e.at, locale)}
      </time>
      {" · "}
      <span className="what">{t(eventKey(e.event_type))}</span>
      {/* a registration's status ('new') repeats its own name ("Registered Registered"): shown only on changes */}
      {e.event_type !== "created" && (e.from_status || e.to_status) ? (
        <span className="statuses">
          {" "}
          {e.from_status ? t(`status.${e.from_status}`) : null}
          {e.from_status && e.to_status ? <span aria-hidden="true">{` ${arrow} `}</span> : null}
          {e.to_status ? t(`status.${e.to_status}`) : null}
        </span>
      ) : null}
      {e.event_type === "call_attached" && e.call_id ? (
        <>
          {" — "}
          <a href={`#call-${e.call_id}`}>{t("tickets.page.callAttached", { id: formatDigits(e.call_id, locale) })}</a>
        </>
      ) : null}
      {" · "}
      <span className="actor">{actorText(e, t)}</span>
      {e.note ? <div className="note">{e.note}</div> : null}
      {e.reason ? <div className="reason">{t("tickets.page.reason", { reason: e.reason })}</div> : null}
    </li>
  );
}

const SMS_PURPOSES = new Set([
  "ticket_registered",
  "dispatch_offer",
  "agency_accepted",
  "visit_notice",
  "technician_job",
  "ticket_completed",
  "survey",
  "reply",
]);
const SMS_ADVICE = new Set(["blocked", "undelivered", "failed"]);

/**
 * One text message on the timeline, where it was written: what it was about, to or from which number (an
 * agency reads the numbers masked), where it is now (the status the delivery-status poller keeps up to date)
 * and since when. For the call centre (`advice`) a message that did not reach the customer says what to do
 * instead, with the provider's reason.
 */
function SmsEntry({ m, advice }: { m: Data["sms"][number]; advice: boolean }) {
  const t = useT();
  const locale = useLocale();
  const inbound = m.direction === "inbound";
  const purpose = inbound ? "reply" : m.purpose && SMS_PURPOSES.has(m.purpose) ? m.purpose : "other";
  return (
    <li className="sms" id={`sms-${m.id}`} data-event="sms" data-sms-purpose={purpose} data-sms-status={m.status}>
      <time className="when" dateTime={String(m.created_at)}>
        {formatDateTime(m.created_at, locale)}
      </time>
      {" · "}
      <span className="what" title={m.body || undefined}>
        {t(`sms.purpose.${purpose}` as MessageKey)}
      </span>
      {" · "}
      <span className="sms-number">
        {t(inbound ? "timeline.smsFrom" : "timeline.smsTo")} <span className="ltr">{phoneText(inbound ? m.sender : m.receptor, locale)}</span>
      </span>
      <div className="sms-state">
        {t("sms.status")}: <span className={`sms-status sms-${m.status}`}>{t(`sms.status.${m.status}`)}</span>
        {" · "}
        <time className="sms-status-at" dateTime={String(m.status_at)}>
          {formatDateTime(m.status_at, locale)}
        </time>
      </div>
      {advice && SMS_ADVICE.has(m.status) ? (
        <p className="sms-advice" role="note" data-testid={`sms-advice-${m.status}`}>
          {t(`sms.advice.${m.status}` as MessageKey)}
          {m.last_error ? <span className="muted"> {t("sms.error", { error: m.last_error })}</span> : null}
        </p>
      ) : null}
    </li>
  );
}

function phoneText(n: string | null, locale: "fa" | "en"): string {
  if (!n) return "—";
  const mobile = normalizeIranMobile(n);
  return formatDigits(mobile ? formatIranMobile(mobile) : n, locale);
}

function seconds(n: number | null, locale: "fa" | "en", t: Translate): string {
  return n == null ? t("common.none") : t("tickets.calls.seconds", { seconds: formatDigits(n, locale) });
}

/**
 * Click-to-dial (calls:take): a plain POST form, so it works without JavaScript. The operator's own phone
 * rings first, then the customer's mobile on file; the call is listed under the ticket's calls.
 */
function DialCustomer() {
  const t = useT();
  const result = useActionData<TicketActionError>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "dial";
  return (
    <Form method="post" className="inline dial-form">
      <input type="hidden" name="intent" value="dial" />
      <button type="submit" disabled={busy} data-testid="dial-customer">
        {t("dial.callCustomer")}
      </button>
      {result?.intent === "dial" ? (
        <span className="error" role="alert" data-testid="dial-error">
          {" "}
          {t(result.error)}
        </span>
      ) : null}
    </Form>
  );
}

/**
 * The call centre's actions on the ticket (tickets:update): a status change along the life cycle (only the
 * moves core/ticket.ts allows from here), a note, and cancelling with a required reason. Plain POST forms:
 * they work without JavaScript. A refused action shows its message under its form with what was typed.
 */
function TicketActions({ data }: { data: Data }) {
  const t = useT();
  const result = useActionData<TicketActionError>();
  const location = useLocation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { transitions, canCancel } = data.actions;
  const errorFor = (intent: TicketActionIntent) => {
    if (!result || result.intent !== intent) return null;
    const params =
      result.error === "tickets.action.illegalTransition" && result.params
        ? { from: t(`status.${String(result.params.from)}` as MessageKey), to: t(`status.${String(result.params.to)}` as MessageKey) }
        : result.params;
    return (
      <p className="error" role="alert" id={`${intent}-error`}>
        {t(result.error, params)}
      </p>
    );
  };
  const typed = (intent: TicketActionIntent, field: "to" | "text" | "reason") =>
    result && result.intent === intent ? result.values[field] ?? "" : "";
  // a fresh form after each completed action (the page's location changes), the typed text after a refusal
  const key = (intent: string) => `${intent}-${location.key}`;
  return (
    <section className="panel" aria-labelledby="ticket-actions-title">
      <h2 id="ticket-actions-title">{t("tickets.action.title")}</h2>
      <div className="ticket-actions">
        <Form method="post" key={key("status")} aria-labelledby="status-form-title">
          <h3 id="status-form-title">{t("tickets.action.changeStatus")}</h3>
          <input type="hidden" name="intent" value="status" />
          {transitions.length ? (
            <>
              <label>
                {t("tickets.action.newStatus")}
                <select name="to" defaultValue={typed("status", "to")} required>
                  <option value="">{t("tickets.action.choose")}</option>
                  {transitions.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("tickets.action.statusReason")}
                <input name="reason" maxLength={500} defaultValue={typed("status", "reason")} />
              </label>
              {errorFor("status")}
              <button type="submit" disabled={busy}>
                {t("tickets.action.submitStatus")}
              </button>
            </>
          ) : (
            <>
              <p className="muted">{t("tickets.action.noTransitions")}</p>
              {errorFor("status")}
            </>
          )}
        </Form>
        <Form method="post" key={key("note")} aria-labelledby="note-form-title">
          <h3 id="note-form-title">{t("tickets.action.note")}</h3>
          <input type="hidden" name="intent" value="note" />
          <label>
            {t("tickets.action.noteText")}
            <textarea name="text" maxLength={2000} required defaultValue={typed("note", "text")} />
          </label>
          {errorFor("note")}
          <button type="submit" disabled={busy}>
            {t("tickets.action.submitNote")}
          </button>
        </Form>
        {canCancel ? (
          <Form method="post" key={key("cancel")} aria-labelledby="cancel-form-title">
            <h3 id="cancel-form-title">{t("tickets.action.cancel")}</h3>
            <input type="hidden" name="intent" value="cancel" />
            <label>
              {t("tickets.action.cancelReason")}
              <input name="reason" maxLength={500} required defaultValue={typed("cancel", "reason")} />
            </label>
            {errorFor("cancel")}
            <button type="submit" className="danger" disabled={busy}>
              {t("tickets.action.submitCancel")}
            </button>
          </Form>
        ) : null}
      </div>
    </section>
  );
}

/** An automated follow-up call is due now or going on: its score is on its way, the page refreshes for it. */
function followUpCallDue(f: Data["followUp"]): boolean {
  if (!f || f.status !== "pending" || f.mode !== "call" || f.channel !== "ivr_dtmf") return false;
  return f.calling || (f.next_attempt_at !== null && new Date(f.next_attempt_at).getTime() <= Date.now());
}

/**
 * The job's satisfaction follow-up (call-centre readers): where it is (due, being called, on the happy-call list,
 * waiting for the SMS reply), the score and how it came, and the complaint a low score opened.
 */
function FollowUpPanel({ followUp: f }: { followUp: NonNullable<Data["followUp"]> }) {
  const t = useT();
  const locale = useLocale();
  const now = Date.now();
  let stage: string | null = null;
  if (f.status === "pending") {
    if (f.channel === "sms") stage = t("followUp.stage.sms", { at: f.sms_deadline_at ? formatDateTime(f.sms_deadline_at, locale) : "—" });
    else if (f.calling) stage = t("followUp.stage.calling");
    else if (f.next_attempt_at && new Date(f.next_attempt_at).getTime() > now) stage = t("followUp.stage.scheduled", { at: formatDateTime(f.next_attempt_at, locale) });
    else if (f.mode === "operator") stage = t("followUp.stage.operator");
    else if (f.next_attempt_at) stage = t("followUp.stage.scheduled", { at: formatDateTime(f.next_attempt_at, locale) });
  }
  return (
    <section className="panel follow-up" data-testid="follow-up" data-status={f.status} aria-labelledby="follow-up-title">
      <h2 id="follow-up-title">{t("followUp.title")}</h2>
      <dl className="facts">
        <dt>{t("followUp.status")}</dt>
        <dd data-testid="follow-up-status">
          {t(`followUp.status.${f.status}`)}
          {stage ? ` — ${stage}` : ""}
        </dd>
        {f.mode ? (
          <>
            <dt>{t("followUp.mode")}</dt>
            <dd>{t(`followUp.mode.${f.mode}`)}</dd>
          </>
        ) : null}
        {f.score !== null ? (
          <>
            <dt>{t("followUp.score")}</dt>
            <dd data-testid="follow-up-score" data-score={f.score}>
              {t("followUp.scoreOf", { score: formatDigits(f.score, locale), max: formatDigits(5, locale) })}
            </dd>
            <dt>{t("followUp.channel")}</dt>
            <dd data-testid="follow-up-channel">{t(`surveyChannel.${f.channel}`)}</dd>
          </>
        ) : null}
        {f.surveyed_at ? (
          <>
            <dt>{t("followUp.answeredAt")}</dt>
            <dd>{formatDateTime(f.surveyed_at, locale)}</dd>
          </>
        ) : null}
        {f.attempts > 0 ? (
          <>
            <dt>{t("followUp.attempts")}</dt>
            <dd>{formatDigits(f.attempts, locale)}</dd>
          </>
        ) : null}
        {f.comment ? (
          <>
            <dt>{t("followUp.comment")}</dt>
            <dd>{f.comment}</dd>
          </>
        ) : null}
        {f.complaint_ticket_id && f.complaint_number ? (
          <>
            <dt>{t("followUp.complaint")}</dt>
            <dd>
              <Link to={`../${f.complaint_ticket_id}`} relative="path" data-testid="follow-up-complaint">
                {t("followUp.complaintLink", { number: formatDigits(f.complaint_number, locale) })}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
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

const KNOWN_EVENTS = new Set(["created", "status_changed", "offer_sent", "offer_rejected", "offer_accepted", "note", "call_attached",
  "offer_expired", "sla_at_risk", "sla_breached", "survey_answered", "offer_withdrawn", "dispatch_held", "reassigned", "technician_assigned",
  "technician_update", "job_report"]);
function eventKey(type: string): MessageKey {
  return (KNOWN_EVENTS.has(type) ? `event.${type}` : "event.note") as MessageKey;
}

/** A whole ticket page: a way back to the list, then the ticket. */
export function TicketDetailPage({ backTo }: { backTo: string }) {
  const data = useLoaderData() as unknown as Data;
  const t = useT();
  useRecordingsArriving(data.calls.some((c) => c.state !== "ended" || (c.recorded && !c.recording_id)) || followUpCallDue(data.followUp));
  return (
    <>
      <p>
        <Link to={backTo}>{t("common.back")}</Link>
      </p>
      <TicketDetail data={data} productHref={productHrefOf(backTo, data)} />
    </>
  );
}

/** The call centre's product page of the ticket's unit (only the desk shows it: /desk/warranty/…). */
function productHrefOf(backTo: string, data: Data): string | null {
  const id = (data.ticket as { customer_product_id?: number | null }).customer_product_id;
  return backTo.startsWith("/desk") && typeof id === "number" ? `/desk/warranty/${id}` : null;
}
