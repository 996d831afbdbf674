/**
 * The text messages the product sends, as templates: each kind of message, the placeholders it may use,
 * its default Persian text, a pure render (Persian digits, numbers and mobiles normalised, Arabic ي/ك
 * written as Persian ی/ک) and the checks an admin's edit must pass (an unknown or a missing placeholder,
 * a stray brace, an empty or over-long text). Pure: used by services/ (inside their transactions), by the
 * admin page's live preview in the browser, and by tests.
 *
 * A placeholder is written `{name}` with an ASCII name from the kind's list, e.g. `{ticket_number}`.
 */
import { toLatinDigits, toPersianDigits } from "./digits";
import { normalizeIranMobile } from "./phone";
import { countSmsParts, type SmsParts } from "./sms";

export const SMS_TEMPLATE_KINDS = [
  "ticket_registered",
  "complaint_registered",
  "agency_accepted",
  "ticket_completed",
  "agency_offer",
  "technician_job",
  "satisfaction_survey",
  // issue 15 §4: the parts a job waited for arrived
  "parts_arrived",
] as const;
export type SmsTemplateKind = (typeof SMS_TEMPLATE_KINDS)[number];

export function isSmsTemplateKind(value: unknown): value is SmsTemplateKind {
  return typeof value === "string" && (SMS_TEMPLATE_KINDS as readonly string[]).includes(value);
}

/**
 * How a value is written into the text: `number` in Persian digits (whatever digits it came in), `phone`
 * as its digits in Persian (۰۹۱۲۳۴۵۶۷۸۹, whatever form it came in), `text` with Persian
 * digits and letters, `link` exactly as given (a URL must stay Latin to be clickable).
 */
export type PlaceholderType = "number" | "text" | "phone" | "link";

export const SMS_PLACEHOLDERS = {
  ticket_number: "number",
  tracking_link: "link",
  customer_name: "text",
  agency_name: "text",
  agency_phone: "phone",
  visit_window: "text",
  city: "text",
  deadline: "text",
  portal_link: "link",
  technician_name: "text",
  job_link: "link",
} as const satisfies Record<string, PlaceholderType>;
export type SmsPlaceholder = keyof typeof SMS_PLACEHOLDERS;

export type SmsAudience = "customer" | "agency" | "technician";

export interface SmsTemplateSpec {
  audience: SmsAudience;
  /** every placeholder the kind may use, in the order the editor lists them */
  placeholders: readonly SmsPlaceholder[];
  /** placeholders the text must keep (the reason the message exists) */
  required: readonly SmsPlaceholder[];
  /** the text sent when no admin has changed it */
  defaultBody: string;
}

const SIGNATURE = "خدمات پس از فروش";

