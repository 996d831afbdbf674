/**
 * Warranty cards (issue 15 §1), as pure rules: what a card code looks like, how a text or a form is read as
 * one, the rate limit that keeps codes from being enumerated, what the customer is told, and the SMS reply.
 * services/warranty-cards.ts applies them; platform/warranty-code.ts makes and hashes codes.
 *
 * The code: 16 digits (the length of an Iranian top-up PIN, which customers already text and type), the first
 * not 0, printed in four groups of four under a scratch panel. 9·10^15 codes (~53 bits): with a million cards
 * sold, a random guess finds one with probability ~1 in 9·10^9; at the limits below (5 refused guesses per
 * number per day, 20 per address per hour) that is tens of millions of SIM-years of guessing. A 16-digit run
 * never collides with a survey reply (one digit) nor a mobile number (11–12 digits).
 *
 * Storage (db: warranty_cards): the code's HMAC-SHA256 under the server's secret (WARRANTY_CODE_SECRET) — a
 * leaked database without the secret gives no valid code and no way to test one; the last four digits to
 * name the card on screen. Inbound SMS bodies that carry a code are stored masked.
 */
import { toLatinDigits, toPersianDigits as toPersian } from "./digits";
import { isValidSerial, normalizeSerial, serialKey } from "./serial";

export const CARD_CODE_LENGTH = 16;

export const CARD_CHANNELS = ["sms", "web"] as const;
export type CardChannel = (typeof CARD_CHANNELS)[number];

/** What one attempt came to (warranty_card_attempts.outcome). */
export const CARD_ATTEMPT_OUTCOMES = ["activated", "already_activated", "genuine", "expired", "not_genuine", "throttled"] as const;
export type CardAttemptOutcome = (typeof CARD_ATTEMPT_OUTCOMES)[number];

/** A customer product's history rows (customer_product_events.kind). */
export const PRODUCT_EVENT_KINDS = ["warranty_activated", "warranty_started", "warranty_extended", "registry_id_changed"] as const;
export type ProductEventKind = (typeof PRODUCT_EVENT_KINDS)[number];

/**
 * The card code a text carries, or null. Persian/Arabic-Indic digits, spaces, dashes, dots and ZWNJ between
 * digits are allowed ("۱۲۳۴-۵۶۷۸ ۹۰۱۲ ۳۴۵۶"); words around the code are allowed ("کد ۱۲۳۴…"); exactly one
 * run of 16 digits, the first not 0.
 */
export function parseCardCode(text: string): string | null {
  const latin = toLatinDigits(text).replace(/(\d)[\s\-.\u200c_]+(?=\d)/g, "$1");
  const runs = latin.match(/\d+/g) ?? [];
  const codes = runs.filter((r) => r.length === CARD_CODE_LENGTH);
  if (codes.length !== 1 || runs.some((r) => r.length > CARD_CODE_LENGTH)) return null;
  const code = codes[0]!;
  return code.startsWith("0") ? null : code;
}

/** '1234567890123456' → '1234-5678-9012-3456' (as printed). */
export function formatCardCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, "$1-");
}

export function cardLast4(code: string): string {
  return code.slice(-4);
}

/** +989121234567 → 0912***4567: enough for the owner to recognise, too little to call. */
export function maskMobile(normalized: string): string {
  const m = /^\+98(9\d{2})\d{3}(\d{4})$/.exec(normalized);
  return m ? `0${m[1]}***${m[2]}` : "***";
}

// ---------------------------------------------------------------------------------------------------------
// the rate limit

/** Refused guesses (a code that is no card) per number within a day, and per address within an hour (the defaults; an admin's values: core/service-rules.ts). */
export const CARD_PHONE_WINDOW_HOURS = 24;
export const MAX_CARD_FAILURES_PER_PHONE = 5;
export const CARD_IP_WINDOW_HOURS = 1;
export const MAX_CARD_FAILURES_PER_IP = 20;

/** The limit's numbers: refused guesses allowed per number within its window, and per address within its window. */
export interface CardLimits {
  perPhone: number;
  phoneWindowHours: number;
  perIp: number;
  ipWindowHours: number;
}

export const DEFAULT_CARD_LIMITS: Readonly<CardLimits> = Object.freeze({
  perPhone: MAX_CARD_FAILURES_PER_PHONE,
  phoneWindowHours: CARD_PHONE_WINDOW_HOURS,
  perIp: MAX_CARD_FAILURES_PER_IP,
  ipWindowHours: CARD_IP_WINDOW_HOURS,
});

export interface CardWindows {
  phoneSince: Date;
  ipSince: Date;
}

export function cardThrottleWindows(now: Date, limits: CardLimits = DEFAULT_CARD_LIMITS): CardWindows {
  return {
    phoneSince: new Date(now.getTime() - limits.phoneWindowHours * 3_600_000),
    ipSince: new Date(now.getTime() - limits.ipWindowHours * 3_600_000),
  };
}

