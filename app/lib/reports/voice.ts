import type { ReportColumn } from "~/lib/report-table";

/*
 * The satisfaction and voice-of-the-customer reports' rows and columns, defined once (browser-safe) for the
 * pages' tables and their CSV/XLSX exports (app/lib/voice.server.ts builds the rows).
 */

const ticketHref = (id: number | null) => (id ? `/manager/tickets/${id}` : null);

export interface CsatTableRow {
  key: string | null;
  group: string;
  answered: number;
  csat: number | null;
  mean: number | null;
  low: number;
  /** the surveys behind the figure */
  href: string;
}

export const CSAT_COLUMNS: ReportColumn<CsatTableRow>[] = [
  { key: "group", header: "voice.col.group", kind: "text", href: (r) => r.href },
  { key: "answered", header: "voice.csat.answered", kind: "number", href: (r) => r.href },
  { key: "csat", header: "voice.csat.csat", kind: "percent", href: (r) => r.href },
  { key: "mean", header: "voice.csat.mean", kind: "number" },
  { key: "low", header: "voice.csat.low", kind: "number", href: (r) => `${r.href}&low=1` },
];

export interface LowScoreTableRow {
  survey_id: number;
  surveyed_at: string;
  score: number;
  ticket_id: number;
  ticket_number: number;
  agency: string | null;
  technician: string | null;
  complaint_ticket_id: number | null;
  complaint_number: number | null;
  follow_through: string;
  category: string | null;
  called_back: string;
  resolve_seconds: number | null;
  comment: string | null;
}

export const LOW_SCORE_COLUMNS: ReportColumn<LowScoreTableRow>[] = [
  { key: "surveyed_at", header: "voice.col.surveyedAt", kind: "datetime" },
  { key: "score", header: "voice.col.score", kind: "number" },
  { key: "ticket_number", header: "voice.col.ticket", kind: "code", href: (r) => ticketHref(r.ticket_id) },
  { key: "agency", header: "voice.dim.agency", kind: "text" },
  { key: "technician", header: "voice.dim.technician", kind: "text" },
  { key: "complaint_number", header: "voice.col.complaint", kind: "code", href: (r) => ticketHref(r.complaint_ticket_id) },
  { key: "follow_through", header: "voice.col.followThrough", kind: "text", href: (r) => ticketHref(r.complaint_ticket_id) },
  { key: "category", header: "voice.col.category", kind: "text" },
  { key: "called_back", header: "voice.col.calledBack", kind: "text" },
  { key: "resolve_seconds", header: "voice.col.resolveTime", kind: "duration" },
  { key: "comment", header: "voice.col.comment", kind: "text" },
];

export interface SurveyTableRow {
  id: number;
  surveyed_at: string;
  score: number;
  ticket_id: number;
  ticket_number: number;
  agency: string | null;
  technician: string | null;
  product: string | null;
  complaint_ticket_id: number | null;
  complaint_number: number | null;
  comment: string | null;
}

export const SURVEY_COLUMNS: ReportColumn<SurveyTableRow>[] = [
  { key: "surveyed_at", header: "voice.col.surveyedAt", kind: "datetime" },
  { key: "score", header: "voice.col.score", kind: "number" },
  { key: "ticket_number", header: "voice.col.ticket", kind: "code", href: (r) => ticketHref(r.ticket_id) },
  { key: "agency", header: "voice.dim.agency", kind: "text" },
  { key: "technician", header: "voice.dim.technician", kind: "text" },
  { key: "product", header: "voice.col.model", kind: "text" },
  { key: "complaint_number", header: "voice.col.complaint", kind: "code", href: (r) => ticketHref(r.complaint_ticket_id) },
  { key: "comment", header: "voice.col.comment", kind: "text" },
];

export interface FeedbackTableRow {
  bucket: string;
  category: string;
  complaints: number;
  suggestions: number;
  total: number;
  /** (issue 14 §3) satisfaction survey comments classified in this category: complaints and suggestions, and praise */
  comments: number;
  praise: number;
  href: string;
}

export const FEEDBACK_COLUMNS: ReportColumn<FeedbackTableRow>[] = [
  { key: "category", header: "voice.col.category", kind: "text", href: (r) => r.href },
  { key: "complaints", header: "voice.col.complaints", kind: "number", href: (r) => `${r.href}&kind=complaint` },
  { key: "suggestions", header: "voice.col.suggestions", kind: "number", href: (r) => `${r.href}&kind=suggestion` },
  { key: "total", header: "voice.col.total", kind: "number", href: (r) => r.href },
  { key: "comments", header: "surveyComments.col.comments", kind: "number" },
  { key: "praise", header: "surveyComments.col.praise", kind: "number" },
];

export interface FeedbackTicketRow {
  id: number;
  number: number;
  created_at: string;
  kind: string;
  category: string;
  status: string;
  customer: string;
  description: string;
  resolve_seconds: number | null;
}

export const FEEDBACK_TICKET_COLUMNS: ReportColumn<FeedbackTicketRow>[] = [
  { key: "number", header: "voice.col.ticket", kind: "code", href: (r) => ticketHref(r.id) },
  { key: "created_at", header: "voice.col.registeredAt", kind: "datetime" },
  { key: "kind", header: "voice.col.kind", kind: "text" },
  { key: "category", header: "voice.col.category", kind: "text" },
  { key: "status", header: "voice.col.status", kind: "text" },
  { key: "customer", header: "voice.col.customer", kind: "text" },
  { key: "description", header: "voice.col.description", kind: "text" },
  { key: "resolve_seconds", header: "voice.col.resolveTime", kind: "duration" },
];

export interface RepeatGroupRow {
  key: string;
  name: string;
  brand: string | null;
  repeats: number;
  serials: number;
  href: string;
}

export const REPEAT_GROUP_COLUMNS: ReportColumn<RepeatGroupRow>[] = [
  { key: "name", header: "voice.col.group", kind: "text", href: (r) => r.href },
  { key: "brand", header: "voice.dim.brand", kind: "text" },
  { key: "repeats", header: "voice.col.repeats", kind: "number", href: (r) => r.href },
  { key: "serials", header: "voice.col.serials", kind: "number", href: (r) => r.href },
];

export interface RepeatTableRow {
  ticket_id: number;
  ticket_number: number;
  created_at: string;
  previous_ticket_id: number;
  previous_number: number;
  previous_created_at: string;
  days_between: number;
  serial_number: string;
  model: string;
  brand: string;
  category: string;
  agency: string | null;
  status: string;
}

export const REPEAT_COLUMNS: ReportColumn<RepeatTableRow>[] = [
  { key: "serial_number", header: "voice.col.serial", kind: "code" },
  { key: "model", header: "voice.col.model", kind: "text" },
  { key: "brand", header: "voice.dim.brand", kind: "text" },
  { key: "category", header: "voice.dim.category", kind: "text" },
  { key: "ticket_number", header: "voice.col.ticket", kind: "code", href: (r) => ticketHref(r.ticket_id) },
  { key: "created_at", header: "voice.col.registeredAt", kind: "datetime" },
  { key: "previous_number", header: "voice.col.previous", kind: "code", href: (r) => ticketHref(r.previous_ticket_id) },
  { key: "previous_created_at", header: "voice.col.previousAt", kind: "datetime" },
  { key: "days_between", header: "voice.col.daysBetween", kind: "number" },
  { key: "agency", header: "voice.dim.agency", kind: "text" },
  { key: "status", header: "voice.col.status", kind: "text" },
];
