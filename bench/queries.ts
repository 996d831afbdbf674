// npx tsx bench/queries.ts [--runs N]
// Wall-clock timings of the repositories' own queries (db/repos, exactly what the pages call) against the
// configured database (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR).
// Fill it first: npm run seed:large -- --tickets 1000000
import { sql } from "kysely";
import { loadEnv } from "../platform/env";
import { jalaliYearMonth, startOfTehranDay } from "../core/jalali";
import { AGENCY_LOAD_STATUSES } from "../core/ticket";
import { toPersianDigits } from "../core/digits";
import { openDatabase, type DB } from "../db/connection";
import { runCli } from "../db/cli/run";
import * as agencies from "../db/repos/agencies";
import * as dashboard from "../db/repos/dashboard";
import * as fees from "../db/repos/fees";
import * as tickets from "../db/repos/tickets";
import type { DataScope } from "../db/repos/scope";

interface Case {
  name: string;
  run: () => Promise<unknown>;
}

interface Sample {
  agencyId: number;
  /** a ticket assigned to that agency: inside its scope */
  agencyTicketId: number;
  /** the customer of that ticket: a name the agency may search for */
  agencyCustomerName: string;
  ticketId: number;
  ticketNumber: number;
  mobile: string;
  name: string;
  /** the serial number of the sample ticket's product */
  serial: string | null;
}

function cases(db: DB, s: Sample): Case[] {
  const all: DataScope = { kind: "all" };
  const agency: DataScope = { kind: "agency", agencyId: s.agencyId };
  const now = new Date();
  const local = `0${s.mobile.slice(3)}`;
  return [
    { name: "listTickets: all, page 1", run: () => tickets.listTickets(db, all, {}) },
    { name: "listTickets: all, page 40", run: () => tickets.listTickets(db, all, { page: 40 }) },
    { name: "listTickets: status new", run: () => tickets.listTickets(db, all, { status: "new" }) },
    { name: "listTickets: status closed, type complaint", run: () => tickets.listTickets(db, all, { status: "closed", type: "complaint" }) },
    { name: "listTickets: search tracking code (Latin)", run: () => tickets.listTickets(db, all, { q: String(s.ticketNumber) }) },
    { name: "listTickets: search tracking code (Persian)", run: () => tickets.listTickets(db, all, { q: toPersianDigits(s.ticketNumber) }) },
    { name: "listTickets: search mobile (Persian digits)", run: () => tickets.listTickets(db, all, { q: toPersianDigits(local) }) },
    { name: "listTickets: search full name", run: () => tickets.listTickets(db, all, { q: s.name }) },
    { name: "listTickets: search last name", run: () => tickets.listTickets(db, all, { q: s.name.split(" ").at(-1)! }) },
    { name: "listTickets: search serial (lower case)", run: () => tickets.listTickets(db, all, { q: (s.serial ?? "none").toLowerCase() }) },
    { name: "listTickets: sort by number, page 3", run: () => tickets.listTickets(db, all, { sort: "number", dir: "asc", page: 3 }) },
    { name: "listTickets: sort by status", run: () => tickets.listTickets(db, all, { sort: "status", dir: "asc" }) },
    { name: "listTickets: sort by priority (urgent first)", run: () => tickets.listTickets(db, all, { sort: "priority", dir: "desc" }) },
    { name: "listTickets: sort by resolution due", run: () => tickets.listTickets(db, all, { sort: "sla_due", dir: "asc" }) },
    { name: "listTickets: priority urgent, in warranty", run: () => tickets.listTickets(db, all, { priority: "urgent", warranty: "in_warranty" }) },
    {
      name: "listTickets: created in one week, by status",
      run: () => tickets.listTickets(db, all, { createdFrom: new Date(now.getTime() - 14 * 86_400_000), createdBefore: new Date(now.getTime() - 7 * 86_400_000), sort: "status" }),
    },
    { name: "listTickets: agency, page 1", run: () => tickets.listTickets(db, agency, {}) },
    { name: "listTickets: agency, open jobs (agency home)", run: () => tickets.listTickets(db, agency, { statuses: AGENCY_LOAD_STATUSES, pageSize: 20 }) },
    { name: "listTickets: agency, page 40", run: () => tickets.listTickets(db, agency, { page: 40 }) },
    { name: "listTickets: agency, status closed", run: () => tickets.listTickets(db, agency, { status: "closed" }) },
    { name: "listTickets: agency, search full name", run: () => tickets.listTickets(db, agency, { q: s.agencyCustomerName }) },
    { name: "listTickets: agency, search last name", run: () => tickets.listTickets(db, agency, { q: s.agencyCustomerName.split(" ").at(-1)! }) },
    { name: "listTickets: agency, search another's customer", run: () => tickets.listTickets(db, agency, { q: s.name }) },
    { name: "getTicket", run: () => tickets.getTicket(db, all, s.ticketId) },
    { name: "ticketHistory", run: () => tickets.ticketHistory(db, all, s.ticketId) },
    { name: "ticketOffers", run: () => tickets.ticketOffers(db, all, s.ticketId) },
    { name: "ticketCalls", run: () => tickets.ticketCalls(db, all, s.ticketId) },
    { name: "countTicketsByStatus: all", run: () => tickets.countTicketsByStatus(db, all) },
    { name: "countTicketsByStatus: agency", run: () => tickets.countTicketsByStatus(db, agency) },
    { name: "ticketHistory: agency (its own ticket)", run: () => tickets.ticketHistory(db, agency, s.agencyTicketId) },
    { name: "agencies.offerHistory: page 1", run: () => agencies.offerHistory(db, s.agencyId) },
    { name: "agencies.offerHistory: page 20", run: () => agencies.offerHistory(db, s.agencyId, { page: 20 }) },
    { name: "dashboard.overdueTickets", run: () => dashboard.overdueTickets(db, now) },
    { name: "dashboard.referralFeeTotals", run: () => dashboard.referralFeeTotals(db, jalaliYearMonth(now)) },
    { name: "dashboard.averageSatisfaction", run: () => dashboard.averageSatisfaction(db) },
    { name: "dashboard.callStats: last 7 days", run: () => dashboard.callStats(db, new Date(now.getTime() - 7 * 86_400_000)) },
    { name: "dashboard.callStats: today (Tehran)", run: () => dashboard.callStats(db, startOfTehranDay(now)) },
    { name: "dashboard.agenciesByOpenJobs", run: () => dashboard.agenciesByOpenJobs(db, 10) },
    { name: "fees.latestEntries: newest 200", run: () => fees.latestEntries(db, 200) },
    { name: "fees.agencyStatements", run: () => fees.agencyStatements(db, s.agencyId) },
    { name: "fees.unpaidBalances", run: () => fees.unpaidBalances(db) },
    { name: "fees.revenueBreakdown: last 365 days", run: () => fees.revenueBreakdown(db, { from: new Date(now.getTime() - 365 * 86_400_000), toExclusive: now }) },
    { name: "agencies.pendingOffersForAgency", run: () => agencies.pendingOffersForAgency(db, s.agencyId) },
    { name: "agencies.listAgencies", run: () => agencies.listAgencies(db) },
  ];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) return result.rows.length;
  return result == null ? 0 : 1;
}

