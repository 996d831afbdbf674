import { beforeAll, describe, expect, it } from "vitest";
import { action as loginAction } from "../../app/routes/login";
import { action as logoutAction } from "../../app/routes/logout";
import { loader as deskLoader } from "../../app/routes/desk._index";
import { loader as agencyTicketLoader } from "../../app/routes/agency.tickets.$ticketId";
import { loader as healthLoader } from "../../app/routes/healthz";
import { hashPassword } from "../../platform/password";
import { MAX_FAILURES_PER_USER } from "../../core/login-throttle";
import { getTestDb, resetDatabase } from "../support/db";
import { cookieFrom, formRequest, testContext } from "../support/context";
import { createKysely, type DB } from "../../db/connection";

let db: DB;
let ids: { agencyA: number; agencyB: number; ticketOfB: number };

async function callLoader<T>(fn: (args: never) => Promise<T>, request: Request, params: Record<string, string> = {}) {
  try {
    return await fn({ request, context: testContext(db), params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function signIn(username: string, password: string, ip = "10.0.0.1") {
  return (await loginAction({
    request: formRequest("/login", { username, password }),
    context: testContext(db, ip),
    params: {},
  } as never)) as Response;
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
      { username: "agent-a", display_name: "کارمند الف", role: "agency_staff", agency_id: a!.id, password_hash: hash },
      { username: "gone", display_name: "غیرفعال", role: "operator", password_hash: hash, active: false },
    ])
    .execute();
  const c = await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
  const t = await db
    .insertInto("tickets")
    .values({ type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "in_warranty", status: "assigned", assigned_agency_id: b!.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids = { agencyA: a!.id, agencyB: b!.id, ticketOfB: t.id };
});

describe("signing in", () => {
  it("starts a database-backed session with an httpOnly, SameSite=Lax cookie holding only its id", async () => {
    const res = await signIn("oper", "secret-pass");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/desk");
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const sessions = await db.selectFrom("sessions").select(["id", "user_id"]).execute();
    expect(sessions).toHaveLength(1);
    // Signed value: "<id>.<signature>", the id being the row's key.
    const value = decodeURIComponent(cookieFrom(res).split("=")[1]!);
    expect(atob(value.split(".")[0]!)).toContain(sessions[0]!.id);

    const home = await callLoader(deskLoader, new Request("http://localhost/desk", { headers: { Cookie: cookieFrom(res) } }));
    expect(home).not.toBeInstanceOf(Response);

    const out = (await logoutAction({
      request: new Request("http://localhost/logout", { method: "POST", headers: { Cookie: cookieFrom(res) } }),
      context: testContext(db),
      params: {},
    } as never)) as Response;
    expect(out.headers.get("Location")).toBe("/login");
    expect(await db.selectFrom("sessions").select("id").execute()).toHaveLength(0);
  });

  it("answers a wrong password with 401 and a message key, and records the attempt", async () => {
    const res = await signIn("oper", "wrong", "10.0.0.2");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "login.error.invalid", username: "oper" });
    const n = await db.selectFrom("login_attempts").select("id").where("succeeded", "=", false).execute();
    expect(n.length).toBeGreaterThanOrEqual(1);
  });

  it("answers an empty form with 400, not a crash", async () => {
    const res = (await loginAction({ request: formRequest("/login", {}), context: testContext(db), params: {} } as never)) as Response;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "login.error.required" });
  });

  it("refuses disabled accounts", async () => {
    const res = await signIn("gone", "secret-pass", "10.0.0.3");
    expect(res.status).toBe(403);
  });

  it("throttles a username after repeated failures, even with the right password", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_USER; i++) expect((await signIn("agent-a", "wrong", `10.1.0.${i}`)).status).toBe(401);
    const blocked = await signIn("agent-a", "secret-pass", "10.2.0.1");
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: "login.error.throttled" });
  });
});

describe("guards", () => {
  it("redirects visitors without a session to the login page, keeping where they were going", async () => {
    const res = (await callLoader(deskLoader, new Request("http://localhost/desk"))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fdesk");
  });

  it("keeps an agency user out of another agency's ticket, in the query itself", async () => {
    await db.deleteFrom("login_attempts").execute();
    const res = await signIn("agent-a", "secret-pass", "10.3.0.1");
    const cookie = cookieFrom(res);
    const other = (await callLoader(
      agencyTicketLoader,
      new Request(`http://localhost/agency/tickets/${ids.ticketOfB}`, { headers: { Cookie: cookie } }),
      { ticketId: String(ids.ticketOfB) },
    )) as Response;
    expect(other.status).toBe(404);
    const garbage = (await callLoader(
      agencyTicketLoader,
      new Request(`http://localhost/agency/tickets/abc`, { headers: { Cookie: cookie } }),
      { ticketId: "abc" },
    )) as Response;
    expect(garbage.status).toBe(404);
    const desk = (await callLoader(deskLoader, new Request("http://localhost/desk", { headers: { Cookie: cookie } }))) as Response;
    expect(desk.status).toBe(403);

    await db.updateTable("tickets").set({ assigned_agency_id: ids.agencyA }).where("id", "=", ids.ticketOfB).execute();
    const mine = await callLoader(
      agencyTicketLoader,
      new Request(`http://localhost/agency/tickets/${ids.ticketOfB}`, { headers: { Cookie: cookie } }),
      { ticketId: String(ids.ticketOfB) },
    );
    expect(mine).not.toBeInstanceOf(Response);
  });
});

describe("health check", () => {
  it("reports the database", async () => {
    const res = (await healthLoader({ request: new Request("http://localhost/healthz"), context: testContext(db), params: {} } as never)) as Response;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: "ok" });
  });

  it("answers 503 when the database does not answer", async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const down = createKysely("postgres://postgres:postgres@127.0.0.1:1/none", 1);
    try {
      const ctx = { ...testContext(db), db: down };
      const res = (await healthLoader({ request: new Request("http://localhost/healthz"), context: ctx, params: {} } as never)) as Response;
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "error", db: "unreachable" });
    } finally {
      await down.destroy();
    }
  });
});
