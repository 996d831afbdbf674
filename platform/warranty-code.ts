/**
 * Warranty card codes (core/warranty-card.ts): made at random, kept only as a keyed hash.
 *
 * HMAC-SHA256 under WARRANTY_CODE_SECRET, hex: the database's unique index finds a card by it in one lookup,
 * and without the secret a leaked database tells nothing about which codes are valid (a plain or salted hash
 * of a 16-digit code could be brute-forced offline). Changing the secret invalidates every card printed so
 * far, so it is set once per installation and kept with the other secrets.
 */
import { createHmac, randomInt } from "node:crypto";
import { CARD_CODE_LENGTH } from "../core/warranty-card";

/**
 * The secret outside production when WARRANTY_CODE_SECRET is unset: fixed, so the demo's cards (listed in the
 * README) work on every fresh development database. Production derives its own (platform/env.ts).
 */
export const DEV_WARRANTY_CODE_SECRET = "development-warranty-card-secret";

export function hashCardCode(secret: string, code: string): string {
  return createHmac("sha256", secret).update(`warranty-card:${code}`).digest("hex");
}

/** A new random code: 16 digits, the first not 0 (crypto-random). */
export function newCardCode(): string {
  let code = String(randomInt(1, 10));
  while (code.length < CARD_CODE_LENGTH) code += String(randomInt(0, 10));
  return code;
}
