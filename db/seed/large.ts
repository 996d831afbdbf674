import { sql, type Kysely, type RawBuilder } from "kysely";
import type { ActorKind, Database } from "../schema";
import { canTransition, TERMINAL_STATUSES, type TicketStatus } from "../../core/ticket";
import { jalaliYearMonth } from "../../core/jalali";
import { IN_HOUSE_RESOLVE_DAYS, SLA_TARGETS } from "../../core/sla";
import { PRIORITIES } from "../../core/ticket";
import { CATEGORIES, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, STREETS, FOLLOW_UP_PROBLEMS } from "./demo-data";
import { isDatabaseEmpty, seedDemo } from "./demo";
import { seedLargeCalls } from "./large-calls";
import { seedLargeFeedback } from "./large-feedback";
import { seedLargeParts } from "./large-parts";
import { refreshVoiceRollups } from "../repos/voice";
import { refreshCallStats } from "../repos/call-kpis";
import { refreshDelayRollup } from "../repos/delays";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../../core/call-kpis";
import { DAY, addDays, tehranDay } from "./util";

/**
 * Synthetic volume for benchmarks, generated set-based inside PostgreSQL (INSERT … SELECT over
 * generate_series) in batches: about a million tickets in a few minutes. Reuses the demo
 * catalogue, agencies and users (loading the demo data first when the database is empty).
 *
 * Synthetic customers have mobiles +98 99 NNNNNNNN (the demo never uses 099x), numbered on
 * from the last run, so repeated runs keep every customer's mobile distinct.
 */
export interface SeedLargeOptions {
  /** How many tickets to add. */
  tickets: number;
  /** Tickets per batch (one transaction each). */
  batchSize?: number;
  /** Tickets are spread over this many days before `now`. */
  days?: number;
  now?: Date;
  log?: (m: string) => void;
  /** where the demo data set (loaded first on an empty database) writes its call recordings */
  recordingsDir?: string;
}

export interface SeedLargeResult {
  tickets: number;
  rows: Record<string, number>;
  totalRows: number;
  seconds: number;
  rowsPerSecond: number;
}

type DB = Kysely<Database>;

const SYNTHETIC_PREFIX = "+9899";
const SYNTHETIC_CAPACITY = 100_000_000;

/** Minimal legal histories by final status, for breakdowns ('b') and in-house tickets ('o'). */
const PATHS: { grp: "b" | "o"; hasAgency: boolean; path: TicketStatus[] }[] = [
  { grp: "b", hasAgency: false, path: ["new"] },
  { grp: "b", hasAgency: false, path: ["new", "dispatching"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "scheduled"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "scheduled", "in_progress"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "in_progress", "completed"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "in_progress", "completed", "closed"] },
  { grp: "b", hasAgency: false, path: ["new", "cancelled"] },
  { grp: "b", hasAgency: true, path: ["new", "dispatching", "assigned", "cancelled"] },
  { grp: "o", hasAgency: false, path: ["new"] },
  { grp: "o", hasAgency: false, path: ["new", "in_progress"] },
  { grp: "o", hasAgency: false, path: ["new", "in_progress", "on_hold"] },
  { grp: "o", hasAgency: false, path: ["new", "in_progress", "completed"] },
  { grp: "o", hasAgency: false, path: ["new", "closed"] },
  { grp: "o", hasAgency: false, path: ["new", "cancelled"] },
];

/** Minutes every ticket spends on a move (scaled 0.5–1.5× per ticket) … */
const FIXED_MINUTES: Record<string, number> = { "new>dispatching": 5, "dispatching>assigned": 20 };
/** … and how the rest of its life is shared among the other moves. */
const WEIGHTS: Record<string, number> = {
  "assigned>scheduled": 1, "scheduled>in_progress": 3, "assigned>in_progress": 3, "in_progress>on_hold": 1,
  "in_progress>completed": 1, "completed>closed": 2, "new>cancelled": 1, "assigned>cancelled": 1,
  "new>in_progress": 1, "new>closed": 1,
};
const ACTORS: Record<string, ActorKind> = {
  "new>dispatching": "system", "dispatching>assigned": "agency", "assigned>scheduled": "agency",
  "scheduled>in_progress": "technician", "assigned>in_progress": "technician", "in_progress>on_hold": "technician",
};

interface PathStep {
  grp: string; status: string; has_agency: boolean; step: number; event_type: string; from_status: string | null;
  to_status: string; actor_kind: string; cum_fixed: number; total_fixed: number; cum_w: number;
}

