/**
 * Official holidays (issue 15 §2): the rules around the admin's holiday table (official_holidays, one row per
 * Jalali day with its reason). Pure.
 *
 * The seed: Iran's official holidays of the Jalali year 1405 (2026-03-21 … 2027-03-20) and the Nowruz of 1406,
 * as the official calendar of the Council for Public Culture (شورای فرهنگ عمومی, published by the Geophysics
 * Institute of the University of Tehran) gives them. Sources read: the 1405 holiday list as reported by ILNA
 * (ilna.ir news 1707051, 2025-10-30: 25 official holidays; Farvardin 1,2,3,4,12,13; Khordad 6,14,15; Tir 3,4 —
 * of which 6 on a Thursday and 3 on a Friday), and the lunar (Hijri) dates of 1447–1448 (Umm al-Qura, checked
 * against the anchors ILNA gives: Eid al-Adha = 6 Khordad, Tasua = 3 Tir; Iran's Eid al-Fitr 1447 fell on
 * 1 Farvardin, one day after Umm al-Qura's). Lunar holidays after Tir are computed, not read from the official
 * list; the Thursday/Friday counts above agree with them. Unsure (flagged for an admin to check on the page):
 *  - 25 Farvardin (martyrdom of Imam Sadiq, 25 Shawwal): a holiday by law every year, but missing from ILNA's list;
 *  - 1 Dey, 15 Dey, 3 Bahman, 10 Esfand, 19–20 Esfand: the lunar months from Rajab on may fall a day later in Iran.
 * The admin edits the table; the seed only starts it.
 */
import { jalaliToGregorian, type JalaliDate } from "./jalali";

export interface HolidaySeed extends JalaliDate {
  reason: string;
}

export const OFFICIAL_HOLIDAYS_SEED: readonly HolidaySeed[] = [
  { year: 1405, month: 1, day: 1, reason: "آغاز نوروز؛ عید سعید فطر" },
  { year: 1405, month: 1, day: 2, reason: "عید نوروز؛ تعطیل به مناسبت عید سعید فطر" },
  { year: 1405, month: 1, day: 3, reason: "عید نوروز" },
  { year: 1405, month: 1, day: 4, reason: "عید نوروز" },
  { year: 1405, month: 1, day: 12, reason: "روز جمهوری اسلامی ایران" },
  { year: 1405, month: 1, day: 13, reason: "روز طبیعت" },
  { year: 1405, month: 1, day: 25, reason: "شهادت امام جعفر صادق (ع)" },
  { year: 1405, month: 3, day: 6, reason: "عید سعید قربان" },
  { year: 1405, month: 3, day: 14, reason: "عید غدیر خم؛ رحلت امام خمینی" },
  { year: 1405, month: 3, day: 15, reason: "قیام ۱۵ خرداد" },
  { year: 1405, month: 4, day: 3, reason: "تاسوعای حسینی" },
  { year: 1405, month: 4, day: 4, reason: "عاشورای حسینی" },
  { year: 1405, month: 5, day: 12, reason: "اربعین حسینی" },
  { year: 1405, month: 5, day: 20, reason: "رحلت رسول اکرم (ص)؛ شهادت امام حسن مجتبی (ع)" },
  { year: 1405, month: 5, day: 22, reason: "شهادت امام رضا (ع)" },
  { year: 1405, month: 5, day: 30, reason: "شهادت امام حسن عسکری (ع)" },
  { year: 1405, month: 6, day: 8, reason: "میلاد رسول اکرم (ص) و امام جعفر صادق (ع)" },
  { year: 1405, month: 8, day: 22, reason: "شهادت حضرت فاطمه زهرا (س)" },
  { year: 1405, month: 10, day: 1, reason: "ولادت امام علی (ع)" },
  { year: 1405, month: 10, day: 15, reason: "مبعث رسول اکرم (ص)" },
  { year: 1405, month: 11, day: 3, reason: "ولادت حضرت قائم (عج)" },
  { year: 1405, month: 11, day: 22, reason: "پیروزی انقلاب اسلامی" },
  { year: 1405, month: 12, day: 10, reason: "شهادت امام علی (ع)" },
  { year: 1405, month: 12, day: 19, reason: "عید سعید فطر" },
  { year: 1405, month: 12, day: 20, reason: "تعطیل به مناسبت عید سعید فطر" },
  { year: 1405, month: 12, day: 29, reason: "روز ملی شدن صنعت نفت" },
  { year: 1406, month: 1, day: 1, reason: "آغاز نوروز" },
  { year: 1406, month: 1, day: 2, reason: "عید نوروز" },
  { year: 1406, month: 1, day: 3, reason: "عید نوروز" },
  { year: 1406, month: 1, day: 4, reason: "عید نوروز" },
  { year: 1406, month: 1, day: 12, reason: "روز جمهوری اسلامی ایران" },
  { year: 1406, month: 1, day: 13, reason: "روز طبیعت" },
];

/** The Gregorian days ('YYYY-MM-DD') of Jalali holidays, skipping any that do not exist. */
export function holidayIsoDays(list: readonly JalaliDate[]): string[] {
  const out: string[] = [];
  for (const h of list) {
    const iso = jalaliToGregorian(h);
    if (iso) out.push(iso);
  }
  return out;
}

export const MAX_HOLIDAY_REASON = 200;
export type HolidayProblem = "no_such_day" | "reason_required" | "reason_too_long";

/** A holiday an admin adds: a real Jalali day and a reason. */
export function checkHoliday(h: JalaliDate & { reason: string }): HolidayProblem | null {
  if (!jalaliToGregorian(h)) return "no_such_day";
  const r = h.reason.trim();
  if (!r) return "reason_required";
  if (r.length > MAX_HOLIDAY_REASON) return "reason_too_long";
  return null;
}
