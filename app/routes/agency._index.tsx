import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { z } from "zod";
import { StatCard } from "~/components/StatCard";
import { OfferCountdown } from "~/components/OfferCountdown";
import { TicketTable } from "~/components/TicketViews";
import { AGENCY_OFFER_EVENT_TYPES, MAX_OFFER_REJECT_REASON_LENGTH } from "../../core/agency-offers";
import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies, tickets } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { acceptOffer, OfferAnswerError, rejectOffer, type OfferAnswerErrorCode } from "~/lib/services.server";
import { useServerEvents } from "~/lib/use-desk-events";
import portalStyles from "~/styles/agency-portal.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalStyles }];

const OPEN_JOBS_SHOWN = 20;

const Id = z.coerce.number().int().positive().max(2 ** 53);
/** What the page says after an answer (PRG): the ticket and its tracking code. */
const Done = z.object({
  accepted: Id.optional().catch(undefined),
  rejected: Id.optional().catch(undefined),
  n: Id.optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const done = Done.parse(readSearchParams(request));
  const [agency, offers, byStatus, open, technicians] = await Promise.all([
    agencies.getAgency(context.db, scope.agencyId),
    agencies.pendingOffersForAgency(context.db, scope.agencyId),
    tickets.countTicketsByStatus(context.db, scope),
    tickets.listTickets(context.db, scope, { statuses: AGENCY_LOAD_STATUSES, pageSize: OPEN_JOBS_SHOWN }),
    agencies.agencyTechnicians(context.db, scope.agencyId),
  ]);
  if (!agency) throw new Response("Not found", { status: 404 });
  // Counted in SQL over all of the agency's jobs; the table below shows only the newest few.
  const openJobs = AGENCY_LOAD_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return {
    agency,
    offers,
    openJobs,
    open: open.rows,
    moreOpen: open.hasMore,
    technicians,
    now: Date.now(),
    done: done.n ? (done.accepted ? { kind: "accepted" as const, ticketId: done.accepted, number: done.n } : done.rejected ? { kind: "rejected" as const, number: done.n } : null) : null,
    maxReason: MAX_OFFER_REJECT_REASON_LENGTH,
  };
}

const Reason = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim())
  .pipe(z.string().min(1, "agencyOffers.error.reasonRequired").max(MAX_OFFER_REJECT_REASON_LENGTH, "agencyOffers.error.reasonTooLong"));

const AnswerForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("accept"), offerId: Id }),
  z.object({ intent: z.literal("reject"), offerId: Id, reason: Reason }),
]);

export interface OfferActionError {
  offerId: number | null;
  error: MessageKey;
  reason?: string;
}

const ERROR_MESSAGES: Record<OfferAnswerErrorCode, { status: number; key: MessageKey }> = {
  not_found: { status: 404, key: "agencyOffers.error.notFound" },
  not_pending: { status: 409, key: "agencyOffers.error.notPending" },
  expired: { status: 409, key: "agencyOffers.error.expired" },
  ticket_moved: { status: 409, key: "agencyOffers.error.ticketMoved" },
  reason_required: { status: 400, key: "agencyOffers.error.reasonRequired" },
  reason_too_long: { status: 400, key: "agencyOffers.error.reasonTooLong" },
};

function refused(status: number, body: OfferActionError) {
  return Response.json(body, { status });
}

