import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { action as loginAction } from "../../app/routes/login";
import { loader as deskTicketsLoader } from "../../app/routes/desk.tickets._index";
import { loader as agencyTicketsLoader } from "../../app/routes/agency.tickets._index";
import * as tickets from "../../db/repos/tickets";
import { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus, type WarrantyStatus } from "../../core/ticket";
import { hashPassword } from "../../platform/password";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";
import { cookieFrom, formRequest, testContext } from "../support/context";

/*
 * The ticket list on PostgreSQL, through the routes' own loaders: server-side pagination, the whitelisted
 * sorts (both directions, ties), filters (status, type, priority, warranty, Tehran date range), search by
 * tracking code, mobile (every written form), serial and name, and the zod fallback for bad parameters.
 */

let db: DB;
let operator: string;
let agencyUser: string;

interface Made {
  number: number;
  status: TicketStatus;
  priority: Priority;
  warranty: WarrantyStatus;
  created: Date;
  due: Date;
  type: "breakdown" | "follow_up" | "complaint";
  agency: "a" | "b" | null;
}
const made: Made[] = [];

type ListResult = {
  rows: { number: number; status: string; priority: string }[];
  page: number;
  hasMore: boolean;
  invalid: string[];
  sort: string;
  dir: string;
  pageSize: number;
  query: Record<string, unknown>;
  searchError: string | null;
};

async function list(params: Record<string, string>, cookie = operator, loader = deskTicketsLoader): Promise<ListResult> {
  const url = `http://localhost/desk/tickets?${new URLSearchParams(params)}`;
  return (await loader({ request: new Request(url, { headers: { Cookie: cookie } }), context: testContext(db), params: {} } as never)) as never;
}
const numbers = (r: ListResult) => r.rows.map((x) => x.number);

