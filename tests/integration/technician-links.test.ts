/**
 * Issue 13, sections 3 and 4 on real PostgreSQL: the agency assigns a technician and a visit window (the job
 * link issued, both SMS queued, earlier links revoked), the technician's presses on the link move the ticket
 * and land in its history, links that are tampered, revoked, expired or whose job was reassigned are refused,
 * refused links are rate-limited per address, and the completion report is written with its parts and the
 * completion SMS.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_JOB_LINK_FAILURES_PER_IP } from "../../core/job-link";
import type { DB } from "../../db/connection";
import { AssignmentError, assignTechnician } from "../../services/assignments";
import { completeJob, JobReportInputError, NotYourJobError } from "../../services/job-completion";
import {
  JobActionNotAllowedError,
  JobLinkRefusedError,
  openJobLink,
  pressJobAction,
  revokeJobLinks,
} from "../../services/technician-links";
import type { PublicLinks } from "../../platform/links";
import pg from "pg";
import { parseSupervisorAlertEvent, SUPERVISOR_ALERTS_CHANNEL } from "../../core/sla";
import { openAlerts } from "../../db/repos/alerts";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let agencyA: number;
let agencyB: number;
let techA1: number;
let techA2: number;
let techInactive: number;
let techB: number;
let userA: number;
let customerId: number;
const links: PublicLinks = { baseUrl: "https://service.example.ir", trackingSecret: "tracking-secret-for-tests" };
const HOUR = 3_600_000;
let ipCounter = 0;
/** Each test its own address, so the rate limit of one does not spill into another. */
const freshIp = () => `10.1.0.${++ipCounter}`;

async function acceptedJob(agencyId = agencyA, warranty: "in_warranty" | "out_of_warranty" = "in_warranty") {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      warranty_status: warranty,
      status: "assigned",
      assigned_agency_id: agencyId,
      problem_description: "یخچال سرد نمی‌کند",
      city: "تهران",
      address_text: "خیابان ولیعصر، کوچه ۱۲",
      lat: 35.7,
      lng: 51.4,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  await db
    .insertInto("dispatch_offers")
    .values({ ticket_id: t.id, agency_id: agencyId, status: "accepted", offered_at: new Date(Date.now() - HOUR), deadline_at: new Date(), responded_at: new Date() })
    .execute();
  return t;
}

const agencyActor = () => ({ kind: "agency" as const, userId: userA, ip: "10.9.9.9" });

function window(hoursFromNow = 2, length = 2) {
  const visitFrom = new Date(Date.now() + hoursFromNow * HOUR);
  return { visitFrom, visitTo: new Date(visitFrom.getTime() + length * HOUR) };
}

/** 10:00-12:00 in Tehran (06:30-08:30 UTC) on a day after tomorrow: one day in the SMS, whenever the test runs. */
function daytimeWindow() {
  const day = new Date(Date.now() + 2 * 24 * HOUR);
  const visitFrom = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6, 30));
  return { visitFrom, visitTo: new Date(visitFrom.getTime() + 2 * HOUR) };
}

async function assign(ticketId: number, technicianId = techA1) {
  return assignTechnician(db, agencyActor(), { ticketId, technicianId, agencyId: agencyA, ...daytimeWindow() }, { links });
}

const ctx = (ip = freshIp()) => ({ ip, daysAfterClose: 7, links });