function pathSteps(): PathStep[] {
  const out: PathStep[] = [];
  for (const p of PATHS) {
    const type = p.grp === "b" ? "breakdown" : "follow_up";
    const moves = p.path.slice(1).map((to, i) => `${p.path[i]}>${to}`);
    p.path.slice(1).forEach((to, i) => {
      if (!canTransition(p.path[i]!, to, type)) throw new Error(`large seed path ${p.path.join(">")} is illegal`);
    });
    const fixed = moves.map((m) => FIXED_MINUTES[m] ?? 0);
    // a path of fixed moves only (still dispatching, just assigned) keeps the rest as time since its last move
    const weights = moves.map((m) => (FIXED_MINUTES[m] ? 0 : WEIGHTS[m] ?? 1));
    const totalFixed = fixed.reduce((a, b) => a + b, 0);
    const totalW = weights.reduce((a, b) => a + b, 0) || 1;
    const status = p.path[p.path.length - 1]!;
    const base = { grp: p.grp, status, has_agency: p.hasAgency, total_fixed: totalFixed };
    out.push({ ...base, step: 0, event_type: "created", from_status: null, to_status: "new", actor_kind: "user", cum_fixed: 0, cum_w: 0 });
    let cf = 0;
    let cw = 0;
    moves.forEach((m, i) => {
      cf += fixed[i]!;
      cw += weights[i]!;
      const [from, to] = m.split(">") as [string, string];
      const actor = ACTORS[m] ?? (p.grp === "b" && (to === "completed") ? "technician" : "user");
      out.push({ ...base, step: i + 1, event_type: "status_changed", from_status: from, to_status: to, actor_kind: actor, cum_fixed: cf, cum_w: cw / totalW });
    });
  }
  return out;
}

