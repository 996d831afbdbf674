import { createCookie, redirect, type AppLoadContext } from "@remix-run/node";
import { can, isAgencyRole, type Permission } from "../../core/roles";
import { sessions, type DataScope } from "~/lib/db.server";
import { signOut } from "~/lib/services.server";

export { safeRedirect } from "~/lib/redirect";
import type { AuthUser } from "../../db/repos/users";

export type { AuthUser };

const cookies = new Map<string, ReturnType<typeof createCookie>>();

/** The cookie carries only the session id, signed; the session itself lives in PostgreSQL. */
export function sessionCookie(context: AppLoadContext) {
  const key = `${context.env.SESSION_SECRET}:${context.env.NODE_ENV}`;
  let cookie = cookies.get(key);
  if (!cookie) {
    cookie = createCookie("__session", {
      httpOnly: true,
      sameSite: "lax",
      secure: context.env.NODE_ENV === "production",
      path: "/",
      secrets: [context.env.SESSION_SECRET],
      maxAge: sessions.SESSION_TTL_MS / 1000,
    });
    cookies.set(key, cookie);
  }
  return cookie;
}

async function sessionIdFrom(request: Request, context: AppLoadContext): Promise<string | null> {
  const value = await sessionCookie(context).parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

async function lookUpUser(request: Request, context: AppLoadContext): Promise<AuthUser | null> {
  const id = await sessionIdFrom(request, context);
  if (!id) return null;
  return (await sessions.findSessionUser(context.db, id)) ?? null;
}

/**
 * The signed-in user, or null. A page's loaders (root, layout, page) run side by side in one request and
 * each asks: on a GET the session is read once per request (context.perRequest, made by the server for
 * each request) and the loaders share the answer. Actions (POST) always read afresh, and the loaders
 * that follow an action in the same request run after it, so they see what it changed.
 */
export function getUser(request: Request, context: AppLoadContext): Promise<AuthUser | null> {
  const memo = context.perRequest;
  if (!memo || (request.method !== "GET" && request.method !== "HEAD")) return lookUpUser(request, context);
  const key = `user:${request.headers.get("Cookie") ?? ""}`;
  let user = memo.get(key) as Promise<AuthUser | null> | undefined;
  if (!user) {
    user = lookUpUser(request, context);
    memo.set(key, user);
    // a failed lookup is not remembered: the next loader asks again (and fails on its own)
    user.catch(() => memo.delete(key));
  }
  return user;
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<AuthUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`);
  }
  return user;
}

/** Signed in and allowed; otherwise a redirect to the login page or a 403. */
export async function requirePermission(request: Request, context: AppLoadContext, permission: Permission): Promise<AuthUser> {
  const user = await requireUser(request, context);
  if (!can(user.role, permission)) throw new Response("Forbidden", { status: 403 });
  return user;
}

export function scopeFor(user: AuthUser): DataScope {
  if (isAgencyRole(user.role)) {
    if (user.agencyId == null) throw new Response("Forbidden", { status: 403 });
    return { kind: "agency", agencyId: user.agencyId };
  }
  return { kind: "all" };
}

/** The answer to a successful sign-in: the session cookie, and a redirect to a same-origin path. */
export async function sessionStarted(context: AppLoadContext, sessionId: string, redirectTo: string) {
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionCookie(context).serialize(sessionId) } });
}

/** Signs the request's session out (audited) and clears the cookie; without a session it only clears the cookie. */
export async function endSession(request: Request, context: AppLoadContext) {
  const id = await sessionIdFrom(request, context);
  if (id) await signOut(context.db, { sessionId: id, ip: context.clientIp });
  return redirect("/login", {
    headers: { "Set-Cookie": await sessionCookie(context).serialize("", { maxAge: 0 }) },
  });
}

/** A signed-in staff user as the actor of a business action (history and audit), with the request's address. */
export function staffActor(user: AuthUser, context: AppLoadContext): { kind: "user"; userId: number; ip: string } {
  return { kind: "user", userId: user.id, ip: context.clientIp };
}
