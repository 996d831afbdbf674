import type { WarrantyStatus } from "./ticket";

/**
 * The referral fee (حق ارجاع): for work the customer pays for, the agency owes the manufacturer its
 * contract percentage of the invoice. In-warranty work is paid by the manufacturer and bears no fee.
 * A job whose warranty could not be established (`unknown`) was invoiced to the customer, so it bears
 * the fee as out-of-warranty work does.
 */
export const FEE_BEARING_WARRANTY = ["out_of_warranty", "unknown"] as const satisfies readonly WarrantyStatus[];

export function bearsReferralFee(warranty: WarrantyStatus, invoiceRials: number): boolean {
  return invoiceRials > 0 && (FEE_BEARING_WARRANTY as readonly WarrantyStatus[]).includes(warranty);
}

/** Integer rials, rounded half away from zero as the ledger does (PostgreSQL's round()). */
export function referralFeeRials(invoiceRials: number, ratePercent: number): number {
  if (!Number.isSafeInteger(invoiceRials) || invoiceRials < 0) throw new RangeError("invoice must be a non-negative integer of rials");
  if (!(ratePercent >= 0 && ratePercent <= 100)) throw new RangeError("rate must be between 0 and 100 percent");
  return Math.round((invoiceRials * ratePercent) / 100);
}
