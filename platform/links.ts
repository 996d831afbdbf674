/**
 * The links written into messages: a ticket's public tracking page (/t/<token>) today; agency portal and
 * technician job links use the same base.
 *
 * The tracking token is derived, not stored: `<ticket number in base 36>-<16 characters of
 * HMAC-SHA256(TRACKING_SECRET, "ticket:<number>") in base64url>` (96 bits). Why derived:
 *  - no column on `tickets` (no migration and back-fill of a million rows, no extra write in the
 *    registration's transaction), and every ticket has a link, old and seeded ones included;
 *  - any process (web, workers) makes the same link from its configuration, without a round trip;
 *  - the number in front only says which ticket to check — the customer already knows it from the SMS —
 *    and a token for another number cannot be made without the secret (a wrong MAC is a 404, compared
 *    in constant time). Changing TRACKING_SECRET revokes every link at once; one ticket's link alone
 *    cannot be revoked (nothing private is on the page, see app/routes/t.$token.tsx).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { loadEnv, type Env } from "./env";

export interface PublicLinks {
  /** where the site is reached from outside, without a trailing slash */
  baseUrl: string;
  trackingSecret: string;
}

export function publicLinks(env: Pick<Env, "publicBaseUrl" | "trackingSecret">): PublicLinks {
  return { baseUrl: env.publicBaseUrl, trackingSecret: env.trackingSecret };
}

let processDefault: PublicLinks | undefined;

/**
 * This process's links, from its own validated configuration (the same variables the web server reads,
 * so a link made by a worker opens on the web server). For services called without explicit links.
 */
export function processLinks(): PublicLinks {
  processDefault ??= publicLinks(loadEnv());
  return processDefault;
}

const MAC_CHARS = 16;
const TOKEN_RE = /^([0-9a-z]{1,11})-([A-Za-z0-9_-]{16})$/;

function mac(secret: string, ticketNumber: number): string {
  return createHmac("sha256", secret).update(`ticket:${ticketNumber}`).digest("base64url").slice(0, MAC_CHARS);
}

export function trackingToken(secret: string, ticketNumber: number): string {
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber <= 0) throw new Error(`not a ticket number: ${ticketNumber}`);
  return `${ticketNumber.toString(36)}-${mac(secret, ticketNumber)}`;
}

/** The ticket number a token was made for, or null for anything not made with this secret. */
export function ticketNumberFromToken(secret: string, token: string): number | null {
  const m = TOKEN_RE.exec(token);
  if (!m) return null;
  const number = parseInt(m[1]!, 36);
  if (!Number.isSafeInteger(number) || number <= 0) return null;
  const expected = Buffer.from(mac(secret, number));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? number : null;
}

export function trackingUrl(links: PublicLinks, ticketNumber: number): string {
  return `${links.baseUrl}/t/${trackingToken(links.trackingSecret, ticketNumber)}`;
}