/**
 * Whether another attempt is refused: too many refused guesses from this number (SMS, or the mobile typed on
 * the web page) or from this address (the web page). Only guesses that named no card count; a refused attempt
 * is kept but does not count again, so the wait ends when the window passes.
 */
export function cardAttemptThrottle(
  failures: { forPhone: number; forIp: number },
  limits: CardLimits = DEFAULT_CARD_LIMITS,
): { allowed: true } | { allowed: false; retryAfterHours: number } {
  if (failures.forPhone >= limits.perPhone) return { allowed: false, retryAfterHours: limits.phoneWindowHours };
  if (failures.forIp >= limits.perIp) return { allowed: false, retryAfterHours: limits.ipWindowHours };
  return { allowed: true };
}

// ---------------------------------------------------------------------------------------------------------
// what the customer is told

export interface CardFacts {
  activatedAt: Date | string | null;
  activatedPhone: string | null;
  /** 'YYYY-MM-DD': the warranty's last day; null while it has not started (installation pending) */
  expiresOn: string | null;
  /** not activated by this day: expired */
  activateBy: string | null;
}

export type CardReply =
  | { kind: "not_genuine" }
  | { kind: "throttled"; retryAfterHours: number }
  /** genuine and not activated (a check without a number) */
  | { kind: "genuine" }
  | { kind: "activated"; expiresOn: string | null }
  | { kind: "already_activated"; maskedPhone: string; mine: boolean; expiresOn: string | null }
  | { kind: "expired"; expiresOn: string | null };

/**
 * What an attempt on an existing card leads to, on `today` (Tehran 'YYYY-MM-DD'), for `phone` (normalised,
 * or null for a check without a number). `activate`: the card is to be activated now (the caller computes
 * the warranty then); otherwise the reply is final.
 */
export function decideCardAttempt(card: CardFacts, phone: string | null, today: string): CardReply | { kind: "activate" } {
  if (card.activatedAt !== null) {
    if (card.expiresOn !== null && card.expiresOn < today) return { kind: "expired", expiresOn: card.expiresOn };
    const owner = card.activatedPhone ?? "";
    return { kind: "already_activated", maskedPhone: maskMobile(owner), mine: phone !== null && phone === owner, expiresOn: card.expiresOn };
  }
  if (card.activateBy !== null && card.activateBy < today) return { kind: "expired", expiresOn: null };
  return phone === null ? { kind: "genuine" } : { kind: "activate" };
}

export function attemptOutcome(reply: CardReply): CardAttemptOutcome {
  return reply.kind;
}

/**
 * The SMS reply (Persian: the customer texted in Persian). `jalali` turns a 'YYYY-MM-DD' day into the Jalali
 * date the customer reads ('۱۴۰۶/۰۹/۱۰'), passed in so this stays free of the calendar's formatting.
 */
