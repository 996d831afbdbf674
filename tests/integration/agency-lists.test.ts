import { sql, type RawBuilder } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { TicketStatus, TicketType } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { countTicketsByStatus, listTickets, type TicketFilters } from "../../db/repos/tickets";
import { getTestDb, resetDatabase } from "../support/db";

/*
 * An agency's lists and counts are read as two halves of its scope (the tickets assigned to it, and those of
 * its pending offers) joined by UNION ALL, each walked newest first from its own index. These tests hold
 * them, on a real PostgreSQL, to the privacy rule written the plain way (one OR over every ticket): the same
 * tickets, in the same order, page by page, under every filter and search, and the same counts; no ticket
 * twice, none it declined, lost or never held.
 */

let db: DB;
let A: number;
let B: number;
const scopeA = () => ({ kind: "agency", agencyId: A }) as const;

/** The rule itself, as the reference: assigned to it, or its pending offer. */
async function expectedIds(agencyId: number, where: (t: string) => RawBuilder<unknown> = () => sql`true`): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    select t.id from tickets t
    where (t.assigned_agency_id = ${agencyId}
           or exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.agency_id = ${agencyId} and o.status = 'pending'))
      and ${where("t")}
    order by t.created_at desc, t.id desc`.execute(db);
  return rows.map((r) => Number(r.id));
}

/** Every page of a list, in order, with the page size given. */
async function allPages(filters: TicketFilters, pageSize: number): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; page < 100; page++) {
    const r = await listTickets(db, scopeA(), { ...filters, page, pageSize });
    ids.push(...r.rows.map((row) => row.id));
    if (!r.hasMore) {
      // the last page is the one that says so, never an empty page after a full one
      expect(r.rows.length > 0 || page === 1).toBe(true);
      return ids;
    }
    expect(r.rows).toHaveLength(pageSize);
  }
  throw new Error("more than 99 pages");
}

let minute = 0;
const base = Date.now() - 30 * 24 * 3600_000;
/** Moments in order; `shuffle` lets the two halves of the scope interleave in time. */
const at = (n = ++minute) => new Date(base + n * 60_000);

async function customer(fullName: string, n: number) {
  const mobile = `+98912${String(n).padStart(7, "0")}`;
  return (await db.insertInto("customers").values({ full_name: fullName, mobile }).returning("id").executeTakeFirstOrThrow()).id;
}

async function ticket(customerId: number, status: TicketStatus, assigned: number | null, type: TicketType = "breakdown") {
  return (
    await db
      .insertInto("tickets")
      .values({
        type, channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status,
        assigned_agency_id: assigned, created_at: at(),
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function offer(ticketId: number, agencyId: number, status: "pending" | "accepted" | "rejected" | "expired" | "withdrawn") {
  const offeredAt = at();
  await db
    .insertInto("dispatch_offers")
    .values({
      ticket_id: ticketId, agency_id: agencyId, status, offered_at: offeredAt,
      // a pending offer grants the ticket only until its deadline: these are still open
      deadline_at: new Date(offeredAt.getTime() + (status === "pending" ? 60 * 24 : 1) * 3600_000),
      responded_at: status === "pending" ? null : new Date(offeredAt.getTime() + 60_000),
    })
    .execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  [A, B] = (
    await db
      .insertInto("agencies")
      .values([
        { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
        { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران" },
      ])
      .returning("id")
      .execute()
  ).map((r) => r.id) as [number, number];

  const names = ["زهرا کریمی", "علی کریمی", "مریم صادقی", "حسین احمدی", "سارا رضایی"];
  const customers: number[] = [];
  for (const [i, name] of names.entries()) customers.push(await customer(name, i + 1));
  const statuses: TicketStatus[] = ["assigned", "scheduled", "in_progress", "on_hold", "completed", "closed", "cancelled"];
  // Forty tickets over time, the kinds mixed so that every page holds some of each half.
  for (let i = 0; i < 40; i++) {
    const c = customers[i % customers.length]!;
    const type: TicketType = i % 4 === 0 ? "complaint" : "breakdown";
    switch (i % 8) {
      case 0: // its pending offer, not yet assigned
      case 5: {
        const t = await ticket(c, "dispatching", null, type === "complaint" ? "breakdown" : type);
        await offer(t, A, "pending");
        break;
      }
      case 1: // declined by it, now another agency's
        await offer(await ticket(c, "assigned", B, type), A, "rejected");
        break;
      case 2: // another agency's pending offer
        await offer(await ticket(c, "dispatching", null), B, "pending");
        break;
      case 3: // its offer expired, still waiting for an agency
        await offer(await ticket(c, "dispatching", null), A, "expired");
        break;
      case 4: // assigned to it after it accepted; and again with a pending offer of its own (counted once)
        {
          const t = await ticket(c, statuses[i % statuses.length]!, A, type);
          await offer(t, A, "accepted");
          if (i === 12) await offer(t, A, "pending");
        }
        break;
      default: // assigned to it, in every status
        await ticket(c, statuses[i % statuses.length]!, A, type);
    }
  }
  // tickets of nobody's
  for (let i = 0; i < 5; i++) await ticket(customers[i]!, "new", null);
});

describe("an agency's ticket list, read as two halves of its scope", () => {
  it("holds the same tickets in the same order as the rule itself, page by page", async () => {
    const expected = await expectedIds(A);
    expect(expected.length).toBeGreaterThan(20);
    for (const pageSize of [1, 2, 3, 7, 25]) expect(await allPages({}, pageSize), `pages of ${pageSize}`).toEqual(expected);
  });

  it("never lists a ticket twice, nor one it declined, lost or never held", async () => {
    const ids = await allPages({}, 4);
    expect(new Set(ids).size).toBe(ids.length);
    const { rows } = await sql<{ id: number }>`
      select t.id from tickets t
      where t.assigned_agency_id is distinct from ${A}
        and not exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.agency_id = ${A} and o.status = 'pending')`.execute(db);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(ids).not.toContain(Number(r.id));
  });

  it("applies every filter to both halves", async () => {
    const cases: [TicketFilters, (t: string) => RawBuilder<unknown>][] = [
      [{ status: "dispatching" }, () => sql`t.status = 'dispatching'`],
      [{ status: "closed" }, () => sql`t.status = 'closed'`],
      [{ statuses: ["dispatching", "in_progress", "assigned"] }, () => sql`t.status in ('dispatching', 'in_progress', 'assigned')`],
      [{ type: "complaint" }, () => sql`t.type = 'complaint'`],
      [{ type: "breakdown", status: "dispatching" }, () => sql`t.type = 'breakdown' and t.status = 'dispatching'`],
    ];
    for (const [filters, where] of cases) {
      const expected = await expectedIds(A, where);
      expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
      expect(await allPages(filters, 3), JSON.stringify(filters)).toEqual(expected);
    }
  });

  it("searches a name, a tracking code and a mobile within its scope only", async () => {
    const byName = (pattern: string) => () => sql`exists (select 1 from customers c where c.id = t.customer_id and c.full_name like ${pattern})`;
    const surname = await expectedIds(A, byName("%کریمی"));
    expect(surname.length).toBeGreaterThan(2);
    expect(await allPages({ q: "كريمي" }, 2)).toEqual(surname); // Arabic letters find the Persian name
    expect(await allPages({ q: "زهرا کریمی" }, 2)).toEqual(await expectedIds(A, byName("زهرا کریمی")));
    // a tracking code of a ticket it declined finds nothing; one of its pending offers finds that ticket
    const declined = await sql<{ number: number }>`
      select t.number from tickets t join dispatch_offers o on o.ticket_id = t.id and o.agency_id = ${A} and o.status = 'rejected' limit 1`.execute(db);
    expect((await listTickets(db, scopeA(), { q: String(declined.rows[0]!.number) })).rows).toEqual([]);
    const pending = await sql<{ id: number; number: number }>`
      select t.id, t.number from tickets t join dispatch_offers o on o.ticket_id = t.id and o.agency_id = ${A} and o.status = 'pending'
      where t.assigned_agency_id is null limit 1`.execute(db);
    expect((await listTickets(db, scopeA(), { q: String(pending.rows[0]!.number) })).rows.map((r) => r.id)).toEqual([Number(pending.rows[0]!.id)]);
    const mobile = await allPages({ q: "09120000001" }, 2);
    expect(mobile).toEqual(await expectedIds(A, () => sql`t.customer_id = (select id from customers where mobile = '+989120000001')`));
  });

  it("searches a name shared by more customers than it reads by id the same way", async () => {
    // 10,000 more customers named like two of its customers: the search first looks among the agency's
    // newest tickets (small pages: there are enough of them there; larger ones: there are not, and it reads
    // the customers' ids, or with 10,000 of them and more checks each ticket's customer in turn)
    const byName = (pattern: string) => () => sql`exists (select 1 from customers c where c.id = t.customer_id and c.full_name like ${pattern})`;
    for (const extra of [3000, 10000]) {
      await sql`insert into customers (full_name, mobile)
        select 'نگار کریمی ' || i, '+98935' || lpad(i::text, 7, '0') from generate_series(1, ${extra}::int) as i`.execute(db);
      const surname = await expectedIds(A, byName("%کریمی%"));
      expect(surname.length).toBeGreaterThan(3);
      for (const pageSize of [1, 2, 3, 25]) expect(await allPages({ q: "کریمی" }, pageSize), `${extra}, pages of ${pageSize}`).toEqual(surname);
      expect(await allPages({ q: "کریمی", status: "dispatching" }, 1)).toEqual(
        await expectedIds(A, (t) => sql`${byName("%کریمی%")()} and ${sql.ref(`${t}.status`)} = 'dispatching'`),
      );
      await sql`delete from customers where mobile like '+98935%'`.execute(db);
    }
  });
});

describe("an agency's counts by status", () => {
  it("count the tickets it holds, each once, by status", async () => {
    const { rows } = await sql<{ status: TicketStatus; n: string }>`
      select t.status, count(*) as n from tickets t
      where t.assigned_agency_id = ${A}
         or exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.agency_id = ${A} and o.status = 'pending')
      group by t.status`.execute(db);
    const expected = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    expect(expected.dispatching).toBeGreaterThan(0);
    expect(await countTicketsByStatus(db, scopeA())).toEqual(expected);
    // a ticket both assigned to it and with a pending offer of its own is one ticket
    const total = Object.values(await countTicketsByStatus(db, scopeA())).reduce((a, b) => a + b, 0);
    expect(total).toBe((await expectedIds(A)).length);
  });

  it("count nothing of another agency's declined or pending tickets", async () => {
    const counts = await countTicketsByStatus(db, { kind: "agency", agencyId: B });
    const expected = await expectedIds(B);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(expected.length);
  });
});
