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
