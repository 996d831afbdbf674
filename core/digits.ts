/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits arrive in input; Persian digits go out on screen. */
const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

export function toLatinDigits(input: string): string {
  return input.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return String(code >= PERSIAN_ZERO ? code - PERSIAN_ZERO : code - ARABIC_ZERO);
  });
}

export function toPersianDigits(input: string | number): string {
  return String(input).replace(/\d/g, (d) => String.fromCharCode(PERSIAN_ZERO + Number(d)));
}