export const SMS_TEMPLATES: Readonly<Record<SmsTemplateKind, SmsTemplateSpec>> = {
  ticket_registered: {
    audience: "customer",
    placeholders: ["ticket_number", "tracking_link", "customer_name"],
    required: ["ticket_number", "tracking_link"],
    defaultBody: `مشتری گرامی، درخواست خدمت شما با کد رهگیری {ticket_number} ثبت شد. پیگیری وضعیت درخواست:\n{tracking_link}\n${SIGNATURE}`,
  },
  complaint_registered: {
    audience: "customer",
    placeholders: ["ticket_number", "tracking_link", "customer_name"],
    required: ["ticket_number"],
    defaultBody: `مشتری گرامی، شکایت یا پیشنهاد شما با کد رهگیری {ticket_number} ثبت شد و بررسی می‌شود. پیگیری:\n{tracking_link}\n${SIGNATURE}`,
  },
  agency_accepted: {
    audience: "customer",
    placeholders: ["ticket_number", "agency_name", "agency_phone", "visit_window", "tracking_link", "customer_name"],
    required: ["ticket_number", "agency_name", "agency_phone", "visit_window"],
    defaultBody: `مشتری گرامی، درخواست {ticket_number} را نمایندگی {agency_name} پذیرفت.\nزمان مراجعه: {visit_window}\nتلفن نمایندگی: {agency_phone}\nپیگیری: {tracking_link}\n${SIGNATURE}`,
  },
  ticket_completed: {
    audience: "customer",
    placeholders: ["ticket_number", "tracking_link", "customer_name"],
    required: ["ticket_number"],
    defaultBody: `مشتری گرامی، درخواست خدمت {ticket_number} انجام شد. از اعتماد شما سپاسگزاریم؛ به‌زودی برای نظرسنجی با شما تماس می‌گیریم.\n${SIGNATURE}`,
  },
  agency_offer: {
    audience: "agency",
    placeholders: ["agency_name", "ticket_number", "city", "deadline", "portal_link"],
    required: ["ticket_number", "portal_link"],
    defaultBody: "نمایندگی محترم {agency_name}، درخواست خدمت {ticket_number} در {city} به شما ارجاع شد. لطفاً تا {deadline} پذیرش یا رد آن را اعلام کنید:\n{portal_link}",
  },
  technician_job: {
    audience: "technician",
    placeholders: ["technician_name", "ticket_number", "visit_window", "city", "job_link"],
    required: ["ticket_number", "job_link"],
    defaultBody: "{technician_name} عزیز، کار جدید: درخواست {ticket_number}، زمان مراجعه {visit_window}. جزئیات کار و ثبت گزارش:\n{job_link}",
  },
  parts_arrived: {
    audience: "technician",
    placeholders: ["technician_name", "ticket_number", "agency_name", "city"],
    required: ["ticket_number"],
    defaultBody: "{technician_name} عزیز، قطعات درخواستی کار {ticket_number} به نمایندگی {agency_name} رسید. لطفاً برای ادامهٔ تعمیر با مشتری هماهنگ کنید.",
  },
  satisfaction_survey: {
    audience: "customer",
    placeholders: ["ticket_number", "agency_name", "customer_name"],
    required: ["ticket_number"],
    defaultBody: `مشتری گرامی، از خدمات دریافتی برای درخواست {ticket_number} چقدر راضی هستید؟ لطفاً عددی از ۱ (ناراضی) تا ۵ (بسیار راضی) را در پاسخ همین پیامک بفرستید.\n${SIGNATURE}`,
  },
};

/** Sample values for the editor's preview (and tests): what a real message would carry. */
export const SMS_SAMPLE_VALUES: Readonly<Record<SmsPlaceholder, string>> = {
  ticket_number: "1405012345",
  tracking_link: "https://service.example.ir/t/abc12-Xy9_Zq3LmN0pQr7s",
  customer_name: "مریم احمدی",
  agency_name: "نمایندگی مرکزی تهران",
  agency_phone: "02188776655",
  visit_window: "شنبه ۱۴۰۵/۰۹/۱۵ ساعت ۱۰ تا ۱۲",
  city: "تهران",
  deadline: "ساعت ۱۴:۳۰",
  portal_link: "https://service.example.ir/agency/offers",
  technician_name: "رضا کاظمی",
  job_link: "https://service.example.ir/j/7k2-Hq8mPz4",
};

/** The longest template text an admin may save (before values are put in). */
export const MAX_SMS_TEMPLATE_LENGTH = 500;
/** A rendered message longer than this many parts is refused by the editor (it is expensive and unreadable). */
export const MAX_SMS_PARTS = 6;

export type SmsTemplateProblem =
  | { code: "empty" }
  | { code: "tooLong"; max: number }
  | { code: "unbalancedBrace" }
  | { code: "unknownPlaceholder"; name: string }
  | { code: "missingPlaceholder"; name: SmsPlaceholder }
  | { code: "tooManyParts"; parts: number; max: number };

const TOKEN = /\{([^{}]*)\}/g;

