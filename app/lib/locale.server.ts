import { createCookie } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n";
import type { AuthUser } from "~/lib/auth.server";

/** The chosen language for visitors who are not signed in; signed-in users keep theirs in users.locale. */
export const localeCookie = createCookie("lang", { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600, httpOnly: true });

export async function resolveLocale(request: Request, user: AuthUser | null): Promise<Locale> {
  if (user) return user.locale;
  const fromCookie = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
}