async function signIn(username: string) {
  const res = (await loginAction({ request: formRequest("/login", { username, password: "secret-pass" }), context: testContext(db), params: {} } as never)) as Response;
  expect(res.status).toBe(302);
  return cookieFrom(res);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const hash = await hashPassword("secret-pass");
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
      { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: hash },
      { username: "agent-a", display_name: "کارمند الف", role: "agency_admin", agency_id: a!.id, password_hash: hash },
    ])
    .execute();
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db
    .insertInto("product_categories")
    .values({ code: "refrigerator", name_fa: "یخچال", name_en: "Refrigerator" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const model = await db
    .insertInto("product_models")
    .values({ brand_id: brand.id, category_id: cat.id, model_code: "RF-1", name: "یخچال ساید" })
    .returning("id")
    .executeTakeFirstOrThrow();

  // 30 tickets, one a day from 2026-10-01 (Tehran noon), statuses, priorities and warranty cycling
  const warranties: WarrantyStatus[] = ["in_warranty", "out_of_warranty", "unknown"];
  const start = new Date("2026-10-01T08:30:00Z");
  for (let i = 0; i < 30; i++) {
    const customer = await db
      .insertInto("customers")
      .values({ full_name: i === 7 ? "مریم کاظمی" : `مشتری ${i}`, mobile: `+9891200000${String(i).padStart(2, "0")}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const product = await db
      .insertInto("customer_products")
      .values({ customer_id: customer.id, model_id: model.id, serial_number: `SNRF24${String(1000 + i)}`, warranty_months: 18 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const agency = i % 10 === 3 ? "a" : i % 10 === 4 ? "b" : null;
    const m: Made = {
      number: 10_000_100 + i,
      status: agency ? "assigned" : TICKET_STATUSES[i % TICKET_STATUSES.length]!,
      priority: PRIORITIES[i % PRIORITIES.length]!,
      warranty: warranties[i % 3]!,
      created: new Date(start.getTime() + i * 86_400_000),
      // due times in the reverse order of creation, so sorting by them differs from sorting by age
      due: new Date(start.getTime() + (60 - i) * 86_400_000),
      type: i % 5 === 0 ? "complaint" : "breakdown",
      agency,
    };
    if (m.type === "complaint" && ["dispatching", "assigned", "scheduled"].includes(m.status)) m.status = "new";
    made.push(m);
    await db
      .insertInto("tickets")
      .values({
        number: m.number, type: m.type, channel: "phone", customer_id: customer.id, customer_product_id: product.id,
        warranty_status: m.warranty, priority: m.priority, status: m.status,
        assigned_agency_id: agency === "a" ? a!.id : agency === "b" ? b!.id : null,
        created_at: m.created, sla_resolve_due_at: m.due,
      })
      .execute();
  }
  operator = await signIn("oper");
  agencyUser = await signIn("agent-a");
});

const byNumber = (n: number) => made.find((m) => m.number === n)!;

describe("ticket list: pages and sorts on the server", () => {
  it("pages newest first by default, with hasMore and the page size", async () => {
    const p1 = await list({});
    expect(p1.sort).toBe("created_at");
    expect(p1.dir).toBe("desc");
    expect(p1.rows).toHaveLength(25);
    expect(p1.hasMore).toBe(true);
    expect(numbers(p1)[0]).toBe(10_000_129);
    const p2 = await list({ page: "2" });
    expect(numbers(p2)).toEqual([10_000_104, 10_000_103, 10_000_102, 10_000_101, 10_000_100]);
    expect(p2.hasMore).toBe(false);
    const p3 = await list({ size: "50" });
    expect(p3.rows).toHaveLength(30);
    expect(p3.pageSize).toBe(50);
  });

  it("sorts by each whitelisted column in both directions, ties by age in the same direction", async () => {
    const everything = { size: "100" };
    const asc = await list({ ...everything, sort: "number", dir: "asc" });
    expect(numbers(asc)).toEqual([...made].map((m) => m.number).sort((x, y) => x - y));
    const due = await list({ ...everything, sort: "sla_due", dir: "asc" });
    expect(numbers(due)).toEqual([...made].sort((x, y) => x.due.getTime() - y.due.getTime()).map((m) => m.number));

    for (const dir of ["asc", "desc"] as const) {
      const sign = dir === "asc" ? 1 : -1;
      const status = await list({ ...everything, sort: "status", dir });
      const rank = (s: TicketStatus) => TICKET_STATUSES.indexOf(s);
      expect(numbers(status)).toEqual(
        [...made].sort((x, y) => sign * (rank(x.status) - rank(y.status) || x.created.getTime() - y.created.getTime())).map((m) => m.number),
      );
      const priority = await list({ ...everything, sort: "priority", dir });
      const prank = (p: Priority) => PRIORITIES.indexOf(p);
      expect(numbers(priority)).toEqual(
        [...made].sort((x, y) => sign * (prank(x.priority) - prank(y.priority) || x.created.getTime() - y.created.getTime())).map((m) => m.number),
      );
    }
  });

  it("pages through a sort without losing or repeating a row", async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 2; page++) seen.push(...numbers(await list({ sort: "priority", dir: "desc", page: String(page) })));
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it("the database's rank functions follow core's order of statuses and priorities", async () => {
    for (const [i, s] of TICKET_STATUSES.entries()) {
      const r = await sql<{ r: number }>`select ticket_status_rank(${s}) as r`.execute(db);
      expect(r.rows[0]!.r, s).toBe(i + 1);
    }
    for (const [i, p] of PRIORITIES.entries()) {
      const r = await sql<{ r: number }>`select ticket_priority_rank(${p}) as r`.execute(db);
      expect(r.rows[0]!.r, p).toBe(i + 1);
      expect(tickets.priorityRank(p)).toBe(i + 1);
    }
  });
});

describe("ticket list: filters", () => {
  it("filters by status, type, priority and warranty, together", async () => {
    const r = await list({ status: "new", size: "100" });
    expect(numbers(r).sort()).toEqual(made.filter((m) => m.status === "new").map((m) => m.number).sort());
    const combo = await list({ type: "breakdown", priority: "urgent", warranty: "in_warranty", size: "100" });
    const expected = made.filter((m) => m.type === "breakdown" && m.priority === "urgent" && m.warranty === "in_warranty");
    expect(expected.length).toBeGreaterThan(0);
    expect(numbers(combo).sort()).toEqual(expected.map((m) => m.number).sort());
  });

  it("filters by a range of Tehran days, typed in Jalali (any digits) or Gregorian", async () => {
    // 2026-10-05 … 2026-10-07 = 1405/07/13 … 1405/07/15
    const jalali = await list({ from: "۱۴۰۵/۰۷/۱۳", to: "1405-7-15", size: "100" });
    expect(numbers(jalali).sort()).toEqual([10_000_104, 10_000_105, 10_000_106]);
    const gregorian = await list({ from: "2026-10-05", to: "2026-10-07", size: "100" });
    expect(numbers(gregorian).sort()).toEqual([10_000_104, 10_000_105, 10_000_106]);
    const open = await list({ from: "1405/07/30", size: "100" });
    expect(Math.min(...numbers(open))).toBe(10_000_121);
  });

  it("keeps an agency to its own tickets whatever the filters and sort", async () => {
    const mine = made.filter((m) => m.agency === "a").map((m) => m.number).sort();
    const r = await list({ sort: "number", dir: "asc", status: "assigned", size: "100" }, agencyUser, agencyTicketsLoader);
    expect(numbers(r)).toEqual(mine);
    const search = await list({ q: "SNRF241004" }, agencyUser, agencyTicketsLoader);
    expect(numbers(search)).toEqual([]); // ticket 104 is the other agency's
    const desk = await list({ q: "SNRF241004" });
    expect(numbers(desk)).toEqual([10_000_104]);
  });
});

describe("ticket list: search", () => {
  it.each([
    ["tracking code, Latin digits", "10000107"],
    ["tracking code, Persian digits", "۱۰۰۰۰۱۰۷"],
    ["tracking code, Arabic-Indic digits", "١٠٠٠٠١٠٧"],
    ["mobile 09…", "09120000007"],
    ["mobile +98…", "+989120000007"],
    ["mobile 98…", "989120000007"],
    ["mobile with spaces, Persian digits", "۰۹۱۲ ۰۰۰ ۰۰۰۷"],
    ["serial", "SNRF241007"],
    ["serial in lower case", "snrf241007"],
    ["serial with Persian digits", "SNRF۲۴۱۰۰۷"],
    ["name", "مریم کاظمی"],
    ["name with Arabic kaf and yeh", "مريم كاظمي"],
    ["name without the space", "مریمکاظمی"],
  ])("finds ticket 107 by %s", async (_what, q) => {
    const r = await list({ q });
    expect(numbers(r)).toEqual([10_000_107]);
    expect(byNumber(10_000_107)).toBeDefined();
  });

  it("searches within the filters and the sort", async () => {
    expect(numbers(await list({ q: "SNRF241007", status: byNumber(10_000_107).status }))).toEqual([10_000_107]);
    expect(numbers(await list({ q: "SNRF241007", status: "cancelled" === byNumber(10_000_107).status ? "new" : "cancelled" }))).toEqual([]);
  });

  it("finds nothing (never everything) for text no meaning matches", async () => {
    for (const q of ["---", "XYZ999", "ناشناخته"]) expect(numbers(await list({ q })), q).toEqual([]);
  });

  it("refuses an over-long search with a message", async () => {
    const r = await list({ q: "۱".repeat(101) });
    expect(r.searchError).toBe("ticket.searchTooLong");
    expect(r.rows).toEqual([]);
  });
});

describe("ticket list: bad parameters fall back to their defaults, named, never a 500", () => {
  it.each([
    [{ status: "exploded" }, ["status"]],
    [{ sort: "customers.full_name; drop table tickets" }, ["sort"]],
    [{ dir: "sideways" }, ["dir"]],
    [{ page: "abc" }, ["page"]],
    [{ page: "-3" }, ["page"]],
    [{ page: "99999999" }, ["page"]],
    [{ size: "1000" }, ["size"]],
    [{ priority: "asap", warranty: "lifetime" }, ["priority", "warranty"]],
    [{ from: "1405/13/01" }, ["from"]],
    [{ from: "1404/12/30" }, ["from"]],
    [{ to: "yesterday" }, ["to"]],
    [{ from: "1405/08/01", to: "1405/07/01" }, ["to"]],
    [{ type: "\u0000breakdown" }, []],
  ] as const)("%j", async (params, invalid) => {
    const r = await list(params as Record<string, string>);
    expect(r.invalid).toEqual(invalid);
    expect(r.sort).toMatch(/^(created_at|number|status|priority|sla_due)$/);
    expect(r.page).toBe(1);
    expect(r.rows.length).toBeGreaterThan(0);
  });

  it("an empty field is no filter and no complaint (the form sends every field)", async () => {
    const r = await list({ q: "", status: "", type: "", priority: "", warranty: "", from: "", to: "", sort: "", dir: "", page: "", size: "" });
    expect(r.invalid).toEqual([]);
    expect(r.rows).toHaveLength(25);
  });
});
