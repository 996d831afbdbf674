import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { action as loginAction, loader as loginLoader } from "../../app/routes/login";
import { action as logoutAction } from "../../app/routes/logout";
import { action as localeAction } from "../../app/routes/locale";
import { loader as deskLoader } from "../../app/routes/desk._index";
import { loader as deskTicketsLoader } from "../../app/routes/desk.tickets._index";
import { loader as managerTicketsLoader } from "../../app/routes/manager.tickets._index";
import { loader as agencyTicketsLoader } from "../../app/routes/agency.tickets._index";
import { loader as auditLoader } from "../../app/routes/admin.audit";
import { getUser } from "../../app/lib/auth.server";
import { localeCookie } from "../../app/lib/locale.server";
import { LOGIN_WINDOW_MINUTES, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_USER } from "../../core/login-throttle";
import { recordLoginAttempt } from "../../db/repos/login-attempts";
import { SESSION_TTL_MS } from "../../db/repos/sessions";
import { signIn as signInService } from "../../services/auth";
import { deactivateUser } from "../../services/users";
import { hashPassword } from "../../platform/password";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";
import { cookieFrom, formRequest, testContext } from "../support/context";

const PASSWORD = "secret-pass";
let db: DB;
let userIds: Record<string, number>;

async function call(fn: (args: never) => Promise<unknown>, request: Request, ip = "127.0.0.1"): Promise<unknown> {
  try {
    return await fn({ request, context: testContext(db, ip), params: {} } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function login(fields: Record<string, string>, ip = "10.0.0.1", headers: Record<string, string> = {}) {
  return (await call(loginAction, formRequest("/login", fields, headers), ip)) as Response;
}

async function sessionOf(username: string, ip = "10.0.0.1"): Promise<string> {
  const res = await login({ username, password: PASSWORD }, ip);
  expect(res.status).toBe(302);
  return cookieFrom(res);
}

function get(path: string, cookie?: string) {
  return new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

async function auditRows(action: string) {
  return db
    .selectFrom("audit_log")
    .select(["actor_user_id", "entity_type", "entity_id", "ip", "details"])
    .where("action", "=", action)
    .orderBy("id")
    .execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const hash = await hashPassword(PASSWORD);
  const agency = await db
    .insertInto("agencies")
    .values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto("users")
    .values(
      [
        ["oper", "اپراتور یکم", "operator"],
        ["oper2", "اپراتور دوم", "operator"],
        ["boss", "مدیر خدمات", "manager"],
        ["root", "مدیر سامانه", "admin"],
        ["agent", "مدیر نمایندگی الف", "agency_admin"],
        ["leaver", "کارمند رفتنی", "operator"],
        ["traveller", "کاربر مسافر", "operator"],
        ["ipvictim", "قربانی", "operator"],
        ["windowed", "پنجره", "operator"],
      ].map(([username, display_name, role]) => ({
        username: username!,
        display_name: display_name!,
        role: role as "operator",
        password_hash: hash,
        agency_id: role === "agency_admin" ? agency.id : null,
      })),
    )
    .returning(["id", "username"])
    .execute();
  userIds = Object.fromEntries(rows.map((r) => [r.username, r.id]));
  const c = await db.insertInto("customers").values({ full_name: "مشتری آزمون", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
  await db
    .insertInto("tickets")
    .values({ type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "in_warranty", status: "assigned", assigned_agency_id: agency.id })
    .execute();
});

beforeEach(async () => {
  // Tests sign in many times from few addresses; each starts with a clean throttle.
  await db.deleteFrom("login_attempts").execute();
});

describe("a NUL byte or other control character in any input is never a 500", () => {
  it.each([
    ["desk", "oper", deskTicketsLoader, "/desk/tickets"],
    ["manager", "boss", managerTicketsLoader, "/manager/tickets"],
    ["agency", "agent", agencyTicketsLoader, "/agency/tickets"],
  ])("%s ticket search with a NUL byte shows the list", async (_name, username, loader, path) => {
    const cookie = await sessionOf(username);
    for (const q of ["%00", "%00%D9%85%D8%B4%D8%AA%D8%B1%DB%8C", "abc%00def%01%1F%7F", "%C2%80%C2%9F"]) {
      const data = (await call(loader, get(`${path}?q=${q}&status=%00assigned&page=%001`, cookie))) as { query: { q?: string } };
      expect(data).not.toBeInstanceOf(Response);
      // eslint-disable-next-line no-control-regex
      expect(data.query.q ?? "").not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    }
  });

  it("the login username with NUL gets the normal messages", async () => {
    const onlyNul = await login({ username: "\u0000", password: "x" });
    expect(onlyNul.status).toBe(400);
    expect(await onlyNul.json()).toMatchObject({ error: "login.error.required" });

    const wrong = await login({ username: "op\u0000er", password: "wrong" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "login.error.invalid", username: "oper" });

    const nulPassword = await login({ username: "oper", password: "secret\u0000-pass" });
    expect(nulPassword.status).toBe(302);
  });

  it("a control character in redirectTo sends the user home instead of failing", async () => {
    for (const redirectTo of ["/desk\n/evil", "/\t/127.0.0.2:3311/healthz", "/%0d%0aSet-Cookie:x=1", "//evil.example", "/\u0000/x"]) {
      const res = await login({ username: "oper", password: PASSWORD, redirectTo });
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe("/desk");
    }
    const kept = await login({ username: "oper", password: PASSWORD, redirectTo: "/desk/tickets?status=closed" });
    expect(kept.headers.get("Location")).toBe("/desk/tickets?status=closed");
  });

  it("the login page only puts a safe redirectTo into its form", async () => {
    const hostile = (await call(loginLoader, get("/login?redirectTo=%2F%09%2Fevil.example"))) as { redirectTo: string };
    expect(hostile.redirectTo).toBe("");
    const fine = (await call(loginLoader, get("/login?redirectTo=%2Fmanager%2Ftickets"))) as { redirectTo: string };
    expect(fine.redirectTo).toBe("/manager/tickets");
  });

  it("the language switch cleans its input", async () => {
    const res = (await call(localeAction, formRequest("/locale", { locale: "en\u0000", redirectTo: "/\n/evil.example" }))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/");
    expect(await localeCookie.parse(cookieFrom(res))).toBe("en");
  });
});

describe("sessions", () => {
  it("a page's loaders share one session lookup per request; actions and other requests look again", async () => {
    const cookie = await sessionOf("oper2");
    const id = (await db.selectFrom("sessions").select("id").where("user_id", "=", userIds.oper2!).orderBy("created_at", "desc").executeTakeFirstOrThrow()).id;
    let lookups = 0;
    const counting = db.withPlugin({
      transformQuery(args) {
        if (args.node.kind === "SelectQueryNode" && JSON.stringify(args.node.from).includes('"sessions"')) lookups++;
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    // the server makes one context, with its own perRequest, for every request
    const request = () => ({ ...testContext(counting), perRequest: new Map<string, unknown>() });
    const ctx = request();
    const users = await Promise.all([getUser(get("/desk/tickets", cookie), ctx), getUser(get("/desk/tickets", cookie), ctx), getUser(get("/desk/tickets", cookie), ctx)]);
    expect(users.map((u) => u?.username)).toEqual(["oper2", "oper2", "oper2"]);
    expect(lookups).toBe(1);
    // a POST (an action) reads afresh
    const post = new Request("http://localhost/desk/tickets", { method: "POST", headers: { Cookie: cookie } });
    expect((await getUser(post, ctx))?.username).toBe("oper2");
    expect(lookups).toBe(2);
    // the next request does not see the last one's answer: a session ended in between no longer works
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    expect(await getUser(get("/desk/tickets", cookie), request())).toBeNull();
    expect(lookups).toBe(3);
    // another cookie in the same request is another lookup
    expect(await getUser(get("/desk/tickets"), ctx)).toBeNull();
  });

  it("an expired session no longer works", async () => {
    const cookie = await sessionOf("oper2");
    expect(await getUser(get("/desk", cookie), testContext(db))).toMatchObject({ username: "oper2" });
    await db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("user_id", "=", userIds.oper2!).execute();
    expect(await getUser(get("/desk", cookie), testContext(db))).toBeNull();
    const res = (await call(deskLoader, get("/desk", cookie))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fdesk");
  });

  it("a session used more than an hour after its last renewal is pushed to a full lifetime", async () => {
    const cookie = await sessionOf("oper2");
    const id = (await db.selectFrom("sessions").select("id").where("user_id", "=", userIds.oper2!).orderBy("created_at", "desc").executeTakeFirstOrThrow()).id;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const soon = new Date(Date.now() + 24 * 3600_000);
    await db.updateTable("sessions").set({ last_seen_at: twoHoursAgo, expires_at: soon }).where("id", "=", id).execute();

    const before = Date.now();
    expect(await getUser(get("/desk", cookie), testContext(db))).not.toBeNull();
    const renewed = await db.selectFrom("sessions").select(["expires_at", "last_seen_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(renewed.expires_at.getTime()).toBeGreaterThanOrEqual(before + SESSION_TTL_MS - 1000);
    expect(renewed.last_seen_at.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // Within the hour nothing is written.
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await db.updateTable("sessions").set({ last_seen_at: tenMinutesAgo, expires_at: soon }).where("id", "=", id).execute();
    expect(await getUser(get("/desk", cookie), testContext(db))).not.toBeNull();
    const untouched = await db.selectFrom("sessions").select(["expires_at", "last_seen_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(untouched.expires_at.getTime()).toBe(soon.getTime());
    expect(untouched.last_seen_at.getTime()).toBe(tenMinutesAgo.getTime());
  });

  it("deactivating a user ends every one of their sessions at once, with an audit row", async () => {
    const first = await sessionOf("leaver", "10.5.0.1");
    const second = await sessionOf("leaver", "10.5.0.2");
    expect(await getUser(get("/desk", first), testContext(db))).not.toBeNull();

    const result = await deactivateUser(db, { userId: userIds.leaver!, actorUserId: userIds.root!, ip: "10.10.1.5" });
    expect(result).toEqual({ found: true, sessionsEnded: 2 });
    expect(await db.selectFrom("sessions").select("id").where("user_id", "=", userIds.leaver!).execute()).toHaveLength(0);
    for (const cookie of [first, second]) {
      const res = (await call(deskLoader, get("/desk", cookie))) as Response;
      expect(res.status).toBe(302);
    }
    const audit = await auditRows("user.deactivate");
    expect(audit).toEqual([
      expect.objectContaining({ actor_user_id: userIds.root, entity_type: "user", entity_id: String(userIds.leaver), ip: "10.10.1.5" }),
    ]);
    // And signing in again is refused.
    expect((await login({ username: "leaver", password: PASSWORD }, "10.5.0.3")).status).toBe(403);
    expect(await deactivateUser(db, { userId: 999_999, actorUserId: null, ip: null })).toEqual({ found: false });
  });

  it("a session of an account switched off by other means stops working too", async () => {
    const cookie = await sessionOf("oper2");
    await db.updateTable("users").set({ active: false }).where("id", "=", userIds.oper2!).execute();
    try {
      expect(await getUser(get("/desk", cookie), testContext(db))).toBeNull();
    } finally {
      await db.updateTable("users").set({ active: true }).where("id", "=", userIds.oper2!).execute();
    }
  });

  it("signing in purges expired sessions", async () => {
    const expired = ["expired-a", "expired-b"];
    await db
      .insertInto("sessions")
      .values(expired.map((id) => ({ id, user_id: userIds.boss!, expires_at: new Date(Date.now() - 60_000) })))
      .execute();
    await sessionOf("oper");
    expect(await db.selectFrom("sessions").select("id").where("id", "in", expired).execute()).toHaveLength(0);
  });
});

describe("the audit log records sign-ins, failures and sign-outs", () => {
  it("a real sign-in, a failed one, an unknown name, a throttled one and a sign-out each leave a row", async () => {
    const ip = "192.0.2.10";
    const res = await login({ username: "traveller", password: PASSWORD }, ip);
    expect(res.status).toBe(302);
    await login({ username: "traveller", password: "wrong" }, ip);
    await login({ username: "no-such-user", password: "wrong" }, ip);
    await call(logoutAction, new Request("http://localhost/logout", { method: "POST", headers: { Cookie: cookieFrom(res) } }), ip);

    const id = userIds.traveller!;
    expect((await auditRows("auth.sign_in")).filter((r) => r.ip === ip)).toEqual([
      { actor_user_id: id, entity_type: "user", entity_id: String(id), ip, details: {} },
    ]);
    expect((await auditRows("auth.sign_in_failed")).filter((r) => r.ip === ip)).toEqual([
      { actor_user_id: null, entity_type: "user", entity_id: String(id), ip, details: { username: "traveller", reason: "invalid" } },
      { actor_user_id: null, entity_type: null, entity_id: null, ip, details: { username: "no-such-user", reason: "invalid" } },
    ]);
    expect((await auditRows("auth.sign_out")).filter((r) => r.ip === ip)).toEqual([
      { actor_user_id: id, entity_type: "user", entity_id: String(id), ip, details: {} },
    ]);

    for (let i = 0; i < MAX_FAILURES_PER_USER; i++) await login({ username: "traveller", password: "wrong" }, `192.0.2.${20 + i}`);
    const throttled = await login({ username: "traveller", password: PASSWORD }, "192.0.2.99");
    expect(throttled.status).toBe(429);
    expect((await auditRows("auth.sign_in_throttled")).filter((r) => r.ip === "192.0.2.99")).toEqual([
      { actor_user_id: null, entity_type: null, entity_id: null, ip: "192.0.2.99", details: { username: "traveller" } },
    ]);
  });

  it("a disabled account's correct password is audited as a refused sign-in", async () => {
    await db.updateTable("users").set({ active: false }).where("id", "=", userIds.windowed!).execute();
    try {
      expect((await login({ username: "windowed", password: PASSWORD }, "192.0.2.50")).status).toBe(403);
      expect((await auditRows("auth.sign_in_failed")).filter((r) => r.ip === "192.0.2.50")).toEqual([
        expect.objectContaining({ entity_id: String(userIds.windowed), details: { username: "windowed", reason: "inactive" } }),
      ]);
    } finally {
      await db.updateTable("users").set({ active: true }).where("id", "=", userIds.windowed!).execute();
    }
  });

  it("the audit log is append-only: updates and deletes are refused", async () => {
    const row = await db.selectFrom("audit_log").select("id").executeTakeFirstOrThrow();
    await expect(db.updateTable("audit_log").set({ action: "auth.sign_out" }).where("id", "=", row.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom("audit_log").where("id", "=", row.id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });

  it("the admin's audit page gets names, not raw codes", async () => {
    const cookie = await sessionOf("root", "192.0.2.60");
    const data = (await call(auditLoader, get("/admin/audit", cookie))) as { rows: Record<string, unknown>[] };
    const own = data.rows.find((r) => r.action === "auth.sign_in" && r.ip === "192.0.2.60");
    expect(own).toMatchObject({ actor_name: "مدیر سامانه", actor_username: "root", entity_user_name: "مدیر سامانه", entity_username: "root" });
    // Other roles cannot read it.
    const other = (await call(auditLoader, get("/admin/audit", await sessionOf("oper")))) as Response;
    expect(other.status).toBe(403);
  });
});

describe("a language chosen on the login page survives signing in", () => {
  it("is stored on the account", async () => {
    const lang = cookieFrom(new Response(null, { headers: { "Set-Cookie": await localeCookie.serialize("en") } }));
    const res = await login({ username: "traveller", password: PASSWORD }, "10.6.0.1", { Cookie: lang });
    expect(res.status).toBe(302);
    const user = await getUser(get("/desk", cookieFrom(res)), testContext(db));
    expect(user?.locale).toBe("en");

    // Without a choice on this browser, the account keeps its own language.
    const again = await login({ username: "traveller", password: PASSWORD }, "10.6.0.2");
    expect((await getUser(get("/desk", cookieFrom(again)), testContext(db)))?.locale).toBe("en");
    const fa = cookieFrom(new Response(null, { headers: { "Set-Cookie": await localeCookie.serialize("fa") } }));
    await login({ username: "traveller", password: PASSWORD }, "10.6.0.3", { Cookie: fa });
    expect((await db.selectFrom("users").select("locale").where("id", "=", userIds.traveller!).executeTakeFirstOrThrow()).locale).toBe("fa");
  });
});

describe("the sign-in throttle per address and its window", () => {
  it("failures from one address across many usernames lock that address, not others", async () => {
    const ip = "203.0.113.7";
    for (let i = 0; i < MAX_FAILURES_PER_IP - 1; i++) {
      await recordLoginAttempt(db, { username: `guess-${i}`, ip, succeeded: false });
    }
    // The last allowed failure, through the real form.
    expect((await login({ username: "someone-else", password: "wrong" }, ip)).status).toBe(401);
    // Now even the right password for a user with no failures of their own is refused from that address…
    const blocked = await login({ username: "ipvictim", password: PASSWORD }, ip);
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: "login.error.throttled", params: { minutes: LOGIN_WINDOW_MINUTES } });
    // …while the same user signs in from another address.
    expect((await login({ username: "ipvictim", password: PASSWORD }, "203.0.113.8")).status).toBe(302);
  });

  it("failures older than the window do not count; failures inside it do", async () => {
    const now = new Date();
    const outside = new Date(now.getTime() - (LOGIN_WINDOW_MINUTES * 60_000 + 60_000));
    const inside = new Date(now.getTime() - (LOGIN_WINDOW_MINUTES * 60_000 - 60_000));
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
      await recordLoginAttempt(db, { username: `old-${i}`, ip: "203.0.113.20", succeeded: false, at: outside });
    }
    for (let i = 0; i < MAX_FAILURES_PER_USER; i++) {
      await recordLoginAttempt(db, { username: "windowed", ip: `203.0.113.${30 + i}`, succeeded: false, at: outside });
    }
    const ok = await signInService(db, { username: "windowed", password: PASSWORD, ip: "203.0.113.20", userAgent: null, now });
    expect(ok).toMatchObject({ ok: true });

    for (let i = 0; i < MAX_FAILURES_PER_USER; i++) {
      await recordLoginAttempt(db, { username: "windowed", ip: `203.0.113.${40 + i}`, succeeded: false, at: inside });
    }
    const refused = await signInService(db, { username: "windowed", password: PASSWORD, ip: "203.0.113.50", userAgent: null, now });
    expect(refused).toEqual({ ok: false, reason: "throttled", retryAfterMinutes: LOGIN_WINDOW_MINUTES });
  });
});
