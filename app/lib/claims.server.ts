/** The warranty-claim pages share these: list rows in the reader's language, and the error of a claim action. */
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
