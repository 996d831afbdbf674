/**
 * Region tiers of the SLA targets (issue 15 §2): a rule may name a tier instead of a province.
 *
 *  - 'tehran': the city of Tehran (province تهران, city تهران) — the capital, the densest agency network;
 *  - 'provincial_centre': the capital (مرکز استان) of any other province — Karaj, Isfahan, Mashhad, …;
 *  - 'other': any other city, and an address whose city is not known (the longest targets are the safe side).
 *
 * Read from the address's province and city as stored (Persian names). Names are compared after folding the
 * Arabic ي/ك into the Persian ی/ک, dropping the zero-width non-joiner and extra spaces, so "مشهد" typed either
 * way is the same city. Pure.
 */

export const REGION_TIERS = ["tehran", "provincial_centre", "other"] as const;
export type RegionTier = (typeof REGION_TIERS)[number];

/** The capital of each of Iran's 31 provinces. */
export const PROVINCE_CENTRES: Readonly<Record<string, string>> = {
  "تهران": "تهران",
  "البرز": "کرج",
  "اصفهان": "اصفهان",
  "خراسان رضوی": "مشهد",
  "فارس": "شیراز",
  "آذربایجان شرقی": "تبریز",
  "آذربایجان غربی": "ارومیه",
  "خوزستان": "اهواز",
  "مازندران": "ساری",
  "گیلان": "رشت",
  "کرمان": "کرمان",
  "کرمانشاه": "کرمانشاه",
  "قم": "قم",
  "قزوین": "قزوین",
  "مرکزی": "اراک",
  "همدان": "همدان",
  "یزد": "یزد",
  "زنجان": "زنجان",
  "سمنان": "سمنان",
  "اردبیل": "اردبیل",
  "گلستان": "گرگان",
  "کردستان": "سنندج",
  "لرستان": "خرم‌آباد",
  "ایلام": "ایلام",
  "بوشهر": "بوشهر",
  "هرمزگان": "بندرعباس",
  "سیستان و بلوچستان": "زاهدان",
  "چهارمحال و بختیاری": "شهرکرد",
  "کهگیلویه و بویراحمد": "یاسوج",
  "خراسان شمالی": "بجنورد",
  "خراسان جنوبی": "بیرجند",
};

/** A place name folded for comparison (ي→ی, ك→ک, no ZWNJ, no spaces). */
export function foldPlaceName(s: string): string {
  return s.replace(/ي/g, "ی").replace(/ك/g, "ک").replace(/[\u200c\s]+/g, "").trim();
}

const CENTRES = new Map(Object.entries(PROVINCE_CENTRES).map(([p, c]) => [foldPlaceName(p), foldPlaceName(c)]));
const TEHRAN = foldPlaceName("تهران");

/** The tier of an address. */
export function regionTierOf(province: string | null | undefined, city: string | null | undefined): RegionTier {
  if (!province || !city) return "other";
  const p = foldPlaceName(province);
  const c = foldPlaceName(city);
  if (p === TEHRAN && c === TEHRAN) return "tehran";
  return CENTRES.get(p) === c ? "provincial_centre" : "other";
}
