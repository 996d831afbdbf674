import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { action as loginAction } from "../../app/routes/login";
import { loader as deskTicketsLoader } from "../../app/routes/desk.tickets._index";
import { loader as agencyTicketsLoader } from "../../app/routes/agency.tickets._index";
import { MAX_SEARCH_LENGTH } from "../../core/text";
import { hashPassword } from "../../platform/password";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";
import { cookieFrom, formRequest, testContext } from "../support/context";

let db: DB;
let operatorCookie: string;
let agencyCookie: string;
const T: Record<"sadeghi" | "karimi" | "aliakbar" | "latin" | "sadegh", number> = {} as never;

type ListResult = { rows: { number: number }[]; searchError: string | null; query: { q?: string } };

async function list(loader: typeof deskTicketsLoader, path: string, cookie: string, q: string): Promise<ListResult> {
  const url = `http://localhost${path}?${new URLSearchParams({ q })}`;
  const out = await loader({ request: new Request(url, { headers: { Cookie: cookie } }), context: testContext(db), params: {} } as never);
  return out as unknown as ListResult;
}

const desk = async (q: string) => list(deskTicketsLoader, "/desk/tickets", operatorCookie, q);
const numbers = (r: ListResult) => r.rows.map((x) => x.number).sort();

async function signIn(username: string) {
  const res = (await loginAction({
    request: formRequest("/login", { username, password: "secret-pass" }),
    context: testContext(db),
    params: {},
  } as never)) as Response;
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
  const people = [
    ["sadeghi", "محمدرضا صادقی", "+989351234567", 10000298, b!.id],
    ["karimi", "زهرا کریمی", "+989121112222", 10000299, a!.id],
    ["aliakbar", "علی\u200cاکبر احمدی", "+989121113333", 10000300, null],
    ["latin", "Ali Rezaei", "+989121114444", 10000301, null],
    ["sadegh", "صادق محمدی", "+989121115555", 10000302, null],
  ] as const;
  for (const [key, full_name, mobile, number, agency] of people) {
    const c = await db.insertInto("customers").values({ full_name, mobile }).returning("id").executeTakeFirstOrThrow();
    await db
      .insertInto("tickets")
      .values({
        number, type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "in_warranty",
        status: agency ? "assigned" : "new", assigned_agency_id: agency,
      })
      .execute();
    T[key] = number;
  }
  operatorCookie = await signIn("oper");
  agencyCookie = await signIn("agent-a");
});

