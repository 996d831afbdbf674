/**
 * Warranty claims' list columns (issue 15 §3), for the agency's and the manufacturer's claim lists. Browser-safe.
 */
import type { ReportColumn } from "~/lib/report-table";

export interface ClaimListRow {
  id: number;
  ticket_number: string;
  agency: string;
  service: string;
  status: string;
  claimed: number;
  approved: number | null;
  returns_pending: number;
  created_at: string;
  decided_at: string | null;
  href: string;
}

export function claimListColumns(withAgency: boolean): ReportColumn<ClaimListRow>[] {
  return [
    { key: "id", header: "claims.claim", kind: "code", href: (r) => r.href },
    { key: "ticket_number", header: "claims.ticket", kind: "code" },
    ...(withAgency ? [{ key: "agency", header: "claims.agency", kind: "text" } as const] : []),
    { key: "service", header: "claims.serviceType", kind: "text" },
    { key: "status", header: "claims.status", kind: "text", href: (r) => r.href },
    { key: "claimed", header: "claims.claimed", kind: "money" },
    { key: "approved", header: "claims.approved", kind: "money" },
    { key: "returns_pending", header: "claims.returnsPending", kind: "number" },
    { key: "created_at", header: "claims.createdAt", kind: "datetime" },
    { key: "decided_at", header: "claims.decidedAt", kind: "datetime" },
  ];
}