async function events(ticketId: number) {
  return db.selectFrom("ticket_events").select(["event_type", "from_status", "to_status", "actor_kind", "data"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی مرکزی تهران", province: "تهران", city: "تهران", phones: ["02188776655"] },
      { code: "THR-002", name: "نمایندگی غرب تهران", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  // completing paid work writes the referral fee at the agency's contract rate (services/fees.ts)
  await db.insertInto("agency_fee_rates").values([{ agency_id: agencyA, rate_percent: 10, effective_from: "2020-01-01" }, { agency_id: agencyB, rate_percent: 10, effective_from: "2020-01-01" }]).execute();
  const techs = await db
    .insertInto("technicians")
    .values([
      { agency_id: agencyA, full_name: "رضا کاظمی", mobile: "+989121000001" },
      { agency_id: agencyA, full_name: "علی مرادی", mobile: "+989121000002" },
      { agency_id: agencyA, full_name: "حمید رفیعی", mobile: "+989121000003", active: false },
      { agency_id: agencyB, full_name: "سعید نادری", mobile: "+989121000004" },
    ])
    .returning("id")
    .execute();
  [techA1, techA2, techInactive, techB] = techs.map((t) => t.id) as [number, number, number, number];
  userA = (
    await db
      .insertInto("users")
      .values({ username: "agencya", display_name: "حسن اکبری", role: "agency_admin", password_hash: "x", agency_id: agencyA })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  customerId = (await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989127654321" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("assignTechnician", () => {
  it("schedules the job, issues the link and queues the technician's and the customer's SMS", async () => {
    const t = await acceptedJob();
    const r = await assign(t.id);
    const ticket = await db.selectFrom("tickets").select(["status", "technician_id"]).where("id", "=", t.id).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ status: "scheduled", technician_id: techA1 });
    const offer = await db.selectFrom("dispatch_offers").select(["technician_id", "visit_from", "visit_to"]).where("ticket_id", "=", t.id).executeTakeFirstOrThrow();
    expect(offer.technician_id).toBe(techA1);
    expect(offer.visit_from).not.toBeNull();
    // only the hash is stored, never the token
    const stored = await db.selectFrom("technician_links").selectAll().where("ticket_id", "=", t.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(r.token);

    const sms = await db.selectFrom("sms_messages").select(["receptor", "body", "purpose", "technician_id"]).where("ticket_id", "=", t.id).orderBy("id").execute();
    expect(sms.map((s) => s.purpose)).toEqual(["technician_job", "agency_accepted"]);
    expect(sms[0]!.receptor).toBe("+989121000001");
    expect(sms[0]!.body).toContain(`https://service.example.ir/j/${r.token}`);
    expect(sms[0]!.body).toContain("رضا کاظمی");
    expect(sms[1]!.receptor).toBe("+989127654321");
    expect(sms[1]!.body).toContain("نمایندگی مرکزی تهران");
    expect(sms[1]!.body).toContain("۰۲۱۸۸۷۷۶۶۵۵");
    // the window in the Jalali calendar (year 14xx) with Persian digits (the default text has no tracking link)
    expect(sms[1]!.body).toMatch(/۱۴[۰-۹]{2}\/[۰-۹]{2}\/[۰-۹]{2} ساعت [۰-۹]{2}:[۰-۹]{2} تا [۰-۹]{2}:[۰-۹]{2}/);

    const ev = await events(t.id);
    expect(ev.map((e) => e.event_type)).toEqual(["status_changed", "technician_assigned"]);
    expect(ev[1]!.data).toMatchObject({ technician_id: techA1 });
    const audit = await db.selectFrom("audit_log").select(["action", "actor_user_id"]).where("entity_id", "=", String(t.id)).execute();
    expect(audit.map((a) => a.action)).toContain("ticket.assign_technician");

    const opened = await openJobLink(db, r.token, ctx());
    expect(opened.kind).toBe("valid");
    if (opened.kind === "valid") {
      expect(opened.job).toMatchObject({ number: t.number, customer_name: "مریم احمدی", customer_mobile: "+989127654321", technician_name: "رضا کاظمی" });
      expect(opened.job.visit_from).not.toBeNull();
    }
  });

  it("re-assigning another technician revokes the earlier link", async () => {
    const t = await acceptedJob();
    const first = await assign(t.id, techA1);
    const second = await assign(t.id, techA2);
    expect((await openJobLink(db, first.token, ctx())).kind).toBe("revoked");
    expect((await openJobLink(db, second.token, ctx())).kind).toBe("valid");
    const revoked = await db.selectFrom("technician_links").select(["revoke_reason"]).where("ticket_id", "=", t.id).where("revoked_at", "is not", null).execute();
    expect(revoked).toEqual([{ revoke_reason: "reissued" }]);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("scheduled");
  });

  it("refuses another agency's technician, an inactive one, another agency's job and a bad window", async () => {
    const t = await acceptedJob();
    const base = { ticketId: t.id, agencyId: agencyA, ...window() };
    await expect(assignTechnician(db, agencyActor(), { ...base, technicianId: techB }, { links })).rejects.toMatchObject({ problem: "technicianNotFound" });
    await expect(assignTechnician(db, agencyActor(), { ...base, technicianId: techInactive }, { links })).rejects.toMatchObject({ problem: "technicianInactive" });
    const other = await acceptedJob(agencyB);
    await expect(assignTechnician(db, agencyActor(), { ...base, ticketId: other.id, technicianId: techA1 }, { links })).rejects.toMatchObject({
      problem: "notYourJob",
    });
    const w = window();
    await expect(assignTechnician(db, agencyActor(), { ...base, technicianId: techA1, visitFrom: w.visitTo, visitTo: w.visitFrom }, { links })).rejects.toMatchObject({
      problem: "order",
    });
    await expect(assignTechnician(db, agencyActor(), { ...base, technicianId: techA1, ...window(-5) }, { links })).rejects.toBeInstanceOf(AssignmentError);
    await expect(assignTechnician(db, agencyActor(), { ...base, technicianId: techA1, ...window(2, 30) }, { links })).rejects.toMatchObject({ problem: "tooLong" });
    // nothing was written
    expect(await db.selectFrom("technician_links").select("id").where("ticket_id", "=", t.id).execute()).toHaveLength(0);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("assigned");
  });
});

describe("the job link", () => {
  it("on the way, arrived, done: the ticket moves, the history has each press, the report and the completion SMS", async () => {
    const t = await acceptedJob();
    const { token } = await assign(t.id);
    await pressJobAction(db, token, { action: "on_the_way" }, ctx());
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("scheduled");
    await pressJobAction(db, token, { action: "arrived" }, ctx());
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("in_progress");
    // pressed twice: refused, nothing written
    await expect(pressJobAction(db, token, { action: "arrived" }, ctx())).rejects.toBeInstanceOf(JobActionNotAllowedError);
    await pressJobAction(
      db,
      token,
      { action: "done", workDone: "تعویض کمپرسور", parts: [{ name: "کمپرسور", serial: "CMP-998877" }], invoiceAmountRials: null },
      { ...ctx(), followUp: { mode: "call", delayDays: 0, maxAttempts: 3, retryMinutes: 60, smsFallback: false, smsReplyHours: 72 } },
    );
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("completed");
    const ev = await events(t.id);
    const presses = ev.filter((e) => e.event_type === "technician_update");
    expect(presses.map((e) => (e.data as { action: string }).action)).toEqual(["on_the_way", "arrived", "done"]);
    expect(presses.every((e) => e.actor_kind === "technician" && (e.data as { source: string }).source === "link")).toBe(true);
    expect(ev.some((e) => e.event_type === "job_report")).toBe(true);
    const report = await db.selectFrom("completion_reports").selectAll().where("ticket_id", "=", t.id).executeTakeFirstOrThrow();
    expect(report).toMatchObject({ work_description: "تعویض کمپرسور", technician_id: techA1, agency_id: agencyA, invoice_amount_rials: 0 });
    const parts = await db.selectFrom("completion_parts").select(["name", "serial_number"]).where("report_id", "=", report.id).execute();
    expect(parts).toEqual([{ name: "کمپرسور", serial_number: "CMP-998877" }]);
    const sms = await db.selectFrom("sms_messages").select("purpose").where("ticket_id", "=", t.id).execute();
    expect(sms.map((s) => s.purpose)).toContain("ticket_completed");
    const survey = await db.selectFrom("satisfaction_surveys").select("id").where("ticket_id", "=", t.id).execute();
    expect(survey).toHaveLength(1);
    const audit = await db.selectFrom("audit_log").select("action").where("entity_id", "=", String(t.id)).execute();
    expect(audit.filter((a) => a.action === "ticket.technician_update")).toHaveLength(3);
  });

  it("needs parts puts the job on hold with the expected date; cannot repair puts it on hold with the reason", async () => {
    const t = await acceptedJob();
    const { token } = await assign(t.id);
    await pressJobAction(db, token, { action: "needs_parts", expectedDate: "2026-12-20" }, ctx());
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t.id).executeTakeFirstOrThrow()).status).toBe("on_hold");
    await pressJobAction(db, token, { action: "cannot_repair", reason: "قطعه در بازار نیست" }, ctx());
    const ev = await events(t.id);
    const updates = ev.filter((e) => e.event_type === "technician_update").map((e) => e.data);
    expect(updates).toEqual([
      expect.objectContaining({ action: "needs_parts", expected_date: "2026-12-20" }),
      expect.objectContaining({ action: "cannot_repair", reason: "قطعه در بازار نیست" }),
    ]);
  });

  it("cannot repair raises a supervisor alert with the agency and the reason, and tells the supervisors' pages", async () => {
    const t = await acceptedJob();
    const { token } = await assign(t.id);
    const listener = new pg.Client({ connectionString: await getTestDbUrl() });
    await listener.connect();
    const told = new Promise<string>((resolve) => listener.on("notification", (m) => resolve(m.payload ?? "")));
    await listener.query(`listen ${SUPERVISOR_ALERTS_CHANNEL}`);
    await pressJobAction(db, token, { action: "cannot_repair", reason: "بُرد اصلی سوخته و قطعه‌اش نیست" }, ctx());
    expect(parseSupervisorAlertEvent(await told)).toMatchObject({ type: "cannot_repair", ticketId: t.id, agencyId: agencyA });
    await listener.end();
    const alerts = await db.selectFrom("supervisor_alerts").select(["kind", "stage", "agency_id", "note", "acknowledged_at"]).where("ticket_id", "=", t.id).execute();
    expect(alerts).toEqual([{ kind: "cannot_repair", stage: "resolve", agency_id: agencyA, note: "بُرد اصلی سوخته و قطعه‌اش نیست", acknowledged_at: null }]);
    // the manager home's list reads it with the agency's name and the reason
    const open = await openAlerts(db);
    expect(open.rows.find((r) => r.ticket_id === t.id)).toMatchObject({ kind: "cannot_repair", agency_name: "نمایندگی مرکزی تهران", note: "بُرد اصلی سوخته و قطعه‌اش نیست" });
    // the other presses raise none
    const t2 = await acceptedJob();
    const second = await assign(t2.id);
    await pressJobAction(db, second.token, { action: "needs_parts", expectedDate: "2026-12-20" }, ctx());
    expect(await db.selectFrom("supervisor_alerts").select("id").where("ticket_id", "=", t2.id).execute()).toEqual([]);
  });

  it("refuses tampered, revoked, reassigned and expired links, and answers unknown and tampered alike", async () => {
    const t = await acceptedJob();
    const { token } = await assign(t.id);
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect((await openJobLink(db, tampered, ctx())).kind).toBe("unknown");
    expect((await openJobLink(db, "not-a-token", ctx())).kind).toBe("unknown");
    await expect(pressJobAction(db, tampered, { action: "on_the_way" }, ctx())).rejects.toBeInstanceOf(JobLinkRefusedError);

    // reassigned to another agency by another path, without revoking: refused all the same
    await db.updateTable("tickets").set({ assigned_agency_id: agencyB, technician_id: techB }).where("id", "=", t.id).execute();
    expect((await openJobLink(db, token, ctx())).kind).toBe("reassigned");
    await expect(pressJobAction(db, token, { action: "on_the_way" }, ctx())).rejects.toMatchObject({ state: "reassigned" });
    await db.updateTable("tickets").set({ assigned_agency_id: agencyA, technician_id: techA1 }).where("id", "=", t.id).execute();
    expect((await openJobLink(db, token, ctx())).kind).toBe("valid");

    // closed more than the configured days ago: expired; within them: still open
    await db.updateTable("tickets").set({ closed_at: new Date(Date.now() - 8 * 24 * HOUR) }).where("id", "=", t.id).execute();
    expect((await openJobLink(db, token, ctx())).kind).toBe("expired");
    expect((await openJobLink(db, token, { ...ctx(), daysAfterClose: 10 })).kind).toBe("valid");
    await db.updateTable("tickets").set({ closed_at: null }).where("id", "=", t.id).execute();

    await db.transaction().execute((trx) => revokeJobLinks(trx, t.id, "reassigned"));
    expect((await openJobLink(db, token, ctx())).kind).toBe("revoked");
  });

  it("rate-limits refused links per address, even for a good link", async () => {
    const t = await acceptedJob();
    const { token } = await assign(t.id);
    const ip = freshIp();
    for (let i = 0; i < MAX_JOB_LINK_FAILURES_PER_IP; i++) expect((await openJobLink(db, `guess-${i}`, ctx(ip))).kind).toBe("unknown");
    expect((await openJobLink(db, token, ctx(ip))).kind).toBe("throttled");
    // another address is not affected
    expect((await openJobLink(db, token, ctx())).kind).toBe("valid");
  });
});

