/** The warranty-claim pages share these: list rows in the reader's language, and the error of a claim action. */
import { z } from "zod";
import type { Translate } from "~/i18n";
import type { MessageKey } from "~/i18n";
import { claims, type DataScope, type DB } from "~/lib/db.server";
import type { ClaimListRow } from "~/lib/reports/claims";
import { ClaimError } from "~/lib/services.server";

export async function claimRows(db: DB, scope: DataScope, t: Translate, base: string, filter: claims.ClaimFilter = {}): Promise<ClaimListRow[]> {
  return (await claims.listClaims(db, scope, filter)).map((c) => ({
    id: c.id,
    ticket_number: String(c.ticket_number),
    agency: `${c.agency_name} (${c.agency_code})`,
    service: t(`claims.service.${c.service_type}`),
    status: t(`claims.state.${c.status}`),
    claimed: Number(c.claimed_rials),
    approved: c.approved_rials === null ? null : Number(c.approved_rials),
    returns_pending: c.returns_pending,
    created_at: c.created_at.toISOString(),
    decided_at: c.decided_at ? c.decided_at.toISOString() : null,
    href: `${base}/${c.id}`,
  }));
}

/** A claim action's refusal as the form shows it; anything else is rethrown. */
export function claimFailure(err: unknown): { ok: false; message: MessageKey; status: number } {
  if (err instanceof ClaimError) return { ok: false, message: `claims.error.${err.code}`, status: err.code === "forbidden" ? 403 : err.code === "notFound" ? 404 : 400 };
  throw err;
}

const PartId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Quantity = z.coerce.number().int().min(1).max(99);

/** The parts' rows of a claim form (part_i, qty_i, serial_i); a row without a part is skipped; null: a bad quantity. */
export function readClaimParts(fields: Record<string, string | undefined>, rows: number): { sparePartId: number; quantity: number; defectiveSerial: string }[] | null {
  const parts: { sparePartId: number; quantity: number; defectiveSerial: string }[] = [];
  for (let i = 0; i < rows; i++) {
    const id = PartId.safeParse(fields[`part_${i}`]);
    if (!id.success) continue;
    const qty = Quantity.safeParse(fields[`qty_${i}`] || "1");
    if (!qty.success) return null;
    parts.push({ sparePartId: id.data, quantity: qty.data, defectiveSerial: (fields[`serial_${i}`] ?? "").slice(0, 100) });
  }
  return parts;
}
