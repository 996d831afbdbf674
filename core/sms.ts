/**
 * SMS rules shared by the workers, the Kavenegar client, its simulator and (later) the template editor:
 * what a provider's answer means for a message (send again later, or give up), what a delivery-status
 * number means, and how many SMS parts a text costs.
 *
 * Kavenegar's codes are those of its REST documentation (https://kavenegar.com/rest.html, the tables
 * «خطاها» — the `return.status` of every answer — and «وضعیت پیامک» — an entry's `status`), cross-checked
 * against Kavenegar's own SDKs (github.com/kavenegar/kavenegar-dotnet: Models/Enums/MessageStatus.cs, whose
 * KavenegarApi.cs also shows that an error answer carries the same envelope with a non-200 HTTP status).
 */

/** What to do with a message after a failed request. */
export type SmsOutcome = "permanent" | "retry";

/** `return.status` of a successful request. */
export const KAVENEGAR_OK = 200;

interface ProviderCode {
  outcome: SmsOutcome;
  /** Kavenegar's own wording (Persian), shown to operators next to a failed message */
  fa: string;
  en: string;
}

/**
 * Every `return.status` Kavenegar documents besides 200. Permanent: the same request will fail the same way
 * until a person changes something (the key, the account, the number, the text, the template), so sending
 * again only burns attempts. 409 is the provider saying "busy, try later".
 */
export const KAVENEGAR_CODES: Readonly<Record<number, ProviderCode>> = {
  400: { outcome: "permanent", fa: "پارامترها ناقص هستند", en: "incomplete parameters" },
  401: { outcome: "permanent", fa: "حساب کاربری غیرفعال شده است", en: "the account is disabled" },
  402: { outcome: "permanent", fa: "عملیات ناموفق بود", en: "the operation failed" },
  403: { outcome: "permanent", fa: "کد شناسائی API-Key معتبر نمی‌باشد", en: "the API key is not valid" },
  404: { outcome: "permanent", fa: "متد نامشخص است", en: "unknown method" },
  405: { outcome: "permanent", fa: "متد Get/Post اشتباه است", en: "wrong HTTP method" },
  406: { outcome: "permanent", fa: "پارامترهای اجباری خالی ارسال شده‌اند", en: "a required parameter is empty" },
  407: { outcome: "permanent", fa: "دسترسی به اطلاعات مورد نظر برای شما امکان‌پذیر نیست", en: "no access to this method" },
  409: { outcome: "retry", fa: "سرور قادر به پاسخگوئی نیست، بعداً تلاش کنید", en: "the server is busy; try later" },
  411: { outcome: "permanent", fa: "دریافت‌کننده نامعتبر است", en: "the receptor is not valid" },
  412: { outcome: "permanent", fa: "ارسال‌کننده نامعتبر است", en: "the sender line is not valid" },
  413: { outcome: "permanent", fa: "پیام خالی است و یا طول پیام بیش از حد مجاز می‌باشد", en: "the message is empty or too long" },
  414: { outcome: "permanent", fa: "حجم درخواست بیشتر از حد مجاز است", en: "too many receptors in one request" },
  416: { outcome: "permanent", fa: "IP سرویس مبدا با تنظیمات مطابقت ندارد", en: "the caller's IP address is not allowed" },
  417: { outcome: "permanent", fa: "تاریخ ارسال اشتباه است", en: "the send date is not valid" },
  418: { outcome: "permanent", fa: "اعتبار حساب شما کافی نیست", en: "not enough credit" },
  419: { outcome: "permanent", fa: "طول آرایه متن و گیرنده و فرستنده هم‌اندازه نیست", en: "array lengths differ" },
  422: { outcome: "permanent", fa: "داده‌ها به دلیل وجود کاراکتر نامناسب قابل پردازش نیست", en: "invalid characters" },
  424: { outcome: "permanent", fa: "الگوی مورد نظر پیدا نشد", en: "template not found" },
  426: { outcome: "permanent", fa: "استفاده از این متد نیازمند سرویس پیشرفته می‌باشد", en: "this method needs a paid plan" },
  428: { outcome: "permanent", fa: "ارسال کد از طریق تماس تلفنی امکان‌پذیر نیست", en: "this template cannot be sent as a call" },
  431: { outcome: "permanent", fa: "ساختار کد صحیح نمی‌باشد", en: "the token's format is not valid" },
  432: { outcome: "permanent", fa: "پارامتر کد در متن پیام پیدا نشد", en: "the token is not in the template" },
};

