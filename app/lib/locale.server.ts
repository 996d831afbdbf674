import { createCookie } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n";
import type { AuthUser } from "~/lib/auth.server";

/** The chosen language for visitors who are not signed in; signed-in users keep theirs in users.locale. */
export const localeCookie = createCookie("lang", { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600, httpOnly: true });

/** The language this browser chose with the language switch, or null when it never chose one. */
export async function chosenLocale(request: Request): Promise<Locale | null> {
  const fromCookie = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(fromCookie) ? fromCookie : null;
}

export async function resolveLocale(request: Request, user: AuthUser | null): Promise<Locale> {
  if (user) return user.locale;
  return (await chosenLocale(request)) ?? DEFAULT_LOCALE;
}
