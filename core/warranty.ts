import type { WarrantyStatus } from "./ticket";

/** Adds calendar months to a 'YYYY-MM-DD' day, clamping to the month's last day. */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The last day covered by the warranty, or null when the purchase date is unknown. */
export function warrantyExpiry(purchaseDate: string | null, warrantyMonths: number): string | null {
  if (!purchaseDate) return null;
  // Coverage runs up to, not including, the same day N months later.
  const end = new Date(`${addMonths(purchaseDate, warrantyMonths)}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

/** Warranty status on a given day (`today` as 'YYYY-MM-DD', Tehran calendar day). */
export function warrantyStatusOn(expiresOn: string | null, today: string): WarrantyStatus {
  if (!expiresOn) return "unknown";
  return today <= expiresOn ? "in_warranty" : "out_of_warranty";
}

/**
 * Whole days from `today` to the warranty's last day ('YYYY-MM-DD' both): 0 on the last covered day,
 * negative once it has ended (-3: ended three days ago); null when the expiry is unknown.
 */
export function warrantyDaysLeft(expiresOn: string | null, today: string): number | null {
  if (!expiresOn) return null;
  const ms = Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}
