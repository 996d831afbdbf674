import { sql } from "kysely";
import { AGENCY_LOAD_STATUSES, UNRESOLVED_STATUSES } from "../../core/ticket";
import type { DB } from "../connection";
import { feeTotals } from "./fees";

/** Inbound call figures of the calls started in [since, until). */
export async function callStats(db: DB, since: Date, until: Date = new Date()) {
  const row = await db
    .selectFrom("calls")
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere("disposition", "=", "answered").as("answered"),
      eb.fn.countAll<number>().filterWhere("disposition", "in", ["missed", "abandoned"]).as("missed"),
      eb.fn.avg<number>("wait_seconds").as("avg_wait"),
    ])
    .where("direction", "=", "inbound")
    .where("started_at", ">=", since)
    .where("started_at", "<", until)
    .executeTakeFirstOrThrow();
  return { answered: Number(row.answered), missed: Number(row.missed), avgWait: row.avg_wait == null ? null : Math.round(Number(row.avg_wait)) };
}

export async function overdueTickets(db: DB, now: Date) {
  const row = await db
    .selectFrom("tickets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "in", UNRESOLVED_STATUSES)
    .where("sla_resolve_due_at", "<", now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** This month's referral-fee revenue and every agency's unpaid balance, from the ledger's monthly roll-up. */
export async function referralFeeTotals(db: DB, period: string) {
  return feeTotals(db, period);
}

export async function averageSatisfaction(db: DB) {
  const row = await db
    .selectFrom("satisfaction_surveys")
    .select((eb) => [eb.fn.avg<number>("score").as("avg"), eb.fn.count<number>("score").as("n")])
    .where("status", "=", "answered")
    .executeTakeFirstOrThrow();
  return { average: row.avg == null ? null : Math.round(Number(row.avg) * 10) / 10, answered: Number(row.n) };
}

/** Agencies by their current load, counted from the partial index over load statuses. */
export async function agenciesByOpenJobs(db: DB, limit = 10) {
  const load = db
    .selectFrom("tickets")
    .select(["tickets.assigned_agency_id", (eb) => eb.fn.countAll<number>().as("jobs")])
    .where("tickets.status", "in", AGENCY_LOAD_STATUSES)
    .where("tickets.assigned_agency_id", "is not", null)
    .groupBy("tickets.assigned_agency_id");
  return db
    .selectFrom("agencies")
    .leftJoin(load.as("load"), "load.assigned_agency_id", "agencies.id")
    .select((eb) => [
      "agencies.id",
      "agencies.code",
      "agencies.name",
      "agencies.city",
      "agencies.status",
      "agencies.daily_job_capacity",
      eb.fn.coalesce("load.jobs", sql<number>`0`).as("open_jobs"),
    ])
    .orderBy("open_jobs", "desc")
    .orderBy("agencies.code")
    .limit(limit)
    .execute();
}