/**
 * What a failed request means for the message, from Kavenegar's `return.status` (or the HTTP status
 * when the answer carried no envelope): 409, 429 and every 5xx are transient; a documented code is
 * what the table says; an undocumented code is sent again (the job's attempt limit bounds it, and the
 * localid keeps a resend from being a second message) rather than dropping a message on a guess.
 */
export function smsOutcome(code: number): SmsOutcome {
  if (code === 409 || code === 429 || code >= 500) return "retry";
  return KAVENEGAR_CODES[code]?.outcome ?? "retry";
}

/** The provider's wording for a code, in the user's language, or a generic line naming the code. */
export function smsCodeText(code: number, lang: "fa" | "en" = "fa"): string {
  const known = KAVENEGAR_CODES[code];
  if (known) return known[lang];
  return lang === "fa" ? `خطای ناشناخته سامانه پیامک (کد ${code})` : `unknown SMS provider error (code ${code})`;
}

// ---------------------------------------------------------------------------------------------------
// Delivery status

/** Where a message is, in our words. `not_found`: the provider has no such message (code 100). */
export type SmsDeliveryStatus =
  | "queued"
  | "scheduled"
  | "sent"
  | "delivered"
  | "undelivered"
  | "failed"
  | "cancelled"
  | "blocked"
  | "not_found";

/**
 * An entry's `status`: 1 in the send queue, 2 scheduled, 4 and 5 handed to the operator, 6 failed,
 * 10 delivered, 11 not delivered, 13 cancelled (cost refunded), 14 blocked (the number is on the
 * operators' opt-out list for advertising lines: only a service line reaches it), 100 unknown message id.
 */
export const KAVENEGAR_DELIVERY: Readonly<Record<number, SmsDeliveryStatus>> = {
  1: "queued",
  2: "scheduled",
  4: "sent",
  5: "sent",
  6: "failed",
  10: "delivered",
  11: "undelivered",
  13: "cancelled",
  14: "blocked",
  100: "not_found",
};

/** Kavenegar's wording of each delivery status (its `statustext`). */
export const KAVENEGAR_DELIVERY_TEXT: Readonly<Record<number, string>> = {
  1: "در صف ارسال قرار دارد",
  2: "زمان‌بندی شده (ارسال در تاریخ مشخص)",
  4: "ارسال شده به مخابرات",
  5: "ارسال شده به مخابرات",
  6: "خطا در ارسال پیام",
  10: "رسیده به گیرنده",
  11: "نرسیده به گیرنده",
  13: "ارسال پیام لغو شده است",
  14: "بلاک شده است؛ گیرنده تمایلی به دریافت پیامک از خطوط تبلیغاتی ندارد",
  100: "شناسه پیامک نامعتبر است",
};

/** Our status for an entry's `status` number; an undocumented number is treated as still on its way. */
export function smsDeliveryStatus(code: number): SmsDeliveryStatus {
  return KAVENEGAR_DELIVERY[code] ?? "sent";
}

/** The message's fate is known and will not change: stop polling. */
export function isFinalDelivery(status: SmsDeliveryStatus): boolean {
  return status === "delivered" || status === "undelivered" || status === "failed" || status === "cancelled" || status === "blocked";
}

// ---------------------------------------------------------------------------------------------------
// A message's status (sms_messages.status)

/**
 * Where an outbound message is, as our rows say it. `queued`: in the outbox, waiting for its job (also
 * while the provider is considered down); `sending`: a worker is sending it now (a row left here by a
 * killed process is taken up again by the job's retry); `sent`: Kavenegar accepted it (it may still be in
 * Kavenegar's or the operator's queue); then one final status: `delivered`, `undelivered` (the phone never
 * took it: off, out of reach, expired), `failed` (refused by us or the provider before or after sending:
 * bad number, no credit…), `blocked` (the number is on the operators' opt-out list for advertising lines:
 * only a service line reaches it) or `cancelled` (a scheduled message cancelled, refunded).
 */
export const SMS_OUTBOUND_STATUSES = ["queued", "sending", "sent", "delivered", "undelivered", "failed", "blocked", "cancelled"] as const;
export type SmsOutboundStatus = (typeof SMS_OUTBOUND_STATUSES)[number];

/** Every value of sms_messages.status: the outbound ones, and `received` for an inbound SMS. */
export const SMS_STATUSES = [...SMS_OUTBOUND_STATUSES, "received"] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** Statuses that never change again: the poller stops asking. */
export const SMS_FINAL_STATUSES = ["delivered", "undelivered", "failed", "blocked", "cancelled"] as const satisfies readonly SmsOutboundStatus[];