/**
 * Accept or reject one of the agency's offers: guard → parse → one service call → back to this page
 * (PRG) with what was done; a refusal is the page again with the message on that offer's card. Works
 * without JavaScript (plain forms). Another agency's offer is the same 404 as one that does not exist.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const form = await readForm(request);
  const offerId = Id.safeParse(form.offerId);
  const parsed = AnswerForm.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message;
    const error = (message?.startsWith("agencyOffers.error.") ? message : "agencyOffers.error.invalid") as MessageKey;
    return refused(400, { offerId: offerId.success ? offerId.data : null, error, reason: form.reason ?? "" });
  }
  const input = parsed.data;
  const actor = { kind: "agency" as const, userId: user.id, ip: context.clientIp };
  try {
    if (input.intent === "accept") {
      const r = await acceptOffer(context.db, actor, { offerId: input.offerId });
      return redirect(`/agency?accepted=${r.ticketId}&n=${r.ticketNumber}`);
    }
    const r = await rejectOffer(context.db, actor, { offerId: input.offerId, reason: input.reason });
    return redirect(`/agency?rejected=${r.ticketId}&n=${r.ticketNumber}`);
  } catch (error) {
    if (error instanceof OfferAnswerError) {
      const m = ERROR_MESSAGES[error.code];
      return refused(m.status, { offerId: input.offerId, error: m.key, reason: input.intent === "reject" ? input.reason : "" });
    }
    throw error;
  }
}

export default function AgencyHome() {
  const { agency, offers, openJobs, open, moreOpen, technicians, now, done, maxReason } = useLoaderData<typeof loader>();
  const result = useActionData<OfferActionError>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const t = useT();
  const locale = useLocale();
  const refresh = () => {
    if (revalidator.state === "idle") revalidator.revalidate();
  };
  const live = useServerEvents("/agency/offers/events", AGENCY_OFFER_EVENT_TYPES, true, refresh);
  const busy = navigation.state !== "idle";
  return (
    <>
      <h1>
        {t("agency.title")} — {agency.name}
      </h1>
      {done?.kind === "accepted" ? (
        <p className="notice ok" role="status" data-testid="offer-done">
          {t("agencyOffers.accepted", { number: formatDigits(done.number, locale) })}{" "}
          <Link to={`/agency/tickets/${done.ticketId}`}>{t("agencyOffers.openJob")}</Link>
        </p>
      ) : done?.kind === "rejected" ? (
        <p className="notice" role="status" data-testid="offer-done">
          {t("agencyOffers.rejected", { number: formatDigits(done.number, locale) })}
        </p>
      ) : null}
      {result && result.offerId == null ? (
        <p className="notice error" role="alert">
          {t(result.error)}
        </p>
      ) : null}

      <section aria-labelledby="offers-title" data-testid="live-offers">
        <h2 id="offers-title">{t("agencyOffers.title")}</h2>
        <p className="live-status" data-testid="offers-live" data-state={live}>
          <span className={`dot${live === "live" ? " live" : ""}`} aria-hidden="true" />
          {live === "live" ? t("agencyOffers.live") : t("agencyOffers.connecting")}
        </p>
        {offers.length === 0 ? (
          <p className="muted" data-testid="no-offers">
            {t("agencyOffers.none")}
          </p>
        ) : (
          <ul className="offer-cards">
            {offers.map((o) => {
              const error = result && result.offerId === o.id ? result : null;
              const reasonId = `reason-${o.id}`;
              return (
                <li key={o.id} className="offer-card" data-testid="offer-card" data-offer-id={o.id} data-ticket-number={o.number}>
                  <div className="offer-card-head">
                    <Link className="number" to={`/agency/tickets/${o.ticket_id}`}>
                      {formatDigits(o.number, locale)}
                    </Link>
                    <OfferCountdown deadlineAt={o.deadline_at} serverNow={now} onExpired={refresh} />
                  </div>
                  {o.problem ? <p className="problem">{o.problem}</p> : null}
                  <dl className="facts">
                    <dt>{t("ticket.product")}</dt>
                    <dd>{(locale === "fa" ? o.category_fa : o.category_en) ?? t("common.none")}</dd>
                    <dt>{t("ticket.city")}</dt>
                    <dd>{o.city ?? t("common.none")}</dd>
                    <dt>{t("ticket.warranty")}</dt>
                    <dd>{t(`warranty.${o.warranty_status}`)}</dd>
                    <dt>{t("agency.deadline")}</dt>
                    <dd>{formatDateTime(o.deadline_at, locale)}</dd>
                  </dl>
                  {error ? (
                    <p className="error" role="alert" data-testid="offer-error">
                      {t(error.error)}
                    </p>
                  ) : null}
                  <div className="offer-actions">
                    <Form method="post">
                      <input type="hidden" name="intent" value="accept" />
                      <input type="hidden" name="offerId" value={o.id} />
                      <button type="submit" disabled={busy}>
                        {t("agencyOffers.accept")}
                      </button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="reject" />
                      <input type="hidden" name="offerId" value={o.id} />
                      <label htmlFor={reasonId}>{t("agencyOffers.rejectReason")}</label>
                      <textarea
                        id={reasonId}
                        name="reason"
                        maxLength={maxReason}
                        placeholder={t("agencyOffers.rejectReasonHint")}
                        aria-invalid={error?.error.startsWith("agencyOffers.error.reason") ? true : undefined}
                        defaultValue={error?.reason ?? ""}
                      />
                      <button type="submit" className="reject" disabled={busy}>
                        {t("agencyOffers.reject")}
                      </button>
                    </Form>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        <p>
          <Link to="/agency/offers">{t("agencyOffers.history")}</Link>
        </p>
      </section>

      <div className="cards">
        <StatCard label={t("agency.pendingOffers")} value={formatNumber(offers.length, locale)} />
        <StatCard label={t("agency.openJobs")} value={formatNumber(openJobs, locale)} />
        <StatCard label={t("agency.capacity")} value={formatNumber(agency.daily_job_capacity, locale)} />
        <StatCard label={t("agencies.status")} value={t(`agencyStatus.${agency.status}`)} />
      </div>
      <h2>{t("agency.openJobs")}</h2>
      <div className="table-scroll">
        <TicketTable rows={open} linkBase="/agency/tickets" now={now} />
      </div>
      {moreOpen ? (
        <p>
          <Link to="/agency/jobs">{t("agency.allJobs")}</Link>
        </p>
      ) : null}
      <h2>{t("agency.technicians")}</h2>
      <ul>
        {technicians.map((tech) => (
          <li key={tech.id}>{tech.full_name}</li>
        ))}
      </ul>
    </>
  );
}
