/**
 * The agency portal's live offers: what crosses from the database to an agency's open portal pages, and the
 * rules of an agency's answer that the form and the service share.
 *
 * A trigger on dispatch_offers (db/migrations/2026_12_01_200000_agency_offer_notify.ts) sends
 * `NOTIFY agency_offers, '<agency id>'` whenever an offer of that agency is made or changes (answered,
 * expired, withdrawn, its deadline moved). The payload is the agency's id and nothing else: no ticket,
 * no customer. Each web process fans it out to that agency's open streams only; the page then re-reads
 * its own offers through its scoped loader.
 */

export const AGENCY_OFFERS_CHANNEL = "agency_offers";

/** The one event an agency's stream carries: "your offers changed, read them again". */
export interface AgencyOffersEvent {
  type: "offers_changed";
  agencyId: number;
}

export const AGENCY_OFFER_EVENT_TYPES = ["offers_changed"] as const;

/** The NOTIFY payload (the agency's id as decimal text) → the event, or null when it is anything else. */
export function parseAgencyOffersPayload(payload: string): AgencyOffersEvent | null {
  if (!/^[1-9][0-9]{0,17}$/.test(payload)) return null;
  const agencyId = Number(payload);
  return Number.isSafeInteger(agencyId) ? { type: "offers_changed", agencyId } : null;
}

/** A rejection's reason: required, and at most this long (the form says so too). */
export const MAX_OFFER_REJECT_REASON_LENGTH = 500;

/**
 * The time left until an offer's deadline as hours, minutes and seconds (never negative), for the portal's
 * countdown: `expired` once it has passed.
 */
export function timeLeft(deadlineAt: Date | string | number, now: Date | number): { expired: boolean; hours: number; minutes: number; seconds: number } {
  const ms = new Date(deadlineAt).getTime() - new Date(now).getTime();
  if (!(ms > 0)) return { expired: true, hours: 0, minutes: 0, seconds: 0 };
  const total = Math.ceil(ms / 1000);
  return { expired: false, hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

/** "1:05:09" / "05:09": the countdown's text in Latin digits (the page writes them in the reader's digits). */
export function formatTimeLeft(left: { hours: number; minutes: number; seconds: number }): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return left.hours > 0 ? `${left.hours}:${two(left.minutes)}:${two(left.seconds)}` : `${two(left.minutes)}:${two(left.seconds)}`;
}
