/**
 * A unit's serial number, one rule for every place that reads or compares one: the intake form, the warranty
 * cards' batches and their activation (SMS or web) linking a card to the customer's product, the warranty
 * claims' defective parts received back, and search. Pure.
 *
 * It is the union of the three rules it replaces, so every serial stored so far stays valid:
 *  - intake: any text of 3–60 characters after Persian/Arabic digits were made Latin and the edges trimmed,
 *    stored as typed (customer_products' CHECK: 3–60 characters);
 *  - the card batches: 3–60 Latin letters, digits and - _ / . (CARD_SERIAL_RE), compared without case;
 *  - the claims (normalizeSerial): compared without case, spaces and dashes.
 *
 * - `normalizeSerial`: the form stored and shown — Persian/Arabic-Indic digits as Latin (core/digits.ts),
 *   direction marks, ZWNJ and spaces at the edges removed; case and the inner spelling kept as typed.
 * - `serialProblem`: a stored form is valid when it has 3–60 characters, no control character, and at least
 *   one letter or digit (a serial of dashes alone names no unit).
 * - `serialKey`: what two spellings of one serial share — the stored form with Latin letters upper-cased
 *   (ASCII only: the same in every locale) and spaces, dashes, ZWNJ and direction marks removed
 *   ("rf 9001", "RF-9001", "RF-۹۰۰۱" → "RF9001"). Two serials name the same unit (of a model) when their keys
 *   are equal. Its SQL twin is the database function serial_key() (migration 2026_12_06_151000_serial_key;
 *   customer_products and warranty_cards are indexed on it); tests/integration/serial-key.test.ts holds the two
 *   together.
 */
import { toLatinDigits } from "./digits";

export const SERIAL_MIN_LENGTH = 3;
export const SERIAL_MAX_LENGTH = 60;

/** Direction marks, zero-width characters and whitespace around a text (a phone's or a spreadsheet's). */
const EDGES = /^[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+|[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+$/g;
/** What the key drops: spaces (incl. no-break), tabs, line breaks, dashes, ZWNJ/ZWJ/ZWSP and direction marks (serial_key()'s list). */
const KEY_DROPS = /[ \t\n\r\u00a0\u200b-\u200f-]/g;

export function normalizeSerial(raw: string): string {
  return toLatinDigits(raw).replace(EDGES, "");
}

export function serialKey(raw: string): string {
  return toLatinDigits(raw)
    .replace(KEY_DROPS, "")
    .replace(/[a-z]/g, (c) => c.toUpperCase());
}

export type SerialProblem = "length" | "characters";

/** Why a (normalised) serial is not one, or null. */
export function serialProblem(serial: string): SerialProblem | null {
  if (serial.length < SERIAL_MIN_LENGTH || serial.length > SERIAL_MAX_LENGTH) return "length";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(serial) || !/[\p{L}\p{N}]/u.test(serial)) return "characters";
  return null;
}

export function isValidSerial(serial: string): boolean {
  return serialProblem(serial) === null;
}

/** Whether two serials (as typed or stored) name the same unit. */
export function sameSerial(a: string, b: string): boolean {
  const k = serialKey(a);
  return k.length > 0 && k === serialKey(b);
}