export async function seedLarge(db: DB, opts: SeedLargeOptions): Promise<SeedLargeResult> {
  const n = Math.floor(opts.tickets);
  if (!Number.isFinite(n) || n < 1) throw new Error("seedLarge: tickets must be a positive number");
  const batch = Math.max(1000, Math.floor(opts.batchSize ?? 100_000));
  const days = Math.round(opts.days ?? 365);
  if (!(days >= 1 && days <= 3650)) throw new Error("seedLarge: days must be between 1 and 3650");
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const rows: Record<string, number> = {};
  /** milliseconds spent per table */
  const ms: Record<string, number> = {};
  const add = (table: string, r: { numAffectedRows?: bigint }) => {
    rows[table] = (rows[table] ?? 0) + Number(r.numAffectedRows ?? 0n);
  };

  if (await isDatabaseEmpty(db)) {
    log("[seed:large] empty database: loading the demo data set first");
    await seedDemo(db, { now, log, recordingsDir: opts.recordingsDir });
  }

  await db.connection().execute(async (conn) => {
    try {
      await fill(conn);
    } catch (err) {
      // leave the pooled connection usable: no open transaction, no session settings, no temp tables
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    } finally {
      await sql`reset synchronous_commit`.execute(conn).catch(() => {});
      await sql`reset work_mem`.execute(conn).catch(() => {});
      await sql`drop table if exists pg_temp.large_paths, pg_temp.large_jdays, pg_temp.large_customers, pg_temp.large_batch`.execute(conn).catch(() => {});
    }
  });

  async function fill(conn: DB) {
    const run = async (table: string, q: RawBuilder<unknown>) => {
      const t0 = performance.now();
      const r = await q.execute(conn);
      add(table, r);
      ms[table] = (ms[table] ?? 0) + performance.now() - t0;
      return r;
    };
    await sql`set synchronous_commit = off`.execute(conn);
    await sql`set work_mem = '64MB'`.execute(conn);
    await sql`select setseed(0.1405)`.execute(conn);

    // ----- reference data -----
    const agencies = (await sql<{ id: number; province: string; city: string; lat: number | null; lng: number | null }>`
      select id, province, city, lat, lng from agencies where status = 'active' order by id`.execute(conn)).rows;
    if (!agencies.length) throw new Error("seedLarge: no active agency to dispatch to");
    const techs = (await sql<{ id: number; agency_id: number }>`
      select id, agency_id from technicians where active order by agency_id, id`.execute(conn)).rows;
    const models = (await sql<{ id: number; category_id: number; months: number; code: string }>`
      select m.id, m.category_id, coalesce(m.warranty_months, c.default_warranty_months) as months, c.code
      from product_models m join product_categories c on c.id = m.category_id order by m.id`.execute(conn)).rows;
    if (!models.length) throw new Error("seedLarge: no product models");
    const operators = (await sql<{ id: number }>`
      select id from users where role in ('operator', 'supervisor') and active order by id`.execute(conn)).rows.map((r) => r.id);

    // cities that have an active agency; customers live there, weighted by agency count
    const cityKeys = [...new Set(agencies.map((a) => `${a.province}|${a.city}`))];
    const cityAg = cityKeys.map((k) => agencies.filter((a) => `${a.province}|${a.city}` === k));
    const agFlat: number[] = [];
    const agOff: number[] = [];
    const agCnt: number[] = [];
    const techFlat: number[] = [];
    const techOff: number[] = [];
    const techCnt: number[] = [];
    for (const list of cityAg) {
      agOff.push(agFlat.length);
      agCnt.push(list.length);
      for (const a of list) {
        agFlat.push(a.id);
        const mine = techs.filter((t) => t.agency_id === a.id).map((t) => t.id);
        techOff.push(techFlat.length);
        techCnt.push(mine.length);
        techFlat.push(...mine);
      }
    }
    const cityLat = cityAg.map((l) => avg(l.map((a) => a.lat ?? 35.6892)));
    const cityLng = cityAg.map((l) => avg(l.map((a) => a.lng ?? 51.389)));
    const cityProv = cityAg.map((l) => l[0]!.province);
    const cityName = cityAg.map((l) => l[0]!.city);
    // how far customers live from the city centre (degrees): Tehran sprawls
    const citySpread = cityName.map((c) => (c === "تهران" ? 0.16 : 0.05));
    const cityPick: number[] = [];
    cityAg.forEach((l, i) => {
      for (let k = 0; k < l.length * (cityName[i] === "تهران" ? 3 : 1); k++) cityPick.push(i + 1);
    });
    const probFlat: string[] = [];
    const probOff: number[] = [];
    const probCnt: number[] = [];
    for (const m of models) {
      const list = CATEGORIES.find((c) => c.code === m.code)?.problems ?? ["دستگاه کار نمی‌کند"];
      probOff.push(probFlat.length);
      probCnt.push(list.length);
      probFlat.push(...list);
    }
    const firstNames = [...MALE_NAMES, ...FEMALE_NAMES];

    // Jalali months of every Tehran day the tickets can complete on, with statement settlement dates
    const firstDay = tehranDay(new Date(now.getTime() - (days + 2) * DAY));
    const lastDay = tehranDay(new Date(now.getTime() + DAY));
    const jdDays: string[] = [];
    const jdPeriods: string[] = [];
    for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) {
      jdDays.push(d);
      jdPeriods.push(jalaliYearMonth(new Date(`${d}T08:30:00Z`)));
    }
    const periodEnd = new Map<string, string>();
    jdDays.forEach((d, i) => periodEnd.set(jdPeriods[i]!, d));
    const jdSettle = jdPeriods.map((p) => new Date(`${addDays(periodEnd.get(p)!, 6)}T06:30:00Z`));
    const currentPeriod = jalaliYearMonth(now);

    await sql`drop table if exists pg_temp.large_paths, pg_temp.large_jdays, pg_temp.large_customers, pg_temp.large_batch`.execute(conn);
    const steps = pathSteps();
    await sql`create temp table large_paths as
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as x(
        grp text, status text, has_agency boolean, step int, event_type text, from_status text, to_status text,
        actor_kind text, cum_fixed float8, total_fixed float8, cum_w float8)`.execute(conn);
    await sql`create temp table large_jdays as
      select * from unnest(${jdDays}::date[], ${jdPeriods}::text[], ${jdSettle}::timestamptz[]) as x(day, period, settle_at)`.execute(conn);
    await sql`alter table large_jdays add primary key (day)`.execute(conn);

    // ----- customers, their address and product -----
    const m = Math.max(1, Math.ceil(n / 3));
    const offset = Number((await sql<{ next: string }>`
      select coalesce(max(substr(mobile, 6)::bigint) + 1, 0) as next from customers
      where mobile like ${`${SYNTHETIC_PREFIX}%`} and length(mobile) = 13`.execute(conn)).rows[0]?.next ?? 0);
    if (offset + m > SYNTHETIC_CAPACITY) throw new Error("seedLarge: synthetic mobile range exhausted");
    await sql`create temp table large_customers (
      k int primary key, customer_id bigint, address_id bigint, product_id bigint, model_idx int, city_idx int,
      province text, city text, address_text text, lat float8, lng float8, expires_on date, category_id bigint, mobile text)`.execute(conn);
    const nowIso = now.toISOString();
    const tc = performance.now();
    for (let lo = 0; lo < m; lo += batch) {
      const hi = Math.min(m, lo + batch) - 1;
      await sql`begin`.execute(conn);
      await sql`create temp table large_batch as
        select k, ${SYNTHETIC_PREFIX} || lpad((${offset}::bigint + k)::text, 8, '0') as mobile,
          (${cityPick}::int[])[1 + floor(random() * ${cityPick.length})::int] as city_idx,
          1 + floor(random() * ${models.length})::int as model_idx,
          (${firstNames}::text[])[1 + floor(random() * ${firstNames.length})::int] || ' '
            || (${LAST_NAMES}::text[])[1 + floor(random() * ${LAST_NAMES.length})::int] as full_name,
          'خیابان ' || (${STREETS}::text[])[1 + floor(random() * ${STREETS.length})::int] || '، پلاک ' || (1 + floor(random() * 300))::int as address_text,
          random() - 0.5 as dlat, random() - 0.5 as dlng,
          ${nowIso}::timestamptz - make_interval(days => ${days} + floor(random() * 700)::int) as created_at,
          (${nowIso}::timestamptz at time zone 'Asia/Tehran')::date - (20 + floor(random() * 1800))::int as purchase_date,
          random() < 0.03 as no_purchase_date
        from generate_series(${lo}::int, ${hi}::int) k`.execute(conn);
      const t0 = performance.now();
      const r = await sql<{ customers: number; addresses: number; products: number }>`
        with c as (
          insert into customers (full_name, mobile, created_at, updated_at)
          select full_name, mobile, created_at, created_at from large_batch order by k
          returning id, mobile
        ), cb as (
          select b.*, c.id as customer_id, (${cityProv}::text[])[b.city_idx] as province, (${cityName}::text[])[b.city_idx] as city,
            (${cityLat}::float8[])[b.city_idx] + b.dlat * (${citySpread}::float8[])[b.city_idx] as lat,
            (${cityLng}::float8[])[b.city_idx] + b.dlng * 1.2 * (${citySpread}::float8[])[b.city_idx] as lng,
            (${models.map((x) => x.id)}::bigint[])[b.model_idx] as model_id,
            (${models.map((x) => x.category_id)}::bigint[])[b.model_idx] as category_id,
            (${models.map((x) => x.months)}::int[])[b.model_idx] as months
          from large_batch b join c using (mobile)
        ), a as (
          insert into customer_addresses (customer_id, label, province, city, address_text, lat, lng, is_default, created_at)
          select customer_id, 'منزل', province, city, address_text, lat, lng, true, created_at from cb
          returning id, customer_id
        ), p as (
          insert into customer_products (customer_id, model_id, serial_number, purchase_date, warranty_months, warranty_expires_on, created_at)
          select customer_id, model_id, 'BX' || lpad((${offset}::bigint + k)::text, 10, '0'),
            case when no_purchase_date then null else purchase_date end, months,
            case when no_purchase_date then null else (purchase_date + make_interval(months => months) - interval '1 day')::date end,
            created_at
          from cb
          returning id, customer_id, warranty_expires_on
        ), ins as (
          insert into large_customers (k, customer_id, address_id, product_id, model_idx, city_idx, province, city, address_text, lat, lng, expires_on, category_id, mobile)
          select cb.k, cb.customer_id, a.id, p.id, cb.model_idx, cb.city_idx, cb.province, cb.city, cb.address_text, cb.lat, cb.lng,
            p.warranty_expires_on, cb.category_id, cb.mobile
          from cb join a on a.customer_id = cb.customer_id join p on p.customer_id = cb.customer_id
          returning 1
        )
        select (select count(*) from c)::int as customers, (select count(*) from a)::int as addresses, (select count(*) from p)::int as products`.execute(conn);
      const got = r.rows[0]!;
      ms.customers = (ms.customers ?? 0) + performance.now() - t0;
      rows.customers = (rows.customers ?? 0) + got.customers;
      rows.customer_addresses = (rows.customer_addresses ?? 0) + got.addresses;
      rows.customer_products = (rows.customer_products ?? 0) + got.products;
      await sql`drop table large_batch`.execute(conn);
      await sql`commit`.execute(conn);
      log(`[seed:large] customers ${hi + 1}/${m} (${rate(hi + 1, tc)} customers/s)`);
    }
    await sql`analyze large_customers`.execute(conn);

    // ----- tickets and everything hanging off them, batch by batch -----
    const tt = performance.now();
    const ops = operators.length ? operators : [null];
    for (let lo = 0; lo < n; lo += batch) {
      const hi = Math.min(n, lo + batch) - 1;
      await sql`begin`.execute(conn);
      const before = Number((await sql<{ id: string | null }>`select max(id) as id from tickets`.execute(conn)).rows[0]?.id ?? 0);
      const eventsBefore = Number((await sql<{ id: string | null }>`select max(id) as id from ticket_events`.execute(conn)).rows[0]?.id ?? 0);
      // the random draws of each new ticket
      await sql`create temp table large_batch as
        select g, ((g::bigint * 2654435761) % 4294967296) % ${m} as k,
          ${nowIso}::timestamptz - make_interval(secs => ((${n}::float8 - g - random()) / ${n}) * ${days * 86400}) as created_at,
          random() as r_type, random() as r_status, random() as r_span, random() as r_channel, random() as r_prio,
          random() as r_agency, random() as r_tech, random() as r_op, random() as r_desc, random() as r_cancel, random() as r_product
        from generate_series(${lo}::int, ${hi}::int) g`.execute(conn);
      await run("tickets", sql`
        insert into tickets (type, channel, customer_id, customer_product_id, problem_category_id, problem_description,
          warranty_status, priority, address_id, province, city, address_text, lat, lng, status, assigned_agency_id,
          technician_id, created_by, sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at, created_at, updated_at, closed_at)
        select type, channel, customer_id, product_id, category_id, description,
          case when product_id is null or expires_on is null then 'unknown'
               when (created_at at time zone 'Asia/Tehran')::date <= expires_on then 'in_warranty' else 'out_of_warranty' end,
          priority, address_id, province, city, address_text, lat, lng, status,
          case when has_agency then agency_id end,
          case when has_agency and status in ('scheduled', 'in_progress', 'on_hold', 'completed', 'closed') then tech_id end,
          case when channel in ('phone', 'walk_in') then operator_id end,
          case when type = 'breakdown' then created_at + make_interval(hours => ${slaCase("acceptHours")}) end,
          case when type = 'breakdown' then created_at + make_interval(hours => ${slaCase("visitHours")}) end,
          created_at + make_interval(days => case when type = 'breakdown' then ${slaCase("resolveDays")} else ${IN_HOUSE_RESOLVE_DAYS}::int end),
          created_at, updated_at,
          case when status in (${sql.join(TERMINAL_STATUSES.map((s) => sql.lit(s)))}) then updated_at end
        from (
          select y.*,
            y.created_at + make_interval(secs => 60 * least(
              case y.status
                when 'new' then 0
                when 'dispatching' then 2 + 23 * y.r_span
                when 'assigned' then 30 + 150 * y.r_span
                when 'scheduled' then 60 + 420 * y.r_span
                when 'in_progress' then 1440 * (1 + 2 * y.r_span)
                when 'on_hold' then 1440 * (1 + 3 * y.r_span)
                when 'completed' then 1440 * (1 + 3 * y.r_span)
                when 'closed' then case when y.type = 'breakdown' then 1440 * (2 + 5 * y.r_span) else 2 + 13 * y.r_span end
                else 10 + 2870 * y.r_span
              end,
              0.95 * extract(epoch from ${nowIso}::timestamptz - y.created_at)::float8 / 60)) as updated_at,
            y.type = 'breakdown' and (y.status in ('assigned', 'scheduled', 'in_progress', 'on_hold', 'completed', 'closed')
              or (y.status = 'cancelled' and y.r_cancel < 0.4)) as has_agency
          from (
            select x.*,
              case when x.type = 'breakdown' then x.raw_status
                   when x.raw_status = 'dispatching' then 'new'
                   when x.raw_status in ('assigned', 'scheduled') then 'in_progress'
                   else x.raw_status end as status
            from (
              select b.g, b.created_at, b.r_span, b.r_cancel, s.customer_id, s.address_id, s.province, s.city, s.address_text, s.lat, s.lng,
                case when b.r_type < 0.9 then 'breakdown' when b.r_type < 0.96 then 'follow_up' else 'complaint' end as type,
                case when b.r_type < 0.9 or b.r_product < 0.5 then s.product_id end as product_id,
                case when b.r_type < 0.9 or b.r_product < 0.5 then s.category_id end as category_id,
                case when b.r_type < 0.9 or b.r_product < 0.5 then s.expires_on end as expires_on,
                case when b.r_type < 0.9
                  then (${probFlat}::text[])[(${probOff}::int[])[s.model_idx] + 1 + floor(b.r_desc * (${probCnt}::int[])[s.model_idx])::int]
                  else (${FOLLOW_UP_PROBLEMS}::text[])[1 + floor(b.r_desc * ${FOLLOW_UP_PROBLEMS.length})::int] end as description,
                case when b.r_channel < 0.8 then 'phone' when b.r_channel < 0.88 then 'web' when b.r_channel < 0.93 then 'sms'
                     when b.r_channel < 0.97 then 'walk_in' else 'email' end as channel,
                case when b.r_prio < 0.7 then 'normal' when b.r_prio < 0.85 then 'high' when b.r_prio < 0.9 then 'urgent' else 'low' end as priority,
                (${ops}::bigint[])[1 + floor(b.r_op * ${ops.length})::int] as operator_id,
                (${agFlat}::bigint[])[aj.j] as agency_id,
                case when (${techCnt}::int[])[aj.j] > 0
                  then (${techFlat}::bigint[])[(${techOff}::int[])[aj.j] + 1 + floor(b.r_tech * (${techCnt}::int[])[aj.j])::int] end as tech_id,
                case
                  when aj.age_days < 0.1 then case when b.r_status < 0.4 then 'new' when b.r_status < 0.75 then 'dispatching' else 'assigned' end
                  when aj.age_days < 1 then case when b.r_status < 0.1 then 'new' when b.r_status < 0.2 then 'dispatching'
                    when b.r_status < 0.5 then 'assigned' when b.r_status < 0.8 then 'scheduled' else 'in_progress' end
                  when aj.age_days < 4 then case when b.r_status < 0.1 then 'assigned' when b.r_status < 0.35 then 'scheduled'
                    when b.r_status < 0.65 then 'in_progress' when b.r_status < 0.75 then 'on_hold'
                    when b.r_status < 0.95 then 'completed' else 'cancelled' end
                  when aj.age_days < 10 then case when b.r_status < 0.1 then 'in_progress' when b.r_status < 0.2 then 'on_hold'
                    when b.r_status < 0.45 then 'completed' when b.r_status < 0.9 then 'closed' else 'cancelled' end
                  else case when b.r_status < 0.01 then 'completed' when b.r_status < 0.88 then 'closed' else 'cancelled' end
                end as raw_status
              from large_batch b
              join large_customers s on s.k = b.k
              cross join lateral (select extract(epoch from ${nowIso}::timestamptz - b.created_at)::float8 / 86400 as age_days,
                (${agOff}::int[])[s.city_idx] + 1 + floor(b.r_agency * (${agCnt}::int[])[s.city_idx])::int as j) aj
            ) x
          ) y
        ) z
        order by g`);
      // history: a legal chain per ticket, times spread between created_at and updated_at
      await run("ticket_events", sql`
        insert into ticket_events (ticket_id, at, actor_kind, actor_user_id, event_type, from_status, to_status)
        select t.id,
          t.created_at + make_interval(secs => 60 * case
            when p.total_fixed = 0 then s.span * p.cum_w
            when s.span <= p.total_fixed * s.f then s.span * p.cum_fixed / p.total_fixed
            else p.cum_fixed * s.f + (s.span - p.total_fixed * s.f) * p.cum_w end),
          case when p.actor_kind = 'user' and t.created_by is null and p.step = 0 then 'system' else p.actor_kind end,
          case when p.actor_kind = 'user' then coalesce(t.created_by, ${ops[0] ?? null}::bigint) end,
          p.event_type, p.from_status, p.to_status
        from tickets t
        cross join lateral (select extract(epoch from t.updated_at - t.created_at)::float8 / 60 as span, 0.5 + (t.id % 97) / 97.0::float8 as f) s
        join large_paths p on p.grp = case when t.type = 'breakdown' then 'b' else 'o' end
          and p.status = t.status and p.has_agency = (t.assigned_agency_id is not null)
        where t.id > ${before}
        order by t.id, p.step`);
      // the accepted offer of every assigned ticket, a pending one for those still dispatching
      await run("dispatch_offers", sql`
        insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at, responded_at, technician_id)
        select t.id, t.assigned_agency_id, 1, 'accepted', d.at, d.at + interval '1 hour', a.at, t.technician_id
        from tickets t
        join ticket_events d on d.ticket_id = t.id and d.to_status = 'dispatching' and d.id > ${eventsBefore}
        join ticket_events a on a.ticket_id = t.id and a.to_status = 'assigned' and a.id > ${eventsBefore}
        where t.id > ${before} and t.assigned_agency_id is not null`);
      await run("dispatch_offers", sql`
        insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at)
        select t.id, ag.id, 1, 'pending', t.updated_at, t.updated_at + interval '1 hour'
        from tickets t
        cross join lateral (select id from agencies a where a.status = 'active' and a.city = t.city order by (a.id * 7 + t.id) % 13 limit 1) ag
        where t.id > ${before} and t.status = 'dispatching'`);
      // calls: the answered call that registered each phone ticket, and some abandoned ones
      await run("calls", sql`
        insert into calls (channel_id, direction, caller_number, called_number, queue, operator_user_id, customer_id, ticket_id,
          started_at, answered_at, ended_at, wait_seconds, talk_seconds, disposition)
        select 'bench.' || t.id, 'inbound', c.mobile, '02191001570', 'breakdown', t.created_by, t.customer_id, t.id,
          t.created_at - make_interval(secs => w.wait + w.talk * 0.7), t.created_at - make_interval(secs => w.talk * 0.7),
          t.created_at + make_interval(secs => w.talk * 0.3), w.wait, w.talk, 'answered'
        from tickets t
        join customers c on c.id = t.customer_id
        cross join lateral (select 5 + (t.id % 120)::int as wait, 90 + ((t.id * 7) % 330)::int as talk) w
        where t.id > ${before} and t.channel = 'phone'`);
      await run("calls", sql`
        insert into calls (channel_id, direction, caller_number, called_number, queue, customer_id, started_at, ended_at, wait_seconds, disposition)
        select 'bench.a' || t.id, 'inbound', c.mobile, '02191001570', 'breakdown', t.customer_id,
          t.created_at - interval '1 hour', t.created_at - interval '1 hour' + make_interval(secs => 10 + (t.id % 170)::int),
          10 + (t.id % 170)::int, 'abandoned'
        from tickets t join customers c on c.id = t.customer_id
        where t.id > ${before} and t.channel = 'phone' and t.id % 33 = 0`);
      // each answered call is attached to the ticket it registered
      await run("ticket_calls", sql`
        insert into ticket_calls (ticket_id, call_id, linked_at, linked_by)
        select ticket_id, id, ended_at, operator_user_id from calls where ticket_id > ${before}`);
      // completion reports: paid when out of warranty
      await run("completion_reports", sql`
        insert into completion_reports (ticket_id, agency_id, technician_id, completed_at, work_description, invoice_number, invoice_amount_rials, created_at)
        select t.id, t.assigned_agency_id, t.technician_id, e.at, 'عیب‌یابی و تعمیر دستگاه؛ تست عملکرد انجام شد',
          case when t.warranty_status <> 'in_warranty' then 'INV-B' || t.id end,
          case when t.warranty_status <> 'in_warranty' then (150 + (t.id * 7919) % 2351) * 10000 else 0 end,
          e.at + interval '10 minutes'
        from tickets t
        join ticket_events e on e.ticket_id = t.id and e.to_status = 'completed' and e.id > ${eventsBefore}
        where t.id > ${before} and t.type = 'breakdown' and t.status in ('completed', 'closed') and t.assigned_agency_id is not null`);
      // referral fees at the agency's rate on the day of completion, for the Jalali month of completion
      await run("agency_ledger", sql`
        insert into agency_ledger (agency_id, kind, ticket_id, period, invoice_amount_rials, rate_percent, amount_rials, at, brand_id, category_id, province)
        select r.agency_id, 'referral_fee', r.ticket_id, j.period, r.invoice_amount_rials, fr.rate_percent,
          round(r.invoice_amount_rials * fr.rate_percent / 100), r.completed_at, pm.brand_id, pm.category_id, t.province
        from completion_reports r
        join large_jdays j on j.day = (r.completed_at at time zone 'Asia/Tehran')::date
        join agency_fee_rates fr on fr.agency_id = r.agency_id and fr.effective_from <= j.day
          and (fr.effective_to is null or j.day < fr.effective_to)
        join tickets t on t.id = r.ticket_id
        left join customer_products cp on cp.id = t.customer_product_id
        left join product_models pm on pm.id = cp.model_id
        where r.ticket_id > ${before} and r.invoice_amount_rials > 0`);
      // past months mostly paid: per (agency, month) of this batch, one payment entry for four fees in five
      await run("agency_ledger", sql`
        insert into agency_ledger (agency_id, kind, period, amount_rials, at, reference, paid_on)
        select l.agency_id, 'payment', l.period, -sum(l.amount_rials), max(j.settle_at), 'STL-' || l.period || '-' || a.code,
          (max(j.settle_at) at time zone 'Asia/Tehran')::date
        from agency_ledger l
        join large_jdays j on j.day = (l.at at time zone 'Asia/Tehran')::date
        join agencies a on a.id = l.agency_id
        where l.kind = 'referral_fee' and l.ticket_id > ${before}
          and l.period < ${currentPeriod} and j.settle_at < ${nowIso}::timestamptz and l.ticket_id % 5 <> 0
        group by l.agency_id, l.period, a.code
        having sum(l.amount_rials) > 0`);
      // the voice of the customer: follow-up surveys and complaint categories (db/seed/large-feedback.ts)
      rows.satisfaction_surveys = (rows.satisfaction_surveys ?? 0) + (await seedLargeFeedback(conn, before, now)).surveys;
      // the call centre's other calls, its operators and their ringings (db/seed/large-calls.ts)
      rows.calls = (rows.calls ?? 0) + (await seedLargeCalls(conn, before, now)).calls;
      // spare parts: the jobs that waited for one, and ~3 % of completed breakdowns (db/seed/large-parts.ts)
      rows.part_requests = (rows.part_requests ?? 0) + (await seedLargeParts(conn, before, eventsBefore, now));
      await sql`drop table large_batch`.execute(conn);
      await sql`commit`.execute(conn);
      // fresh statistics keep the next batch's joins on good plans as the tables grow
      await sql`analyze tickets, ticket_events, completion_reports`.execute(conn);
      log(`[seed:large] tickets ${hi + 1}/${n} (${rate(hi + 1, tt)} tickets/s)`);
    }
    log("[seed:large] analyze");
    for (const t of ["customers", "customer_addresses", "customer_products", "tickets", "ticket_events", "dispatch_offers", "calls", "ticket_calls", "completion_reports", "agency_ledger", "ledger_monthly", "part_requests"]) {
      await sql`analyze ${sql.table(t)}`.execute(conn);
    }
    log("[seed:large] voice of the customer roll-ups");
    await refreshVoiceRollups(conn, { rebuildCsat: true });
    // the generated calls ended before the demo seed's call roll-up watermark, so the workers' incremental
    // refresh would never count them: rebuild the call centre's roll-ups in full, at the threshold in use
    log("[seed:large] call-centre roll-ups");
    const callState = await sql<{ threshold_seconds: number }>`delete from call_stats_state returning threshold_seconds`.execute(conn);
    await refreshCallStats(conn, callState.rows[0]?.threshold_seconds ?? DEFAULT_SERVICE_LEVEL_SECONDS);
    // the delay audit's daily roll-up (the workers' delay_daily__refresh would make it within a minute of their
    // start; a server run without workers, as the benchmarks run it, would read /manager/delays live instead)
    log("[seed:large] delay audit roll-up");
    await refreshDelayRollup(conn);
  }

  const seconds = (performance.now() - started) / 1000;
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  const result: SeedLargeResult = { tickets: n, rows, totalRows, seconds, rowsPerSecond: Math.round(totalRows / seconds) };
  log(`[seed:large] ${Object.entries(rows).map(([k, v]) => `${k} ${v}${ms[k] ? ` (${(ms[k] / 1000).toFixed(1)} s)` : ""}`).join(", ")}`);
  log(`[seed:large] ${totalRows} rows in ${seconds.toFixed(1)} s: ${result.rowsPerSecond} rows/s, ${Math.round(n / seconds)} tickets/s`);
  return result;
}

/** The SLA targets of core/sla.ts as a SQL CASE over the row's priority, so the bulk seed uses the same rule. */
function slaCase(field: "acceptHours" | "visitHours" | "resolveDays"): RawBuilder<number> {
  const arms = PRIORITIES.map((p) => sql`when ${sql.lit(p)} then ${sql.lit(SLA_TARGETS[p][field])}`);
  return sql<number>`(case priority ${sql.join(arms, sql` `)} end)::int`;
}

function avg(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function rate(count: number, since: number): number {
  return Math.round(count / ((performance.now() - since) / 1000));
}

