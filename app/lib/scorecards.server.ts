import { z } from "zod";
import { parsePeriod, periodOf, scorecardRates, type ScorecardCounts } from "../../core/quality";
import { quality, type DB, type DataScope } from "~/lib/db.server";
import { formatJalaliMonth } from "~/lib/format";
import { readSearchParams } from "~/lib/input.server";
import type { Locale, Translate } from "~/i18n";
import type { FtfTableRow, JobQualityTableRow, ScorecardTableRow } from "~/lib/reports/scorecards";

/*
 * The scorecard pages' data (app/routes/manager.scorecards*, agency.scorecard): parsed once from the URL (a
 * bad month falls back to the default, never a 500), read within the user's scope from db/repos/quality.ts,
 * and shaped into the rows of app/lib/reports/scorecards.ts, so a page and its export show the same thing.
 */

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

export function scorecardRow(o: { agencyId: number; period: string; label: string; code: string; probation: boolean; counts: ScorecardCounts; href: string }, t: Translate): ScorecardTableRow {
  const r = scorecardRates(o.counts);
  return {
    agency_id: o.agencyId,
    period: o.period,
    label: o.label,
    code: o.code,
    probation: o.probation ? t("scorecard.onProbation") : "",
    offers: o.counts.offersDecided,
    acceptance: pct(r.acceptance),
    answer_seconds: r.answerSeconds === null ? null : Math.round(r.answerSeconds),
    visits_due: o.counts.visitsDue,
    on_time: pct(r.onTime),
    sla_due: o.counts.slaDue,
    sla_met: pct(r.slaMet),
    csat_count: o.counts.csatCount,
    csat: r.csat === null ? null : Math.round(r.csat * 100) / 100,
    jobs: o.counts.jobs,
    reworks: o.counts.reworks,
    rework: pct(r.rework),
    ftf: pct(r.firstTimeFix),
    claims_decided: o.counts.claimsDecided,
    claims_rejected: o.counts.claimsRejected,
    claims_partly: o.counts.claimsPartly,
    claim_rejection: pct(r.claimRejection),
    href: o.href,
  };
}

/** The month asked for ('YYYY-MM'), else the newest with scorecards, else the current one. */
export function periodParam(request: Request, periods: readonly string[]): string {
  return parsePeriod(readSearchParams(request).period) ?? periods[0] ?? periodOf(new Date());
}

/** The manager's month: every agency's scorecard, and first-time fix by model. */
export async function monthData(db: DB, scope: DataScope, request: Request, t: Translate) {
  const periods = await quality.scorecardPeriods(db);
  const period = periodParam(request, periods);
  const [rows, byModel, settings] = await Promise.all([quality.scorecardsOfMonth(db, scope, period), quality.ftfBy(db, scope, period, "model"), quality.qualitySettings(db)]);
  return {
    period,
    reworkWindowDays: settings.reworkWindowDays,
    periods,
    rows: rows.map((r) => scorecardRow({ ...r, label: r.name, href: `/manager/scorecards/agencies/${r.agencyId}?period=${r.period}` }, t)),
    byModel: byModel.map((g) => ftfRow(g, t)),
  };
}

function ftfRow(g: quality.FtfGroup, t: Translate): FtfTableRow {
  return { key: String(g.key ?? "none"), group: g.label ?? t("scorecard.notSet"), jobs: g.jobs, ftf: g.jobs ? Math.round((1000 * g.ftf) / g.jobs) / 10 : null, reworks: g.reworks };
}

const Id = z.coerce.number().int().positive().max(2 ** 53);

export function agencyIdParam(value: string | undefined): number | null {
  return Id.safeParse(value).data ?? null;
}

/**
 * One agency's months, and for the chosen month its first-time fix by technician and its jobs: the manager's
 * drill-down (`base` /manager/scorecards/agencies/:id, tickets at /manager/tickets) or the agency's own page
 * (`base` /agency/scorecard, tickets at /agency/tickets).
 */
export async function agencyData(db: DB, scope: DataScope, agencyId: number, request: Request, locale: Locale, t: Translate, o: { base: string; ticketBase: string }) {
  const months = await quality.scorecardsOfAgency(db, scope, agencyId);
  const asked = parsePeriod(readSearchParams(request).period);
  const period = asked ?? months[0]?.period ?? periodOf(new Date());
  const [byTechnician, jobs, probation] = await Promise.all([
    quality.ftfBy(db, scope, period, "technician", agencyId),
    quality.jobsOfAgencyMonth(db, scope, agencyId, period),
    quality.probationOf(db, agencyId),
  ]);
  const yes = t("scorecard.yes");
  const no = t("scorecard.no");
  return {
    period,
    periodText: formatJalaliMonth(period, locale),
    probation,
    jobsLimit: jobs.length >= quality.JOBS_LIMIT ? quality.JOBS_LIMIT : null,
    months: months.map((m) => scorecardRow({ ...m, label: formatJalaliMonth(m.period, locale), href: `${o.base}?period=${m.period}#jobs` }, t)),
    byTechnician: byTechnician.map((g) => ftfRow(g, t)),
    jobs: jobs.map(
      (j): JobQualityTableRow => ({
        ticket_id: j.ticket_id,
        ticket_number: j.ticket_number,
        completed_at: j.completed_at.toISOString(),
        technician: j.technician,
        model: j.model,
        holds: j.holds,
        reopened: j.reopened ? yes : no,
        rework_ticket_id: j.rework_ticket_id,
        rework_number: j.rework_number,
        ftf: j.first_time_fix ? yes : no,
        ticket_href: `${o.ticketBase}/${j.ticket_id}`,
        rework_href: j.rework_ticket_id && o.ticketBase === "/manager/tickets" ? `${o.ticketBase}/${j.rework_ticket_id}` : null,
      }),
    ),
  };
}