describe("completeJob from the portal", () => {
  it("writes the report and parts, completes the job through in_progress and queues the completion SMS", async () => {
    const t = await acceptedJob(agencyA, "out_of_warranty");
    await assign(t.id);
    const input = {
      ticketId: t.id,
      agencyId: agencyA,
      workDone: "تعویض برد اصلی",
      parts: [
        { name: "برد اصلی", serial: "PCB-1" },
        { name: "فیوز", serial: "" },
      ],
    };
    await expect(completeJob(db, agencyActor(), { ...input, invoiceAmountRials: null }, { links })).rejects.toMatchObject({ problem: "invoiceRequired" });
    await expect(completeJob(db, agencyActor(), { ...input, workDone: " ", invoiceAmountRials: 5 }, { links })).rejects.toBeInstanceOf(JobReportInputError);
    await expect(completeJob(db, agencyActor(), { ...input, agencyId: agencyB, invoiceAmountRials: 5 }, { links })).rejects.toBeInstanceOf(NotYourJobError);
    await completeJob(db, agencyActor(), { ...input, invoiceAmountRials: 4_500_000 }, { links });
    const ev = await events(t.id);
    expect(ev.filter((e) => e.event_type === "status_changed").map((e) => e.to_status)).toEqual(["scheduled", "in_progress", "completed"]);
    expect(ev.some((e) => e.event_type === "job_report")).toBe(true);
    const report = await db.selectFrom("completion_reports").selectAll().where("ticket_id", "=", t.id).executeTakeFirstOrThrow();
    expect(report.invoice_amount_rials).toBe(4_500_000);
    expect(report.technician_id).toBe(techA1);
    const parts = await db.selectFrom("completion_parts").select(["name", "serial_number"]).where("report_id", "=", report.id).orderBy("id").execute();
    expect(parts).toEqual([
      { name: "برد اصلی", serial_number: "PCB-1" },
      { name: "فیوز", serial_number: null },
    ]);
    const sms = await db.selectFrom("sms_messages").select("purpose").where("ticket_id", "=", t.id).execute();
    expect(sms.map((s) => s.purpose)).toContain("ticket_completed");
  });
});
