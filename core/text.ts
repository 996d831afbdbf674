import { toLatinDigits } from "./digits";

/**
 * Persian text arrives in several spellings of the same words: Arabic yeh and kaf (ي ك) from
 * Arabic keyboards and pasted text, Persian or Arabic-Indic digits, the zero-width non-joiner
 * (نیم‌فاصله) typed or not, diacritics, tatweel, runs of spaces. Search keys are stored and
 * queried through this one function, so every spelling finds the same rows.
 */
const CHAR_MAP: Record<string, string> = {
  "\u064a": "\u06cc", // ي → ی
  "\u0649": "\u06cc", // ى → ی
  "\u0643": "\u06a9", // ك → ک
  "\u0629": "\u0647", // ة → ه
  "\u0623": "\u0627", // أ → ا
  "\u0625": "\u0627", // إ → ا
  "\u0671": "\u0627", // ٱ → ا
  "\u0624": "\u0648", // ؤ → و
};

export function normalizePersian(input: string): string {
  return (
    toLatinDigits(input)
      .normalize("NFC")
      .replace(/[\u064a\u0649\u0643\u0629\u0623\u0625\u0671\u0624]/g, (c) => CHAR_MAP[c] ?? c)
      // diacritics (harakat, tanwin, shadda, sukun, superscript alef) and tatweel carry no meaning in search
      .replace(/[\u064b-\u065f\u0670\u0640]/g, "")
      // ZWNJ, ZWJ and other invisible joiners become a plain space, then spaces collapse
      .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Search text longer than this is refused with a message (never silently ignored). */
export const MAX_SEARCH_LENGTH = 100;

/**
 * The key a name or free text is searched by: normalised, lower-case, spaces collapsed. Stored keys are
 * computed by the database's `search_key()` (db/migrations/2026_11_24_090000_search_keys_and_indexes.ts),
 * which must give the same result: a test holds the two together on a table of tricky inputs.
 */
export function searchKey(input: string): string {
  return simpleLowerCase(normalizePersian(input));
}

/**
 * The key a person's name is stored and searched by: `searchKey` without spaces, because a compound name
 * is written three ways (محمدرضا, محمد رضا, محمد‌رضا with ZWNJ) and each must find the others.
 */
export function nameSearchKey(input: string): string {
  return searchKey(input).replaceAll(" ", "");
}

/**
 * Unicode's simple (one character to one character) lower-case mapping, as PostgreSQL's `lower()` does
 * under the builtin C.UTF-8 collation. `toLowerCase()` alone differs on two letters: İ becomes "i̇" (two
 * characters) and a final Σ becomes ς.
 */
function simpleLowerCase(s: string): string {
  if (!/[^\t\n\r\u0020-\u007e]/.test(s)) return s.toLowerCase();
  return s.replace(/[A-Z\u00c0-\u{10ffff}]/gu, (c) => {
    if (c === "\u0130") return "i";
    const lower = c.toLowerCase();
    return lower.length === c.length ? lower : c;
  });
}

/**
 * Control characters (C0 except tab/newline/carriage return, DEL, C1) have no place in anything a person
 * types; NUL in particular is refused by PostgreSQL. Stripped once at the edge for every input.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export function stripControlChars(input: string): string {
  return input.replace(CONTROL_CHARS, "");
}

export function hasControlChars(input: string): boolean {
  CONTROL_CHARS.lastIndex = 0;
  const found = CONTROL_CHARS.test(input);
  CONTROL_CHARS.lastIndex = 0;
  return found;
}
