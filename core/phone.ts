/**
 * Iranian mobile numbers arrive as 0912…, 912…, +98912…, 0098912…, with Persian or
 * Arabic-Indic digits, spaces or dashes. We store one form: +989XXXXXXXXX.
 */
import { toLatinDigits } from "./digits";

export { toLatinDigits };

/** Returns +989XXXXXXXXX, or null when the input is not an Iranian mobile number. */
export function normalizeIranMobile(input: string): string | null {
  const digits = toLatinDigits(input).replace(/[\s\-().\u200c]/g, "");
  const m = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(digits);
  return m ? `+98${m[1]}` : null;
}

/** +989123456789 → 0912 345 6789, the way Iranians write mobiles. */
export function formatIranMobile(normalized: string): string {
  const m = /^\+98(9\d{2})(\d{3})(\d{4})$/.exec(normalized);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : normalized;
}

/**
 * Any accepted form of an Iranian mobile (Persian digits, +98, 0098, spaces…) → 09XXXXXXXXX, the form
 * SMS providers such as Kavenegar take as `receptor`; null when it is not an Iranian mobile number.
 */
export function toIranLocalMobile(input: string): string | null {
  const normalized = normalizeIranMobile(input);
  return normalized ? `0${normalized.slice(3)}` : null;
}
