/**
 * Iranian mobile numbers arrive as 0912…, 912…, +98912…, 0098912…, with Persian or
 * Arabic-Indic digits, spaces or dashes. We store one form: +989XXXXXXXXX.
 */
const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

export function toLatinDigits(input: string): string {
  return input.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return String(code >= PERSIAN_ZERO ? code - PERSIAN_ZERO : code - ARABIC_ZERO);
  });
}

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