async function time(c: Case, runs: number): Promise<{ median: number; p95: number; min: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 2; i++) rows = rowCount(await c.run()); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = rowCount(await c.run());
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: percentile(ms, 50), p95: percentile(ms, 95), min: ms[0]!, rows };
}

await runCli(async () => {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("usage: npx tsx bench/queries.ts [--runs N]");
  const env = loadEnv(process.env, { providers: false });
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, log: console.log, poolSize: 1 });
  try {
    const db = handle.db;
    const counts = (await sql<{ tickets: string; events: string; fees: string; version: string }>`
      select (select count(*) from tickets) as tickets, (select count(*) from ticket_events) as events,
        (select count(*) from agency_ledger) as fees, current_setting('server_version') as version`.execute(db)).rows[0]!;
    const agency = await db.selectFrom("agencies").select("id").where("code", "=", "THR-001").executeTakeFirst()
      ?? (await db.selectFrom("agencies").select("id").orderBy("id").executeTakeFirst());
    if (!agency) throw new Error("no agencies: load data first (npm run seed, npm run seed:large)");
    // a ticket with a full history: an accepted offer, a call, a few events
    const ticket = await db
      .selectFrom("tickets")
      .innerJoin("customers", "customers.id", "tickets.customer_id")
      .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
      .select(["tickets.id", "tickets.number", "customers.mobile", "customers.full_name", "customer_products.serial_number"])
      .where("tickets.status", "=", "closed")
      .where("tickets.channel", "=", "phone")
      .where("tickets.type", "=", "breakdown")
      .where("tickets.assigned_agency_id", "is not", null)
      .orderBy("tickets.id", "desc")
      .offset(1000)
      .limit(1)
      .executeTakeFirst();
    if (!ticket) throw new Error("no closed phone ticket: load data first (npm run seed:large)");
    const agencyTicket = await db
      .selectFrom("tickets")
      .innerJoin("customers", "customers.id", "tickets.customer_id")
      .select(["tickets.id", "customers.full_name"])
      .where("assigned_agency_id", "=", agency.id)
      .where("tickets.status", "=", "closed")
      .orderBy("tickets.id", "desc")
      .offset(100)
      .limit(1)
      .executeTakeFirst();
    if (!agencyTicket) throw new Error("the agency has no closed tickets: load data first (npm run seed:large)");
    const sample: Sample = { agencyId: agency.id, agencyTicketId: agencyTicket.id, agencyCustomerName: agencyTicket.full_name, ticketId: ticket.id, ticketNumber: ticket.number, mobile: ticket.mobile, name: ticket.full_name, serial: ticket.serial_number };

    console.log(`PostgreSQL ${counts.version}: ${Number(counts.tickets)} tickets, ${Number(counts.events)} ticket events, ${Number(counts.fees)} referral fees; ${runs} runs each after 2 warm-ups`);
    console.log(`${"repository function".padEnd(50)} ${"median ms".padStart(10)} ${"p95 ms".padStart(10)} ${"min ms".padStart(10)} ${"rows".padStart(6)}`);
    for (const c of cases(db, sample)) {
      const r = await time(c, runs);
      console.log(`${c.name.padEnd(50)} ${r.median.toFixed(2).padStart(10)} ${r.p95.toFixed(2).padStart(10)} ${r.min.toFixed(2).padStart(10)} ${String(r.rows).padStart(6)}`);
    }
  } finally {
    await handle.close();
  }
});
