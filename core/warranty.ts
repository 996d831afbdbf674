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

// ---------------------------------------------------------------------------------------------------------
// issue 15 §1: when the warranty starts, and how a slow repair extends it

/**
 * A category's start rule (product_categories.warranty_start): from the purchase (the card's activation, or
 * the purchase date an operator recorded), or from the installation by an authorised agency (an
 * installation ticket completed: services/job-completion.ts).
 */
export const WARRANTY_START_RULES = ["purchase", "installation"] as const;
export type WarrantyStartRule = (typeof WARRANTY_START_RULES)[number];

/** The months a unit is covered: its model's own figure, else its category's default. */
export function warrantyMonthsFor(modelMonths: number | null, categoryDefaultMonths: number): number {
  return modelMonths ?? categoryDefaultMonths;
}

/** The day the warranty starts under the rule; null: not yet (an installation category not yet installed). */
export function warrantyStartDay(rule: WarrantyStartRule, facts: { purchaseDate: string | null; installedOn: string | null }): string | null {
  return rule === "purchase" ? facts.purchaseDate : facts.installedOn;
}

/** A repair may stay open this many days before the warranty is extended for it (the default; an admin's value: core/service-rules.ts). */
export const REPAIR_GRACE_DAYS = 15;
/** Months added for each full week a repair stays open beyond the grace days (the default, as above). */
export const EXTENSION_MONTHS_PER_WEEK = 1;

/**
 * How long a repair stayed open, in days: from its registration to its completion. Calendar days for now —
 * the one place to switch to the working-day clock (core/working-time.ts, issue 15 §2) when the rule says so.
 */
export function repairOpenDays(openedAt: Date, completedAt: Date): number {
  return Math.max(0, Math.floor((completedAt.getTime() - openedAt.getTime()) / 86_400_000));
}

/**
 * Months the warranty is extended for a repair that stayed open `openDays` days: `monthsPerWeek` for each full
 * week beyond `graceDays` (default: 1 per full week beyond 15 days).
 */
export function repairExtensionMonths(
  openDays: number,
  rule: { graceDays: number; monthsPerWeek: number } = { graceDays: REPAIR_GRACE_DAYS, monthsPerWeek: EXTENSION_MONTHS_PER_WEEK },
): number {
  if (openDays <= rule.graceDays) return 0;
  return Math.floor((openDays - rule.graceDays) / 7) * rule.monthsPerWeek;
}

/** The warranty's last day pushed `months` later (clamped to the month's end). */
export function extendWarranty(expiresOn: string, months: number): string {
  return months > 0 ? addMonths(expiresOn, months) : expiresOn;
}