/** The placeholder names used in a text, in order of first use (unknown ones included). */
export function placeholdersIn(body: string): string[] {
  const seen: string[] = [];
  for (const m of body.matchAll(TOKEN)) {
    const name = m[1]!.trim();
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}

/**
 * Everything wrong with a text for a kind: empty or too long, a brace without its pair, a placeholder the
 * kind does not have (a typo such as `{tiket_number}`), a required placeholder left out, or a rendered
 * sample over MAX_SMS_PARTS parts. An empty list: the text may be saved.
 */
export function checkSmsTemplate(kind: SmsTemplateKind, body: string): SmsTemplateProblem[] {
  const spec = SMS_TEMPLATES[kind];
  const text = body.trim();
  if (!text) return [{ code: "empty" }];
  const problems: SmsTemplateProblem[] = [];
  if (text.length > MAX_SMS_TEMPLATE_LENGTH) problems.push({ code: "tooLong", max: MAX_SMS_TEMPLATE_LENGTH });
  if (/[{}]/.test(text.replace(TOKEN, ""))) problems.push({ code: "unbalancedBrace" });
  const used = placeholdersIn(text);
  for (const name of used) {
    if (!(spec.placeholders as readonly string[]).includes(name)) problems.push({ code: "unknownPlaceholder", name });
  }
  for (const name of spec.required) if (!used.includes(name)) problems.push({ code: "missingPlaceholder", name });
  if (problems.length === 0) {
    const parts = countSmsParts(renderSmsTemplate(kind, text, SMS_SAMPLE_VALUES)).parts;
    if (parts > MAX_SMS_PARTS) problems.push({ code: "tooManyParts", parts, max: MAX_SMS_PARTS });
  }
  return problems;
}

export type SmsValues = Partial<Record<SmsPlaceholder, string | number | null | undefined>>;

/** A text could not be rendered: a placeholder the kind does not have, or a value not given. */
export class SmsTemplateError extends Error {
  constructor(
    readonly kind: SmsTemplateKind,
    readonly problem: "unknownPlaceholder" | "missingValue",
    readonly placeholder: string,
  ) {
    super(`SMS template ${kind}: ${problem} {${placeholder}}`);
  }
}

/** Arabic yeh and kaf (from Arabic keyboards, pasted text) as their Persian letters. */
function persianLetters(s: string): string {
  return s.replace(/[\u064a\u0649]/g, "\u06cc").replace(/\u0643/g, "\u06a9");
}

const URL_RE = /(https?:\/\/[^\s]+)/g;

/** Persian letters and digits in running text, leaving any URL in it untouched. */
function persianText(s: string): string {
  return s
    .split(URL_RE)
    .map((piece, i) => (i % 2 === 1 ? piece : toPersianDigits(persianLetters(piece))))
    .join("");
}

function formatValue(type: PlaceholderType, raw: string | number): string {
  const value = String(raw).trim();
  switch (type) {
    case "number":
      return toPersianDigits(toLatinDigits(value));
    case "phone": {
      // digits only: in right-to-left text, groups separated by spaces would be shown in reverse order
      const mobile = normalizeIranMobile(value);
      return toPersianDigits(mobile ? `0${mobile.slice(3)}` : toLatinDigits(value).replace(/\D/g, ""));
    }
    case "link":
      return value;
    case "text":
      return persianText(value);
  }
}

/**
 * The message a kind's text makes with these values. Each `{name}` is replaced by its value written for
 * its type; the text around them gets Persian digits and letters (URLs typed into the text stay as they
 * are). Throws SmsTemplateError for a placeholder the kind does not have or a value not given — a saved
 * text has passed checkSmsTemplate, so either is a programming error of the caller.
 */
export function renderSmsTemplate(kind: SmsTemplateKind, body: string, values: SmsValues): string {
  const spec = SMS_TEMPLATES[kind];
  const pieces = body.trim().split(TOKEN);
  let out = "";
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i % 2 === 0) {
      out += persianText(piece);
      continue;
    }
    const name = piece.trim();
    if (!(spec.placeholders as readonly string[]).includes(name)) throw new SmsTemplateError(kind, "unknownPlaceholder", name);
    const value = values[name as SmsPlaceholder];
    if (value === undefined || value === null || String(value).trim() === "") throw new SmsTemplateError(kind, "missingValue", name);
    out += formatValue(SMS_PLACEHOLDERS[name as SmsPlaceholder], value);
  }
  return out;
}

export interface SmsPreview {
  text: string;
  parts: SmsParts;
  /** characters as a person counts them */
  characters: number;
}

/** The editor's preview: the text rendered with sample values, its length and SMS parts. */
export function previewSmsTemplate(kind: SmsTemplateKind, body: string, values: SmsValues = SMS_SAMPLE_VALUES): SmsPreview {
  const text = renderSmsTemplate(kind, body, values);
  return { text, parts: countSmsParts(text), characters: Array.from(text).length };
}
