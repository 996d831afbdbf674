import { FEEDBACK_CATEGORIES, FEEDBACK_KINDS, type FeedbackCategory } from "./feedback";
import { normalizePersian } from "./text";

/**
 * Satisfaction survey comments classified (issue 14 §3): a supervisor or operator files the comment a customer
 * left on a happy call under the same categories as complaint tickets (core/feedback.ts FEEDBACK_CATEGORIES),
 * and a kind — a complaint, a suggestion, or praise (a comment may thank as well as complain). The voice of
 * the customer counts the classified comments beside the complaint tickets.
 *
 * `suggestCommentClass` reads the comment for a few telling words (Persian, normalised: Arabic ي/ك, ZWNJ,
 * digits) to PRE-SELECT a category and kind; a person always confirms: nothing is filed without them.
 */

export const SURVEY_COMMENT_KINDS = [...FEEDBACK_KINDS, "praise"] as const;
export type SurveyCommentKind = (typeof SURVEY_COMMENT_KINDS)[number];

export function isSurveyCommentKind(v: unknown): v is SurveyCommentKind {
  return typeof v === "string" && (SURVEY_COMMENT_KINDS as readonly string[]).includes(v);
}

/** Words (normalised; a space stands for a ZWNJ) that point to each category, the most telling first. */
const CATEGORY_WORDS: Record<Exclude<FeedbackCategory, "other">, readonly string[]> = {
  technician_behaviour: ["بی ادب", "بد اخلاق", "بداخلاق", "برخورد", "رفتار", "توهین", "بی احترامی", "محترم", "مودب", "خوش اخلاق", "تکنسین", "سرویس کار"],
  repair_quality: ["دوباره خراب", "باز خراب", "درست نشد", "تعمیر", "ایراد", "مشکل حل نشد", "کیفیت کار"],
  delay: ["دیر", "تاخیر", "تأخیر", "معطل", "منتظر", "انتظار", "نیامد", "نیومد", "وقت ندادند", "طول کشید"],
  price_invoice: ["گران", "گرون", "قیمت", "هزینه", "فاکتور", "صورتحساب", "پول", "اجرت", "ایاب و ذهاب"],
  parts: ["قطعه", "قطعات", "لوازم یدکی", "یدکی", "موتور", "برد"],
  call_centre: ["اپراتور", "تلفن", "پشتیبانی", "مرکز تماس", "جواب ندادند", "پیامک"],
  product_quality: ["کیفیت محصول", "کیفیت دستگاه", "جنس", "محصول", "دستگاه", "یخچال", "لباسشویی", "کولر"],
};

const PRAISE_WORDS = ["ممنون", "متشکر", "تشکر", "سپاس", "عالی", "خوب بود", "راضی", "دستتان درد نکند", "دست شما درد نکند", "خیلی خوب"];
const SUGGESTION_WORDS = ["پیشنهاد", "بهتر است", "بهتره", "کاش", "لطفا", "ای کاش", "بهتر بود"];
const COMPLAINT_WORDS = ["شکایت", "ناراضی", "بد", "بدی", "بی ادب", "بد اخلاق", "افتضاح", "اعتراض", "هنوز", "نه", "نیامد", "درست نشد"];

const norm = (s: string) => ` ${normalizePersian(s).toLowerCase().replace(/[.,،؛;:!؟?«»"'()-]/g, " ").replace(/\s+/g, " ")} `;
/**
 * A word is found at the start of a word of the text; a short word (3 letters or fewer: «بد», «دیر») only
 * whole, so «بد» is not found in «بدنه»; a longer one also with a suffix («تعمیرش», «قطعه‌ها»).
 */
const has = (text: string, word: string) => {
  const w = norm(word).trim();
  return text.includes(w.length <= 3 ? ` ${w} ` : ` ${w}`);
};

export interface CommentSuggestion {
  category: FeedbackCategory | null;
  kind: SurveyCommentKind | null;
}

/**
 * The category and kind a comment's words point to, or null for each when nothing points anywhere. The
 * category with the most matched words wins (ties: the order of FEEDBACK_CATEGORIES); "other" is never
 * suggested (a person chooses it).
 */
export function suggestCommentClass(comment: string | null | undefined): CommentSuggestion {
  if (!comment || !comment.trim()) return { category: null, kind: null };
  const text = norm(comment);
  let best: FeedbackCategory | null = null;
  let bestHits = 0;
  for (const c of FEEDBACK_CATEGORIES) {
    if (c === "other") continue;
    const hits = CATEGORY_WORDS[c].filter((w) => has(text, w)).length;
    if (hits > bestHits) {
      best = c;
      bestHits = hits;
    }
  }
  const praise = PRAISE_WORDS.filter((w) => has(text, w)).length;
  const suggestion = SUGGESTION_WORDS.filter((w) => has(text, w)).length;
  const complaint = COMPLAINT_WORDS.filter((w) => has(text, w)).length;
  let kind: SurveyCommentKind | null = null;
  if (suggestion > 0 && suggestion >= complaint) kind = "suggestion";
  else if (complaint > 0 && complaint >= praise) kind = "complaint";
  else if (praise > 0) kind = "praise";
  return { category: best, kind };
}