export function cardReplySms(reply: CardReply, jalali: (isoDay: string) => string, last4: string | null, form: CardTextIntent = "activate"): string {
  const card = last4 ? `کارت گارانتی ${toPersian(`…${last4}`)}` : "کارت گارانتی";
  if (form === "check") {
    // a check (core: readCardText) never activates: it says genuine or not, and the activation state
    if (reply.kind === "genuine") return `${card} اصل است و هنوز فعال نشده است. برای فعال‌سازی، همین کد را بدون «استعلام» بفرستید.`;
    if (reply.kind === "already_activated") {
      return `${card} اصل است و پیش‌تر با شماره ${toPersian(reply.maskedPhone)} فعال شده است${reply.expiresOn ? ` و تا ${jalali(reply.expiresOn)} معتبر است` : ""}.`;
    }
  }
  switch (reply.kind) {
    case "activated":
      return reply.expiresOn
        ? `${card} فعال شد. گارانتی دستگاه شما تا ${jalali(reply.expiresOn)} معتبر است.`
        : `${card} فعال شد. گارانتی این دستگاه از روز نصب به دست نمایندگی مجاز آغاز می‌شود.`;
    case "already_activated":
      return `${card} پیش‌تر با شماره ${toPersian(reply.maskedPhone)} فعال شده است${reply.expiresOn ? ` و تا ${jalali(reply.expiresOn)} معتبر است` : ""}.`;
    case "expired":
      return reply.expiresOn
        ? `گارانتی این دستگاه (${card}) در ${jalali(reply.expiresOn)} به پایان رسیده است.`
        : `مهلت فعال‌سازی ${card} گذشته است و این کارت دیگر فعال نمی‌شود.`;
    case "genuine":
      return `${card} اصل است و هنوز فعال نشده است.`;
    case "not_genuine":
      return "این کد در سامانه ما ثبت نشده است؛ کارت اصل نیست یا کد را اشتباه نوشته‌اید. لطفاً کد را دوباره بررسی کنید.";
    case "throttled":
      return `به دلیل تلاش‌های نادرست پیاپی، استعلام کارت گارانتی از این شماره تا ${toPersian(reply.retryAfterHours)} ساعت دیگر پذیرفته نمی‌شود.`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// the SMS forms (issue 15 §1: "activates the warranty, or checks that a card is genuine, by texting the code")
//
//   «۱۲۳۴ ۵۶۷۸ ۹۰۱۲ ۳۴۵۶»            the code alone (or with other words): activate for the sender's number
//   «استعلام ۱۲۳۴-۵۶۷۸-۹۰۱۲-۳۴۵۶»    a check keyword first: genuine or not, and whether activated — never activates
//   also «اصالت …», «check …», «? …» / «؟ …», or the code followed by «?» / «؟»

export type CardTextIntent = "activate" | "check";

/** The words that, first in a text, make it a check (compared without case; Persian, then Latin). */
export const CARD_CHECK_KEYWORDS = ["استعلام", "اصالت", "check"] as const;

/** Direction marks, ZWNJ and whitespace around a text (a phone's keyboard adds them). */
const EDGE_MARKS = /^[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+|[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+$/g;

/**
 * What an SMS to the service line asks of a card, or null (no card code: survey digits, other texts).
 * `check`: the text starts with a check keyword or a question mark, or ends with a question mark.
 * Digits may be Persian or Arabic-Indic, in groups split by spaces, dashes or dots (parseCardCode).
 */
export function readCardText(text: string): { intent: CardTextIntent; code: string } | null {
  const code = parseCardCode(text);
  if (!code) return null;
  const t = text.replace(EDGE_MARKS, "").toLowerCase();
  const check =
    CARD_CHECK_KEYWORDS.some((k) => t.startsWith(k)) || t.startsWith("?") || t.startsWith("؟") || t.endsWith("?") || t.endsWith("؟");
  return { intent: check ? "check" : "activate", code };
}

/** A check of an existing card for `phone` (may be null): like an attempt, but a card not activated is only "genuine". */
export function decideCardCheck(card: CardFacts, phone: string | null, today: string): CardReply {
  const d = decideCardAttempt(card, phone, today);
  return d.kind === "activate" ? { kind: "genuine" } : d;
}

// ---------------------------------------------------------------------------------------------------------
// issuing cards in batches (the manufacturer prints them; services/warranty-card-batches.ts)

export const MAX_CARDS_PER_BATCH = 5000;
/** The months a new card may wait to be activated, by default and at most. */
export const DEFAULT_ACTIVATE_WITHIN_MONTHS = 24;
export const MAX_ACTIVATE_WITHIN_MONTHS = 60;

export type CardSerialProblem = "invalid" | "duplicate" | "exists";

export interface CardSerialRow {
  /** the line of the pasted text or the uploaded file (1-based), to find it */
  row: number;
  serial: string;
  problem: CardSerialProblem | null;
  /** a duplicate: the row it repeats */
  duplicateOf?: number;
}

/** A first line that names the column, not a unit (skipped). */
const SERIAL_HEADERS = new Set(["serial", "serial_number", "serial number", "سریال", "شماره سریال"]);

/**
 * The serials of a batch, one a line, pasted or from a CSV file (its first column; quotes removed; a header
 * line skipped): each read as core/serial.ts normalizeSerial (Persian/Arabic digits Latin, edges trimmed), blank
 * lines skipped. Each row is checked (core/serial.ts serialProblem) and compared with the rows above it by its
 * serialKey — case, spaces and dashes ignored (a duplicate names the row it repeats). Whether a serial already
 * has a card is the service's to mark (`exists`).
 */
export function readCardSerials(text: string): CardSerialRow[] {
  const rows: CardSerialRow[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  let first = true;
  for (const [i, line] of lines.entries()) {
    const field = (line.split(/[,;\t]/)[0] ?? "").replace(EDGE_MARKS, "").replace(/^"(.*)"$/, "$1");
    const serial = normalizeSerial(field);
    if (serial === "") continue;
    if (first) {
      first = false;
      if (SERIAL_HEADERS.has(serial.toLowerCase())) continue;
    }
    const row = i + 1;
    if (!isValidSerial(serial)) {
      rows.push({ row, serial: serial.slice(0, 80), problem: "invalid" });
      continue;
    }
    const key = serialKey(serial);
    const before = seen.get(key);
    if (before !== undefined) rows.push({ row, serial, problem: "duplicate", duplicateOf: before });
    else {
      seen.set(key, row);
      rows.push({ row, serial, problem: null });
    }
  }
  return rows;
}

/** The printer's file: one line per card, the serial and the code in four groups ('1234-5678-9012-3456'). */
export function cardCodesCsv(cards: readonly { serial: string; code: string }[]): string {
  return ["serial,code", ...cards.map((c) => `${c.serial},${formatCardCode(c.code)}`)].join("\r\n") + "\r\n";
}
