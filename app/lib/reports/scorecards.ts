import type { ReportColumn } from "~/lib/report-table";

/*
 * The agency scorecard's rows and columns (issue 15 §5), defined once (browser-safe) for the pages' tables
 * and their CSV/XLSX exports (app/lib/scorecards.server.ts builds the rows). Rates are percentages 0–100.
 */

export interface ScorecardTableRow {
  agency_id: number;
  period: string;
  /** the agency (manager's month table) or the month (an agency's months) */
  label: string;
  code: string;
  probation: string;
  offers: number;
  acceptance: number | null;
  answer_seconds: number | null;
  visits_due: number;
  on_time: number | null;
  sla_due: number;
  sla_met: number | null;
  csat_count: number;
  csat: number | null;
  jobs: number;
  reworks: number;
  rework: number | null;
  ftf: number | null;
  /** warranty claims decided in the month, rejected, approved in part; the rejection rate (core/quality.ts) */
  claims_decided: number;
  claims_rejected: number;
  claims_partly: number;
  claim_rejection: number | null;
  /** the drill-down */
  href: string;
}

const metricColumns: ReportColumn<ScorecardTableRow>[] = [
  { key: "offers", header: "scorecard.col.offers", kind: "number" },
  { key: "acceptance", header: "scorecard.col.acceptance", kind: "percent" },
  { key: "answer_seconds", header: "scorecard.col.answerTime", kind: "duration" },
  { key: "on_time", header: "scorecard.col.onTime", kind: "percent" },
  { key: "sla_met", header: "scorecard.col.slaMet", kind: "percent" },
  { key: "csat", header: "scorecard.col.csat", kind: "number" },
  { key: "jobs", header: "scorecard.col.jobs", kind: "number", href: (r) => r.href },
  { key: "reworks", header: "scorecard.col.reworks", kind: "number", href: (r) => r.href },
  { key: "rework", header: "scorecard.col.reworkRate", kind: "percent" },
  { key: "ftf", header: "scorecard.col.ftf", kind: "percent" },
  { key: "claims_decided", header: "scorecard.col.claimsDecided", kind: "number" },
  { key: "claims_rejected", header: "scorecard.col.claimsRejected", kind: "number" },
  { key: "claims_partly", header: "scorecard.col.claimsPartly", kind: "number" },
  { key: "claim_rejection", header: "scorecard.col.claimRejection", kind: "percent" },
];

/** The manager's month: one row per agency. */
export const MONTH_COLUMNS: ReportColumn<ScorecardTableRow>[] = [
  { key: "label", header: "scorecard.col.agency", kind: "text", href: (r) => r.href },
  { key: "code", header: "scorecard.col.code", kind: "code" },
  { key: "probation", header: "scorecard.col.probation", kind: "text" },
  ...metricColumns,
];

/** An agency's months: one row per month. */
export const AGENCY_MONTH_COLUMNS: ReportColumn<ScorecardTableRow>[] = [{ key: "label", header: "scorecard.col.month", kind: "text", href: (r) => r.href }, ...metricColumns];

export interface JobQualityTableRow {
  ticket_id: number;
  ticket_number: number;
  completed_at: string;
  technician: string | null;
  model: string | null;
  holds: number;
  reopened: string;
  rework_ticket_id: number | null;
  rework_number: number | null;
  ftf: string;
  ticket_href: string;
  rework_href: string | null;
}

export const JOB_COLUMNS: ReportColumn<JobQualityTableRow>[] = [
  { key: "ticket_number", header: "scorecard.col.ticket", kind: "code", href: (r) => r.ticket_href },
  { key: "completed_at", header: "scorecard.col.completedAt", kind: "datetime" },
  { key: "technician", header: "scorecard.col.technician", kind: "text" },
  { key: "model", header: "scorecard.col.model", kind: "text" },
  { key: "holds", header: "scorecard.col.holds", kind: "number" },
  { key: "reopened", header: "scorecard.col.reopened", kind: "text" },
  { key: "rework_number", header: "scorecard.col.reworkTicket", kind: "code", href: (r) => r.rework_href },
  { key: "ftf", header: "scorecard.col.ftfJob", kind: "text" },
];

export interface FtfTableRow {
  key: string;
  group: string;
  jobs: number;
  ftf: number | null;
  reworks: number;
}

export const FTF_COLUMNS: ReportColumn<FtfTableRow>[] = [
  { key: "group", header: "scorecard.col.group", kind: "text" },
  { key: "jobs", header: "scorecard.col.jobs", kind: "number" },
  { key: "ftf", header: "scorecard.col.ftf", kind: "percent" },
  { key: "reworks", header: "scorecard.col.reworks", kind: "number" },
];
