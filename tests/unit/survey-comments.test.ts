/**
 * The keyword suggestion for survey comments (core/survey-comments.ts): Persian spellings (Arabic ي/ك, the
 * ZWNJ typed or not, Persian digits) find the same words; a category and a kind are pre-selected only when
 * the words point to them.
 */
import { describe, expect, it } from "vitest";
import { FEEDBACK_CATEGORIES } from "../../core/feedback";
import { isSurveyCommentKind, suggestCommentClass, SURVEY_COMMENT_KINDS } from "../../core/survey-comments";

describe("suggestCommentClass", () => {
  it("points to the category the words name", () => {
    expect(suggestCommentClass("تکنسین خیلی بی‌ادب بود و برخورد بدی داشت")).toEqual({ category: "technician_behaviour", kind: "complaint" });
    expect(suggestCommentClass("سه روز معطل ماندیم و تکنسین دیر آمد، تاخیر زیاد")).toMatchObject({ category: "delay" });
    expect(suggestCommentClass("فاکتور خیلی گران بود، هزینه ایاب و ذهاب هم جدا گرفتند")).toMatchObject({ category: "price_invoice" });
    expect(suggestCommentClass("قطعه نداشتند، گفتند قطعات یدکی نیامده")).toMatchObject({ category: "parts" });
    expect(suggestCommentClass("دستگاه بعد از یک هفته دوباره خراب شد")).toMatchObject({ category: "repair_quality" });
    expect(suggestCommentClass("اپراتور مرکز تماس جواب ندادند")).toMatchObject({ category: "call_centre" });
  });

  it("reads Arabic letters, a missing ZWNJ and a joined spelling alike", () => {
    const persian = suggestCommentClass("تکنسین بی‌ادب بود");
    expect(suggestCommentClass("تكنسين بي ادب بود")).toEqual(persian);
    expect(suggestCommentClass("تکنسین بی ادب بود")).toEqual(persian);
    expect(suggestCommentClass("قيمت خيلي گران بود")).toMatchObject({ category: "price_invoice" });
  });

  it("tells praise and suggestions from complaints", () => {
    expect(suggestCommentClass("خیلی ممنون، تکنسین مودب و محترم بود")).toEqual({ category: "technician_behaviour", kind: "praise" });
    expect(suggestCommentClass("پیشنهاد می‌کنم زمان مراجعه را با پیامک اطلاع دهید")).toMatchObject({ kind: "suggestion", category: "call_centre" });
    expect(suggestCommentClass("از کار راضی هستم")).toEqual({ category: null, kind: "praise" });
  });

  it("suggests nothing when no word points anywhere, and never 'other'", () => {
    expect(suggestCommentClass("")).toEqual({ category: null, kind: null });
    expect(suggestCommentClass(null)).toEqual({ category: null, kind: null });
    expect(suggestCommentClass("سلام")).toEqual({ category: null, kind: null });
    for (const c of ["ب", "x y z", "۱۲۳"]) expect(suggestCommentClass(c).category).not.toBe("other");
  });

  it("does not match a word inside another word", () => {
    // «بد» (bad) is not found in «بدنه» (body) nor «دیر» in «مدیر»
    expect(suggestCommentClass("بدنه").kind).toBeNull();
    expect(suggestCommentClass("مدیر فروشگاه").category).toBeNull();
  });

  it("has the kinds of complaint tickets plus praise", () => {
    expect(SURVEY_COMMENT_KINDS).toEqual(["complaint", "suggestion", "praise"]);
    expect(isSurveyCommentKind("praise")).toBe(true);
    expect(isSurveyCommentKind("other")).toBe(false);
    expect(FEEDBACK_CATEGORIES).toContain("other");
  });
});