export function isFinalSmsStatus(status: SmsStatus): boolean {
  return (SMS_FINAL_STATUSES as readonly string[]).includes(status);
}

/**
 * A row's status from Kavenegar's delivery status number (sms/send's, sms/status's or
 * sms/statuslocalmessageid's `status`): 1, 2, 4, 5 → sent (accepted, on its way or scheduled); 6 failed;
 * 10 delivered; 11 undelivered; 13 cancelled; 14 blocked. Null for 100 (Kavenegar knows no such message:
 * the row is left as it is) — an undocumented number counts as still on its way (sent).
 */
export function smsStatusFromProvider(code: number): SmsOutboundStatus | null {
  const d = smsDeliveryStatus(code);
  switch (d) {
    case "queued":
    case "scheduled":
    case "sent":
      return "sent";
    case "not_found":
      return null;
    default:
      return d;
  }
}

/** How long after sending a message's delivery status is still asked for; after that it stays as last known. */
export const SMS_STATUS_POLL_MAX_AGE_MS = 72 * 3600_000;
/** A message is asked about at most this often. */
export const SMS_STATUS_POLL_INTERVAL_MS = 30_000;
/** Kavenegar's sms/status and sms/statuslocalmessageid take at most this many ids. */
export const KAVENEGAR_MAX_IDS = 500;

/** Which sender line sends which kind of message (configuration: KAVENEGAR_SENDER, KAVENEGAR_SENDERS). */
export interface SmsSenderLines {
  /** the line for every purpose not listed; unset: the account's default line */
  default?: string;
  /** sms_messages.purpose → line */
  byPurpose: Readonly<Record<string, string>>;
}

/**
 * The line a message goes out on: the one written on the message itself (chosen by the action that queued
 * it), else its purpose's configured line, else the default line, else none (Kavenegar's account default).
 */
export function smsSenderFor(message: { sender: string | null; purpose: string | null }, lines: SmsSenderLines): string | undefined {
  if (message.sender) return message.sender;
  if (message.purpose && Object.hasOwn(lines.byPurpose, message.purpose)) return lines.byPurpose[message.purpose];
  return lines.default;
}

// ---------------------------------------------------------------------------------------------------
// SMS parts

/** GSM 03.38 default alphabet (one septet each). */
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** GSM 03.38 extension table: escape + char, two septets each. */
const GSM7_EXTENDED = new Set("^{}\\[~]|€\f");

export interface SmsParts {
  /** gsm7 for Latin text; ucs2 as soon as one character is outside GSM-7 (any Persian letter or digit) */
  encoding: "gsm7" | "ucs2";
  /** septets (gsm7) or UTF-16 code units (ucs2) the text takes */
  length: number;
  /** SMS parts billed: 0 for an empty text */
  parts: number;
  /** units per part at this length: 160/70 for a single part, 153/67 when concatenated */
  perPart: number;
  /** units still free in the last part */
  remaining: number;
}

/**
 * How many SMS a text is sent as. A single SMS holds 160 GSM-7 septets or 70 UCS-2 units; a long text is
 * split into parts of 153 / 67 (the rest is the concatenation header), and a part never splits an escape
 * pair or a surrogate pair (an emoji).
 */
export function countSmsParts(text: string): SmsParts {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENDED.has(c));
  const units = gsm ? chars.map((c) => (GSM7_EXTENDED.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const single = gsm ? 160 : 70;
  const multi = gsm ? 153 : 67;
  const length = units.reduce((a, b) => a + b, 0);
  const encoding = gsm ? "gsm7" : "ucs2";
  if (length === 0) return { encoding, length, parts: 0, perPart: single, remaining: single };
  if (length <= single) return { encoding, length, parts: 1, perPart: single, remaining: single - length };
  let parts = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > multi) {
      parts++;
      used = 0;
    }
    used += u;
  }
  return { encoding, length, parts, perPart: multi, remaining: multi - used };
}

/**
 * A message still 'queued' or 'sending' this long after its last change, with no live send job (its job
 * used up its attempts, or is gone), is stuck: services/outbox.ts recoverStuckSms settles it.
 */
export const SMS_STUCK_AFTER_MS = 10 * 60_000;
/**
 * A stuck message with no job at all (never tried, or its job was removed) is queued again while it is
 * younger than this; older, its content (a visit window, a tracking link for today) is likely stale, and
 * it is marked failed for the operator instead.
 */
export const SMS_REQUEUE_MAX_AGE_MS = 24 * 3600_000;