describe("ticket search on the desk list, on PostgreSQL", () => {
  it.each([
    ["Latin digits", "10000298"],
    ["Persian digits", "۱۰۰۰۰۲۹۸"],
    ["Arabic-Indic digits", "١٠٠٠٠٢٩٨"],
    ["mixed digits and spaces", " ۱۰۰۰0298 "],
  ])("finds a ticket by its tracking code in %s", async (_, q) => {
    expect(numbers(await desk(q))).toEqual([T.sadeghi]);
  });

  it.each([
    "09351234567",
    "۰۹۳۵۱۲۳۴۵۶۷",
    "٠٩٣٥١٢٣٤٥٦٧",
    "۰۹۳۵ ۱۲۳ ۴۵۶۷",
    "0935-123-4567",
    "+989351234567",
    "+۹۸۹۳۵۱۲۳۴۵۶۷",
    "00989351234567",
    "9351234567",
  ])("finds a customer's ticket by the mobile written as %s", async (q) => {
    expect(numbers(await desk(q))).toEqual([T.sadeghi]);
  });

  it.each([
    ["Persian yeh", "صادقی"],
    ["Arabic yeh", "صادقي"],
    ["first name joined", "محمدرضا"],
    ["first name spaced", "محمد رضا"],
    ["first name with ZWNJ and Arabic yeh", "محمد\u200cرضا صادقي"],
    ["extra spaces", "  محمدرضا    صادقی  "],
  ])("finds a name by its %s spelling", async (_, q) => {
    expect(numbers(await desk(q))).toEqual([T.sadeghi]);
  });

  it.each(["کریمی", "كريمي", "زهرا كريمي", "زهرا کريمی"])("matches Arabic kaf and yeh to Persian ones: %s", async (q) => {
    expect(numbers(await desk(q))).toEqual([T.karimi]);
  });

  it.each(["علی\u200cاکبر", "علی اکبر", "علیاکبر", "علي\u200cاكبر احمدي"])("finds a name stored with a ZWNJ typed as %s", async (q) => {
    expect(numbers(await desk(q))).toEqual([T.aliakbar]);
  });

  it("searches Latin names regardless of case", async () => {
    expect(numbers(await desk("ALI rezaei"))).toEqual([T.latin]);
    expect(numbers(await desk("rezaei"))).toEqual([T.latin]);
  });

  it("treats LIKE wildcards as text: they match nothing rather than everything", async () => {
    expect(numbers(await desk("%"))).toEqual([]);
    expect(numbers(await desk("_"))).toEqual([]);
    expect(numbers(await desk("a_i"))).toEqual([]);
    expect(numbers(await desk("صادق%"))).toEqual([]);
  });

  it("lists every ticket for an empty or blank search", async () => {
    expect(numbers(await desk(""))).toHaveLength(5);
    expect(numbers(await desk("  \u200c "))).toHaveLength(5);
  });

  it("refuses a search longer than the limit with a message and no rows, keeping the text", async () => {
    const long = "ص".repeat(MAX_SEARCH_LENGTH + 1);
    const r = await desk(long);
    expect(r.searchError).toBe("ticket.searchTooLong");
    expect(r.rows).toEqual([]);
    expect(r.query.q).toBe(long);
    const atLimit = await desk("ص".repeat(MAX_SEARCH_LENGTH));
    expect(atLimit.searchError).toBeNull();
    expect(atLimit.rows).toEqual([]);
  });
});

describe("ticket search for an agency", () => {
  const agency = async (q: string) => list(agencyTicketsLoader, "/agency/tickets", agencyCookie, q);

  it("finds its own tickets in any spelling and never another agency's", async () => {
    expect(numbers(await agency("كريمي"))).toEqual([T.karimi]);
    expect(numbers(await agency("۱۰۰۰۰۲۹۹"))).toEqual([T.karimi]);
    expect(numbers(await agency("صادقي"))).toEqual([]);
    expect(numbers(await agency("۱۰۰۰۰۲۹۸"))).toEqual([]);
    expect(numbers(await agency("09351234567"))).toEqual([]);
  });
});

describe("a name shared by thousands of customers", () => {
  it("lists the newest matching tickets first, page by page, in any spelling", async () => {
    // more customers than a name search reads by id: the search walks the newest tickets instead
    await sql`
      with c as (
        insert into customers (full_name, mobile)
        select 'کاوه بهرامی', '+98913' || lpad(g::text, 7, '0') from generate_series(1, 2100) g
        returning id
      )
      insert into tickets (number, type, channel, customer_id, warranty_status, created_at)
      select 20000000 + id, 'breakdown', 'phone', id, 'unknown', now() - make_interval(mins => id::int) from c`.execute(db);
    const newest = await db
      .selectFrom("tickets")
      .innerJoin("customers", "customers.id", "tickets.customer_id")
      .select("tickets.number")
      .where("customers.full_name", "=", "کاوه بهرامی")
      .orderBy("tickets.created_at", "desc")
      .limit(50)
      .execute();
    const first = await desk("بهرامي");
    expect(first.rows.map((r) => r.number)).toEqual(newest.slice(0, 25).map((r) => r.number));
    const url = `http://localhost/desk/tickets?${new URLSearchParams({ q: "كاوه بهرامی", page: "2" })}`;
    const second = (await deskTicketsLoader({ request: new Request(url, { headers: { Cookie: operatorCookie } }), context: testContext(db), params: {} } as never)) as unknown as ListResult;
    expect(second.rows.map((r) => r.number)).toEqual(newest.slice(25, 50).map((r) => r.number));
    // the few-customer path still works beside them
    expect(numbers(await desk("صادقي"))).toEqual([T.sadeghi]);
  });
});
